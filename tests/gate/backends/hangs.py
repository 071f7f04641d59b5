"""torch, except that `eye(n, m)` spins forever (a busy loop, the worst kind of hang)."""
import torch as _torch
from torch import *  # noqa: F401,F403
from torch import autograd  # noqa: F401

__version__ = "1.0.0"


def eye(n, m=None, **kwargs):
    if m is None:
        return _torch.eye(n, **kwargs)
    while True:  # the hang the per-test timeout must cut short
        pass
