"""The value, shape and dtype checks: the call's result compared with torch's."""
from __future__ import annotations

import math

import numpy as np

from ..compare import Mismatch, assert_same_values, describe, dtype_name, is_tensor_like, to_host
from ..runner import Context, SpecDisagrees


def values(ctx: Context, drawn: dict) -> None:
    """Values equal within torch.testing's per-dtype tolerance; for seeded cases exactly; for exact cases bit for bit."""
    expected, actual = ctx.pair(drawn)
    if ctx.case.result == "python" and _holds_tensor(expected.result):
        raise SpecDisagrees(f"spec error: the case says result = \"python\", torch returns "
                            f"{describe(expected.result)[:80]}: drop it so the layout check is derived")
    if ctx.case.exact:
        assert_bit_exact(actual.result, expected.result, "output")
    else:
        assert_same_values(actual.result, expected.result, "output",
                           tolerance=(0.0, 0.0) if ctx.case.seeded else None)


def _holds_tensor(obj) -> bool:
    if isinstance(obj, (tuple, list)):
        return any(_holds_tensor(item) for item in obj)
    return is_tensor_like(obj)


def _bits_equal(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Elementwise: the same number, -0.0 and 0.0 told apart, any nan matching any nan at the same place."""
    if want.dtype.kind == "c" or got.dtype.kind == "c":
        got, want = got.astype(np.complex128), want.astype(np.complex128)
        return _bits_equal(got.real, want.real) & _bits_equal(got.imag, want.imag)
    if want.dtype.kind != "f" and got.dtype.kind != "f":
        return got == want
    # Widening to float64 is exact, so equal float64 bits mean equal values in the narrower dtype.
    a, e = got.astype(np.float64), want.astype(np.float64)
    return ((a == e) & (np.signbit(a) == np.signbit(e))) | (np.isnan(a) & np.isnan(e))


def assert_bit_exact(actual, expected, what: str) -> None:
    """Values identical to torch's bit for bit (nan positions aside): for results the tutorial prints."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            raise Mismatch(f"{what}: torch returns a {type(expected).__name__} of {len(expected)} items, "
                           f"the implementation {describe(actual)}", describe(expected), describe(actual))
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_bit_exact(a, e, f"{what}[{i}]")
        return
    if isinstance(expected, float) and isinstance(actual, float):
        if not _bits_equal(np.array(actual), np.array(expected)):
            raise Mismatch(f"{what}: {actual!r} is not bit-identical to torch's {expected!r}",
                           repr(expected), repr(actual))
        return
    if not (is_tensor_like(expected) or isinstance(expected, np.ndarray)):
        assert_same_values(actual, expected, what)
        return
    assert_same_values(actual, expected, what)  # the kinds, shapes and (close) values first, with their messages
    want, got = to_host(expected), to_host(actual)
    same = _bits_equal(got, want)
    if not same.all():
        bad = np.argwhere(~same)
        index = tuple(int(i) for i in bad[0])
        e, a = want[index].item(), got[index].item()
        ulps = ""
        if want.dtype.kind == "f" and isinstance(a, float) and math.isfinite(e) and math.isfinite(a) and e != a:
            ulps = f" ({abs(a - e) / float(np.spacing(want.dtype.type(abs(e)))):.3g} ulp of {want.dtype})"
        raise Mismatch(f"{what}: {len(bad)} of {want.size} elements are not bit-identical to torch's (this case is "
                       f"exact: the tutorial prints it); first at index {index}: torch {e!r}, implementation {a!r}"
                       f"{ulps}", describe(expected), describe(actual))


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
