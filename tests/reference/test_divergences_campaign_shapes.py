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


def _copy_from_numpy_twice(m):
    a = np.zeros(3)
    m.from_numpy(a).expand(2, 3).copy_(m.from_numpy(a).expand(2, 3))


COPY_SELF = {
    "x.copy_(x), x expanded": _copy_self(lambda m, b, x: x),
    "another expand of the same base": _copy_self(lambda m, b, x: b.expand(2, 3)),
    "x.data (the same storage)": _copy_self(lambda m, b, x: x.data),
    "x.detach()": _copy_self(lambda m, b, x: x.detach()),
    "same memory, another dtype": _copy_self(lambda m, b, x: x.double()),
    "from the base": _copy_self(lambda m, b, x: b),
    "recorded and rebased": _copy_self_recorded,
    "from_numpy twice: two storages": lambda m: _copy_from_numpy_twice(m),
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


# ---- D17, D18, D19: a view of a no_grad (or multi-output) view inherits its creation meta ----------------------
def _ng_view_then_unsqueeze_zero(m):
    x = m.zeros(3, requires_grad=True)
    with m.no_grad():
        v = x.view_as(x)
    v.unsqueeze(1).zero_()


def _ng_views_then_slice_add(m):
    x = m.zeros(2, 3, dtype=m.float16, requires_grad=True)
    with m.no_grad():
        v = x.unsqueeze(-3).squeeze(-3)
    v[1:].add_(1.5)


def _ng_view_of_nonleaf_then_view_mul(m):
    x = m.zeros(2, 3, requires_grad=True).clone()
    with m.no_grad():
        v = x[0]
    v.view(3).mul_(2)


def _ng_view_chain_of_three(m):
    x = m.zeros(2, 3, requires_grad=True).clone()
    with m.no_grad():
        v = x.t()
    v.t()[0].unsqueeze(0).sub_(1)


def _ng_view_then_view_base_written_is_leaf(m):
    x = m.zeros(4, requires_grad=True)
    with m.no_grad():
        v = x.unsqueeze(1)
        with m.enable_grad():
            w = v.flatten()
        x.clamp_(-1, 1)
        return w.is_leaf


def _ng_view_then_t_base_written_grad_fn(m):
    x = m.zeros(2, 3, requires_grad=True).clone()
    with m.no_grad():
        v = x[0]
    w = v.t()
    x.mul_(2)
    return w.grad_fn


def _ng_view_then_view_written_under_no_grad(m):
    x = m.zeros(2, 3, requires_grad=True).clone()
    with m.no_grad():
        v = x[0]
    w = v.view(3)
    with m.no_grad():
        w.mul_(2)
    return w._version, type(x.grad_fn).__name__


def _unbind_output_then_view_add(m):
    x = m.zeros(2, 3, requires_grad=True).clone()
    x.unbind(0)[1].view(3).add_(1)


def _unbind_output_then_view_base_written(m):
    x = m.zeros(2, 3, requires_grad=True).clone()
    b = x.unbind(0)[1].view(3)
    x.add_(1)
    return b.grad_fn


def _unbind_without_history_then_view(m):
    p, q = m.ones(2, 2).unbind(0)
    q.view(2).mul_(m.ones(2, requires_grad=True))


def _unbind_under_no_grad_then_view(m):
    x = m.zeros(2, 3, requires_grad=True).clone()
    with m.no_grad():
        a = x.unbind(0)[1]
    a.view(3).add_(1)


def _ng_view_chain_backward(m):
    x = m.ones(2, 3, requires_grad=True)
    with m.no_grad():
        v = x.view(6)
    (v.view(2, 3) * 2).sum().backward()
    return x.grad, v.view(2, 3).is_leaf


VIEW_CHAINS = {f.__name__.lstrip("_"): f for f in (
    _ng_view_then_unsqueeze_zero, _ng_views_then_slice_add, _ng_view_of_nonleaf_then_view_mul,
    _ng_view_chain_of_three, _ng_view_then_view_base_written_is_leaf, _ng_view_then_t_base_written_grad_fn,
    _ng_view_then_view_written_under_no_grad, _unbind_output_then_view_add, _unbind_output_then_view_base_written,
    _unbind_without_history_then_view, _unbind_under_no_grad_then_view, _ng_view_chain_backward)}


@pytest.mark.parametrize("case", VIEW_CHAINS, ids=str)
def test_views_of_no_grad_and_multi_output_views(case):
    check(VIEW_CHAINS[case])


# ---- D5: an empty slice keeps torch's storage offset (start * stride), even past the end of the storage -------
def _layout(t):
    return tuple(t.shape), t.stride(), t.storage_offset()


EMPTY_SLICES = {
    "x[2:2] of (2, 0)": lambda m: m.zeros(2, 0)[2:2],
    "unsqueeze(0)[1:, ::2]": lambda m: m.zeros(2, 0).unsqueeze(0)[1:, ::2],
    "reshape(-1, 1)[:, 1:]": lambda m: m.zeros(0).reshape(-1, 1)[:, 1:],
    "past the end of a filled storage": lambda m: m.arange(6.).reshape(3, 2)[::2][2:],
    "start clamped to the size": lambda m: m.arange(6.)[7:],
    "row past the last": lambda m: m.arange(6.).reshape(2, 3)[1:][:, 3:],
    "narrow at the end": lambda m: m.zeros(3, 0).narrow(0, 2, 1),
    "chain of slices": lambda m: m.zeros(4, 0)[2:][1:][::3],
    "select of an empty slice": lambda m: m.zeros(4, 2, 0)[3:][:, 1],
    "t() then slice": lambda m: m.zeros(3, 0).t()[:, 2:],
    "view of an empty slice": lambda m: m.zeros(4, 0)[3:].view(0, 5),
    "permute of an empty slice": lambda m: m.zeros(4, 2, 0)[3:].permute(2, 0, 1),
}


@pytest.mark.parametrize("case", EMPTY_SLICES, ids=str)
def test_empty_slice_storage_offset(case):
    check(lambda m: _layout(EMPTY_SLICES[case](m)))


def test_empty_slice_past_the_end_written_in_place_backward():
    def fn(m):
        x0 = m.ones(3, 2, requires_grad=True)
        x = x0 * 1
        v = x[::2][2:]
        v.mul_(2)
        x.sum().backward()
        return x0.grad, type(x.grad_fn).__name__, _layout(v), _layout(v.unsqueeze(0))
    check(fn)
