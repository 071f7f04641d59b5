"""reference.cuda: is the GPU path usable here? (CuPy is imported on first use, never at `import reference`.)"""
from ._device import backend_for, cuda_module

__all__ = ["is_available", "device_count", "current_device", "synchronize"]


def is_available():
    """True when CuPy imports and sees at least one GPU."""
    return cuda_module() is not None


def device_count():
    cupy = cuda_module()
    return 0 if cupy is None else cupy.cuda.runtime.getDeviceCount()


def current_device():
    backend_for("cuda")  # raises the no-CUDA RuntimeError when unavailable
    return cuda_module().cuda.runtime.getDevice()


def synchronize(device=None):
    be = backend_for("cuda" if device is None else device)
    be.xp.cuda.runtime.deviceSynchronize()
