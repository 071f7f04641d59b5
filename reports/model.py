"""Load results records (written by conformance.record) and summarise them for the templates.

Everything here is plain data: counts, scores, the section x check matrix, comparison rows.
The templates only lay it out.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from conformance import rootcause
from conformance.schema import CHECK_ORDER, FORMAT, OUTCOMES, SCORED, check_rank, score_of  # noqa: F401 - shared names

# Cell colour: the first rule that matches wins.
_STATUS_RULES = (
    ("fail", ("failed", "error")),
    ("warn", ("blocked", "xfailed", "xpassed")),
    ("pass", ("passed",)),
    ("skip", ("skipped",)),
)


def status_of(counts: Counter) -> str:
    for status, outcomes in _STATUS_RULES:
        if any(counts[o] for o in outcomes):
            return status
    return "na"


def percent(score: float | None) -> str:
    return "n/a" if score is None else f"{100 * score:.1f}%"


@dataclass
class Cell:
    """Tests of one section and one check kind."""
    counts: Counter = field(default_factory=Counter)

    @property
    def passed(self) -> int:
        return self.counts["passed"]

    @property
    def scored(self) -> int:
        return sum(self.counts[o] for o in SCORED)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def status(self) -> str:
        return status_of(self.counts)

    @property
    def extras(self) -> list[str]:
        """Short notes on what is not in passed/scored, e.g. '2 skipped'."""
        return [f"{self.counts[o]} {o}" for o in ("blocked", "xfailed", "xpassed", "skipped") if self.counts[o]]

    @property
    def title(self) -> str:
        return ", ".join(f"{self.counts[o]} {o}" for o in OUTCOMES if self.counts[o]) or "no tests"


@dataclass
class Section:
    key: str
    title: str
    order: float
    tests: list[dict] = field(default_factory=list)
    cells: dict[str, Cell] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)

    @property
    def score(self) -> float | None:
        return score_of(self.counts)

    @property
    def status(self) -> str:
        return status_of(self.counts)


def _normalise(test: dict) -> dict:
    t = dict(test)
    t.setdefault("nodeid", "?")
    t["section"] = str(t.get("section") or "other")
    t["section_title"] = str(t.get("section_title") or t["section"])
    try:
        t["section_order"] = float(t.get("section_order"))
    except (TypeError, ValueError):
        t["section_order"] = 1e9
    t["check"] = str(t["check"]) if t.get("check") else "-"
    if t.get("outcome") not in OUTCOMES:
        t["message"] = f"unknown outcome {t.get('outcome')!r} in the record; {t.get('message') or ''}".strip("; ")
        t["outcome"] = "error"
    for key in ("case", "dtype", "device", "message", "repro", "expected", "actual", "reason", "blocked_by",
                "longrepr", "hypothesis_seed", "tolerance", "cause", "spec_file", "spec_line", "repro_verified",
                "repro_note"):
        t.setdefault(key, None)
    try:
        t["duration"] = float(t.get("duration") or 0.0)
    except (TypeError, ValueError):
        t["duration"] = 0.0
    return t


def group_sections(tests: list[dict]) -> list[Section]:
    sections: dict[str, Section] = {}
    for t in tests:
        sec = sections.get(t["section"])
        if sec is None:
            sec = sections[t["section"]] = Section(t["section"], t["section_title"], t["section_order"])
        sec.order = min(sec.order, t["section_order"])
        sec.tests.append(t)
        sec.counts[t["outcome"]] += 1
        sec.cells.setdefault(t["check"], Cell()).counts[t["outcome"]] += 1
    return sorted(sections.values(), key=lambda s: (s.order, s.key))


def check_columns(tests: list[dict]) -> list[str]:
    """The check kinds this run has, canonical ones first in their order, then others (e.g. '-')."""
    return sorted({t["check"] for t in tests}, key=check_rank)


@dataclass
class Run:
    """One results record, summarised."""
    source: str
    record: dict
    env: dict
    tests: list[dict]
    sections: list[Section]
    checks: list[str]
    counts: Counter

    @property
    def score(self) -> float | None:
        return score_of(self.counts)

    @property
    def scored(self) -> int:
        return sum(self.counts[o] for o in SCORED)

    @property
    def complete(self) -> bool:
        return bool(self.record.get("complete"))

    @property
    def interrupted(self) -> bool:
        return bool(self.record.get("interrupted"))

    @property
    def root_causes(self) -> list[rootcause.RootCause]:
        """The failures grouped by cause, biggest first (recomputed: an older record has no root_causes)."""
        return rootcause.group(self.tests)

    @property
    def label(self) -> str:
        return f"{self.env.get('impl') or '?'}@{self.env.get('device') or '?'}"


def from_record(record: dict, source: str = "") -> Run:
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ValueError(f"{source or 'input'} is not a conformance results record (no format={FORMAT!r})")
    tests = [_normalise(t) for t in record.get("tests") or [] if isinstance(t, dict)]
    env = record.get("environment") if isinstance(record.get("environment"), dict) else {}
    counts = Counter({o: 0 for o in OUTCOMES})
    counts.update(t["outcome"] for t in tests)
    return Run(source, record, env, tests, group_sections(tests), check_columns(tests), counts)


def load(path: str | Path) -> Run:
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    return from_record(record, str(path))


# ---------------------------------------------------------------- comparison

def row_key(test: dict) -> str:
    """The test's id without its device, so `x[values-float32-cpu]` and `x[values-float32-cuda]` line up."""
    nodeid, device = test["nodeid"], test.get("device")
    m = re.fullmatch(r"(.*)\[(.*)\]", nodeid)
    if not m or not device:
        return nodeid
    params = m.group(2).split("-")
    if str(device) in params:
        params.reverse()
        params.remove(str(device))
        params.reverse()
    return f"{m.group(1)}[{'-'.join(params)}]" if params else m.group(1)


@dataclass
class CompareRow:
    key: str
    cells: list[dict | None]  # one per run; None where that run has no such test

    @property
    def differs(self) -> bool:
        """Runs that have this test disagree on its outcome (a run without it is 'missing', not a difference)."""
        return len({c["outcome"] for c in self.cells if c}) > 1

    @property
    def missing(self) -> bool:
        return any(c is None for c in self.cells)


@dataclass
class CompareSection:
    key: str
    title: str
    order: float
    rows: list[CompareRow]
    counts: list[Counter]  # per run

    @property
    def scores(self) -> list[float | None]:
        return [score_of(c) for c in self.counts]

    @property
    def scored(self) -> list[int]:
        return [sum(c[o] for o in SCORED) for c in self.counts]

    @property
    def statuses(self) -> list[str]:
        return [status_of(c) for c in self.counts]

    @property
    def differing(self) -> int:
        return sum(r.differs for r in self.rows)

    @property
    def partial(self) -> int:
        """Rows some runs do not have (a run of a subset, another spec version)."""
        return sum(r.missing for r in self.rows)

    @property
    def ran(self) -> list[bool]:
        """Per run: whether it has any test of this section."""
        return [sum(c.values()) > 0 for c in self.counts]


def labels_for(runs: list[Run]) -> list[str]:
    """impl@device per run, numbered where two runs would otherwise share a label."""
    base = [r.label for r in runs]
    dup = {lab for lab in base if base.count(lab) > 1}
    seen: Counter = Counter()
    out = []
    for lab in base:
        if lab in dup:
            seen[lab] += 1
            lab = f"{lab} #{seen[lab]}"
        out.append(lab)
    return out


def compare(runs: list[Run]) -> list[CompareSection]:
    table: dict[str, dict] = {}  # section -> {title, order, rows: {key: [cells]}}
    for i, run in enumerate(runs):
        for t in run.tests:
            sec = table.setdefault(t["section"], {"title": t["section_title"], "order": t["section_order"], "rows": {}})
            sec["order"] = min(sec["order"], t["section_order"])
            cells = sec["rows"].setdefault(row_key(t), [None] * len(runs))
            cells[i] = t
    out = []
    for key, sec in table.items():
        rows = [CompareRow(k, cells) for k, cells in sec["rows"].items()]
        counts = [Counter(c["outcome"] for c in col if c) for col in zip(*(r.cells for r in rows))]
        out.append(CompareSection(key, sec["title"], sec["order"], rows, counts))
    return sorted(out, key=lambda s: (s.order, s.key))
