"""One program run step by step in both worlds, compared after every step; a divergence stops it."""
from __future__ import annotations

import contextlib
import re
from types import ModuleType

from ..compare import is_tensor_like
from ..timeouts import run_with_timeout
from .worlds import Outcome, Step, World, builtin_type, describe_outcome, observe_all, same_field, shared_pairs, show

# How to print each observed field in a repro, `{v}` being the variable.
PROBES = {
    "dtype": "print({v}.dtype)", "device": "print({v}.device)", "shape": "print({v}.shape)",
    "stride": "print({v}.stride())", "storage_offset": "print({v}.storage_offset())",
    "is_contiguous": "print({v}.is_contiguous())", "requires_grad": "print({v}.requires_grad)",
    "is_leaf": "print({v}.is_leaf)", "grad_fn": "print({v}.grad_fn, {v}.grad_fn and {v}.grad_fn.next_functions)",
    "values": "print({v})", "repr": "print(repr({v}))", "grad": "print({v}.grad)",
    "strides": "print({v}.strides)", "writeable": "print({v}.flags.writeable)", "kind": "print(type({v}))",
}


class Divergence(AssertionError):
    """The implementation differs from torch after a step; `signature` names what differs (for root causes)."""

    def __init__(self, signature: str, message: str, expected: str, actual: str, steps: list[Step],
                 probe: str | None = None):
        super().__init__(message)
        self.signature, self.message, self.expected, self.actual = signature, message, expected, actual
        self.steps, self.probe = list(steps), probe


class Program:
    """Real torch and the implementation, fed the same steps; `step` raises Divergence on any difference."""

    def __init__(self, oracle: ModuleType, impl: ModuleType, device: str, timeout: float | None):
        self.expected, self.actual = World(oracle, device), World(impl, device)
        self.timeout = timeout
        self.steps: list[Step] = []
        self.last_outcome = Outcome()

    def step(self, step: Step) -> Outcome:
        """Run `step` in both worlds and compare everything observable; returns torch's outcome."""
        self.steps.append(step)
        with self._grad_mode(self.expected):
            want = self.last_outcome = self.expected.run(step)
            seen = self._observe(self.expected)
        box = []
        # The implementation's step and its observation run under the per-case timeout: a hang fails
        # with the step it hung in (CaseTimeout propagates through Hypothesis untouched).
        with self._grad_mode(self.actual):
            run_with_timeout(lambda: box.append((self.actual.run(step), self._observe(self.actual))), self.timeout)
        got, observed = box[0]
        self._compare_outcomes(step, want, got)
        self._compare_variables(step, seen, observed)
        return want

    def close(self) -> None:
        for world in (self.expected, self.actual):
            with self._grad_mode(world):
                world.close()

    @contextlib.contextmanager
    def _grad_mode(self, world: World):
        """Torch's grad mode as `world` left it: a backend built on torch (a proxy) shares torch's global
        mode, and the two worlds' no_grad blocks must not clobber each other. Only torch is touched."""
        oracle = self.expected.module
        outside = oracle.is_grad_enabled()
        oracle.set_grad_enabled(world.oracle_grad_mode)
        try:
            yield
        finally:
            world.oracle_grad_mode = oracle.is_grad_enabled()
            oracle.set_grad_enabled(outside)

    @staticmethod
    def _observe(world: World) -> tuple[dict, set]:
        variables = world.variables()
        return observe_all(variables, world.reprs), shared_pairs(variables)

    def _fail(self, signature, message, expected, actual, probe=None):
        raise Divergence(signature, message, expected, actual, self.steps, probe)

    def _compare_outcomes(self, step: Step, want: Outcome, got: Outcome) -> None:
        where = f"step {len(self.steps)} `{step.source().splitlines()[-1]}`"
        if (want.error is None) != (got.error is None):
            verb = "raises" if got.error is not None else "returns normally"
            self._fail("raises" if got.error is None else "must not raise",
                       f"{where}: the implementation {verb} where torch "
                       f"{'returns normally' if want.error is None else 'raises'}",
                       describe_outcome(want), describe_outcome(got))
        if want.error is not None:
            if builtin_type(want.error) != builtin_type(got.error):
                self._fail("exception type", f"{where}: the implementation raises {builtin_type(got.error)}, "
                           f"torch {builtin_type(want.error)}", describe_outcome(want), describe_outcome(got))
            if describe_outcome(Outcome(want.error)) != describe_outcome(Outcome(got.error)):
                self._fail("exception message", f"{where}: the exception's message differs",
                           describe_outcome(want), describe_outcome(got))
        if want.warnings != got.warnings:
            self._fail("warnings", f"{where}: the warnings differ", describe_outcome(want), describe_outcome(got))

    def _compare_variables(self, step: Step, seen, observed) -> None:
        (want_fields, want_pairs), (got_fields, got_pairs) = seen, observed
        where = f"after step {len(self.steps)} `{step.source().splitlines()[-1]}`"
        for name, fields in want_fields.items():
            if name not in got_fields:
                self._fail("missing variable", f"{where}: {name} is not defined in the implementation's world",
                           "defined", "undefined")
            dtype = fields.get("dtype") if isinstance(fields.get("dtype"), str) else None
            other = dict(_flat(got_fields[name]))
            for key, expected in _flat(fields):
                # A field the implementation could not produce at all (its .grad raised) reads as its parent.
                actual = other.get(key, other.get(key.split(".")[0], "<missing>"))
                if not same_field(key, expected, actual, dtype):
                    item = re.match(r"^\[(\d+)\]\.", key)
                    field_name = key[item.end():] if item else key
                    target = f"{name}[{item.group(1)}]" if item else name
                    probe = PROBES.get(field_name.split(".")[0], "print({v})").format(v=target)
                    self._fail(field_name, f"{where}: {name}.{key} differs", show(expected), show(actual), probe)
        if want_pairs != got_pairs:
            missing, extra = sorted(want_pairs - got_pairs), sorted(got_pairs - want_pairs)
            text = lambda pairs: ", ".join(f"{a}~{b}" for a, b in pairs) or "none"
            probe = None
            for a, b in missing + extra:
                probe = _sharing_probe(a, b, self.expected.scope)
                break
            self._fail("aliasing", f"{where}: which variables share memory differs: torch shares "
                       f"{text(missing)} that the implementation does not; the implementation shares "
                       f"{text(extra)} that torch does not",
                       f"shared: {text(sorted(want_pairs))}", f"shared: {text(sorted(got_pairs))}", probe)


def _sharing_probe(a: str, b: str, scope: dict) -> str:
    def array(name):
        return name if not is_tensor_like(scope.get(name)) else f"{name}.detach().numpy()"
    return f"print(np.shares_memory({array(a)}, {array(b)}))"


def _flat(fields: dict, prefix: str = ""):
    for key, value in fields.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield prefix + key, value
