"""Making tensors: factories (zeros, ones, eye, arange ...) and the *_like / new_* variants. Tensors from data
(`tensor`, `from_numpy`, the legacy constructors) are in reference/_from_data.py, the random ones (rand, randn,
randint, randperm, *_like, uniform_, normal_) in reference/_random.py.

Every factory takes dtype=, device= and requires_grad= and ends in `_finish`, which checks them once.
"""
import math

import numpy as np

from . import _dtypes
from ._device import backend_for
from ._fp import quiet
from ._layout import empty_laid_out, like_strides
from ._tensor import Tensor, check_grad_dtype, wrap, wrap_copy
from .ops.out import factory_with_out
from .ops.view_making import size_args
from .rng import capability
from .rng.fma import fma32, fma64


def _finish(arr, dt, be, requires_grad, wrapper=wrap):
    t = wrapper(arr, dt, be)
    if requires_grad:
        check_grad_dtype(dt, "Only Tensors of floating point and complex dtype can require gradients")
        t._rg = True
    return t


def _shape(args, op):
    if not args:
        raise TypeError(f'{op}() missing 1 required positional arguments: "size"')
    shape = size_args(args, op)
    negative = [n for n in shape if n < 0]
    if negative:
        if op == "zeros":  # zeros checks the size itself, before allocating
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {list(shape)}")
    return shape


def _dt(dtype, default=None):
    if dtype is None:
        return default or _dtypes.get_default_dtype()
    return _dtypes.as_dtype(dtype)


def _filled(op, args, value, dtype, device, requires_grad, default=None):
    shape = _shape(args, op)
    dt = _dt(dtype, default)
    be = backend_for(device)
    xp = be.xp
    if value == 0 and value is not None:
        arr = xp.zeros(shape, dt.np)
    else:
        arr = xp.empty(shape, dt.np)
        if value is not None:
            arr.fill(value)  # xp.full/xp.ones are this, behind a slower Python wrapper
    return _finish(arr, dt, be, requires_grad)


@factory_with_out("empty")
def empty(*size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False, memory_format=None):
    """Uninitialised memory of the given size (its values are whatever was there)."""
    return _filled("empty", size, None, dtype, device, requires_grad)


@factory_with_out("zeros")
def zeros(*size, dtype=None, device=None, requires_grad=False, layout=None):
    """zeros(2, 3) or zeros((2, 3)): a tensor of 0s (default dtype float32)."""
    return _filled("zeros", size, 0, dtype, device, requires_grad)


@factory_with_out("ones")
def ones(*size, dtype=None, device=None, requires_grad=False, layout=None):
    """ones(2, 3): a tensor of 1s."""
    return _filled("ones", size, 1, dtype, device, requires_grad)


@factory_with_out("full")
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None):
    """A tensor of fill_value; its dtype follows the value (bool, int64, or the default float)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _filled("full", (size,), fill_value, dtype, device, requires_grad,
                   default=_dtypes.scalar_dtype(fill_value))


@factory_with_out("eye")
def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, layout=None):
    """The n x m identity matrix (m defaults to n)."""
    m = n if m is None else m
    if n < 0 or m < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {min(n, m)}")
    dt, be = _dt(dtype), backend_for(device)
    return _finish(be.xp.eye(n, m, dtype=dt.np), dt, be, requires_grad)


@factory_with_out("arange")
def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, layout=None):
    """Values start, start+step, ... below end; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    floating = any(isinstance(v, float) for v in vals)
    dt = _dt(dtype, None if floating else _dtypes.int64)
    be = backend_for(device)
    n = max(0, math.ceil((end - start) / step))
    if dt.category >= 2:
        arr = _float_range(float(start), float(step), n, dt.np)
    else:
        n, start, step = _int_range(start, end, step, n, dt)
        arr = start + np.arange(n, dtype=np.int64) * step
    return _finish(be.from_host(arr.astype(dt.np)), dt, be, requires_grad)


def _int_range(start, end, step, n, dt):
    """An integer dtype's (length, start, step): torch truncates the bounds and step to integers; int64 also
    counts with them (other dtypes keep the length computed from the originals)."""
    start, end, step = int(start), int(end), int(step)
    if dt is _dtypes.int64:
        if step == 0:  # a nonzero step that truncates to 0 (torch's type for this one differs)
            raise ValueError("step must be nonzero")
        span = end - start + step - (step > 0) + (step < 0)
        n = max(0, abs(span) // abs(step) * (1 if (span < 0) == (step < 0) else -1))  # C's truncating division
    return n, start, step


def _float_range(start, step, n, np_dtype):
    """torch's CPU arange kernel (one thread's chunk). Each pair of Vectorized<T> starts at start + step * idx,
    computed in the accumulate type (double; float for float16) and rounded to the dtype; its lanes add
    j * step to that start. The elements after the last whole pair are start + step * i. The AVX2/AVX512
    builds fuse each `a + b * c` into one fma."""
    acc, fused = (np.float32, fma32) if np.dtype(np_dtype).itemsize == 2 else (np.float64, fma64)
    fma = fused if capability.fuses_multiply_add() else (lambda a, b, c: a * b + c)
    i = np.arange(n, dtype=acc)
    start, step = np.full(n, start, acc), np.full(n, step, acc)
    lanes = capability.vector_bytes() // np.dtype(np_dtype).itemsize
    first = i - i % lanes
    vector_start = fma(step, first, start).astype(np_dtype).astype(acc)
    vectorised = fma(i - first, step, vector_start)
    serial = fma(step, i, start)
    return np.where(i < n - n % (2 * lanes), vectorised, serial).astype(np_dtype)


@factory_with_out("linspace")
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, layout=None):
    """steps evenly spaced values from start to end, computed from both ends as torch does."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt, be = _dt(dtype), backend_for(device)
    i = np.arange(steps, dtype=np.float64)
    if steps == 1:
        arr = np.array([start], np.float64)
    else:
        step = (end - start) / (steps - 1)
        half = steps // 2
        arr = np.where(i < half, start + step * i, end - step * (steps - i - 1))
    return _finish(be.from_host(arr.astype(dt.np)), dt, be, requires_grad)


# ---- *_like: torch allocates these like empty_like, which keeps the input's layout ------------------------------
def _like_layout(t, dtype, device):
    """dtype, backend, shape and empty_like's element strides (memory_format=preserve): a dense input's
    own strides, else dense ones that keep its dims' order."""
    dt, be = _dt(dtype, t.dtype), backend_for(device or t.device)
    return dt, be, t._a.shape, like_strides(t._a.shape, t.stride())


def _filled_like(t, value, dtype, device, requires_grad):
    dt, be, shape, strides = _like_layout(t, dtype, device)
    arr = empty_laid_out(be, shape, strides, dt.np)
    if value is not None:
        arr.fill(value)
    return _finish(arr, dt, be, requires_grad, wrap_copy)  # even an empty input's all-zero strides stay


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, layout=None, memory_format=None):
    return _filled_like(input, 0, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, layout=None, memory_format=None):
    return _filled_like(input, 1, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, layout=None, memory_format=None):
    return _filled_like(input, None, dtype, device, requires_grad)


@quiet
def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None, memory_format=None):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _filled_like(input, fill_value, dtype, device, requires_grad)


# ---- new_* methods: same dtype and device as self unless given ---------------------------------------------
def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    # its own op name: only torch.zeros has the "zeros: Dimension size must be non-negative." check
    return _filled("new_zeros", size, 0, dtype or self.dtype, device or self.device, requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    return ones(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    return empty(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                requires_grad=requires_grad)


# ---- legacy constructors ---------------------------------------------------------------------------------------


