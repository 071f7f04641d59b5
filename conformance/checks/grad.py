"""The gradient check: every leaf's .grad against torch's, after one backward and after a second.

Leaves that require grad, one upstream gradient drawn from the inputs (the same on both sides),
then a second backward through the retained graph, which must accumulate into .grad. The graph's
structure (node names, requires_grad, is_leaf) is the graph check's business: a backend whose
nodes carry other names is still judged here on its gradients. Every leaf's mismatch in a round
is reported, not only the first.
"""
from __future__ import annotations

import zlib

import numpy as np

from ..compare import Mismatch, assert_same_values, describe, dtype_name, is_tensor_like
from ..inputs import NUMPY_DTYPES
from ..runner import Context, shortest
from ..spec import FLOAT_DTYPES


def grad_inputs(ctx: Context) -> tuple:
    """Differentiable inputs that are floating tensors in this dtype (ints cannot require grad)."""
    names = []
    for name in ctx.case.differentiable:
        spec = ctx.case.input(name)
        if spec.kind == "tensor" and (spec.dtype or ctx.dtype) in FLOAT_DTYPES:
            names.append(name)
    return tuple(names)


def receiver_of(ctx: Context, names: tuple) -> tuple:
    """An in-place op's receiver that requires grad is made a non-leaf first (torch forbids writing a leaf)."""
    return (ctx.case.inplace,) if ctx.case.inplace in names else ()


def node_name(node) -> str | None:
    return None if node is None else type(node).__name__


def upstream(drawn: dict, shape: tuple, dtype: str) -> np.ndarray:
    """A random upstream gradient, reproducible from the inputs alone."""
    seed = zlib.crc32(b"".join(np.asarray(d.data).tobytes() for d in drawn.values()))
    values = np.random.default_rng(seed).uniform(-2, 2, size=shape)
    return values.astype(NUMPY_DTYPES[dtype])


def run_differentiable(ctx: Context, drawn: dict):
    """The case in both modules with its differentiable inputs built as leaves: (names, torch's run, the
    implementation's run); an implementation that returns no tensor fails here, for the grad and graph checks alike."""
    names = grad_inputs(ctx)
    expected, actual = ctx.pair(drawn, names, nonleaf=receiver_of(ctx, names))
    if not is_tensor_like(actual.result):
        raise Mismatch(f"expected a tensor, got {describe(actual.result)}", describe(expected.result),
                       describe(actual.result))
    return names, expected, actual


def grad(ctx: Context, drawn: dict) -> None:
    """Each leaf's .grad equals torch's after backward(g), and after a second backward(g) accumulates."""
    names, expected, actual = run_differentiable(ctx, drawn)
    want, got = expected.result, actual.result
    if not want.requires_grad:
        return
    g = upstream(drawn, tuple(want.shape), dtype_name(want.dtype))
    for rounds in (1, 2):
        retain = rounds == 1
        # reshape: an empty result's g.tolist() is [] whatever its shape
        want.backward(ctx.oracle.tensor(g.tolist(), dtype=want.dtype, device=want.device).reshape(g.shape),
                      retain_graph=retain)
        # On the output's device, which need not be the run's: a.cpu() of a GPU tensor lives on the host.
        where = {} if want.device.type == "cpu" else {"device": str(want.device)}
        gradient = ctx.impl.tensor(g.tolist(), dtype=getattr(ctx.impl, dtype_name(want.dtype)), **where)
        if tuple(gradient.shape) != g.shape:
            gradient = gradient.reshape(g.shape)
        try:
            got.backward(gradient, retain_graph=retain)
        except Exception as exc:
            raise Mismatch(f"backward #{rounds} raised {type(exc).__name__}: {exc}", "gradients", describe(exc)) from None
        problems = [problem for name in names
                    if (problem := _leaf_problem(name, expected.leaves[name], actual.leaves[name], rounds))]
        if problems:
            raise Mismatch("; ".join(p.message for p in problems), "\n".join(p.expected for p in problems),
                           "\n".join(p.actual for p in problems))


def _leaf_problem(name: str, leaf_want, leaf_got, rounds: int) -> Mismatch | None:
    """What is wrong with one leaf's .grad after backward #rounds, or None."""
    label = f"{name}.grad after backward #{rounds}" + (" (accumulated)" if rounds == 2 else "")
    got = getattr(leaf_got, "grad", None)
    if got is None:
        return Mismatch(f"{label} is None; torch fills it", f"{name}.grad: {describe(leaf_want.grad)}", f"{name}.grad: None")
    try:
        assert_same_values(got, leaf_want.grad, label)
    except Mismatch as mismatch:
        return mismatch
    if dtype_name(got.dtype) != dtype_name(leaf_want.grad.dtype):
        return Mismatch(f"{label} has dtype {got.dtype}, torch {leaf_want.grad.dtype}",
                        str(leaf_want.grad.dtype), str(got.dtype))
    if str(getattr(got, "device", "cpu")) != str(leaf_want.grad.device):
        return Mismatch(f"{label} lives on {got.device}, torch's on {leaf_want.grad.device} "
                        "(a gradient lives on its leaf's device)", str(leaf_want.grad.device), str(got.device))
    return None


def repro_steps(ctx: Context, drawn: dict) -> list[str]:
    """Backward with the check's own upstream gradient, as a literal, then each leaf's .grad twice."""
    names = grad_inputs(ctx)
    out = ctx.run(ctx.oracle, drawn, names, nonleaf=receiver_of(ctx, names)).result
    leaves = [ctx.leaf_name(name, drawn, names, receiver_of(ctx, names)) for name in names]
    steps = []
    if is_tensor_like(out) and out.requires_grad:
        dtype = dtype_name(out.dtype)
        where = "" if out.device.type == "cpu" else f", device={str(out.device)!r}"
        g = shortest(upstream(drawn, tuple(out.shape), dtype))
        steps.append(f"g = torch.tensor({g!r}, dtype=torch.{dtype}{where}).reshape({list(out.shape)})"
                     "  # the check's upstream gradient")
    else:
        steps.append("g = torch.ones_like(out)  # torch's output does not require grad here")
    steps.append("out.backward(g, retain_graph=True)")
    steps += [f"print({leaf}.grad)" for leaf in leaves]
    steps += ["out.backward(g)  # accumulates"] + [f"print({leaf}.grad)" for leaf in leaves]
    return steps
