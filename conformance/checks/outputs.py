"""The value, shape and dtype checks: the call's result compared with torch's."""
from __future__ import annotations

from ..compare import Mismatch, assert_same_values, describe, dtype_name, is_tensor_like
from ..runner import Context, SpecDisagrees


def values(ctx: Context, drawn: dict) -> None:
    """Values equal within torch.testing's per-dtype tolerance; for seeded cases, exactly."""
    expected, actual = ctx.pair(drawn)
    assert_same_values(actual.result, expected.result, "output", tolerance=(0.0, 0.0) if ctx.case.seeded else None)


def rng(ctx: Context, drawn: dict) -> None:
    """After the same manual_seed, random draws equal torch's bit for bit."""
    expected, actual = ctx.pair(drawn)
    assert_same_values(actual.result, expected.result, "output after the same manual_seed", tolerance=(0.0, 0.0))


def shape(ctx: Context, drawn: dict) -> None:
    """`shape` and `size()` give torch's sizes, as a tuple-like Size."""
    expected, actual = ctx.pair(drawn)
    want = tuple(expected.result.shape)
    out = actual.result
    if not (is_tensor_like(out) or hasattr(out, "shape")):
        raise Mismatch(f"torch returns a tensor of shape {want}, the implementation {describe(out)}",
                       str(want), describe(out))
    sizes = {"out.shape": out.shape}
    if is_tensor_like(out):
        sizes["out.size()"] = out.size()
    for spelling, size in sizes.items():
        problems = []
        if not isinstance(size, tuple):
            problems.append(f"is a {type(size).__name__}, not a tuple")
        elif tuple(size) != want or len(size) != len(want) or size != want:
            problems.append(f"is {tuple(size)}")
        elif any(type(size[i]) is not int for i in range(len(size))):
            problems.append(f"holds {[type(s).__name__ for s in size]}, not ints")
        if problems:
            raise Mismatch(f"{spelling} {problems[0]}; torch gives {want}", repr(want), repr(size))


def dtype(ctx: Context, drawn: dict) -> None:
    """The result dtype follows torch's rule (and the spec's stated rule holds in torch)."""
    expected, actual = ctx.pair(drawn)
    want = expected.result.dtype
    rule = ctx.case.output_dtype
    if rule:
        stated = _stated_dtype(rule, expected)
        if dtype_name(want) != stated:
            raise SpecDisagrees(f"spec error: output_dtype {rule!r} means {stated}, torch gives {dtype_name(want)}")
    got = getattr(actual.result, "dtype", None)
    if str(got) != str(want):
        raise Mismatch(f"dtype {got} differs from torch's {want}", str(want), str(got))


def _stated_dtype(rule: str, side) -> str:
    if rule.startswith("same:"):
        return dtype_name(side.namespace[rule[5:]].dtype)
    if rule == "default":
        return dtype_name(side.module.get_default_dtype())
    return rule
