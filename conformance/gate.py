"""A backend's own gate files: expected failures, skips and tolerance overrides.

Expected-failure and skip files are text, one entry per line:

    # comment lines and blank lines are ignored
    add::inplace[memory-float32-cpu]   # add_ allocates a new buffer    https://github.com/me/mine/issues/12
    view::                             # no views yet (a prefix: the whole section)

An entry is a test id or a prefix of ids (plain string prefix: end it with `[` to stop `add::in`
from also matching `add::inplace_scalar`), then `#` and a reason, which is required, optionally
ending with a link. The longest matching entry gives a test its reason.

The tolerance file is TOML:

    [dtypes.float32]                 # every float32 comparison
    rtol = 1e-5
    atol = 1e-6

    [[cases]]                        # one case (or id prefix), optionally in some dtypes only
    id = "operations::mean"
    dtypes = ["float32"]
    rtol = 1e-4
    reason = "pairwise summation"    # optional, shown nowhere but kept with the file

Integer and bool results always compare exactly, and so do seeded random streams.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .compare import TOLERANCES
from .spec import DTYPES, FLOAT_DTYPES

_LINK = re.compile(r"\s+(https?://\S+)\s*$")


class GateFileError(Exception):
    """A malformed gate file; the message names the file and the line."""


@dataclass(frozen=True)
class Entry:
    pattern: str
    reason: str
    link: str | None
    path: str
    line: int

    def matches(self, nodeid: str) -> bool:
        return nodeid.startswith(self.pattern)

    def text(self) -> str:
        return self.reason + (f" ({self.link})" if self.link else "")

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class EntryList:
    """The entries of one --xfails-file or --skips-file."""
    kind: str                          # "xfails" or "skips"
    entries: list[Entry] = field(default_factory=list)

    def match(self, nodeid: str) -> Entry | None:
        """The most specific (longest) entry matching this test id."""
        best = None
        for entry in self.entries:
            if entry.matches(nodeid) and (best is None or len(entry.pattern) > len(best.pattern)):
                best = entry
        return best

    def stale(self, ids) -> list[Entry]:
        """Entries that match none of `ids`: typos, renamed cases, or bugs long gone from the spec."""
        ids = list(ids)
        return [entry for entry in self.entries if not any(entry.matches(i) for i in ids)]


def read_entries(path: str | None, kind: str) -> EntryList:
    listing = EntryList(kind)
    if not path:
        return listing
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise GateFileError(f"--{kind}-file={path}: cannot read it: {exc.strerror or exc}") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, _, comment = line.partition("#")
        pattern, comment = pattern.strip(), comment.strip()
        if " " in pattern or "\t" in pattern:
            raise GateFileError(f"{path}:{number}: one test id or id prefix per line, then `# reason`; got {line!r}")
        link = None
        found = _LINK.search(" " + comment)
        if found:
            link = found.group(1)
            comment = (" " + comment)[:found.start()].strip()
        if not comment:
            raise GateFileError(f"{path}:{number}: {pattern!r} has no reason; write `{pattern}  # why [link]`")
        listing.entries.append(Entry(pattern, comment, link, str(path), number))
    return listing


@dataclass(frozen=True)
class Override:
    id: str
    dtypes: tuple
    rtol: float | None
    atol: float | None


@dataclass
class Tolerances:
    """Resolves (test id, dtype) to the (rtol, atol) the value comparisons use."""
    dtypes: dict = field(default_factory=dict)      # dtype -> (rtol, atol), over the kit's defaults
    overrides: list[Override] = field(default_factory=list)
    path: str | None = None

    def for_dtype(self, nodeid: str, dtype: str) -> tuple[float, float]:
        rtol, atol = self.dtypes.get(dtype, TOLERANCES.get(dtype, (0.0, 0.0)))
        if dtype not in FLOAT_DTYPES and dtype != "bfloat16":
            return 0.0, 0.0  # integers and bools compare exactly, whatever a file says
        best = None
        for override in self.overrides:
            if nodeid.startswith(override.id) and (not override.dtypes or dtype in override.dtypes):
                if best is None or len(override.id) > len(best.id):
                    best = override
        if best is not None:
            rtol = best.rtol if best.rtol is not None else rtol
            atol = best.atol if best.atol is not None else atol
        return rtol, atol

    def table(self, nodeid: str) -> dict:
        """dtype -> (rtol, atol) for one test: what compare.py consults for each compared tensor."""
        return {dtype: self.for_dtype(nodeid, dtype) for dtype in (*FLOAT_DTYPES, "bfloat16")}


def read_tolerances(path: str | None) -> Tolerances:
    if not path:
        return Tolerances()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise GateFileError(f"--tolerances-file={path}: cannot read it: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise GateFileError(f"--tolerances-file={path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"dtypes", "cases"}
    if unknown:
        raise GateFileError(f"{path}: unknown table(s) {sorted(unknown)}; expected [dtypes.<dtype>] and [[cases]]")
    result = Tolerances(path=str(path))
    for dtype, values in data.get("dtypes", {}).items():
        where = f"{path}: [dtypes.{dtype}]"
        if dtype not in FLOAT_DTYPES:
            raise GateFileError(f"{where}: only floating dtypes {FLOAT_DTYPES} have a tolerance")
        rtol, atol = _pair(values, where, required=True)
        result.dtypes[dtype] = (rtol, atol)
    for index, values in enumerate(data.get("cases", [])):
        where = f"{path}: [[cases]] #{index + 1}"
        if not isinstance(values, dict) or not isinstance(values.get("id"), str) or not values["id"]:
            raise GateFileError(f"{where}: needs id = \"<test id or prefix>\"")
        dtypes = values.get("dtypes", [])
        if not isinstance(dtypes, list) or any(d not in DTYPES for d in dtypes):
            raise GateFileError(f"{where}: dtypes must be a list of {DTYPES}")
        extra = set(values) - {"id", "dtypes", "rtol", "atol", "reason"}
        if extra:
            raise GateFileError(f"{where}: unknown key(s) {sorted(extra)}")
        rtol, atol = _pair(values, where, required=False)
        result.overrides.append(Override(values["id"], tuple(dtypes), rtol, atol))
    return result


def _pair(values, where: str, required: bool):
    if not isinstance(values, dict):
        raise GateFileError(f"{where}: expected rtol = ... and atol = ...")
    out = []
    for key in ("rtol", "atol"):
        value = values.get(key)
        if value is None:
            if required:
                raise GateFileError(f"{where}: {key} is missing")
            out.append(None)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise GateFileError(f"{where}: {key} must be a number >= 0, got {value!r}")
        out.append(float(value))
    if not required and out == [None, None]:
        raise GateFileError(f"{where}: give rtol, atol or both")
    return tuple(out)
