"""Where random draws land in non-contiguous tensors, bit for bit against torch after the same seed.

torch hands out draws in the order its TensorIterator walks the written tensor (memory order for a
transposed or permuted one), and *_like allocates like empty_like, keeping a dense input's strides.
"""
import numpy as np
import pytest
import torch

import reference
from reference.rng import capability

DTYPES = ["float32", "float64"]

# name -> builder over a module (torch or reference) and a dtype; bases are zeros so gaps are checkable.
VIEWS = {
    "transposed 4x4 (16 elements)": lambda m, dt: m.zeros(4, 4, dtype=dt).t(),
    "transposed 2x3 (6 elements)": lambda m, dt: m.zeros(2, 3, dtype=dt).t(),
    "transposed 5x6": lambda m, dt: m.zeros(5, 6, dtype=dt).t(),
    "transposed 7x9": lambda m, dt: m.zeros(7, 9, dtype=dt).t(),
    "permuted 3x4x5": lambda m, dt: m.zeros(3, 4, 5, dtype=dt).permute(2, 0, 1),
    "permuted 2x2x3 (12 elements)": lambda m, dt: m.zeros(2, 2, 3, dtype=dt).permute(1, 2, 0),
    "permuted 2x3x4 (1, 0, 2)": lambda m, dt: m.zeros(2, 3, 4, dtype=dt).permute(1, 0, 2),
    "every other column 4x8": lambda m, dt: m.zeros(4, 8, dtype=dt)[:, ::2],
    "every other column 2x6": lambda m, dt: m.zeros(2, 6, dtype=dt)[:, ::2],
    "every other row 8x4": lambda m, dt: m.zeros(8, 4, dtype=dt)[::2],
    "inner block 6x6": lambda m, dt: m.zeros(6, 6, dtype=dt)[1:5, 1:5],
    "sliced transpose": lambda m, dt: m.zeros(8, 6, dtype=dt).t()[:, ::2],
    "sliced permute 3-D": lambda m, dt: m.zeros(3, 4, 10, dtype=dt).permute(2, 0, 1)[::2],
    "size-1 dim permuted": lambda m, dt: m.zeros(4, 1, 4, dtype=dt).permute(2, 1, 0),
    "size-1 dim unsqueezed": lambda m, dt: m.zeros(4, 4, dtype=dt).unsqueeze(1),
    "column of a matrix": lambda m, dt: m.zeros(5, 20, dtype=dt)[:, 3],
    "row of a transposed matrix": lambda m, dt: m.zeros(4, 20, dtype=dt).t()[3],
    "transposed 1x20 (contiguous)": lambda m, dt: m.zeros(1, 20, dtype=dt).t(),
    "transposed 20x1": lambda m, dt: m.zeros(20, 1, dtype=dt).t(),
    "permuted 2x1x9 (contiguous)": lambda m, dt: m.zeros(2, 1, 9, dtype=dt).permute(1, 0, 2),
    "contiguous 5x5": lambda m, dt: m.zeros(5, 5, dtype=dt),
    "contiguous 3x4 (12 elements)": lambda m, dt: m.zeros(3, 4, dtype=dt),
}


@pytest.fixture(autouse=True)
def _native_capability():
    # float32 normals of 16+ contiguous elements depend on the CPU path; take the one torch takes here.
    capability.set_cpu_capability(torch.backends.cpu.get_cpu_capability().lower())


def _bits(t):
    return np.ascontiguousarray(t.detach().numpy()).tobytes()


def _both(build, seed=7):
    """Run build(module) for torch and reference after the same manual_seed; also draw 5 more uniforms
    so a wrong number of draws (or a wrong cached normal) shows up."""
    out = []
    for m in (torch, reference):
        m.manual_seed(seed)
        result = build(m)
        out.append((result, m.rand(5, dtype=m.float64)))
    return out


def _assert_same_stream(pair):
    (_, after_t), (_, after_r) = pair
    assert _bits(after_t) == _bits(after_r), "the generator was left in a different state"


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", list(VIEWS))
@pytest.mark.parametrize("op, args", [("uniform_", (-2.0, 3.0)), ("normal_", (0.5, 2.0)), ("normal_", ())])
def test_inplace_fill_lands_where_torch_puts_it(name, dt, op, args):
    build = VIEWS[name]
    pair = _both(lambda m: getattr(build(m, getattr(m, dt)), op)(*args))
    (t, _), (r, _) = pair
    assert r.is_contiguous() == t.is_contiguous()
    assert tuple(r.stride()) == t.stride()
    assert _bits(r) == _bits(t), f"{op} on {name}: values differ from torch"
    # the untouched gaps of a sliced base stay zero, and the written elements sit where torch's do
    assert _bits(r._base if r._base is not None else r) == _bits(t._base if t._base is not None else t)
    _assert_same_stream(pair)


@pytest.mark.parametrize("name", list(VIEWS))
def test_is_contiguous_agrees_with_torch(name):
    for dt in ("float32", "float64"):
        assert VIEWS[name](reference, getattr(reference, dt)).is_contiguous() == \
            VIEWS[name](torch, getattr(torch, dt)).is_contiguous()


LIKE_OPS = {
    "rand_like": lambda m, x: m.rand_like(x),
    "randn_like": lambda m, x: m.randn_like(x),
    "randn_like float64": lambda m, x: m.randn_like(x, dtype=m.float64),
    "randint_like high": lambda m, x: m.randint_like(x, 10),
    "randint_like low high": lambda m, x: m.randint_like(x, -5, 1000),
    "zeros_like": lambda m, x: m.zeros_like(x),
    "ones_like": lambda m, x: m.ones_like(x),
    "full_like": lambda m, x: m.full_like(x, 2.5),
}


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", list(VIEWS))
@pytest.mark.parametrize("op", list(LIKE_OPS))
def test_like_keeps_layout_and_fills_in_memory_order(op, name, dt):
    pair = _both(lambda m: LIKE_OPS[op](m, VIEWS[name](m, getattr(m, dt))))
    (t, _), (r, _) = pair
    assert repr(r.dtype) == repr(t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    assert tuple(r.stride()) == t.stride(), f"{op} of {name}: strides {r.stride()} vs torch {t.stride()}"
    assert r.is_contiguous() == t.is_contiguous()
    assert _bits(r) == _bits(t), f"{op} of {name}: values differ from torch"
    _assert_same_stream(pair)


@pytest.mark.parametrize("name", ["transposed 4x4 (16 elements)", "permuted 3x4x5", "sliced transpose"])
def test_empty_like_keeps_layout(name):
    t = torch.empty_like(VIEWS[name](torch, torch.float32))
    r = reference.empty_like(VIEWS[name](reference, reference.float32))
    assert tuple(r.stride()) == t.stride()


def test_randint_like_of_integer_tensor_keeps_dtype_and_layout():
    pair = _both(lambda m: m.randint_like(m.zeros(6, 5, dtype=m.int64).t(), 3, 9))
    (t, _), (r, _) = pair
    assert repr(r.dtype) == repr(t.dtype) and tuple(r.stride()) == t.stride() and _bits(r) == _bits(t)
    _assert_same_stream(pair)


@pytest.mark.parametrize("op, args", [("uniform_", ()), ("normal_", ()), ("normal_", (0.0, -1.0)),
                                      ("uniform_", (2.0, 1.0))])
@pytest.mark.parametrize("shape, size", [((3, 1), (3, 8)), ((1, 3), (2, 3)), ((4,), (5, 4))])
def test_expanded_tensor_is_refused_before_drawing(op, args, shape, size):
    msgs = []
    for m in (torch, reference):
        m.manual_seed(11)
        base = m.zeros(*shape)
        with pytest.raises(RuntimeError) as info:
            getattr(base.expand(*size), op)(*args)
        msgs.append(str(info.value))
        assert not base.numpy().any(), "a refused fill must leave the tensor unchanged"
        msgs.append(_bits(m.rand(3)))
    assert msgs[0].replace("std -1", "std -1.0").replace("from=2 > to=1", "from=2.0 > to=1.0") == msgs[2]
    assert msgs[1] == msgs[3], "a refused fill must not consume draws"


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("op", ["uniform_", "normal_"])
@pytest.mark.parametrize("shape, strides", [((4, 4), (2, 1)), ((3, 2), (1, 1)), ((2, 3), (1, 1)),
                                            ((5, 4), (3, 2)), ((4, 5), (1, 3))])
def test_self_overlapping_numpy_view_last_draw_wins(shape, strides, op, dt):
    """from_numpy of an as_strided array whose elements share memory: torch writes them one by one."""
    bufs = []
    for m in (torch, reference):
        buf = np.zeros(32, dt)
        arr = np.lib.stride_tricks.as_strided(buf, shape, tuple(s * buf.itemsize for s in strides))
        m.manual_seed(5)
        getattr(m.from_numpy(arr), op)()
        bufs.append((buf.tobytes(), _bits(m.rand(3))))
    assert bufs[0] == bufs[1]


@pytest.mark.parametrize("op", ["uniform_", "normal_"])
def test_explicit_generator_fills_in_walk_order(op):
    values = []
    for m in (torch, reference):
        g = m.Generator().manual_seed(123)
        x = m.zeros(3, 4, 5).permute(2, 0, 1)
        getattr(x, op)(generator=g)
        values.append((_bits(x), _bits(m.rand(4, generator=g))))
    assert values[0] == values[1]


@pytest.mark.parametrize("op", ["uniform_", "normal_", "rand_like", "randn_like"])
def test_empty_non_contiguous_tensor_draws_nothing(op):
    # (strides of empty tensors are not compared: reference reports contiguous ones for every empty tensor)
    results = []
    for m in (torch, reference):
        m.manual_seed(2)
        x = m.zeros(4, 0, 3).permute(2, 0, 1)
        y = getattr(x, op)() if op.endswith("_") else getattr(m, op)(x)
        results.append((tuple(y.shape), _bits(m.rand(4))))
    assert results[0] == results[1]
