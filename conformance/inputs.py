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
        return Drawn(spec, draw(st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False),
                                label=spec.name))
    dtype = input_dtype(spec, case_dtype)
    regime = draw(st.sampled_from(REGIMES), label=f"{spec.name}.values")
    seed = draw(st.integers(0, 2**32 - 1), label=f"{spec.name}.seed")
    array = _fill(regime, seed, spec, dtype, _shape(spec, dims))
    layout = draw(st.sampled_from(spec.layouts), label=f"{spec.name}.layout") if len(spec.layouts) > 1 else spec.layouts[0]
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
        value, leaf = _build_one(module, item, dtype, device, requires_grad=wants_grad)
        namespace[name] = value
        if name in grad_inputs:
            leaves[name] = leaf
    return namespace, leaves


def _build_one(module, item: Drawn, case_dtype: str, device: str, requires_grad: bool):
    spec = item.spec
    if spec.kind in ("dim", "scalar", "literal"):
        return item.data, None
    if spec.kind == "ndarray":
        return np.array(item.data, copy=True), None
    if spec.kind == "list":
        return item.data.tolist(), None
    dtype = input_dtype(spec, case_dtype)
    kwargs: dict[str, Any] = {"dtype": getattr(module, dtype)}
    if device != "cpu":
        kwargs["device"] = device
    if requires_grad:
        kwargs["requires_grad"] = True
    if item.layout == "transposed":
        # Same logical values, transposed storage: the leaf is the stored tensor, the input its .t() view.
        leaf = module.tensor(np.ascontiguousarray(item.data.T).tolist(), **kwargs)
        return leaf.t(), leaf
    tensor = module.tensor(item.data.tolist(), **kwargs)
    return tensor, tensor
