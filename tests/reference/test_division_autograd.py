"""Division under autograd, against torch: rounded division is a differentiable op with zero grads (DivBackward2,
saving its operands all the same); true division of integers casts inside the kernel, so its edges are the
integer operands themselves; and a grad handed on to an integer tensor that requires grad fails torch's
engine assertion. Found by the eleventh thorough program run."""
import pytest

from _refcompare import check


def _grad_fn(r):
    g = r.grad_fn
    return r.dtype, r.requires_grad, g.name() if g else None, \
        [(n.name() if n else None, i) for n, i in (g.next_functions if g else ())]


def _integer_requiring_grad(m):
    v1 = m.tensor([[1, 1, 1], [1, 1, 1]], dtype=m.int64)
    v1[...] = m.tensor(1.0, requires_grad=True)  # fill_ records FillBackward3 on the integer tensor
    return v1


ROUNDED = {
    "by a number": lambda m, x, y: m.div(x, 2, rounding_mode="floor"),
    "by a tensor": lambda m, x, y: m.div(x, y, rounding_mode="trunc"),
    "a number by a tensor": lambda m, x, y: m.div(2, y, rounding_mode="trunc"),
    "method": lambda m, x, y: x.div(y, rounding_mode="floor"),
    "in place": lambda m, x, y: (x * 1).div_(y, rounding_mode="floor"),
    "broadcast": lambda m, x, y: m.div(x, y[:1], rounding_mode="floor"),
}


@pytest.mark.parametrize("case", list(ROUNDED))
def test_rounded_division_records_a_node_with_zero_grads(case):
    def program(m):
        x = m.tensor([1.0, -2.5, 7.0], requires_grad=True)
        y = m.tensor([2.0, 2.0, -3.0], requires_grad=True)
        r = ROUNDED[case](m, x, y)
        (r * 3).sum().backward()
        return _grad_fn(r), r, x.grad, y.grad
    check(program)


def test_rounded_division_saves_its_operands():
    def program(m):
        x = m.tensor([1.0, -2.5, 7.0], requires_grad=True)
        y = m.tensor([2.0, 2.0, -3.0], requires_grad=True) * 1
        r = m.div(x, y, rounding_mode="floor")
        y.add_(1)
        r.sum().backward()
    check(program)


INTEGER_DIVISIONS = {
    "true division by a number": lambda m, v: m.div(v, 2), "true division by itself": lambda m, v: v / v,
    "by a float tensor": lambda m, v: m.div(v, m.ones(3)), "a number by it": lambda m, v: 2 / v,
    "floor division": lambda m, v: m.div(v, 2, rounding_mode="floor"),
    "floor division in place": lambda m, v: v.div_(2, rounding_mode="floor"),
}


@pytest.mark.parametrize("case", list(INTEGER_DIVISIONS))
def test_dividing_an_integer_tensor_that_requires_grad(case):
    check(lambda m: _grad_fn(INTEGER_DIVISIONS[case](m, _integer_requiring_grad(m))))


BACKWARDS_INTO_INTEGERS = {
    "true division": lambda v: v / 2, "mul by a float": lambda v: v * 1.5, "float()": lambda v: v.float(),
    "sqrt": lambda v: v.sqrt(),
}


@pytest.mark.parametrize("case", list(BACKWARDS_INTO_INTEGERS))
def test_a_grad_handed_on_to_an_integer_tensor_fails_the_engine_assertion(case):
    def program(m):
        leaf = m.tensor(1.0, requires_grad=True)
        v1 = m.tensor([[1, 1, 1], [1, 1, 1]], dtype=m.int64)
        v1[...] = leaf
        try:
            BACKWARDS_INTO_INTEGERS[case](v1).sum().backward()
        except RuntimeError as e:  # torch's internal assertion names its source file: compare the rest
            return str(e).split(" INTERNAL ASSERT FAILED")[0], leaf.grad
        return leaf.grad
    check(program)
