"""A tiny example backend for the README's "Gate your backend" walkthrough: real torch with one known bug.

Everything comes from torch except `eye`, which ignores its second size: `eye(2, 3)` gives a
2 x 2 identity instead of 2 x 3. Gate it with the expected-failures file next to it:

    python -m pytest conformance --impl=examples/mini_backend.py --xfails-file=examples/mini_backend.xfails
"""
import torch as _torch
from torch import *  # noqa: F401,F403 - the rest of the API is torch's own
from torch import autograd  # noqa: F401 - a submodule, which `import *` leaves out

__version__ = "1.0.0"


def eye(n, m=None, **kwargs):
    """torch.eye, except that the known bug drops `m` (see mini_backend.xfails)."""
    return _torch.eye(n, **kwargs)
