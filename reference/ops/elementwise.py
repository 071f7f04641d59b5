"""Elementwise arithmetic and comparisons: each op's forward sits next to its backward.

A binary op (1) resolves the result dtype with torch's promotion rule, (2) computes with one
NumPy ufunc and, only when autograd records, (3) runs the op's Node, whose `forward` saves what its
`backward` needs. Broadcasting is undone by the engine, so backward rules return full-shape grads.
"""
import math

import numpy as np

from .. import _dtypes
from ..rng import capability
from ..rng.fma import fma32, fma64
from .._fp import IGNORE as FP_IGNORE, quiet_inline, reset_state as reset_fp_state, set_state as set_fp_state
from .._dtypes import BOOL, FLOAT, INT
from .._tensor import Tensor, wrap
from ..autograd.node import Node, record
from ._common import (bad_operand, broadcast_error, bump, check_cast, check_inplace, check_out_shape, finish_inplace,
                      as_number, grad_on, has_zero, operands, refuse_overlap, refuse_partial_overlap, snapshot, torch_layout,
                      geometry)


class AddBackward0(Node):
    """out = a + alpha * b"""

    def __init__(self, alpha=1):
        self.alpha = alpha

    def forward(self, a, b):
        return a + b if self.alpha == 1 else add_scaled(a, b, self.alpha)

    def backward(self, g):
        return g, (g if self.alpha == 1 else g * self.alpha)


class SubBackward0(Node):
    """out = a - alpha * b"""

    def __init__(self, alpha=1):
        self.alpha = alpha

    def forward(self, a, b):
        return a - b if self.alpha == 1 else add_scaled(a, b, -self.alpha)

    def backward(self, g):
        return g, -g if self.alpha == 1 else -g * self.alpha


class RsubBackward1(Node):
    """out = b - alpha * a, for `number - tensor`"""

    one_input = True

    def __init__(self, alpha=1):
        self.alpha = alpha

    def forward(self, a, b):
        return b - a if self.alpha == 1 else add_scaled(b, a, -self.alpha)

    def backward(self, g):
        return (-g if self.alpha == 1 else -g * self.alpha), None


class MulBackward0(Node):
    """out = a * b"""

    saved_inputs = (0, 1)

    def forward(self, a, b):
        self.saved = (a, b)
        return a * b

    def backward(self, g):
        a, b = self.saved
        return g * b, (g * a if self.next_functions[1][0] is not None else None)


class DivBackward0(Node):
    """out = a / b"""

    saved_inputs = (0, 1)

    def forward(self, a, b):
        self.saved = (a, b)
        return a / b

    def backward(self, g):
        a, b = self.saved
        gb = -g * a / (b * b) if self.next_functions[1][0] is not None else None
        return g / b, gb


class PowBackward0(Node):
    """out = a ** e, e a number"""

    one_input = True

    saved_inputs = (0,)

    def forward(self, a, e):
        self.saved = (a, e)
        return a ** e

    def backward(self, g):
        a, e = self.saved
        if e == 0:
            return np.zeros_like(g), None
        return g * (e * a ** (e - 1)), None


class PowBackward1(Node):
    """out = a ** b, both tensors"""

    saved_inputs = (0, 1)
    saves_result = True

    def forward(self, a, b):
        out = a ** b
        self.saved = (a, b, out)
        return out

    def backward(self, g):
        a, b, out = self.saved
        ga = np.where(b == 0, 0, g * (b * a ** (b - 1)))
        gb = None
        if self.next_functions[1][0] is not None:
            gb = g * np.where((a == 0) & (b >= 0), 0, out * np.log(a))
        return ga, gb


class PowBackward2(Node):
    """out = s ** b, s a number: the tensor is the exponent"""

    one_input = True

    saved_inputs = (0,)
    saves_result = True

    def forward(self, b, s):
        out = s ** b
        self.saved = (b, s, out)
        return out

    def backward(self, g):
        b, s, out = self.saved
        if s == 0:  # d/db 0**b is 0 where b >= 0 (torch masks the log(0) there)
            return np.where(b >= 0, 0, g * out * -np.inf).astype(g.dtype), None
        return g * out * math.log(s), None


def add_scaled(a, b, alpha):
    """a + alpha * b as torch's CPU kernel rounds it: alpha in the result dtype (integers wrap) and, for
    floats, one fused multiply-add (vec::fmadd) where torch's build fuses; float16 goes through float32."""
    dt = np.result_type(a, b)
    if dt.kind in "iub":
        return a + b * np.array(alpha).astype(dt)[()]
    on_host = all(isinstance(v, (np.ndarray, np.generic, int, float)) for v in (a, b))  # no device arrays
    if dt.kind != "f" or not capability.fuses_multiply_add() or not on_host \
            or not (type(a) is np.ndarray or type(b) is np.ndarray):
        return a + b * alpha
    if dt == np.float64:
        return fma64(b, alpha, a)
    wide = fma32(np.asarray(b, dt).astype(np.float32), np.float32(dt.type(alpha)), np.asarray(a, dt).astype(np.float32))
    return wide if dt == np.float32 else wide.astype(dt)


def _laid_out(r, x, y, be):
    """NumPy's result r of an elementwise op on x and y, with torch's strides (see torch_layout)."""
    if r.size and y.__class__ is x.__class__ and x.shape == y.shape and x.flags.c_contiguous and y.flags.c_contiguous:
        return r  # TensorIterator's fast setup, and NumPy's C order: the hot path skips the stride rule
    return torch_layout(r, be, (geometry(x), geometry(y)))


def _binary(a, b, ufunc, node_cls, op, *params):
    prep = operands(a, b, op)
    if prep is None:
        raise bad_operand(op, a, b)
    x, y, dt = prep
    if params and (params[0].__class__ is not int or params[0] != 1):
        params = (checked_alpha(dt, params[0]),)
    try:
        if grad_on[0] and (a._rg or (b.__class__ is Tensor and b._rg)):
            node = node_cls(*params)
            r = node.forward(x, y)
            return record(node, (a, b), wrap(_laid_out(r, x, y, a._st.be), dt, a._st.be))
        if params and params[0] != 1:  # alpha: the node's formula, nothing to record
            r = node_cls(*params).forward(x, y)
        else:
            r = a._st.be.binary(ufunc, x, y)
        return wrap(_laid_out(r, x, y, a._st.be), dt, a._st.be)
    except ValueError:
        raise broadcast_error(a._a.shape, np.shape(b._a if isinstance(b, Tensor) else b)) from None


def _binary_(a, b, ufunc, node_cls, op, *params):
    """The in-place form: validate everything first, so a failed op leaves `a` untouched."""
    prep = operands(a, b, op)
    if prep is None:
        raise bad_operand(op, a, b)
    x, y, dt = prep
    # torch's order: autograd's check_inplace, then TensorIterator's overlap, shape and dtype checks
    check_inplace(a, b)
    refuse_overlap(a._a)
    if isinstance(b, Tensor):
        refuse_partial_overlap(b, a)
        if b._a.shape != a._a.shape:
            check_out_shape(a._a.shape, b._a.shape)
    check_cast(dt, a.dtype)
    if params and (params[0].__class__ is not int or params[0] != 1):
        params = (checked_alpha(dt, params[0]),)
    if grad_on[0] and (a._rg or (b.__class__ is Tensor and b._rg)):
        node = node_cls(*params)
        old = snapshot(a, copy=0 in node_cls.saved_inputs)
        r = node.forward(old._a if old.dtype is dt else old._a.astype(dt.np), y)
        a._a[...] = r
        bump(a)
        return finish_inplace(record(node, (old, b), a))
    if params and params[0] != 1:  # alpha: the node's formula, nothing to record
        a._a[...] = node_cls(*params).forward(x, y)
    else:
        ufunc(x, y, out=a._a, casting="unsafe")
    return bump(a)


def checked_alpha(dt, alpha):
    """torch's alpha_check against the result dtype; a bool result takes alpha as a bool (a or b)."""
    if isinstance(alpha, (bool, np.bool_)):
        if dt is not _dtypes.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, (float, np.floating)) and dt.category < FLOAT:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    elif isinstance(alpha, complex) and dt.category < _dtypes.COMPLEX:
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")
    return bool(alpha) if dt is _dtypes.bool_ else alpha


def _no_bool_sub(a, b):
    a_bool = getattr(a, "dtype", None) is _dtypes.bool_ or a.__class__ is bool
    b_bool = getattr(b, "dtype", None) is _dtypes.bool_ or b.__class__ is bool
    if a_bool and b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


# ---- public functions and methods ---------------------------------------------------------------
def add(input, other, *, alpha=1):
    """input + alpha * other, broadcasting, with torch's type promotion."""
    if not isinstance(input, Tensor):
        input, other = other, input
    return _binary(input, other, np.add, AddBackward0, "add", alpha)


def add_(self, other, *, alpha=1):
    return _binary_(self, other, np.add, AddBackward0, "add_", alpha)


def sub(input, other, *, alpha=1):
    _no_bool_sub(input, other)
    return _binary(input, other, np.subtract, SubBackward0, "sub", alpha)


def sub_(self, other, *, alpha=1):
    _no_bool_sub(self, other)
    return _binary_(self, other, np.subtract, SubBackward0, "sub_", alpha)


def rsub(input, other, *, alpha=1):
    """other - alpha * input (torch.rsub)."""
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    prep = operands(input, other, "rsub")
    if prep is None:
        raise bad_operand("rsub", input, other)
    x, y, dt = prep
    _no_bool_sub(other, input)
    alpha = checked_alpha(dt, alpha)
    if grad_on[0] and input._rg:
        node = RsubBackward1(alpha)
        return record(node, (input, None), wrap(node.forward(x, y), dt, input._st.be))
    return wrap(RsubBackward1(alpha).forward(x, y), dt, input._st.be)


def mul(input, other):
    """Elementwise product, broadcasting."""
    if not isinstance(input, Tensor):
        input, other = other, input
    return _binary(input, other, np.multiply, MulBackward0, "mul")


def mul_(self, other):
    return _binary_(self, other, np.multiply, MulBackward0, "mul_")


def _true_div_operands(a, b):
    """Division always gives a floating result: int / int is float32 (the default dtype)."""
    if isinstance(b, Tensor):
        if a.dtype.category < FLOAT and b.dtype.category < FLOAT:
            d = _dtypes.get_default_dtype()
            return a.to(d), b.to(d)
    elif a.dtype.category < FLOAT and not isinstance(b, (float, complex)):
        return a.to(_dtypes.get_default_dtype()), b
    return a, b


def div(input, other, *, rounding_mode=None):
    """input / other (true division unless rounding_mode is 'trunc' or 'floor')."""
    if rounding_mode is not None:
        return _rounded_div(input, other, rounding_mode)
    a, b = _true_div_operands(input, other)
    return _binary(a, b, np.true_divide, DivBackward0, "div")


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is not None:
        return self.copy_(_rounded_div(self, other, rounding_mode))
    if self.dtype.category < FLOAT:  # int / int is a float in torch, which an integer tensor cannot hold
        if isinstance(other, Tensor):
            refuse_partial_overlap(other, self)
            check_out_shape(self._a.shape, other._a.shape)
        prep = operands(self, other, "div_")
        if prep is not None:
            check_cast(_dtypes.get_default_dtype() if prep[2].category < FLOAT else prep[2], self.dtype)
    return _binary_(self, other, np.true_divide, DivBackward0, "div_")


def _rounded_div(a, b, mode):
    if mode not in ("trunc", "floor"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    prep = operands(a, b, "div")
    if prep is None:
        raise bad_operand("div", a, b)
    x, y, dt = prep
    if dt.category < FLOAT:
        if has_zero(y):
            raise RuntimeError("ZeroDivisionError")
        q = np.floor_divide(x, y) if mode == "floor" else np.trunc(np.true_divide(x, y)).astype(dt.np)
    else:
        q = np.floor(x / y) if mode == "floor" else np.trunc(x / y)
    return wrap(q.astype(dt.np, copy=False), dt, a._st.be)


def pow(input, exponent):
    """input ** exponent; a Python number as `input` gives PowBackward2 (grad w.r.t. the exponent)."""
    if not isinstance(input, Tensor):
        return _rpow(exponent, input)
    if isinstance(exponent, Tensor):
        if _dtypes.result_type(input, exponent) is _dtypes.bool_:
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        return _binary(input, exponent, power, PowBackward1, "pow")
    prep = operands(input, exponent, "pow")
    if prep is None:
        raise bad_operand("pow", input, exponent)
    x, e, dt = prep
    if dt.category <= INT and e < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if grad_on[0] and input._rg:
        node = PowBackward0()
        return record(node, (input, None), wrap(node.forward(x, e), dt, input._st.be))
    return wrap((x ** e).astype(dt.np, copy=False), dt, input._st.be)


def power(base, exp, out=None, casting="same_kind"):
    """NumPy's power, except for integer exponents below 0, which NumPy refuses: torch gives 1 for base 1,
    +-1 for base -1 and 0 for any other base."""
    if np.result_type(base, exp).kind not in "iu" or not np.any(np.less(exp, 0)):
        return np.power(base, exp, out=out, casting=casting)
    negative = np.less(exp, 0)
    r = np.power(base, np.where(negative, 0, exp))
    minus_one = np.where(np.bitwise_and(exp, 1) == 1, -1, 1)
    r = np.where(negative, np.where(base == 1, 1, np.where(base == -1, minus_one, 0)), r).astype(r.dtype)
    if out is None:
        return r
    np.copyto(out, r, casting=casting)
    return out


def _rpow(t, s):
    """s ** t for a number s."""
    prep = operands(t, s, "pow")
    if prep is None:
        raise bad_operand("pow", t, s)
    x, s_, dt = prep
    if dt is _dtypes.bool_:
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    if grad_on[0] and t._rg:
        node = PowBackward2()
        return record(node, (t, None), wrap(node.forward(x, s_), dt, t._st.be))
    return wrap(power(s_, x), dt, t._st.be)


def pow_(self, exponent):
    if isinstance(exponent, Tensor) and _dtypes.result_type(self, exponent) is _dtypes.bool_:
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    if not isinstance(exponent, Tensor) and self.dtype.category <= INT and as_number(exponent) is not None \
            and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if isinstance(exponent, Tensor):
        return _binary_(self, exponent, power, PowBackward1, "pow_")
    return _binary_(self, exponent, power, PowBackward0, "pow_")


# ---- Python operators ------------------------------------------------------------------------------
def _hot_operator(ufunc, node_cls, op, *params):
    """`a + b` and `a * b`, the tutorial's hottest calls: same dtype, same device and nothing to record
    take one kernel and a wrap; everything else goes through _binary. NumPy's float warnings are off
    for the call, inline (a `quiet` wrapper would cost a third of a 3x3 add)."""
    def method(self, other):
        token = set_fp_state(FP_IGNORE)
        try:
            if other.__class__ is Tensor and self.dtype is other.dtype and self._st.be is other._st.be \
                    and not (grad_on[0] and (self._rg or other._rg)):
                x, y = self._a, other._a
                try:
                    r = self._st.be.binary(ufunc, x, y)
                except ValueError:
                    raise broadcast_error(x.shape, y.shape) from None
                if not (x.shape == y.shape and x.flags.c_contiguous and y.flags.c_contiguous and r.size):
                    r = _laid_out(r, x, y, self._st.be)
                return wrap(r, self.dtype, self._st.be)
            if operands(self, other, op) is None:
                return NotImplemented
            return _binary(self, other, ufunc, node_cls, op, *params)
        finally:
            reset_fp_state(token)
    method.__name__ = f"__{op}__"
    return quiet_inline(method)


__add__ = _hot_operator(np.add, AddBackward0, "add", 1)
__mul__ = _hot_operator(np.multiply, MulBackward0, "mul")


def _operator(fn, op):
    def method(self, other):
        if not isinstance(other, Tensor) and operands(self, other, op) is None:
            return NotImplemented
        return fn(self, other)
    method.__name__ = op
    return method


def _reflected(fn, op):
    def method(self, other):
        if operands(self, other, op) is None:
            return NotImplemented
        return fn(other, self)
    method.__name__ = op
    return method


def __rtruediv__(self, other):
    """number / tensor is reciprocal(tensor) * number in torch (hence MulBackward0)."""
    if operands(self, other, "div") is None:
        return NotImplemented
    from .unary import reciprocal
    return mul(reciprocal(self), other)


def _inplace_operator(fn):
    def method(self, other):
        return fn(self, other)
    return method


OPERATORS = {
    "__add__": __add__, "__radd__": __add__, "__iadd__": _inplace_operator(add_),
    "__sub__": _operator(sub, "__sub__"), "__rsub__": _reflected(lambda o, s: rsub(s, o), "__rsub__"),
    "__isub__": _inplace_operator(sub_),
    "__mul__": __mul__, "__rmul__": __mul__, "__imul__": _inplace_operator(mul_),
    "__truediv__": _operator(div, "__truediv__"), "__rtruediv__": __rtruediv__,
    "__itruediv__": _inplace_operator(div_),
    "__pow__": _operator(pow, "__pow__"), "__rpow__": _reflected(lambda o, s: _rpow(s, o), "__rpow__"),
    "__ipow__": _inplace_operator(pow_),
}

METHODS = {"add": add, "add_": add_, "sub": sub, "sub_": sub_, "subtract": sub, "mul": mul, "mul_": mul_,
           "multiply": mul, "div": div, "div_": div_, "divide": div, "true_divide": div, "pow": pow,
           "pow_": pow_}
FUNCTIONS = dict(METHODS, rsub=rsub)
