"""The results record: one JSON entry per test, written even when the run goes wrong.

The kit's conftest calls `add_options(parser)` and `configure(config)`; with `--report=PATH.html`
a `ResultsRecorder` collects every test report on the controller (pytest-xdist sends workers'
reports there), merges setup/call/teardown into one outcome per test, and at the end writes
`PATH.json` atomically and renders `PATH.html` from it with `reports.render`.

The JSON (format "conformance-results", format_version 2; the names are conformance/schema.py's):
  complete, interrupted, stop_reason, exitstatus, collected, not_run,
  environment: the kit's config.stash[schema.ENV] (impl, impl_version, impl_origin, device, device_name,
      profile, seed) plus python, numpy, torch, pytest, platform, command_line, started_at, wall_time_s, workers
  counts: {outcome: n} over passed, failed, error, skipped, xfailed, xpassed, blocked
  root_causes: [{summary, count, tests, sections, checks, representative, repro}], biggest first
  tests: [{nodeid, section, section_title, section_order, case, check, dtype, device, outcome, duration,
      message, repro, expected, actual, tolerance, hypothesis_seed, reason, blocked_by, cause, spec_file,
      spec_line, repro_verified, repro_note, longrepr, phases}]
in collection order. A crashed xdist worker's test is "failed" with xdist's "worker ... crashed" message;
Ctrl-C and SIGTERM stop the run with what ran written and interrupted = true.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import platform
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from reports.files import atomic_write_text
from reports.render import render_report, render_tutorial

from . import repro, rootcause
from .schema import ENV, FORMAT, FORMAT_VERSION, META_KEYS, OUTCOMES, SEVERITY, new_entry

# The record's names (format, outcomes, entry keys, severity) are the schema's: see conformance/schema.py.
# A test's full pytest failure text is kept for plain tests without a kit message, bounded so
# one runaway repr cannot make the record unreadable.
LONGREPR_LIMIT = 20_000


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance-report", "conformance results record and HTML report")
    group.addoption(
        "--report", metavar="PATH.html", default=None,
        help="write an HTML conformance report here, and its JSON record next to it",
    )
    group.addoption(
        "--report-json", metavar="PATH", default=None,
        help="where to write the JSON record (default: the --report path with a .json suffix)",
    )
    group.addoption(
        "--verify-repros", choices=("auto", "yes", "no"), default="auto",
        help="run each failing test's repro once under each module and mark it verified or not "
             "(auto: when a --report or --report-json is written)",
    )


def configure(config: pytest.Config) -> None:
    """Register the recorder on the controller (never on an xdist worker)."""
    if hasattr(config, "workerinput"):
        return
    html = config.getoption("report", None)
    json_path = config.getoption("report_json", None)
    if not html and not json_path:
        return
    if html and not json_path:
        json_path = str(Path(html).with_suffix(".json"))
    config.pluginmanager.register(ResultsRecorder(config, json_path, html), "conformance-record")


# ---------------------------------------------------------------- merging phases into one entry

def _jsonable(value):
    """Values from backends may be anything; the record keeps JSON types and the text of the rest."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
    else:
        reason = str(getattr(report, "longreprtext", "") or longrepr or "")
    return reason.removeprefix("Skipped: ")


def _failure_text(report) -> tuple[str, str]:
    """(one-line message, full text) of a failed report, for tests without a kit message."""
    full = getattr(report, "longreprtext", "") or str(report.longrepr or "")
    crash = getattr(getattr(report.longrepr, "reprcrash", None), "message", None)
    line = crash or (full.strip().splitlines() or [""])[-1]
    return line, full[-LONGREPR_LIMIT:]


def phase_outcome(report) -> str:
    """What one phase says about the test, in the record's vocabulary."""
    when = report.when
    if hasattr(report, "wasxfail"):
        if report.skipped:
            return "xfailed"
        if report.passed:
            return "xpassed"
    if report.failed:
        # "???" is pytest-xdist's report for a test whose worker crashed: the test failed.
        return "failed" if when in ("call", "???") else "error"
    if report.skipped:
        return "skipped"
    return "passed"


def merge_report(entry: dict, report) -> None:
    """Fold one phase report (setup/call/teardown, or xdist's crash report) into the entry."""
    props = dict(_jsonable(list(p)) for p in (report.user_properties or ()) if len(p) == 2)
    for key in META_KEYS:
        if props.get(key) is not None:
            entry[key] = props[key]
    entry["duration"] = round(entry["duration"] + float(getattr(report, "duration", 0.0) or 0.0), 6)
    entry["phases"].append(report.when)
    if report.outcome not in ("passed", "failed", "skipped"):
        return  # e.g. pytest-rerunfailures' "rerun": the final attempt's reports decide

    outcome = phase_outcome(report)
    if report.when == "teardown" and outcome == "passed":
        return
    if outcome == "skipped" and entry.get("blocked_by"):
        outcome = "blocked"
    if outcome in ("skipped", "blocked"):
        entry["reason"] = _skip_reason(report)
    elif outcome in ("xfailed", "xpassed"):
        entry["reason"] = report.wasxfail or None
    elif outcome in ("failed", "error"):
        line, full = _failure_text(report)
        if entry["message"] is None:
            entry["message"] = line
        entry["longrepr"] = full if entry["longrepr"] is None else entry["longrepr"] + "\n\n" + full
    current = entry["outcome"]
    if current is None or SEVERITY[outcome] > SEVERITY[current]:
        entry["outcome"] = outcome


# ---------------------------------------------------------------- environment

def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        mod = sys.modules.get(dist)
        return getattr(mod, "__version__", None)


def environment(config: pytest.Config, started: float, wall: float, workers: int) -> dict:
    kit_env = config.stash.get(ENV, None)
    env = {k: _jsonable(v) for k, v in (kit_env or {}).items()} if isinstance(kit_env, dict) else {}
    for key in ("impl", "impl_version", "impl_origin", "device", "device_name", "profile", "seed"):
        env.setdefault(key, None)
    env.update({
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "torch": _version("torch"),
        "pytest": _version("pytest"),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "command_line": [str(a) for a in config.invocation_params.args],
        "started_at": datetime.datetime.fromtimestamp(started, datetime.timezone.utc).isoformat(timespec="seconds"),
        "wall_time_s": round(wall, 3),
        "workers": workers,
    })
    return env


# ---------------------------------------------------------------- the plugin

class ResultsRecorder:
    """Collects reports on the controller and writes the record (and HTML) at the end."""

    def __init__(self, config: pytest.Config, json_path: str, html_path: str | None):
        self.config = config
        self.json_path = json_path
        self.html_path = html_path
        self.entries: dict[str, dict] = {}
        self.collected: list[str] = []
        self.workers: set[str] = set()
        self.started = time.time()
        self.t0 = time.perf_counter()
        self.interrupted = False
        self.stop_reason: str | None = None  # "SIGTERM", "KeyboardInterrupt", pytest's -x/maxfail or collection reason
        self._sigterm_installed = False
        self.exitstatus: int | None = None
        self.problems: list[str] = []  # reports we could not fold in
        self.write_problems: list[str] = []  # from the latest write only
        self.written: list[str] = []

    def _entry(self, nodeid: str) -> dict:
        if nodeid not in self.entries:
            self.entries[nodeid] = new_entry(nodeid)
        return self.entries[nodeid]

    # -- collecting

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not self.collected:
            self.collected = [item.nodeid for item in session.items]

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids) -> None:
        if not self.collected:
            self.collected = list(ids)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodeready(self, node) -> None:
        self.workers.add(str(getattr(node.gateway, "id", node)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            entry = self._entry(report.nodeid or "<collection>")
            line, full = _failure_text(report)
            entry.update(outcome="error", message=f"collection error: {line}", longrepr=full)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        try:
            merge_report(self._entry(report.nodeid), report)
        except Exception as exc:  # a strange report must not cost us the whole record
            self.problems.append(f"could not record {report.nodeid}: {exc!r}")

    # -- stopping: SIGTERM (CI timeouts, `kill`) ends the run like Ctrl-C, so the record is still written

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, self._on_sigterm)
            self._sigterm_installed = True

    def _on_sigterm(self, signum, frame) -> None:
        self.stop_reason = "SIGTERM"
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM kills as usual
        raise KeyboardInterrupt("SIGTERM")

    # -- writing

    def pytest_keyboard_interrupt(self, excinfo) -> None:
        self.interrupted = True
        # pytest also stops this way on collection errors ("Interrupted: 1 error during collection")
        detail = str(excinfo.value)
        self.stop_reason = self.stop_reason or (f"{excinfo.typename}: {detail}" if detail else excinfo.typename)
        self.write()

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        self.exitstatus = int(exitstatus)
        if not self.stop_reason and (session.shouldfail or session.shouldstop):
            self.stop_reason = str(session.shouldfail or session.shouldstop)
        if self.exitstatus == int(pytest.ExitCode.INTERRUPTED):
            self.interrupted = True
        self.write()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self._sigterm_installed and signal.getsignal(signal.SIGTERM) == self._on_sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if not self.written:  # sessionfinish never ran (e.g. an internal error)
            self.write()

    def pytest_terminal_summary(self, terminalreporter) -> None:
        for line in self.problems + self.write_problems:
            terminalreporter.write_line(f"conformance report: {line}", red=True)
        for path in self.written:
            terminalreporter.write_line(f"conformance report: {path}")

    def record(self) -> dict:
        order = {nodeid: i for i, nodeid in enumerate(self.collected)}
        ordered = sorted(self.entries.values(), key=lambda e: (order.get(e["nodeid"], len(order)), e["nodeid"]))
        tests = [dict(e) for e in ordered]  # copies: a write mid-run must not change what later reports merge into
        for entry in tests:
            if entry["outcome"] is None:  # only a setup report arrived before the run stopped
                entry["outcome"] = "error"
                entry["message"] = entry["message"] or "the test did not finish"
        missing = [nodeid for nodeid in self.collected if nodeid not in self.entries]
        ok_exit = self.exitstatus in (None, 0, 1, 5)
        counts = {o: 0 for o in OUTCOMES}
        for entry in tests:
            counts[entry["outcome"]] += 1
        if not self.interrupted:  # a stopped run is written as it stands, without minutes more of subprocesses
            repro.verify_entries(self.config, tests)
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "complete": not self.interrupted and ok_exit and not missing and self.exitstatus is not None,
            "interrupted": self.interrupted,
            "stop_reason": self.stop_reason,
            "exitstatus": self.exitstatus,
            "collected": len(self.collected),
            "not_run": len(missing),
            "environment": environment(self.config, self.started, time.perf_counter() - self.t0, len(self.workers)),
            "counts": counts,
            "root_causes": [cause.to_json() for cause in rootcause.group(tests)],
            "tests": tests,
        }

    def write(self) -> None:
        """Write JSON, then HTML; any failure is reported, never raised into pytest."""
        self.written = []
        self.write_problems = []
        try:
            record = self.record()
            atomic_write_text(self.json_path, json.dumps(record, indent=1, sort_keys=False) + "\n")
            self.written.append(str(self.json_path))
        except Exception as exc:
            self.write_problems.append(f"could not write {self.json_path}: {exc!r}")
            print(f"conformance report: could not write {self.json_path}: {exc!r}", file=sys.stderr)
            return
        if not self.html_path:
            return
        tutorial = Path(self.html_path).with_suffix(".tutorial.html")  # report.html -> report.tutorial.html
        pages = ((self.html_path, lambda: render_report(record)),
                 (tutorial, lambda: render_tutorial(record, Path(self.html_path).name)))
        for path, render in pages:
            try:
                atomic_write_text(path, render())
                self.written.append(str(path))
            except Exception as exc:
                self.write_problems.append(f"could not render {path}: {exc!r} (the JSON is complete)")
                print(f"conformance report: could not render {path}: {exc!r}", file=sys.stderr)
