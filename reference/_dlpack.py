"""DLPack: zero-copy exchange with torch, NumPy and CuPy (`from_dlpack`, and Tensor.__dlpack__).

The conformance kit uses it to compare a GPU result with torch's on the GPU, without a host copy.
"""
from ._device import backend_for
from ._dtypes import FROM_NUMPY
from ._tensor import wrap

__all__ = ["from_dlpack"]

_DL_CPU, _DL_CUDA = 1, 2  # DLDeviceType codes


def from_dlpack(ext):
    """A tensor sharing memory with any DLPack exporter: `torch.from_dlpack(np.ones(3))`."""
    if not hasattr(ext, "__dlpack_device__"):
        raise TypeError(f"from_dlpack(): expected an object with __dlpack__ and __dlpack_device__, "
                        f"got {type(ext).__name__}")
    kind, index = ext.__dlpack_device__()
    if kind not in (_DL_CPU, _DL_CUDA):
        raise RuntimeError(f"from_dlpack(): unsupported DLPack device type {int(kind)}")
    be = backend_for("cpu" if kind == _DL_CPU else f"cuda:{int(index)}")
    arr = be.xp.from_dlpack(ext)
    dt = FROM_NUMPY.get(arr.dtype)
    if dt is None:
        raise TypeError(f"from_dlpack(): unsupported dtype {arr.dtype}")
    return wrap(arr, dt, be)  # the exporter's memory: wrap's storage is a view of it, not a copy
