"""The tutorial view: the tutorial read top-down, each section and code cell annotated with a run's results.

The tutorial's own text is not ours to ship (no license says we may), so the view is built from
the spec, which quotes the tutorial's structure: each section's heading (`tutorial`), title and
summary, its walkthrough (the tutorial's code cells, replayed as steps) and every spelling its
cases check. Each cell carries the run's outcomes, the root causes of its failures and links to
the failing tests in the full report.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from conformance import rootcause
from conformance.schema import check_rank, score_of, scored
from conformance.spec import Section as SpecSection, load_all

from . import model


@dataclass
class CodeCell:
    """One piece of the tutorial's code with the tests that judged it."""
    code: str
    summary: str
    tests: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(t["outcome"] for t in self.tests)

    @property
    def status(self) -> str:
        return model.status_of(self.counts) if self.tests else "na"

    @property
    def by_check(self) -> list[tuple[str, str, list[dict]]]:
        """(check, status, tests) per check kind, in the canonical order."""
        kinds: dict[str, list[dict]] = {}
        for t in self.tests:
            kinds.setdefault(t["check"], []).append(t)
        return [(kind, model.status_of(Counter(t["outcome"] for t in tests)), tests)
                for kind, tests in sorted(kinds.items(), key=lambda item: check_rank(item[0]))]

    @property
    def problems(self) -> list[dict]:
        return [t for t in self.tests if t["outcome"] in ("failed", "error", "blocked")]


@dataclass
class TutorialSection:
    key: str
    heading: str
    title: str
    summary: str
    walkthrough: CodeCell | None
    cases: list[CodeCell]
    causes: list[tuple[rootcause.RootCause, int]]  # cause, tests of this section it explains

    @property
    def counts(self) -> Counter:
        cells = ([self.walkthrough] if self.walkthrough else []) + self.cases
        return sum((cell.counts for cell in cells), Counter())

    @property
    def score(self) -> float | None:
        return score_of(self.counts)

    @property
    def scored(self) -> int:
        return scored(self.counts)


def _heading(section: SpecSection) -> str:
    return section.tutorial.lstrip("#").strip() or section.title


def build(run: model.Run, sections: tuple[SpecSection, ...] | None = None) -> list[TutorialSection]:
    """The spec's sections in tutorial order, each annotated with the run's tests of it."""
    sections = load_all() if sections is None else sections
    by_case: dict[tuple[str, str], list[dict]] = {}
    for t in run.tests:
        by_case.setdefault((t["section"], t.get("case") or ""), []).append(t)
    causes = run.root_causes
    view = []
    for section in sections:
        walk = None
        if section.walkthrough is not None:
            walk = CodeCell("\n".join(section.walkthrough.steps), section.walkthrough.summary,
                            by_case.get((section.id, "walkthrough"), []))
        cases = [CodeCell(case.call if not case.setup else f"{case.setup.strip()}\n{case.call}", case.summary,
                          by_case.get((section.id, case.id), [])) for case in section.cases]
        here = [(cause, sum(t["section"] == section.id for t in cause.tests)) for cause in causes]
        view.append(TutorialSection(section.id, _heading(section), section.title, section.summary, walk, cases,
                                    [(cause, n) for cause, n in here if n]))
    return view
