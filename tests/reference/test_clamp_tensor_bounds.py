"""clamp with tensor bounds (torch's clamp.Tensor overload, ClampBackward0), against torch: promotion over the
bounds, broadcasting, the in-place checks, the three grads (a bound above the other wins), and the TypeError of a
tensor mixed with a number."""
import pytest

from _refcompare import check

CALLS = [
    "t.ones(3).clamp(t.zeros(3))", "t.ones(3, dtype=t.int64).clamp(t.tensor(0.5))",
    "t.ones(3, dtype=t.int64).clamp_(t.zeros(3))", "t.ones(3).clamp(t.zeros(2))", "t.ones(3).clamp(t.zeros(2, 3))",
    "t.ones(3).clamp_(t.zeros(2, 3))", "t.ones(3, dtype=t.bool).clamp(t.zeros(3, dtype=t.bool))",
    "t.ones(3, dtype=t.complex64).clamp(t.zeros(3))", "t.ones(3).clamp(t.zeros(3), 2)",
    "t.clamp(t.ones(3), t.zeros(3), 2)", "t.ones(3).clamp_(2, t.zeros(3))",
    "t.ones(3).clamp(max=t.zeros(3, dtype=t.float64))", "t.ones(3).clamp(t.tensor([2.0, 0, 0]), t.tensor([1.0, 1, 1]))",
    "t.ones(3).clamp(t.tensor(float('nan')))", "t.tensor([1, 5, 9], dtype=t.uint8).clamp(t.tensor(2), t.tensor(300))",
    "t.ones(3, dtype=t.int8).clamp(t.zeros(3, dtype=t.int16))", "t.ones(2, 3).t().clamp(t.zeros(3, 1))",
    "t.ones(3).clamp(t.zeros(2, 1), t.ones(4, 1, 1))", "t.ones(3).clamp(t.zeros(2, 1), t.ones(3, 1))",
    "t.ones(2, 3).clamp_(t.zeros(3), t.ones(2, 1))",
]


@pytest.mark.parametrize("call", CALLS)
def test_clamp_by_tensors(call):
    def fn(t):
        r = eval(call, {"t": t})
        return r, r.stride()
    check(fn)


GRADS = [  # (x, min, max, whether x can take the result in place)
    ("[0.0, 1.0, 2.0, 3.0]", "[1.0, 1.0, 3.0, 0.5]", "[2.0, 0.5, 2.5, 2.0]", True),
    ("[[0.0, 1.0, 2.0]]", "[[1.0], [0.5]]", None, False), ("[0.0, 1.0, 2.0, 3.0]", None, "1.5", True),
]


@pytest.mark.parametrize("x, lo, hi, in_place", GRADS + [case[:3] + (False,) for case in GRADS if case[3]], ids=str)
def test_clamp_by_tensors_grads(x, lo, hi, in_place):
    def fn(t):
        leaves = [None if v is None else t.tensor(eval(v), requires_grad=True) for v in (x, lo, hi)]
        a, mn, mx = leaves
        r = (a * 1).clamp_(mn, mx) if in_place else a.clamp(mn, mx)
        r.backward(t.arange(r.numel(), dtype=t.float32).reshape(r.shape) + 1)
        return r.grad_fn.name(), r, [None if v is None else v.grad for v in leaves]
    check(fn)


def test_clamp_by_tensors_saves_its_bounds():
    def fn(t):
        x = t.tensor([0.0, 1.0, 2.0, 3.0], requires_grad=True)
        hi = t.tensor(1.5, requires_grad=True) * 1
        r = x.clamp(max=hi)
        hi.add_(1)
        r.sum().backward()
    check(fn)
