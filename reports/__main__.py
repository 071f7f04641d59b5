"""Command line: re-render, compare, or photograph results records.

    python -m reports render RESULTS.json -o REPORT.html
    python -m reports compare A.json B.json C.json -o COMPARE.html
    python -m reports screenshot REPORT.html -o reports/screenshot.png
"""

from __future__ import annotations

import argparse
import sys

from . import browser, model, render
from .files import atomic_write_text


def _render(args) -> str:
    run = model.load(args.results)
    atomic_write_text(args.output, render.render_report(run))
    return f"{args.output}: {run.label}, score {model.percent(run.score)}, {len(run.tests)} tests"


def _tutorial(args) -> str:
    run = model.load(args.results)
    atomic_write_text(args.output, render.render_tutorial(run, args.report_href))
    return f"{args.output}: the tutorial view of {run.label}, score {model.percent(run.score)}"


def _compare(args) -> str:
    runs = [model.load(p) for p in args.results]
    atomic_write_text(args.output, render.render_compare(runs))
    scores = [f"{label} {model.percent(run.score)}" for label, run in zip(model.labels_for(runs), runs)]
    return f"{args.output}: " + " vs ".join(scores)


def _screenshot(args) -> str:
    return str(browser.screenshot(args.report, args.output, args.width, args.height))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports", description="Conformance report tools.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("render", help="render one results JSON to a self-contained HTML report")
    p.add_argument("results", help="results JSON written by `pytest conformance --report=...`")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.set_defaults(func=_render)

    p = sub.add_parser("tutorial", help="the tutorial top-down, each section and code cell annotated with one run")
    p.add_argument("results", help="results JSON written by `pytest conformance --report=...`")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--report-href", default="", help="the full report's address, for links to failures")
    p.set_defaults(func=_tutorial)

    p = sub.add_parser("compare", help="compare several results JSON files side by side")
    p.add_argument("results", nargs="+", help="two or more results JSON files")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.set_defaults(func=_compare)

    p = sub.add_parser("screenshot", help="PNG of an HTML report, via headless Chromium")
    p.add_argument("report", help="HTML report")
    p.add_argument("-o", "--output", required=True, help="PNG file to write")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=1400)
    p.set_defaults(func=_screenshot)

    args = parser.parse_args(argv)
    if args.command == "compare" and len(args.results) < 2:
        parser.error("compare needs at least two results files")
    try:
        print(args.func(args))
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
