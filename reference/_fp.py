"""NumPy's floating-point error state, scoped to the reference's own calls.

NumPy warns (RuntimeWarning) on float overflow, 0/0, log(0) and the like; torch never does. Rather than
silencing NumPy for the whole process (np.seterr at import), each op, the backward pass and printing run
with NumPy's error state set to "ignore" for the duration of the call only (`quiet`), and restored after.
"""
import functools

import numpy as np

try:
    # np.errstate sets this context variable; setting it to a state built once keeps a small op cheap
    # (np.errstate builds a new state on every entry, which costs more than a 3x3 add).
    from numpy._core._ufunc_config import _extobj_contextvar as _STATE
except ImportError:  # another NumPy layout: the public, slower way
    IGNORE = "ignore"

    def set_state(mode):
        return np.seterr(all=mode)

    def reset_state(old):
        np.seterr(**old)
else:
    with np.errstate(all="ignore"):
        IGNORE = _STATE.get()
    set_state, reset_state = _STATE.set, _STATE.reset

__all__ = ["quiet", "quiet_inline", "IGNORE", "set_state", "reset_state"]


def quiet(fn, on_error=None):
    """fn with NumPy's floating-point warnings off while it runs, and only then. `on_error(args, exc)` runs when
    fn raises exc, before the exception goes on (it may raise another one instead)."""
    if getattr(fn, "quiet", False):
        return fn

    @functools.wraps(fn)
    def call(*args, **kwargs):
        token = set_state(IGNORE)
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if on_error is not None:
                on_error(args, exc)
            raise
        finally:
            reset_state(token)
    call.quiet = True
    return call


def quiet_inline(fn):
    """Mark fn as doing `quiet`'s work itself (a hot path that inlines it, see elementwise._hot_operator)."""
    fn.quiet = True
    return fn
