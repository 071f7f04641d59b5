"""A bug that only some inputs show (`eye(n, m)` drops `m` when m > n + 1), counting each call in $GATE_COUNT_FILE.

Hypothesis must search and would shrink such a failure; listed in --xfails-file it must not.
"""
import os

import torch as _torch
from torch import *  # noqa: F401,F403
from torch import autograd  # noqa: F401

__version__ = "1.0.0"


def eye(n, m=None, **kwargs):
    if m is None:
        return _torch.eye(n, **kwargs)
    with open(os.environ["GATE_COUNT_FILE"], "a") as log:
        log.write(f"{n} {m}\n")
    return _torch.eye(n, **kwargs) if m > n + 1 else _torch.eye(n, m, **kwargs)
