"""Pytest nodes generated from the spec: section -> case x check x dtype x device.

Test ids read `section::case[check-dtype-device]`, so a backend can opt out of exactly one
combination. Each item is one check; input-driven checks run a Hypothesis loop with the
tutorial's own example first.
"""
from __future__ import annotations

import random
import traceback
import zlib

import pytest
from hypothesis import HealthCheck, Phase, example, given, seed, settings

from . import blocking, rootcause
from .repro import spec_location
from .checks import CHECKS, grad
from .compare import OVERRIDES, Mismatch
from .inputs import case_inputs, example_inputs
from .programs.collector import SECTION as PROGRAMS, ProgramsNode, program_test_ids
from .runner import Context, SpecDisagrees
from .schema import KIT
from .spec import FLOAT_DTYPES, Case, Section, load_all
from .timeouts import CaseTimeout, run_with_timeout

# An expected failure (listed in --xfails-file) runs its tutorial example and a couple of draws,
# never shrinks: a gate must not spend minutes minimising a failure it already knows about.
XFAIL_EXAMPLES = 2
GRAPH_CHECKS = ("grad", "graph")  # their repros build the differentiable inputs as leaves that require grad


def unexpected(exc: Exception, check: str) -> Mismatch:
    """An exception escaping while the kit used the implementation's objects: a readable failure.

    Whatever the backend does (raise inside `add_`, return a list where a tensor belongs), the
    user sees which call broke and where, not a traceback through the kit's internals.
    """
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" (raised at {frame.filename}:{frame.lineno} in {frame.name})" if frame else ""
    return Mismatch(f"the {check} check failed: {type(exc).__name__}: {exc}{where}",
                    "torch completes this step", f"{type(exc).__name__}: {exc}")


# Check kinds generated from another kind the spec lists: every `grad` case also gets its graph judged.
DERIVED_CHECKS = {"grad": ("graph",)}


def derived_checks(case: Case) -> tuple[str, ...]:
    """The case's own check kinds, each followed by the kinds derived from it (no spec file lists them)."""
    kinds: list[str] = []
    for check in case.checks:
        kinds += [kind for kind in (check, *DERIVED_CHECKS.get(check, ())) if kind not in kinds]
    return tuple(kinds)


def section_tests(section: Section):
    """(case id, check, dtype, devices, case) of every test one section generates, in order."""
    for case in section.cases:
        for check in derived_checks(case):
            for dtype in case.dtypes:
                if CHECKS[check].float_only and dtype not in FLOAT_DTYPES:
                    continue
                yield case.id, check, dtype, case.devices, case
    walk = section.walkthrough
    if walk is not None:
        for dtype in walk.dtypes:
            yield "walkthrough", "walkthrough", dtype, walk.devices, None


def all_test_ids(device: str) -> list[str]:
    """Every test id the kit generates for `device`, whatever -k or xdist select: for stale gate entries."""
    ids = [foundation.test_id(device) for foundation in blocking.FOUNDATIONS.values()]
    for section in load_all():
        ids += [f"{section.id}::{case_id}[{check}-{dtype}-{device}]"
                for case_id, check, dtype, _, _ in section_tests(section)]
    return ids + program_test_ids(device)


class SpecSuite(pytest.File):
    """Stands for conformance/test_sections.py: the foundations, then one collector per spec section."""

    def collect(self):
        yield FoundationNode.from_parent(self, name=blocking.SECTION, nodeid=blocking.SECTION)
        for section in load_all():
            yield SectionNode.from_parent(self, name=section.id, nodeid=section.id, section=section)
        yield ProgramsNode.from_parent(self, name=PROGRAMS, nodeid=PROGRAMS)


class FoundationNode(pytest.Collector):
    def collect(self):
        device = self.config.getoption("conformance_device")
        for foundation in blocking.FOUNDATIONS.values():
            yield FoundationItem.from_parent(self, name=f"{foundation.name}[{device}]", foundation=foundation,
                                             device=device)


class FoundationItem(pytest.Item):
    """One foundation probe as a test: the single place its failure is reported."""

    def __init__(self, *, foundation: blocking.Foundation, device: str, **kwargs):
        super().__init__(**kwargs)
        self.foundation, self.device = foundation, device
        self.expected_failure = None
        self.user_properties.extend([
            ("section", blocking.SECTION), ("section_title", "Foundations every check stands on"),
            ("section_order", 0), ("case", foundation.name), ("check", "foundation"), ("dtype", "float32"),
            ("device", device), ("tolerance", {"rtol": 0.0, "atol": 0.0}),
        ])

    def reportinfo(self):
        return blocking.__file__, 0, self.nodeid

    def setup(self):
        kit = self.config.stash[KIT]
        if kit.skip_reason:
            pytest.skip(kit.skip_reason)

    def runtest(self):
        verdict = self.config.stash[KIT].probes.verdict(self.foundation.name)
        if verdict.blocked_by:
            self.user_properties.append(("blocked_by", blocking.FOUNDATIONS[verdict.blocked_by].test_id(self.device)))
            self.user_properties.append(("cause", rootcause.signature(verdict.message)))
            pytest.skip(verdict.message)
        if not verdict.ok:
            message = (f"foundation broken: {self.foundation.summary}, but {verdict.message}. "
                       f"Tests that need it are reported as blocked by {self.nodeid}")
            self.user_properties.extend([("message", message), ("cause", rootcause.signature(verdict.message))])
            raise blocking.FoundationFailed(message)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, blocking.FoundationFailed):
            return f"{self.nodeid}: {excinfo.value}"
        return super().repr_failure(excinfo)


class SectionNode(pytest.Collector):
    def __init__(self, *, section: Section, **kwargs):
        super().__init__(**kwargs)
        self.section = section

    def collect(self):
        for case_id, check, dtype, devices, case in section_tests(self.section):
            yield self._item(case_id, check, dtype, devices, case=case)

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
        self.expected_failure = None  # the --xfails-file entry naming this test, set at collection
        self.tolerances = self.config.stash[KIT].tolerances.table(self.nodeid)
        self.user_properties.extend([
            ("section", section.id), ("section_title", section.title), ("section_order", section.order),
            ("case", case_id), ("check", check), ("dtype", dtype), ("device", device),
            ("tolerance", self._tolerance_used()),
            *zip(("spec_file", "spec_line"), spec_location(section, case_id)),
        ])

    def _tolerance_used(self) -> dict:
        """The (rtol, atol) this test's value comparisons use, for the report's tolerance column."""
        if self.check == "rng" or (self.case is not None and self.case.seeded):
            return {"rtol": 0.0, "atol": 0.0, "note": "random streams compare exactly"}
        dtype = "float32" if self.dtype == "any" else self.dtype
        rtol, atol = self.tolerances.get(dtype, (0.0, 0.0))
        used = {"rtol": rtol, "atol": atol}
        if self.dtype == "any":
            used["note"] = "float32's; each output is compared with its own dtype's tolerance"
        return used

    def reportinfo(self):
        return self.section.path, 0, self.nodeid  # a line is required by skip markers (--skips-file)

    def setup(self):
        if self.device not in self.devices:
            pytest.skip(f"the spec runs this case on {', '.join(self.devices)} only, not {self.device}")
        kit = self.config.stash[KIT]
        if kit.skip_reason:
            pytest.skip(kit.skip_reason)
        failed = kit.probes.first_failure(blocking.needs(self.section, self.case, self.check))
        if failed is not None:
            root, verdict = failed
            root_id = blocking.FOUNDATIONS[root].test_id(self.device)
            self.user_properties.extend([("blocked_by", root_id), ("cause", rootcause.signature(verdict.message))])
            pytest.skip(f"blocked by {root_id}: {verdict.message}")

    def runtest(self):
        token = OVERRIDES.set(self.tolerances)
        try:
            run_with_timeout(self._run, self.config.stash[KIT].case_timeout)
        except CaseTimeout as exc:
            call = f" in `{self.case.call}`" if self.case is not None else ""
            mismatch = Mismatch(f"the {self.check} check {exc}{call}{exc.where}; the run goes on",
                                "torch finishes", f"still running after {exc.seconds:g} s")
            self.user_properties.extend([("message", mismatch.message), ("expected", mismatch.expected),
                                         ("actual", mismatch.actual)])
            raise mismatch from None
        finally:
            OVERRIDES.reset(token)

    def _run(self):
        kit = self.config.stash[KIT]
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
                ("cause", rootcause.signature(mismatch.message, f"{self.section.id}::{self.case_id}", self.check)),
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
                grad_names = grad.grad_inputs(ctx) if self.check in GRAPH_CHECKS else ()
                nonleaf = grad.receiver_of(ctx, grad_names)
                mismatch.repro = ctx.repro(drawn, grad_names, after=steps, nonleaf=nonleaf)
                raise

        test = given(drawn=case_inputs(case, self.dtype))(body)
        explicit = example_inputs(case, self.dtype)
        if explicit is not None:
            test = example(drawn=explicit)(test)
        if self.expected_failure is not None:
            test = settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=XFAIL_EXAMPLES,
                            phases=[Phase.explicit, Phase.generate], database=None)(test)
        else:
            test = settings(deadline=None, suppress_health_check=list(HealthCheck))(test)
        test = seed(self._seed())(test)
        test()

    def _seed(self) -> int:
        """The Hypothesis seed this test draws with, recorded so a failure can be drawn again.

        Derandomized profiles: one fixed seed per test id (without it Hypothesis derives the seed from
        the body's source, the same closure for every test, re-reading it each time: ~10% of a ci run).
        Otherwise --hypothesis-seed when given, else a fresh random one.
        """
        given_seed = self.config.getoption("hypothesis_seed", None)
        if settings.default.derandomize:
            chosen = zlib.crc32(self.nodeid.encode())
        elif given_seed is not None:
            chosen = int(given_seed) if str(given_seed).isdigit() else zlib.crc32(str(given_seed).encode())
        else:
            chosen = random.getrandbits(32)
        self.user_properties.append(("hypothesis_seed", chosen))
        return chosen

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
