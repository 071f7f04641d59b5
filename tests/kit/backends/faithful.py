"""Real torch through the proxy, with no bug: the whole conformance suite must pass against it.

    python -m pytest conformance --impl=tests/kit/backends/faithful.py
"""
import sys as _sys
from pathlib import Path as _Path

if __package__ in (None, ""):  # loaded from its path by --impl: make `tests.kit` importable
    _sys.path.insert(0, str(_Path(__file__).resolve().parents[3]))

from tests.kit.backends._proxy import Proxy as _Proxy  # noqa: E402

_backend = _Proxy("faithful", __doc__)


def __getattr__(name):
    return getattr(_backend, name)
