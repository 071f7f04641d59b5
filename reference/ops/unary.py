"""Unary math (neg, exp, log, sqrt, abs, trig, activations, clamp): forward next to backward.

`floating` ops (exp, log, ...) turn integer and bool inputs into the default float dtype, as torch does;
the others keep the dtype.
"""
import numpy as np

from .. import _dtypes
from .._dtypes import CPP_NAMES, FLOAT
from .._layout import elementwise_strides
from .._tensor import Tensor, wrap
from ..autograd.function import inplace, record
from ..autograd.node import Node
from ._common import (broadcast_shapes, cast_operand, check_cast, check_out_shape, checked_scalar, device_mismatch,
                      fast_setup, formula_of, geometry, iterator_layout, laid_over, product, refuse_overlap,
                      torch_layout, unary_formula, unary_geometry)


class NegBackward0(Node):
    def forward(self, a):
        return -a

    def backward(self, g):
        return (unary_formula(-g, g),)


class ExpBackward0(Node):
    saves_result = True

    def forward(self, a):
        return np.exp(a)

    def backward(self, g):
        return (product(g, self.saved[0]),)


class LogBackward0(Node):
    saved_inputs = (0,)

    def forward(self, a):
        return np.log(a)

    def backward(self, g):
        return (iterator_layout(g / self.saved[0], g, self.saved[0]),)


class SqrtBackward0(Node):
    saves_result = True

    def forward(self, a):
        return np.sqrt(a)

    def backward(self, g):
        return (formula_of(g / (2 * self.saved[0]), g, self.saved[0]),)


class AbsBackward0(Node):
    saved_inputs = (0,)
    holomorphic = False  # g * sign(x): for a complex x NumPy's sign is x / |x|, torch's formula as it stands

    def forward(self, a):
        return np.abs(a)

    def backward(self, g):
        return (formula_of(g * np.sign(self.saved[0]), g, self.saved[0]),)


class SinBackward0(Node):
    saved_inputs = (0,)

    def forward(self, a):
        return np.sin(a)

    def backward(self, g):
        return (formula_of(g * np.cos(self.saved[0]), g, self.saved[0]),)


class CosBackward0(Node):
    saved_inputs = (0,)

    def forward(self, a):
        return np.cos(a)

    def backward(self, g):
        return (formula_of(g * -np.sin(self.saved[0]), g, self.saved[0]),)


class TanhBackward0(Node):
    saves_result = True

    def forward(self, a):
        return np.tanh(a)

    def backward(self, g):
        out = self.saved[0]
        return (iterator_layout(g * (1 - out * out), g, out),)


class SigmoidBackward0(Node):
    saves_result = True

    def forward(self, a):
        return 1 / (1 + np.exp(-a))

    def backward(self, g):
        out = self.saved[0]
        return (iterator_layout(g * out * (1 - out), g, out),)


class ReluBackward0(Node):
    saves_result = True

    def forward(self, a):
        return np.maximum(a, 0)

    def backward(self, g):
        out = self.saved[0]
        # threshold_backward: where(result <= 0, 0, grad), iterating over (result, grad); a nan grad stays nan
        # only where it passes, a nan result passes it
        return (iterator_layout(np.where(out <= 0, 0, g), out, g),)


class ReciprocalBackward0(Node):
    saves_result = True

    def forward(self, a):
        return 1 / a

    def backward(self, g):
        out = self.saved[0]
        r = -g * out * out  # ATen: -grad * (result * result), each factor laid out as a unary op's result
        return (r if fast_setup(r, g, out) else laid_over(r, (unary_geometry(g), unary_geometry(out))),)


class ClampBackward1(Node):
    """out = min(max(a, lo), hi); grad flows where a was inside [lo, hi]"""

    saved_inputs = (0,)

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def forward(self, a):
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
        r = np.where(keep, g, 0)  # a nan grad where a was clamped is 0, as torch's where() gives
        if fast_setup(r, g, a):
            return (r,)
        # ATen: where((a >= lo).logical_and_(a <= hi), grad, zero): the comparison with a number and the 0-dim zero
        # each keep TensorIterator off its fast setup, so both follow their first operand's strides
        scalar = ((), ())
        condition = (a.shape, elementwise_strides(a.shape, (geometry(a), scalar)))
        return (laid_over(r, (condition, geometry(g), scalar)),)


def _rounding_node(name, fn):
    """Rounding ops are piecewise constant, so their grad is zero."""
    def forward(self, a):
        return fn(a)

    def backward(self, g):
        return (np.zeros_like(g),)
    return type(name, (Node,), {"forward": forward, "backward": backward, "__module__": __name__})


FloorBackward0 = _rounding_node("FloorBackward0", np.floor)
CeilBackward0 = _rounding_node("CeilBackward0", np.ceil)
RoundBackward0 = _rounding_node("RoundBackward0", np.round)
TruncBackward0 = _rounding_node("TruncBackward0", np.trunc)
SignBackward0 = _rounding_node("SignBackward0", lambda a: a.copy() if a.dtype == np.bool_ else np.sign(a))


def _run(node, a, floating):
    x, dt, be = a._a, a.dtype, a._st.be
    if floating and dt.category < FLOAT:
        dt = _dtypes.get_default_dtype()
        # the result follows the strides TensorIterator sees: on the CPU those of its copy a.to(dt) (empty_like's
        # layout), on CUDA the input's own (astype re-strided expanded dims either way)
        x = cast_operand(a, dt)
        return record(wrap(torch_layout(node.forward(x), be, (geometry(x if be.is_host else a._a),)), dt, be), (a,),
                      node, (x,))
    r = node.forward(x)
    if dt.is_complex and r.dtype.kind == "f":  # abs of a complex tensor is real, as in torch
        dt = dt.to_real()
    if not (x.flags.c_contiguous and 1 not in x.shape):  # NumPy's strides differ from torch's (size-1 dims too)
        r = torch_layout(r, be, (geometry(x),))
    return record(wrap(r, dt, be), (a,), node, (x,))


def _run_(node, a, floating):
    """In-place form: torch's checks, then the write into a's memory."""
    def check():
        refuse_overlap(a._a)
        if floating and a.dtype.category < FLOAT:
            check_cast(_dtypes.get_default_dtype(), a.dtype)
    return inplace(a, (), node, lambda old: (old,), check)


def _unary(name, node_cls, floating=False, check=None):
    """The function and in-place method of a unary op: `floating` ops compute integer inputs in the
    default float dtype; `check` refuses an input dtype first."""
    def op(input):
        if check:
            check(input)
        return _run(node_cls(), input, floating)

    def op_(self):
        if check:
            check(self, inplace=True)
        return _run_(node_cls(), self, floating)
    op.__name__, op_.__name__ = name, name + "_"
    op.__doc__ = f"Elementwise {name}."
    return op, op_


def _refuse(bool_=None, complex_=None, complex_inplace=None):
    """A check refusing the input dtypes torch has no kernel for, with torch's error: each rule is
    (exception type, message), the message naming the dtype as {dt} ('Bool', 'ComplexFloat')."""
    def check(t, inplace=False):
        dt = t.dtype
        if dt is _dtypes.bool_:
            rule = bool_
        elif dt.is_complex:
            rule = complex_inplace if inplace and complex_inplace else complex_
        else:
            return
        if rule is not None:
            raise rule[0](rule[1].format(dt=dt.c10_name))
    return check


def _no_kernel(kernel):
    return NotImplementedError, f"\"{kernel}\" not implemented for '{{dt}}'"


_CLAMP_COMPLEX = (NotImplementedError, "clamp is not supported for complex types")
_NEG_BOOL = (RuntimeError, "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")

neg, neg_ = _unary("neg", NegBackward0, check=_refuse(bool_=_NEG_BOOL))
exp, exp_ = _unary("exp", ExpBackward0, floating=True)
log, log_ = _unary("log", LogBackward0, floating=True)
sqrt, sqrt_ = _unary("sqrt", SqrtBackward0, floating=True)
abs, abs_ = _unary("abs", AbsBackward0, check=_refuse(
    bool_=_no_kernel("abs_cpu"), complex_inplace=(RuntimeError, "In-place abs is not supported for complex tensors.")))
sin, sin_ = _unary("sin", SinBackward0, floating=True)
cos, cos_ = _unary("cos", CosBackward0, floating=True)
tanh, tanh_ = _unary("tanh", TanhBackward0, floating=True)
sigmoid, sigmoid_ = _unary("sigmoid", SigmoidBackward0, floating=True)
relu, relu_ = _unary("relu", ReluBackward0, check=_refuse(bool_=(RuntimeError, "Boolean inputs not supported for relu"),
                                                          complex_=_CLAMP_COMPLEX))
reciprocal, reciprocal_ = _unary("reciprocal", ReciprocalBackward0, floating=True)
floor, floor_ = _unary("floor", FloorBackward0, check=_refuse(
    bool_=_no_kernel("floor_vml_cpu"), complex_=(NotImplementedError, "floor is not supported for complex inputs")))
ceil, ceil_ = _unary("ceil", CeilBackward0, check=_refuse(
    bool_=_no_kernel("ceil_vml_cpu"), complex_=(NotImplementedError, "ceil is not supported for complex inputs")))
round, round_ = _unary("round", RoundBackward0, check=_refuse(bool_=_no_kernel("round_vml_cpu"),
                                                              complex_=_no_kernel("round_vml_cpu")))
trunc, trunc_ = _unary("trunc", TruncBackward0, check=_refuse(
    bool_=_no_kernel("trunc_vml_cpu"), complex_=(NotImplementedError, "trunc is not supported for complex inputs")))
sign, sign_ = _unary("sign", SignBackward0, check=_refuse(complex_=(
    NotImplementedError, "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn "
                         "instead.")))


def positive(input):
    """+input: the tensor itself, as torch's `__pos__`."""
    return input


def _clamp_bounds(input, min, max):
    """torch's clamp over Python-number bounds: the result dtype promotes over them (an int tensor with
    float bounds is float), no bool kernel, and each bound converted to that dtype with its checks."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if input.dtype.is_complex:
        raise _CLAMP_COMPLEX[0](_CLAMP_COMPLEX[1])
    bounds = [b for b in (min, max) if b is not None and not hasattr(b, "dtype")]
    dt = _dtypes.result_type(input, *bounds) if bounds else input.dtype
    if dt is _dtypes.bool_:
        raise NotImplementedError("\"clamp_scalar_cpu\" not implemented for 'Bool'")
    lo, hi = (b if b is None or hasattr(b, "dtype") else checked_scalar(b, dt, floats=True) for b in (min, max))
    return dt, lo, hi


class ClampBackward0(Node):
    """out = min(max(a, lo), hi) with tensor bounds (either may be None, and all broadcast): a gets the grad
    where lo <= a <= hi, lo where a < lo < hi, hi where a > hi or hi < lo (the result is hi then)"""

    saved_inputs = (0, 1, 2)

    def forward(self, a, lo, hi):
        out = a if lo is None else np.maximum(a, lo)
        return out if hi is None else np.minimum(out, hi)

    def backward(self, g):
        a, lo, hi = self.saved
        zero = np.zeros_like(g)
        if lo is None:
            return np.where(a <= hi, g, zero), None, np.where(a > hi, g, zero)
        if hi is None:
            return np.where(a >= lo, g, zero), np.where(a < lo, g, zero), None
        return (np.where((a >= lo) & (a <= hi), g, zero), np.where((a < lo) & (lo < hi), g, zero),
                np.where((a > hi) | (hi < lo), g, zero))


def _tensor_bounds(op, input, min, max):
    """torch's clamp.Tensor overload, taken when a bound is a tensor: then both are (or None), else no overload
    fits. Returns the result dtype, after the checks torch makes before TensorIterator's."""
    if any(b is not None and not isinstance(b, Tensor) for b in (min, max)):
        got = ", ".join(type(b).__name__ for b in (min, max) if b is not None)
        marked = ", ".join(f"!{type(b).__name__}!" for b in (min, max) if b is not None)
        why = f"      didn't match because some of the arguments have invalid types: ({marked})\n"
        err = TypeError(f"{op}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        f" * (Tensor min = None, Tensor max = None)\n{why} * (Number min = None, Number max = None)\n"
                        f"{why}")
        err.as_function = TypeError(
            f"clamp() received an invalid combination of arguments - got (Tensor, {got}), but expected one of:\n"
            f" * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
            f" * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n")
        raise err
    bounds = [b for b in (min, max) if b is not None]
    for b in bounds:
        if b._st.be is not input._st.be:
            raise device_mismatch(input, b)
    if input.dtype.is_complex:
        raise _CLAMP_COMPLEX[0](_CLAMP_COMPLEX[1])
    return _dtypes.result_type(input, *bounds)


def _bound_arrays(dt, min, max):
    return tuple(None if b is None else b._a if b.dtype is dt else b._a.astype(dt.np) for b in (min, max))


def clamp(input, min=None, max=None):
    """Limit every element to [min, max] (either bound may be None; numbers or tensors, which broadcast)."""
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        dt = _tensor_bounds("clamp", input, min, max)
        broadcast_shapes(*(t._a.shape for t in (input, min, max) if t is not None))
        x = input._a if input.dtype is dt else cast_operand(input, dt)
        lo, hi = _bound_arrays(dt, min, max)
        node = ClampBackward0()
        r = torch_layout(node.forward(x, lo, hi), input._st.be, tuple(geometry(v) for v in (x, lo, hi) if v is not None))
        return record(wrap(r, dt, input._st.be), (input, min, max), node, (x, lo, hi))
    dt, lo, hi = _clamp_bounds(input, min, max)
    if dt is not input.dtype:  # only integer/bool inputs promote here, and those carry no graph
        input = input.to(dt)
    return _run(ClampBackward1(lo, hi), input, False)


def clamp_(self, min=None, max=None):
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        dt = _tensor_bounds("clamp_", self, min, max)
        lo, hi = _bound_arrays(dt, min, max)

        def check():  # TensorIterator's, in its order: overlap, shape, the result's cast
            refuse_overlap(self._a)
            check_out_shape(self._a.shape, *(b._a.shape for b in (min, max) if b is not None))
            check_cast(dt, self.dtype)
        return inplace(self, (min, max), ClampBackward0(), lambda old: (old.astype(dt.np, copy=False), lo, hi), check)
    dt, lo, hi = _clamp_bounds(self, min, max)
    if dt is not self.dtype and not _dtypes.can_cast(dt, self.dtype):
        raise RuntimeError(f"result type {dt.c10_name} can't be cast to the desired output type "
                           f"{CPP_NAMES[self.dtype.name]}")
    return _run_(ClampBackward1(lo, hi), self, False)


def square(input):
    """input ** 2 (torch records it as PowBackward0)."""
    return input.pow(2)
