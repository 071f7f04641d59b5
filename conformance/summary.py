"""The gate's one-screen terminal summary, and the exit code's strict-xfails rule.

Registered on the controller only (pytest-xdist sends workers' reports there). Phases are merged
into one outcome per test with the record's own `merge_report`, so the summary and the report
can never disagree about what happened.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from collections import Counter

import pytest

from . import repro, rootcause
from .record import merge_report
from .schema import SCORED, check_rank, new_entry

WORST = 10
CAUSES = 10  # root causes listed; the rest are counted
SHOWN = ("passed", "failed", "error", "xfailed", "xpassed", "blocked", "skipped")

# The exit-code contract (README, "Gate your backend"). pytest owns 0-5; 6 is ours.
EXIT_BACKEND_IMPORT = 6


class GateSummary:
    def __init__(self, config, backend, oracle_version: str, stale: list, files: dict):
        self.config, self.backend, self.oracle_version = config, backend, oracle_version
        self.stale, self.files = stale, files
        self.strict = config.getoption("conformance_strict_xfails")
        self.entries: dict[str, dict] = {}

    def pytest_runtest_logreport(self, report) -> None:
        entry = self.entries.setdefault(report.nodeid, new_entry(report.nodeid))
        try:
            merge_report(entry, report)
        except Exception:  # a report we cannot read must not break the run; the record notes it
            pass

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session):
        result = yield
        if self.strict and self.outcomes()["xpassed"]:
            session.testsfailed += self.outcomes()["xpassed"]  # exit 1: the xfails file must be updated
        return result

    def outcomes(self) -> Counter:
        return Counter(entry["outcome"] for entry in self.entries.values())

    # ---------------------------------------------------------------- the summary

    def pytest_terminal_summary(self, terminalreporter, exitstatus) -> None:
        write = terminalreporter.write_line
        width = shutil.get_terminal_size((120, 24)).columns
        terminalreporter.write_sep("=", "conformance gate")
        write(f"backend   {self.backend.name} {self.backend.version} from {_shown_path(self.backend.origin)}")
        device = self.config.getoption("conformance_device")
        files = ", ".join(f"--{kind}-file={path}" for kind, path in self.files.items() if path) or "none"
        write(f"oracle    torch {self.oracle_version} on {device}; gate files: {files}")
        counts = self.outcomes()
        write("counts    " + ", ".join(f"{counts[o]} {o}" for o in SHOWN))
        scored = sum(counts[o] for o in SCORED)
        if scored:
            write(f"score     {100 * counts['passed'] / scored:.1f}% = passed / (passed + failed + error + blocked)"
                  f" = {counts['passed']}/{scored}")
        for label, key in (("sections", "section"), ("checks", "check")):
            write(_wrap(label, self._scores(key), width))
        self._root_causes(write, width)
        failures = [e for e in self.entries.values() if e["outcome"] in ("failed", "error")]
        if failures:
            write(f"failures  {len(failures)}" + (f", first {WORST}:" if len(failures) > WORST else ":"))
            for entry in failures[:WORST]:
                write(_clip(f"  {entry['nodeid']}: {_first_line(entry)}", width))
        xpassed = [e for e in self.entries.values() if e["outcome"] == "xpassed"]
        if xpassed:
            rule = "this fails the gate under --strict-xfails" + ("" if self.strict else ", not set")
            write(f"xpassed   {len(xpassed)} listed in --xfails-file now pass: remove their entries ({rule})",
                  yellow=True)
            for entry in xpassed[:WORST]:
                write(_clip(f"  {entry['nodeid']}  ({entry['reason']})", width), yellow=True)
        for entry in self.stale:
            write(_clip(f"stale     {entry.where()}: {entry.pattern!r} matches no test (# {entry.text()})", width),
                  yellow=True)
        write(f"verdict   {_verdict(int(exitstatus))}", bold=True, red=int(exitstatus) != 0, green=int(exitstatus) == 0)

    def _scores(self, key: str) -> list[str]:
        groups: dict[str, Counter] = {}
        order: dict[str, float] = {}
        for entry in self.entries.values():
            name = entry.get(key) or "other"
            groups.setdefault(name, Counter())[entry["outcome"]] += 1
            order.setdefault(name, entry.get("section_order", 0) if key == "section" else check_rank(name))
        parts = []
        for name in sorted(groups, key=lambda n: (order[n], n)):
            c = groups[name]
            scored = sum(c[o] for o in SCORED)
            extra = "".join(f" +{c[o]} {o}" for o in ("xfailed", "xpassed") if c[o])
            parts.append(f"{name} {c['passed']}/{scored}{extra}" if scored else f"{name} -")
        return parts

    def _root_causes(self, write, width: int) -> None:
        """The failures grouped by root cause, biggest first: what to fix to make the most tests pass."""
        entries = list(self.entries.values())
        repro.verify_entries(self.config, entries)
        causes = rootcause.group(entries)
        if not causes:
            return
        total = sum(cause.count for cause in causes)
        shown = causes[:CAUSES]
        listed = (f"; the first {len(shown)} explain {sum(c.count for c in shown)}" if len(causes) > len(shown)
                  else "")
        write(f"causes    {len(causes)} root cause{'s' if len(causes) != 1 else ''} of {total} failed, errored or "
              f"blocked tests, biggest first{listed}:", red=True)
        for cause in shown:
            rep = cause.representative
            verified = f" [repro {rep['repro_verified']}]" if rep.get("repro_verified") else ""
            where = ", ".join(cause.sections[:4]) + (" ..." if len(cause.sections) > 4 else "")
            write(_clip(f"  {cause.count:>4}  {cause.summary}  ({where}; e.g. {rep['nodeid']}{verified})", width))
        for root, count in Counter(e["blocked_by"] for e in entries if e["outcome"] == "blocked").most_common():
            write(_clip(f"blocked   {count} tests by {root}", width), red=True)


def _shown_path(origin: str) -> str:
    """A path under the current directory as a relative one (shorter, and the same on every machine); others as they are."""
    head, sep, rest = origin.partition(" (")  # "path (entry point ...)"
    try:
        path = Path(head).resolve()
        if path.is_relative_to(Path.cwd().resolve()):
            return os.path.relpath(path) + sep + rest
    except (OSError, ValueError):
        pass
    return origin


def _first_line(entry: dict) -> str:
    text = entry.get("message") or entry.get("reason") or entry.get("outcome") or ""
    return " ".join(str(text).split())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 40)] + "…"


def _wrap(label: str, parts: list[str], width: int) -> str:
    lines, line = [], f"{label:<10}"
    for part in parts:
        if len(line) + len(part) + 3 > width and line.strip() != label:
            lines.append(line.rstrip(" ·"))
            line = " " * 10
        line += part + " · "
    lines.append(line.rstrip(" ·"))
    return "\n".join(lines)


def _verdict(exitstatus: int) -> str:
    return {
        0: "PASS (exit 0)",
        1: "FAIL (exit 1): failures, or an unexpected pass under --strict-xfails",
        2: "INTERRUPTED (exit 2)",
        3: "KIT ERROR (exit 3)",
        4: "USAGE ERROR (exit 4)",
        5: "NO TESTS RAN (exit 5): check -k / the skips file",
    }.get(exitstatus, f"exit {exitstatus}")
