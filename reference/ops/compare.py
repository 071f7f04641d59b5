"""Comparisons, logical/bitwise ops, floor division and remainder: results carry no gradient."""
import math

import numpy as np

from .. import _dtypes
from .._dtypes import FLOAT
from .._tensor import Tensor, wrap
from ..autograd.node import Node, record
from ._common import (bad_operand, broadcast_error, bump, check_cast, check_inplace, check_out_shape, geometry, grad_on,
                      has_zero, operands, refuse_overlap, torch_layout)


class NotImplementedNode(Node):
    """torch's node for an op with no derivative formula (floor_divide): the result requires grad, and
    backward through it fails. Its class is named as torch's (renamed below: this module returns the
    builtin NotImplemented from operators)."""

    def __init__(self, op):
        self.op = op

    def name(self):
        return "torch::autograd::NotImplemented"

    def backward(self, g):
        raise RuntimeError(f"derivative for aten::{self.op} is not implemented")


NotImplementedNode.__name__ = NotImplementedNode.__qualname__ = "NotImplemented"


def _nograd(ufunc, op, out_dtype=None, node=False):
    """A binary op with no derivative: compare in the promoted dtype, return out_dtype (or promoted); with
    `node`, a floating result of an input that requires grad records torch's NotImplemented node."""
    def fn(input, other):
        prep = operands(input, other, op)
        if prep is None:
            raise bad_operand(op, input, other)
        x, y, dt = prep
        try:
            r = ufunc(x, y)
        except ValueError:
            raise broadcast_error(input._a.shape, np.shape(getattr(other, "_a", other))) from None
        d = out_dtype or dt
        out = wrap(torch_layout(r if r.dtype == d.np else r.astype(d.np), input._st.be, (geometry(x), geometry(y))),
                   d, input._st.be)
        if node and grad_on[0] and d.category >= FLOAT and (input._rg or (isinstance(other, Tensor) and other._rg)):
            # edges only for the operands that require grad (never a Python number, even a reflected one)
            ins = tuple(t for t in (input, other) if isinstance(t, Tensor) and t._rg)
            return record(NotImplementedNode(op), ins, out)
        return out
    fn.__name__ = op
    return fn


def _nograd_(ufunc, op):
    def fn(self, other):
        prep = operands(self, other, op)
        if prep is None:
            raise bad_operand(op, self, other)
        x, y, dt = prep
        check_inplace(self)
        refuse_overlap(self._a)
        check_cast(dt, self.dtype)
        if isinstance(other, Tensor):
            check_out_shape(self._a.shape, other._a.shape)
        ufunc(x, y, out=self._a, casting="unsafe")
        return bump(self)
    fn.__name__ = op
    return fn


def _division(fn, kernel):
    """floor_divide / remainder: no bool kernel, and integer division by zero raises (as in torch)."""
    def checked(input, other):
        prep = operands(input, other, kernel)
        if prep is None:
            raise bad_operand(kernel, input, other)
        dt = prep[2]
        if dt is _dtypes.bool_:
            raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for 'Bool'")
        if dt.category < FLOAT and has_zero(prep[1]) and math.prod(np.broadcast_shapes(np.shape(prep[0]),
                                                                                      np.shape(prep[1]))):
            raise RuntimeError("ZeroDivisionError")
        return fn(input, other)
    checked.__name__ = fn.__name__
    return checked


def _integral_only(fn, op):
    def checked(input, other):
        d = _dtypes.result_type(input, other) if isinstance(other, (Tensor, int, bool)) else None
        if d is None or d.category >= FLOAT:
            raise RuntimeError(f"\"{op}_cpu\" not implemented for '{(d or _dtypes.float32).c10_name}'")
        return fn(input, other)
    return checked


eq = _nograd(np.equal, "eq", _dtypes.bool_)
ne = _nograd(np.not_equal, "ne", _dtypes.bool_)
lt = _nograd(np.less, "lt", _dtypes.bool_)
le = _nograd(np.less_equal, "le", _dtypes.bool_)
gt = _nograd(np.greater, "gt", _dtypes.bool_)
ge = _nograd(np.greater_equal, "ge", _dtypes.bool_)
floor_divide = _division(_nograd(np.floor_divide, "floor_divide", node=True), "div_floor")
remainder = _division(_nograd(np.remainder, "remainder"), "remainder")
bitwise_and = _integral_only(_nograd(np.bitwise_and, "bitwise_and"), "bitwise_and")
bitwise_or = _integral_only(_nograd(np.bitwise_or, "bitwise_or"), "bitwise_or")
bitwise_xor = _integral_only(_nograd(np.bitwise_xor, "bitwise_xor"), "bitwise_xor")


def logical_not(input):
    return wrap(np.logical_not(input._a), _dtypes.bool_, input._st.be)


def bitwise_not(input):
    if input.dtype.category >= FLOAT:
        raise RuntimeError(f"\"bitwise_not_cpu\" not implemented for '{input.dtype.c10_name}'")
    return wrap(np.invert(input._a), input.dtype, input._st.be)


def equal(input, other):
    """True when both tensors have the same shape and elements."""
    return input._a.shape == other._a.shape and bool((input._a == other._a).all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(input._a, other._a, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isnan(input):
    return wrap(np.isnan(input._a), _dtypes.bool_, input._st.be)


def _cmp_operator(fn):
    def method(self, other):
        if not isinstance(other, Tensor) and operands(self, other, fn.__name__) is None:
            return NotImplemented
        return fn(self, other)
    return method


def _reflected(fn):
    def method(self, other):
        if operands(self, other, fn.__name__) is None:
            return NotImplemented
        from .._creation import full_like_scalar
        return fn(full_like_scalar(other, self), self)
    return method


OPERATORS = {
    "__eq__": _cmp_operator(eq), "__ne__": _cmp_operator(ne), "__lt__": _cmp_operator(lt),
    "__le__": _cmp_operator(le), "__gt__": _cmp_operator(gt), "__ge__": _cmp_operator(ge),
    "__floordiv__": _cmp_operator(floor_divide), "__rfloordiv__": _reflected(floor_divide),
    "__mod__": _cmp_operator(remainder), "__rmod__": _reflected(remainder),
    "__and__": _cmp_operator(bitwise_and), "__rand__": _cmp_operator(bitwise_and),
    "__or__": _cmp_operator(bitwise_or), "__ror__": _cmp_operator(bitwise_or),
    "__xor__": _cmp_operator(bitwise_xor), "__rxor__": _cmp_operator(bitwise_xor),
    "__invert__": bitwise_not,
    "__ifloordiv__": _nograd_(np.floor_divide, "floor_divide_"), "__imod__": _nograd_(np.remainder, "remainder_"),
}
METHODS = {"eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "greater": gt, "less": lt,
           "greater_equal": ge, "less_equal": le, "not_equal": ne, "floor_divide": floor_divide,
           "remainder": remainder, "logical_not": logical_not, "bitwise_not": bitwise_not,
           "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor, "equal": equal,
           "allclose": allclose, "isnan": isnan,
           "eq_": _nograd_(np.equal, "eq_"), "floor_divide_": _nograd_(np.floor_divide, "floor_divide_")}
FUNCTIONS = dict(METHODS)
