"""reference: a readable reimplementation of the torch API used by the introductory PyTorch tutorial.

Use it as `import reference as torch`. Tensors are strided views over NumPy memory (CuPy for device
'cuda'); autograd is a small graph of Node objects walked by reference/autograd/engine.py.
"""
import builtins as _builtins
import re as _re

from . import _dtypes, _random, autograd, cuda
from ._api import *  # noqa: F401,F403  (every op function: add, sum, cat ...; see _api.__all__)
from ._creation import arange, empty, empty_like, eye, full, full_like, linspace, ones, ones_like, zeros, zeros_like
from ._from_data import LEGACY_TYPES, as_tensor, from_numpy, tensor
from ._random import Generator, default_generator, rand, rand_like, randint, randint_like, randn, randn_like, randperm
from ._device import device
from ._dlpack import from_dlpack
from ._dtypes import (can_cast, dtype, get_default_dtype, promote_types, result_type,
                      set_default_dtype)
from ._printing import set_printoptions as _set_printoptions
from ._tensor import Size, Tensor
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled


class _Version(str):
    """A version string that compares like torch's TorchVersion: with strings ("1.9") or tuples ((2, 0))."""

    # PEP 440, as packaging.version (which TorchVersion uses) parses it
    _PATTERN = _re.compile(r"v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?"
                           r"(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?"
                           r"(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?")
    _PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}

    @staticmethod
    def _sort_key(text):
        """packaging.version's ordering key for a PEP 440 version string, or None if it is not one."""
        m = _Version._PATTERN.fullmatch(text.strip().lower())
        if m is None:
            return None
        epoch, release, pre, pre_n, post_implicit, post_word, post_n, dev_n, local = m.groups()
        num = _builtins.int   # int is torch.int in this module's namespace
        parts = [num(x) for x in release.split(".")]
        while len(parts) > 1 and parts[-1] == 0:   # 2.13 == 2.13.0
            parts.pop()
        has_post = post_implicit is not None or post_word is not None
        post = (0, num(post_implicit or post_n or 0)) if has_post else (-1, 0)
        dev = (0, num(dev_n or 0)) if dev_n is not None else (1, 0)
        if pre is not None:
            pre_key = (0, _Version._PRE_RANK[pre], num(pre_n or 0))
        else:   # a bare dev release sorts before its pre-releases
            pre_key = (-1, 0, 0) if dev_n is not None and not has_post else (1, 0, 0)
        local_key = _builtins.tuple((1, num(p), "") if p.isdigit() else (0, 0, p)
                                    for p in _re.split(r"[-_.]", local)) if local else ((-1, 0, ""),)
        return num(epoch or 0), _builtins.tuple(parts), pre_key, post, dev, local_key

    def _key(self, other):
        """PEP 440 sort keys of self and other (as packaging.version orders them), or None when either is invalid."""
        if isinstance(other, (tuple, list)):
            other = ".".join(str(x) for x in other)
        if not isinstance(other, str):
            return None
        a, b = self._sort_key(str(self)), self._sort_key(other)
        return None if a is None or b is None else (a, b)

    def _compare(self, other, op, fallback):
        keys = self._key(other)
        # torch falls back to plain string comparison for what is not a version (e.g. 'parrot')
        return op(*keys) if keys is not None else fallback(self, other)

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b, str.__lt__)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b, str.__le__)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b, str.__gt__)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b, str.__ge__)

    def __eq__(self, other):
        return self._compare(other, lambda a, b: a == b, str.__eq__)

    def __ne__(self, other):
        # TorchVersion leaves != to str, so there `v == (2, 13, 0)` and `v != (2, 13, 0)` are both True;
        # here != is always the negation of ==.
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = str.__hash__


# The torch API version whose behaviour this package mirrors (checked against torch 2.13.0); code that
# branches on `torch.__version__` then takes the same paths as with that torch.
__version__ = _Version("2.13.0")

globals().update(LEGACY_TYPES)

# dtypes by torch's names, including the aliases (float, double, long, int, half, bool ...).
globals().update({name: d for name, d in _dtypes._BY_NAME.items()})
bool = _dtypes.bool_  # noqa: A001  (torch.bool, like every name below, shadows a builtin on purpose)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.dtype.is_floating_point


def numel(input):
    return input.numel()


def manual_seed(seed):
    """Seed the default CPU generator (the same streams as torch for the same seed)."""
    return _random.manual_seed(seed)


def seed():
    return _random.seed()


def initial_seed():
    return _random.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor of 5056 bytes (torch's layout)."""
    return from_numpy(_random.get_rng_state().copy())


def set_rng_state(new_state):
    if not isinstance(new_state, Tensor) or new_state.dtype is not _dtypes.uint8:
        raise TypeError("set_rng_state(): expected a torch.ByteTensor")
    _random.set_rng_state(new_state.numpy().copy())


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Printing options as torch.set_printoptions (precision, threshold, edgeitems, linewidth, sci_mode)."""
    return _set_printoptions(precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth,
                profile=profile, sci_mode=sci_mode)
