"""One module per check kind; CHECKS maps each kind to its body and how to repro it.

A check body takes a Context and (for input-driven checks) one drawn input set, runs the
case on both sides and raises compare.Mismatch (the implementation differs) or
runner.SpecDisagrees (torch itself contradicts the spec).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import distribution, errors, grad, graph, layout, memory, outputs, printing, walkthrough


@dataclass(frozen=True)
class Check:
    body: Callable
    draws_inputs: bool = True           # a Hypothesis loop over the case's inputs
    float_only: bool = False            # generated only for floating dtypes
    repro_steps: Callable | None = None  # (ctx, drawn) -> lines after `out = ...`


def _grad_steps(ctx, drawn):
    return grad.repro_steps(ctx, drawn)


CHECKS = {
    "values": Check(outputs.values),
    "shape": Check(outputs.shape, repro_steps=lambda ctx, drawn: ["print(out.shape, out.size())"]),
    "dtype": Check(outputs.dtype, repro_steps=lambda ctx, drawn: ["print(out.dtype)"]),
    "memory": Check(memory.memory, repro_steps=memory.repro_steps),
    "grad": Check(grad.grad, float_only=True, repro_steps=_grad_steps),
    "graph": Check(graph.graph, float_only=True, repro_steps=graph.repro_steps),
    "errors": Check(errors.errors, repro_steps=lambda ctx, drawn: ["# torch raises here; see the message"]),
    "warnings": Check(errors.warnings),
    "printing": Check(printing.printing),
    "rng": Check(outputs.rng),
    "distribution": Check(distribution.distribution, draws_inputs=False),
    "walkthrough": Check(walkthrough.walkthrough, draws_inputs=False),
    "layout": Check(layout.layout, repro_steps=layout.repro_steps),
}
