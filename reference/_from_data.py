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


# ---- tensor(data): torch's three passes over nested sequences (tensor_new.cpp): the sizes, read down the first
# items (compute_sizes); the dtype, promoted over every item (infer_scalar_type); then each item stored, checked
# against the sizes and converted to the dtype (recursive_store). Each pass has its own errors, in that order.
_MAX_DIMS = 64
_SEQUENCES = (list, tuple, range, str, bytes, bytearray, np.ndarray)  # what Python's PySequence_Check accepts here
_SLOW_ARRAYS = ("Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider converting the list "
                "to a single numpy.ndarray with numpy.array() before converting to a tensor.")


def _type_name(obj):
    """A type as CPython's tp_name spells it in torch's messages: `dict`, `numpy.bool`."""
    t = type(obj)
    return t.__name__ if t.__module__ == "builtins" or t.__flags__ & 512 else f"{t.__module__}.{t.__name__}"


def _sizes(data):
    sizes, seq = [], data
    while isinstance(seq, _SEQUENCES):
        if isinstance(seq, np.ndarray) and not seq.ndim:
            raise TypeError("len() of unsized object")
        sizes.append(len(seq))
        if len(sizes) > _MAX_DIMS:
            raise ValueError(f"too many dimensions '{_type_name(seq)}'")
        if not sizes[-1]:
            break
        seq = seq[0]
    return sizes


def _infer(obj):
    """The dtype torch infers for obj: Python numbers by kind, tensors and NumPy values by their dtype,
    sequences by promoting their items'."""
    if isinstance(obj, np.generic) and obj.dtype in FROM_NUMPY:
        return FROM_NUMPY[obj.dtype]  # before float: np.float64 is a float, and keeps its dtype
    if isinstance(obj, float):
        return _dtypes.get_default_dtype()
    if isinstance(obj, bool):
        return _dtypes.bool_
    if isinstance(obj, int):
        return _dtypes.int64
    if isinstance(obj, complex):
        return _dtypes.default_complex()
    if isinstance(obj, Tensor):
        return obj.dtype
    if isinstance(obj, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_type_name(obj)}'")
    if isinstance(obj, np.ndarray):
        return _numpy_dtype(obj)
    if isinstance(obj, _SEQUENCES):
        if not len(obj):
            return _dtypes.get_default_dtype()
        found = None
        for item in obj:
            d = _infer(item)
            found = d if found is None else _dtypes.promote_types(found, d)
            if found is _dtypes.complex128:  # nothing promotes past it
                break
        return found
    raise RuntimeError(f"Could not infer dtype of {_type_name(obj)}")


def _store(obj, sizes, dim, dt, out):
    """Check obj against sizes from dim on and append its items, converted to dt's kind, to out."""
    if dim == len(sizes):
        out.append(_scalar(obj, dt))
        return
    if isinstance(obj, Tensor) or not hasattr(obj, "__iter__"):
        raise TypeError("not a sequence")
    items = list(obj)
    if len(items) != sizes[dim]:
        raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(items)})")
    for item in items:
        _store(item, sizes, dim + 1, dt, out)


def _scalar(obj, dt):
    """One element as torch's store_scalar reads it for dt: an integer or bool dtype takes floats (truncated)
    and whatever has __index__; a floating one whatever has __float__; a complex one whatever has __complex__."""
    if isinstance(obj, Tensor):
        if dt.category >= _dtypes.FLOAT:
            if obj._a.size != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
            return obj.item()
        if obj._a.size != 1 or obj.dtype.category >= _dtypes.FLOAT:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return obj.item()
    if dt.category >= _dtypes.COMPLEX:
        if isinstance(obj, (complex, float, int, np.number, np.bool_)):
            return obj
        raise TypeError(f"must be real number, not {_type_name(obj)}")
    if dt.category >= _dtypes.FLOAT:
        if isinstance(obj, (complex, np.complexfloating)) or not hasattr(obj, "__float__") and \
                not hasattr(obj, "__index__"):
            raise TypeError(f"must be real number, not {_type_name(obj)}")
        return obj
    if isinstance(obj, int) and dt is not _dtypes.bool_ and not -2 ** 63 <= obj < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")  # read as int64 first (a bool takes any int)
    if isinstance(obj, float) or hasattr(obj, "__index__") and not isinstance(obj, np.bool_):
        return obj
    raise TypeError(f"'{_type_name(obj)}' object cannot be interpreted as an integer")


def _numpy_dtype(arr):
    if arr.dtype not in FROM_NUMPY:
        raise TypeError(f"can't convert np.ndarray of type {arr.dtype.type.__module__}."
                        f"{arr.dtype.type.__name__}. The only supported types are: {_FROM_NUMPY_TYPES}.")
    return FROM_NUMPY[arr.dtype]


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
        dt = _dt(dtype, _numpy_dtype(data))
        return _finish(be.from_host(np.array(data, dtype=dt.np, copy=True)), dt, be, requires_grad)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_type_name(data)}'")
    sizes = _sizes(data)
    dt = _dt(dtype, _infer(data) if dtype is None else None)
    if isinstance(data, list) and data and isinstance(data[0], np.ndarray):
        warn(_SLOW_ARRAYS)
    values = []
    if 0 not in sizes:  # no element, nothing stored (nor checked)
        _store(data, sizes, 0, dt, values)
    _check_range(values, dt)
    if dt.category < _dtypes.FLOAT and any(not isinstance(v, (bool, int, np.integer, np.bool_)) for v in values):
        arr = np.array(values, dtype=np.float64).astype(dt.np)  # floats truncate into an integer dtype
    elif dt.np.kind == "u":  # negative Python ints wrap into an unsigned dtype (see _check_range)
        arr = np.array(values, dtype=np.int64).astype(dt.np)
    else:
        arr = np.array(values, dtype=dt.np)
    arr = arr.reshape(sizes)
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
