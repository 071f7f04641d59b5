"""Running the conformance suite in a subprocess and reading its outcome, for the kit's own tests."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = Path(__file__).resolve().parent / "backends"

_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.M)
_HEADER = re.compile(r"^_{3,} (?:ERROR (?:at \w+ of |collecting )?)?(\S.*?) _{3,}$", re.M)
_KIT_FRAME = re.compile(r"^(?:conformance|reports)[/\\]\S+\.py:\d+", re.M)
_CHECK = re.compile(r"\[([a-z]+)-")


@dataclass
class Outcome:
    """One pytest run of the suite: exit code, full output, and each failed test's report text."""
    returncode: int
    output: str
    failed: list[str]
    reports: dict[str, str]

    def failed_kinds(self) -> set[str]:
        return {m.group(1) for test in self.failed if (m := _CHECK.search(test))}

    def kit_errors(self) -> dict[str, str]:
        """Failures that are not a readable kit report (`<id>: message`), with their text.

        A readable failure is the kit's own Mismatch text; anything else (a traceback through
        conformance/, a setup error, torch disagreeing with the spec) is a problem of the kit.
        """
        problems = {}
        for test in self.failed:
            text = self.reports.get(test, "")
            if (not text.startswith(f"{test}: ") or "Traceback (most recent call last)" in text
                    or _KIT_FRAME.search(text) or ": spec error:" in text.split("\n", 1)[0]):
                problems[test] = text or "(no failure report found)"
        if "INTERNALERROR" in self.output:
            problems["INTERNALERROR"] = self.output[-3000:]
        return problems

    def summary(self, limit: int = 4000) -> str:
        return f"exit {self.returncode}\n" + self.output[-limit:]


def _command(impl: str, select: str | None, extra) -> list[str]:
    # no:unraisableexception: its five gc.collect() passes over a heap holding torch cost ~40% of a short run.
    args = ["conformance", f"--impl={impl}", "-q", "-rfE", "-p", "no:cacheprovider", "-p", "no:unraisableexception",
            "--color=no", *extra]
    return args + (["-k", select] if select else [])


def _environment() -> dict:
    env = {**os.environ, "CI": "true", "COLUMNS": "400"}
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def _outcome(returncode: int, output: str) -> Outcome:
    failed = list(dict.fromkeys(_FAILED.findall(output)))
    return Outcome(returncode, output, failed, _reports(output))


def run_suite(impl: str, select: str | None = None, *extra: str, timeout: float = 600) -> Outcome:
    """`pytest conformance --impl=IMPL` in a fresh interpreter with the derandomized ci profile."""
    done = subprocess.run([sys.executable, "-m", "pytest", *_command(impl, select, extra)], cwd=ROOT,
                          env=_environment(), capture_output=True, text=True, timeout=timeout)
    return _outcome(done.returncode, done.stdout + done.stderr)


def _warm() -> None:
    """Import once, in the parent, what every child would otherwise import again."""
    import hypothesis  # noqa: F401
    import torch  # noqa: F401

    import conformance.conftest  # noqa: F401


class ForkedRun:
    """The same run in a forked child of this process, which has imported torch already.

    Importing torch costs seconds of CPU per interpreter; a fork skips that, which is what keeps
    thirty planted-bug runs cheap. The child is as isolated as a subprocess: its own pytest
    session, its own --impl, output in a file, and `os._exit` so nothing of the parent's runs
    at exit. It keeps torch to one intra-op thread: OpenMP thread pools do not survive a fork.
    """

    def __init__(self, impl: str, select: str | None = None, *extra: str):
        _warm()
        self.args = _command(impl, select, extra)
        self.log = tempfile.NamedTemporaryFile(prefix="kit-run-", suffix=".log", delete=False)
        sys.stdout.flush(), sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:
            self._child()
        self.log.close()
        self.returncode: int | None = None

    def _child(self) -> None:
        code = 3
        try:
            os.dup2(self.log.fileno(), 1)
            os.dup2(self.log.fileno(), 2)
            # The parent's pytest may have swapped sys.stdout for its capture: write to fds 1 and 2.
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            os.chdir(ROOT)
            os.environ.clear()
            os.environ.update(_environment())
            import pytest
            import torch

            torch.set_num_threads(1)
            code = int(pytest.main(self.args))
        except BaseException:  # noqa: BLE001 - the child must reach os._exit whatever happens
            traceback.print_exc()
        finally:
            sys.stdout.flush(), sys.stderr.flush()
            os._exit(code)

    def poll(self) -> bool:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode is not None

    def outcome(self) -> Outcome:
        while not self.poll():
            time.sleep(0.05)
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            output = log.read()
        os.unlink(self.log.name)
        return _outcome(self.returncode, output)

    def kill(self) -> None:
        if not self.poll():
            os.kill(self.pid, signal.SIGKILL)
            self.outcome()


def _reports(output: str) -> dict[str, str]:
    """Each failure section's text, keyed by the test id in its `____ id ____` header."""
    body = output.split("short test summary info", 1)[0]
    headers = list(_HEADER.finditer(body))
    reports = {}
    for header, following in zip(headers, headers[1:] + [None]):
        end = following.start() if following else len(body)
        text = body[header.end():end].strip("\n")
        reports[header.group(1)] = re.split(r"^=+ ", text, maxsplit=1, flags=re.M)[0].rstrip()
    return reports


class Runs:
    """Suite runs by name, several at once (one per core), each in a forked child.

    In a plain session every run the session's selected tests need is queued up front (slowest
    first), so they overlap. Under pytest-xdist each worker gets only some of the tests, so a
    run starts when its test asks and xdist provides the overlap.
    """

    def __init__(self, launch: Callable[[str], ForkedRun], wanted: list[str]):
        self.launch = launch
        self.under_xdist = "PYTEST_XDIST_WORKER" in os.environ
        self.queue = [] if self.under_xdist else list(wanted)
        self.parallel = 1 if self.under_xdist else max(2, os.cpu_count() or 2)
        self.running: dict[str, ForkedRun] = {}
        self.done: dict[str, Outcome] = {}

    def __getitem__(self, name: str) -> Outcome:
        if name not in self.running and name not in self.done:
            self.queue = [name] + [queued for queued in self.queue if queued != name]
        while name not in self.done:
            for finished in [n for n, run in self.running.items() if run.poll()]:
                self.done[finished] = self.running.pop(finished).outcome()
            while self.queue and len(self.running) < self.parallel:
                next_name = self.queue.pop(0)
                self.running[next_name] = self.launch(next_name)
            time.sleep(0.05)
        return self.done[name]

    def close(self) -> None:
        for run in self.running.values():
            run.kill()


def selected_params(request, param: str) -> set:
    """Values of `param` over the tests of the requesting module that this session will run."""
    return {item.callspec.params[param] for item in request.session.items
            if getattr(item, "module", None) is request.module and hasattr(item, "callspec") and param in item.callspec.params}
