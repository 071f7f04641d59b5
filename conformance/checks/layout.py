"""The layout check: strides, storage offset and contiguity of every tensor the call returns.

They are API, not an implementation detail: they decide whether a later `view` works
(`(x.t() + x).view(-1)` raises in torch because the sum keeps the transposed layout) and what
`numpy()` hands to NumPy. Read through the public API only: `stride()`, `storage_offset()`,
`is_contiguous()`, and an ndarray's own `strides`.
"""
from __future__ import annotations

import numpy as np

from ..compare import Mismatch, describe, is_tensor_like
from ..runner import Context, SpecDisagrees

_PROPERTIES = ("stride", "storage_offset", "is_contiguous")


def _pairs(want, got, path: str):
    """(path, torch's, the implementation's) for every tensor or ndarray in torch's result, walked in step."""
    if is_tensor_like(want) or isinstance(want, np.ndarray):
        yield path, want, got
    elif isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            raise Mismatch(f"{path}: torch returns a {type(want).__name__} of {len(want)} items, the implementation "
                           f"{describe(got)}", describe(want), describe(got))
        for i, (w, g) in enumerate(zip(want, got)):
            yield from _pairs(w, g, f"{path}[{i}]")


def _tensor_layout(obj, path: str) -> dict:
    found = {}
    for name in _PROPERTIES:
        try:
            found[name] = getattr(obj, name)()
        except Exception as exc:  # a missing or raising accessor is the finding, named with the call
            raise Mismatch(f"must not raise: {path}.{name}() raised {type(exc).__name__}: {exc}",
                           f"{path}.{name}() answers", f"{type(exc).__name__}: {exc}") from None
    found["stride"] = tuple(found["stride"]) if isinstance(found["stride"], (tuple, list)) else found["stride"]
    return found


def _array_layout(array: np.ndarray) -> dict:
    # Element strides, so a wrong dtype (the dtype check's business) does not masquerade as a layout bug.
    return {"strides (elements)": tuple(s // array.itemsize for s in array.strides),
            "C-contiguous": bool(array.flags.c_contiguous)}


def layout(ctx: Context, drawn: dict) -> None:
    """Every returned tensor has torch's stride(), storage_offset() and is_contiguous()."""
    expected, actual = ctx.pair(drawn)
    pairs = list(_pairs(expected.result, actual.result, "out"))
    if not pairs:
        raise SpecDisagrees(f"spec error: torch returns {describe(expected.result)[:80]}, which holds no tensor; "
                            "mark the case result = \"python\"")
    for path, want, got in pairs:
        if isinstance(want, np.ndarray):
            if not isinstance(got, np.ndarray):
                raise Mismatch(f"{path}: torch returns an ndarray, the implementation {describe(got)}",
                               describe(want), describe(got))
            if want.shape != got.shape:
                raise Mismatch(f"{path}: shape {got.shape} differs from torch's {want.shape}: layouts cannot be "
                               "compared", str(want.shape), str(got.shape))
            wanted, found = _array_layout(want), _array_layout(got)
        else:
            if not is_tensor_like(got):
                raise Mismatch(f"{path}: torch returns a tensor, the implementation {describe(got)}",
                               describe(want), describe(got))
            if tuple(want.shape) != tuple(got.shape):
                raise Mismatch(f"{path}: shape {tuple(got.shape)} differs from torch's {tuple(want.shape)}: layouts "
                               "cannot be compared", str(tuple(want.shape)), str(tuple(got.shape)))
            wanted, found = _tensor_layout(want, path), _tensor_layout(got, path)
        for name, value in wanted.items():
            if found[name] != value:
                spelling = name if " " in name else f"{name}()"
                raise Mismatch(
                    f"{path}.{spelling} is {found[name]!r}; torch gives {value!r} (shape {tuple(want.shape)}; the "
                    "layout decides whether a later view() works and what numpy() sees)",
                    _text(wanted), _text(found))


def _text(props: dict) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in props.items())


def repro_steps(ctx: Context, drawn: dict) -> list[str]:
    return ["for t in (out if isinstance(out, (tuple, list)) else [out]):",
            "    print(t.strides if hasattr(t, 'strides') else (t.stride(), t.storage_offset(), t.is_contiguous()))"]
