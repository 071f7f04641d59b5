"""Regressions for the ops divergences of the program-test campaign (issue 12, part 3: D1, D6, D11, D13, D15,
D16, D33, D35, D36, D41): fused alpha on 0-dim tensors, result strides over promoted operands, overlap rules
and the order of an in-place op's checks, signs of zero in backward formulas, wrapped-number promotion of
reflected operators, integer division's broadcast error. Every case runs against torch and the reference in
this run (see _refcompare)."""
import numpy as np
import pytest

from _refcompare import check


# ---- D1: add/sub with alpha on 0-dim float tensors (the fused multiply-add on 0-d arrays) -------------
ALPHA_0DIM = {
    "add float32": lambda m: m.add(m.zeros(()), m.zeros(()), alpha=2),
    "add_ float16": lambda m: m.zeros((), dtype=m.float16).add_(m.zeros((), dtype=m.float16), alpha=2),
    "sub float32 values": lambda m: m.sub(m.tensor(1.5), m.tensor(0.25), alpha=3),
    "add 0-dim + vector": lambda m: m.add(m.tensor(1e-40), m.tensor([1e-41, 3.0]), alpha=0.5),
}


@pytest.mark.parametrize("case", ALPHA_0DIM, ids=str)
def test_alpha_on_zero_dim_tensors(case):
    check(ALPHA_0DIM[case], rtol=0, atol=0)


# ---- D6: an elementwise result is laid out by the operands' own strides, not their promoted copies ------
def _transposed_empty_int(m):
    return m.zeros(2, 0, dtype=m.int64).t()


def _permuted_size1_int(m):
    return m.arange(6).reshape(2, 1, 3).permute(0, 2, 1)


def _expanded_half(m):
    return m.zeros(1, 3, dtype=m.float16).expand(2, 1, 3)


def _expanded_int(m):
    return m.ones(1, 3, dtype=m.int32).expand(2, 1, 3)


STRIDES = {
    "empty int * float": lambda m: _transposed_empty_int(m) * 0.5,
    "0-dim / size-1 int": lambda m: m.tensor(1.5) / _permuted_size1_int(m),
    "expanded half + double": lambda m: m.add(_expanded_half(m), m.zeros(2, 1, 3, dtype=m.float64)),
    "sub expanded half - double": lambda m: _expanded_half(m) - m.zeros(2, 1, 3, dtype=m.float64),
    "add alpha expanded int": lambda m: m.add(_expanded_int(m), m.ones(2, 1, 3), alpha=2),
    "int / int expanded": lambda m: _expanded_int(m) / m.ones(2, 1, 3, dtype=m.int64),
    "rsub size-1 int": lambda m: m.rsub(_permuted_size1_int(m), 2),
    "rsub empty": lambda m: m.rsub(_transposed_empty_int(m), 0.5),
    "pow expanded int ** float": lambda m: _expanded_int(m) ** 0.5,
    "pow size-1 ** 2": lambda m: _permuted_size1_int(m) ** 2,
    "pow empty ** 2": lambda m: _transposed_empty_int(m) ** 2,
    "number ** transposed": lambda m: 2 ** m.arange(6.).reshape(2, 3).t(),
    "number ** 0-dim": lambda m: 2 ** m.tensor(3),
    "div floor empty": lambda m: m.div(_transposed_empty_int(m), 2, rounding_mode="floor"),
    "div trunc size-1": lambda m: m.div(_permuted_size1_int(m), 0.5, rounding_mode="trunc"),
    "eq expanded int vs double": lambda m: _expanded_int(m) == m.ones(2, 1, 3, dtype=m.float64),
    "lt 0-dim vs size-1": lambda m: m.tensor(1.5) < _permuted_size1_int(m),
    "floor_divide expanded": lambda m: _expanded_half(m) // _expanded_int(m),
    "remainder empty": lambda m: m.zeros(3, 0).t() % m.ones(2, 1, 3, dtype=m.float64)[:, :, :0],
    "exp of expanded int": lambda m: m.exp(_expanded_int(m)),
    "sqrt of expanded int": lambda m: m.sqrt(_expanded_int(m)),
}


@pytest.mark.parametrize("case", STRIDES, ids=str)
def test_elementwise_result_strides(case):
    check(lambda m: (lambda r: (r, r.stride()))(STRIDES[case](m)))


# ---- D11 / D16: an input with the written-to tensor's bytes in another order is a partial overlap -------
OVERLAP = {
    "div_ permuted": lambda m: (lambda x: x.div_(x.permute(1, 0)))(m.tensor([[0.5, 1e10], [-1.75, -1.75]])),
    "mul_ transposed, shapes differ": lambda m: (lambda x: x.mul_(x.t()))(m.zeros(3, 2)),
    "add_ flattened": lambda m: (lambda x: x.add_(x.view(6)))(m.zeros(2, 3)),
    "add_ unsqueezed": lambda m: (lambda x: x.add_(x.unsqueeze(0)))(m.zeros(2, 3)),
    "mul_ 0-dim view of 1 element": lambda m: (lambda x: x.mul_(x.view(())))(m.ones(1)),
    "mul_ self is fine": lambda m: (lambda x: x.mul_(x))(m.full((3, 3), 2.0)),
    "mul_ same-strides view is fine": lambda m: (lambda x: x.mul_(x.view(3, 3)))(m.full((3, 3), 2.0)),
    "mul_ size-1 dim view is fine": lambda m: (lambda x: x.mul_(x[:, :1]))(m.full((3, 1), 2.0)),
    "int div_ transposed": lambda m: (lambda x: x.div_(x.t()))(m.zeros(2, 2, dtype=m.int64)),
    "floor_divide_ transposed": lambda m: (lambda x: x.floor_divide_(x.t()))(m.ones(2, 2)),
    "remainder_ transposed": lambda m: (lambda x: x.remainder_(x.t()))(m.ones(2, 2)),
    "eq_ transposed": lambda m: (lambda x: x.eq_(x.t()))(m.ones(2, 2)),
    "pow_ transposed": lambda m: (lambda x: x.pow_(x.t()))(m.ones(2, 2)),
}


@pytest.mark.parametrize("case", OVERLAP, ids=str)
def test_partial_overlap_of_an_input(case):
    check(OVERLAP[case])


# ---- D13 / D15 / D41: the order of an op's checks -----------------------------------------------------
ORDER = {
    # TensorIterator: overlap, then shape, then the result's cast; alpha_check after it
    "int div_ expanded: overlap before cast":
        lambda m: m.zeros(2, 3, dtype=m.int64).expand(2, 2, 3).div_(m.tensor(1.5)),
    "int div_: shape before cast": lambda m: m.zeros(3, dtype=m.int64).div_(m.ones(2, 3)),
    "int div_ by int: cast": lambda m: m.zeros(3, dtype=m.int64).div_(m.ones(3, dtype=m.int64)),
    "add alpha=True: broadcast before alpha":
        lambda m: m.add(m.zeros(3, 2), m.zeros(2, 3, dtype=m.float64), alpha=True),
    "add_ alpha=True: shape before alpha": lambda m: m.zeros(3, 2).add_(m.zeros(2, 3), alpha=True),
    "add alpha=True on bool": lambda m: m.add(m.tensor([True]), m.tensor([False]), alpha=True),
    "add alpha float on int": lambda m: m.add(m.tensor([1]), m.tensor([2]), alpha=0.5),
    "sub alpha float on int, bad shape": lambda m: m.sub(m.tensor([1, 2]), m.tensor([2, 3, 4]), alpha=0.5),
    # autograd's check_inplace comes before the op's own checks (sub_'s bool check)
    "view of a leaf sub_ bool": lambda m: m.zeros(3, requires_grad=True)[:1].sub_(True),
    "leaf sub_ bool tensor": lambda m: m.zeros(3, requires_grad=True).sub_(m.tensor([True])),
    "leaf add_ bad shape": lambda m: m.zeros(3, requires_grad=True).add_(m.zeros(4)),
    "leaf add_ alpha=True": lambda m: m.zeros(3, requires_grad=True).add_(m.zeros(3), alpha=True),
    "no grad: sub_ bool": lambda m: m.zeros(3)[:1].sub_(True),
    "bool sub_ before overlap": lambda m: m.zeros(3).expand(2, 3).sub_(True),
    # in-place comparisons and divisions: overlap, shape, cast, then the kernel (bool, division by zero)
    "eq_ int with float: no cast check": lambda m: m.zeros(3, dtype=m.int64).eq_(m.ones(3)),
    "eq_ int with float, bad shape": lambda m: m.zeros(3, dtype=m.int64).eq_(m.ones(2, 3)),
    "floor_divide_ int by float, bad shape": lambda m: m.ones(3, dtype=m.int64).floor_divide_(m.ones(2, 3)),
    "floor_divide_ bool": lambda m: m.ones(3, dtype=m.bool).floor_divide_(m.ones(3, dtype=m.bool)),
    "remainder_ bool": lambda m: m.ones(3, dtype=m.bool).remainder_(True),
}


@pytest.mark.parametrize("case", ORDER, ids=str)
def test_check_order(case):
    check(ORDER[case])


# ---- D33: backward formulas as ATen writes them (rounding, signs of zero) -----------------------------
def _norm_grad(p, values, dim=None, keepdim=False, grad=None):
    def fn(m):
        x = m.tensor(values, requires_grad=True)
        n = x.norm(p, dim=dim, keepdim=keepdim)
        n.backward(grad(m, n) if grad else m.ones_like(n))
        return x.grad, None if x.grad is None else np.signbit(x.grad.numpy()).tolist()
    return fn


NORM_GRADS = {
    "2-norm at 0 keeps -0.": _norm_grad(2, [[0.0], [0.0], [0.0]], grad=lambda m, n: -n),
    "2-norm: grad * (x / norm)": _norm_grad(2, [[0.1, 0.7, 3.3], [1e-3, 2.5, 0.3]], dim=1,
                                            grad=lambda m, n: m.tensor([0.3712345, 1.1])),
    "inf-norm ties": _norm_grad(float("inf"), [[1.0, -3.0, 3.0], [0.0, 0.0, 0.0]], dim=1),
    "-inf-norm": _norm_grad(float("-inf"), [1.0, -3.0, 0.5]),
    "3-norm at 0": _norm_grad(3, [[0.0, 0.0], [1.0, -2.0]], dim=1, grad=lambda m, n: -m.ones_like(n)),
    "1-norm": _norm_grad(1, [0.0, -2.0, 3.0], grad=lambda m, n: -m.ones_like(n)),
    "0-norm gives no grad": _norm_grad(0, [0.0, -2.0, 3.0]),
}


@pytest.mark.parametrize("case", NORM_GRADS, ids=str)
def test_norm_backward_formula(case):
    check(NORM_GRADS[case], rtol=0, atol=0)


# ---- D35: a Python number on the left of // and % is a wrapped number --------------------------------
REFLECTED = {
    "float // 0-dim half": lambda m: 1.5 // m.zeros((), dtype=m.float16),
    "int // int32": lambda m: 2 // m.tensor([1, 2], dtype=m.int32),
    "float // int32": lambda m: 2.5 // m.tensor([1, 2], dtype=m.int32),
    "bool // int8": lambda m: True // m.tensor([1, 2], dtype=m.int8),
    "int // zero": lambda m: 5 // m.tensor([1, 0]),
    "int // empty": lambda m: 5 // m.zeros(0, dtype=m.int64),
    "int % uint8": lambda m: 7 % m.tensor([2, 3], dtype=m.uint8),
    "float % half": lambda m: 7.5 % m.tensor([2, 3], dtype=m.float16),
    "floor_divide(number, int16)": lambda m: m.floor_divide(7, m.tensor([2, 3], dtype=m.int16)),
    "bool // bool": lambda m: True // m.tensor([True]),
    "floor_divide node": lambda m: (2.0 // m.tensor([2., 3.], requires_grad=True)).grad_fn.name(),
}


@pytest.mark.parametrize("case", REFLECTED, ids=str)
def test_reflected_division_promotes_a_wrapped_number(case):
    check(REFLECTED[case])


# ---- D36: integer // with shapes that do not broadcast and a zero divisor --------------------------
def test_integer_floor_divide_broadcast_error_before_zero_division():
    def fn(m):
        v1 = m.tensor([[0, 1, -1], [100, 2, 0]])
        return v1.select(0, 0).expand(2, 3).unsqueeze(-1) // v1
    check(fn)
    check(lambda m: m.remainder(m.ones(2, 3, dtype=m.int64), m.zeros(3, 2, dtype=m.int64)))
    check(lambda m: m.div(m.ones(3, dtype=m.int64), m.zeros(2, 3, dtype=m.int64)[:, :2], rounding_mode="floor"))


# ---- a Python number as the first operand of add/sub/mul/div (torch wraps it; rsub/maximum refuse it) ----
def _grad_of(fn):
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        out = fn(m, x)
        out.sum().backward()
        return out, out.grad_fn.name(), [f is None for f, _ in out.grad_fn.next_functions], x.grad
    return run


NUMBER_FIRST = {
    "add alpha": lambda m: m.add(2, m.arange(6.).reshape(2, 3).t(), alpha=3),
    "add float, int8 alpha": lambda m: m.add(2.5, m.tensor([1, 2], dtype=m.int8), alpha=3),
    "sub int8": lambda m: m.sub(2, m.tensor([1, 2], dtype=m.int8)),
    "sub bool": lambda m: m.sub(True, m.tensor([1, 2], dtype=m.int8)),
    "mul float, int8": lambda m: m.mul(2.5, m.tensor([1, 2], dtype=m.int8)),
    "div int, int8": lambda m: m.div(3, m.tensor([1, 2], dtype=m.int8)),
    "div float, 0-dim half": lambda m: m.div(3.0, m.tensor(2.0, dtype=m.float16)),
    "div floor int, int8": lambda m: m.div(3, m.tensor([1, 2], dtype=m.int8), rounding_mode="floor"),
    "div trunc by zero": lambda m: m.div(3, m.tensor([1, 0]), rounding_mode="trunc"),
    "div trunc, empty": lambda m: m.div(3, m.zeros(0, dtype=m.int64), rounding_mode="trunc"),
    "add grad": _grad_of(lambda m, x: m.add(2, x, alpha=3)),
    "sub grad": _grad_of(lambda m, x: m.sub(2, x)),
    "mul grad": _grad_of(lambda m, x: m.mul(2, x)),
    "div grad": _grad_of(lambda m, x: m.div(2, x)),
    "rsub refuses a number input": lambda m: m.rsub(2, m.ones(2)),
    "maximum refuses a number": lambda m: m.maximum(m.ones(2), 2),
    "minimum refuses a number input": lambda m: m.minimum(2.5, m.ones(2)),
    "bitwise_not of float": lambda m: m.bitwise_not(m.ones(2)),
}


@pytest.mark.parametrize("case", NUMBER_FIRST, ids=str)
def test_number_as_first_operand(case):
    check(lambda m: (lambda r: (r, r.stride()) if isinstance(r, m.Tensor) else r)(NUMBER_FIRST[case](m)))


# ---- remainder's derivative (RemainderBackward0/1; a number on the left has none) ----------------------
def _remainder_graph(fn):
    def run(m):
        x = m.tensor([5.0, -3.0, 7.5], requires_grad=True)
        y = m.tensor([2.0, 2.0, -4.0], requires_grad=True)
        out = fn(m, x, y)
        names = (out.grad_fn.name(), [f is None for f, _ in out.grad_fn.next_functions])
        if out.grad_fn.name().endswith("NotImplemented"):
            return out, names
        out.sum().backward()
        return out, names, x.grad, y.grad
    return run


REMAINDER = {
    "tensor % tensor": _remainder_graph(lambda m, x, y: x % y),
    "tensor % number": _remainder_graph(lambda m, x, y: x % 2),
    "tensor % int tensor": _remainder_graph(lambda m, x, y: m.remainder(x, m.tensor([2, 3, 4]))),
    "tensor % broadcast tensor": _remainder_graph(lambda m, x, y: x.unsqueeze(1) % y),
    "number % tensor": _remainder_graph(lambda m, x, y: 7.0 % y),
}


@pytest.mark.parametrize("case", REMAINDER, ids=str)
def test_remainder_graph(case):
    check(REMAINDER[case])
