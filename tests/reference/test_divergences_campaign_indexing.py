"""Regressions for indexing divergences the program-test campaign found (issue 12, part 3: D9, D10, D12, D23,
D24, D25, D39): the strides of a gather, which index dtypes torch takes and how it reads 0-dim ones, the
overlap check of x[idx] = x, the node x[...] = v records, an integer x written from a value that requires
grad, masked writes of a one-element value, and the order of a 0-dim tensor's slice checks. Every case runs
against torch and the reference in this run (see _refcompare)."""
import warnings

import numpy as np
import pytest

from _refcompare import check


def _quiet(fn):
    """fn with the uint8-index deprecation warning silenced (both libraries give it)."""
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m)
    return run


# ---- D9: x[index] takes its strides from TensorIterator over the index's own layout, empty results too ----
GATHER_STRIDES = {
    "empty bool source, permuted index": lambda m: m.zeros(2, 0, dtype=m.bool)[
        m.arange(6).reshape(2, 1, 3).permute(2, 1, 0)],
    "empty source, transposed index": lambda m: m.zeros(2, 0)[m.arange(6).reshape(2, 3).t() % 2],
    "transposed index": lambda m: m.zeros(2, 3)[m.arange(6).reshape(2, 3).t() % 2],
    "transposed int32 index": lambda m: m.zeros(2, 3)[m.arange(6).reshape(2, 3).t().int() % 2],
    "permuted index with a size-1 dim": lambda m: m.zeros(6, 3)[m.arange(6).reshape(2, 1, 3).permute(2, 1, 0)],
    "two indices, one transposed, empty": lambda m: m.zeros(4, 0, 3)[
        m.arange(6).reshape(2, 3).t() % 2, :, m.arange(2)],
}


@pytest.mark.parametrize("name", GATHER_STRIDES)
def test_gather_strides(name):
    fn = GATHER_STRIDES[name]
    check(lambda m: (tuple(fn(m).shape), fn(m).stride()))


# ---- D10: index dtypes: long, int, byte or bool tensors only; a 0-dim byte tensor indexes as a bool ----------
INDEX_DTYPES = {
    "int8 tensor": lambda m: m.zeros(3, 2)[m.zeros(3, 2, dtype=m.int8)],
    "int16 tensor": lambda m: m.zeros(3, 2)[m.zeros(3, 2, dtype=m.int16)],
    "empty int8 tensor": lambda m: m.zeros(3, 2)[m.tensor([], dtype=m.int8)],
    "int16 tensor, setitem": lambda m: m.zeros(3, 2).__setitem__(m.tensor([0, 1], dtype=m.int16), 1),
    "0-dim int8 tensor is a select": lambda m: m.zeros(3, 2)[m.tensor(1, dtype=m.int8)],
    "0-dim uint8 tensor 1": lambda m: m.zeros(3, 2)[m.tensor(1, dtype=m.uint8)],
    "0-dim uint8 tensor 0": lambda m: m.zeros(3, 2)[m.tensor(0, dtype=m.uint8)],
    "0-dim uint8 tensor 2, then an int": lambda m: m.zeros(3, 2)[m.tensor(2, dtype=m.uint8), 0],
    "None, 0-dim uint8 tensor": lambda m: m.zeros(3, 2)[None, m.tensor(0, dtype=m.uint8)],
    "0-dim uint8 ndarray": lambda m: m.zeros(3, 2)[np.array(1, dtype=np.uint8)],
    "0-dim float ndarray": lambda m: m.arange(6.).reshape(3, 2)[np.array(1.5)],
    "uint16 ndarray": lambda m: m.arange(6.).reshape(3, 2)[np.array([2, 0], dtype=np.uint16)],
    "float ndarray, truncated": lambda m: m.arange(6.).reshape(3, 2)[np.array([1.7, -1.5])],
    "float list, truncated": lambda m: m.arange(6.).reshape(3, 2)[[1.5, 0]],
}


@pytest.mark.parametrize("name", INDEX_DTYPES)
def test_index_dtypes(name):
    check(_quiet(INDEX_DTYPES[name]))


@pytest.mark.parametrize("flag", [0, 1])
@pytest.mark.parametrize("value", ["number", "row"])
def test_setitem_0dim_uint8_index(flag, value):
    def fn(m):
        x = m.zeros(3, 2)
        x[m.tensor(flag, dtype=m.uint8)] = 5 if value == "number" else m.ones(2)
        return x
    check(fn)


# ---- D12: index_put_ refuses a value that is the very tensor written, even an empty one ------------------------
def _put(shape, key, value):
    def fn(m):
        x = m.zeros(*shape)
        x[key(m)] = value(m, x)
        return x
    return fn


OVERLAP = {
    "x[idx] = x, empty": _put((2, 0), lambda m: m.tensor([1, 1]), lambda m, x: x),
    "x[idx] = x, 1-d empty": _put((0,), lambda m: m.tensor([], dtype=m.long), lambda m, x: x),
    "x[idx] = x[:], empty (another tensor)": _put((0,), lambda m: m.tensor([], dtype=m.long), lambda m, x: x[:]),
    "x[:2, idx] = x[3]: no overlap with the region": _put((4, 2), lambda m: (slice(None, 2), m.tensor([0])),
                                                          lambda m, x: x[3]),
    "x[mask] = x, one element (masked_fill_)": _put((1,), lambda m: m.tensor([True]), lambda m, x: x),
}


@pytest.mark.parametrize("name", OVERLAP)
def test_setitem_value_overlap(name):
    check(OVERLAP[name])


# ---- D23: the node x[...] = v records ---------------------------------------------------------------------------
def _graph(key, value, shape=(2, 3)):
    def fn(m):
        a = m.ones(*shape, requires_grad=True)
        x = a * 2
        v = value(m)
        x[key(m, x) if callable(key) else key] = v
        fn_ = x.grad_fn
        (x * m.arange(float(x.numel())).reshape(x.shape)).sum().backward()
        grads = (a.grad, v.grad) if isinstance(v, m.Tensor) and v.requires_grad else (a.grad,)
        return (type(fn_).__name__, fn_.name(), [type(f).__name__ for f, _ in fn_.next_functions]) + grads
    return fn


def _v(shape):
    return lambda m: (m.arange(float(max(1, int(np.prod(shape))))).reshape(shape) + 1).requires_grad_()


GRAPHS = {
    "x[tensor] = nan": _graph(lambda m, x: m.tensor([0, -1]), float("nan"), shape=(3,)),
    "x[list] = 0-dim": _graph([0, 1], _v(())),
    "x[list] = row": _graph([0, 1], _v((3,))),
    "x[list] = (1, 3)": _graph([0, 1], _v((1, 3))),
    "x[:, list] = (2, 1)": _graph((slice(None), [0, 2]), _v((2, 1))),
    "x[..., list] = 0-dim": _graph((Ellipsis, [0, 2]), _v(())),
    "x[0, list] = 0-dim (through a view)": _graph((0, [0, 2]), _v(())),
    "x[mask] = 0-dim": _graph(lambda m, x: x[:, 0] > 0, _v(())),
    "x[mask] = (1,)": _graph(lambda m, x: x[:, 0] > 0, _v((1,))),
    "x[mask2d] = (1, 1)": _graph(lambda m, x: x > 0, _v((1, 1))),
    "0-dim x[...] = True": _graph(Ellipsis, True, shape=()),
    "0-dim x[...] = 0-dim": _graph(Ellipsis, _v(()), shape=()),
    "x[...] = (1, 3)": _graph(Ellipsis, _v((1, 3))),
    "x[...] = (1, 1)": _graph(Ellipsis, _v((1, 1))),
    "x[...] = row": _graph(Ellipsis, _v((3,))),
    "x[...] = 0-dim": _graph(Ellipsis, _v(())),
    "x[0] = (1, 3)": _graph(0, _v((1, 3))),
    "x[0, 1] = 0-dim": _graph((0, 1), _v(())),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_setitem_graph(name):
    check(GRAPHS[name])


def test_setitem_no_grad_self_records_index_put():
    def fn(m):
        x = m.zeros(2, 3)
        x[[0, 1]] = m.tensor(2., requires_grad=True)
        return type(x.grad_fn).__name__, x.requires_grad
    check(fn)


# ---- D24: an integer x written from a value that requires grad: fill_ and index_put_ record, copy_ does not -----
def _int_write(write, base=lambda m: m.tensor([[100, -1, 0]])):
    def fn(m):
        x = base(m)
        v = m.tensor(0.5, requires_grad=True)
        out = write(m, x, v)
        return [(t, t.requires_grad, type(t.grad_fn).__name__, t.is_leaf) for t in out]
    return fn


def _w(key):
    def write(m, x, v):
        x[key(m, x) if callable(key) else key] = v
        return (x,)
    return write


def _view_then(key):
    def write(m, x, v):
        y = x[0]
        y[key] = v
        return (y, x)
    return write


INT_WRITES = {
    "x[::2] = v (fill_ through a view)": _int_write(_w(slice(None, None, 2))),
    "x[0] = v": _int_write(_w(0)),
    "x[...] = v (fill_)": _int_write(_w(Ellipsis)),
    "x[mask] = v (index_put_)": _int_write(_w(lambda m, x: x > 0)),
    "x[0, mask] = v": _int_write(_w(lambda m, x: (0, x[0] > 0))),
    "x[0, 1] = v (copy_: equal shapes)": _int_write(_w((0, 1))),
    "bool x[0] = v": _int_write(_w(0), base=lambda m: m.tensor([[True, False]])),
    "y = x[0]; y[1] = v (copy_)": _int_write(_view_then(1)),
    "y = x[0]; y[1:] = v (fill_)": _int_write(_view_then(slice(1, None))),
}


@pytest.mark.parametrize("name", INT_WRITES)
def test_int_setitem_value_requires_grad(name):
    check(INT_WRITES[name])


def test_int_setitem_row_requires_grad_is_a_copy():
    def fn(m):
        x = m.tensor([[100, -1, 0]])
        x[:] = m.tensor([0.5, 1, 2], requires_grad=True)
        return x, x.is_leaf
    check(fn)


# ---- D25: one mask and a one-element value: masked_fill_, which casts the value (checked) ---------------------
def _masked(x, value, key=lambda x: x > 0):
    def fn(m):
        t = x(m)
        t[key(t)] = value(m) if callable(value) else value
        return t
    return fn


MASKED = {
    "float64 x, long 0-dim": _masked(lambda m: m.ones(2, 2, dtype=m.float64), lambda m: m.tensor(3)),
    "float x, long (1, 1)": _masked(lambda m: m.ones(3), lambda m: m.tensor([[2]])),
    "float x, double (1, 1)": _masked(lambda m: m.ones(3), lambda m: m.tensor([[2.5]], dtype=m.float64)),
    "int32 x, float 0-dim": _masked(lambda m: m.ones(3, dtype=m.int32), lambda m: m.tensor(2.7)),
    "bool x, float 0-dim": _masked(lambda m: m.ones(3, dtype=m.bool), lambda m: m.tensor(0.)),
    "bool x, long 2": _masked(lambda m: m.ones(3, dtype=m.bool), lambda m: m.tensor(2)),
    "x[:, mask]": _masked(lambda m: m.ones(3, 2), lambda m: m.tensor(5),
                          key=lambda x: (slice(None), x[0] > 0)),
    "x[1:, mask]": _masked(lambda m: m.ones(3, 2), lambda m: m.tensor(5), key=lambda x: (slice(1, None), x[0] > 0)),
    "x[mask, 0]": _masked(lambda m: m.ones(3, 2), lambda m: m.tensor(5), key=lambda x: (x[:, 0] > 0, 0)),
    "2-d mask, half": _masked(lambda m: m.ones(3, 2), lambda m: m.tensor(5, dtype=m.float16)),
    "mask and an index: dtypes must match": _masked(lambda m: m.ones(3, 2), lambda m: m.tensor(5),
                                                    key=lambda x: (x[:, 0] > 0, [0])),
    "two values: dtypes must match": _masked(lambda m: m.ones(3, 2), lambda m: m.tensor([5, 6]),
                                             key=lambda x: x[:, 0] > 0),
    "uint8 mask, one value": _masked(lambda m: m.ones(3, 2), lambda m: m.tensor([5]),
                                     key=lambda x: (x[:, 0] > 0).byte()),
    "double past float's range": _masked(lambda m: m.ones(3), lambda m: m.tensor(1e300, dtype=m.float64)),
    "number past float's range": _masked(lambda m: m.ones(3), 1e300),
    "complex into float": _masked(lambda m: m.ones(3), lambda m: m.tensor(5 + 1j)),
    "complex number into float": _masked(lambda m: m.ones(3), 5 + 1j),
    "300 into uint8": _masked(lambda m: m.ones(3, dtype=m.uint8), lambda m: m.tensor(300)),
    "-1 into uint8 wraps": _masked(lambda m: m.ones(3, dtype=m.uint8), lambda m: m.tensor(-1)),
    "1e10 into int8": _masked(lambda m: m.ones(3, dtype=m.int8), lambda m: m.tensor(1e10)),
    "nan into int32": _masked(lambda m: m.ones(3, dtype=m.int32), lambda m: m.tensor(float("nan"))),
    "1e6 into half": _masked(lambda m: m.ones(3, dtype=m.float16), lambda m: m.tensor(1e6)),
    "inf into float": _masked(lambda m: m.ones(3), lambda m: m.tensor(float("inf"), dtype=m.float64)),
}


@pytest.mark.parametrize("name", MASKED)
def test_masked_setitem_one_value(name):
    check(_quiet(MASKED[name]))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_masked_setitem_one_value_grad(dtype, shape):
    def fn(m):
        a = m.ones(3, 2, requires_grad=True)
        x = a * 2
        v = m.full(shape or (1,), 3., dtype=getattr(m, dtype)).reshape(shape).requires_grad_()
        x[x[:, 0] > 0] = v
        (x * m.arange(6.).reshape(3, 2)).sum().backward()
        return a.grad, v.grad, type(x.grad_fn).__name__
    check(fn)


# ---- D39: a 0-dim tensor's slice: the step is checked when the slice is unpacked, before the 0-dim refusal ------
@pytest.mark.parametrize("key", ["::-1", "::0", "::2", "1:"])
@pytest.mark.parametrize("op", ["get", "set"])
def test_0dim_slice_step_first(key, op):
    sl = slice(*(int(p) if p else None for p in key.split(":")))

    def fn(m):
        x = m.zeros(())
        if op == "get":
            return x[sl]
        x[sl] = 1
        return x
    check(fn)


# ---- index tensors are saved for backward: written in place they fail it, and they are freed after it ---------
INDEX_WRITES = {
    "long": ("t.tensor([0, 2])", "idx.add_(1)"),
    "int32": ("t.tensor([0, 2], dtype=t.int32)", "idx.add_(1)"),
    "bool": ("t.tensor([True, False, True, False])", "idx.fill_(True)"),
    "uint8": ("t.tensor([1, 0, 1, 0], dtype=t.uint8)", "idx.fill_(1)"),
}


@pytest.mark.parametrize("kind", sorted(INDEX_WRITES))
@pytest.mark.parametrize("how", ["get", "set", "set_number", "set_through_view"])
def test_index_tensor_written_after_the_index_fails_backward(kind, how):
    make, write = INDEX_WRITES[kind]

    def fn(t):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # uint8 masks are deprecated
            idx = eval(make, {"t": t})
            y = t.ones(4, requires_grad=True) * 2
            z = t.ones(3, 4, requires_grad=True) * 2
            v = t.full((2,), 3.0, requires_grad=True)
            out = {"get": lambda: y[idx], "set": lambda: y.__setitem__(idx, v[:1]) or y,
                   "set_number": lambda: y.__setitem__(idx, 5.0) or y,
                   "set_through_view": lambda: z.__setitem__((1, idx), 5.0) or z}[how]()
            eval(write, {"idx": idx})
            out.sum().backward()
            return v.grad
    check(fn)


@pytest.mark.parametrize("how", ["mask", "long", "mask_number"])
def test_second_backward_through_an_index_write_is_refused_before_any_grad(how):
    def fn(t):
        x = t.ones(4, requires_grad=True)
        y = x * 2
        v = t.full((2,), 3.0, requires_grad=True)
        idx = t.tensor([True, False, True, False]) if how != "long" else t.tensor([0, 2])
        y[idx] = v if how != "mask_number" else 5.0
        (y * y).sum().backward()
        try:
            (y * y).sum().backward()
        except RuntimeError as e:
            return str(e), x.grad, v.grad
        return x.grad, v.grad
    check(fn)
