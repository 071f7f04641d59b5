"""Generator: torch.Generator's CPU behaviour (seed, state bytes, draws) over NumPy."""
import os

import numpy as np

from . import kernels, state
from .mt19937 import MT19937

DEFAULT_SEED = 67280421310721     # torch.Generator()'s seed when none is given
_DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}


def _float_dtype(op, dtype):
    key = getattr(dtype, "__name__", None) or str(dtype)
    key = key.replace("torch.", "")
    if key in ("float", "double"):
        key = {"float": "float32", "double": "float64"}[key]
    if key not in _DTYPES:
        raise TypeError(f"{op}: expected dtype float16, float32 or float64, got {dtype}")
    return _DTYPES[key]


def _count(op, n):
    n = int(n)
    if n < 0:
        raise RuntimeError(f"{op}: number of elements must be non-negative, got {n}")
    return n


def _seed_value(seed):
    seed = int(seed)
    if not -(1 << 63) <= seed < (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


class Generator:
    """A CPU random generator whose streams equal torch's bit for bit.

    >>> g = Generator().manual_seed(0); g.uniform(2, "float32")   # == torch.rand(2)
    """

    def __init__(self, device="cpu"):
        if str(device) != "cpu":
            raise RuntimeError(f"Generator: only the cpu device is supported, got {device}")
        self.device = "cpu"
        self._engine = MT19937(DEFAULT_SEED)
        self._next_double_normal = None
        self._next_float_normal = None     # carried in the state bytes; no CPU op reads it

    # -- seeding and state ---------------------------------------------------------
    def manual_seed(self, seed):
        self._engine.reseed(_seed_value(seed))
        self._next_double_normal = None
        self._next_float_normal = None
        return self

    def initial_seed(self):
        return self._engine.seed

    def seed(self):
        """Seed from the OS entropy pool, like torch; returns the new seed."""
        value = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(value)
        return value

    def get_state(self):
        seed, left, nxt, key = self._engine.data()
        return state.pack(seed, left, nxt, key, self._next_double_normal, self._next_float_normal)

    def set_state(self, new_state):
        fields = state.unpack(new_state)
        self._engine.set_data(fields["seed"], fields["left"], fields["next"], fields["key"])
        self._next_double_normal = fields["double_normal"]
        self._next_float_normal = fields["float_normal"]
        return self

    # -- draws ---------------------------------------------------------------------
    def uniform(self, n, dtype, low=0.0, high=1.0):
        """n values of torch.rand / Tensor.uniform_(low, high) in float32 or float64."""
        n, dt = _count("uniform_", n), _float_dtype("uniform_", dtype)
        low, high = float(low), float(high)
        if not low <= high:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
        return kernels.uniform(self._engine, n, dt, low, high)

    def normal(self, n, dtype, mean=0.0, std=1.0, contiguous=True):
        """n values of torch.randn / Tensor.normal_(mean, std).

        `contiguous` is the target tensor's `is_contiguous()`: 16+ contiguous elements take
        torch's 16-wide path, anything else the per-element one with the cached sample.
        Like every draw here, values come in the order torch's TensorIterator visits the
        tensor: logical order when contiguous, memory order (dims by stride) otherwise,
        e.g. for a transposed tensor or randn_like of one.
        """
        n, dt = _count("normal_", n), _float_dtype("normal_", dtype)
        mean, std = float(mean), float(std)
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        if dt is np.float16:
            # float16 normals are the float32 ones rounded, bit for bit below 16 elements and for multiples of
            # 16; otherwise torch's last 16 values differ (its float16 tail is not reproduced here)
            return self.normal(n, np.float32, mean, std, contiguous).astype(np.float16)
        if n >= 16 and contiguous:
            return kernels.normal_chunked(self._engine, n, dt, mean, std)
        out, self._next_double_normal = kernels.normal_per_element(
            self._engine, n, dt, mean, std, self._next_double_normal)
        return out

    def randint(self, n, low, high):
        """n int64 values of torch.randint(low, high)."""
        n, low, high = _count("randint", n), int(low), int(high)
        if not low < high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        return kernels.randint(self._engine, n, low, high)

    def randperm(self, n):
        """torch.randperm(n) as int64 (torch's small-n algorithm, n < 2**32 // 20)."""
        n = _count("randperm", n)
        if n >= (1 << 32) // 20:
            raise NotImplementedError("randperm: n >= 214748364 uses an algorithm not reproduced here")
        return kernels.randperm(self._engine, n)
