"""expand's geometry and checks, and the overlap check of a write through basic indexing (torch's copy_). Found by
the fifth thorough program run: `v0.expand(2, -1)` named a float64 tensor torch.FloatTensor, and `v3[::2] = v3` of
a (1, 3) tensor wrote where torch refuses (the strides of its size-1 dim differ from the region's)."""
import pytest

from _refcompare import check

EXPANDS = [
    ((), (1,)), ((), (1, 1)), ((), (2, 1)), ((3,), (1, 3)), ((3,), (1, 1, 3)), ((3,), (2, 1, 3)), ((3,), (-1,)),
    ((3, 1), (1, 3, 4)), ((0, 3), (1, 0, 3)), ((2, 1), (2, 1)), ((2, 1), (2, 5)),
]


@pytest.mark.parametrize("shape,sizes", EXPANDS, ids=str)
def test_expand_strides(shape, sizes):
    check(lambda t: t.ones(shape).expand(*sizes).stride())


def test_expand_strides_of_strided_inputs():
    check(lambda t: (t.ones(2, 3)[:, ::2].expand(1, 2, 2).stride(), t.ones(2, 3).t().expand(1, 1, 3, 2).stride()))


@pytest.mark.parametrize("shape,sizes", [((2, 3), (3, 4)), ((3,), (-1, 3)), ((3,), (-1, 4)), ((3,), (2, -1, 3)),
                                         ((3,), (-2, 3)), ((1,), (-3,)), ((), (1, -1)), ((), (-2,))], ids=str)
def test_expand_errors_in_torchs_order(shape, sizes):
    check(lambda t: t.ones(shape).expand(*sizes))


@pytest.mark.parametrize("dtype", ["float64", "bool", "int8", "float16", "complex64", "complex128", "uint8"])
def test_expand_error_names_the_dtype(dtype):
    check(lambda t: t.zeros((2, 1, 3), dtype=getattr(t, dtype)).expand(2, -1))


def _set(shape, key, value):
    def program(t):
        x = t.arange(float(_numel(shape))).view(*shape) if shape else t.tensor(1.)
        x[key] = value(x)
        return x
    return program


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


SETITEMS = {
    "same elements, other stride of a size-1 dim": _set((1, 3), slice(None, None, 2), lambda x: x),
    "same, a (3, 1) transposed": _set((3, 1), (slice(None), slice(None, None, 2)), lambda x: x),
    "a start slice of a size-1 dim": _set((1, 3), slice(0, 1, 3), lambda x: x),
    "a leading 1 stripped, then the same": _set((3,), slice(None), lambda x: x[None]),
    "a row from the other row": _set((2, 3), 0, lambda x: x[1]),
    "overlapping columns (no dense region)": _set((2, 3), (slice(None), slice(None, 2)), lambda x: x[:, 1:]),
    "a number-like 0-dim element": _set((3,), slice(1, None), lambda x: x[0]),
    "a row broadcast from a (1, 3) slice": _set((2, 3), 1, lambda x: x[0:1]),
    "the whole tensor by Ellipsis": _set((2, 3), Ellipsis, lambda x: x),
    "transposed onto itself": _set((2, 2), slice(None), lambda x: x.t()),
    "an expanded row": _set((3,), slice(None), lambda x: x.expand(2, 3)[0]),
    "a (1, 1, 3) into its own first row": _set((1, 1, 3), 0, lambda x: x),
    "a row into itself": _set((1, 3), 0, lambda x: x[0]),
}


@pytest.mark.parametrize("name", list(SETITEMS))
def test_setitem_overlap(name):
    check(SETITEMS[name])


def test_setitem_overlap_of_a_tensor_that_requires_grad():
    def program(t):
        v0 = t.ones(2, 1, 3, requires_grad=True)
        v3 = v0.sum(0)
        v3[::2] = v3
    check(program)
