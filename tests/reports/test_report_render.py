"""Rendering: the matrix and headline agree with the record; drill-down, comparison, CLI."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter

import pytest

from html_probe import Probe
from kit_fakes import REPO
from reports import model, render

SCORED = ("passed", "failed", "error", "blocked")


def expected_cells(record: dict) -> dict[tuple[str, str], Counter]:
    cells: dict[tuple[str, str], Counter] = {}
    for t in record["tests"]:
        key = (t["section"] or "other", t["check"] or "-")
        cells.setdefault(key, Counter())[t["outcome"]] += 1
    return cells


def test_matrix_counts_equal_the_record(serial_run):
    record = serial_run[0]
    probe = Probe(render.render_report(record))
    cells = {k: v for k, v in probe.cells.items() if "data-total" in v}
    expected = expected_cells(record)
    assert set(cells) == set(expected)
    for key, counts in expected.items():
        cell = cells[key]
        assert int(cell["data-passed"]) == counts["passed"], key
        assert int(cell["data-scored"]) == sum(counts[o] for o in SCORED), key
        assert int(cell["data-total"]) == sum(counts.values()), key
    assert cells[("add", "memory")]["class"].split()[-1] == "st-fail"
    assert cells[("add", "grad")]["class"].split()[-1] == "st-warn"  # blocked only
    assert cells[("create", "values")]["class"].split()[-1] == "st-pass"
    assert cells[("create", "distribution")]["class"].split()[-1] == "st-skip"


def test_pytest_html_is_the_cli_html(serial_run, tmp_path):
    record, html, _ = serial_run
    out = tmp_path / "again.html"
    proc = subprocess.run([sys.executable, "-m", "reports", "render", str(html.with_suffix(".json")), "-o", str(out)],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    strip = lambda s: re.sub(r"Generated from .*? by", "", s)  # noqa: E731 (names the source file)
    assert strip(out.read_text()) == strip(html.read_text())


def test_headline_counts_and_score(serial_run):
    record = serial_run[0]
    html = render.render_report(record)
    counts = Counter(t["outcome"] for t in record["tests"])
    score = counts["passed"] / sum(counts[o] for o in SCORED)
    assert f"{100 * score:.1f}%" in html
    for outcome, n in counts.items():
        assert re.search(rf'<tr data-outcome="{outcome}">.*?<td class="n">{n}</td>', html, re.S), outcome
    assert "fakeimpl" in html and "0.0.1" in html and "/somewhere/fakeimpl/__init__.py" in html


def test_failures_show_message_repro_and_both_values(serial_run):
    record = serial_run[0]
    probe = Probe(render.render_report(record))
    fail = next(t for t in record["tests"] if t["nodeid"].endswith("test_add_inplace_memory"))
    repro_id = f"t-{render.anchor(fail['nodeid'])}-repro"
    assert probe.ids[repro_id]["tag"] == "pre" and probe.text_by_id[repro_id] == fail["repro"]
    assert any(tag == "button" and a.get("data-copy") == repro_id for tag, a in probe.tags)
    row = probe.text_by_id[f"t-{render.anchor(fail['nodeid'])}"]
    assert fail["message"] in row and fail["expected"] in row and fail["actual"] in row
    section = probe.ids[render.anchor("add")]
    assert section["tag"] == "details" and "open" in section  # failing sections start open


def test_skip_reasons_and_blocked_links_are_visible(serial_run):
    record = serial_run[0]
    probe = Probe(render.render_report(record))
    for t in record["tests"]:
        if t["outcome"] in ("skipped", "blocked", "xfailed", "xpassed"):
            assert t["reason"] in probe.text_by_id[f"t-{render.anchor(t['nodeid'])}"], t["nodeid"]
    blocked = next(t for t in record["tests"] if t["outcome"] == "blocked")
    target = f"#t-{render.anchor(blocked['blocked_by'])}"
    assert any(tag == "a" and a.get("href") == target for tag, a in probe.tags)
    assert target[1:] in probe.ids


def test_page_is_self_contained_and_its_only_script_is_allowed_by_hash(serial_run):
    html = render.render_report(serial_run[0])
    probe = Probe(html)
    assert not [a for _, a in probe.tags if "src" in a]
    assert not [t for t, _ in probe.tags if t in ("link", "iframe", "object", "embed", "img")]
    assert not re.search(r"https?://", html)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    csp = next(a["content"] for t, a in probe.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def test_incomplete_record_says_so(serial_run):
    record = copy.deepcopy(serial_run[0])
    record.update(complete=False, interrupted=False, not_run=3, exitstatus=1)
    assert "3 of 14 collected tests did not run" in render.render_report(record)


def test_not_a_record_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="not a conformance results record"):
        render.render_report({"tests": []})
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    proc = subprocess.run([sys.executable, "-m", "reports", "render", str(bad), "-o", str(tmp_path / "x.html")],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 1 and "not valid JSON" in proc.stderr and not (tmp_path / "x.html").exists()


# ---------------------------------------------------------------- comparison

def variant(record: dict, impl: str, device: str, flip: dict[str, str] | None = None) -> dict:
    """The same suite as run by another implementation or on another device."""
    out = copy.deepcopy(record)
    out["environment"].update(impl=impl, device=device)
    for t in out["tests"]:
        if t["device"] == "cpu":
            t["device"] = device
            t["nodeid"] = t["nodeid"].replace("-cpu]", f"-{device}]")
        name = t["nodeid"].split("::")[-1]
        if flip and name in flip:
            t["outcome"] = flip[name]
    return out


def kitlike(record: dict) -> dict:
    """Give the fake tests kit-style ids (..[check-dtype-device]) so devices can be lined up."""
    out = copy.deepcopy(record)
    for t in out["tests"]:
        if t["device"]:
            t["nodeid"] = f"{t['nodeid'].split('[')[0]}[{t['check']}-{t['dtype']}-{t['device']}]"
    return out


def test_compare_lines_up_devices_and_highlights_differences(serial_run, tmp_path):
    base = kitlike(serial_run[0])
    runs = [base, variant(base, "fakeimpl", "cuda", {"test_add_inplace_memory[memory-float32-cuda]": "passed"}),
            variant(base, "torch", "cpu", {name: "passed" for name in
                                           ("test_add_inplace_memory[memory-float32-cpu]",
                                            "test_transpose_values_fail[values-float64-cpu]")})]
    paths = []
    for i, r in enumerate(runs):
        paths.append(tmp_path / f"r{i}.json")
        paths[-1].write_text(json.dumps(r))
    out = tmp_path / "compare.html"
    proc = subprocess.run([sys.executable, "-m", "reports", "compare", *map(str, paths), "-o", str(out)],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text()
    for label in ("fakeimpl@cpu", "fakeimpl@cuda", "torch@cpu"):
        assert f"<th>{label}</th>" in html
    sections = model.compare([model.from_record(r) for r in runs])
    rows = {row.key: row for s in sections for row in s.rows}
    assert len(rows) == len(base["tests"])  # cpu and cuda ids became one row each
    differing = {k for k, row in rows.items() if row.differs}
    assert differing == {"test_fake.py::test_add_inplace_memory[memory-float32]",
                         "test_fake.py::test_transpose_values_fail[values-float64]"}
    assert html.count('<tr class="differs">') == 2
    add = next(s for s in sections if s.key == "add")
    for run, score in zip(runs, add.scores):
        outcomes = Counter(t["outcome"] for t in run["tests"] if t["section"] == "add")
        assert score == outcomes["passed"] / sum(outcomes[o] for o in SCORED)
    assert add.scores[0] < add.scores[1] == add.scores[2]


def test_a_test_missing_from_one_run_is_not_a_difference(serial_run):
    full = kitlike(serial_run[0])
    subset = copy.deepcopy(full)
    subset["tests"] = [t for t in subset["tests"] if t["section"] != "transpose"]
    subset["tests"][0]["outcome"] = "failed"
    sections = {s.key: s for s in model.compare([model.from_record(full), model.from_record(subset)])}
    assert sections["transpose"].differing == 0 and sections["transpose"].partial == 2
    assert sections["transpose"].ran == [True, False]
    assert sum(s.differing for s in sections.values()) == 1
    html = render.render_compare([full, subset])
    assert html.count('class="differs') == 1 and html.count('class="same missing"') == 2 and "not run" in html


def test_compare_numbers_duplicate_labels_and_needs_two_runs(serial_run):
    run = model.from_record(serial_run[0])
    assert model.labels_for([run, run]) == ["fakeimpl@cpu #1", "fakeimpl@cpu #2"]
    with pytest.raises(ValueError, match="at least two"):
        render.render_compare([run])


def test_page_reads_without_javascript(serial_run):
    """Nothing is hidden until the script says so: JS-only controls and filters need html.js / body classes."""
    html = render.render_report(serial_run[0])
    probe = Probe(html)
    assert not [a for t, a in probe.tags if "hidden" in a]
    body = next(a for t, a in probe.tags if t == "body")
    html_tag = next(a for t, a in probe.tags if t == "html")
    assert "class" not in body and "class" not in html_tag
    assert ".js-only { display: none !important; } html.js .js-only" in html
    for t in serial_run[0]["tests"]:
        assert f"t-{render.anchor(t['nodeid'])}" in probe.ids


def test_empty_and_odd_records_still_render():
    empty = render.render_report({"format": "conformance-results", "tests": []})
    assert "n/a" in empty and 'id="matrix"' in empty
    odd = {"format": "conformance-results", "environment": {"wall_time_s": "soon", "command_line": "pytest"},
           "tests": [{"nodeid": "a", "outcome": "weird", "section_order": "z", "duration": "q"}]}
    html = render.render_report(odd)
    assert "unknown outcome &#39;weird&#39;" in html and model.from_record(odd).counts["error"] == 1


def test_headline_failure_list_is_capped_but_every_failure_keeps_its_row():
    from sample_record import sample_record
    record = sample_record()
    for t in record["tests"]:
        t.update(outcome="failed", message=f"broken {t['nodeid']}")
    probe = Probe(render.render_report(record))
    listed = probe.text_by_id["failures"]
    assert listed.count("broken ") == render.FAILURES_LISTED
    assert f"and {len(record['tests']) - render.FAILURES_LISTED} more" in listed
    for t in record["tests"]:
        assert f"broken {t['nodeid']}" in probe.text_by_id[f"t-{render.anchor(t['nodeid'])}"]
