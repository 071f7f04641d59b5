"""A strict stand-in for CuPy over NumPy: the device-discipline check of the reference, without a GPU.

It refuses what real CuPy refuses: implicit conversion to NumPy (np.asarray(x)), NumPy arrays mixed
into device ops, functions CuPy lacks; and it returns 0-d device arrays where NumPy returns scalars.
It proves nothing about GPU results (scripts/gpu_check.sh does that on a real GPU); it proves that the
reference's op code never calls a host-only NumPy path on a device array, which CI (no GPU) could not
otherwise see. Found this way: a 0-d host array as a ufunc operand, np.split at a host array of
bounds, a host permutation for transpose, host advanced indices, np.delete (absent in CuPy).
"""
import builtins
import numpy as _np

__version__ = "0.0-strict-stand-in"


class _MemPtr:
    def __init__(self, arr, off=0):
        self.arr, self.off = arr, off

    @property
    def ptr(self):
        return self.arr.__array_interface__["data"][0] + self.off

    def __add__(self, n):
        return _MemPtr(self.arr, self.off + int(n))


def _bad(x):
    raise TypeError(f"Unsupported type {type(x)}")


def _un(x, strict=True):
    if isinstance(x, ndarray):
        return x._a
    if isinstance(x, _np.ndarray):
        if strict:
            _bad(x)
        return x
    if isinstance(x, (list, tuple)):
        return type(x)(_un(v, strict) for v in x)
    return x


def _wrap(r):
    if isinstance(r, _np.ndarray):
        return ndarray._of(r)
    if isinstance(r, _np.generic):
        return ndarray._of(_np.asarray(r))
    if isinstance(r, tuple):
        return tuple(_wrap(v) for v in r)
    if isinstance(r, list):
        return [_wrap(v) for v in r]
    return r


class ndarray:
    __slots__ = ("_a",)

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        if memptr is None:
            self._a = _np.empty(shape, dtype, order=order)
        elif memptr.arr.flags.c_contiguous:
            self._a = _np.ndarray(shape, dtype, buffer=memptr.arr, offset=memptr.off, strides=strides)
        else:
            raise TypeError("strict_cupy: an ndarray over a non-contiguous array's memory is not emulated")

    @classmethod
    def _of(cls, a):
        o = object.__new__(cls)
        o._a = a
        return o

    # host transfer
    def get(self, stream=None, order="C", out=None):
        return _np.array(self._a, copy=True, order="K")

    def __array__(self, *a, **k):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a "
                        "NumPy array explicitly.")

    @property
    def data(self):
        return _MemPtr(self._a, 0)  # .ptr is the first element's address, whatever the layout

    @property
    def device(self):
        return cuda.Device(0)

    shape = property(lambda s: s._a.shape)
    strides = property(lambda s: s._a.strides)
    dtype = property(lambda s: s._a.dtype)
    ndim = property(lambda s: s._a.ndim)
    size = property(lambda s: s._a.size)
    itemsize = property(lambda s: s._a.itemsize)
    nbytes = property(lambda s: s._a.nbytes)
    flags = property(lambda s: s._a.flags)
    T = property(lambda s: ndarray._of(s._a.T))
    real = property(lambda s: ndarray._of(s._a.real))
    imag = property(lambda s: ndarray._of(s._a.imag))
    base = property(lambda s: None if s._a.base is None else ndarray._of(s._a.base) if isinstance(s._a.base, _np.ndarray) else None)

    def __getattr__(self, name):
        if name.startswith("__"):  # no __array_interface__ / __array_struct__: NumPy must not see host memory
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)
        if name in ("item", "tolist"):
            return attr

        def method(*args, **kwargs):
            return _wrap(attr(*_un(args), **{k: _un(v) for k, v in kwargs.items()}))
        return method

    def __repr__(self):
        return "strict_cupy." + repr(self._a)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        for i in range(len(self._a)):
            yield ndarray._of(self._a[i:i + 1].reshape(self._a.shape[1:]))

    def __bool__(self):
        return bool(self._a)

    def __int__(self):
        return int(self._a)

    def __float__(self):
        return float(self._a)

    def __complex__(self):
        return complex(self._a)

    def __index__(self):
        return self._a.__index__()

    def __getitem__(self, key):
        return _wrap(self._a[_un(key, strict=False)])

    def __setitem__(self, key, value):
        self._a[_un(key, strict=False)] = _un(value)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        r = getattr(ufunc, method)(*_un(inputs), **{k: _un(v) for k, v in kwargs.items()})
        return _wrap(r)

    def __array_function__(self, func, types, args, kwargs):
        if func.__name__ in _MISSING:
            return NotImplemented
        return _wrap(func(*_un(args), **{k: _un(v) for k, v in kwargs.items()}))


_MISSING = {"delete"}


def _binop(name):
    def op(self, other):
        if isinstance(other, _np.ndarray) and other.ndim:
            _bad(other)
        return _wrap(getattr(self._a, name)(_un(other, strict=False)))
    op.__name__ = name
    return op


for _n in ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv", "rfloordiv", "mod",
           "rmod", "pow", "rpow", "matmul", "rmatmul", "and", "rand", "or", "ror", "xor", "rxor", "lshift",
           "rshift", "eq", "ne", "lt", "le", "gt", "ge", "iadd", "isub", "imul", "itruediv", "ifloordiv",
           "imod", "ipow", "iand", "ior", "ixor"):
    setattr(ndarray, f"__{_n}__", _binop(f"__{_n}__"))
for _n in ("neg", "pos", "abs", "invert"):
    setattr(ndarray, f"__{_n}__", (lambda name: lambda self: _wrap(getattr(self._a, name)()))(f"__{_n}__"))


def _fn(f):
    def g(*args, **kwargs):
        return _wrap(f(*_un(args), **{k: _un(v) for k, v in kwargs.items()}))
    g.__name__ = getattr(f, "__name__", "f")
    return g


def asarray(a, dtype=None, order=None):
    if isinstance(a, ndarray):
        return a if dtype is None else a.astype(dtype, copy=False)
    return ndarray._of(_np.array(_un(a, strict=False), dtype=dtype, copy=True))


def array(a, dtype=None, copy=True, order="K", ndmin=0):
    if isinstance(a, ndarray):
        return ndarray._of(_np.array(a._a, dtype=dtype, copy=True, order=order, ndmin=ndmin))
    return ndarray._of(_np.array(_un(a, strict=False), dtype=dtype, copy=True, order=order, ndmin=ndmin))


def asnumpy(a):
    return a.get() if isinstance(a, ndarray) else _np.asarray(a)


def __getattr__(name):
    if name in _MISSING:
        raise AttributeError(name)
    f = getattr(_np, name)
    if isinstance(f, type) or not callable(f):
        return f
    return _fn(f)


class _StrideTricks:
    @staticmethod
    def as_strided(x, shape=None, strides=None):
        return ndarray._of(_np.lib.stride_tricks.as_strided(_un(x), shape, strides))


class lib:
    stride_tricks = _StrideTricks


class _Runtime:
    @staticmethod
    def getDeviceCount():
        return 1

    @staticmethod
    def getDevice():
        return 0

    @staticmethod
    def deviceSynchronize():
        pass


class cuda:
    runtime = _Runtime

    class Device:
        def __init__(self, i=0):
            self.id = i

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def __eq__(self, o):
            return isinstance(o, cuda.Device) and o.id == self.id

        def synchronize(self):
            pass


# dtypes and constants
from numpy import (bool_, int8, int16, int32, int64, uint8, float16, float32, float64, complex64,  # noqa
                   complex128, inf, nan, pi, newaxis, dtype, result_type, can_cast, iinfo, finfo, ndim)  # noqa
