"""Render results records to self-contained HTML with Jinja2 (autoescape on, no external fetches).

The page carries a Content-Security-Policy that allows only its own inline script (by hash) and
inline styles, so even a string that escaped escaping could not run code or load anything.
"""

from __future__ import annotations

import base64
import hashlib
import math
from pathlib import Path

import jinja2

from . import model, tutorial

TEMPLATES = Path(__file__).with_name("templates")
FAILURES_LISTED = 50  # the headline list of failures; every one is still in its section

# Outcome colours, shared by the CSS legend and the SVG donut.
COLOURS = {
    "passed": "#2e7d32", "failed": "#c62828", "error": "#7f0000", "blocked": "#e0a000",
    "xfailed": "#f0b860", "xpassed": "#8e24aa", "skipped": "#9e9e9e",
}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = model.percent
    env.filters["anchor"] = anchor
    env.filters["seconds"] = seconds
    env.filters["show"] = show
    env.globals.update(COLOURS=COLOURS, OUTCOMES=model.OUTCOMES, SCORED=model.SCORED, FAILURES_LISTED=FAILURES_LISTED)
    return env


def anchor(text: str) -> str:
    """A safe id fragment for a section key (ids stay unique for distinct keys)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(text))
    digest = hashlib.sha1(str(text).encode()).hexdigest()[:6]
    return f"sec-{safe}-{digest}"


def seconds(value) -> str:
    try:
        s = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{s:.3f}s" if s < 10 else f"{s:.1f}s"


def show(value) -> str:
    """Text of a record value for display (dicts such as tolerances as k=v)."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(show, value))
    return str(value)


def donut(counts, radius: float = 52.0) -> list[dict]:
    """Arcs of a ring chart as stroke-dasharray segments, one per non-zero outcome."""
    total = sum(counts[o] for o in model.OUTCOMES)
    circumference = 2 * math.pi * radius
    arcs, start = [], 0.0
    for outcome in model.OUTCOMES:
        n = counts[outcome]
        if not n or not total:
            continue
        length = circumference * n / total
        arcs.append({
            "outcome": outcome, "colour": COLOURS[outcome], "n": n,
            "dash": f"{length:.3f} {circumference - length:.3f}", "offset": f"{-start:.3f}",
        })
        start += length
    return arcs


def _script(name: str) -> tuple[str, str]:
    """The inline script's text and its CSP hash source."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return text, f"'sha256-{digest}'"


def _as_run(record_or_run, source: str = "") -> model.Run:
    if isinstance(record_or_run, model.Run):
        return record_or_run
    return model.from_record(record_or_run, source)


def render_report(record_or_run) -> str:
    """HTML for one run, from a record dict (as written by conformance.record) or a loaded Run."""
    run = _as_run(record_or_run)
    script, script_hash = _script("report.js")
    return _environment().get_template("report.html.j2").render(
        run=run, donut=donut(run.counts), script=script, script_hash=script_hash,
    )


def render_tutorial(record_or_run, report_href: str = "") -> str:
    """HTML of the tutorial view: the tutorial top-down, each section and code cell with the run's results."""
    run = _as_run(record_or_run)
    script, script_hash = _script("report.js")
    return _environment().get_template("tutorial.html.j2").render(
        run=run, sections=tutorial.build(run), report_href=report_href, script=script, script_hash=script_hash,
    )


def render_compare(records_or_runs) -> str:
    """HTML comparing several runs side by side."""
    runs = [_as_run(r) for r in records_or_runs]
    if len(runs) < 2:
        raise ValueError("a comparison needs at least two results records")
    script, script_hash = _script("report.js")
    return _environment().get_template("compare.html.j2").render(
        runs=runs, labels=model.labels_for(runs), sections=model.compare(runs),
        script=script, script_hash=script_hash,
    )
