"""The kit catches every planted bug, and a faithful proxy of torch passes the whole suite.

Each planted bug runs the suite in its own process (each needs its own --impl), restricted
by `-k` to the tests that should catch it. The faithful proxy runs the whole suite: it goes
through the same proxy machinery, so a failure of a planted-bug run can only come from its bug.
Runs overlap on all cores (see Runs), so the file takes about half the sum of its runs.
"""
from __future__ import annotations

from collections import Counter

import pytest

from conformance.spec import CHECK_KINDS
from tests.kit.backends.bugs import BUGS
from tests.kit.suite import BACKENDS, ForkedRun, Runs, selected_params

FAITHFUL = "faithful"


def _impl(name: str) -> str:
    return str(BACKENDS / "faithful.py") if name == FAITHFUL else f"tests.kit.backends.bugs:{name}"


def _launch(name: str) -> ForkedRun:
    if name == FAITHFUL:
        return ForkedRun(_impl(name))
    return ForkedRun(_impl(name), BUGS[name].select)


@pytest.fixture(scope="module")
def runs(request):
    wanted = selected_params(request, "name")
    if any(getattr(item, "module", None) is request.module
           and item.originalname == "test_faithful_proxy_passes_everything"
           for item in request.session.items):
        wanted.add(FAITHFUL)
    runs = Runs(_launch, sorted(wanted, key=lambda name: (name != FAITHFUL, name)))
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
