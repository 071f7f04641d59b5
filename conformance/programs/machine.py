"""Themes (which rules a program draws from) and the Hypothesis state machine that runs them.

Each theme is one test id, so a backend can xfail one theme and root causes group by theme. A theme's
rules are generators from rules.py and spec_rules.py; the machine applies them to two worlds at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable

from hypothesis import HealthCheck, Phase, Verbosity, reject, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from . import rules as r
from .differential import Divergence, Program
from .spec_rules import spec_call


@dataclass(frozen=True)
class Theme:
    name: str
    summary: str
    rules: tuple[Callable, ...]
    dtypes: tuple[str, ...] = r.COMMON_DTYPES
    special_values: bool = False
    prefer_tracked: bool = True  # operands are mostly tensors autograd tracks


_ALL_RULES = (r.create, r.view, r.inplace, r.setitem, r.binary, r.reduce, r.convert, r.grad_flags, r.backward,
              r.grad_read, r.grad_mode, r.numpy_bridge, spec_call)

# A rule listed twice is drawn twice as often: how a theme leans on what it is about.
THEMES = {theme.name: theme for theme in (
    Theme("views_no_grad", "views made and used inside and outside (nested) no_grad blocks, then backward",
          (r.create, r.view, r.view, r.grad_mode, r.grad_mode, r.grad_mode, r.binary, r.reduce, r.backward,
           r.grad_read, r.inplace)),
    Theme("inplace_versions", "in-place writes through views and x[idx] = v, then backward and .grad",
          (r.create, r.view, r.view, r.inplace, r.inplace, r.setitem, r.backward, r.grad_flags, r.binary,
           r.reduce)),
    Theme("autograd_flags", "requires_grad_, detach, .data, retain_grad, backward with gradient= and "
          "retain_graph, reading .grad and grad_fn",
          (r.create, r.grad_flags, r.grad_flags, r.backward, r.backward, r.grad_read, r.grad_mode, r.binary,
           r.reduce, r.view)),
    Theme("numpy_bridge", "numpy() and from_numpy() sharing memory, writes on the NumPy side",
          (r.create, r.numpy_bridge, r.numpy_bridge, r.view, r.inplace, r.setitem, r.convert)),
    Theme("mixed_dtypes", "every dtype, nan/inf/-0.0, 0-dim and empty tensors through arithmetic and casts",
          (r.create, r.create, r.binary, r.binary, r.convert, r.reduce, r.inplace, spec_call), r.ALL_DTYPES, True, False),
    Theme("spec_calls", "the spec's own call spellings chained on each other's results",
          (r.create, spec_call, spec_call, r.grad_mode, r.backward, r.view)),
    Theme("everything", "every rule, every dtype", _ALL_RULES, r.ALL_DTYPES),
)}


@dataclass(frozen=True)
class Budget:
    programs: int          # Hypothesis examples: one program each
    steps: int             # at most this many steps a program
    shrink: bool           # let Hypothesis shrink the failing program (the step minimiser always runs)
    minimise: int          # replays the step minimiser may spend on one divergence


# Per profile, per theme. ci keeps the whole programs section to a few seconds of each of 2 cores.
BUDGETS = {
    "ci": Budget(programs=15, steps=20, shrink=False, minimise=60),
    "dev": Budget(programs=40, steps=30, shrink=True, minimise=300),
    "thorough": Budget(programs=600, steps=50, shrink=True, minimise=1000),
}
XFAIL_BUDGET = Budget(programs=2, steps=18, shrink=False, minimise=0)


def budget() -> Budget:
    """The current Hypothesis profile's budget; an unknown profile runs its max_examples as programs."""
    known = BUDGETS.get(settings.get_current_profile_name())
    if known is not None:
        return known
    return Budget(programs=settings.default.max_examples, steps=30, shrink=True, minimise=300)


def hypothesis_settings(plan: Budget) -> settings:
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if plan.shrink else [])
    return settings(settings.default, max_examples=plan.programs, stateful_step_count=plan.steps, deadline=None,
                    suppress_health_check=list(HealthCheck), phases=phases, report_multiple_bugs=False,
                    verbosity=Verbosity.quiet)  # the kit prints its own repro, not Hypothesis's rule calls


@dataclass
class Setup:
    """What every machine of one test needs; `last` is the program that ran last (for a timeout's repro)."""
    theme: Theme
    oracle: ModuleType
    impl: ModuleType
    device: str
    timeout: float | None
    last: Program | None = None
    known: Callable[[Divergence], bool] | None = None  # a campaign skips divergences it has listed already
    declared_away: frozenset = frozenset()  # spec cases the backend's xfails/skips files list: not drawn


class ProgramMachine(RuleBasedStateMachine):
    """Two worlds and the helpers the rules read them through (torch's world: it is the oracle)."""

    kit: Setup

    def __init__(self):
        super().__init__()
        self.theme, self.device = self.kit.theme, self.kit.device
        self.program = Program(self.kit.oracle, self.kit.impl, self.device, self.kit.timeout)
        self.kit.last = self.program
        self.counters: dict[str, int] = {}

    def new_name(self, prefix: str = "v") -> str:
        self.counters[prefix] = self.counters.get(prefix, -1) + 1
        return f"{prefix}{self.counters[prefix]}"

    def scope_value(self, name: str):
        return self.program.expected.scope[name]

    def tensors(self) -> list[str]:
        tensor = self.kit.oracle.Tensor
        return [name for name, value in self.program.expected.variables().items() if isinstance(value, tensor)]

    def arrays(self) -> list[str]:
        return [name for name, value in self.program.expected.variables().items()
                if type(value).__name__ == "ndarray"]

    def shape(self, name: str) -> tuple:
        return tuple(self.scope_value(name).shape)

    def dtype(self, name: str) -> str:
        return str(self.scope_value(name).dtype).rsplit(".", 1)[-1]

    def requires_grad(self, name: str) -> bool:
        return self._flag(name, lambda value: bool(value.requires_grad))

    def _flag(self, name: str, read) -> bool:
        try:
            return read(self.scope_value(name))
        except RuntimeError:  # torch refuses to read is_leaf/grad_fn of a no_grad view whose base was overwritten
            return False

    def open_blocks(self) -> list[str]:
        return list(self.program.expected.open)

    def pick(self, draw, names: list[str], prefer: Callable[[str], bool] | None = None) -> str | None:
        """A live variable from `names`; three times in four from those `prefer` likes, when there are any."""
        if not names:
            return None
        liked = [name for name in names if prefer(name)] if prefer is not None else []
        if liked and draw(st.integers(0, 3)) > 0:
            return draw(st.sampled_from(liked))
        return draw(st.sampled_from(names))

    def tracked(self, name: str) -> bool:
        return self.theme.prefer_tracked and self.requires_grad(name)

    def tracked_view(self, name: str) -> bool:
        """A view of a tensor autograd tracks (read on torch's side, which is the oracle)."""
        return self._flag(name, lambda value: bool(value.requires_grad) and value._base is not None)

    def tracked_result(self, name: str) -> bool:
        return self._flag(name, lambda value: bool(value.requires_grad) and not value.is_leaf)

    def apply(self, generator, data) -> None:
        step = generator(self, data.draw)
        if step is None:
            return
        try:
            self.program.step(step)
        except Divergence as divergence:
            if self.kit.known is not None and self.kit.known(divergence):
                reject()  # the worlds differ from here on: end this program, look for new divergences
            raise

    def teardown(self):
        self.program.close()


def machine_class(setup: Setup) -> type:
    """A state machine bound to this test's modules whose one rule applies one of the theme's generators.

    One rule drawing the generator, rather than a Hypothesis rule per generator: Hypothesis switches whole
    rules off for some programs (swarm testing), which at a ci budget of a dozen programs leaves many
    that only repeat one kind of step. Drawing it keeps the theme's weights in every program.
    """
    generators = setup.theme.rules

    def start(self, data):
        for _ in range(2):
            self.apply(r.create, data)

    def step(self, data):
        self.apply(data.draw(st.sampled_from(generators)), data)

    return type(f"Programs_{setup.theme.name}", (ProgramMachine,), {
        "kit": setup, "start": initialize(data=st.data())(start), "step": rule(data=st.data())(step)})
