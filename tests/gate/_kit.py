"""Running the conformance kit in a subprocess, as a backend author's CI job does."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BACKENDS = Path(__file__).resolve().parent / "backends"


@dataclass
class Run:
    returncode: int
    output: str          # stdout and stderr together
    record: dict | None  # the JSON results record, when the run wrote one

    def outcomes(self) -> dict:
        return {t["nodeid"]: t["outcome"] for t in self.record["tests"]}

    def test(self, nodeid: str) -> dict:
        return next(t for t in self.record["tests"] if t["nodeid"] == nodeid)


def run_kit(*args: str, tmp_path: Path, env: dict | None = None, timeout: float = 240) -> Run:
    """`python -m pytest conformance ARGS` from the repository root, CI profile, with a JSON record."""
    record = tmp_path / "record.json"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HYPOTHESIS"))}
    clean.update({"CI": "true", "COLUMNS": "200", **(env or {})})
    clean = {k: v for k, v in clean.items() if v is not None}  # None: unset it (`CI=""` still counts as CI)
    # no:unraisableexception: its gc passes over a heap holding torch cost a large part of a short run.
    command = [sys.executable, "-m", "pytest", str(REPO / "conformance"), "-p", "no:cacheprovider",
               "-p", "no:unraisableexception", "-q",
               f"--report-json={record}", *args]
    # Run from tmp_path: Hypothesis keeps its example database in the working directory, and a
    # database shared between runs would make one run's failures cheap for the next.
    done = subprocess.run(command, cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=timeout)
    data = json.loads(record.read_text()) if record.exists() else None
    return Run(done.returncode, done.stdout + done.stderr, data)


def backend(name: str) -> str:
    return f"--impl={BACKENDS / name}"
