"""Random numbers that reproduce torch's CPU generator bit for bit.

Import point for the rest of `reference`: the Generator class, the default generator
and the module-level seeding/state helpers. The machinery lives in `reference.rng`.
"""
from .rng.capability import get_cpu_capability, set_cpu_capability
from .rng.generator import Generator

__all__ = ["Generator", "default_generator", "manual_seed", "initial_seed", "seed",
           "get_rng_state", "set_rng_state", "get_cpu_capability", "set_cpu_capability"]

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
