"""The gate end to end: the kit run in a subprocess against purpose-built broken backends.

Each run is restricted with -k to a section or two, so it takes seconds.
"""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
import torch
from torch.testing._comparison import default_tolerances

from conformance.summary import EXIT_BACKEND_IMPORT

from ._kit import REPO, backend, run_kit

MINI = f"--impl={REPO / 'examples' / 'mini_backend.py'}"
MINI_XFAILS = f"--xfails-file={REPO / 'examples' / 'mini_backend.xfails'}"
EYE = "special_matrices"  # the section the planted bugs live in (eye(n, m))
EYE_BUG = ("special_matrices::eye_rectangular[values-any-cpu]", "special_matrices::eye_rectangular[shape-any-cpu]",
           "special_matrices::eye_rectangular[layout-any-cpu]")


def test_import_failure_stops_with_one_line_and_exit_6(tmp_path):
    run = run_kit(backend("broken_import.py"), "-k", EYE, tmp_path=tmp_path)
    assert run.returncode == EXIT_BACKEND_IMPORT == 6
    lines = [line for line in run.output.splitlines() if "backend failed to import" in line]
    assert len(lines) == 1 and "ImportError: libmini_kernels.so" in lines[0]
    assert "Traceback" not in run.output


def test_entry_point_registers_a_short_name(tmp_path):
    site = tmp_path / "site"
    dist = site / "mini_backend_dist-1.0.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mini-backend-dist\nVersion: 1.0.0\n")
    (dist / "entry_points.txt").write_text("[tutorial_conformance.backends]\nmini = mini_backend\n")
    run = run_kit("--impl=mini", "-k", "special_matrices and zeros", tmp_path=tmp_path,
                  env={"PYTHONPATH": f"{site}:{REPO / 'examples'}"})
    assert run.returncode == 0, run.output[-3000:]
    assert "entry point mini = 'mini_backend' of mini-backend-dist" in run.output
    env = run.record["environment"]
    assert (env["impl"], env["impl_version"]) == ("mini", "1.0.0")
    assert env["impl_origin"].startswith(str(REPO / "examples" / "mini_backend.py"))


def test_hanging_op_fails_its_case_and_the_run_goes_on(tmp_path):
    started = time.perf_counter()
    # -n 2: the SIGALRM timer must work in xdist workers too (it needs their main thread).
    run = run_kit(backend("hangs.py"), "-n", "2", "--case-timeout=5", "-k",
                  "eye_rectangular or (special_matrices and zeros)", tmp_path=tmp_path)
    assert time.perf_counter() - started < 120
    assert run.returncode == 1
    outcomes = run.outcomes()
    assert [n for n, o in outcomes.items() if o != "passed"] == list(EYE_BUG)
    assert len(outcomes) >= 8
    message = run.test(EYE_BUG[0])["message"]
    assert "timed out after 5 s" in message and "hangs.py:12 in eye" in message
    assert "verdict   FAIL (exit 1)" in run.output


def test_crashing_op_loses_only_its_case_under_xdist(tmp_path):
    run = run_kit(backend("crashes.py"), "-n", "2", "-k", "eye_rectangular or (special_matrices and zeros)",
                  tmp_path=tmp_path)
    assert run.returncode == 1
    outcomes = run.outcomes()
    assert {n for n, o in outcomes.items() if o == "failed"} == set(EYE_BUG)
    assert sum(o == "passed" for o in outcomes.values()) == len(outcomes) - len(EYE_BUG) >= 6
    assert run.record["not_run"] == 0
    assert "crashed while running" in run.test(EYE_BUG[0])["message"]


def test_garbage_results_give_readable_failures(tmp_path):
    run = run_kit(backend("garbage.py"), "-k", "special_matrices or (creating_tensors and empty)",
                  tmp_path=tmp_path)
    assert run.returncode == 1
    assert "INTERNALERROR" not in run.output
    failed = {t["nodeid"]: t["message"] for t in run.record["tests"] if t["outcome"] == "failed"}
    assert "the implementation returned str: 'zeros'" in failed["special_matrices::zeros[values-any-cpu]"]
    assert "the implementation returned list" in failed["special_matrices::ones[values-any-cpu]"]
    assert "returned ndarray" in failed["special_matrices::eye[values-any-cpu]"]
    shape = failed["creating_tensors::empty[shape-float32-cpu]"]
    assert "ZeroDivisionError" in shape and "garbage.py" in shape
    assert all(message for message in failed.values())
    assert not any(t["outcome"] == "error" for t in run.record["tests"])


def test_known_bug_listed_in_xfails_passes_the_gate_and_skips_are_not_passes(tmp_path):
    skips = tmp_path / "mini.skips"
    skips.write_text("special_matrices::zeros_int[  # no int64 zeros yet  https://example.org/mini/2\n")
    run = run_kit(MINI, MINI_XFAILS, f"--skips-file={skips}", "-k", EYE, tmp_path=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    outcomes = run.outcomes()
    assert [outcomes[n] for n in EYE_BUG] == ["xfailed"] * len(EYE_BUG)
    assert "https://github.com/example/mini-backend/issues/1" in run.test(EYE_BUG[0])["reason"]
    skipped = [n for n, o in outcomes.items() if o == "skipped"]
    assert skipped and all(n.startswith("special_matrices::zeros_int[") for n in skipped)
    assert "no int64 zeros yet" in run.test(skipped[0])["reason"]
    assert f"{len(EYE_BUG)} xfailed" in run.output and "stale" not in run.output


def test_known_bug_without_its_xfails_entry_fails(tmp_path):
    run = run_kit(MINI, "-k", "eye_rectangular", tmp_path=tmp_path)
    assert run.returncode == 1
    assert [run.outcomes()[n] for n in EYE_BUG] == ["failed"] * len(EYE_BUG)


def test_stale_entry_is_warned_about_once_per_place(tmp_path):
    xfails = tmp_path / "mini.xfails"
    xfails.write_text((REPO / "examples" / "mini_backend.xfails").read_text()
                      + "special_matrices::eye_square[  # renamed long ago\n")
    run = run_kit(MINI, f"--xfails-file={xfails}", "-k", EYE, "-v", tmp_path=tmp_path)  # -v: with the header
    assert run.returncode == 0
    warnings = [line for line in run.output.splitlines() if "'special_matrices::eye_square['" in line]
    assert len(warnings) == 2  # the header and the summary
    assert warnings[0].startswith("conformance: WARNING ") and warnings[1].startswith("stale")
    assert all("mini.xfails:5" in line for line in warnings)
    assert [run.outcomes()[n] for n in EYE_BUG] == ["xfailed"] * len(EYE_BUG)
    assert [e.split(":", 1)[1] for e in run.record["environment"]["stale_entries"]] == [
        "5: special_matrices::eye_square[  # renamed long ago"]


def test_fixed_bug_is_an_xpass_that_fails_under_strict(tmp_path):
    # "The bug fixed": real torch with mini's expected-failures file.
    run = run_kit("--impl=torch", MINI_XFAILS, "-k", "eye_rectangular", tmp_path=tmp_path)
    assert run.returncode == 0
    assert [run.outcomes()[n] for n in EYE_BUG] == ["xpassed"] * len(EYE_BUG)
    assert f"xpassed   {len(EYE_BUG)} listed in --xfails-file now pass" in run.output
    strict = run_kit("--impl=torch", MINI_XFAILS, "--strict-xfails", "-k", "eye_rectangular", tmp_path=tmp_path)
    assert strict.returncode == 1
    assert [strict.outcomes()[n] for n in EYE_BUG] == ["xpassed"] * len(EYE_BUG)
    assert strict.record["exitstatus"] == 1


def test_expected_failures_do_not_spend_hypothesis_time(tmp_path):
    """Under the dev profile (no CI) an unlisted failure is shrunk; a listed one runs a handful of examples."""
    counts = {}
    for label, extra in (("listed", [MINI_XFAILS]), ("unlisted", [])):
        log = tmp_path / f"{label}.log"
        log.write_text("")
        run_kit(backend("counting.py"), *extra, "-k", "eye_rectangular and values", tmp_path=tmp_path,
                env={"CI": None, "GATE_COUNT_FILE": str(log)})
        counts[label] = len(log.read_text().splitlines())
    assert 1 <= counts["listed"] <= 4 < counts["unlisted"], counts


def test_tolerances_file_loosens_exactly_what_it_names_and_the_record_shows_it(tmp_path):
    # add::alpha: not one of the exact cases (whose printed values the tutorial shows), so tolerances apply
    select = ("-k", "add and alpha and values and not alpha_int and not alpha_bool and not inplace")
    plain = run_kit(backend("off_by_rounding.py"), *select, tmp_path=tmp_path)
    assert plain.returncode == 1
    assert {n: o for n, o in plain.outcomes().items()} == {
        "add::alpha[values-float32-cpu]": "failed", "add::alpha[values-float64-cpu]": "failed"}
    rtol, atol = default_tolerances(torch.float32)  # torch's own assert_close defaults: the oracle, not a copy
    assert plain.test("add::alpha[values-float32-cpu]")["tolerance"] == {"rtol": rtol, "atol": atol}
    assert f"rtol={rtol}, atol={atol}" in plain.test("add::alpha[values-float32-cpu]")["message"]

    tolerances = tmp_path / "tol.toml"
    tolerances.write_text('[dtypes.float32]\nrtol = 1e-3\natol = 1e-5\n\n'
                          '[[cases]]\nid = "add::alpha[values-float64"\nrtol = 2e-4\n')
    loose = run_kit(backend("off_by_rounding.py"), f"--tolerances-file={tolerances}", *select, tmp_path=tmp_path)
    assert loose.returncode == 0, loose.output[-3000:]
    assert loose.test("add::alpha[values-float32-cpu]")["tolerance"] == {"rtol": 1e-3, "atol": 1e-5}
    assert loose.test("add::alpha[values-float64-cpu]")["tolerance"] == {"rtol": 2e-4,
                                                                            "atol": default_tolerances(torch.float64)[1]}
    assert loose.record["environment"]["tolerances_file"] == str(tolerances)


def test_broken_tensor_blocks_its_dependents_with_one_root_cause_and_junit_xml(tmp_path):
    junit = tmp_path / "junit.xml"
    run = run_kit(backend("broken_tensor.py"), "-n", "2", f"--junitxml={junit}", "-k", "foundation or add or zeros",
                  tmp_path=tmp_path)
    assert run.returncode == 1
    root = "foundation::tensor_from_data[cpu]"
    tests = run.record["tests"]
    failed = [t["nodeid"] for t in tests if t["outcome"] in ("failed", "error")]
    assert failed == [root]
    assert "NotImplementedError: tensor() is not implemented yet" in run.test(root)["message"]
    blocked = [t for t in tests if t["outcome"] == "blocked"]
    assert len(blocked) >= 60 and {t["blocked_by"] for t in blocked} == {root}
    assert all(t["reason"].startswith(f"blocked by {root}") for t in blocked)
    assert not any(t["nodeid"].startswith("special_matrices::") for t in blocked)
    # Creation functions do not need tensor(): they still run and pass.
    assert run.outcomes()["special_matrices::zeros[values-any-cpu]"] == "passed"
    assert f"blocked   {len(blocked)} tests by {root}" in run.output

    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    assert (int(suite.get("failures")), int(suite.get("skipped"))) == (1, len(blocked))
    assert int(suite.get("tests")) == len(tests)
    failure = next(case for case in suite.iter("testcase") if case.find("failure") is not None)
    assert (failure.get("classname"), failure.get("name")) == ("foundation", "tensor_from_data[cpu]")


@pytest.mark.parametrize("contents, problem", [
    ("special_matrices::eye_rectangular[\n", "has no reason"),
])
def test_malformed_gate_file_is_a_usage_error(tmp_path, contents, problem):
    xfails = tmp_path / "bad.xfails"
    xfails.write_text(contents)
    run = run_kit(MINI, f"--xfails-file={xfails}", "-k", EYE, tmp_path=tmp_path)
    assert run.returncode == 4 and problem in run.output
