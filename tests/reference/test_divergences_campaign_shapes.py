"""Regressions for divergences the program-test campaign found in shapes, copies and cat (issue 12, part 3):
strides of copies of empty tensors, storage offsets of empty slices, fill_'s scalar conversion, copy_ of a
tensor onto itself, cat's legacy empty tensors, expand of a 0-dim tensor, and views of no_grad views.
Every case runs against torch and the reference in this run (see _refcompare)."""
import numpy as np
import pytest

from _refcompare import check


# ---- D7, D8: to(), clone() and empty_like keep an empty tensor's strides (torch counts it as dense) -----------
def _from_numpy(m, shape, dtype=np.float64):
    return m.from_numpy(np.zeros(shape, dtype=dtype))


EMPTY_COPIES = {
    "from_numpy 2-d, long()": lambda m: _from_numpy(m, (2, 0)).long().stride(),
    "from_numpy 2-d, clone()": lambda m: _from_numpy(m, (2, 0)).clone().stride(),
    "from_numpy 2-d, to(copy=True)": lambda m: _from_numpy(m, (2, 0)).to(copy=True).stride(),
    "from_numpy 1-d float32, half()": lambda m: _from_numpy(m, (0,), np.float32).half().stride(),
    "from_numpy, zeros_like": lambda m: m.zeros_like(_from_numpy(m, (2, 0))).stride(),
    "from_numpy, empty_like int32": lambda m: m.empty_like(_from_numpy(m, (3, 0)), dtype=m.int32).stride(),
    "from_numpy, full_like": lambda m: m.full_like(_from_numpy(m, (0, 2)), 2).stride(),
    "expanded empty, int()": lambda m: m.zeros(2, 0).expand(2, 2, 0).int().stride(),
    "expanded empty, clone()": lambda m: m.zeros(2, 0).expand(2, 2, 0).clone().stride(),
    "expanded empty, zeros_like": lambda m: m.zeros_like(m.zeros(2, 0).expand(2, 2, 0)).stride(),
    "permuted empty, float()": lambda m: m.zeros(3, 0, 2, dtype=m.int64).permute(2, 0, 1).float().stride(),
}


@pytest.mark.parametrize("case", EMPTY_COPIES, ids=str)
def test_copies_of_empty_tensors_keep_their_strides(case):
    check(EMPTY_COPIES[case])


# ---- D14: copy_ from the very same elements is a no-op in torch's kernel (autograd still records it) -----------
def _copy_self(src):
    def fn(m):
        b = m.zeros(3)
        x = b.expand(2, 3)
        x.copy_(src(m, b, x))
        return x, x._version
    return fn


def _copy_self_recorded(m):
    x = m.zeros(3, requires_grad=True).clone().expand(2, 3)
    x.copy_(x)
    return type(x.grad_fn).__name__, x._version


COPY_SELF = {
    "x.copy_(x), x expanded": _copy_self(lambda m, b, x: x),
    "another expand of the same base": _copy_self(lambda m, b, x: b.expand(2, 3)),
    "same memory, another dtype": _copy_self(lambda m, b, x: x.double()),
    "from the base": _copy_self(lambda m, b, x: b),
    "recorded and rebased": _copy_self_recorded,
}


@pytest.mark.parametrize("case", COPY_SELF, ids=str)
def test_copy_onto_itself(case):
    check(COPY_SELF[case])


# ---- D21: fill_ converts its number to the dtype with torch's overflow check -----------------------------------
FILL_VALUES = [float("nan"), float("inf"), 300, -1, -1.0, -256, 255.5, -128.9, 65505.0, 1e10, 1e39, 1 + 1j,
               300 + 0j, 1.5 + 0j, 2 ** 63, 2 ** 64, -2 ** 63 - 1, True]
FILL_DTYPES = ["uint8", "int8", "int32", "int64", "bool", "float16", "float32", "float64", "complex64"]


@pytest.mark.parametrize("dtype", FILL_DTYPES)
@pytest.mark.parametrize("n", [1, 3])
def test_fill_converts_its_number_like_torch(dtype, n):
    for value in FILL_VALUES:
        check(lambda m: m.zeros(n, dtype=getattr(m, dtype)).fill_(value))


@pytest.mark.parametrize("dtype, value", [("int64", float("nan")), ("uint8", -1), ("int8", 300.0)])
def test_fill_with_a_tensor_casts_like_copy(dtype, value):
    check(lambda m: m.zeros(3, dtype=getattr(m, dtype)).fill_(m.tensor(value)))


# ---- D37: cat skips legacy 1-d empty tensors, and names a 0-dim operand first ----------------------------------
CAT = {
    "two 1-d empty along dim 1": lambda m: m.cat((m.zeros(0), m.zeros(0)), 1),
    "1-d empty, any dim, promoted": lambda m: m.cat((m.zeros(0), m.zeros(0, dtype=m.float64)), -5),
    "0-dim operand at position 1": lambda m: m.cat((m.zeros(3), m.zeros(())), 1),
    "0-dim after a skipped tensor": lambda m: m.cat((m.zeros(0), m.zeros(())), 0),
    "0-dim before a dims mismatch is seen": lambda m: m.cat((m.zeros(2, 3), m.zeros(3), m.zeros(())), 0),
    "skipped first, dim wrapped by the next": lambda m: m.cat((m.zeros(0), m.zeros(2, 3)), 1),
    "skipped, then sizes mismatch numbered": lambda m: m.cat((m.zeros(0), m.zeros(2, 3), m.zeros(3, 3)), 1),
}


@pytest.mark.parametrize("case", CAT, ids=str)
def test_cat_legacy_empty_and_zero_dim(case):
    check(CAT[case])


def test_cat_of_skipped_tensors_backward():
    def fn(m):
        a = m.zeros(0, requires_grad=True)
        b = m.zeros(0, dtype=m.float64, requires_grad=True)
        c = m.cat((a, b), 1)
        c.sum().backward()
        return c, type(c.grad_fn).__name__, a.grad, b.grad
    check(fn)


# ---- D40: expand of a 0-dim tensor does not check its sizes: a negative one overflows the element count -------
@pytest.mark.parametrize("shape, sizes", [((), (3, -1)), ((), (-1,)), ((), (-2, 3)), ((), (1, -1)),
                                          ((1,), (3, -1, -1)), ((2,), (-1, 2))])
def test_expand_negative_size(shape, sizes):
    check(lambda m: m.zeros(shape).expand(*sizes))
