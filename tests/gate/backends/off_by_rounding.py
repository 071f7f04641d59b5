"""torch, except that `torch.add` on floats is off by a relative 1e-4 (a sloppy fused kernel, say)."""
import torch as _torch
from torch import *  # noqa: F401,F403
from torch import autograd  # noqa: F401

__version__ = "1.0.0"


def add(x, y, **kwargs):
    out = _torch.add(x, y, **kwargs)
    return out * (1 + 1e-4) if out.is_floating_point() else out
