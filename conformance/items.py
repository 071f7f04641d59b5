"""Pytest nodes generated from the spec: section -> case x check x dtype x device.

Test ids read `section::case[check-dtype-device]`, so a backend can opt out of exactly one
combination. Each item is one check; input-driven checks run a Hypothesis loop with the
tutorial's own example first.
"""
from __future__ import annotations

import traceback

import pytest
from hypothesis import HealthCheck, example, given, settings

from .checks import CHECKS
from .compare import Mismatch
from .inputs import case_inputs, example_inputs
from .runner import Context, SpecDisagrees
from .spec import FLOAT_DTYPES, Case, Section, load_all


def unexpected(exc: Exception, check: str) -> Mismatch:
    """An exception escaping while the kit used the implementation's objects: a readable failure.

    Whatever the backend does (raise inside `add_`, return a list where a tensor belongs), the
    user sees which call broke and where, not a traceback through the kit's internals.
    """
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" (raised at {frame.filename}:{frame.lineno} in {frame.name})" if frame else ""
    return Mismatch(f"the {check} check failed: {type(exc).__name__}: {exc}{where}",
                    "torch completes this step", f"{type(exc).__name__}: {exc}")


class SpecSuite(pytest.File):
    """Stands for conformance/test_sections.py: yields one collector per spec section."""

    def collect(self):
        for section in load_all():
            yield SectionNode.from_parent(self, name=section.id, nodeid=section.id, section=section)


class SectionNode(pytest.Collector):
    def __init__(self, *, section: Section, **kwargs):
        super().__init__(**kwargs)
        self.section = section

    def collect(self):
        for case in self.section.cases:
            for check in case.checks:
                for dtype in case.dtypes:
                    if CHECKS[check].float_only and dtype not in FLOAT_DTYPES:
                        continue
                    yield self._item(case.id, check, dtype, case.devices, case=case)
        walk = self.section.walkthrough
        if walk is not None:
            for dtype in walk.dtypes:
                yield self._item("walkthrough", "walkthrough", dtype, walk.devices, case=None)

    def _item(self, case_id, check, dtype, devices, case):
        device = self.config.getoption("conformance_device")
        return CheckItem.from_parent(
            self, name=f"{case_id}[{check}-{dtype}-{device}]", section=self.section, case=case,
            case_id=case_id, check=check, dtype=dtype, device=device, devices=devices)


class CheckItem(pytest.Item):
    def __init__(self, *, section: Section, case: Case | None, case_id: str, check: str, dtype: str,
                 device: str, devices: tuple, **kwargs):
        super().__init__(**kwargs)
        self.section, self.case, self.case_id, self.check = section, case, case_id, check
        self.dtype, self.device, self.devices = dtype, device, devices
        self.user_properties.extend([
            ("section", section.id), ("section_title", section.title), ("section_order", section.order),
            ("case", case_id), ("check", check), ("dtype", dtype), ("device", device),
        ])

    def reportinfo(self):
        return self.section.path, None, self.nodeid

    def setup(self):
        if self.device not in self.devices:
            pytest.skip(f"the spec runs this case on {', '.join(self.devices)} only, not {self.device}")
        kit = self.config._conformance
        if kit.skip_reason:
            pytest.skip(kit.skip_reason)

    def runtest(self):
        kit = self.config._conformance
        ctx = Context(case=self.case, dtype=self.dtype, device=self.device, impl=kit.backend.module,
                      oracle=kit.oracle, impl_import=kit.backend.import_line, walkthrough=self.section.walkthrough)
        check = CHECKS[self.check]
        try:
            if check.draws_inputs:
                self._hypothesis_loop(ctx, check)
            else:
                try:
                    check.body(ctx)
                except (Mismatch, SpecDisagrees):
                    raise
                except Exception as exc:
                    raise unexpected(exc, self.check) from exc
        except Mismatch as mismatch:
            self.user_properties.extend([
                ("message", mismatch.message), ("expected", mismatch.expected), ("actual", mismatch.actual),
                ("repro", mismatch.repro),
            ])
            raise
        except SpecDisagrees as problem:
            self.user_properties.append(("message", str(problem)))
            raise

    def _hypothesis_loop(self, ctx: Context, check) -> None:
        case = self.case

        def body(drawn):
            try:
                try:
                    check.body(ctx, drawn)
                except (Mismatch, SpecDisagrees):
                    raise
                except Exception as exc:
                    raise unexpected(exc, self.check) from exc
            except Mismatch as mismatch:
                steps = check.repro_steps(ctx, drawn) if check.repro_steps else None
                grad_names = case.differentiable if self.check == "grad" else ()
                nonleaf = (case.inplace,) if self.check == "grad" and case.inplace in grad_names else ()
                mismatch.repro = ctx.repro(drawn, grad_names, after=steps, nonleaf=nonleaf)
                raise

        test = given(drawn=case_inputs(case, self.dtype))(body)
        explicit = example_inputs(case, self.dtype)
        if explicit is not None:
            test = example(drawn=explicit)(test)
        test = settings(deadline=None, suppress_health_check=list(HealthCheck))(test)
        test()

    def repr_failure(self, excinfo):
        error = excinfo.value
        if isinstance(error, Mismatch):
            parts = [f"{self.nodeid}: {error.message}"]
            if error.expected or error.actual:
                parts += ["--- torch:", error.expected, "--- implementation:", error.actual]
            if error.repro:
                parts += ["--- repro (run it, then again with `import torch`):", error.repro]
            return "\n".join(parts)
        if isinstance(error, SpecDisagrees):
            return f"{self.nodeid}: {error}"
        return super().repr_failure(excinfo)
