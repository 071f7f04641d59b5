"""Tensors from data: `tensor(data)` (nested lists, numbers, arrays; dtype inferred as torch infers it),
`as_tensor`, `from_numpy` (shares the array's memory), pickling, and the legacy constructors
(Tensor(2, 3), FloatTensor([[1, 2]])). The factories they share checks with are in reference/_creation.py.
"""

import numpy as np

from . import _dtypes
from ._creation import _dt, _finish, _shape
from ._device import backend_for
from ._dtypes import FROM_NUMPY
from ._fp import quiet
from ._storage import Storage
from ._tensor import Size, Tensor, _new
from ._warn import warn
from .ops.shape import AliasBackward0
from .ops.view_making import make_view

_warned_readonly = [False]


_FROM_NUMPY_TYPES = ("float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, "
                     "uint16, uint8, and bool")


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
        warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
             "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).")
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
        warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
             "This means writing to this tensor will result in undefined behavior. You may want to copy the "
             "array to protect its data or make it writable before converting it to a tensor. This type of "
             "warning will be suppressed for the rest of this program.")
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
