"""Unary math (neg, exp, log, sqrt, abs, trig, activations, clamp): forward next to backward.

`floating` ops (exp, log, ...) turn integer and bool inputs into the default float dtype, as torch does;
the others keep the dtype.
"""
import numpy as np

from .. import _dtypes
from .._dtypes import FLOAT
from .._tensor import wrap
from ..autograd.node import Node, record
from ._common import finish_inplace, bump, check_cast, check_inplace, checked_scalar, grad_on, refuse_overlap, snapshot
from .._dtypes import CPP_NAMES


class NegBackward0(Node):
    def forward(self, a):
        return -a

    def backward(self, g):
        return (-g,)


class ExpBackward0(Node):
    saves_result = True

    def forward(self, a):
        out = np.exp(a)
        self.saved = (out,)
        return out

    def backward(self, g):
        return (g * self.saved[0],)


class LogBackward0(Node):
    saved_inputs = (0,)

    def forward(self, a):
        self.saved = (a,)
        return np.log(a)

    def backward(self, g):
        return (g / self.saved[0],)


class SqrtBackward0(Node):
    saves_result = True

    def forward(self, a):
        out = np.sqrt(a)
        self.saved = (out,)
        return out

    def backward(self, g):
        return (g / (2 * self.saved[0]),)


class AbsBackward0(Node):
    saved_inputs = (0,)

    def forward(self, a):
        self.saved = (a,)
        return np.abs(a)

    def backward(self, g):
        return (g * np.sign(self.saved[0]),)


class SinBackward0(Node):
    saved_inputs = (0,)

    def forward(self, a):
        self.saved = (a,)
        return np.sin(a)

    def backward(self, g):
        return (g * np.cos(self.saved[0]),)


class CosBackward0(Node):
    saved_inputs = (0,)

    def forward(self, a):
        self.saved = (a,)
        return np.cos(a)

    def backward(self, g):
        return (g * -np.sin(self.saved[0]),)


class TanhBackward0(Node):
    saves_result = True

    def forward(self, a):
        out = np.tanh(a)
        self.saved = (out,)
        return out

    def backward(self, g):
        out = self.saved[0]
        return (g * (1 - out * out),)


class SigmoidBackward0(Node):
    saves_result = True

    def forward(self, a):
        out = 1 / (1 + np.exp(-a))
        self.saved = (out,)
        return out

    def backward(self, g):
        out = self.saved[0]
        return (g * out * (1 - out),)


class ReluBackward0(Node):
    saves_result = True

    def forward(self, a):
        out = np.maximum(a, 0)
        self.saved = (out,)
        return out

    def backward(self, g):
        return (g * (self.saved[0] > 0),)


class ReciprocalBackward0(Node):
    saves_result = True

    def forward(self, a):
        out = 1 / a
        self.saved = (out,)
        return out

    def backward(self, g):
        out = self.saved[0]
        return (-g * out * out,)


class ClampBackward1(Node):
    """out = min(max(a, lo), hi); grad flows where a was inside [lo, hi]"""

    saved_inputs = (0,)

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, a):
        self.saved = (a,)
        out = a
        if self.lo is not None:
            out = np.maximum(out, a.dtype.type(self.lo))
        if self.hi is not None:
            out = np.minimum(out, a.dtype.type(self.hi))
        return out

    def backward(self, g):
        a = self.saved[0]
        keep = np.ones_like(a, dtype=bool)
        if self.lo is not None:
            keep &= a >= self.lo
        if self.hi is not None:
            keep &= a <= self.hi
        return (g * keep,)


def _zero_grad_node(name):
    """Rounding ops: piecewise constant, so the grad is zero."""
    def backward(self, g):
        return (np.zeros_like(g),)
    return type(name, (Node,), {"backward": backward})


FloorBackward0 = _zero_grad_node("FloorBackward0")
CeilBackward0 = _zero_grad_node("CeilBackward0")
RoundBackward0 = _zero_grad_node("RoundBackward0")
TruncBackward0 = _zero_grad_node("TruncBackward0")
SignBackward0 = _zero_grad_node("SignBackward0")


def _run(node_cls, fn, a, params, floating):
    x, dt = a._a, a.dtype
    if floating and dt.category < FLOAT:
        dt = _dtypes.get_default_dtype()
        x = x.astype(dt.np)
    if grad_on[0] and a._rg:
        node = node_cls(*params)
        return record(node, (a,), wrap(node.forward(x), dt, a._st.be))
    return wrap(fn(x), dt, a._st.be)


def _run_(node_cls, fn, a, params, floating):
    """In-place form: same checks as torch, then write into a's memory."""
    check_inplace(a)
    refuse_overlap(a._a)
    if floating and a.dtype.category < FLOAT:
        check_cast(_dtypes.get_default_dtype(), a.dtype)
    if grad_on[0] and a._rg:
        node = node_cls(*params)
        old = snapshot(a, copy=bool(node_cls.saved_inputs))
        a._a[...] = node.forward(old._a)
        bump(a)
        return finish_inplace(record(node, (old,), a))
    a._a[...] = fn(a._a)
    return bump(a)


def _unary(name, node_cls, fn, floating, check=None):
    def op(input):
        if check:
            check(input)
        return _run(node_cls, fn, input, (), floating)

    def op_(self):
        if check:
            check(self)
        return _run_(node_cls, fn, self, (), floating)
    op.__name__, op_.__name__ = name, name + "_"
    op.__doc__ = f"Elementwise {name}."
    return op, op_


def _no_bool_neg(t):
    if t.dtype is _dtypes.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


_TABLE = {  # name: (node, forward without recording, makes floats of ints)
    "neg": (NegBackward0, np.negative, False, _no_bool_neg),
    "exp": (ExpBackward0, np.exp, True, None),
    "log": (LogBackward0, np.log, True, None),
    "sqrt": (SqrtBackward0, np.sqrt, True, None),
    "abs": (AbsBackward0, np.abs, False, None),
    "sin": (SinBackward0, np.sin, True, None),
    "cos": (CosBackward0, np.cos, True, None),
    "tanh": (TanhBackward0, np.tanh, True, None),
    "sigmoid": (SigmoidBackward0, _sigmoid, True, None),
    "relu": (ReluBackward0, lambda x: np.maximum(x, 0), False, None),
    "reciprocal": (ReciprocalBackward0, lambda x: 1 / x, True, None),
    "floor": (FloorBackward0, np.floor, False, None),
    "ceil": (CeilBackward0, np.ceil, False, None),
    "round": (RoundBackward0, np.round, False, None),
    "trunc": (TruncBackward0, np.trunc, False, None),
    "sign": (SignBackward0, np.sign, False, None),
}

METHODS = {}
for _name, (_node, _fn, _floating, _check) in _TABLE.items():
    METHODS[_name], METHODS[_name + "_"] = _unary(_name, _node, _fn, _floating, _check)
neg, exp, log, sqrt, abs, reciprocal = (METHODS[n] for n in ("neg", "exp", "log", "sqrt", "abs", "reciprocal"))
METHODS["negative"] = neg
METHODS["absolute"] = abs


def _clamp_bounds(input, min, max):
    """torch's clamp over Python-number bounds: the result dtype promotes over them (an int tensor with
    float bounds is float), no bool kernel, and each bound converted to that dtype with its checks."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [b for b in (min, max) if b is not None and not hasattr(b, "dtype")]
    dt = _dtypes.result_type(input, *bounds) if bounds else input.dtype
    if dt is _dtypes.bool_:
        raise NotImplementedError("\"clamp_scalar_cpu\" not implemented for 'Bool'")
    lo, hi = (b if b is None or hasattr(b, "dtype") else checked_scalar(b, dt, floats=True) for b in (min, max))
    return dt, lo, hi


def clamp(input, min=None, max=None):
    """Limit every element to [min, max] (either bound may be None)."""
    dt, lo, hi = _clamp_bounds(input, min, max)
    if dt is not input.dtype:  # only integer/bool inputs promote here, and those carry no graph
        input = input.to(dt)
    return _run(ClampBackward1, lambda x: ClampBackward1(lo, hi).forward(x), input, (lo, hi), False)


def clamp_(self, min=None, max=None):
    dt, lo, hi = _clamp_bounds(self, min, max)
    if dt is not self.dtype and not _dtypes.can_cast(dt, self.dtype):
        raise RuntimeError(f"result type {dt.c10_name} can't be cast to the desired output type "
                           f"{CPP_NAMES[self.dtype.name]}")
    return _run_(ClampBackward1, lambda x: ClampBackward1(lo, hi).forward(x), self, (lo, hi), False)


def square(input):
    """input ** 2 (torch records it as PowBackward0)."""
    return input.pow(2)


METHODS.update(clamp=clamp, clamp_=clamp_, clip=clamp, clip_=clamp_, square=square)
OPERATORS = {"__neg__": neg, "__abs__": abs, "__pos__": lambda self: self}
FUNCTIONS = dict(METHODS)
