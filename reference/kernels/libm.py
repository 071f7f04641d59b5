"""The C library's pow and powf: what torch's scalar CPU kernels call for std::pow (the p-norms' terms and root).

NumPy's power calls them too, except where it has SIMD routines of its own: on a CPU with AVX512 it uses those
(SVML), which round differently (about one float64 power in twenty, more in float32). So the norms call the C
library itself, through ctypes, one element at a time (about half a microsecond each); only norms of a p other
than 0, 1, 2 and +-inf raise anything to a power.
"""
import ctypes
import ctypes.util

import numpy as np

__all__ = ["power"]


def _load():
    """{float32: powf, float64: pow} from the C math library, or {} where there is none to load."""
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("m"))
    except OSError:
        return {}
    functions = {}
    for dtype, name, c_type in ((np.float32, "powf", ctypes.c_float), (np.float64, "pow", ctypes.c_double)):
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.argtypes, fn.restype = (c_type, c_type), c_type
            functions[np.dtype(dtype)] = fn
    return functions


_POW = _load()


def power(x, y):
    """std::pow(x, y) for every element of a float32/float64 array x and one exponent y (a number)."""
    fn = _POW.get(x.dtype)
    if fn is None:  # no C library to call: NumPy's power with an array exponent (which takes no shortcuts)
        with np.errstate(all="ignore"):  # overflow to inf and 0 ** -p are torch's results, without a warning
            return np.power(x, np.full(x.shape, y, x.dtype))
    y = float(y)
    return np.array([fn(v, y) for v in x.ravel().tolist()], dtype=x.dtype).reshape(x.shape)
