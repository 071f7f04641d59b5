"""Comparisons, logical/bitwise ops, floor division and remainder: results carry no gradient."""
import math

import numpy as np

from .. import _dtypes
from .._dtypes import FLOAT
from .._tensor import Tensor, wrap
from ..autograd.function import inplace, record
from ..autograd.node import Node
from ._common import (broadcast_error, broadcast_shapes, check_cast, check_out_shape, geometry, has_zero,
                      no_division_kernel, refuse_overlap, refuse_partial_overlap, torch_layout, wrapped_number)
from .arguments import no_overload
from .elementwise import _src, prepared


class NotImplementedNode(Node):
    """torch's node for an op with no derivative formula (floor_divide): the result requires grad, and
    backward through it fails. Its class is named as torch's (renamed below: this module returns the
    builtin NotImplemented from operators)."""

    requiring_only = True
    _seq = math.inf  # torch numbers its error nodes as it numbers leaves' accumulators: they run first when ready

    def __init__(self, op, ufunc=None):
        self.op, self.ufunc = op, ufunc

    def forward(self, a, b):
        return self.ufunc(a, b)

    def name(self):
        return "torch::autograd::NotImplemented"

    def backward(self, g):
        raise RuntimeError(f"derivative for aten::{self.op} is not implemented")


NotImplementedNode.__name__ = NotImplementedNode.__qualname__ = "NotImplemented"


class RemainderBackward0(Node):
    """out = a % s, s a number: a's grad passes through"""

    one_input = True

    def forward(self, a, b):
        return np.remainder(a, b)

    def backward(self, g):
        return g, None


class RemainderBackward1(Node):
    """out = a % b, both tensors: a's grad passes through, b's is -grad * (a // b) (ATen's formula)"""

    unpack_reversed = True  # torch checks `other` (mat2, exponent) before `self`
    saved_inputs = (0, 1)
    forward = RemainderBackward0.forward

    def backward(self, g):
        a, b = self.saved
        return g, (-g * np.floor_divide(a, b) if self.next_functions[1][0] is not None else None)


def _remainder_node(input, other):
    """torch's node for remainder: by the overload; a number on the left (7 % t) has no derivative."""
    if not isinstance(input, Tensor):
        return None
    return RemainderBackward1() if isinstance(other, Tensor) else RemainderBackward0()


def _nograd(ufunc, op, out_dtype=None, node=False, derivative=None, ordered=False):
    """A binary op with no derivative: compare in the promoted dtype, return out_dtype (or promoted); with
    `node`, a floating result of an input that requires grad records torch's NotImplemented node.
    `derivative(input, other)`: the op's node, when it has one for these operands (remainder). `ordered`: an
    order comparison, which torch has no complex kernel for."""
    def fn(input, other):
        if out_dtype is _dtypes.bool_ and not isinstance(input, Tensor):  # no comparison takes a number first
            raise no_overload(op, (input, other))
        x, y, dt, t = prepared(input, other, op)
        try:
            r = ufunc(x, y)
        except ValueError:
            raise broadcast_error(np.shape(getattr(input, "_a", input)), np.shape(getattr(other, "_a", other))) from None
        if ordered and dt.is_complex:  # the kernel's refusal, after TensorIterator's shape check (the ufunc's)
            raise NotImplementedError(f"\"{op}_cpu\" not implemented for '{dt.c10_name}'")
        d = out_dtype or dt
        be = t._st.be
        # laid out by the operands' own strides, not by the copies promotion made of them
        out = wrap(torch_layout(r if r.dtype == d.np else r.astype(d.np), be,
                                (geometry(_src(input, x)), geometry(_src(other, y)))), d, be)
        grad_node = derivative(input, other) if derivative is not None and d.category >= FLOAT else None
        if grad_node is not None:
            return record(out, (input, other), grad_node, (x, y))
        if node and d.category >= FLOAT:
            return record(out, (input, other), NotImplementedNode(op))
        return out
    fn.__name__ = op
    return fn


def _nograd_(ufunc, op, divides=None, derivative=None, ordered=False):
    """The in-place form: the result, computed in the promoted dtype, is cast into self.
    `divides`: the kernel's name for floor division / remainder, which have no bool kernel and whose integer
    division by zero raises, as the out-of-place form (see _division); they record a node as it does (a
    comparison records none). A comparison's bool result casts into any dtype, so only the others check the cast."""
    def fn(self, other):
        x, y, dt, _ = prepared(self, other, op)
        node = None
        if divides and dt.category >= FLOAT:
            node = derivative(self, other) if derivative is not None else NotImplementedNode(op, ufunc)

        def check():  # TensorIterator's order: overlap, shape, the result's cast; then the kernel's own checks
            refuse_overlap(self._a)
            if isinstance(other, Tensor):
                refuse_partial_overlap(other, self)
                check_out_shape(self._a.shape, other._a.shape)
            if divides:
                check_cast(dt, self.dtype)
                no_division_kernel(divides, dt)
                if dt.category < FLOAT and self._a.size and has_zero(y):
                    raise RuntimeError("ZeroDivisionError")
            if ordered and dt.is_complex:
                raise NotImplementedError(f"\"{op[:-1]}_cpu\" not implemented for '{dt.c10_name}'")
        # a comparison records nothing, yet autograd's checks see `other` too: a no_grad view of self is refused
        # when only `other` requires grad
        if node is None:
            return inplace(self, (other,), None, lambda old: (ufunc(x, y),), check)
        return inplace(self, (other,), node, lambda old: (old if self.dtype is dt else old.astype(dt.np), y), check)
    fn.__name__ = op
    return fn


def _division(fn, kernel, numbers=False):
    """floor_divide / remainder: no bool kernel, and integer division by zero raises (as in torch).
    `numbers`: two Python numbers make a tensor result (torch.floor_divide(7, 2)), see wrapped_number."""
    def checked(input, other):
        if numbers:
            input = wrapped_number(input, other)
        x, y, dt, _ = prepared(input, other, fn.__name__)
        if dt is _dtypes.bool_ or dt.is_complex or (dt.category < FLOAT and has_zero(y)):
            # the kernel refuses these, after TensorIterator's broadcast check (an empty result divides nothing)
            shape = broadcast_shapes(np.shape(x), np.shape(y))
            no_division_kernel(kernel, dt)
            if math.prod(shape):
                raise RuntimeError("ZeroDivisionError")
        return fn(input, other)
    checked.__name__ = fn.__name__
    return checked


def _integral_only(fn, op):
    def checked(input, other):
        d = _dtypes.result_type(input, other) if isinstance(other, (Tensor, int, bool)) else None
        if d is None or d.category >= FLOAT:
            if isinstance(other, Tensor):  # TensorIterator's shape check comes before the kernel's dtype check
                broadcast_shapes(input._a.shape, other._a.shape)
            raise RuntimeError(f"\"{op}_cpu\" not implemented for '{(d or _dtypes.float32).c10_name}'")
        return fn(input, other)
    return checked


eq = _nograd(np.equal, "eq", _dtypes.bool_)
ne = _nograd(np.not_equal, "ne", _dtypes.bool_)
lt = _nograd(np.less, "lt", _dtypes.bool_, ordered=True)
le = _nograd(np.less_equal, "le", _dtypes.bool_, ordered=True)
gt = _nograd(np.greater, "gt", _dtypes.bool_, ordered=True)
ge = _nograd(np.greater_equal, "ge", _dtypes.bool_, ordered=True)
floor_divide = _division(_nograd(np.floor_divide, "floor_divide", node=True), "div_floor", numbers=True)
_remainder = _division(_nograd(np.remainder, "remainder", node=True, derivative=_remainder_node), "remainder")


def remainder(input, other):
    """input % other, elementwise, with the sign of `other` (Python's %); one side may be a number."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise no_overload("remainder", (input, other))
    return _remainder(input, other)
bitwise_and = _integral_only(_nograd(np.bitwise_and, "bitwise_and"), "bitwise_and")
bitwise_or = _integral_only(_nograd(np.bitwise_or, "bitwise_or"), "bitwise_or")
bitwise_xor = _integral_only(_nograd(np.bitwise_xor, "bitwise_xor"), "bitwise_xor")


def logical_not(input):
    return wrap(np.logical_not(input._a), _dtypes.bool_, input._st.be)


def invert(input):
    """`~t`: torch's Python operator refuses floating and complex tensors itself, before bitwise_not would."""
    if input.dtype.category >= FLOAT:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(input)


def bitwise_not(input):
    if input.dtype.category >= FLOAT:
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{input.dtype.c10_name}'")
    return wrap(np.invert(input._a), input.dtype, input._st.be)


def equal(input, other):
    """True when both tensors have the same shape and elements."""
    return input._a.shape == other._a.shape and bool((input._a == other._a).all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(input._a, other._a, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isnan(input):
    return wrap(np.isnan(input._a), _dtypes.bool_, input._st.be)


eq_ = _nograd_(np.equal, "eq_")
ne_ = _nograd_(np.not_equal, "ne_")
lt_ = _nograd_(np.less, "lt_", ordered=True)
le_ = _nograd_(np.less_equal, "le_", ordered=True)
gt_ = _nograd_(np.greater, "gt_", ordered=True)
ge_ = _nograd_(np.greater_equal, "ge_", ordered=True)
floor_divide_ = _nograd_(np.floor_divide, "floor_divide_", divides="div_floor")
remainder_ = _nograd_(np.remainder, "remainder_", divides="remainder", derivative=_remainder_node)


def rfloor_divide(self, other):
    """other // self, for a Python number other (Tensor.__rfloordiv__)."""
    return floor_divide(other, self)


def rremainder(self, other):
    """other % self, for a Python number other (Tensor.__rmod__)."""
    return remainder(other, self)
