"""Complex tensors: the ops torch has no complex kernel for raise torch's errors (they used to return NumPy's
answer, or let NumPy's TypeError through), abs is real, and gradients follow torch's convention, g * conj(f'(z))
(autograd/node.py's `holomorphic`). Values are compared with a tolerance: NumPy's complex kernels are not torch's."""
import pytest

from _refcompare import check

CALLS = {
    "abs": lambda t, x: x.abs(), "torch.abs": lambda t, x: t.abs(x), "abs_": lambda t, x: x.abs_(),
    "relu": lambda t, x: x.relu(), "relu_": lambda t, x: x.relu_(),
    "floor": lambda t, x: x.floor(), "ceil": lambda t, x: x.ceil(), "trunc": lambda t, x: x.trunc(),
    "round": lambda t, x: x.round(), "floor_": lambda t, x: x.floor_(), "round_": lambda t, x: x.round_(),
    "sign": lambda t, x: x.sign(), "sign_": lambda t, x: x.sign_(),
    "max": lambda t, x: x.max(), "min": lambda t, x: x.min(), "max(0)": lambda t, x: x.max(0),
    "min(0)": lambda t, x: x.min(0), "amax": lambda t, x: x.amax(), "amin": lambda t, x: x.amin(),
    "argmax": lambda t, x: x.argmax(), "argmin": lambda t, x: x.argmin(), "argmax(0)": lambda t, x: x.argmax(0),
    "empty max": lambda t, x: x[:0].max(),
    "lt": lambda t, x: x < x, "le": lambda t, x: x <= 1, "gt": lambda t, x: x > 1.5, "ge": lambda t, x: x >= x,
    "lt_": lambda t, x: x.lt_(1), "real lt complex": lambda t, x: t.ones(2) < x,
    "eq": lambda t, x: x == x,
    "maximum": lambda t, x: t.maximum(x, x), "minimum": lambda t, x: x.minimum(t.ones(2)),
    "clamp": lambda t, x: x.clamp(0, 1), "clamp(min)": lambda t, x: x.clamp(min=0), "clamp_": lambda t, x: x.clamp_(0, 1),
    "clamp()": lambda t, x: x.clamp(),
    "float()": lambda t, x: float(x[0]), "int()": lambda t, x: int(x[0]),
    "float() of no imaginary part": lambda t, x: float(t.tensor(2 + 0j)), "int() of one": lambda t, x: int(t.tensor(2 + 0j)),
    "sum": lambda t, x: x.sum(), "mean": lambda t, x: x.mean(), "exp": lambda t, x: x.exp(), "sqrt": lambda t, x: x.sqrt(),
}


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("call", list(CALLS))
def test_complex_input(call, dtype):
    check(lambda t: CALLS[call](t, t.tensor([3 + 4j, -1j], dtype=getattr(t, dtype))), rtol=1e-5)


GRADS = {
    "abs": lambda a, b, r: a.abs().sum(),
    "mul": lambda a, b, r: (a * b).abs().sum(),
    "div": lambda a, b, r: (a / b).abs().sum(),
    "add alpha": lambda a, b, r: a.add(b, alpha=2).abs().sum(),
    "real times complex": lambda a, b, r: (a * r).abs().sum(),
    "pow 2": lambda a, b, r: a.pow(2).abs().sum(),
    "pow complex": lambda a, b, r: (a ** b).abs().sum(),
    "matmul": lambda a, b, r: (a.view(3, 1) @ b.view(1, 3)).abs().sum(),
    "dot": lambda a, b, r: a.dot(b).abs(),
    "mean": lambda a, b, r: (a * b).mean().abs(),
    "norm": lambda a, b, r: (a * b).norm(),
    "exp": lambda a, b, r: (a.exp() * b).abs().sum(),
    "sqrt": lambda a, b, r: (a * b).sqrt().abs().sum(),
    "reciprocal": lambda a, b, r: (a + b).reciprocal().abs().sum(),
    "view and t": lambda a, b, r: (-a).view(3, 1).t().abs().sum(),
    "index": lambda a, b, r: (a[1:] * b[:2]).abs().sum(),
    "real made complex": lambda a, b, r: (r * 1j).abs().sum() + (r * (1 + 1j)).abs().sum(),
    "tanh": lambda a, b, r: (a * 0.1).tanh().abs().sum(),
    "sigmoid": lambda a, b, r: a.sigmoid().abs().sum(),
    "log": lambda a, b, r: a.log().abs().sum(),
}


@pytest.mark.parametrize("name", list(GRADS))
def test_complex_gradients(name):
    def program(t):
        a = t.tensor([3 + 4j, -1j, 0.5 + 0.25j], requires_grad=True)
        b = t.tensor([1 - 2j, 2 + 1j, -0.5j], requires_grad=True)
        r = t.tensor([1.5, -2.0, 0.25], requires_grad=True)
        GRADS[name](a, b, r).backward()
        return a.grad, b.grad, r.grad
    check(program, rtol=1e-5)
