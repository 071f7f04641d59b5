"""The graph check: the autograd graph's structure, judged apart from the gradient values.

`requires_grad`, `is_leaf` and the `grad_fn` node's name of the output must be torch's. A
backend whose nodes carry other names (candle calls every node `Node`) fails here and only
here: the grad check still judges its gradients. Every mismatching property is reported.
"""
from __future__ import annotations

from ..compare import Mismatch
from ..runner import Context, SpecDisagrees
from .grad import node_name, run_differentiable

PROPERTIES = ("requires_grad", "is_leaf", "grad_fn")


def _property(obj, name: str):
    value = getattr(obj, name, None)
    return node_name(value) if name == "grad_fn" else value


def graph(ctx: Context, drawn: dict) -> None:
    """requires_grad, is_leaf and the grad_fn's name equal torch's, all of them reported at once."""
    _, expected, actual = run_differentiable(ctx, drawn)
    want, got = expected.result, actual.result
    if ctx.case.grad_fn and node_name(want.grad_fn) != ctx.case.grad_fn:
        raise SpecDisagrees(f"spec error: torch's grad_fn is {node_name(want.grad_fn)}, the spec says {ctx.case.grad_fn}")
    differ = [(name, _property(want, name), _property(got, name)) for name in PROPERTIES
              if _property(got, name) != _property(want, name)]
    if differ:
        raise Mismatch("; ".join(f"out.{name} is {got_value!r}, torch gives {want_value!r}"
                                 for name, want_value, got_value in differ),
                       "\n".join(f"{name}={value!r}" for name, value, _ in differ),
                       "\n".join(f"{name}={value!r}" for name, _, value in differ))


def repro_steps(ctx: Context, drawn: dict) -> list[str]:
    return ["print(out.requires_grad, out.is_leaf, type(out.grad_fn).__name__ if out.grad_fn is not None else None)"]
