"""Divergences the long `thorough` program run found (issue 12), each differential against torch in this run:

* torch's autograd layer reads a differentiable op's inputs' grad_fn before the kernel checks its arguments, so a
  stale view made under no_grad refuses first (ops without a derivative, and indexing, check first);
* on the CPU, TensorIterator replaces an input that promotion casts by its copy `t.to(dtype)` and lays the result
  out by that copy; a unary op keeps a dense input's strides, size-1 dims included;
* reductions allocate their results contiguous; bool inputs have no abs/floor/round/relu kernel;
* `x[...] = v` names the value without its leading 1s in the expand error; a view error names SqueezeBackward1
  "Squeeze1".
"""
import warnings

import pytest

from _refcompare import check


def _stale_view(t):
    """A view made under no_grad of a leaf that requires grad, whose base was then written in place."""
    v0 = t.ones(2, 3, requires_grad=True)
    with t.no_grad():
        v = v0.view(-1)
        v0.mul_(1)
    return v


AFTER_A_STALE_VIEW = [
    "v.transpose(0, 1)", "v.transpose(0, 0)", "v + t.ones(7)", "v * t.ones(7)", "t.ones(7) - v", "v.sum(3)",
    "v.view(7)", "v.max(3)", "v.select(0, 10)", "t.cat([v, t.ones(2, 2)])", "v @ t.ones(3)", "v.T",
    "torch_add(v, t.ones(7))", "v.add_(1)", "v.remainder(t.ones(7))", "v.floor_divide(t.ones(7))",
    # no derivative, or the binding checks first: the op's own error
    "v == t.ones(7)", "v.argmax(3)", "v.all(3)", "v.long().view(7)", "v.item()", "v[10]", "v.isnan().view(7)",
    "v.eq_(t.ones(7))",
]


@pytest.mark.parametrize("call", AFTER_A_STALE_VIEW)
def test_a_stale_no_grad_view_refuses_before_the_ops_own_checks(call):
    def fn(t):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # x.T of a 1-d tensor
            v = _stale_view(t)
            return eval(call, {"t": t, "v": v, "torch_add": t.add})
    check(fn)


@pytest.mark.parametrize("view", ["squeeze(0)", "squeeze()", "squeeze((0,))", "view(1, 3)", "t()", "unsqueeze(0)"])
def test_view_error_names_the_node_as_torch_does(view):
    def fn(t):
        x = t.zeros(1, 3, requires_grad=True) + 1
        with t.no_grad():
            v = x.view(1, 3)
        w = eval(f"v.{view}")
        w.mul_(2)
    check(fn)


@pytest.mark.parametrize("target, value, index", [
    ((2, 2), (1, 3), "..."), ((2,), (1, 2, 2), "..."), ((2,), (1, 1, 2), "..."), ((2, 3), (1, 2, 3), "0"),
    ((3,), (2, 1), "slice(None)"), ((4,), (1, 3), "t.tensor([0, 1])"), ((2, 2), (3, 1, 1), "..."),
    ((2, 2), (1, 1, 3), "(0,)"),
])
def test_setitem_value_shape_errors_name_the_value_without_leading_ones(target, value, index):
    def fn(t):
        x = t.zeros(target)
        x[eval(index, {"t": t})] = t.ones(value)
        return x
    check(fn)


def _make(t, how, dt):
    base = t.ones((1, 2, 3, 1), dtype=getattr(t, dt))
    return {"plain": base, "perm": base.permute(3, 2, 0, 1), "slice": t.ones((2, 4, 3, 1), dtype=getattr(t, dt))[:1, ::2],
            "narrow": t.ones((1, 2, 3, 2), dtype=getattr(t, dt)).narrow(3, 0, 1),
            "expand": t.ones((1, 1, 3, 1), dtype=getattr(t, dt)).expand(1, 2, 3, 1)}[how]


LAYOUTS = ["plain", "perm", "slice", "narrow", "expand"]
BINARY = ["a + b", "a * b", "a / b", "a == b", "a < b", "a ** b", "a + b.sum()", "a - 2.5"]
UNARY = ["a.sqrt()", "a.exp()", "a.abs()", "a * 2.5", "a ** 2", "a.clamp(0, 1)", "a // 2", "a.sum(-1, keepdim=True)",
         "a.amax(1)", "a.amin(0, keepdim=True)", "a.argmax(1)", "a.max(1)[0]", "a.min(0, keepdim=True)[1]"]


@pytest.mark.parametrize("how_a", LAYOUTS)
@pytest.mark.parametrize("how_b", LAYOUTS)
@pytest.mark.parametrize("dts", [("float32", "int32"), ("float64", "float32"), ("int64", "uint8")])
def test_mixed_dtype_results_are_laid_out_by_the_cast_copies(how_a, how_b, dts):
    def fn(t):
        a, b = _make(t, how_a, dts[0]), _make(t, how_b, dts[1])
        if how_a == "perm" and how_b != "perm":
            b = b.permute(3, 2, 0, 1)
        return [(tuple(r.stride()), r.dtype) for r in (eval(e, {"a": a, "b": b}) for e in BINARY)]
    check(fn)


@pytest.mark.parametrize("how", LAYOUTS)
@pytest.mark.parametrize("dt", ["float32", "int32", "uint8"])
def test_unary_and_reduction_results_keep_torchs_strides(how, dt):
    def fn(t):
        a = _make(t, how, dt)
        return [(tuple(r.stride()), r.dtype) for r in (eval(e, {"a": a}) for e in UNARY)]
    check(fn)


@pytest.mark.parametrize("op", ["abs", "floor", "ceil", "round", "trunc", "sign", "relu", "abs_", "floor_", "sign_",
                                "relu_"])
def test_bool_unary_kernels(op):
    check(lambda t: getattr(t.tensor([True, False]), op)())


def test_requires_grad_reads_the_stored_grad_fn_of_a_stale_view():
    # torch's requires_grad_ and the setter ask C++'s is_leaf(), which does not regenerate a view's grad_fn
    def fn(t):
        v0 = t.ones(4, requires_grad=True)
        with t.no_grad():
            v5 = v0.t()
            v0[...] = 2
            v5.requires_grad_()
            v5.requires_grad = True
        return v5.requires_grad, repr(v5)
    check(fn)


def test_not_implemented_links_an_input_that_requires_grad_without_an_accumulator():
    def fn(t):
        v0 = t.ones(2, 2, requires_grad=True)
        with t.no_grad():
            v9 = v0.t()  # requires grad through its base, has no accumulator
            with t.enable_grad():
                v13 = v9 // 2
        return type(v13.grad_fn).__name__, [f is None for f, _ in v13.grad_fn.next_functions]
    check(fn)


def test_saved_tensor_error_names_the_node_with_its_overload():
    def fn(t):
        v0 = t.ones(2, 3, requires_grad=True)
        v2 = v0 + 2
        v4 = v0 * v2
        v2.fill_(2)
        v4.sum().backward()
    check(fn)


@pytest.mark.parametrize("dtype", ["bool", "float32", "int64"])
def test_setitem_expand_error_names_the_type_as_torch_does(dtype):
    def fn(t):
        x = t.zeros(2, 3, dtype=getattr(t, dtype))
        x[0] = t.ones(2, 3, dtype=getattr(t, dtype))
    check(fn)


@pytest.mark.parametrize("make", ["v0.t()", "v0[:, :2]", "v0.view(-1)", "v0.view(3, 2)"])
@pytest.mark.parametrize("call", ["v.reshape(7)", "v.reshape(-1)", "v.flatten()", "v.flatten(0, 5)", "v.narrow(0, 0, 9)",
                                  "v.unflatten(0, (4, 4))", "v.reshape_as(t.ones(7))", "t.reshape(v, (7,))"])
def test_composite_ops_check_their_arguments_before_autograd_reads_grad_fn(make, call):
    # reshape of a contiguous tensor is its view() (an autograd op: the stale view refuses first); of any other
    # tensor it checks the shape first, as flatten, narrow and unflatten check theirs
    def fn(t):
        v0 = t.ones(2, 3, requires_grad=True)
        with t.no_grad():
            v = eval(make)
            v0.add_(2)
        return eval(call, {"t": t, "v": v})
    check(fn)


@pytest.mark.parametrize("sizes", [(4, 4), (-1, 4), (), (3,), (2, 3), (-1, -1), (2, -2), (0, -1), (-2, -1, -1)])
@pytest.mark.parametrize("op", ["unflatten", "view", "reshape"])
def test_size_errors(op, sizes):
    """infer_size's first bad entry names the error; unflatten wraps all but the size mismatch (and torch appends
    its C++ stack trace to those, which is not compared)."""
    def fn(t):
        try:
            return (t.ones(6, 1).unflatten(0, sizes) if op == "unflatten" else getattr(t.ones(6), op)(sizes)).shape
        except RuntimeError as e:
            return str(e).split("\nException raised from ")[0]
    check(fn)


@pytest.mark.parametrize("value", ["2", "t.tensor(2.0)", "t.ones(3)"])
def test_writing_an_expanded_tensor_through_a_mask_warns_as_torch(value):
    def fn(t):
        v4 = t.ones(2, 3, requires_grad=True) + 2
        v12 = v4.expand(2, 2, 3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            v12[v12 > 0] = eval(value, {"t": t})
        return [str(w.message).split(" (Triggered")[0] for w in caught]
    check(fn)


def test_the_engine_runs_the_latest_made_ready_node_first():
    # two broken nodes are ready at once: torch runs the one made last (its sequence number) and raises its error
    def fn(t):
        v0 = t.ones(4, requires_grad=True)
        v4 = v0 - 2
        v5 = v0.sum()
        v6 = v4.t()
        v9 = v5.reshape(-1, 1)
        v6.clamp_(-1, 1)
        v4.sum().backward()  # frees ClampBackward1's saved input
        v9.mul_(v9)
        v9.add_(v4.sum())
        v5.sum().backward()  # MulBackward0 (version error) runs before the freed ClampBackward1
    check(fn)


@pytest.mark.parametrize("seed", range(5))
def test_grads_from_several_paths_add_up_in_torchs_order(seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    data = [rng.standard_normal(5).astype(np.float32) * 10.0 ** rng.integers(-3, 4, 5) for _ in range(5)]
    grads = {}
    for name in ("torch", "reference"):
        t = __import__(name)
        x = t.tensor(data[0], requires_grad=True)
        y = x * t.tensor(data[1])
        z = y * t.tensor(data[2]) + (y * t.tensor(data[3])).exp() * 0 + y * t.tensor(data[4]) + y.sin() * y
        z.sum().backward()
        grads[name] = x.grad.numpy().tobytes()
    assert grads["reference"] == grads["torch"]


WARNING_CALLS = {
    "uint8 index": lambda t: t.arange(4)[t.tensor([1, 0, 1, 0], dtype=t.uint8)],
    "uint8 index write": lambda t: t.arange(4).__setitem__(t.tensor([1, 0, 1, 0], dtype=t.uint8), t.tensor([5, 6])),
    "expanded write": lambda t: t.ones(1, 3).expand(2, 3).__setitem__(t.tensor([[True] * 3] * 2), 2.0),
    "tensor of a tensor": lambda t: t.tensor(t.ones(2)),
    "out resized": lambda t: t.add(t.ones(3), 1, out=t.ones(2)),
    "x.T of 3-d": lambda t: t.ones(2, 3, 4).T,
    "list as a tuple": lambda t: t.ones(3)[[t.tensor(0)]],
}


@pytest.mark.parametrize("case", sorted(WARNING_CALLS))
def test_warnings_point_at_the_callers_line(case):
    import reference
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        WARNING_CALLS[case](reference)
    assert caught and {w.filename for w in caught} == {__file__}, [(w.filename, str(w.message)[:40]) for w in caught]


def test_an_error_node_runs_first_when_ready():
    # torch numbers NotImplemented like a leaf's accumulator (UINT64_MAX): it raises before a sibling branch
    # reaches its leaf, so that leaf gets no grad
    def fn(t):
        v0, v1 = t.zeros(2, 3, requires_grad=True), t.zeros(2, 3, requires_grad=True)
        v11 = (v0 // v0).t()
        v11.add_(v1.sum())
        try:
            v11.sum().backward()
        except RuntimeError as e:
            return str(e), v1.grad
    check(fn)


def test_backward_casts_the_gradient_without_numpy_warnings():
    def fn(t):
        v0 = t.ones(4, dtype=t.float16, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            v0.backward(gradient=t.tensor([1.0, 1.0, 1.0, 1e10]))
        return v0.grad, [str(w.message) for w in caught]
    check(fn)
