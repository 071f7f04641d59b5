"""The judge itself, tested both ways: comparisons, root-cause signatures and repro verification.

The planted bugs (bugs.py, bugs_judging.py) prove the kit fails what it should through whole
runs; these tests pin the comparison's edges directly: NaN or an infinity on one side only,
tolerance boundaries, complex values in full, Python scalars by type, every property reported.
"""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import torch
from torch.testing._comparison import default_tolerances

from conformance import repro, rootcause
from conformance.compare import OVERRIDES, TOLERANCES, Mismatch, assert_same_values
from tests.kit.suite import BACKENDS, run_suite

INF, NAN = math.inf, math.nan
RTOL, ATOL = TOLERANCES["float32"]


def _fails(actual, expected, **kwargs) -> bool:
    try:
        assert_same_values(actual, expected, **kwargs)
    except Mismatch:
        return True
    return False


@pytest.mark.parametrize("got, want", [
    (NAN, 1.0), (1.0, NAN), (INF, 1.0), (1.0, INF), (-INF, INF), (INF, NAN), (NAN, -INF),
])
def test_tensor_nan_or_inf_on_one_side_fails(got, want):
    assert _fails(torch.tensor([0.5, got]), torch.tensor([0.5, want]))


@pytest.mark.parametrize("value", [NAN, INF, -INF])
def test_tensor_nan_and_inf_on_both_sides_pass(value):
    assert not _fails(torch.tensor([value, 1.0], dtype=torch.float64), torch.tensor([value, 1.0], dtype=torch.float64))


def test_tensor_tolerance_boundary():
    want = torch.tensor([1000.0], dtype=torch.float64)
    edge = ATOL + RTOL * 1000.0
    rtol64, atol64 = TOLERANCES["float64"]
    assert not _fails(want + edge * 0.99, want, tolerance=(RTOL, ATOL))
    assert _fails(want + edge * 1.01, want, tolerance=(RTOL, ATOL))
    assert _fails(want + (atol64 + rtol64 * 1000.0) * 1.5, want)  # float64's own, tighter default


def test_complex_tensors_compare_the_imaginary_part():
    assert _fails(torch.tensor([1 + 5j]), torch.tensor([1 + 1j]))
    assert not _fails(torch.tensor([1 + 1j]), torch.tensor([1 + 1j]))
    assert _fails(torch.tensor([complex(1, NAN)]), torch.tensor([1 + 1j]))


@pytest.mark.parametrize("got, want", [
    (3, 3.0), (3.0, 3), (True, 1), (1, True), (np.float64(2.0), 2.0), (1 + 5j, 1 + 1j), (NAN, 0.0), (0.0, NAN),
    (INF, 1e308), (1.0 + 2 * (ATOL + RTOL), 1.0),
])
def test_python_scalars_by_type_and_value(got, want):
    assert _fails(got, want)


@pytest.mark.parametrize("value", [3, 3.0, True, 1 + 1j, NAN, INF])
def test_python_scalars_equal_pass(value):
    assert not _fails(value, value)


def test_python_floats_follow_the_tolerance_rules():
    assert not _fails(1.0 + 0.5 * (ATOL + RTOL), 1.0)
    assert _fails(1.0 + 1e-9, 1.0, tolerance=(0.0, 0.0))  # seeded cases compare exactly
    token = OVERRIDES.set({"float32": (0.5, 0.0)})
    try:
        assert not _fails(1.4, 1.0)  # a --tolerances-file entry loosens scalars too
    finally:
        OVERRIDES.reset(token)


@pytest.mark.parametrize("message, signature", [
    ("must not raise: `torch.cat((a, b), 1)` raised AttributeError: module 'nptorch' has no attribute 'cat' "
     "where torch returns a result", "missing torch.cat"),
    ("the memory check failed: AttributeError: 'Tensor' object has no attribute 'add_' (raised at x.py:1 in f)",
     "missing Tensor.add_"),
    ("raised ValueError: negative dimensions are not allowed; torch raises RuntimeError (bad)",
     "raises ValueError where torch raises RuntimeError"),
    ("dtype float64 differs from torch's torch.float64", rootcause.signature("str(torch.float32) is 'float32'")),
    ("step 0 `x = torch.tensor(xs)`: x.dtype is int64, torch gives torch.int64",
     rootcause.signature("dtype float32 differs from torch's torch.float32")),
])
def test_signatures_name_the_cause(message, signature):
    assert rootcause.signature(message, "sec::case", "values") == signature


def test_value_mismatches_stay_apart_per_case_and_merge_across_dtypes():
    text = "output: 3 of 4 elements differ beyond rtol=1e-07, atol=1e-07; first at index (0,): torch 1.0, got 2.0"
    other = "output: 1 of 9 elements differ beyond rtol=1.3e-06, atol=1e-05; first at index (2,): torch 5.0, got 7.0"
    assert rootcause.signature(text, "add::x") == rootcause.signature(other, "add::x")
    assert rootcause.signature(text, "add::x") != rootcause.signature(text, "mul::y")


def test_root_causes_biggest_first_and_blocked_join_their_foundation():
    entries = [
        {"nodeid": "f::add", "outcome": "failed", "message": "`x.add_(y)` raised AttributeError: 'T' object has "
         "no attribute 'add_' where torch returns a result", "section": "add", "case": "inplace"},
        {"nodeid": "foundation::w", "outcome": "failed", "cause": "missing T.add_"},
        {"nodeid": "m::1", "outcome": "blocked", "reason": "blocked by foundation::w[cpu]: AttributeError: 'T' "
         "object has no attribute 'add_'"},
        {"nodeid": "v::1", "outcome": "failed", "message": "output differs", "section": "v", "case": "one"},
        {"nodeid": "ok", "outcome": "passed"},
    ]
    causes = rootcause.group(entries)
    assert [(c.summary, c.count) for c in causes] == [("missing T.add_", 3), ("v::one: output differs", 1)]
    assert rootcause.coverage(causes, 1) == 0.75


def test_repro_verification_tells_reproducing_from_not(tmp_path):
    line = "from tests.kit.backends.bugs import add_epsilon as torch"  # as the kit writes a repro's first line
    snippets = {
        "differs": f"{line}\nout = torch.tensor([1.0]) + 1\nprint(out)",
        "same": f"{line}\nout = torch.tensor([2.0])\nprint(out)",
        "scalar": f"{line}\nbig = (torch.tensor([1.0]) + 1).item() > 2.0005",  # shown only by a Python value
        "raises": f"{line}\nout = torch.tensor([1.0]).add_(torch.tensor([1.0, 2.0]))",
    }
    verdicts = repro.verify(line, snippets, tmp_path)
    assert verdicts["differs"][0] == repro.VERIFIED
    assert verdicts["same"][0] == repro.NOT_REPRODUCED
    assert verdicts["scalar"][0] == repro.VERIFIED
    assert verdicts["raises"][0] == repro.NOT_REPRODUCED


def test_grad_judges_gradients_whatever_the_node_names():
    """Nodes all named `Node` (as candle's) fail the graph check only; the gradients still pass."""
    outcome = run_suite("tests.kit.backends.bugs:grad_fn_named_node", "add and operator and (grad or graph)")
    assert outcome.returncode == 1
    assert outcome.failed_kinds() == {"graph"}, outcome.summary()
    grad = re.search(r"\bgrad (\d+)/(\d+)\b", outcome.output)
    assert grad and grad.group(1) == grad.group(2) != "0", outcome.summary()


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_default_tolerances_are_torchs_own(dtype):
    """The kit's table is assert_close's, read from torch in this run (not a copy that could drift)."""
    from_torch = default_tolerances(getattr(torch, dtype))
    assert TOLERANCES[dtype] == from_torch


def test_a_missing_basic_is_one_verified_root_cause_and_memory_still_judged(tmp_path):
    """add_ missing: its failures are one root cause with verified repros; sharing is judged by the fallback write."""
    record_path = tmp_path / "record.json"
    outcome = run_suite("tests.kit.backends.bugs:add_inplace_missing", "(add and inplace) or (transpose and t and memory)",
                        f"--report-json={record_path}")
    record = json.loads(record_path.read_text())
    failed = sorted(t["nodeid"] for t in record["tests"] if t["outcome"] == "failed")
    assert outcome.returncode == 1 and failed, outcome.summary()
    assert record["root_causes"][0]["summary"] == "missing Tensor.add_"
    assert sorted(record["root_causes"][0]["tests"]) == failed  # every failure, one cause
    assert "causes    1 root cause of" in outcome.output and "missing Tensor.add_" in outcome.output
    memory = [t for t in record["tests"] if t["check"] == "memory" and t["case"] == "t"]
    assert memory and all(t["outcome"] == "passed" for t in memory)  # judged through t[...] = t + 1
    for test in record["tests"]:
        if test["outcome"] == "failed":
            assert test["repro_verified"] == repro.VERIFIED, (test["nodeid"], test["repro_note"])
            assert test["spec_file"].endswith("05_add.toml") and test["spec_line"] > 0
            assert isinstance(test["hypothesis_seed"], int)
