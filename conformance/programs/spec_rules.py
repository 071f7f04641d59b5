"""Steps from the spec: every case's call spelling, applied to live variables of fitting shape and dtype.

A case `x.view(-1, n)` with input x of shape (m, n) becomes `v7 = v3.view(-1, 4)` for a live 2-d v3 whose
second size is 4; tensors are bound first (their sizes bind the dim symbols), then dims, scalars and
literals. Cases whose result is not deterministic (random or uninitialised values), that need a setup, or
that name variables the case does not define are left out: their spellings reach programs only through
the explicit rules.
"""
from __future__ import annotations

import ast
import builtins
import functools
from dataclasses import dataclass

from hypothesis import strategies as st

from ..spec import Case, load_all
from .worlds import Step

_BOUND = {"torch", "np", "device"} | set(dir(builtins))
_DETERMINISTIC = {"values", "memory", "grad", "printing", "errors", "warnings"}
# Spellings whose result can hold uninitialised memory once their arguments are arbitrary live variables
# (an `out=` tensor of another size is resized, and torch leaves what it does not write as it was).
_UNINITIALISED = ("out=", "empty", "torch.Tensor(")


@dataclass(frozen=True)
class Template:
    case: Case

    @property
    def label(self) -> str:
        return f"{self.case.section}::{self.case.id}"


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_Name(self, node: ast.Name):
        if node.id in self.names:
            return ast.copy_location(ast.parse(self.names[node.id], mode="eval").body, node)
        return node


def _usable(case: Case, device: str) -> bool:
    if case.setup or case.seeded or device not in case.devices or not (set(case.checks) & _DETERMINISTIC):
        return False
    if any(spelling in case.call for spelling in _UNINITIALISED):
        return False
    if any(spec.kind == "list" for spec in case.inputs):
        return False
    names = {node.id for node in ast.walk(ast.parse(case.call, mode="eval")) if isinstance(node, ast.Name)}
    comprehension = {node.id for node in ast.walk(ast.parse(case.call, mode="eval"))
                     if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return names <= _BOUND | {spec.name for spec in case.inputs} | comprehension


@functools.cache
def templates(device: str) -> tuple[Template, ...]:
    """The spec's call spellings usable in programs on `device`, in spec order."""
    return tuple(Template(case) for section in load_all() for case in section.cases if _usable(case, device))


def _fits(shape: tuple, wanted: tuple, dims: dict) -> dict | None:
    """The dim symbols binding `shape` to the spec's `wanted`, or None when it does not fit."""
    if len(shape) != len(wanted):
        return None
    bound = dict(dims)
    for size, want in zip(shape, wanted):
        if isinstance(want, int):
            if size != want:
                return None
        elif bound.setdefault(want, size) != size:
            return None
    return bound


def declared_away(patterns) -> frozenset[str]:
    """Labels (`section::case`) of the cases an xfails/skips entry covers, wholly or in part.

    A backend that lists a case as a known failure (or as unsupported) gets programs without that call:
    otherwise the one known bug would fail every program theme that happens to draw it.
    """
    labels = {f"{section.id}::{case.id}" for section in load_all() for case in section.cases}
    return frozenset(label for label in labels
                     if any(p.startswith(label + "[") or (label + "[").startswith(p) for p in patterns))


def spec_call(m, draw) -> Step | None:
    """One spec case's call, its inputs bound to live variables (fitting ones preferred) and drawn values."""
    options = [t for t in templates(m.device) if t.label not in m.kit.declared_away]
    if not options:
        return None
    template = draw(st.sampled_from(options))
    case = template.case
    names: dict[str, str] = {}
    dims: dict = {}
    for spec in case.inputs:
        if spec.kind in ("tensor", "ndarray"):
            pool = m.tensors() if spec.kind == "tensor" else m.arrays()
            fitting = [(name, bound) for name in pool
                       if (bound := _fits(m.shape(name), spec.shape, dims)) is not None]
            if fitting and draw(st.integers(0, 4)) > 0:
                name, dims = draw(st.sampled_from(fitting))
            else:
                name = m.pick(draw, pool)
                if name is None:
                    return None
            names[spec.name] = name
    for spec in case.inputs:
        if spec.kind == "dim":
            low, high = case.dims.get(spec.name, (0, 4))
            names[spec.name] = str(dims.get(spec.name, draw(st.integers(low, high))))
        elif spec.kind == "scalar":
            low, high = spec.values
            if spec.scalar_type == "int":
                value = draw(st.integers(int(low), int(high)))
            elif spec.scalar_type == "bool":
                value = draw(st.booleans())
            else:
                value = draw(st.sampled_from((low, high, (low + high) / 2, 0.5)))
            names[spec.name] = repr(value)
        elif spec.kind == "literal":
            names[spec.name] = repr(spec.value)
    call = ast.unparse(_Rename(names).visit(ast.parse(case.call, mode="eval")))
    return Step(f"{m.new_name()} = {call}  # spec {template.label}")
