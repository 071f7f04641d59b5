"""Root causes: failures grouped by what the backend's author has to fix, biggest first.

A backend missing `Tensor.add_` fails dozens of tests across sections and check kinds, each
with its own message. Each failure's message is reduced to a *signature*: a missing attribute
("missing Tensor.add_"), an exception type with its message normalised (numbers and quoted
values stripped), or a mismatch kind with its property ("dtype prints as float32; torch gives
torch.float32"). Tests with one signature are one root cause. A test blocked by a broken
foundation shares the foundation's own signature, so the foundation and everything it blocks
are counted together.

Mismatches that only say "the values differ" are qualified by the case: two cases computing
different things wrong are two bugs, the same case failing in every dtype is one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from .schema import PROBLEMS, RootCauseEntry, check_rank

# How a kit message wraps the backend's exception; group 1 is "Type: message".
_PREFIX = re.compile(r"^(?:must not raise|must not return|must not change): ")
_RAISED = (
    re.compile(r"^`.*?` raised (\w+(?:\.\w+)*: .*?)(?: where torch returns a result)?$", re.S),
    re.compile(r"^the \w+ check failed: (\w+(?:\.\w+)*: .*?)(?: \(raised at .*\))?$", re.S),
    re.compile(r"^raised (\w+(?:\.\w+)*: .*?); torch raises .*$", re.S),
    re.compile(r"^step \d+ `.*?` raised (\w+(?:\.\w+)*: .*?)$", re.S),
    re.compile(r"^blocked by \S+: (.*)$", re.S),
    re.compile(r"^foundation broken: .*?, but (.*?)\. Tests that need it are reported as blocked by .*$", re.S),
    re.compile(r"^backward #\d+ raised (\w+(?:\.\w+)*: .*)$", re.S),
    re.compile(r"^building the inputs failed, where torch builds them: input '\w+' \(.*?\) raised (\w+: .*)$", re.S),
    re.compile(r"^[\w.()\[\]]+ raised (\w+(?:\.\w+)*: .*?)(?: where torch returns a result)?$", re.S),
)
_MISSING = (
    (re.compile(r"^AttributeError: module '([\w.]+)' has no attribute '(\w+)'"), "missing torch.{1}"),
    (re.compile(r"^AttributeError: '(?!NoneType')(\w+)' object has no attribute '(\w+)'"), "missing {0}.{1}"),
    (re.compile(r"^AttributeError: type object '(\w+)' has no attribute '(\w+)'"), "missing {0}.{1}"),
)
# Mismatch kinds that name one property of the backend, whatever the case: (pattern, signature).
_PROPERTIES = (
    (re.compile(r"(?<![\w.])(float\d+|u?int\d+|bool|complex\d+)\b[^;]*?\btorch\.\1\b|\bstr\(torch\.\w+\) is '(\w+)'"),
     "dtype prints as float32; torch gives torch.float32 (dtype objects lack torch's names)"),
    (re.compile(r"^dtype (\w+) differs from torch's torch\.(\w+)"), "the result dtype is {0} where torch's is {1}"),
    (re.compile(r"^(repr|str)\(out\) differs from torch's text"), "{0}(tensor) differs from torch's text"),
    (re.compile(r"^out\.grad_fn is ('\w+'), torch gives '\w+'"), "grad_fn nodes are named {0}, not torch's <Op>Backward<N>"),
    (re.compile(r"^out\.(requires_grad|is_leaf|grad_fn) is (\S+), torch gives (\S+)"), "out.{0} is {1}, torch gives {2}"),
    (re.compile(r"^(out\.shape|out\.size\(\)) is a (\w+), not a tuple"), "{0} is a {1}, not a tuple (torch.Size)"),
    (re.compile(r"^\w+: after step \d+ `[^`]*`: \w+\.(\w+) differs"), "a tensor's {0} differs from torch's"),
)
# Mismatch kinds that are one bug of the case whichever check saw it: (pattern, what differs).
_CASE_PROPERTIES = (
    (re.compile(r"^(?:\w+: )?shape \(.*?\) differs from torch's|^out\.(?:shape|size\(\)) is \(.*?\); torch gives"),
     "the result's shape differs from torch's"),
    (re.compile(r"^(?:output|out)(?:\[\d+\])*: \d+ of \d+ elements (?:differ|are not bit-identical)"),
     "the result's values differ from torch's"),
)
# The errors check: the backend raises, but another type than torch (before the message is reduced).
_WRONG_TYPE = re.compile(r"^raised (\w+): .*?; torch raises (\w+) ")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e-?\d+)?\b")
_HEX = re.compile(r"0x[0-9a-f]+")
_WS = re.compile(r"\s+")
_CALL = re.compile(r"^`(.*?)`")


def normalise(text: str) -> str:
    """A message without the details that vary between tests of one cause: numbers, addresses, spacing."""
    text = _HEX.sub("0x…", text)
    text = _NUMBER.sub("N", text)
    return _WS.sub(" ", text).strip()


def _exception(message: str) -> str | None:
    for pattern in _RAISED:
        match = pattern.match(message)
        if match:
            inner = _PREFIX.sub("", match.group(1).strip())
            return _exception(inner) or inner
    return None


def signature(message: str | None, case_key: str | None = None, check: str | None = None) -> str:
    """The root-cause signature of one failure message (see the module docstring)."""
    message = _PREFIX.sub("", _WS.sub(" ", (message or "").strip()))
    raised = _exception(message)
    if raised is not None:
        for pattern, template in _MISSING:
            match = pattern.match(raised)
            if match:
                return template.format(*match.groups())
        for pattern, template in _PROPERTIES:  # a foundation's message may name a property
            match = pattern.search(raised)
            if match:
                return template.format(*(g for g in match.groups() if g is not None))
        wrong = _WRONG_TYPE.match(message)
        if wrong:
            return f"raises {wrong.group(1)} where torch raises {wrong.group(2)}"
        if re.match(r"^\w+(?:\.\w+)*: ", raised):
            return normalise(raised)
        message = raised
    for pattern, template in _PROPERTIES:
        match = pattern.search(message)
        if match:
            return template.format(*(g for g in match.groups() if g is not None))
    where = f"{case_key}: " if case_key else ""
    for pattern, what in _CASE_PROPERTIES:
        if pattern.search(message):
            return where + what
    kind = f"[{check}] " if check and not case_key else ""
    return where + kind + normalise(message or "failed without a message")


@dataclass
class RootCause:
    summary: str
    tests: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.tests)

    @property
    def sections(self) -> list[str]:
        return sorted({t.get("section") or "other" for t in self.tests},
                      key=lambda s: min(float(t.get("section_order") or 0) for t in self.tests if t.get("section") == s))

    @property
    def checks(self) -> list[str]:
        return sorted({t.get("check") or "-" for t in self.tests}, key=check_rank)

    @property
    def representative(self) -> dict:
        """A failed test with a repro (verified first), else the first test."""
        def rank(t):
            return (t.get("outcome") == "blocked", not t.get("repro"), t.get("repro_verified") != "verified")
        return min(self.tests, key=rank)

    def to_json(self) -> RootCauseEntry:
        rep = self.representative
        return RootCauseEntry(summary=self.summary, count=self.count, tests=[t["nodeid"] for t in self.tests],
                              sections=self.sections, checks=self.checks, representative=rep["nodeid"],
                              repro=rep.get("repro"))


def cause_of(entry: dict) -> str:
    """The entry's signature: the kit's own when it set one, else read from its message."""
    if entry.get("cause"):
        return entry["cause"]
    if entry.get("outcome") == "blocked":  # the foundation's own cause, whatever the case
        return signature(entry.get("reason"))
    text = entry.get("message")
    case = entry.get("case")
    key = f"{entry.get('section')}::{case}" if case else None
    return signature(text or entry.get("reason"), key, entry.get("check"))


def group(entries: Iterable[dict]) -> list[RootCause]:
    """Failed, errored and blocked tests grouped by signature, biggest first (ties: first seen)."""
    causes: dict[str, RootCause] = {}
    for entry in entries:
        if entry.get("outcome") in PROBLEMS:
            summary = cause_of(entry)
            causes.setdefault(summary, RootCause(summary)).tests.append(entry)
    return sorted(causes.values(), key=lambda c: -c.count)


def coverage(causes: list[RootCause], top: int) -> float:
    """The share of failed, errored and blocked tests the first `top` causes explain."""
    total = sum(c.count for c in causes)
    return sum(c.count for c in causes[:top]) / total if total else 1.0
