"""Devices and the array module behind each one.

A tensor's memory lives in a NumPy array on 'cpu' or a CuPy array on 'cuda'. The choice is made once,
when its storage is created (`backend_for`); op code then calls array methods and never asks which
device it runs on. CuPy is imported only when a CUDA device is first asked for.
"""
import sys

import numpy as np

from ._cuda_kernels import BinaryKernels

__all__ = ["device", "backend_for", "backend_of", "canonical"]

_TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, "
          "mps, meta, hpu, mtia, privateuseone")


class device:
    """torch.device: device('cpu'), device('cuda:0'), device('cuda', 1)."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            if index is not None:
                raise RuntimeError("device(): when passing a device object, do not pass an index")
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):  # torch.device(0) means cuda:0
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type.__class__.__name__})")
        text = type
        if ":" in text:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {text}")
            text, _, idx = text.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if text not in ("cpu", "cuda", "meta", "mps", "xpu", "hip", "ipu", "xla", "lazy", "vulkan", "hpu",
                        "mtia", "privateuseone", "mkldnn", "opengl", "opencl", "ideep", "ve", "fpga", "maia"):
            raise RuntimeError(f"Expected one of {_TYPES} device type at start of device string: {type}")
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"Device index must not be negative")
        self.type, self.index = text, index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


class _NumpyBackend:
    """Host memory: NumPy arrays."""

    xp = np
    is_host = True

    def __init__(self):
        self.device = device("cpu")

    @staticmethod
    def strided(flat, shape, strides, offset):
        # A strided window on a 1-D buffer, in elements; ndarray() is the cheap way to get exact strides.
        item = flat.itemsize
        return np.ndarray(shape, flat.dtype, buffer=flat, offset=offset * item,
                          strides=tuple(s * item for s in strides))

    @staticmethod
    def address(arr):
        return arr.__array_interface__["data"][0]

    @staticmethod
    def to_host(arr):
        return arr

    @staticmethod
    def from_host(arr):
        return arr

    @staticmethod
    def binary(ufunc, x, y):
        """ufunc(x, y) for the binary arithmetic ops (the CuPy backend may use a faster kernel)."""
        return ufunc(x, y)


class _CupyBackend:
    """GPU memory: CuPy arrays on one device index."""

    is_host = False

    def __init__(self, cupy, index):
        self.xp = cupy
        self.index = index
        self.device = device("cuda", index)
        self.binary = BinaryKernels(cupy)

    def strided(self, flat, shape, strides, offset):
        item = flat.itemsize
        return self.xp.ndarray(shape, flat.dtype, memptr=flat.data + offset * item,
                               strides=tuple(s * item for s in strides))

    @staticmethod
    def address(arr):
        return arr.data.ptr

    @staticmethod
    def to_host(arr):
        return arr.get()

    def from_host(self, arr):
        with self.xp.cuda.Device(self.index):
            return self.xp.asarray(arr)


CPU = _NumpyBackend()
_cuda_backends = {}


def cuda_module():
    """CuPy if it imports and sees a GPU, else None (never raises)."""
    try:
        import cupy  # the optional GPU dependency: imported only when a device is asked for
        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:  # no CuPy, no driver, no GPU: all mean "not available"
        pass
    return None


def _no_cuda():
    # torch's CPU-only build raises AssertionError here; a user-facing error should not be an assert,
    # and torch's CUDA build without a GPU raises RuntimeError, so we raise that.
    return RuntimeError("Torch not compiled with CUDA enabled: the reference needs CuPy and an NVIDIA GPU "
                        "for device 'cuda'")


def backend_for(dev):
    """The backend (array module + helpers) for a device argument: None, str, int or device."""
    if dev is None:
        return CPU
    if not isinstance(dev, device):
        if isinstance(dev, str) and dev == "cpu":
            return CPU
        dev = device(dev)
    if dev.type == "cpu":
        return CPU
    if dev.type != "cuda":
        raise RuntimeError(f"reference supports devices 'cpu' and 'cuda', got '{dev}'")
    index = 0 if dev.index is None else dev.index
    be = _cuda_backends.get(index)
    if be is None:
        cupy = cuda_module()
        if cupy is None:
            raise _no_cuda()
        if index >= cupy.cuda.runtime.getDeviceCount():
            raise RuntimeError(f"CUDA error: invalid device ordinal (device {index} requested)")
        be = _cuda_backends[index] = _CupyBackend(cupy, index)
    return be


def array_module(arr):
    """NumPy, or the module of a device array's type (CuPy), for the calls NumPy does not dispatch (as_strided)."""
    return np if isinstance(arr, (np.ndarray, np.generic)) else sys.modules[type(arr).__module__.partition(".")[0]]


def backend_of(arr):
    """The backend an array already lives on: NumPy arrays and scalars are the CPU's, CuPy's their GPU's (an array of
    the CPU backend's own module is the CPU's: the strict CuPy stand-in of tests/reference/emulated_device)."""
    if isinstance(arr, (np.ndarray, np.generic)) or not hasattr(arr, "device") or array_module(arr) is CPU.xp:
        return CPU
    return backend_for(device("cuda", arr.device.id))


def canonical(dev):
    """The device a tensor reports: 'cuda' becomes cuda:0, as in torch."""
    return backend_for(dev).device
