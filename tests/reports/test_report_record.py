"""The JSON results record: outcomes, metadata, environment, xdist, crashes, interrupts, atomicity."""

from __future__ import annotations

import json
import os
import platform

import numpy
import pytest

from conformance import record as rec
from kit_fakes import EXPECTED_OUTCOMES, KIT_ENV, by_name, load_json, run_pytest, write_suite

# Fields that legitimately differ between two runs of the same suite.
VOLATILE = ("duration", "longrepr")


def stable(record: dict) -> list[dict]:
    return [{k: v for k, v in t.items() if k not in VOLATILE} for t in record["tests"]]


def test_every_outcome_is_recorded_once_per_test(serial_run):
    record, html, proc = serial_run
    assert {name: t["outcome"] for name, t in by_name(record).items()} == EXPECTED_OUTCOMES
    assert record["complete"] is True and record["interrupted"] is False
    assert record["collected"] == len(EXPECTED_OUTCOMES) and record["not_run"] == 0
    counts = {o: list(EXPECTED_OUTCOMES.values()).count(o) for o in rec.OUTCOMES}
    assert record["counts"] == counts
    assert html.exists() and "conformance report:" in proc.stdout


def test_kit_metadata_and_failure_details_are_kept(serial_run):
    tests = by_name(serial_run[0])
    fail = tests["test_add_inplace_memory"]
    assert (fail["section"], fail["section_title"], fail["section_order"]) == ("add", "Add tensors", 5)
    assert (fail["case"], fail["check"], fail["dtype"], fail["device"]) == ("add_inplace", "memory", "float32", "cpu")
    assert fail["message"] == "add_ changed the storage: expected the same data_ptr"
    assert fail["repro"].startswith("import fakeimpl as torch\n")
    assert fail["expected"].startswith("tensor([[2., 2.]") and fail["actual"].startswith("tensor([[1., 1.]")
    assert tests["test_create_zeros_values[float32]"]["tolerance"] == {"rtol": 1.3e-6, "atol": 1e-5}
    assert tests["test_create_rand_distribution"]["hypothesis_seed"] == 42
    assert tests["test_create_rand_distribution"]["reason"] == "no RNG in this backend"
    blocked = tests["test_add_grad_blocked"]
    assert blocked["blocked_by"] == "test_fake.py::test_add_inplace_memory"
    assert tests["test_add_printing_xfail"]["reason"] == "known printing difference, see issue 12"
    assert "teardown exploded" in tests["test_transpose_teardown_error"]["message"]
    plain = tests["test_plain_failure_without_metadata"]
    assert plain["section"] == "other" and "assert [1, 2] == [1, 3]" in plain["message"]
    assert all(t["duration"] >= 0 for t in tests.values())


def test_root_causes_explain_every_problem_biggest_first(serial_run):
    record = serial_run[0]
    causes = record["root_causes"]
    problems = sorted(t["nodeid"] for t in record["tests"] if t["outcome"] in ("failed", "error", "blocked"))
    assert problems and sorted(n for c in causes for n in c["tests"]) == problems
    assert [c["count"] for c in causes] == sorted((c["count"] for c in causes), reverse=True)
    assert all(c["count"] == len(c["tests"]) and c["summary"] and c["representative"] in c["tests"] for c in causes)


def test_environment_names_the_run(serial_run):
    env = serial_run[0]["environment"]
    for key, value in KIT_ENV.items():
        assert env[key] == value
    assert env["python"] == platform.python_version()
    assert env["numpy"] == numpy.__version__
    assert env["torch"]  # installed: the oracle
    assert any(a.startswith("--report=") for a in env["command_line"])
    assert env["workers"] == 0 and env["wall_time_s"] >= 0 and env["started_at"].endswith("+00:00")


def test_xdist_record_equals_serial_record(serial_run, tmp_path):
    pytest.importorskip("xdist")
    folder = write_suite(tmp_path)
    html = tmp_path / "report.html"
    proc = run_pytest(folder, "-n", "2", f"--report={html}")
    parallel = load_json(html.with_suffix(".json"))
    assert parallel["environment"]["workers"] == 2, proc.stdout
    assert stable(parallel) == stable(serial_run[0])
    assert parallel["counts"] == serial_run[0]["counts"] and parallel["complete"] is True
    assert parallel["collected"] == serial_run[0]["collected"] == len(EXPECTED_OUTCOMES)  # workers' collection counted once
    assert parallel["not_run"] == 0 and parallel["root_causes"] == serial_run[0]["root_causes"]
    assert html.exists()


CRASHING = '''
import os
import pytest

@pytest.fixture(autouse=True)
def kit_metadata(request):  # the kit sets metadata before setup ends, like this
    request.node.user_properties += [("section", "add"), ("case", request.node.name), ("check", "values")]

def test_before():
    pass

def test_crash():
    os._exit(3)

def test_after():
    pass
'''


def test_crashed_xdist_worker_is_a_recorded_failure(tmp_path):
    pytest.importorskip("xdist")
    folder = write_suite(tmp_path, CRASHING)
    html = tmp_path / "report.html"
    proc = run_pytest(folder, "-n", "2", f"--report={html}")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    tests = by_name(load_json(html.with_suffix(".json")))
    assert tests["test_before"]["outcome"] == "passed" and tests["test_after"]["outcome"] == "passed"
    crash = tests["test_crash"]
    assert crash["outcome"] == "failed" and "crashed" in crash["message"]
    assert crash["section"] == "add"  # kept from the setup report that arrived before the crash
    assert html.exists()


INTERRUPTED = '''
def test_one():
    pass

def test_two():
    assert False

def test_three():
    raise KeyboardInterrupt

def test_four():
    pass
'''


def test_ctrl_c_writes_what_ran(tmp_path):
    folder = write_suite(tmp_path, INTERRUPTED)
    html = tmp_path / "report.html"
    proc = run_pytest(folder, f"--report={html}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    record = load_json(html.with_suffix(".json"))
    assert record["interrupted"] is True and record["complete"] is False
    outcomes = {name: t["outcome"] for name, t in by_name(record).items()}
    assert outcomes.get("test_one") == "passed" and outcomes.get("test_two") == "failed"
    assert "test_four" not in outcomes and record["not_run"] >= 1
    assert "Interrupted run" in html.read_text()


TERMINATED = '''
import os
import signal

def test_one():
    pass

def test_term():
    os.kill({target}, signal.SIGTERM)

def test_never():
    pass
'''


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_sigterm_writes_what_ran(tmp_path, workers):
    if workers:
        pytest.importorskip("xdist")
    # In a worker the controller is the parent process; serially the test runs in pytest's own process.
    folder = write_suite(tmp_path, TERMINATED.format(target="os.getppid()" if workers else "os.getpid()"))
    html = tmp_path / "report.html"
    run_pytest(folder, *workers, "-p", "no:randomly", f"--report={html}")
    record = load_json(html.with_suffix(".json"))
    assert record["interrupted"] is True and record["complete"] is False and record["stop_reason"] == "SIGTERM"
    if not workers:  # under xdist, reports still queued on the channel when the signal lands are lost
        assert by_name(record)["test_one"]["outcome"] == "passed" and "test_never" not in by_name(record)
    assert "Interrupted run (SIGTERM)" in html.read_text()


def test_maxfail_stop_is_incomplete_with_a_reason(tmp_path):
    folder = write_suite(tmp_path, "def test_a():\n    assert False\n\ndef test_b():\n    pass\n")
    html = tmp_path / "report.html"
    run_pytest(folder, "-x", f"--report={html}")
    record = load_json(html.with_suffix(".json"))
    assert record["complete"] is False and record["interrupted"] is False and record["not_run"] == 1
    assert "stopping after 1 failures" in record["stop_reason"]


def test_collection_error_is_recorded_as_an_error(tmp_path):
    folder = write_suite(tmp_path, "def test_ok():\n    pass\n")
    (folder / "test_broken.py").write_text("def test_x(:\n")
    html = tmp_path / "report.html"
    run_pytest(folder, f"--report={html}")
    record = load_json(html.with_suffix(".json"))
    broken = next(t for t in record["tests"] if t["nodeid"] == "test_broken.py")
    assert broken["outcome"] == "error" and broken["message"].startswith("collection error")
    assert record["complete"] is False and "during collection" in record["stop_reason"]


def test_render_failure_keeps_json_and_exit_status(tmp_path):
    folder = write_suite(tmp_path, "def test_ok():\n    pass\n")
    (tmp_path / "blocker").write_text("a file where the HTML's folder should be")
    json_path = tmp_path / "results.json"
    proc = run_pytest(folder, f"--report={tmp_path / 'blocker' / 'r.html'}", f"--report-json={json_path}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert load_json(json_path)["counts"]["passed"] == 1
    assert "could not render" in proc.stdout + proc.stderr
    assert not list(tmp_path.glob(".*.tmp"))  # no temp file left behind


def test_report_json_alone_and_no_option_means_no_recorder(tmp_path):
    folder = write_suite(tmp_path, "def test_ok():\n    pass\n")
    json_path = tmp_path / "only.json"
    run_pytest(folder, f"--report-json={json_path}")
    assert json_path.exists() and not list(tmp_path.glob("*.html"))
    json_path.unlink()
    run_pytest(folder)
    assert not json_path.exists()


# ---------------------------------------------------------------- merging, directly on pytest reports

def report(nodeid, when, outcome, props=(), longrepr=None, **attrs):
    r = pytest.TestReport(nodeid, ("f.py", 0, "t"), {}, outcome, longrepr, when, user_properties=list(props))
    for k, v in attrs.items():
        setattr(r, k, v)
    return r


def merged(*reports) -> dict:
    entry = rec.new_entry(reports[0].nodeid)
    for r in reports:
        rec.merge_report(entry, r)
    return entry


def test_teardown_error_after_a_pass_is_an_error_but_not_after_a_failure():
    ok = [report("t", "setup", "passed"), report("t", "call", "passed")]
    assert merged(*ok, report("t", "teardown", "failed", longrepr="boom"))["outcome"] == "error"
    failing = [report("t", "setup", "passed"), report("t", "call", "failed", longrepr="bad")]
    entry = merged(*failing, report("t", "teardown", "failed", longrepr="boom"))
    assert entry["outcome"] == "failed" and "bad" in entry["longrepr"] and "boom" in entry["longrepr"]


def test_skip_with_blocked_by_is_blocked_and_xdist_crash_is_failed():
    skip = report("t", "setup", "skipped", [("blocked_by", "root::x")], longrepr=("f.py", 1, "Skipped: root broken"))
    entry = merged(skip)
    assert (entry["outcome"], entry["blocked_by"], entry["reason"]) == ("blocked", "root::x", "root broken")
    crash = merged(report("t", "setup", "passed", [("section", "add")]),
                   report("t", "???", "failed", longrepr="worker 'gw0' crashed while running 't'"))
    assert crash["outcome"] == "failed" and crash["section"] == "add" and "crashed" in crash["message"]


def test_xfail_run_false_is_xfailed_and_odd_property_values_become_text():
    entry = merged(report("t", "setup", "skipped", [("actual", object), ("tolerance", {"rtol": 1e-3})],
                          longrepr=("f.py", 1, "xfail"), wasxfail="no way"))
    assert entry["outcome"] == "xfailed" and entry["reason"] == "no way"
    assert entry["actual"] == str(object) and entry["tolerance"] == {"rtol": 1e-3}
    json.dumps(entry)


def test_atomic_write_replaces_whole_file(tmp_path):
    from reports.files import atomic_write_text
    target = tmp_path / "sub" / "r.json"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text() == "second" and sorted(p.name for p in target.parent.iterdir()) == ["r.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
