"""The results schema, defined once: outcomes, scoring, check order and the record's entry types.

The kit (items, summary), the JSON record (record.py) and the HTML reports (reports/model.py)
all read these names from here, so a new outcome or check kind cannot be counted one way in
the terminal and another in the report. Check kinds themselves are declared by the spec
(`spec.CHECK_KINDS`, which validates every case); kinds this module has never heard of (a
record from a newer kit) are still grouped, ordered after the known ones.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, TypedDict

import pytest

from .spec import CHECK_KINDS

FORMAT = "conformance-results"
FORMAT_VERSION = 2  # 2: top-level root_causes; per test: cause, spec_line, repro_verified

# Every outcome a test can have in the record, in display order.
OUTCOMES = ("passed", "failed", "error", "blocked", "xfailed", "xpassed", "skipped")
# The score counts what an implementation was asked to do: skips and expected failures are opt-outs.
SCORED = ("passed", "failed", "error", "blocked")
# Outcomes a root cause explains: what the backend's author has to fix.
PROBLEMS = ("failed", "error", "blocked")
# A later phase overrides the outcome so far only if it is worse news.
SEVERITY = {"passed": 0, "xpassed": 1, "skipped": 1, "xfailed": 1, "blocked": 1, "error": 2, "failed": 3}

FOUNDATION = "foundation"
CHECK_ORDER = (FOUNDATION, *CHECK_KINDS)

# Repro verification verdicts (record field `repro_verified`).
VERIFIED = "verified"
NOT_REPRODUCED = "does not reproduce"
NOT_RUN = "not run"

# The kit's state on the pytest config: the loaded backend, oracle and gate files (conftest.Kit), and the
# run's environment as the record reports it.
KIT = pytest.StashKey[Any]()
ENV = pytest.StashKey[dict]()


class Tolerance(TypedDict, total=False):
    rtol: float
    atol: float
    note: str


class TestEntry(TypedDict):
    """One test in the record: its identity, outcome and, when it failed, the evidence."""
    nodeid: str
    section: str
    section_title: str
    section_order: float
    case: str | None
    check: str | None
    dtype: str
    device: str | None
    outcome: str | None
    duration: float
    message: str | None
    repro: str | None
    expected: str | None
    actual: str | None
    tolerance: Tolerance | None
    hypothesis_seed: int | None
    reason: str | None
    blocked_by: str | None
    cause: str | None           # the failure's signature, grouping it into a root cause
    spec_file: str | None       # where the case is written: path relative to the spec folder's parent
    spec_line: int | None
    repro_verified: str | None  # VERIFIED, NOT_REPRODUCED (with repro_note) or NOT_RUN
    repro_note: str | None
    longrepr: str | None
    phases: list[str]


class RootCauseEntry(TypedDict):
    """One root cause in the record's top-level `root_causes`, biggest first."""
    summary: str
    count: int
    tests: list[str]
    sections: list[str]
    checks: list[str]
    representative: str
    repro: str | None


# Keys the kit puts in item.user_properties, copied as-is into the record.
META_KEYS = (
    "section", "section_title", "section_order", "case", "check", "dtype", "device",
    "message", "repro", "expected", "actual", "tolerance", "hypothesis_seed", "blocked_by",
    "cause", "spec_file", "spec_line", "repro_verified", "repro_note",
)


def new_entry(nodeid: str) -> TestEntry:
    """An entry before any phase report arrived: every schema key present."""
    return TestEntry(
        nodeid=nodeid, section="other", section_title="Other tests", section_order=1_000_000,
        case=None, check=None, dtype="-", device=None, outcome=None, duration=0.0,
        message=None, repro=None, expected=None, actual=None, tolerance=None, hypothesis_seed=None,
        reason=None, blocked_by=None, cause=None, spec_file=None, spec_line=None, repro_verified=None,
        repro_note=None, longrepr=None, phases=[],
    )


def count_outcomes(outcomes: Iterable[str]) -> Counter:
    """Every outcome present (zero when absent), counted."""
    counts = Counter({o: 0 for o in OUTCOMES})
    counts.update(outcomes)
    return counts


def scored(counts: Counter) -> int:
    return sum(counts[o] for o in SCORED)


def score_of(counts: Counter) -> float | None:
    """passed / (passed + failed + error + blocked); None when nothing was scored."""
    total = scored(counts)
    return counts["passed"] / total if total else None


def check_rank(name: str) -> tuple[int, str]:
    """Sort key of a check kind: the canonical order, then unknown kinds by name."""
    return (CHECK_ORDER.index(name), "") if name in CHECK_ORDER else (len(CHECK_ORDER), name)
