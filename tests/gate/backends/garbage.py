"""torch, except that the special matrices come back as the wrong kinds of objects."""
import numpy as _np
import torch as _torch
from torch import *  # noqa: F401,F403
from torch import autograd  # noqa: F401

__version__ = "1.0.0"


def zeros(*size, **kwargs):
    return "zeros"                                   # a string


def ones(*size, **kwargs):
    return _torch.ones(*size, **kwargs).tolist()     # nested lists


def eye(n, m=None, **kwargs):
    return _np.eye(n, m)                             # a NumPy array


class _Liar:
    """Looks like a tensor (shape, dtype, numpy) but every read blows up."""
    shape = property(lambda self: (1 / 0,))
    dtype = "float32"

    def numpy(self):
        raise MemoryError("numpy() exploded")


def empty(*size, **kwargs):
    return _Liar()
