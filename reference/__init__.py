"""reference: a readable reimplementation of the torch API used by the introductory PyTorch tutorial.

Use it as `import reference as torch`. Tensors are strided views over NumPy memory (CuPy for device
'cuda'); autograd is a small graph of Node objects walked by reference/autograd/engine.py.
"""
import builtins as _builtins

from . import _dtypes, autograd, cuda
from ._creation import (LEGACY_TYPES, arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like,
                        linspace, ones, ones_like, tensor, zeros, zeros_like)
from ._creation import METHODS as _CREATION_METHODS
from ._random import rand, rand_like, randint, randint_like, randn, randn_like, randperm
from ._random import METHODS as _RANDOM_METHODS
from ._device import device
from ._dlpack import from_dlpack
from ._dtypes import (can_cast, dtype, get_default_dtype, promote_types, result_type,
                      set_default_dtype)
from ._tensor import Size, Tensor
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .ops import bind as _bind
from .ops import functions as _functions


class _Version(str):
    """A version string that compares like torch's TorchVersion: with strings ("1.9") or tuples ((2, 0))."""

    def _parts(self, other):
        def parse(v):
            if isinstance(v, tuple):
                return tuple(_builtins.int(x) for x in v)
            out = []
            for piece in str(v).split("+")[0].split("."):
                digits = "".join(ch for ch in piece if ch.isdigit())
                out.append(_builtins.int(digits) if digits else 0)
            return tuple(out)
        a, b = parse(str(self)), parse(other)
        n = _builtins.max(len(a), len(b))
        return a + (0,) * (n - len(a)), b + (0,) * (n - len(b))

    def __lt__(self, other):
        a, b = self._parts(other)
        return a < b

    def __le__(self, other):
        a, b = self._parts(other)
        return a <= b

    def __gt__(self, other):
        a, b = self._parts(other)
        return a > b

    def __ge__(self, other):
        a, b = self._parts(other)
        return a >= b

    def __eq__(self, other):
        if isinstance(other, str) and not isinstance(other, _Version):
            return str.__eq__(self, other)
        a, b = self._parts(other)
        return a == b

    __hash__ = str.__hash__


# The torch API version whose behaviour this package mirrors (checked against torch 2.13.0); code that
# branches on `torch.__version__` then takes the same paths as with that torch.
__version__ = _Version("2.13.0")

_bind(Tensor, (_CREATION_METHODS, _RANDOM_METHODS))
globals().update(_functions())
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


def _rng():
    from . import _random
    return _random


def manual_seed(seed):
    """Seed the default CPU generator (the same streams as torch for the same seed)."""
    return _rng().manual_seed(seed)


def seed():
    return _rng().seed()


def initial_seed():
    return _rng().initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor of 5056 bytes (torch's layout)."""
    return from_numpy(_rng().get_rng_state().copy())


def set_rng_state(new_state):
    if not isinstance(new_state, Tensor) or new_state.dtype is not _dtypes.uint8:
        raise TypeError("set_rng_state(): expected a torch.ByteTensor")
    _rng().set_rng_state(new_state.numpy().copy())


def __getattr__(name):
    # Generator and default_generator come from the RNG module, loaded on first use.
    if name in ("Generator", "default_generator"):
        return getattr(_rng(), name)
    if name == "set_printoptions":
        from ._printing import set_printoptions
        return set_printoptions
    raise AttributeError(f"module 'reference' has no attribute '{name}'")


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Printing options as torch.set_printoptions (precision, threshold, edgeitems, linewidth, sci_mode)."""
    from ._printing import set_printoptions as impl
    return impl(precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth,
                profile=profile, sci_mode=sci_mode)
