"""Random tensors that reproduce torch's CPU generator bit for bit: rand, randn, randint, randperm, their
*_like forms and uniform_/normal_, plus the default generator and the seeding/state helpers. The
generator's machinery lives in `reference.rng`; where draws land in memory, in reference/_layout.py.
On 'cuda' the same host streams are drawn and copied over (torch.cuda's own generator is another one).
"""
import math

from . import _dtypes
from ._creation import _dt, _finish, _like_layout, _shape
from ._device import backend_for
from ._layout import in_walk_order, is_row_major, laid_out
from ._tensor import wrap_copy
from .autograd.function import inplace
from .ops._common import has_internal_overlap, refuse_overlap
from .ops.out import factory_with_out
from .rng.capability import get_cpu_capability, set_cpu_capability
from .rng.generator import Generator

__all__ = ["Generator", "default_generator", "manual_seed", "initial_seed", "seed",
           "get_rng_state", "set_rng_state", "get_cpu_capability", "set_cpu_capability",
           "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
           "uniform_", "normal_"]

default_generator = Generator()
default_generator.seed()     # torch seeds its default generator non-deterministically


def manual_seed(seed):
    """Seed the default generator; returns it (like torch.manual_seed)."""
    return default_generator.manual_seed(seed)


def initial_seed():
    return default_generator.initial_seed()


def seed():
    return default_generator.seed()


def get_rng_state():
    """The default generator's state as torch's 5056 uint8 bytes."""
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


# ---- the factories --------------------------------------------------------------------------------------
def _gen(generator):
    return default_generator if generator is None else generator


def _check_random_dtype(op, dt):
    if dt.category != _dtypes.FLOAT:
        raise NotImplementedError(f"\"{'check_uniform_bounds' if op == 'rand' else 'normal_kernel_cpu'}\" not implemented "
                                  f"for '{dt.c10_name}'")


def _random_tensor(op, size, draw, dtype, device, requires_grad):
    shape = _shape(size, op)
    dt = _dt(dtype)
    _check_random_dtype(op, dt)
    be = backend_for(device)
    values = draw(math.prod(shape), dt.name).reshape(shape).astype(dt.np, copy=False)
    return _finish(be.from_host(values), dt, be, requires_grad)


@factory_with_out("rand")
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, layout=None):
    """Uniform samples from [0, 1), the same stream as torch.rand for the same seed."""
    g = _gen(generator)
    return _random_tensor("rand", size, g.uniform, dtype, device, requires_grad)


@factory_with_out("randn")
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, layout=None):
    """Standard normal samples, the same stream as torch.randn for the same seed."""
    g = _gen(generator)
    return _random_tensor("randn", size, g.normal, dtype, device, requires_grad)


@factory_with_out("randint")
def randint(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False, layout=None):
    """randint(high, size) or randint(low, high, size): integers in [low, high) (int64 by default)."""
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if len(args) == 1:
        low, high = 0, args[0]
    elif len(args) == 2:
        low, high = args
    else:
        raise TypeError("randint() received an invalid combination of arguments")
    shape = _shape((size,), "randint")
    dt, be = _dt(dtype, _dtypes.int64), backend_for(device)
    values = _gen(generator).randint(math.prod(shape), low, high).reshape(shape)
    return _finish(be.from_host(values.astype(dt.np)), dt, be, requires_grad)


@factory_with_out("randperm")
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, layout=None):
    """A random permutation of 0..n-1."""
    dt, be = _dt(dtype, _dtypes.int64), backend_for(device)
    return _finish(be.from_host(_gen(generator).randperm(n).astype(dt.np)), dt, be, requires_grad)


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fill self with uniform samples from [a, b), in place."""
    g = _gen(generator)

    def draws(old):
        return (in_walk_order(old, self._st.be, g.uniform(old.size, self.dtype.name, a, b)),)
    return inplace(self, (), None, draws,
                   lambda: _refuse_shared_elements(self, lambda: g.uniform(0, self.dtype.name, a, b)))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill self with normal samples, in place."""
    g = _gen(generator)

    def draws(old):
        return (in_walk_order(old, self._st.be, g.normal(old.size, self.dtype.name, mean, std,
                                                          contiguous=old.flags.c_contiguous)),)
    return inplace(self, (), None, draws,
                   lambda: _refuse_shared_elements(self, lambda: g.normal(0, self.dtype.name, mean, std)))


# ---- where random draws land: torch fills in TensorIterator's walk order (see _layout.walk_order) ------------
def _refuse_shared_elements(t, check_args):
    """torch refuses to fill an expand()ed tensor (a stride-0 dim), after checking the op's own arguments
    and before drawing anything. Other overlaps it cannot rule out cheaply, so it fills them (see _layout.in_walk_order)."""
    if has_internal_overlap(t._a):
        check_args()
        refuse_overlap(t._a)


# ---- *_like: laid out like empty_like(input), filled in memory order ----------------------------------------
def _random_like(input, draw, dtype, device, requires_grad, op=None):
    """empty_like(input) filled with draw(n, dtype name, contiguous) in memory order; `op` names a
    float-only draw."""
    dt, be, shape, strides = _like_layout(input, dtype, device)
    if op is not None:
        _check_random_dtype(op, dt)
    values = draw(math.prod(shape), dt.name, is_row_major(shape, strides)).astype(dt.np, copy=False)
    # wrap_copy keeps an empty input's strides, as torch's empty_like does
    return _finish(laid_out(be.from_host(values), be, shape, strides), dt, be, requires_grad, wrap_copy)


def rand_like(input, *, generator=None, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None):
    """Like rand(input.shape), laid out (and so filled) like empty_like(input)."""
    g = _gen(generator)
    return _random_like(input, lambda n, name, _: g.uniform(n, name), dtype, device, requires_grad, op="rand")


def randn_like(input, *, generator=None, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None):
    """Like randn(input.shape); randn_like(x.t()) is transposed too, so it takes the per-element path."""
    g = _gen(generator)
    return _random_like(input, lambda n, name, contiguous: g.normal(n, name, contiguous=contiguous),
                        dtype, device, requires_grad, op="randn")


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, device=None, requires_grad=False,
                 layout=None, memory_format=None):
    """randint_like(x, high) or randint_like(x, low, high): integers in [low, high), x's dtype and layout."""
    if high is None:
        low, high = 0, low
    g = _gen(generator)
    return _random_like(input, lambda n, name, _: g.randint(n, low, high), dtype, device,
                        requires_grad)
