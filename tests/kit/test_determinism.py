"""The ci profile is deterministic: two serial runs and a `-n 2` run give the same outcomes and the
same failing examples (the repro snippets), test by test, read from the JSON results record."""
from __future__ import annotations

import json

from .suite import run_suite

IMPL = "tests.kit.backends.bugs:add_epsilon"  # fails on float inputs only: outcomes depend on the draws
SELECT = "add or multiply"


def _record(tmp_path, name: str, *extra: str) -> dict:
    path = tmp_path / f"{name}.json"
    outcome = run_suite(IMPL, SELECT, f"--report-json={path}", *extra)
    assert outcome.returncode == 1, outcome.summary()
    tests = json.loads(path.read_text())["tests"]
    return {t["nodeid"]: (t["outcome"], t.get("repro") or "") for t in tests}


def test_ci_profile_gives_identical_outcomes_serial_twice_and_under_xdist(tmp_path):
    first = _record(tmp_path, "serial-1")
    second = _record(tmp_path, "serial-2")
    parallel = _record(tmp_path, "xdist", "-n", "2")
    failed = [test for test, (outcome, _) in first.items() if outcome == "failed"]
    passed = [test for test, (outcome, _) in first.items() if outcome == "passed"]
    assert failed and passed, "the planted bug must fail some tests and pass others for this to mean anything"
    assert first == second
    assert first == parallel
