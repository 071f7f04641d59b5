"""Autograd compared with torch: grad_fn names, gradients, graph structure, errors and warnings."""
import warnings

import pytest

from _refcompare import check

import reference

OPS = {
    "add": lambda m, x: x + 5, "add_t": lambda m, x: x + x * 2, "radd": lambda m, x: 5 + x,
    "sub": lambda m, x: x - 1, "rsub": lambda m, x: 1 - x, "mul": lambda m, x: x * 5, "mul_t": lambda m, x: x * x,
    "div": lambda m, x: x / 2, "div_t": lambda m, x: x / (x + 3), "rdiv": lambda m, x: 1 / (x + 3),
    "pow": lambda m, x: x ** 2, "rpow": lambda m, x: 2 ** x, "pow_t": lambda m, x: (x + 3) ** x,
    "neg": lambda m, x: -x, "exp": lambda m, x: x.exp(), "log": lambda m, x: (x + 3).log(),
    "sqrt": lambda m, x: (x + 3).sqrt(), "abs": lambda m, x: x.abs(), "sum": lambda m, x: x.sum(),
    "sum0": lambda m, x: x.sum(0), "sum_k": lambda m, x: x.sum(1, keepdim=True), "mean": lambda m, x: x.mean(),
    "mean0": lambda m, x: x.mean(0), "norm": lambda m, x: x.norm(), "norm_dim": lambda m, x: x.norm(dim=1),
    "t": lambda m, x: x.t(), "transpose": lambda m, x: x.transpose(1, 0), "T": lambda m, x: x.T,
    "permute": lambda m, x: x.permute(1, 0), "view": lambda m, x: x.view(-1), "reshape": lambda m, x: x.reshape(6),
    "reshape_t": lambda m, x: x.t().reshape(6), "flatten": lambda m, x: x.flatten(),
    "flatten_t": lambda m, x: x.t().flatten(), "select": lambda m, x: x[:, 2], "row": lambda m, x: x[1, :],
    "scalar": lambda m, x: x[0, 1], "slice": lambda m, x: x[1:], "index": lambda m, x: x[[0, 0, 1]],
    "mask": lambda m, x: x[x > 0], "none": lambda m, x: x[None], "clone": lambda m, x: x.clone(),
    "cat": lambda m, x: m.cat((x, x * 2), 1), "stack": lambda m, x: m.stack([x, x]),
    "mm": lambda m, x: x @ x.t(), "dot": lambda m, x: x[0] @ x[1], "mv": lambda m, x: x @ x[0],
    "double": lambda m, x: x.double(), "expand": lambda m, x: x[:, :1].expand(2, 4),
    "unsqueeze": lambda m, x: x.unsqueeze(0), "squeeze": lambda m, x: x[None].squeeze(),
    "squeeze0": lambda m, x: x[None].squeeze(0), "max": lambda m, x: x.max(), "max0": lambda m, x: x.max(0)[0],
    "min": lambda m, x: x.min(), "amax": lambda m, x: x.amax(1), "relu": lambda m, x: x.relu(),
    "sigmoid": lambda m, x: x.sigmoid(), "tanh": lambda m, x: x.tanh(), "sin": lambda m, x: x.sin(),
    "clamp": lambda m, x: x.clamp(-1, 1), "prod": lambda m, x: x.prod(), "contiguous_t": lambda m, x: x.t().contiguous(),
    "ellipsis": lambda m, x: x[...], "full_slice": lambda m, x: x[:], "to": lambda m, x: x.to(m.float64),
    "maximum": lambda m, x: m.maximum(x, x * 0), "setitem": lambda m, x: _setitem(x),
    "iadd": lambda m, x: _iadd(x), "mul_": lambda m, x: (x * 1).mul_(x), "exp_": lambda m, x: (x * 1).exp_(),
    "copy_": lambda m, x: (x * 1).copy_(x[0] * 3), "fill_": lambda m, x: (x * 1).fill_(2),
    "zero_": lambda m, x: (x * 1).zero_(), "bmm": lambda m, x: x[None] @ x.t()[None],
    "view_inplace": lambda m, x: _view_inplace(m, x),
    "view_inplace_base_without_grad": lambda m, x: _view_setitem_on_leafless_base(m, x),
}


def _setitem(x):
    y = x * 1
    y[0] = x[1] * 3
    return y


def _view_inplace(m, x):
    y = x * 1
    y[0].mul_(x[1])
    y.t()[2].add_(x[0, :2] * 3)
    return y


def _view_setitem_on_leafless_base(m, x):
    z = m.zeros(2, 3)
    z[:, 1:].add_(x[:, :2] * 3)
    z.t()[0].fill_(7)
    return z


def _iadd(x):
    y = x * 1
    y += x
    return y


def leaf(m):
    return m.tensor([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], requires_grad=True)


@pytest.mark.parametrize("name", sorted(OPS))
def test_grad_fn_name_and_gradient(name):
    f = OPS[name]

    def run(m):
        x = leaf(m)
        y = f(m, x)
        names = type(y.grad_fn).__name__
        nexts = [type(n).__name__ if n is not None else None for n, _ in y.grad_fn.next_functions]
        y.backward(m.ones_like(y) * 0.5 + m.arange(float(y.numel())).reshape(y.shape) * 0.1)
        return names, nexts, x.grad, y.requires_grad, y.is_leaf
    check(run, rtol=1e-5)


def test_tutorial_autograd_example():
    def run(m):
        x = m.ones(4, 3, requires_grad=True)
        y = x + 5
        z = y * y * 5
        out = z.mean()
        out.backward()
        return x.grad, out, z, type(out.grad_fn).__name__, repr(out), repr(z)
    check(run)


def test_backward_with_gradient_and_accumulation():
    def run(m):
        x = m.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
        y = x * 2
        while y.data.norm() < 100:
            y = y * 2
        g = m.FloatTensor(m.tensor([[0.1, 0.2], [0.3, 0.4]]))
        y.backward(g)
        first = x.grad.clone()
        grad_obj = x.grad
        (x * 3).sum().backward()
        return first, x.grad, grad_obj is x.grad, y
    check(run)


def test_errors():
    check(lambda m: m.ones(3, requires_grad=True).add_(1))
    check(lambda m: m.ones(3, requires_grad=True)[0].add_(1))
    check(lambda m: _twice(m, lambda x: (x * x).sum()))
    check(lambda m: _twice(m, lambda x: (x + 1).sum()))
    check(lambda m: _twice(m, lambda x: x.exp().sum(), retain=True))
    check(lambda m: m.ones(2, 2).sum().backward())
    check(lambda m: (m.ones(3, requires_grad=True) * 2).backward())
    check(lambda m: (m.ones(3, requires_grad=True) * 2).backward(m.ones(2)))
    check(lambda m: m.ones(3, requires_grad=True).numpy())
    check(lambda m: m.ones(3, dtype=m.long).requires_grad_())
    check(lambda m: m.ones(3, dtype=m.long, requires_grad=True))
    check(lambda m: m.tensor([1, 2], requires_grad=True))
    check(lambda m: setattr(m.ones(2, requires_grad=True) * 2, "requires_grad", False))
    check(lambda m: (m.ones(2, requires_grad=True) * 2).requires_grad_(False))


def _twice(m, f, retain=False):
    x = m.ones(3, requires_grad=True)
    y = f(x)
    y.backward(retain_graph=retain)
    y.backward()
    return x.grad


@pytest.mark.parametrize("case", ["mul_saved_input", "exp_saved_result", "leaf_no_grad", "transposed"])
def test_modified_saved_tensor_is_detected(case):
    def run(m):
        a = m.ones(3, 2, requires_grad=True)
        if case == "mul_saved_input":
            d = a * 1
            e = d * d
            d.mul_(2)
        elif case == "exp_saved_result":
            d = a * 1
            e = d.exp()
            e.add_(1)
        elif case == "leaf_no_grad":
            e = a * a
            with m.no_grad():
                a.mul_(2)
        else:
            d = a.double()
            e = d.t() * d.t()
            d.t().mul_(2)
        e.sum().backward()
        return a.grad
    check(run)


def test_nonleaf_grad_warns_and_retain_grad_keeps_it():
    import torch

    import reference
    for m in (torch, reference):
        x = m.ones(2, requires_grad=True)
        y = x * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert y.grad is None
            assert y.grad is None
        assert len(caught) == 2 and caught[0].category is UserWarning
        assert "retain_grad()" in str(caught[0].message) and "not a leaf Tensor" in str(caught[0].message)

    def run(m):
        x = m.ones(2, 2, requires_grad=True)
        y = x * 2
        y.retain_grad()
        (y * y).sum().backward(retain_graph=True)
        first = y.grad.clone()
        (y * y).sum().backward()
        return first, y.grad, x.grad, y.retains_grad
    check(run)


def test_no_grad_and_friends():
    def run(m):
        x = m.ones(2, requires_grad=True)
        with m.no_grad():
            a = x * 2
            with m.enable_grad():
                b = x * 2
        m.set_grad_enabled(False)
        c = x * 2
        m.set_grad_enabled(True)

        @m.no_grad()
        def f(t):
            return t * 2
        d = f(x)
        with m.no_grad():
            x.add_(1)
        return a.requires_grad, b.requires_grad, c.requires_grad, d.requires_grad, x, m.is_grad_enabled()
    check(run)


def test_detach_data_and_leafness():
    def run(m):
        x = m.tensor(1.0, requires_grad=True)
        y = m.tensor(2.0)
        z = x * y
        rows = []
        for t in (x, y, z, z.detach(), z.data):
            rows.append((f"{t.data}", t.requires_grad, t.is_leaf, type(t.grad_fn).__name__))
        return rows
    check(run)


def test_next_functions_share_the_leaf_accumulator():
    def run(m):
        x = m.ones(2, requires_grad=True)
        a, b = x * 2, x + 1
        acc_a, acc_b = a.grad_fn.next_functions[0][0], b.grad_fn.next_functions[0][0]
        return (acc_a is acc_b, type(acc_a).__name__, acc_a.variable is x, b.grad_fn.next_functions[1],
                repr(a.grad_fn).startswith("<MulBackward0 object at 0x"), repr(type(a.grad_fn)))
    check(run)


def test_hooks():
    def run(m):
        x = m.ones(3, requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(g.clone()))
        y = x * 2
        h = y.register_hook(lambda g: g * 10)
        y.sum().backward()
        h.remove()
        return x.grad, seen
    check(run)


def test_autograd_functions():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        w = m.tensor([3.0, 4.0], requires_grad=True)
        y = (x * w).sum()
        gx, gw = m.autograd.grad(y, (x, w), retain_graph=True)
        m.autograd.backward([y], [m.tensor(2.0)])
        return gx, gw, x.grad, w.grad
    check(run)
    check(lambda m: m.autograd.grad((m.ones(2, requires_grad=True) * 2).sum(), m.ones(2, requires_grad=True)))


def test_broadcast_grads_are_summed_back():
    def run(m):
        a = m.ones(3, 1, requires_grad=True)
        b = m.arange(4.0, requires_grad=True)
        c = m.tensor(2.0, requires_grad=True)
        ((a * b + c) ** 2).sum().backward()
        return a.grad, b.grad, c.grad
    check(run)


def test_mixed_dtype_grads_come_back_in_each_inputs_dtype():
    def run(m):
        a = m.ones(3, requires_grad=True)
        b = m.ones(3, dtype=m.float64, requires_grad=True)
        (a * b).sum().backward()
        return a.grad, b.grad
    check(run)


def test_no_grad_as_bare_decorator():
    def run(m):
        @m.no_grad
        def f(t):
            return t * 2
        return f(m.ones(2, requires_grad=True)).requires_grad
    check(run)


def test_numpy_protocol_refuses_tensors_that_require_grad():
    import numpy as np
    check(lambda m: np.asarray(m.ones(2, requires_grad=True)))
    check(lambda m: np.asarray(m.ones(2)).tolist())


@pytest.mark.parametrize("make", ["m.ones(3, 2).t()", "m.ones(4, 6)[:, ::2]", "m.ones(2, 3, 4).permute(2, 0, 1)",
                                  "m.ones(3, 1).t()"])
def test_leaf_grad_follows_the_layout_contract(make):
    # A dense leaf's grad has the leaf's strides; a leaf with gaps gets a contiguous grad. Both accumulate in place.
    def run(m):
        x = eval(make).requires_grad_()
        (x * 2).sum().backward()
        first = x.grad.stride()
        (x * 2).sum().backward()
        return first, x.grad.stride(), x.grad.tolist()
    check(run)


@pytest.mark.parametrize("op", ["x.add_(1)", "x.mul_(2)", "x.copy_(m.ones(3))", "x.clamp_(0, 1)", "x.exp_()",
                                "x.__setitem__(slice(None), 5.0)", "x.fill_(2)", "x.zero_()", "x.__setitem__(0, 5.0)"])
def test_inplace_into_an_expanded_tensor(op):
    # Most in-place kernels refuse several elements at one address (and write nothing); fill_ and zero_ do not.
    def run(m):
        base = m.zeros(1)
        x = base.expand(3)
        eval(op)
        return x.tolist()
    check(run)


VIEW_AFTER_WRITE = {
    "base written, slice read": "y = x * 1; b = y[2:]; y.mul_(2); out = b * 3",
    "sibling written, overlapping sibling read": "y = x * 1; a = y[:2]; b = y[1:3]; a.mul_(2); out = b * 3",
    "base written, transposed view read": "y = x * 1; v = y.view(2, 2).t(); y.mul_(3); out = v * 1",
    "write under no_grad": "y = x * 1; b = y[2:]\nwith m.no_grad():\n    y.mul_(2)\nout = b * 3",
    "view written, view read again": "y = x * 1; a = y[:2]; a.mul_(2); out = a * 1",
}


@pytest.mark.parametrize("program", VIEW_AFTER_WRITE.values(), ids=VIEW_AFTER_WRITE.keys())
def test_views_see_in_place_writes_in_their_gradients(program):
    # torch regenerates a written view's grad_fn as AsStridedBackward0 of its base's current history.
    def run(m):
        x = m.ones(4, requires_grad=True)
        scope = {"m": m, "x": x}
        exec(program, scope)
        names = {k: v.grad_fn.name() if v.grad_fn is not None else None
                 for k, v in scope.items() if k in ("a", "b", "v")}
        scope["out"].sum().backward()
        return names, x.grad.tolist()
    check(run)


def test_iteration_and_unbind_record_unbind_backward():
    def run(m):
        w = m.arange(6.0).reshape(2, 3).requires_grad_()
        rows = list(w)
        total = sum((row * (i + 1)).sum() for i, row in enumerate(rows))
        total.backward()
        cols = w.unbind(1)
        return [r.grad_fn.name() for r in rows], [c.grad_fn.name() for c in cols], w.grad.tolist(), \
            [c.tolist() for c in m.unbind(w.detach(), dim=-1)]
    check(run)


def test_writing_into_an_unbind_output_is_refused_before_the_write():
    def run(m):
        y = m.ones(2, 3, requires_grad=True) * 1
        a, _ = y.unbind()
        try:
            a.mul_(2)
        except RuntimeError as exc:
            return str(exc), y.tolist()
        return "no error", y.tolist()
    check(run)
    plain = reference.ones(2, 3)
    plain.unbind()[0].mul_(2)  # outside autograd torch allows it, and so do we
    assert plain.tolist() == [[2.0] * 3, [1.0] * 3]


NO_GRAD_VIEWS = {
    "base requires grad": "y = m.ones(2, 3, requires_grad=True) * 1\nwith m.no_grad():\n    v = y[0]\nv.mul_(2)",
    "the value requires grad": "y = m.ones(2, 3)\nwith m.no_grad():\n    v = y[0]\nv.mul_(m.ones(3, requires_grad=True))",
    "copy_ of a value that requires grad": "y = m.ones(2, 3)\nwith m.no_grad():\n    v = y[0]\nv.copy_(m.ones(3, requires_grad=True))",
    "nothing to record": "y = m.ones(2, 3)\nwith m.no_grad():\n    v = y[0]\nv.mul_(2)",
    "view and write both under no_grad": "y = m.ones(2, 3, requires_grad=True) * 1\nwith m.no_grad():\n    v = y[0]\n    v.mul_(2)",
}


@pytest.mark.parametrize("program", NO_GRAD_VIEWS.values(), ids=NO_GRAD_VIEWS.keys())
def test_recorded_writes_into_views_made_under_no_grad_are_refused(program):
    def run(m):
        scope = {"m": m}
        try:
            exec(program, scope)
        except RuntimeError as exc:
            return str(exc), scope["y"].tolist()
        return "no error", scope["y"].tolist()
    check(run)
