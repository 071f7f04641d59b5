"""`python -m conformance` and `tutorial-conformance`: the suite from any directory, as a clone's `pytest conformance` runs it.

Every argument is pytest's or the kit's (`--impl`, `--report`, `-n 2`, `-k`...), and the exit code is
pytest's (see the README's table). The run uses the kit's own pytest configuration (kit.ini), not
the current directory's, and imports `--impl` modules from the current directory as `python -m` does.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent
KIT_INI = PACKAGE_DIR / "kit.ini"


def pytest_args(argv: list[str]) -> list[str]:
    """The pytest command line that runs the kit with `argv`; later options win, so the user's may override ours."""
    # The package's path, not --pyargs: pytest then loads conformance/conftest.py before it parses
    # --impl, in the controller and in every xdist worker. The rootdir is the current directory, as
    # in a clone, so pytest prints test ids as they are (`add::inplace[...]`), not relative to site-packages.
    return ["-c", str(KIT_INI), "--rootdir", os.getcwd(), *argv, str(PACKAGE_DIR)]


def main(argv: list[str] | None = None) -> int:
    """Run the conformance suite with pytest options `argv` (default: the command line); return pytest's exit code."""
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:  # the console script too: `--impl=mybackend` from the checkout
        sys.path.insert(0, cwd)
    return int(pytest.main(pytest_args(sys.argv[1:] if argv is None else list(argv))))
