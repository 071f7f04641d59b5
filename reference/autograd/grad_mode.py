"""Whether ops record history: `no_grad`, `enable_grad`, `set_grad_enabled`.

One process-wide flag, `state.enabled` (torch keeps one per thread; the reference is single-threaded
by design).
"""
import functools

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]

class _State:
    __slots__ = ("enabled",)

    def __init__(self):
        self.enabled = True


state = _State()


def is_grad_enabled():
    return state.enabled


class _GradMode:
    """Base for the context managers; also usable as a decorator, as in torch."""

    mode = True

    def __enter__(self):
        self.prev = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class _BareDecorator(_GradMode):
    """Also usable as a bare decorator (`@no_grad` without parentheses), as in torch 2.x."""

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        return self if orig_func is None else self(orig_func)

    def __init__(self, orig_func=None):
        pass


class no_grad(_BareDecorator):
    """Ops inside `with no_grad():` record no graph: their results have requires_grad=False."""

    mode = False


class enable_grad(_BareDecorator):
    """Turn recording back on inside a `no_grad` block."""

    mode = True


class set_grad_enabled(_GradMode):
    """set_grad_enabled(False) switches recording off right away, and restores it on exit when used with `with`."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self.prev = state.enabled
        self.mode = mode
        state.enabled = mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False

    def __call__(self, fn):
        state.enabled = self.prev  # as a decorator, the mode applies only inside calls
        return super().__call__(fn)

    def clone(self):
        return self.__class__(self.mode)
