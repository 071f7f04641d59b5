"""Hypothesis profiles: `dev` (default locally), `ci` (default under CI=true), `thorough`."""
from __future__ import annotations

import os

from hypothesis import Phase, settings

# ci: derandomized and database-free, so the same commit gives the same cases and the same report.
# It skips shrinking: drawn arrays are already small, and a gate must not spend minutes minimising
# failures it already knows about.
# report_multiple_bugs=False everywhere: one failure per test, with its repro, instead of an
# ExceptionGroup that would reach the report with no snippet.
settings.register_profile("ci", max_examples=8, derandomize=True, database=None, deadline=None, print_blob=False,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate], report_multiple_bugs=False)
settings.register_profile("dev", max_examples=25, deadline=None, report_multiple_bugs=False)
settings.register_profile("thorough", max_examples=300, deadline=None, report_multiple_bugs=False)


def default_profile() -> str:
    return "ci" if os.environ.get("CI") else "dev"
