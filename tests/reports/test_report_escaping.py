"""Nothing injected: backend strings are text in the report, whatever they contain."""

from __future__ import annotations

import json

from html_probe import Probe
from kit_fakes import HOSTILE, by_name
from reports import render


def assert_inert(html: str) -> None:
    assert html.count("<script") == 1  # ours, at the end
    assert "<img" not in html and "onerror=\"" not in html
    assert "&lt;script&gt;document.body.setAttribute" in html
    assert not [t for t, a in Probe(html).tags if t == "img" or any(k.startswith("on") for k in a)]


def test_hostile_backend_strings_are_escaped_in_the_report(hostile):
    record, html = hostile
    tests = by_name(record)
    assert tests["test_hostile"]["actual"] == HOSTILE  # the record keeps the data as it was
    assert tests["test_hostile_skip"]["outcome"] == "blocked"
    assert tests["test_hostile_xfail"]["reason"] == HOSTILE
    text = html.read_text()
    assert_inert(text)
    assert text.count("&lt;img src=x onerror=") >= 8  # message, repro, both values, titles, reasons ...


def test_hostile_strings_in_a_comparison_are_escaped(hostile):
    record, _ = hostile
    other = json.loads(json.dumps(record))
    other["tests"][0]["outcome"] = "passed"
    assert_inert(render.render_compare([record, other]))
