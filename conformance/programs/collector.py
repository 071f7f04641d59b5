"""The `programs` section: one pytest item per theme, `programs::<theme>[program-any-<device>]`."""
from __future__ import annotations

import zlib

import pytest
from hypothesis import seed
from hypothesis.stateful import run_state_machine_as_test

from .. import blocking
from ..compare import Mismatch
from ..schema import KIT
from ..timeouts import CaseTimeout
from .differential import Divergence
from .machine import THEMES, XFAIL_BUDGET, Setup, budget, hypothesis_settings, machine_class
from .repro import minimise, render, replay
from .spec_rules import declared_away

SECTION = "programs"
TITLE = "Programs: random sequences of tutorial steps, compared after every step"
ORDER = 10_000  # after every tutorial section
CHECK = "program"
NEEDS = ("tensor_from_data", "numpy_readback", "autograd")


def program_test_ids(device: str) -> list[str]:
    """Every program test id for `device`, for the gate's stale-entry check."""
    return [f"{SECTION}::{theme}[{CHECK}-any-{device}]" for theme in THEMES]


class ProgramsNode(pytest.Collector):
    def collect(self):
        device = self.config.getoption("conformance_device")
        for theme in THEMES.values():
            yield ProgramItem.from_parent(self, name=f"{theme.name}[{CHECK}-any-{device}]", theme=theme,
                                          device=device)


class ProgramItem(pytest.Item):
    """One theme's campaign: `budget().programs` programs; the first divergence fails it, minimised."""

    def __init__(self, *, theme, device: str, **kwargs):
        super().__init__(**kwargs)
        self.theme, self.device = theme, device
        self.expected_failure = None  # set from --xfails-file at collection
        self.user_properties.extend([
            ("section", SECTION), ("section_title", TITLE), ("section_order", ORDER), ("case", theme.name),
            ("check", CHECK), ("dtype", "any"), ("device", device),
            ("tolerance", {"rtol": 1.3e-6, "atol": 1e-5, "note": "each value with its own dtype's tolerance; "
                           "printed text, strides, flags and exceptions exactly"}),
        ])

    def reportinfo(self):
        return __file__, 0, self.nodeid

    def setup(self):
        kit = self.config.stash[KIT]
        if kit.skip_reason:
            pytest.skip(kit.skip_reason)
        failed = kit.probes.first_failure(NEEDS)
        if failed is not None:
            root, verdict = failed
            root_id = blocking.FOUNDATIONS[root].test_id(self.device)
            self.user_properties.append(("blocked_by", root_id))
            pytest.skip(f"blocked by {root_id}: {verdict.message}")

    def runtest(self):
        kit = self.config.stash[KIT]
        plan = XFAIL_BUDGET if self.expected_failure is not None else budget()
        patterns = [entry.pattern for entry in kit.xfails.entries + kit.skips.entries]
        setup = Setup(self.theme, kit.oracle, kit.backend.module, self.device, kit.case_timeout,
                      declared_away=declared_away(patterns))
        machine = seed(zlib.crc32(self.nodeid.encode()))(machine_class(setup))
        try:
            run_state_machine_as_test(machine, settings=hypothesis_settings(plan))
        except Divergence as found:
            def run(steps):
                return replay(steps, kit.oracle, kit.backend.module, self.device, kit.case_timeout)
            self._fail(minimise(found, run, plan.minimise), kit.backend.import_line)
        except CaseTimeout as exc:
            steps = setup.last.steps if setup.last is not None else []
            mismatch = Mismatch(f"the implementation {exc} in step {len(steps)}{exc.where}; the run goes on",
                                "torch finishes the step", f"still running after {exc.seconds:g} s")
            mismatch.repro = render(steps, kit.backend.import_line, None, self.device)
            self._record(mismatch)
            raise mismatch from None

    def _fail(self, divergence: Divergence, import_line: str):
        mismatch = Mismatch(f"{divergence.signature}: {divergence.message} (a program of "
                            f"{len(divergence.steps)} steps)", divergence.expected, divergence.actual)
        mismatch.repro = render(divergence.steps, import_line, divergence.probe, self.device)
        self._record(mismatch)
        raise mismatch from None

    def _record(self, mismatch: Mismatch):
        self.user_properties.extend([("message", mismatch.message), ("expected", mismatch.expected),
                                     ("actual", mismatch.actual), ("repro", mismatch.repro)])

    def repr_failure(self, excinfo):
        error = excinfo.value
        if isinstance(error, Mismatch):
            return "\n".join([f"{self.nodeid}: {error.message}", "--- torch:", error.expected,
                              "--- implementation:", error.actual,
                              "--- repro (run it, then again with `import torch`):", error.repro])
        return super().repr_failure(excinfo)
