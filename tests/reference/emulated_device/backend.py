"""--impl for the device-discipline run: the reference with its CPU backend swapped for the strict
CuPy stand-in, so every op runs through the device code path while torch (the oracle) stays on the CPU.

    python -m pytest conformance --impl=tests/reference/emulated_device/backend.py \\
        --skips-file=tests/reference/emulated_device/skips.txt
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import strict_cupy  # noqa: E402

import reference  # noqa: E402
from reference import _device  # noqa: E402
from reference._storage import Storage  # noqa: E402


class _EmulatedDevice(_device._CupyBackend):
    """The CuPy backend over the stand-in, reporting 'cpu' so torch on the CPU can judge it."""

    is_host = True  # numpy() gives the stand-in's host memory (see _numpy_host), so the kit can read it

    def __init__(self):
        super().__init__(strict_cupy, 0)
        self.device = _device.device("cpu")


_device.CPU = _EmulatedDevice()  # backend_for() hands this out for every CPU tensor from now on
_numpy = reference.Tensor.numpy


def _numpy_host(self, *, force=False):
    """numpy() with the same refusals, giving the NumPy array the stand-in keeps its memory in (a view, not a
    copy): how the kit reads the emulated device back, and how its aliasing checks see which tensors share
    memory on the device path (a copy would share nothing, so every view would look like a copy)."""
    out = _numpy(self, force=force)
    return out._a if isinstance(out, strict_cupy.ndarray) else out


reference.Tensor.numpy = _numpy_host
_from_numpy = reference.from_numpy


def _from_numpy_shared(ndarray):
    """from_numpy on the stand-in: the tensor keeps sharing the array's memory, now as a stand-in array (the
    stand-in's memory is host memory), so it mixes with other tensors of the emulated device."""
    t = _from_numpy(ndarray)
    t._st = Storage(strict_cupy.ndarray._of(t._st.base), _device.CPU)
    t._a = strict_cupy.ndarray._of(t._a)
    return t


reference.from_numpy = _from_numpy_shared
globals().update({name: getattr(reference, name) for name in dir(reference) if not name.startswith("__")})
__version__ = reference.__version__
