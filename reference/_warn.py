"""Warnings pointed where torch's point: at the user's line that called into the library."""
import sys
import warnings

_PACKAGE = __name__.rpartition(".")[0]

__all__ = ["warn"]


def warn(message, category=UserWarning):
    """warnings.warn(message), attributed to the first caller outside this package: torch's warnings surface at
    the Python line that called torch, however deep inside the library they were raised."""
    level, frame = 2, sys._getframe(1)
    while frame is not None and _inside(frame.f_globals.get("__name__", "")):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def _inside(module):
    return module == _PACKAGE or module.startswith(_PACKAGE + ".")
