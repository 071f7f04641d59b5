"""Regressions for divergences the program tests found (issue 12, part 3): index checks and their order,
narrow's checks, floor_divide's graph, printing an invalid no_grad view, backward of a no_grad view, and
empty-slice strides. Every case runs against torch and the reference in this run (see _refcompare)."""
import warnings

import pytest

from _refcompare import check


def _setitem(key, value, requires_grad=True, shape=(2, 3)):
    def fn(m):
        x = m.zeros(*shape, requires_grad=requires_grad)
        k = key(m) if callable(key) else key
        x[k] = value(m) if callable(value) else value
        return x
    return fn


SETITEM = {
    # index_put_ checks the in-place rules before its indices and value; basic writes check the value first
    "leaf, out-of-range tensor index": _setitem(lambda m: m.tensor([1, 1]), 2, shape=(1, 3)),
    "leaf, bad mask": _setitem(lambda m: (slice(None), m.tensor([True, False])), 1),
    "leaf, wrong dtype": _setitem(lambda m: [0], lambda m: m.zeros(1, 3, dtype=m.float64)),
    "leaf, wrong value shape": _setitem(lambda m: [0], lambda m: m.zeros(2, 3)),
    "leaf, basic, wrong value shape": _setitem(0, lambda m: m.zeros(2, 3)),
    "out of range, no grad": _setitem(lambda m: (slice(None), m.tensor([7])), 0.5, requires_grad=False),
    "size-0 dim": _setitem(lambda m: m.tensor([1, 1]), 0.5, requires_grad=False, shape=(0,)),
    "empty result skips bounds": _setitem(lambda m: m.tensor([7]), 0.5, requires_grad=False, shape=(2, 0)),
}


@pytest.mark.parametrize("case", SETITEM, ids=str)
def test_setitem_checks_in_torchs_order(case):
    check(SETITEM[case])


GETITEM = {
    "dim named by its place among indices": lambda m: m.zeros(2, 3)[:, m.tensor([7])],
    "second index out of range": lambda m: m.zeros(2, 3)[[0], [7]],
    "size-0 dim": lambda m: m.zeros(0)[m.tensor([1])],
    "empty result skips bounds": lambda m: m.zeros(2, 0)[m.tensor([7])],
    "empty result with grad": lambda m: (float("nan") * m.tensor([[], []], requires_grad=True))[m.tensor([7])],
    "indices that do not broadcast": lambda m: m.zeros(3, 3)[m.tensor([0, 1]), m.tensor([0, 1, 2])],
    "0-dim bool tensor index": lambda m: (m.tensor(2.0)[m.tensor(True)], m.tensor(2.0)[m.tensor(False)]),
}


@pytest.mark.parametrize("case", GETITEM, ids=str)
def test_getitem_checks(case):
    check(GETITEM[case])


def _zero_dim_mask_write(m):
    v = m.tensor(3.25, requires_grad=True)
    v[v > 0] = True  # torch indexes with a 0-dim bool like a Python bool: through an unsqueezed view


def _zero_dim_mask_no_grad(m):
    z = m.tensor(0)
    z[z > 0] = 5
    z[z == 0] = 7
    return z


@pytest.mark.parametrize("fn", [_zero_dim_mask_write, _zero_dim_mask_no_grad])
def test_zero_dim_bool_mask(fn):
    check(fn)


@pytest.mark.parametrize("args", [(0, 0, 4), (0, -4, 1), (0, 4, 0), (0, 1, -1), (0, -1, 1), (1, 0, 1)], ids=str)
def test_narrow_checks(args):
    check(lambda m: m.zeros(3).narrow(*args))


def test_narrow_of_0_dim():
    check(lambda m: m.tensor(1.0).narrow(-1, 0, 1))


def _floor_divide_graph(m):
    x = m.tensor([1.5, -2.0], requires_grad=True)
    y, z = x // 2, 2 // x
    names = [type(n).__name__ for n, _ in y.grad_fn.next_functions]
    return y, z, y.requires_grad, y.grad_fn.name(), names, repr(y)


def _floor_divide_backward(m):
    (m.tensor([1.5], requires_grad=True) // 2).sum().backward()


@pytest.mark.parametrize("fn", [_floor_divide_graph, _floor_divide_backward,
                                lambda m: m.tensor([[], []], dtype=m.int32) // m.tensor(0),
                                lambda m: m.tensor([1, 2]) // m.tensor(0)])
def test_floor_divide(fn):
    check(fn)


def _invalid_view_repr(m):
    x = m.zeros(1, 3, requires_grad=True)
    with m.no_grad():
        v = x.permute(0, 1)
        v.clamp_(-1, 1)
    return repr(v), repr(x.view_as(x).add_(1) * 1)


def _no_grad_view_backward(m):
    with m.no_grad():
        x = m.tensor([1.0, 2.0], requires_grad=True)
        v = x.permute(0)
        v.backward(m.ones_like(v))


@pytest.mark.parametrize("fn", [_invalid_view_repr, _no_grad_view_backward])
def test_no_grad_views(fn):
    check(fn)


@pytest.mark.parametrize("make", [lambda m: m.ones(0, 0)[1:, ::2], lambda m: m.tensor([[], []])[1:, ::2],
                                  lambda m: m.div(m.tensor([], dtype=m.float64), 1.5)[::2],
                                  lambda m: m.zeros(0, 2)[::2, ::2] + m.zeros(1, 1)])
def test_empty_slice_strides(make):
    check(lambda m: (lambda t: (t.shape, t.stride(), t.storage_offset()))(make(m)))


def _cat_skipped_empty(m):
    v0 = m.tensor([], dtype=m.float64, requires_grad=True)
    v1 = m.tensor([[1.0, 2.0], [0.0, 3.0]], requires_grad=True)
    v4 = m.cat((v1, v0), 1)  # torch skips the 1-D empty input, yet keeps its edge and gives it an empty grad
    names = [type(n).__name__ for n, _ in v4.grad_fn.next_functions]
    v4.sum().backward()
    return v4, names, v0.grad, v1.grad


def _floor_divide_edges(m):
    w = m.tensor([[3.25, 100.0, -1.75]], dtype=m.float64, requires_grad=True)
    return [[type(n).__name__ for n, _ in r.grad_fn.next_functions] for r in (w.mean() // w, w // True, 2 // w)]


def _grad_of_invalid_view(m):
    v0 = m.tensor([], requires_grad=True)
    with m.no_grad():
        v6 = v0.view_as(v0)
        v6.fill_(2)
    return v6.grad


@pytest.mark.parametrize("fn", [_cat_skipped_empty, _floor_divide_edges, _grad_of_invalid_view])
def test_graph_edges(fn):
    check(fn)


NUMBERS = [float("nan"), float("inf"), 300, -1, 1e20, 2 ** 63, 3.7, -1.0, -255, -256, 40000, -129, -128.5, 9.3e18]


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool", "float16"])
@pytest.mark.parametrize("value", NUMBERS, ids=str)
@pytest.mark.parametrize("key", ["int", "tensor"])
def test_setitem_number_conversion(dtype, value, key):
    def fn(m):
        x = m.zeros(2, dtype=getattr(m, dtype))
        x[0 if key == "int" else m.tensor([7])] = value  # the number is converted before the index is read
        return x
    check(fn)


VALUE_SHAPES = {
    "basic, too big": lambda m: (lambda x: x.__setitem__((slice(None), 0), m.zeros(1, 3)))(m.zeros(1, 3)),
    "basic, more dims": lambda m: (lambda x: x.__setitem__((slice(None), 0), m.zeros(2, 3)))(m.zeros(1, 3)),
    "advanced, too big": lambda m: (lambda x: x.__setitem__([0], m.zeros(1, 2)))(m.zeros(1, 3)),
    "advanced, leading ones": lambda m: (lambda x: x.__setitem__([0], m.zeros(1, 1, 3)))(m.zeros(1, 3)),
    "advanced, more dims": lambda m: (lambda x: x.__setitem__([0], m.zeros(1, 1, 2, 3)))(m.zeros(1, 3)),
    "advanced, column": lambda m: (lambda x: x.__setitem__([0, 0], m.zeros(3, 1)))(m.zeros(1, 3)),
}


@pytest.mark.parametrize("case", VALUE_SHAPES, ids=str)
def test_setitem_value_shapes(case):
    check(VALUE_SHAPES[case])


def test_select_of_0_dim():
    check(lambda m: m.tensor(1.0).select(-1, 0))


def test_floor_divide_edges_only_for_grad_operands():
    def fn(m):
        v1 = m.tensor([-1.75, 1e10], requires_grad=True)
        return [[type(n).__name__ for n, _ in r.grad_fn.next_functions] for r in (v1 // m.tensor(-1), m.tensor(2.0) // v1)]
    check(fn)


@pytest.mark.parametrize("make", [lambda m: m.zeros(2, 0).transpose(-2, -1).to(m.int8),
                                  lambda m: m.zeros(0, 3, 1).permute(2, 0, 1).to(m.float64),
                                  lambda m: m.zeros(2, 0).t().clone(), lambda m: m.zeros(3, 0).sum(0, keepdim=True)])
def test_empty_copies_keep_torchs_layout(make):
    check(lambda m: (lambda t: (t.shape, t.stride(), t.storage_offset()))(make(m)))


def _whole_write(key, value):
    def fn(m):
        x = m.ones(2, 3, requires_grad=True)
        v = value(m)
        y = x * 1
        y[key] = v  # no view step: torch writes y itself (fill_ / copy_), not through CopySlices
        names = y.grad_fn.name(), [type(n).__name__ for n, _ in y.grad_fn.next_functions]
        y.sum().backward()
        return y, names, x.grad, v.grad if isinstance(v, m.Tensor) else None
    return fn


WHOLE_VALUES = {"number": lambda m: 0.5, "0-dim": lambda m: m.tensor(2.0), "0-dim rg": lambda m: m.tensor(2.0, requires_grad=True),
                "row": lambda m: m.ones(3), "row rg": lambda m: m.ones(3, requires_grad=True),
                "full rg": lambda m: m.ones(2, 3, requires_grad=True)}


@pytest.mark.parametrize("key", [Ellipsis, slice(None), (Ellipsis, slice(None))], ids=str)
@pytest.mark.parametrize("value", WHOLE_VALUES, ids=str)
def test_whole_tensor_setitem_nodes(key, value):
    check(_whole_write(key, WHOLE_VALUES[value]))


def test_fill_with_a_tensor_value():
    def fn(m):
        x, v = m.ones(2, requires_grad=True), m.tensor(2.0, requires_grad=True)
        y = (x * 1).fill_(v)
        y.sum().backward()
        return y, y.grad_fn.name(), x.grad, v.grad
    check(fn)


@pytest.mark.parametrize("fn", [lambda m: m.tensor(1.0).sum(1, keepdim=True), lambda m: m.tensor(1.0).mean(-2),
                                lambda m: m.tensor(1.0).sum((0,)), lambda m: m.tensor([]).view(0, -1),
                                lambda m: m.autograd.Variable(m.tensor([1]), requires_grad=True),
                                lambda m: m.zeros(1).new_zeros(-1), lambda m: m.zeros(1).new_zeros((2, -1)),
                                lambda m: m.zeros(1, dtype=m.int32).new_zeros(2)])
def test_checks_and_messages(fn):
    check(fn)


def _writes_into_integers(m):
    v3 = m.tensor([[-1.75, 0.0, 1.0], [100.0, 2.0, 100.0]], requires_grad=True)
    v5 = v3.int()
    v5.copy_(v3)  # an integer tensor gets no graph from a copy of one that requires grad
    v6 = m.zeros(2, 3, dtype=m.int64)
    v6[0] = v3[0]
    v7 = m.zeros(2, dtype=m.int64)
    v7.fill_(m.tensor(2.0, requires_grad=True))  # ... yet torch's fill_ records one
    return [(t, t.requires_grad, t.grad_fn is None) for t in (v5, v6, v7)]


def test_writes_into_integer_tensors():
    check(_writes_into_integers)


def _put(m, key, value):
    v0 = m.zeros(2, 3, dtype=m.float64)
    v0[key(m, v0)] = value(m, v0)


OVERLAPS = {
    "mask of itself": lambda m: (lambda v: v.__setitem__(v > 0, v))(m.tensor([100.0, -2.0, 0.1, 100.0])),
    "rows of itself": lambda m: _put(m, lambda m, v: m.tensor([0, -1]), lambda m, v: v),
    "a row of itself": lambda m: _put(m, lambda m, v: m.tensor([0, 1]), lambda m, v: v[0]),
    "shape before dtype": lambda m: _put(m, lambda m, v: [0], lambda m, v: m.zeros(2, 2)),
    "dtype": lambda m: _put(m, lambda m, v: [0], lambda m, v: m.zeros(3)),
}


@pytest.mark.parametrize("case", OVERLAPS, ids=str)
def test_index_put_checks_overlap_then_shape_then_dtype(case):
    check(OVERLAPS[case])


CLAMPS = {
    "uint8 with -1": lambda m: m.tensor([0, 5, 200], dtype=m.uint8).clamp(-1, 1),
    "uint8 in place with -1": lambda m: m.tensor([0, 5, 200], dtype=m.uint8).clamp_(-1, 1),
    "uint8 with -300": lambda m: m.tensor([0, 5, 200], dtype=m.uint8).clamp(-300, 100),
    "int8 with 1000": lambda m: m.tensor([0, 5, 100], dtype=m.int8).clamp(-1, 1000),
    "bool promotes": lambda m: m.tensor([True, False]).clamp(-1, 1),
    "bool in place": lambda m: m.tensor([True, False]).clamp_(0, 1),
    "bool bounds": lambda m: m.tensor([True, False]).clamp_(False, True),
    "int with floats": lambda m: m.tensor([1, 5]).clamp(0.5, 2.5),
    "int in place with floats": lambda m: m.tensor([1, 5]).clamp_(0.5, 2.5),
    "float16 past its range": lambda m: m.tensor([1.5, -3.0], dtype=m.float16).clamp(0, 1e10),
    "float32 past its range": lambda m: m.tensor([1.5]).clamp(0, 1e300),
    "float16 with inf": lambda m: m.tensor([1.5], dtype=m.float16).clamp(0, float("inf")),
    "graph": lambda m: (lambda y: (y, y.grad_fn.name()))(m.tensor([1.5, -3.0], requires_grad=True).clamp(-1, 1)),
}


@pytest.mark.parametrize("case", CLAMPS, ids=str)
def test_clamp_promotes_and_checks_its_bounds(case):
    check(CLAMPS[case])


@pytest.mark.parametrize("fn", [lambda m: m.ones(2, 4)[m.tensor([], dtype=m.uint8)],
                                lambda m: m.arange(4.0)[m.tensor([1, 0, 1, 0], dtype=m.uint8)],
                                lambda m: m.arange(4.0).__setitem__(m.tensor([1, 0, 1, 0], dtype=m.uint8), 7)])
def test_uint8_indices_are_masks(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation text names its source file
        check(fn)


def _no_grad_views_of_views(m):
    v1 = m.arange(6.0).reshape(2, 3)
    v1.requires_grad_()  # a leaf view with its own flag: its no_grad views follow the root base instead
    with m.no_grad():
        a = v1.permute(0, 1).requires_grad
    x = m.ones(4, requires_grad=True)
    v = x[:3]
    base = m.zeros(3)
    w = base[0:2]
    base.add_(m.ones(3, requires_grad=True))
    y = m.ones(3, requires_grad=True) * 2
    with m.no_grad():
        return a, v[:2].requires_grad, x[1:].requires_grad, w[:1].requires_grad, y[1:][:1].requires_grad


def test_no_grad_views_of_views():
    check(_no_grad_views_of_views)


SKIPPED_SLICES = [(slice(None), slice(-3, None)), (slice(None), slice(0, 100)), (slice(None), slice(None, 3)),
                  (slice(None), slice(0, None, 1)), slice(None), (slice(None), slice(0, -1))]


@pytest.mark.parametrize("key", SKIPPED_SLICES, ids=str)
def test_which_slices_torch_skips(key):
    def fn(m):
        x, e = m.ones(3, 3, requires_grad=True), m.tensor([[], []], requires_grad=True)
        y = x * 1
        y[key] = 2.0
        return x[key].grad_fn.name(), e[key].grad_fn.name(), y.grad_fn.name()
    check(fn)


def test_legacy_constructor_of_a_tensor_is_an_alias():
    def fn(m):
        v0 = m.tensor([[1.0, 2.0]], requires_grad=True)
        t = m.FloatTensor(v0)
        flags = t.requires_grad, t.grad_fn.name(), t.is_leaf, t._base is v0
        t.sum().backward()
        return flags, v0.grad
    check(fn)


def _stale_no_grad_view(m, write_base=False):
    """A leaf and a view of it made under no_grad, whose memory was then written under no_grad (through the view,
    or through the base)."""
    v0 = m.zeros((2, 3))
    v0.requires_grad_()
    with m.no_grad():
        v8 = v0.t()
        (v0 if write_base else v8).add_(2)
    return v0, v8


STALE_VALUES = {
    "the leaf itself, other shape": lambda m, v0, v8: v0.__setitem__(Ellipsis, v8),
    "transposed back": lambda m, v0, v8: (v0 * 1).__setitem__(Ellipsis, v8.t()),
    "a column into a row": lambda m, v0, v8: (v0 * 1).__setitem__(0, v8[:, 0]),
    "a 0-dim element": lambda m, v0, v8: (v0 * 1).__setitem__(0, v8[0, 0]),
    "wrong shape": lambda m, v0, v8: (v0 * 1).__setitem__(0, v8),
    "a leading 1": lambda m, v0, v8: (v0 * 1).__setitem__(slice(None), v8.t()[None]),
    "through an index tensor": lambda m, v0, v8: (v0 * 1).__setitem__(m.tensor([0]), v8.t()[0]),
}


@pytest.mark.parametrize("case", list(STALE_VALUES))
def test_setitem_value_that_is_a_stale_no_grad_view(case):
    """copy_to views the value before it checks its shape, so the stale view refuses first (sixth thorough run)."""
    def program(m):
        v0, v8 = _stale_no_grad_view(m)
        STALE_VALUES[case](m, v0, v8)
    check(program)


def _integer_requiring_grad(m):
    v1 = m.tensor([[1, 1, 1], [1, 1, 1]], dtype=m.int64)
    v1[...] = m.tensor(1.0, requires_grad=True)  # fill_ records FillBackward3 even on an integer tensor
    return v1


INTEGER_OPS = {
    "t": lambda v: v.t(), "view": lambda v: v.view(3, 2), "getitem": lambda v: v[0], "slice": lambda v: v[:, 1:],
    "add": lambda v: v + 1, "sum": lambda v: v.sum(), "clone": lambda v: v.clone(), "unbind": lambda v: v.unbind(0),
    "float": lambda v: v.float(), "mul by a float": lambda v: v * 1.5, "add_": lambda v: v.add_(1),
    "detach": lambda v: v.detach(), "contiguous": lambda v: v.contiguous(), "backward": lambda v: v.sum().backward(),
    # an in-place op whose backward keeps the old self clones it, an op with a new integer output (ninth run)
    "mul_ by itself": lambda v: v.mul_(v), "mul_ by a number": lambda v: v.mul_(2), "pow_": lambda v: v.pow_(2),
    "abs_": lambda v: v.abs_(), "neg_": lambda v: v.neg_(), "add_ itself": lambda v: v.add_(v),
    # requires_grad_(True) checks the dtype even where it changes nothing (tenth run); the setter refuses a non-leaf
    "requires_grad_": lambda v: v.requires_grad_(), "requires_grad_(False)": lambda v: v.requires_grad_(False),
    "requires_grad = True": lambda v: setattr(v, "requires_grad", True),
}


@pytest.mark.parametrize("op", list(INTEGER_OPS))
def test_an_integer_tensor_that_requires_grad(op):
    """An op that would record a node on a new integer output is refused (torch's set_history); an in-place
    write or a floating result is not (seventh thorough run)."""
    def program(m):
        r = INTEGER_OPS[op](_integer_requiring_grad(m))
        return r if not hasattr(r, "grad_fn") else (r, r.requires_grad, r.grad_fn is None)
    check(program)


def test_expanded_tensor_written_through_a_mask_warns_before_the_shape_check():
    def program(m):
        v12 = m.tensor(1.0).expand(2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                v12[v12 > 0] = m.ones(2, 3)
            except RuntimeError as e:
                # torch's C++ warnings end in where they were raised; the text before that is the message
                return str(e), [str(w.message).split(" (Triggered internally")[0] for w in caught]
    check(program)


def test_a_stale_no_grad_view_written_through_an_index_refuses_first():
    def program(m):
        v0, v8 = _stale_no_grad_view(m, write_base=True)
        v8[0] = v0  # the view v8[0] reads v8's grad_fn before the value's shape is checked
    check(program)


@pytest.mark.parametrize("gradient", ["integer", "float"])
def test_backward_from_an_integer_root(gradient):
    """torch's engine asserts a root's grad is differentiable once cast to the root's dtype (eighth thorough run)."""
    def program(m):
        v1 = _integer_requiring_grad(m)
        v1.backward(m.ones_like(v1) if gradient == "integer" else m.ones(2, 3))
    check(program)


def test_a_stale_no_grad_view_as_index_put_value_refuses_before_the_shape_check():
    def program(m):  # the eighth thorough run's program
        v0 = m.zeros((2, 3))
        v1 = m.tensor([1.0, 1.0, 1.0])
        v0.requires_grad_()
        with m.no_grad():
            v7 = v0.t()
            v0.add_(2)
            with m.enable_grad():
                v1[v1 > 0] = v7
    check(program)


SLICES_OF_A_STALE_0_DIM_VIEW = {
    "getitem": lambda v: v[1:], "setitem": lambda v: v.__setitem__(slice(1, None), 2),
    "setitem under no_grad": lambda v: v.__setitem__(slice(1, None), 2), "slice in a tuple": lambda v: v[1:, ],
    "integer": lambda v: v[0], "zero step": lambda v: v[::0], "None": lambda v: v[None],
}


@pytest.mark.parametrize("case", list(SLICES_OF_A_STALE_0_DIM_VIEW))
def test_slicing_a_stale_0_dim_no_grad_view(case):
    """A lone slice of a 0-dim tensor is refused by the slice op, after autograd read the stale view's grad_fn;
    an integer or a tuple is refused by the indexing code before that (tenth thorough run)."""
    def program(m):
        v0 = m.tensor(1.0, requires_grad=True) * 1
        with m.no_grad():
            v2 = v0.t()
        v0.zero_()
        if case.endswith("under no_grad"):
            with m.no_grad():
                return SLICES_OF_A_STALE_0_DIM_VIEW[case](v2)
        return SLICES_OF_A_STALE_0_DIM_VIEW[case](v2)
    check(program)


STALE_VIEW_CALLS = {
    "permute() of a 0-dim view": lambda m, v: v[0, 0].permute(),  # the argument parser's TypeError comes first
    "an index out of range": lambda m, v: v[m.tensor([7])],  # the index kernel's checks come after autograd's
    "after a slice": lambda m, v: v[0:1, m.tensor([9])], "a float index": lambda m, v: v[m.tensor([1.5])],
    "a mask of the wrong shape": lambda m, v: v[m.tensor([True])], "two indices": lambda m, v: v[[0], [0, 1, 0]],
    "an integer out of range": lambda m, v: v[m.tensor([0]), 5],  # Python-side, before autograd
}


@pytest.mark.parametrize("case", list(STALE_VIEW_CALLS))
def test_which_checks_come_before_a_stale_no_grad_view_refuses(case):
    """Eleventh thorough run."""
    def program(m):
        v0, v8 = _stale_no_grad_view(m, write_base=True)
        return STALE_VIEW_CALLS[case](m, v8)
    check(program)


@pytest.mark.parametrize("view", ["v0.expand(2, 2, 3)", "v0[:, None].expand(2, 2, 3)", "v0[0].expand(3, 3)",
                                  "v0.unsqueeze(0).expand(4, 2, 3)", "v0[:, ::2]"])
@pytest.mark.parametrize("grad_mode", [False, True])
def test_an_expanded_view_regenerated_after_a_write_adds_up_its_grads(view, grad_mode):
    """Its AsStridedBackward0 sums the grads of the places that show one element (twelfth thorough run)."""
    def program(m):
        v0 = m.tensor([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], requires_grad=True)
        v6 = eval(view, {"v0": v0})
        with m.no_grad():
            v0.add_(0.5)
        with m.set_grad_enabled(grad_mode):
            name = v6.grad_fn.name()
            v6.backward(m.ones_like(v6))
        return name, v0.grad
    check(program)


INTEGER_VALUES = {"other shape": (3,), "same shape": (2, 3), "leading 1": (1, 2, 3), "a row": (2, 3)}


@pytest.mark.parametrize("case", list(INTEGER_VALUES))
@pytest.mark.parametrize("grad_mode", [False, True])
def test_an_integer_value_that_requires_grad_written_through_setitem(case, grad_mode):
    """copy_to views a value of another shape, an integer output with history (twelfth thorough run)."""
    def program(m):
        v0 = m.ones(INTEGER_VALUES[case])
        value = _integer_requiring_grad(m)
        with m.set_grad_enabled(grad_mode):
            if case == "a row":
                v0[0] = value
            else:
                v0[...] = value
        return v0, v0.grad_fn is None
    check(program)


IN_PLACE_WITH_A_STALE_OPERAND = {
    "add_ of another shape": lambda m, v: m.tensor([[1, 1], [1, 1]]).add_(v, alpha=0),
    "mul_ of another shape": lambda m, v: m.ones(2, 2).mul_(v), "copy_": lambda m, v: m.ones(2, 2).copy_(v),
    "sub_ of bools": lambda m, v: m.ones(2, 2, dtype=m.bool).sub_(v), "fill_ with a 1-dim value": lambda m, v: m.ones(2).fill_(v),
    "clamp_ by a tensor": lambda m, v: m.ones(2, 2).clamp_(v), "add_ into integers": lambda m, v: m.ones(3, dtype=m.int64).add_(v),
}


@pytest.mark.parametrize("case", list(IN_PLACE_WITH_A_STALE_OPERAND))
def test_an_in_place_op_reads_its_operands_grad_fn_before_its_kernel_checks(case):
    """Twelfth thorough run."""
    def program(m):
        v0 = m.zeros(3, requires_grad=True)
        with m.no_grad():
            v8 = v0.t()
            v0.add_(2)
        return IN_PLACE_WITH_A_STALE_OPERAND[case](m, v8)
    check(program)


COPIES_INTO_INTEGERS = [
    "v1[...] = v0", "v1[...] = w", "v1[0] = v0", "v1[...] = 5", "v1.copy_(v0.expand(2, 3))", "v1.copy_(w.expand(2, 3))",
    "v1.copy_(v1)", "v1.t().copy_(v1.t())", "v1[torch.tensor([0])] = v0.long()", "v1.copy_(torch.ones(3))",
]


@pytest.mark.parametrize("step", COPIES_INTO_INTEGERS)
def test_a_copy_into_an_integer_tensor_that_requires_grad_records_nothing(step):
    """torch's copy_ leaves autograd out when self is an integer tensor: no checks, no node (thirteenth run)."""
    def program(m):
        v1 = _integer_requiring_grad(m)
        v0, w = m.tensor([1.5, 2.5, 3.5]), m.tensor([1.5, 2.5, 3.5], requires_grad=True)
        exec(step, {"torch": m, "v0": v0, "v1": v1, "w": w})
        return v1, v1.grad_fn.name() if v1.grad_fn else None
    check(program)


VIEWS_MADE_BEFORE_THE_BASE_REQUIRED_GRAD = {
    "copy_ into an integer view": lambda m, v, t: v.copy_(v),
    "add_ into an integer view": lambda m, v, t: v.add_(1),  # a leaf by its stored grad_fn: refused
    "its grad_fn read first": lambda m, v, t: (v.grad_fn.name(), v.add_(1)),
}


@pytest.mark.parametrize("case", list(VIEWS_MADE_BEFORE_THE_BASE_REQUIRED_GRAD))
def test_a_view_made_before_its_base_required_grad(case):
    def program(m):
        v2 = m.zeros((2, 3), dtype=m.int64)
        v7 = v2.t()
        v2[...] = m.tensor(1.0, requires_grad=True)
        VIEWS_MADE_BEFORE_THE_BASE_REQUIRED_GRAD[case](m, v7, v2)
        return v2.grad_fn.name(), v7.grad_fn.name()
    check(program)


def test_an_empty_leafs_grad_keeps_its_all_zero_strides():
    def program(m):
        v1 = m.tensor([], dtype=m.float32, requires_grad=True)
        with m.no_grad():
            v12 = m.from_numpy(v1.numpy())
            v12.requires_grad_()
            v12.backward(m.ones_like(v12))
        return v12.grad, v12.grad.stride()
    check(program)


VIEW_CHAINS = [("(1, 3)", "x.t().unsqueeze(0)"), ("(1, 3)", "x.t().view(1, -1, 1)"), ("(2, 1, 3)", "x.mT.reshape(-1, 1)"),
               ("(1, 3)", "x.permute(1, 0).view(1, -1, 1)"), ("(3, 1)", "x.t().unsqueeze(-1)"), ("(2, 1, 3)", "x.squeeze(1)"),
               ("()", "(x * 1).unsqueeze(0)"), ("()", "x.squeeze() * 1"), ("()", "x.mT.t()"), ("(1,)", "x[0].mT")]


@pytest.mark.parametrize("shape, chain", VIEW_CHAINS, ids=str)
def test_a_leafs_grad_through_views_has_torchs_strides(shape, chain):
    """A view's backward lays its grad out as torch's view/squeeze do (size-1 dims too), and a 0-dim grad is a
    tensor the leaf takes over (fourteenth thorough run)."""
    def program(m):
        x0 = m.ones(eval(shape), requires_grad=True)
        y = eval(chain, {"x": x0})
        y.backward(m.ones_like(y))
        return x0.grad, x0.grad.stride(), x0.grad._version
    check(program)


@pytest.mark.parametrize("write", ["zero_()", "fill_(2)"])
def test_a_write_through_an_expanded_view_fails_the_backward(write):
    """torch's fill_ and zero_ write an expanded view; CopySlices' backward then refuses to copy into it
    (fourteenth thorough run: before the grad reaches an integer tensor)."""
    def program(m):
        v1 = _integer_requiring_grad(m)
        v26 = m.div(v1, 2)
        eval(f"v26.expand(2, 2, 3).{write}", {"v26": v26})
        v26.sum().backward()
    check(program)


def test_a_backward_that_fails_validation_keeps_the_saved_tensors():
    """torch releases a node's saved tensors after its grads passed validate_outputs, so a backward that failed
    there can run again and fails the same way (fifteenth thorough run)."""
    def program(m):
        v26 = m.div(_integer_requiring_grad(m), 2)
        errors = []
        for _ in range(2):
            try:
                v26.sum().backward()
            except RuntimeError as e:
                errors.append(str(e).split(" INTERNAL ASSERT FAILED")[0])
        return errors
    check(program)


@pytest.mark.parametrize("value", ["t.zeros(3, dtype=t.int64)", "t.zeros(0, dtype=t.bool)", "t.tensor([False])", "True"])
def test_a_mask_that_is_the_written_tensor(value):
    """index_put_'s assert_no_overlap(self, index) refuses the very tensor even when it is empty (sixteenth run)."""
    def program(m):
        v2 = m.tensor([[], []], dtype=m.bool)
        v2[v2] = eval(value, {"t": m})
        return v2
    check(program)


@pytest.mark.parametrize("shape, expanded", [((0,), (2, 0)), ((0, 3), (2, 0, 3)), ((1, 0), (4, 0)), ((2, 1), (2, 3))],
                         ids=str)
def test_a_write_through_an_empty_expanded_view_backs_up(shape, expanded):
    """An empty expanded view shows no element twice: its CopySlices backward runs (eighteenth thorough run); a
    non-empty one is still refused."""
    def program(m):
        v0 = m.zeros(*shape, requires_grad=True)
        v2 = v0 + 2
        v2.expand(*expanded).add_(2)
        v2.sum().backward()
        return v0.grad
    check(program)


@pytest.mark.parametrize("call", ["a // b", "a % b", "a ** b", "t.div(a, b, rounding_mode='floor')",
                                  "t.div(a, b, rounding_mode='trunc')", "a // z", "t.div(a, z, rounding_mode='trunc')",
                                  "r.pow_(b)", "r.remainder_(b)", "r.floor_divide_(b)", "r.div_(b, rounding_mode='floor')"])
@pytest.mark.parametrize("dtype", ["bool", "complex64", "int64"])
def test_the_shape_check_comes_before_the_division_kernels_dtype_check(call, dtype):
    """TensorIterator checks the shapes before a kernel refuses bool or complex operands, and the kernel refuses
    them before it divides by zero (nineteenth thorough run: bool // bool of shapes (2, 2) and (2, 3) raised the
    kernel's NotImplementedError where torch names the sizes)."""
    def program(m):
        dt = getattr(m, dtype)
        a, b, z, r = m.ones(2, 2, dtype=dt), m.ones(2, 3, dtype=dt), m.zeros(2, 2, dtype=dt), m.ones(2, 1, dtype=dt)
        return eval(call, {"t": m, "a": a, "b": b, "z": z, "r": r})
    check(program)


@pytest.mark.parametrize("call", ["a & b", "a | b", "a ^ b", "a < b", "a >= b", "~a", "a.bitwise_not()"])
@pytest.mark.parametrize("dtype", ["float32", "complex64", "int64", "bool"])
def test_operators_check_shapes_before_refusing_a_dtype(call, dtype):
    """Bitwise ops and order comparisons check the shapes (TensorIterator) before their kernel refuses a float or
    complex dtype; `~` of a float or complex tensor is torch's Python operator's TypeError (a sweep around the
    nineteenth thorough run's finding)."""
    def program(m):
        dt = getattr(m, dtype)
        return eval(call, {"a": m.ones(2, 2, dtype=dt), "b": m.ones(2, 3, dtype=dt)})
    check(program)


@pytest.mark.parametrize("shapes", [((2, 2), (2, 2)), ((2,), (2,)), ((0,), (0,)), ((2, 2), (2,)), ((2,), (2, 2)),
                                    ((3, 2, 2), (2, 2)), ((3, 2, 2), (2,)), ((2,), (3, 2, 2)), ((3, 2, 2), (3, 2, 2)),
                                    ((0, 2), (2,)), ((2, 0), (0,)), ((1, 0), (0, 1)), ((3, 2, 0), (3, 0, 2))], ids=str)
@pytest.mark.parametrize("dtype", ["bool", "int64"])
def test_products_of_bool_tensors_name_torchs_kernel(shapes, dtype):
    """torch has no bool matrix product: dot, addmv, addmm or bmm refuses it, unless the result is empty or its
    sums have no terms (torch then fills zeros without a kernel)."""
    def program(m):
        dt = getattr(m, dtype)
        return m.ones(*shapes[0], dtype=dt) @ m.ones(*shapes[1], dtype=dt)
    check(program)


@pytest.mark.parametrize("shapes", [((2, 2), (2,)), ((2, 2), (3,)), ((2,), (2,)), ((2, 2, 2), (2,)), ((2, 2), (2, 2))],
                         ids=str)
@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("float64", "float32"), ("float32", "float32")], ids=str)
def test_mv_checks_dims_then_sizes_then_dtypes(shapes, dtypes):
    def program(m):
        return m.mv(m.ones(*shapes[0], dtype=getattr(m, dtypes[0])), m.ones(*shapes[1], dtype=getattr(m, dtypes[1])))
    check(program)


@pytest.mark.parametrize("expr", ["a.clamp(-1, 1)", "a.clamp(min=-1)", "a.clamp(max=1)", "a.clone().clamp_(-1, 1)",
                                  "a.relu()", "a.max()", "a.min()", "a.amax()", "a.max(0).values"])
@pytest.mark.parametrize("grad", ["nan", "inf", "-2.0"])
@pytest.mark.parametrize("values", [[float("nan"), 0.5, 2.0, -3.0, 0.0], [1.0, 2.0, 0.0, 2.0, -0.0],
                                    [float("nan"), float("nan"), 1.0, 1.0, 0.0]], ids=["nan", "ties", "two-nans"])
def test_a_nan_or_inf_grad_reaches_only_where_torchs_formula_lets_it(expr, grad, values):
    """clamp's and relu's backward are where() (torch's clamp_backward, threshold_backward) and a full max/min fills
    its share into zeros on the CPU (evenly_distribute_backward), shared by the nan elements when the result is nan:
    a nan grad stays out of the other elements, where g * mask spread it everywhere (twentieth thorough run: v1.clamp_
    then backward(gradient=nan))."""
    def program(m):
        a = m.tensor(values, requires_grad=True)
        z = eval(expr, {"a": a})
        z.backward(m.full(z.shape, float(grad)))
        return a.grad
    check(program)


@pytest.mark.parametrize("expr", ["a.maximum(b)", "a.minimum(b)", "a.max(b)", "b.minimum(a)", "a.maximum(b[:1])",
                                  "a.prod()"])
@pytest.mark.parametrize("grad", ["nan", "inf", "0.3"])
@pytest.mark.parametrize("values", [[float("nan"), 0.5, 2.0, -3.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0],
                                    [1.3, 2.7, 0.9, 1.1, 5.3], [0.0, 2.0, 3.0, 1.5, 1.0]],
                         ids=["nan", "zeros", "no-zero", "one-zero"])
def test_maximum_and_prod_grads_follow_torchs_formulas(expr, grad, values):
    """maximum/minimum: where(a == b, grad / 2, grad).masked_fill_(loser, 0), so a nan grad reaches the winner
    only; prod: grad * (result / input) in that order, and zeros when two elements are zero."""
    def program(m):
        a = m.tensor(values, requires_grad=True)
        b = m.tensor([1.0, -2.0, 0.0, 0.5, 3.0], requires_grad=True)
        z = eval(expr, {"a": a, "b": b})
        z.backward(m.full(z.shape, float(grad)))
        return a.grad, b.grad
    check(program)


@pytest.mark.parametrize("src", ["v0", "v0.clone()", "5", "t.tensor(5)", "v0[:1]", "v3", "v3.clone()"])
@pytest.mark.parametrize("index", ["...", "slice(None)"])
def test_a_write_of_an_expanded_views_own_elements_returns_at_once(src, index):
    """copy_ returns before its overlap checks when the value, as x[...] = v expands it, is the region's very
    elements: v3[...] = v0 with v3 = v0.expand(2, 3) passes in torch (twenty-first thorough run)."""
    def program(m):
        v0 = m.tensor([1, 2, 3], dtype=m.int64)
        v3 = v0.expand(2, 3)
        v3[eval(index)] = eval(src, {"t": m, "v0": v0, "v3": v3})
        return v0
    check(program)


@pytest.mark.parametrize("shape", [(1, 3), (3, 1), (2, 3), (2, 1, 3)], ids=str)
@pytest.mark.parametrize("join", ["t.cat((x, x), d)", "t.cat((x, x * 2, x), d)", "t.stack((x, x), d)",
                                  "t.cat((x.transpose(0, -1), x.transpose(0, -1)), d)", "sum(x.unbind(d))"])
@pytest.mark.parametrize("end", ["z.sum().backward()", "z.backward(t.ones_like(z))"])
def test_the_grads_of_one_leaf_joined_twice_add_into_new_memory(shape, join, end):
    """cat's grads for its inputs are views of one buffer (a storage use count above 1), so InputBuffer adds them
    out of place, laid out by TensorIterator, not in place into the first view (twenty-first thorough run:
    cat((v8, v8), 1) of a (1, 3) leaf gave .grad strides (6, 1), torch's are (3, 1))."""
    def program(m):
        strides = []
        for d in range(len(shape)):
            x = m.ones(*shape, requires_grad=True)
            z = eval(join, {"t": m, "x": x, "d": d})
            exec(end, {"t": m, "z": z})
            strides.append(x.grad.stride())
        return strides
    check(program)
