"""Shared plumbing for ops: operand checks, dtype resolution, overlap rules and result layout."""
import math

import numpy as np

from .. import _dtypes
from .._device import CPU, backend_of
from .._dtypes import scalar_dtype
from .._layout import OVERLAPPING_WRITE, copy_like, elementwise_strides, empty_laid_out
from .._tensor import Tensor, wrap

NUMBERS = (bool, int, float, complex)


def device_mismatch(a, b):
    return RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                        f"{a.device} and {b.device}!")


def as_number(value):
    """A Python number from a Python/NumPy scalar, or None when `value` is no number."""
    if value.__class__ in NUMBERS:
        return value
    if isinstance(value, (np.generic,)) and value.ndim == 0 and value.dtype.kind in "biufc":
        return value.item()
    if isinstance(value, NUMBERS):  # subclasses such as IntEnum
        return value
    return None


def no_division_kernel(kernel, dt):
    """torch has no floor/trunc division or remainder kernel for bool and complex dtypes."""
    if dt is _dtypes.bool_ or dt.is_complex:
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for '{dt.c10_name}'")


def wrapped_number(a, b):
    """torch.add(2, 3): with two numbers, torch makes the first a 0-dim CPU tensor of the number's own dtype
    (int64, the default float, ...), which then meets the second as a scalar. Anything else is returned as is."""
    if isinstance(a, Tensor) or isinstance(b, Tensor) or as_number(b) is None:
        return a
    n = as_number(a)
    return a if n is None else number_tensor(n)


def number_tensor(n):
    """A Python number as the 0-dim CPU tensor torch makes of it: of the number's own dtype (int64, the default
    float, ...)."""
    dt = scalar_dtype(n)
    return wrap(np.array(n, dtype=dt.np), dt, CPU)


def has_internal_overlap(a):
    """Several elements at one address, as in an expand()ed tensor (torch's MemOverlap::Yes: a stride-0 dim)."""
    return not a.flags.c_contiguous and any(n > 1 and s == 0 for n, s in zip(a.shape, a.strides))


def refuse_overlap(a):
    """torch's in-place kernels (fill_ and zero_ aside) refuse a receiver with internal overlap; they check
    before writing anything."""
    if has_internal_overlap(a):
        raise RuntimeError(OVERLAPPING_WRITE)


def refuse_partial_overlap(t, out, full=False):
    """torch's assert_no_partial_overlap: an input may be the written-to tensor itself (the same bytes in the
    same order) but may not share only some of its bytes with it, nor the same bytes in another order
    (x.mul_(x.t())). Checked for dense tensors, as torch's get_overlap_status, whose Full needs the same
    start, end and strides. With `full`, torch's assert_no_overlap: not even the same bytes. Like torch, it
    compares tensors of one storage only (is_alias_of): two from_numpy views of one array are never refused."""
    a, b = t._a, out._a
    if t._st.be is not out._st.be or not a.size or not b.size or not (_dense(a) and _dense(b)) \
            or not t._st.same_block(out._st):
        return
    be = t._st.be
    a0, b0 = be.address(a), be.address(b)
    a1, b1 = a0 + a.nbytes, b0 + b.nbytes
    same = (a0, a1) == (b0, b1) and _element_strides(a) == _element_strides(b)
    if (full or not same) and a0 < b1 and b0 < a1:
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                           "refer to a single memory location. Please clone() the tensor before performing the "
                           "operation.")


def _element_strides(a):
    return tuple(s // a.itemsize for s in a.strides)


def _dense(a):
    """Non-overlapping and dense: the elements fill their extent exactly (in any axis order)."""
    if has_internal_overlap(a):
        return False
    extent = 1 + sum((n - 1) * abs(s) for n, s in zip(a.shape, a.strides)) // a.itemsize
    return extent == a.size


_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
            "float16": "c10::Half", "float32": "float"}


def checked_scalar(n, dt, floats=False):
    """A Python number as torch converts it to dtype dt (x[i] = n, clamp's bounds): an int past int64 fails
    to unpack, and a value an integer dtype cannot hold overflows (an unsigned dtype takes integers down
    to -max, wrapping them). Returns the number to use."""
    if isinstance(n, int) and not -2 ** 63 <= n < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    if floats and dt.np.kind == "f" and dt.np.itemsize < 8 and not isinstance(n, complex) and math.isfinite(n) \
            and abs(n) > float(np.finfo(dt.np).max):  # clamp's Scalar conversion checks floats too (x[i] = n does not)
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
    if dt.np.kind not in "iu" or isinstance(n, complex):
        return n
    info = np.iinfo(dt.np)
    if isinstance(n, float):
        bad = not (info.min <= n <= info.max)  # NaN fails every comparison
    else:
        bad = not ((-info.max if dt.np.kind == "u" else info.min) <= n <= info.max)
    if bad:
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
    return n % (info.max + 1) if dt.np.kind == "u" and isinstance(n, int) and n < 0 else n


def check_cast(dt, out_dt):
    if dt is not out_dt and not _dtypes.can_cast(dt, out_dt):
        raise RuntimeError(f"result type {dt.c10_name} can't be cast to the desired output type {out_dt.c10_name}")


def check_out_shape(out_shape, *shapes):
    """An in-place op may broadcast its other operand, never its receiver."""
    try:
        full = np.broadcast_shapes(out_shape, *shapes)
    except ValueError:
        raise broadcast_error(out_shape, *shapes) from None
    if full != tuple(out_shape):
        raise RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast shape {list(full)}")


def broadcast_shapes(*shapes):
    """The shape operands broadcast to, folded left to right as TensorIterator does, which names the first pair
    that fails: the shape so far (tensor a) and the next operand's (tensor b)."""
    full = shapes[0]
    for shape in shapes[1:]:
        try:
            full = np.broadcast_shapes(full, shape)
        except ValueError:
            raise broadcast_error(full, shape) from None
    return full


def broadcast_error(sa, sb, *rest):
    """torch's text for shapes that do not broadcast, naming the first bad dimension from the right."""
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                                f"at non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast together")


def has_zero(y):
    """Is any element of an array (NumPy or CuPy) or a number zero?"""
    return bool((y == 0).any()) if hasattr(y, "any") else y == 0


def ensure_tensor(x, like, op="op"):
    """Tensor from a tensor or a Python number (on like's device, with torch's scalar dtype)."""
    if isinstance(x, Tensor):
        return x
    s = as_number(x)
    if s is None:
        raise TypeError(f"{op}(): expected Tensor or Number, got {type(x).__name__}")
    dt = scalar_dtype(s)
    be = like._st.be
    return wrap(be.xp.asarray(s, dtype=dt.np), dt, be)


# ---- output layout of elementwise ops ------------------------------------------------------------------
def geometry(a):
    """(shape, element strides) of an operand as TensorIterator sees it; a Python number is 0-dim."""
    if not hasattr(a, "strides"):
        return (), ()
    return a.shape, tuple(s // a.itemsize for s in a.strides)


def torch_layout(r, be, operands):
    """r, a fresh NumPy/CuPy result, in the layout torch's TensorIterator allocates for an op over
    `operands` ((shape, element strides) each, see geometry): _layout.elementwise_strides decides it.

    NumPy's 'K' order agrees with it whenever the inputs are contiguous; with transposed, broadcast or
    size-1-dim inputs, and for every empty result (NumPy gives those zero strides), it does not."""
    want = tuple(s * r.itemsize for s in elementwise_strides(r.shape, operands))
    if r.strides == want:
        return r
    if not r.size:  # nothing to copy: only the strides change
        return be.xp.lib.stride_tricks.as_strided(r, r.shape, want)
    out = empty_laid_out(be, r.shape, [s // r.itemsize for s in want], r.dtype)
    out[...] = r
    return out


def formula_of(r, g, a):
    """r = g `op` f(a) for an elementwise f (sin's g * cos(a)), laid out as torch lays it out: over g and f(a)."""
    if fast_setup(r, g, a):
        return r
    return laid_over(r, (geometry(g), unary_geometry(a)))


def unary_formula(r, g):
    """r = f(g) for an elementwise f (-g), laid out as torch lays out a unary op's result."""
    if fast_setup(r, g, 0):
        return r
    return laid_over(r, (geometry(g),))


def unary_geometry(a):
    """(shape, element strides) of f(a) for an elementwise f, as torch lays it out: TensorIterator's fast setup
    makes it contiguous wherever a is contiguous up to its size-1 dims (whatever their strides), and gives it a's
    own strides wherever a is dense."""
    return a.shape, elementwise_strides(a.shape, (geometry(a),))


def laid_over(r, operands):
    """r, a backward formula's result, laid out as TensorIterator lays out an op over `operands`, (shape, element
    strides) each, in the op's order."""
    return torch_layout(r, backend_of(r), operands)


def product(g, v):
    """g * v, as a backward formula lays it out (see iterator_layout)."""
    return iterator_layout(g * v, g, v)


def iterator_layout(r, x, y, be=None):
    """NumPy's result r of an elementwise op on x and y (y may be a number), with torch's strides (see torch_layout).
    A backward formula's result too: it shows where a leaf takes the grad over as its .grad (AccumulateGrad), strides
    of size-1 dims included, and NumPy's own layout differs when an operand is transposed, such as the saved input of
    x.t() * x.t(). `be`: r's backend, found from r when not given."""
    if fast_setup(r, x, y):
        return r
    return torch_layout(r, be or backend_of(r), (geometry(x), geometry(y)))


def fast_setup(r, x, y):
    """TensorIterator's fast setup, where NumPy's C order is torch's: the hot path skips the stride rule."""
    return r.size and 1 not in r.shape and _plain(x, r.shape) and _plain(y, r.shape)


def _plain(v, shape):
    """A Python number, or a C-contiguous array of the result's shape: when every operand is one (and no dim
    has size 1, whose strides torch sets by its own rule), torch's result is C-contiguous, as NumPy's is."""
    return not hasattr(v, "strides") or (v.shape == shape and v.flags.c_contiguous)


def inverse_permutation(perm):
    """The axes that undo `perm`, as Python ints (CuPy's transpose takes no host array)."""
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return tuple(inverse)


def cast_operand(t, dt):
    """t's array in dtype dt. On the CPU, TensorIterator replaces an input that promotion casts by t.to(dt), a copy
    laid out as empty_like(t) is (copy_like), and lays the result out by that copy; CUDA kernels cast as they read."""
    if t.dtype is dt:
        return t._a
    be = t._st.be
    arr = t._a.astype(dt.np)
    return copy_like(arr, t._a, be) if be.is_host else arr
