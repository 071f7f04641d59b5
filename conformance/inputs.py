"""Inputs: Hypothesis strategies drawn from a case's constraints, and building them on each side.

A drawn input is plain host data (NumPy arrays, Python numbers), so the same draw can be built
into real torch and into the implementation under test with the tutorial's own constructors.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from .spec import Case, InputSpec, _DIM_RANGE

NUMPY_DTYPES = {
    "float16": np.float16, "float32": np.float32, "float64": np.float64, "int64": np.int64,
    "int32": np.int32, "int16": np.int16, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_,
}


@dataclass(frozen=True)
class Drawn:
    """One input as drawn: host data plus how to lay it out as a tensor."""
    spec: InputSpec
    data: Any
    layout: str = "contiguous"


def input_dtype(spec: InputSpec, case_dtype: str) -> str:
    if spec.dtype:
        return spec.dtype
    return "float32" if case_dtype == "any" else case_dtype


# Value regimes, simplest first (Hypothesis shrinks towards the first). Drawing a regime and a seed
# and letting NumPy fill the array is ~10x cheaper than drawing every element through Hypothesis,
# which dominated the suite's wall time, while the regimes still reach zeros, bounds and integers.
REGIMES = ("uniform", "integral", "bounds", "sparse", "zeros")
# Inputs marked `special` also draw this regime: nan, +-inf and both zeros among ordinary values, the
# values where IEEE arithmetic, comparisons and printing are easiest to get wrong.
SPECIAL = "special"
_SPECIAL_VALUES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], dtype=np.float64)


def _fill(regime: str, seed: int, spec: InputSpec, dtype: str, shape: tuple) -> np.ndarray:
    rng = np.random.default_rng(seed)
    low, high = spec.values
    np_dtype = NUMPY_DTYPES[dtype]
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    integer = dtype.startswith(("int", "uint"))
    if integer:
        info = np.iinfo(np_dtype)
        low, high = max(int(np.ceil(low)), int(info.min)), min(int(np.floor(high)), int(info.max))
    zero = min(max(0, low), high)
    if regime == SPECIAL and not integer:
        values = rng.uniform(low, high, size=shape)
        pick = rng.random(shape) < 0.6
        values[pick] = rng.choice(_SPECIAL_VALUES, size=shape)[pick]
        return values.astype(np_dtype)
    if regime == "zeros":
        values = np.full(shape, zero, dtype=np.float64)
    elif regime == "bounds":
        values = rng.choice(np.array([low, high, zero, (low + high) / 2], dtype=np.float64), size=shape)
    elif regime == "integral" or integer:
        values = rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, size=shape).astype(np.float64)
    else:
        values = rng.uniform(low, high, size=shape)
        if regime == "sparse":
            values[rng.random(shape) < 0.5] = zero
    if spec.grid:
        # Values on a coarse grid keep sums and scalar products exact, so printed text is comparable.
        values = np.clip(np.round(values / spec.grid) * spec.grid, low, high)
    if integer:
        values = np.floor(values)
    return values.astype(np_dtype)


def _shape(spec: InputSpec, dims: dict) -> tuple:
    return tuple(dims[d] if isinstance(d, str) else d for d in spec.shape)


@st.composite
def case_inputs(draw, case: Case, dtype: str) -> dict:
    """Draw every input of a case for one dtype: dims first, so inputs can share sizes."""
    symbols = {d for spec in case.inputs for d in spec.shape if isinstance(d, str)}
    symbols |= {spec.name for spec in case.inputs if spec.kind == "dim"}
    dims = {}
    for symbol in sorted(symbols):
        low, high = case.dims.get(symbol, _DIM_RANGE)
        dims[symbol] = draw(st.integers(low, high), label=symbol)
    drawn = {}
    for spec in case.inputs:
        drawn[spec.name] = _draw_one(draw, spec, dtype, dims)
    return drawn


def _draw_one(draw, spec: InputSpec, case_dtype: str, dims: dict) -> Drawn:
    if spec.kind == "dim":
        return Drawn(spec, dims[spec.name])
    if spec.kind == "literal":
        return Drawn(spec, spec.value)
    if spec.kind == "scalar":
        low, high = spec.values
        if spec.scalar_type == "int":
            return Drawn(spec, draw(st.integers(int(low), int(high)), label=spec.name))
        if spec.scalar_type == "bool":
            return Drawn(spec, draw(st.booleans(), label=spec.name))
        parts = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
        if spec.scalar_type == "complex":
            return Drawn(spec, complex(draw(parts, label=f"{spec.name}.real"), draw(parts, label=f"{spec.name}.imag")))
        return Drawn(spec, draw(parts, label=spec.name))
    if spec.kind == "index":
        size = dims[spec.bound] if isinstance(spec.bound, str) else spec.bound
        seed = draw(st.integers(0, 2**32 - 1), label=f"{spec.name}.seed")
        # Negative indices count from the end in torch as in Python: both halves of the range are legal.
        array = np.random.default_rng(seed).integers(-size, size, size=_shape(spec, dims)).astype(np.int64)
        return Drawn(spec, array)
    dtype = input_dtype(spec, case_dtype)
    regimes = REGIMES + (SPECIAL,) if spec.special else REGIMES
    regime = draw(st.sampled_from(regimes), label=f"{spec.name}.values")
    seed = draw(st.integers(0, 2**32 - 1), label=f"{spec.name}.seed")
    array = _fill(regime, seed, spec, dtype, _shape(spec, dims))
    layout = draw(st.sampled_from(spec.layouts), label=f"{spec.name}.layout") if len(spec.layouts) > 1 else spec.layouts[0]
    if layout == "expanded":
        # expand() repeats one row: the logical values are that row, on both sides and in the repro.
        array = np.ascontiguousarray(np.broadcast_to(array[:1], array.shape))
    return Drawn(spec, array, layout)


def example_inputs(case: Case, dtype: str) -> dict | None:
    """The tutorial's own values as a drawn input set, or None where they do not fit this dtype."""
    if case.example is None:
        return None
    drawn = {}
    for spec in case.inputs:
        if spec.kind == "literal":
            drawn[spec.name] = Drawn(spec, spec.value)
            continue
        value = case.example[spec.name]
        if spec.kind in ("dim", "scalar"):
            drawn[spec.name] = Drawn(spec, value)
            continue
        if spec.kind == "index":
            drawn[spec.name] = Drawn(spec, np.array(value, dtype=np.int64))
            continue
        np_dtype = NUMPY_DTYPES[input_dtype(spec, dtype)]
        exact = np.array(value)
        array = exact.astype(np_dtype)
        if not np.array_equal(array.astype(np.float64), exact.astype(np.float64)) and np_dtype not in (np.float32, np.float16):
            return None  # e.g. 0.4275 as int64: the example does not exist in this dtype
        drawn[spec.name] = Drawn(spec, array)
    return drawn


def build(module, drawn: dict, dtype: str, device: str, grad_inputs=()) -> tuple[dict, dict]:
    """Turn drawn inputs into the objects a call sees, using `module`'s public constructors only.

    Returns (namespace, leaves): leaves maps each differentiable input to the leaf tensor that
    collects its gradient (for a transposed input, the stored tensor behind the `.t()` view).
    """
    namespace: dict[str, Any] = {}
    leaves: dict[str, Any] = {}
    for name, item in drawn.items():
        wants_grad = name in grad_inputs or item.spec.requires_grad
        try:
            value, leaf = _build_one(module, item, dtype, device, requires_grad=wants_grad)
        except Exception as exc:  # the module's own failure, named with the input it was building
            raise BuildError(f"input {name!r} ({_built_as(item, dtype)}) raised {type(exc).__name__}: {exc}") from exc
        namespace[name] = value
        if name in grad_inputs:
            leaves[name] = leaf
    return namespace, leaves


class BuildError(Exception):
    """A module's public constructors failed on a drawn input; the message names the input and the spelling."""


def _built_as(item: Drawn, case_dtype: str) -> str:
    if item.spec.kind in ("tensor", "index"):
        dtype = "int64" if item.spec.kind == "index" else input_dtype(item.spec, case_dtype)
        view = LAYOUT_SPELLINGS[item.layout].format(shape=", ".join(map(str, np.shape(item.data))))
        return f"torch.tensor(<{np.shape(item.data)} values>, dtype=torch.{dtype}){view}"
    return f"a {item.spec.kind}"


def _build_one(module, item: Drawn, case_dtype: str, device: str, requires_grad: bool):
    spec = item.spec
    if spec.kind in ("dim", "scalar", "literal"):
        return item.data, None
    if spec.kind == "ndarray":
        return np.array(item.data, copy=True), None
    if spec.kind == "list":
        return item.data.tolist(), None
    dtype = "int64" if spec.kind == "index" else input_dtype(spec, case_dtype)
    kwargs: dict[str, Any] = {"dtype": getattr(module, dtype)}
    if device != "cpu":
        kwargs["device"] = device
    if requires_grad:
        kwargs["requires_grad"] = True
    # Same logical values in another memory layout: the leaf is the stored tensor, the input a view of it.
    stored, view = LAYOUT_BUILDERS[item.layout]
    values = stored(item.data)
    # A nested list cannot say (0, n): [] is shape (0,). Empty tensors come from zeros(shape) instead.
    leaf = module.tensor(values.tolist(), **kwargs) if values.size else module.zeros(values.shape, **kwargs)
    return (view(leaf, item.data.shape) if view else leaf), leaf


def _sliced_storage(data: np.ndarray) -> np.ndarray:
    """Every element followed by a filler, along the last dim: `[..., ::2]` of it is `data`."""
    stored = np.repeat(data, 2, axis=-1)
    stored[..., 1::2] = 0
    return stored


# layout -> (stored values from the logical ones, the view of the stored tensor that has the logical
# values; None when the stored tensor is the input), written once for the building and the repro.
LAYOUT_BUILDERS = {
    "contiguous": (lambda data: data, None),
    "transposed": (lambda data: np.ascontiguousarray(data.T), lambda leaf, shape: leaf.t()),
    "sliced": (_sliced_storage, lambda leaf, shape: leaf[..., ::2]),
    "expanded": (lambda data: data[:1], lambda leaf, shape: leaf.expand(*shape)),
}
LAYOUT_SPELLINGS = {"contiguous": "", "transposed": ".t()", "sliced": "[..., ::2]", "expanded": ".expand({shape})"}
