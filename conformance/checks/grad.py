"""The gradient check: grad_fn names, graph flags, and every leaf's .grad against torch's.

Leaves that require grad, one upstream gradient drawn from the inputs (the same on both sides),
then a second backward through the retained graph, which must accumulate into .grad.
"""
from __future__ import annotations

import zlib

import numpy as np

from ..compare import Mismatch, assert_same_values, describe, dtype_name, is_tensor_like
from ..inputs import NUMPY_DTYPES
from ..runner import Context, SpecDisagrees
from ..spec import FLOAT_DTYPES


def grad_inputs(ctx: Context) -> tuple:
    """Differentiable inputs that are floating tensors in this dtype (ints cannot require grad)."""
    names = []
    for name in ctx.case.differentiable:
        spec = ctx.case.input(name)
        if spec.kind == "tensor" and (spec.dtype or ctx.dtype) in FLOAT_DTYPES:
            names.append(name)
    return tuple(names)


def node_name(node) -> str | None:
    return None if node is None else type(node).__name__


def upstream(drawn: dict, shape: tuple, dtype: str) -> np.ndarray:
    """A random upstream gradient, reproducible from the inputs alone."""
    seed = zlib.crc32(b"".join(np.asarray(d.data).tobytes() for d in drawn.values()))
    values = np.random.default_rng(seed).uniform(-2, 2, size=shape)
    return values.astype(NUMPY_DTYPES[dtype])


def grad(ctx: Context, drawn: dict) -> None:
    names = grad_inputs(ctx)
    receiver = (ctx.case.inplace,) if ctx.case.inplace in names else ()
    expected, actual = ctx.pair(drawn, names, nonleaf=receiver)
    want, got = expected.result, actual.result
    if not is_tensor_like(got):
        raise Mismatch(f"expected a tensor, got {describe(got)}", describe(want), describe(got))
    if ctx.case.grad_fn and node_name(want.grad_fn) != ctx.case.grad_fn:
        raise SpecDisagrees(f"spec error: torch's grad_fn is {node_name(want.grad_fn)}, the spec says {ctx.case.grad_fn}")
    for attribute in ("requires_grad", "is_leaf"):
        if getattr(got, attribute, None) != getattr(want, attribute):
            raise Mismatch(f"out.{attribute} is {getattr(got, attribute, None)!r}, torch gives {getattr(want, attribute)!r}",
                           repr(getattr(want, attribute)), repr(getattr(got, attribute, None)))
    if node_name(getattr(got, "grad_fn", None)) != node_name(want.grad_fn):
        raise Mismatch(f"out.grad_fn is {node_name(got.grad_fn)}, torch gives {node_name(want.grad_fn)}",
                       node_name(want.grad_fn), node_name(got.grad_fn))
    if not want.requires_grad:
        return
    g = upstream(drawn, tuple(want.shape), dtype_name(want.dtype))
    for rounds in (1, 2):
        retain = rounds == 1
        want.backward(ctx.oracle.tensor(g.tolist(), dtype=want.dtype, device=want.device), retain_graph=retain)
        # On the output's device, which need not be the run's: a.cpu() of a GPU tensor lives on the host.
        where = {} if want.device.type == "cpu" else {"device": str(want.device)}
        gradient = ctx.impl.tensor(g.tolist(), dtype=getattr(ctx.impl, dtype_name(want.dtype)), **where)
        try:
            got.backward(gradient, retain_graph=retain)
        except Exception as exc:
            raise Mismatch(f"backward #{rounds} raised {type(exc).__name__}: {exc}", "gradients", describe(exc)) from None
        for name in names:
            leaf_want, leaf_got = expected.leaves[name], actual.leaves[name]
            if leaf_got.grad is None:
                raise Mismatch(f"{name}.grad is None after backward #{rounds}; torch fills it",
                               describe(leaf_want.grad), "None")
            label = f"{name}.grad after backward #{rounds}" + (" (accumulated)" if rounds == 2 else "")
            assert_same_values(leaf_got.grad, leaf_want.grad, label)
            if str(leaf_got.grad.dtype) != str(leaf_want.grad.dtype):
                raise Mismatch(f"{label} has dtype {leaf_got.grad.dtype}, torch {leaf_want.grad.dtype}",
                               str(leaf_want.grad.dtype), str(leaf_got.grad.dtype))
            if str(getattr(leaf_got.grad, "device", "cpu")) != str(leaf_want.grad.device):
                raise Mismatch(f"{label} lives on {leaf_got.grad.device}, torch's on {leaf_want.grad.device} "
                               "(a gradient lives on its leaf's device)",
                               str(leaf_want.grad.device), str(leaf_got.grad.device))


def repro_steps(ctx: Context, drawn: dict) -> list[str]:
    names = grad_inputs(ctx)
    steps = ["print(out.grad_fn, out.requires_grad, out.is_leaf)",
             "g = torch.ones_like(out)  # the check uses a random upstream gradient; see the message",
             "out.backward(g, retain_graph=True)"]
    steps += [f"print({name}.grad)" for name in names]
    steps += ["out.backward(g)  # accumulates"] + [f"print({name}.grad)" for name in names]
    return steps
