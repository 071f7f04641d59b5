"""Tensor repr text, reproduced character for character from torch.

torch builds `repr(t)` in torch/_tensor_str.py.  This module rebuilds the same
text from a host NumPy array plus a few facts about the tensor (dtype name,
grad_fn name, requires_grad, device), so it depends on NumPy only and can be
tested against real torch without our Tensor class.

The work happens in four steps, each a small function below:

1. pick the values that will be shown (all, or the edge items when summarised);
2. choose one number style for the whole tensor from those values
   (integer-like, fixed point or scientific) and the width to align to;
3. lay the elements out in nested brackets, wrapping rows at the line width;
4. append the suffixes (device, size, dtype, grad_fn / requires_grad).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any, Iterator, Sequence

import numpy as np

from ._fp import quiet

__all__ = [
    "format_tensor",
    "size_repr",
    "set_printoptions",
    "get_printoptions",
    "printoptions",
]

# torch's repr always starts with this; nested rows and wrapped suffixes are
# indented relative to its length.
_PREFIX = "tensor("


# --------------------------------------------------------------------------
# Print options (module-level state, like torch's PRINT_OPTS)
# --------------------------------------------------------------------------

@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTIONS = _PrintOptions()

# Profiles set four options at once; explicit arguments then override them.
_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
) -> None:
    """Change how tensors print, e.g. `set_printoptions(precision=2)`; same rules as torch."""
    # torch silently ignores an unknown profile name; so do we.
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(_OPTIONS, name, value)
    for name, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if value is not None:
            setattr(_OPTIONS, name, value)
    # Unlike the others, torch assigns sci_mode on every call, so any call
    # that leaves it out switches back to automatic.
    _OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options as a dict that `set_printoptions(**d)` accepts."""
    return dataclasses.asdict(_OPTIONS)


@contextlib.contextmanager
def printoptions(**kwargs) -> Iterator[None]:
    """Temporarily change print options: `with printoptions(precision=2): ...`."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# --------------------------------------------------------------------------
# Dtypes
# --------------------------------------------------------------------------

# torch's short dtype name -> the NumPy dtype holding its values.
_NUMPY_DTYPES = {
    "float16": np.float16,
    "float32": np.float32,
    "float64": np.float64,
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "uint8": np.uint8,
    "bool": np.bool_,
}
_FLOAT_DTYPES = {"float16", "float32", "float64"}


def _check_dtype(dtype: str, what: str) -> None:
    if dtype not in _NUMPY_DTYPES:
        known = ", ".join(_NUMPY_DTYPES)
        raise ValueError(f"format_tensor: unknown {what} {dtype!r}; expected one of {known}")


def size_repr(shape: Sequence[int]) -> str:
    """torch.Size's text: `size_repr((3, 3))` -> 'torch.Size([3, 3])'."""
    return "torch.Size([" + ", ".join(str(int(n)) for n in shape) + "])"


# --------------------------------------------------------------------------
# Step 1: which values are shown
# --------------------------------------------------------------------------

def _shown_values(a: np.ndarray, edge: int) -> np.ndarray:
    """The elements a summarised print shows, flattened (torch: get_summarized_data).

    The number style is chosen from these only, so a huge value hidden behind
    `...` does not switch the visible ones to scientific notation.
    """
    if a.ndim == 0:
        return a.reshape(1)
    if a.ndim == 1:
        # With edge == 0, torch's a[-0:] is the whole vector, so every value
        # counts even though none is printed.
        if len(a) > 2 * edge:
            return np.concatenate((a[:edge], a[-edge:]))
        return a
    if not edge:
        return a.reshape(-1)[:0]
    rows = _edge_indices(len(a), edge)
    return np.concatenate([_shown_values(a[i], edge) for i in rows])


def _edge_indices(n: int, edge: int) -> list[int]:
    """Row numbers kept along one axis: all, or `edge` from each end."""
    if n > 2 * edge:
        return list(range(edge)) + list(range(n - edge, n))
    return list(range(n))


# --------------------------------------------------------------------------
# Step 2: one number style for the whole tensor
# --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _Style:
    """How every element of one tensor is written (torch: _Formatter)."""

    is_float: bool
    int_mode: bool  # floats that are all whole numbers print as `180.`
    sci_mode: bool  # `1.0000e+05`
    width: int  # every element is right-aligned to this many characters
    precision: int

    def render(self, value) -> str:
        """One element (a Python float, int or bool) as aligned text."""
        if not self.is_float:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:.{self.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            # The trailing dot marks a float; nan and inf need no marker.
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{self.precision}f}"
        return text.rjust(self.width)


def _choose_style(shown: np.ndarray, is_float: bool) -> _Style:
    """Pick the style from the shown values, the way torch's _Formatter does."""
    precision = _OPTIONS.precision
    if not is_float:
        width = max((len(str(v)) for v in shown.tolist()), default=1)
        return _Style(False, False, False, width, precision)

    # Zeros, nan and inf print the same in every style, so they neither
    # choose the style nor widen the columns.
    finite = shown[np.isfinite(shown) & (shown != 0)]
    if finite.size == 0:
        # Note: even a forced sci_mode=True is ignored here, as in torch.
        return _Style(True, True, False, 1, precision)

    magnitudes = np.abs(finite).astype(np.float64)
    smallest, largest = float(magnitudes.min()), float(magnitudes.max())
    int_mode = bool(np.all(finite == np.ceil(finite)))
    if _OPTIONS.sci_mode is None:
        sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
    else:
        sci_mode = bool(_OPTIONS.sci_mode)

    values = finite.tolist()  # Python floats: the double value of each element
    if sci_mode:
        texts = [f"{v:.{precision}e}" for v in values]
    elif int_mode:
        texts = [f"{v:.0f}." for v in values]
    else:
        texts = [f"{v:.{precision}f}" for v in values]
    width = max(1, max(len(t) for t in texts))
    return _Style(True, int_mode, sci_mode, width, precision)


# --------------------------------------------------------------------------
# Step 3: layout
# --------------------------------------------------------------------------

def _vector_text(a: np.ndarray, indent: int, summarize: bool, style: _Style) -> str:
    """A 1-D row: `[a, b, c]`, wrapped so a line holds a whole number of elements."""
    edge = _OPTIONS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(a) > 2 * edge:
        items = (
            [style.render(v) for v in a[:edge].tolist()]
            + [" ..."]
            + [style.render(v) for v in a[-edge:].tolist()]
        )
    else:
        items = [style.render(v) for v in a.tolist()]

    # Each element takes its width plus ", ".  torch sizes the lines from the
    # indent alone; the closing brackets and suffixes may run past the width.
    per_line = max(1, (_OPTIONS.linewidth - indent) // (style.width + 2))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_text(a: np.ndarray, indent: int, summarize: bool, style: _Style) -> str:
    """Any-dimensional body: recurse into rows, one more indent per level."""
    if a.ndim == 0:
        return style.render(a.item())
    if a.ndim == 1:
        return _vector_text(a, indent, summarize, style)

    n, edge = len(a), _OPTIONS.edgeitems
    if summarize and n > 2 * edge:
        parts = [_nested_text(a[i], indent + 1, summarize, style) for i in range(edge)]
        parts.append("...")
        parts += [_nested_text(a[i], indent + 1, summarize, style) for i in range(n - edge, n)]
    else:
        parts = [_nested_text(a[i], indent + 1, summarize, style) for i in range(n)]
    # A blank line between blocks for every dimension beyond the second
    # makes 3-D and higher tensors readable as stacks of matrices.
    separator = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


# --------------------------------------------------------------------------
# Step 4: suffixes
# --------------------------------------------------------------------------

def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append `, suffix` items, moving one to a new line when it would pass the width."""
    # torch measures the last line two characters longer than it is (an
    # off-by-two in its arithmetic); we keep it so lines break where torch's do.
    line_len = len(text) - text.rfind("\n") + 1
    out = [text]
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > _OPTIONS.linewidth:
            out.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            out.append(", " + suffix)
            line_len += len(suffix) + 2
    out.append(")")
    return "".join(out)


def _shape_text(shape: tuple[int, ...]) -> str:
    """Python's tuple text, as torch prints `size=(2, 0)` and `size=(5,)`."""
    return str(tuple(int(n) for n in shape))


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------

def _to_host(values) -> np.ndarray:
    """A NumPy array from a NumPy array, a CuPy array (duck-typed) or nested lists."""
    if not isinstance(values, np.ndarray) and hasattr(values, "get"):
        values = values.get()  # CuPy: copy device memory to the host
    return np.asarray(values)


@quiet
def format_tensor(
    values,
    dtype: str,
    *,
    grad_fn: str | None = None,
    requires_grad: bool = False,
    device: str | None = None,
    default_dtype: str = "float32",
) -> str:
    """The exact text of torch's `repr(t)` for a tensor holding `values`.

    >>> format_tensor(np.ones((2, 2), np.float32), "float32", requires_grad=True)
    'tensor([[1., 1.],\\n        [1., 1.]], requires_grad=True)'
    """
    _check_dtype(dtype, "dtype")
    _check_dtype(default_dtype, "default_dtype")
    a = _to_host(values).astype(_NUMPY_DTYPES[dtype], copy=False)
    indent = len(_PREFIX)
    dtype_suffix = f"dtype=torch.{dtype}"

    suffixes = []
    if device is not None:
        suffixes.append(f"device='{device}'")

    if a.size == 0:
        # Nothing to show, so the shape and dtype must be spelled out; int64
        # and bool are shown too since no element hints at the dtype.
        body = "[]"
        if a.ndim != 1:
            suffixes.append("size=" + _shape_text(a.shape))
        if dtype != default_dtype:
            suffixes.append(dtype_suffix)
    else:
        edge = _OPTIONS.edgeitems
        summarize = a.size > _OPTIONS.threshold
        shown = _shown_values(a, edge) if summarize else a.reshape(-1)
        style = _choose_style(shown, dtype in _FLOAT_DTYPES)
        body = _nested_text(a, indent, summarize, style)
        if not edge:
            # With no edge items the elements are all `...`; the size says what is hidden.
            suffixes.append("size=" + _shape_text(a.shape))
        # Values written like `1.`, `1` and `True` already tell the default
        # float dtype, int64 and bool apart; every other dtype is named.
        if dtype not in (default_dtype, "int64", "bool"):
            suffixes.append(dtype_suffix)

    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")

    return _add_suffixes(_PREFIX + body, suffixes, indent)
