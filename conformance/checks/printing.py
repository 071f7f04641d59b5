"""The printing check: repr and str give exactly torch's text (object addresses masked)."""
from __future__ import annotations

import re

from ..compare import Mismatch
from ..runner import Context

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def mask(text: str) -> str:
    return _ADDRESS.sub("0x…", text)


def printing(ctx: Context, drawn: dict) -> None:
    expected, actual = ctx.pair(drawn)
    for spelling in (repr, str):
        want, got = mask(spelling(expected.result)), mask(spelling(actual.result))
        if want != got:
            raise Mismatch(f"{spelling.__name__}(out) differs from torch's text", want, got)
