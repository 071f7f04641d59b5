"""The kit catches every planted bug, and a faithful proxy of torch passes the whole suite.

Each planted bug runs the suite in its own process (each needs its own --impl), restricted
by `-k` to the tests that should catch it. The faithful proxy runs the whole suite: it goes
through the same proxy machinery, so a failure of a planted-bug run can only come from its bug.
Runs overlap on all cores (see Runs), so the file takes about half the sum of its runs.
"""
from __future__ import annotations

import os
import time
from collections import Counter

import pytest

from conformance.spec import CHECK_KINDS
from tests.kit.backends.bugs import BUGS
from tests.kit.suite import BACKENDS, ForkedRun, Outcome

FAITHFUL = "faithful"


def _impl(name: str) -> str:
    return str(BACKENDS / "faithful.py") if name == FAITHFUL else f"tests.kit.backends.bugs:{name}"


def _launch(name: str) -> ForkedRun:
    if name == FAITHFUL:
        return ForkedRun(_impl(name))
    return ForkedRun(_impl(name), BUGS[name].select)


class Runs:
    """Suite runs by backend name, several at once (one per core), each in a forked child.

    In a plain session every run this session's selected tests need is queued up front (the
    slow faithful run first), so they overlap. Under pytest-xdist each worker gets only some
    of the tests, so a run starts when its test asks and xdist provides the overlap.
    """

    def __init__(self, wanted: list[str]):
        self.under_xdist = "PYTEST_XDIST_WORKER" in os.environ
        self.queue = [] if self.under_xdist else list(wanted)
        self.parallel = 1 if self.under_xdist else max(2, os.cpu_count() or 2)
        self.running: dict[str, ForkedRun] = {}
        self.done: dict[str, Outcome] = {}

    def __getitem__(self, name: str) -> Outcome:
        if name not in self.running and name not in self.done:
            self.queue = [name] + [queued for queued in self.queue if queued != name]
        while name not in self.done:
            for finished in [n for n, run in self.running.items() if run.poll()]:
                self.done[finished] = self.running.pop(finished).outcome()
            while self.queue and len(self.running) < self.parallel:
                next_name = self.queue.pop(0)
                self.running[next_name] = _launch(next_name)
            time.sleep(0.05)
        return self.done[name]

    def close(self) -> None:
        for run in self.running.values():
            run.kill()


@pytest.fixture(scope="module")
def runs(request):
    selected = [item for item in request.session.items if item.module is request.module]
    wanted = {item.callspec.params["name"] for item in selected
              if hasattr(item, "callspec") and "name" in item.callspec.params}
    if any(item.originalname == "test_faithful_proxy_passes_everything" for item in selected):
        wanted.add(FAITHFUL)
    runs = Runs(sorted(wanted, key=lambda name: (name != FAITHFUL, name)))
    yield runs
    runs.close()


def test_every_check_kind_has_two_planted_bugs():
    kinds = Counter(bug.kind for bug in BUGS.values())
    assert set(kinds) <= set(CHECK_KINDS)
    assert {kind: kinds[kind] for kind in CHECK_KINDS if kinds[kind] < 2} == {}


def test_faithful_proxy_passes_everything(runs):
    outcome = runs[FAITHFUL]
    assert outcome.returncode == 0 and not outcome.failed, outcome.summary()
    assert " passed" in outcome.output.splitlines()[-1], outcome.summary()


@pytest.mark.parametrize("name", sorted(BUGS))
def test_planted_bug_is_caught(runs, name):
    bug = BUGS[name]
    outcome = runs[name]
    assert outcome.returncode == 1, f"{name} ({bug.summary}) was not caught:\n{outcome.summary()}"
    assert bug.kind in outcome.failed_kinds(), (
        f"{name} ({bug.summary}): no {bug.kind} check failed; failed: {outcome.failed}")
    assert outcome.kit_errors() == {}, f"{name}: failures that are not readable kit reports"
