"""Making tensors: factories (zeros, ones, eye, arange ...), `tensor` from data, `from_numpy`, the legacy
constructors (Tensor(2, 3), FloatTensor([[1, 2]])) and the *_like / new_* variants. The random ones
(rand, randn, randint, randperm, *_like, uniform_, normal_) are in reference/_random.py.

Every factory takes dtype=, device= and requires_grad= and ends in `_finish`, which checks them once.
"""
import math
import warnings

import numpy as np

from . import _dtypes
from ._device import backend_for
from ._dtypes import FROM_NUMPY
from ._fp import quiet
from ._layout import empty_laid_out, like_strides
from ._storage import Storage
from ._tensor import Size, Tensor, _new, check_grad_dtype, wrap
from .ops.convert import wrap_copy
from .ops.out import factory_with_out
from .ops.shape import AliasBackward0, make_view, size_args
from .rng import capability
from .rng.fma import fma32, fma64

_FROM_NUMPY_TYPES = ("float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, "
                     "uint16, uint8, and bool")


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


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


# ---- tensor(data) --------------------------------------------------------------------------------------------
def _scan(obj, depth, shape, found):
    """Walk nested sequences: fix the shape level by level and collect the scalar kinds seen."""
    if isinstance(obj, Tensor):
        if obj._a.size != 1 or obj._a.ndim:
            if obj._a.ndim == 0 or obj._a.size == 1:
                pass
            else:
                raise ValueError("only one element tensors can be converted to Python scalars")
        found.add(obj.dtype)
        obj = None
    elif isinstance(obj, np.ndarray):
        _scan(obj.tolist(), depth, shape, found) if obj.ndim else found.add(FROM_NUMPY[obj.dtype])
        return
    elif isinstance(obj, (list, tuple)):
        n = len(obj)
        if depth == len(shape):
            shape.append(n)
        elif depth > len(shape) or shape[depth] != n:
            raise ValueError(f"expected sequence of length {shape[depth] if depth < len(shape) else 0} at dim "
                             f"{depth} (got {n})")
        for x in obj:
            _scan(x, depth + 1, shape, found)
        return
    if isinstance(obj, np.generic) and obj.dtype in FROM_NUMPY and not isinstance(obj, np.bool_):
        found.add(FROM_NUMPY[obj.dtype])  # a NumPy scalar brings its own dtype, like a 0-dim tensor
        obj = None
    if obj is not None:
        if isinstance(obj, (bool, np.bool_)):
            found.add(bool)
        elif isinstance(obj, (int, np.integer)):
            found.add(int)
        elif isinstance(obj, (float, np.floating)):
            found.add(float)
        elif isinstance(obj, (complex, np.complexfloating)):
            found.add(complex)
        else:
            raise TypeError(f"new(): invalid data type '{type(obj).__name__}'")
    found.add(("depth", depth))


def _plain(obj):
    if isinstance(obj, Tensor):
        return obj.item()
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    return obj


def _infer_dtype(found):
    kinds = {k for k in found if not isinstance(k, tuple)}
    tensor_dts = [k for k in kinds if isinstance(k, _dtypes.dtype)]
    if complex in kinds or any(d.is_complex for d in tensor_dts):
        return _dtypes.default_complex()
    if float in kinds:
        return _dtypes.get_default_dtype()
    if tensor_dts:
        d = tensor_dts[0]
        for e in tensor_dts[1:]:
            d = _dtypes.promote_types(d, e)
        if int in kinds and d is _dtypes.bool_:
            return _dtypes.int64
        return d
    if int in kinds:
        return _dtypes.int64
    if bool in kinds:
        return _dtypes.bool_
    return _dtypes.get_default_dtype()


def _depth_check(found, shape):
    depths = {k[1] for k in found if isinstance(k, tuple)}
    if len(depths) > 1:
        raise TypeError("not a sequence")


@quiet
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor copied from data: a number, nested lists/tuples, a NumPy array or a tensor."""
    be = backend_for(device if device is not None else (data.device if isinstance(data, Tensor) else None))
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        dt = _dt(dtype, data.dtype)
        arr = be.from_host(data._st.be.to_host(data._a)).astype(dt.np, copy=True)
        return _finish(arr, dt, be, requires_grad)
    if isinstance(data, np.ndarray):
        if data.dtype not in FROM_NUMPY:
            raise TypeError(f"can't convert np.ndarray of type {data.dtype.type.__module__}."
                            f"{data.dtype.type.__name__}. The only supported types are: {_FROM_NUMPY_TYPES}.")
        dt = _dt(dtype, FROM_NUMPY[data.dtype])
        return _finish(be.from_host(np.array(data, dtype=dt.np, copy=True)), dt, be, requires_grad)
    if data is None:
        raise RuntimeError("Could not infer dtype of NoneType")
    if isinstance(data, (str, bytes, dict, set)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    shape, found = [], set()
    _scan(data, 0, shape, found)
    _depth_check(found, shape)
    dt = _dt(dtype, _infer_dtype(found))
    values = _plain(data)
    _check_range(values, dt)
    if dt.category < _dtypes.FLOAT and not isinstance(values, (bool, int)):
        arr = np.array(values, dtype=np.float64 if not (complex in found) else np.complex128)
        arr = arr.astype(dt.np) if complex not in found else arr.real.astype(dt.np)
    elif dt.np.kind == "u":  # negative Python ints wrap into an unsigned dtype (see _check_range)
        arr = np.array(values, dtype=np.int64).astype(dt.np)
    else:
        arr = np.array(values, dtype=dt.np)
    if arr.shape != tuple(shape):
        arr = arr.reshape(shape)
    return _finish(be.from_host(arr), dt, be, requires_grad)


def _check_range(values, dt):
    """torch refuses Python numbers that do not fit an integer dtype, except that an unsigned dtype takes
    negatives down to -max, wrapping them as two's complement (so `a - b` can be `a + 255 * b` in uint8)."""
    if dt.category != _dtypes.INT:
        return
    info = np.iinfo(dt.np)
    arr = np.asarray(values, dtype=object if isinstance(values, int) else None)
    lowest = -info.max if dt.np.kind == "u" and arr.dtype.kind in "iuO" else info.min
    if arr.size and arr.dtype.kind in "iufO" and (arr.min() < lowest or arr.max() > info.max):
        raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")


def reduce_tensor(self, proto):
    """Tensor.__reduce_ex__: pickle a tensor as its values, dtype, device and (for a leaf) requires_grad."""
    return (rebuild, (self._host().copy(), self.dtype.name, str(self.device), self._rg and self.grad_fn is None))


def rebuild(values, dtype_name, device, requires_grad):
    """Unpickling: a tensor of `values` with the given dtype and device."""
    dt = _dtypes._by_name(dtype_name)
    be = backend_for(device)
    return _finish(be.from_host(np.array(values, dtype=dt.np)), dt, be, requires_grad)


@quiet
def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a tensor or NumPy array when no conversion is needed."""
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device) if (dtype or device) else data
    if isinstance(data, np.ndarray) and (dtype is None or _dtypes.as_dtype(dtype).np == data.dtype) \
            and backend_for(device).is_host and data.dtype in FROM_NUMPY and all(s >= 0 for s in data.strides):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


_warned_readonly = [False]


def from_numpy(ndarray):
    """A tensor sharing memory with a NumPy array (writes show in both)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if ndarray.dtype not in FROM_NUMPY:
        raise TypeError(f"can't convert np.ndarray of type {ndarray.dtype.type.__module__}."
                        f"{ndarray.dtype.type.__name__}. The only supported types are: {_FROM_NUMPY_TYPES}.")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a copy "
                         "of your array  with array.copy().) ")
    if any(s % ndarray.itemsize for s in ndarray.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy array "
                         "to reallocate the memory.")
    if not ndarray.flags.writeable and not _warned_readonly[0]:
        _warned_readonly[0] = True  # torch warns once per process
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
                      "This means writing to this tensor will result in undefined behavior. You may want to copy the "
                      "array to protect its data or make it writable before converting it to a tensor. This type of "
                      "warning will be suppressed for the rest of this program.", UserWarning, stacklevel=2)
    if ndarray.dtype.byteorder not in "=|":
        raise TypeError("given numpy array has byte order different from the native byte order. Conversion between "
                        "byte orders is currently not supported.")
    be = backend_for("cpu")
    t = _new(Tensor)
    t._a = ndarray.view()
    t._st = Storage(ndarray, be)
    t.dtype = FROM_NUMPY[ndarray.dtype]
    t._rg = False
    t._fn = None
    return t


# ---- legacy constructors ---------------------------------------------------------------------------------------


@quiet
def legacy_new(cls, dt, *args, device=None, dtype=None):
    """Tensor(2, 3) / FloatTensor(2, 3): uninitialised; (Size); ([...]) data; (tensor) an alias."""
    if dtype is not None:
        raise TypeError("new() received an invalid combination of arguments - got (dtype=...)")
    be = backend_for(device)
    if not args:
        return _finish(be.xp.empty((0,), dt.np), dt, be, False)
    if len(args) == 1:
        a = args[0]
        if isinstance(a, Tensor):
            if cls is not Tensor and a.dtype is not dt:
                raise TypeError(f"expected TensorOptions(dtype={_dtypes.CPP_NAMES.get(dt.name, dt.name)}, device=cpu, "
                                f"layout=Strided, requires_grad=false (default), pinned_memory=false (default), "
                                f"memory_format=(nullopt)) (got TensorOptions(dtype="
                                f"{_dtypes.CPP_NAMES.get(a.dtype.name, a.dtype.name)}, device=cpu, layout=Strided, "
                                f"requires_grad=false (default), pinned_memory=false (default), "
                                f"memory_format=(nullopt)))")
            return make_view(a, a._a.view(), AliasBackward0(a._a.shape))  # torch: an alias, a view
        if isinstance(a, Size):
            return _finish(be.xp.empty(tuple(a), dt.np), dt, be, False)
        if isinstance(a, (list, tuple, np.ndarray)):
            return tensor(a, dtype=dt, device=device)
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        shape = _shape(args, "new")
        return _finish(be.xp.empty(shape, dt.np), dt, be, False)
    raise TypeError(f"new(): invalid data type '{type(args[0]).__name__}'")


class _LegacyTensorType(type):
    """torch.FloatTensor & co.: constructors, and isinstance() checks a tensor's dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.is_cpu

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(dt):
    def __new__(cls, *args, **kwargs):
        return legacy_new(cls, dt, *args, **kwargs)
    return _LegacyTensorType(dt.legacy_name, (), {"__new__": __new__, "dtype": dt, "_dtype": dt,
                                                   "__module__": __name__, "__doc__": f"Legacy {dt!r} constructor."})


LEGACY_TYPES = {dt.legacy_name: _legacy_type(dt) for dt in _dtypes.ALL}
