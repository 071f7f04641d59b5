"""Cutting a diverging program down to the fewest steps, and writing it out as a runnable repro."""
from __future__ import annotations

from types import ModuleType

from .differential import Divergence, Program
from .worlds import Step


def replay(steps: list[Step], oracle: ModuleType, impl: ModuleType, device: str,
           timeout: float | None) -> Divergence | None:
    """Run `steps` in two fresh worlds; the divergence they show, or None (also when a step names a
    variable an earlier, deleted step defined: such a program is not a candidate)."""
    program = Program(oracle, impl, device, timeout)
    try:
        for step in steps:
            outcome = program.step(step)
            if isinstance(outcome.error, NameError):
                return None
    except Divergence as divergence:
        return None if isinstance(program.last_outcome.error, NameError) else divergence
    finally:
        program.close()
    return None


def minimise(divergence: Divergence, run, replays: int) -> Divergence:
    """Delete steps (a block's enter and exit together) while the same kind of divergence remains.

    `run(steps)` replays a candidate; at most `replays` of them, a count rather than a time so that the
    ci profile's repros are the same on every run, however loaded the machine.
    """
    best = divergence
    changed = True
    while changed and replays > 0:
        changed = False
        i = len(best.steps) - 1
        while i >= 0 and replays > 0:
            candidate = _without(best.steps, i)
            if candidate is not None and len(candidate) < len(best.steps):
                replays -= 1
                found = run(candidate)
                if found is not None and found.signature == best.signature:
                    best, changed = found, True
                    i = min(i, len(best.steps))
            i -= 1
    return best


def _without(steps: list[Step], i: int) -> list[Step] | None:
    """`steps` minus step i; deleting a block's entry deletes its exit too, and an exit alone is kept."""
    step = steps[i]
    if step.kind == "exit":
        return None
    if step.kind == "enter":
        return [s for j, s in enumerate(steps) if j != i and not (s.kind == "exit" and s.name == step.name)]
    return steps[:i] + steps[i + 1:]


def render(steps: list[Step], impl_import: str, probe: str | None, device: str) -> str:
    """The program as straight-line Python, `with` blocks for no_grad/enable_grad, then the probe that shows it."""
    text = " ".join(step.code for step in steps) + (probe or "")
    lines = [impl_import] + (["import numpy as np"] if "np." in text else [])
    if "device" in text:
        lines.append(f"device = {device!r}")
    depth = 0
    for step in steps:
        pad = "    " * depth
        if step.kind == "enter":
            lines.append(f"{pad}with {step.code}:")
            depth += 1
        elif step.kind == "exit":
            if lines[-1].rstrip().endswith(":"):
                lines.append(f"{pad}pass")
            depth -= 1
        else:
            lines.extend(pad + line for line in step.code.splitlines())
    if lines[-1].rstrip().endswith(":"):
        lines.append("    " * depth + "pass")
    if probe:
        lines.append("    " * depth + probe)
    return "\n".join(lines)
