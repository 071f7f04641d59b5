"""Hypothesis profiles: `dev` (default locally), `ci` (default under CI=true), `thorough`."""
from __future__ import annotations

import os

from hypothesis import Phase, settings

# ci: derandomized and database-free, so the same commit gives the same cases and the same report.
# It skips shrinking: drawn arrays are already small, and a gate must not spend minutes minimising
# failures it already knows about.
settings.register_profile("ci", max_examples=8, derandomize=True, database=None, deadline=None, print_blob=False,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=300, deadline=None)


def default_profile() -> str:
    return "ci" if os.environ.get("CI") else "dev"
