"""The C math library torch calls, reached from NumPy.

torch's scalar kernels call glibc's log/log1p/cos/sin (double) and logf/cosf/sinf
(float). Python's `math` uses the same libm, so it is the ground truth. NumPy's
float64 ufuncs agree with it on x86-64 glibc builds, but NumPy may ship its own SIMD
versions elsewhere, so each ufunc is checked against `math` once and replaced by a
per-element `math` loop if it ever disagrees.
"""
import ctypes
import ctypes.util
import math

import numpy as np

_checked = {}


def _per_element(fn):
    ufunc = np.frompyfunc(fn, 1, 1)
    return lambda x: ufunc(x).astype(np.float64)


def _trusted(name, np_fn, math_fn):
    if name not in _checked:
        sample = _probe(name)
        agrees = np.array_equal(np_fn(sample), np.array([math_fn(v) for v in sample.tolist()]))
        _checked[name] = np_fn if agrees else _per_element(math_fn)
    return _checked[name]


def _probe(kind):
    # Deterministic probe arguments spanning the ranges the kernels use.
    u = (np.arange(1, 4097, dtype=np.float64) * 0.7548776662466927) % 1.0
    u = np.concatenate([u, u * 2.0 ** -20, [0.0, 0.5, 2.0 ** -53]])
    if kind == "log":
        return 1.0 - u * (1 - 2.0 ** -53)
    if kind == "log1p":
        return -u
    return 2 * math.pi * u


def log(x):
    return _trusted("log", np.log, math.log)(x)


def log1p(x):
    return _trusted("log1p", np.log1p, math.log1p)(x)


def cos(x):
    return _trusted("cos", np.cos, math.cos)(x)


def sin(x):
    return _trusted("sin", np.sin, math.sin)(x)


# float32 libm entry points: NumPy's float32 ufuncs are its own SIMD code, not glibc's.
_libm = None


def _c_float_fn(name):
    global _libm
    if _libm is None:
        _libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    fn = getattr(_libm, name)
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return fn


def _map_f32(name, x):
    fn = _c_float_fn(name)
    x = np.asarray(x, dtype=np.float32)
    return np.fromiter(map(fn, x.tolist()), dtype=np.float32, count=x.size)


def logf(x):
    return _map_f32("logf", x)


def cosf(x):
    return _map_f32("cosf", x)


def sinf(x):
    return _map_f32("sinf", x)
