"""torch, except that `tensor(...)` (the constructor almost every check builds its inputs with) raises."""
from torch import *  # noqa: F401,F403
from torch import autograd  # noqa: F401

__version__ = "1.0.0"


def tensor(data, *args, **kwargs):
    raise NotImplementedError("tensor() is not implemented yet")
