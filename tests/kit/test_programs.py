"""The program machinery itself: worlds stay apart, divergences are found and cut down, repros run."""
from __future__ import annotations

import pytest
import torch

from conformance.programs.differential import Divergence, Program
from conformance.programs.repro import minimise, render, replay
from conformance.programs.worlds import Outcome, Step, describe_outcome
from tests.kit.backends import bugs
from tests.kit.suite import ForkedRun

NESTED = [Step("v0 = torch.tensor([1.0, 2.0], requires_grad=True)"),
          Step("torch.no_grad()", "enter", "_g0"), Step("torch.no_grad()", "enter", "_g1"),
          Step("", "exit", "_g1"), Step("v1 = v0 * 2"), Step("", "exit", "_g0"), Step("v2 = v0 * 2")]


def _run(impl, steps):
    program = Program(torch, impl, "cpu", None)
    try:
        for step in steps:
            program.step(step)
    finally:
        program.close()
    return program


def test_each_world_keeps_its_own_grad_mode_when_both_are_torch():
    # The proxy shares torch's global grad mode; without isolation the second world's blocks clobber the first's.
    program = _run(bugs.no_grad_view_copies, NESTED)
    assert program.expected.scope["v1"].requires_grad is False
    assert program.expected.scope["v2"].requires_grad is True
    assert torch.is_grad_enabled()


def test_a_leaky_no_grad_exit_is_a_divergence_at_the_step_that_shows_it():
    with pytest.raises(Divergence) as caught:
        _run(bugs.no_grad_exit_enables, NESTED)
    assert caught.value.signature in ("requires_grad", "grad_fn", "is_leaf")
    assert len(caught.value.steps) == 5
    assert torch.is_grad_enabled()


def test_minimise_keeps_only_the_steps_the_divergence_needs():
    steps = [Step("v9 = torch.zeros(3)"), *NESTED[:5], Step("v8 = torch.ones(2)")]
    with pytest.raises(Divergence) as caught:
        _run(bugs.no_grad_exit_enables, steps)
    small = minimise(caught.value, lambda s: replay(s, torch, bugs.no_grad_exit_enables, "cpu", None), 100)
    assert [s.code for s in small.steps if s.kind == "code"] == ["v0 = torch.tensor([1.0, 2.0], requires_grad=True)",
                                                                 "v1 = v0 * 2"]
    assert sum(s.kind == "enter" for s in small.steps) == 2, "both blocks are needed: one alone restores correctly"


def test_render_writes_blocks_as_with_statements_and_runs():
    text = render(NESTED, "import torch", "print(v1.requires_grad, v2.requires_grad)", "cpu")
    assert "with torch.no_grad():\n    with torch.no_grad():\n        pass\n    v1 = v0 * 2\nv2 = v0 * 2" in text
    scope: dict = {}
    exec(text, scope)
    assert scope["v1"].requires_grad is False and scope["v2"].requires_grad is True


@pytest.mark.parametrize("name", ["add_returns_list", "repr_raises", "grad_fn_missing"])
def test_a_backend_that_breaks_the_rules_fails_programs_readably(name):
    # Garbage from the backend is a divergence with a repro, never a traceback from inside the kit.
    outcome = ForkedRun(f"tests.kit.backends.broken:{name}", "programs and views_no_grad").outcome()
    assert outcome.failed == ["programs::views_no_grad[program-any-cpu]"], outcome.summary()
    assert outcome.kit_errors() == {}, outcome.summary()
    assert "--- repro" in outcome.reports[outcome.failed[0]], outcome.summary()


def test_messages_compare_without_torchs_source_locations():
    """An internal assertion names torch's source file and line, which move between builds; the rest of the
    message still counts."""
    at = 'x INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp":998, please report.'
    moved = 'x INTERNAL ASSERT FAILED at "/opt/torch/engine.cpp":1010, please report.'
    other = 'y INTERNAL ASSERT FAILED at "/opt/torch/engine.cpp":1010, please report.'
    assert describe_outcome(Outcome(RuntimeError(at))) == describe_outcome(Outcome(RuntimeError(moved)))
    assert describe_outcome(Outcome(RuntimeError(at))) != describe_outcome(Outcome(RuntimeError(other)))


def test_messages_compare_without_torchs_cpp_stack_trace():
    """unflatten's wrapped errors end in torch's C++ stack trace (frame addresses of one build); the message
    before it still counts."""
    def wrapped(message, trace):
        return RuntimeError(f"unflatten got an unexpected error:\n{message}\nException raised from {trace}")
    torch_side = wrapped("only one dimension can be inferred", "infer_size_impl at InferSize.h:30\nframe #0: 0x7f")
    assert describe_outcome(Outcome(torch_side)) == describe_outcome(
        Outcome(RuntimeError("unflatten got an unexpected error:\nonly one dimension can be inferred")))
    assert describe_outcome(Outcome(torch_side)) != describe_outcome(
        Outcome(RuntimeError("unflatten got an unexpected error:\ninvalid shape dimension -2")))
