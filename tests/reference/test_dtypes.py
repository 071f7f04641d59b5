"""dtypes and type promotion, compared with torch."""
import itertools

import pytest
import torch

import reference
from reference import _dtypes

from _refcompare import check

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "complex64",
         "complex128"]


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_matches_torch_for_every_pair(a, b):
    want = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert repr(reference.promote_types(getattr(reference, a), getattr(reference, b))) == repr(want)


@pytest.mark.parametrize("name", NAMES)
def test_dtype_objects_print_and_describe_like_torch(name):
    t, r = getattr(torch, name), getattr(reference, name)
    assert repr(r) == repr(t) and str(r) == str(t)
    assert r.is_floating_point == t.is_floating_point
    assert r.is_complex == t.is_complex
    assert r.itemsize == t.itemsize
    assert r.is_signed == t.is_signed


@pytest.mark.parametrize("alias", ["float", "double", "long", "int", "half", "bool", "short", "cfloat", "cdouble"])
def test_aliases(alias):
    assert repr(getattr(reference, alias)) == repr(getattr(torch, alias))


def test_default_dtype_round_trip():
    assert repr(reference.get_default_dtype()) == "torch.float32"
    reference.set_default_dtype(reference.float64)
    try:
        assert reference.tensor(1.5).dtype is reference.float64
        assert reference.ones(2).dtype is reference.float64
    finally:
        reference.set_default_dtype(reference.float32)
    with pytest.raises(TypeError):
        reference.set_default_dtype(reference.int64)


SCALARS = [True, 3, 2.5, 1j, -7]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("scalar", SCALARS)
def test_tensor_with_python_scalar_follows_the_category_rule(name, scalar):
    if name == "float16" and isinstance(scalar, complex):
        pytest.skip("torch gives complex32, a dtype the reference does not have")
    check(lambda m: m.result_type(m.ones(2, dtype=getattr(m, name)), scalar))


@pytest.mark.parametrize("a,b", [("int32", "float64"), ("float16", "float64"), ("int64", "float16"),
                                 ("bool", "int8"), ("uint8", "int64"), ("float32", "complex128"),
                                 ("int8", "uint8")])
def test_zero_dim_tensors_rank_below_dimensioned_ones(a, b):
    check(lambda m: m.result_type(m.ones(3, dtype=getattr(m, a)), m.tensor(1, dtype=getattr(m, b))))
    check(lambda m: (m.ones(3, dtype=getattr(m, a)) + m.tensor(1, dtype=getattr(m, b))))


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_can_cast(a, b):
    assert reference.can_cast(getattr(reference, a), getattr(reference, b)) == \
        torch.can_cast(getattr(torch, a), getattr(torch, b))


def test_tutorial_promotion_examples():
    check(lambda m: m.ones(2) * 5)
    check(lambda m: m.ones(2, dtype=m.int64) * 2.5)
    check(lambda m: m.tensor([1, 2]) / m.tensor([2, 2]))
    check(lambda m: m.ones(3, dtype=m.long).add_(2.5))


def test_table_is_symmetric():
    for a, b in itertools.product(_dtypes.ALL, _dtypes.ALL):
        assert _dtypes.promote_types(a, b) is _dtypes.promote_types(b, a)
