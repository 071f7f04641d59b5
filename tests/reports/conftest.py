"""Shared fixtures: one real serial run of the fake suite, reused by the record and render tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The helpers next to this file import as top-level modules under any --import-mode.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from kit_fakes import hostile_run, load_json, run_pytest, write_suite  # noqa: E402


@pytest.fixture(scope="session")
def serial_run(tmp_path_factory):
    """(record, html path, completed process) of the fake suite run serially with --report."""
    folder = write_suite(tmp_path_factory.mktemp("serial"))
    html = folder / "out" / "report.html"
    proc = run_pytest(folder, f"--report={html}")
    assert html.with_suffix(".json").exists(), proc.stdout + proc.stderr
    return load_json(html.with_suffix(".json")), html, proc


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """(record, html path) of a run whose backend strings are all HTML/JS injections."""
    return hostile_run(tmp_path_factory.mktemp("hostile"))
