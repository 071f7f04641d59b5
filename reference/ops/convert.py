"""Moving between dtypes and devices (`to` and friends) and whole-tensor writes (copy_, fill_, zero_)."""
import math

import numpy as np

from .. import _dtypes
from .._device import backend_for
from .._layout import copy_like, same_window
from .._tensor import Tensor, wrap, wrap_copy
from ..autograd.function import inplace, record
from ..autograd.node import Node
from ._common import (_C_NAMES, as_number, check_out_shape, checked_scalar, number_tensor, refuse_overlap,
                      refuse_partial_overlap)
from .arguments import invalid_combination, not_a


class ToCopyBackward0(Node):
    """out = a converted to another dtype and/or device; the engine casts the grad back"""

    def __init__(self, src_be):
        self.src_be = src_be

    def backward(self, g):
        # A grad from another device comes home; the dtype cast back is the engine's job.
        if not hasattr(g, "__array_interface__") and self.src_be.is_host:
            g = g.get()
        elif hasattr(g, "__array_interface__") and not self.src_be.is_host:
            g = self.src_be.from_host(g)
        return (g,)


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got unexpected keyword "
                        f"{next(iter(kwargs))!r}")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, _dtypes.dtype):
            dt = a
        elif isinstance(a, bool):
            pass  # non_blocking / copy positional flags
        elif a is not None:
            dev = a
    return dev, dt, copy


def to(self, *args, **kwargs):
    """to(dtype), to(device), to(device, dtype), to(other): self when nothing changes (unless copy=True)."""
    dev, dt, copy = _parse_to(args, dict(kwargs))
    dt = self.dtype if dt is None else _dtypes.as_dtype(dt)
    be = self._st.be if dev is None else backend_for(dev)
    if dt is self.dtype and be is self._st.be and not copy:
        return self
    out = converted(self, dt, be)
    if dt.category < _dtypes.FLOAT:
        return out  # an integer or bool result cannot require grad
    return record(out, (self,), ToCopyBackward0(self._st.be))


def converted(self, dt, be):
    """The copy to() makes (self's values as dt on be, laid out as torch's empty_like), with no history: what a
    kernel that casts its operands itself computes from (true division of integers)."""
    arr = self._a
    if be is not self._st.be:
        arr = be.from_host(self._st.be.to_host(arr))
    arr = arr.astype(dt.np, copy=arr is self._a)
    arr = copy_like(arr, self._a, be)  # empty_like's layout (a host round trip comes back C-ordered)
    return wrap_copy(arr, dt, be)


def caster(dt):
    """The Tensor method that converts to dt: `.float()`, `.long()` ..."""
    def cast(self, memory_format=None):
        return to(self, dt)
    cast.__doc__ = f"self as {dt!r} (self itself when it already is)."
    return cast


def cpu(self, memory_format=None):
    return to(self, "cpu")


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """A copy on the GPU (CuPy); RuntimeError when no GPU is usable."""
    if device is None:
        device = "cuda"
    elif isinstance(device, int):
        device = f"cuda:{device}"
    return to(self, device)


class CopyBackwards(Node):
    """self.copy_(src): self's old value is overwritten, so only src gets the grad"""

    def name(self):
        return "torch::autograd::CopyBackwards"  # torch's C++ node keeps its namespace in name()

    def forward(self, a, src):
        return src  # broadcast and cast by the write into self

    def backward(self, g):
        return np.zeros_like(g), g


def copy_(self, src, non_blocking=False):
    """Write src (broadcast, cast to self's dtype, from any device) into self; returns self."""
    if not isinstance(src, Tensor):
        if as_number(src) is None:
            raise not_a("copy_", "other", 1, src)
        src = number_tensor(as_number(src))  # torch's binding takes a number as a 0-dim tensor
    if self.dtype.category < _dtypes.FLOAT:
        # torch leaves autograd out of a copy into an integer self, even one that requires grad (x[...] = t makes
        # one): no in-place checks, no node, its grad_fn unchanged
        return inplace(self, (), None, lambda old: (_here(src, self),), lambda: _check_copy(self, src),
                       check_autograd=False)
    return inplace(self, (src,), CopyBackwards(), lambda old: (old, _here(src, self)), lambda: _check_copy(self, src))


def _check_copy(self, src):
    """copy_'s checks after autograd's, in torch's order. Its kernel returns at once when src is self's very
    elements (same memory, offset, strides, shape and dtype): x.copy_(x) of an expand()ed x passes (autograd
    still records it). Otherwise TensorIterator refuses a receiver with internal overlap, then a src that shares
    only some of self's memory (x.copy_(x.t())), then a src that does not broadcast to self's shape."""
    a, b = self._a, src._a
    if not (a.dtype == b.dtype and same_window(a, b, self._st.be) and self._st.same_block(src._st)):
        refuse_overlap(a)
        refuse_partial_overlap(src, self)
    check_out_shape(a.shape, b.shape)


def _here(src, self):
    """src's array on self's device."""
    if src._st.be is self._st.be:
        return src._a
    return self._st.be.from_host(src._st.be.to_host(src._a))


class FillBackward2(Node):
    """self.fill_(number): the old values are gone, so self gets no grad."""

    def forward(self, a, value):
        return value

    def backward(self, g):
        return (np.zeros_like(g),)


ZeroBackward0 = type("ZeroBackward0", (FillBackward2,), {})


class FillBackward3(Node):
    """self.fill_(value) with a 0-dim tensor value (x[...] = v makes even a number one): the value gets the sum."""

    def forward(self, a, value):
        return value

    def backward(self, g):
        return np.zeros_like(g), g.sum()


def fill_(self, value):
    """Set every element to value (a number or a 0-dim tensor); returns self."""
    if isinstance(value, Tensor):
        def check():  # the kernel's, after autograd's checks and edges
            if value._a.ndim:
                raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                                   f"{value._a.ndim} dimensions.")

        def args_of(old):
            if value._st.be.is_host and not self._st.be.is_host:  # torch: a host value is fill_'s Scalar (checked)
                return old, checked_scalar(value.item(), self.dtype)
            # torch copy_()s the value in: cast unchecked, as copy_ casts (nan into int64, -1 into uint8 wrap)
            return old, _here(value, self)
        return inplace(self, (value,), FillBackward3(), args_of, check)  # torch: even an integer self
    v = as_number(value)
    if v is None:
        raise invalid_combination("fill_", self, value)
    v = _fill_value(v, self)
    return inplace(self, (), FillBackward2(), lambda old: (old, v))


def _fill_value(v, self):
    """The number fill_ writes: torch's Scalar argument (an int64, or a uint64 for a big positive int) converted
    to self's dtype with its overflow check: nan or 300 into int8 fails, -1 into uint8 wraps to 255, a complex
    number with an imaginary part fails unless self is complex or bool, 1e39 into float32 fails."""
    if isinstance(v, int) and not isinstance(v, bool):
        if v >= 2 ** 64:
            raise OverflowError("int too big to convert")
        if v < -2 ** 63:
            raise OverflowError("can't convert negative int to unsigned")
    dt = self.dtype
    if dt.category == _dtypes.BOOL:
        return v
    # torch fills a one-element float16 tensor through a double, unchecked (1e10 gives inf)
    one_half = dt is _dtypes.float16 and self._a.size == 1
    overflow = RuntimeError(f"value cannot be converted to type {'double' if one_half else _C_TYPES[dt.name]} "
                            f"without overflow")
    if isinstance(v, complex) and dt.category != _dtypes.COMPLEX:
        if v.imag:
            raise overflow
        v = v.real
    if one_half:
        return v
    if dt.category == _dtypes.INT:
        if isinstance(v, int) and v >= 2 ** 63:  # a uint64 Scalar
            raise overflow
        return checked_scalar(v, dt)
    # a float or complex dtype: a finite value past its largest finite one fails (float(): a NumPy scalar would
    # compare at the dtype's own precision)
    big = float(np.finfo(dt.np).max)
    for part in ((v.real, v.imag) if isinstance(v, complex) else (v,)):
        if math.isfinite(part) and abs(part) > big:
            raise overflow
    return v


# torch's C++ type names in its Scalar conversion messages
_C_TYPES = dict(_C_NAMES, float64="double", complex64="c10::complex<float>", complex128="c10::complex<double>")


def zero_(self):
    """Set every element to 0; returns self."""
    return inplace(self, (), ZeroBackward0(), lambda old: (old, 0))


def view_dtype(self, dt):
    raise RuntimeError("view(dtype) is not supported by the reference")

