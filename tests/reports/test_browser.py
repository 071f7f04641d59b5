"""A real report in real headless Chromium: scripts run, the matrix and a repro show, nothing injected runs.

Needs Debian's `chromium` package (CI's .ci/run installs it); skipped with that reason when it is missing.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from html_probe import Probe
from conformance.spec import load_all
from reports import browser, model, render
from sample_record import ROOT, sample_record
from kit_fakes import HOSTILE

pytestmark = pytest.mark.skipif(
    browser.find_chromium() is None,
    reason="chromium is not installed: `apt-get install -y chromium fonts-liberation` (Debian) to run the browser test",
)


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory):
    record = sample_record()
    path = tmp_path_factory.mktemp("browser") / "sample.html"
    path.write_text(render.render_report(record), encoding="utf-8")
    return record, path, browser.dump_dom(path)


def test_scripts_run_and_matrix_shows_the_records_counts(sample_page):
    record, _, dom = sample_page
    assert re.search(r'<html[^>]*class="js"', dom)  # our script ran under the page's CSP
    probe = Probe(dom)
    expected: dict[tuple[str, str], Counter] = {}
    for t in record["tests"]:
        expected.setdefault((t["section"], t["check"]), Counter())[t["outcome"]] += 1
    cells = {k: v for k, v in probe.cells.items() if "data-total" in v}
    assert set(cells) == set(expected)
    for key, counts in expected.items():
        scored = sum(counts[o] for o in model.SCORED)
        assert (int(cells[key]["data-passed"]), int(cells[key]["data-scored"])) == (counts["passed"], scored)
        # the text a reader sees in the cell: passed/scored, or nothing before the notes when nothing is scored
        shown = f"{counts['passed']}/{scored}" if scored else ""
        cell = rf'data-section="{re.escape(key[0])}".*?data-check="{re.escape(key[1])}"[^>]*>{shown}(?:<small|</td>)'
        assert re.search(cell, dom, re.S), (key, shown)


def test_failure_repro_is_in_an_open_section_with_a_copy_button(sample_page):
    record, _, dom = sample_page
    root_id = f"t-{render.anchor(ROOT)}-repro"
    repro = next(t["repro"] for t in record["tests"] if t["nodeid"] == ROOT)
    probe = Probe(dom)
    assert probe.ids[root_id]["tag"] == "pre" and probe.text_by_id[root_id] == repro
    section = probe.ids[render.anchor("autograd")]
    assert section["tag"] == "details" and "open" in section
    assert not re.search(r'<body[^>]*class="[^"]*hide-', dom)  # no outcome hidden by default


def test_screenshot_is_a_png(sample_page, tmp_path):
    png = browser.screenshot(sample_page[1], tmp_path / "shot.png", width=1000, height=800)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_hostile_report_runs_no_injected_code(hostile):
    _, html = hostile
    dom = browser.dump_dom(html)
    assert re.search(r'<html[^>]*class="js"', dom)  # the page's own script did run
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-pwned" not in body
    assert "<title>pwned</title>" not in dom and "<img" not in dom
    assert HOSTILE.split("<img")[0].replace("<", "&lt;").replace(">", "&gt;") in dom  # shown as text


def test_tutorial_view_annotates_each_section_and_cell(tmp_path):
    """The tutorial view of the sample record: every spec section in order, each cell with its run's status."""
    record = sample_record()
    run = model.from_record(record)
    path = tmp_path / "tutorial.html"
    path.write_text(render.render_tutorial(run, "sample.html"), encoding="utf-8")
    dom = browser.dump_dom(path)
    assert re.search(r'<html[^>]*class="js"', dom)
    sections = [s.id for s in load_all()]
    assert re.findall(r'<section class="tutorial" id="tut-(\w+)"', dom) == sections
    failing = next(t for t in record["tests"] if t["outcome"] == "failed" and t["case"] != "walkthrough"
                   and any(c.id == t["case"] for s in load_all() if s.id == t["section"] for c in s.cases))
    link = f'href="sample.html#t-{render.anchor(failing["nodeid"])}"'
    block = re.search(rf'<section class="tutorial" id="tut-{failing["section"]}".*?</section>', dom, re.S).group(0)
    assert 'data-status="fail"' in block and link in block
    cause = next(c for c in run.root_causes if failing["nodeid"] in (t["nodeid"] for t in c.tests))
    assert cause.summary.replace("<", "&lt;").replace(">", "&gt;") in block
