"""The memory check: who shares storage with whom, judged by writes through the public API.

A write through the output must be seen in exactly the inputs where torch sees it, and a write
through each input must reach the output exactly where it does in torch. In-place ops must
return their receiver and mutate only it.
"""
from __future__ import annotations

import numpy as np

from ..blocking import write_in_place
from ..compare import Mismatch, assert_same_values, is_tensor_like, to_host
from ..runner import Context, Side, SpecDisagrees


def _writable(obj) -> bool:
    """Writable through the public API: not empty, and nothing that requires grad (torch forbids it).

    Bool tensors are written too (every element flips), so sharing with a mask is judged like any other.
    """
    if isinstance(obj, np.ndarray):
        return obj.size > 0
    return is_tensor_like(obj) and not obj.requires_grad


def _write(obj) -> str:
    """Add one to every element in place (the inplace_write foundation vouches that it works)."""
    return write_in_place(obj)


def _buffers(side: Side) -> dict:
    return {name: value for name, value in side.namespace.items()
            if is_tensor_like(value) or isinstance(value, np.ndarray)}


def memory(ctx: Context, drawn: dict) -> None:
    expected, actual = ctx.pair(drawn)
    names = list(_buffers(expected))
    for name in names:
        torch_same = expected.result is expected.namespace[name]
        if (actual.result is actual.namespace[name]) != torch_same:
            raise Mismatch(
                f"`out is {name}` is {not torch_same} in the implementation, {torch_same} in torch"
                + (" (an in-place op returns its receiver)" if torch_same else ""), str(torch_same), str(not torch_same))
    if ctx.case.inplace and expected.result is not expected.namespace[ctx.case.inplace]:
        raise SpecDisagrees(f"spec error: torch does not return the receiver {ctx.case.inplace!r}")
    for name in names:
        assert_same_values(actual.namespace[name], expected.namespace[name], f"input {name} after the call")

    if _writable(expected.result):
        before = {name: to_host(expected.namespace[name]) for name in names}
        _write(expected.result)
        how_impl = _write(actual.result)
        seen = {name for name in names if not np.array_equal(before[name], to_host(expected.namespace[name]))}
        declared = set(ctx.case.shares) | ({ctx.case.inplace} if ctx.case.inplace else set())
        if seen != declared:
            raise SpecDisagrees(f"spec error: a write through torch's output reaches {sorted(seen)}, "
                                f"the spec declares {sorted(declared)}")
        for name in names:
            assert_same_values(actual.namespace[name], expected.namespace[name],
                               f"input {name} after `{how_impl.format('out')}` (torch {'sees' if name in seen else 'does not see'} it)")

    for name in names:  # the other direction, each input on a fresh call
        expected, actual = ctx.pair(drawn)
        if not _writable(expected.namespace[name]) or not _writable(expected.result):
            continue
        _write(expected.namespace[name])
        how_impl = _write(actual.namespace[name])
        assert_same_values(actual.result, expected.result, f"output after `{how_impl.format(name)}`")


def _spelling(ctx: Context, obj) -> str:
    """How the check writes into `obj`'s counterpart in the implementation, `{0}` standing for its name."""
    if isinstance(obj, np.ndarray):
        return "{0} ^= True" if obj.dtype == np.bool_ else "{0} += 1"
    flag = "bool" in str(getattr(obj, "dtype", ""))
    try:  # probe the implementation's write path on a fresh tensor of that kind
        kind = {"dtype": ctx.impl.bool} if flag else {}
        return write_in_place(ctx.impl.zeros(2, **kind, **({} if ctx.device == "cpu" else {"device": ctx.device})))
    except Exception:  # noqa: BLE001 - no way to write at all: the repro shows the tutorial's spelling failing
        return "{0}.logical_not_()" if flag else "{0}.add_(1)"


def repro_steps(ctx: Context, drawn: dict) -> list[str]:
    """Print; write through the output and print the inputs; write through each input and print the output."""
    side = ctx.run(ctx.oracle, drawn)
    buffers = [name for name, value in _buffers(side).items()]
    steps = [f"print('out is {name}:', out is {name})" for name in buffers] + ["print(out)"]
    if side.error is not None or not _writable(side.result):
        return steps
    steps += [_spelling(ctx, side.result).format("out") + "  # a write through the output",
              "print(" + ", ".join(buffers or ["out"]) + ")"]
    for name in buffers:
        if _writable(side.namespace[name]):
            steps += [_spelling(ctx, side.namespace[name]).format(name) + f"  # a write through {name}", "print(out)"]
    return steps
