"""Running one spec case on both sides: the same drawn inputs, torch's call and the implementation's.

This is the CuPy `numpy_cupy_allclose` shape: a body written once, run under two modules.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from .compare import Mismatch, describe
from .inputs import LAYOUT_BUILDERS, LAYOUT_SPELLINGS, BuildError, Drawn, build, input_dtype
from .spec import Case, Walkthrough


class SpecDisagrees(AssertionError):
    """Real torch does not behave as the spec says: the spec is wrong, not the implementation."""


@dataclass
class Side:
    """One side of a differential run: the namespace the call saw, its leaves and its result."""
    module: ModuleType
    namespace: dict
    leaves: dict
    result: Any = None
    error: BaseException | None = None
    warnings: list = field(default_factory=list)


@dataclass
class Context:
    case: Case | None
    dtype: str
    device: str
    impl: ModuleType
    oracle: ModuleType
    impl_import: str = "import torch"
    walkthrough: Walkthrough | None = None

    def run(self, module: ModuleType, drawn: dict, grad_inputs=(), call: str | None = None, nonleaf=()) -> Side:
        """Build the inputs with `module`'s constructors and evaluate the case's call once.

        Names in `nonleaf` are replaced by `name * 1` first: an in-place op on a leaf that requires
        grad is an error in torch, so a gradient check of `x.add_(y)` needs a non-leaf receiver.
        """
        try:
            namespace, leaves = build(module, drawn, self.dtype, self.device, grad_inputs)
        except BuildError as problem:
            if module is self.oracle:
                raise SpecDisagrees(f"spec error: torch cannot build the inputs: {problem}") from None
            raise Mismatch(f"must not raise: building the inputs failed, where torch builds them: {problem}",
                           "the inputs, built", str(problem)) from None
        for name in nonleaf:
            namespace[name] = namespace[name] * 1
        side = Side(module, namespace, leaves)
        scope = {"torch": module, "np": np, "device": self.device, **namespace}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if self.case.seeded:
                    module.manual_seed(0)
                if self.case.setup:
                    exec(self.case.setup, scope)
                side.result = eval(call or self.case.call, scope)
            except Exception as exc:  # the implementation's exception is data to compare, not a kit error
                side.error = exc
        side.warnings = list(caught)
        side.namespace = {name: scope[name] for name in namespace}
        return side

    def pair(self, drawn: dict, grad_inputs=(), call: str | None = None, nonleaf=()) -> tuple[Side, Side]:
        """Torch's side then the implementation's; raises unless both returned normally."""
        expected = self.run(self.oracle, drawn, grad_inputs, call, nonleaf)
        if expected.error is not None:
            raise SpecDisagrees(
                f"spec error: real torch raises {type(expected.error).__name__}: {expected.error} "
                f"for `{call or self.case.call}`; the spec expects a result")
        actual = self.run(self.impl, drawn, grad_inputs, call, nonleaf)
        if actual.error is not None:
            raise Mismatch(
                f"must not raise: `{call or self.case.call}` raised {type(actual.error).__name__}: {actual.error} "
                f"where torch returns a result", describe(expected.result), describe(actual.error))
        return expected, actual

    def repro(self, drawn: dict, grad_inputs=(), after: list[str] | None = None, call: str | None = None,
              nonleaf=()) -> str:
        """A runnable snippet: build the inputs, make the call, then the check's own steps."""
        lines = [self.impl_import]
        if any(d.spec.kind == "ndarray" for d in drawn.values()) or "np." in self.case.call:
            lines.insert(0, "import numpy as np")
        if "device" in self.case.call + self.case.setup:
            lines.append(f"device = {self.device!r}")
        for name, item in drawn.items():
            wants_grad = name in grad_inputs or item.spec.requires_grad
            leaf = self.leaf_name(name, drawn, grad_inputs, nonleaf)
            if leaf == name:
                lines.append(f"{name} = {self._literal(item, wants_grad)}")
                continue
            # A leaf of its own, so `.grad` below is read where the gradient collects (a `.t()` is no leaf).
            lines.append(f"{leaf} = {self._literal(item, wants_grad, view=False)}")
            view = LAYOUT_SPELLINGS[item.layout].format(shape=", ".join(map(str, np.shape(item.data))))
            receiver = " * 1  # a non-leaf receiver for the in-place op" if name in nonleaf else ""
            lines.append(f"{name} = {leaf}{view}{receiver}")
        if self.case.seeded:
            lines.append("torch.manual_seed(0)")
        if self.case.setup:
            lines.extend(self.case.setup.strip().splitlines())
        lines.append(f"out = {call or self.case.call}")
        lines.extend(after if after is not None else ["print(out)"])
        return "\n".join(lines)

    def leaf_name(self, name: str, drawn: dict, grad_inputs=(), nonleaf=()) -> str:
        """The repro's name for the leaf behind input `name`: `name` itself unless a view or `* 1` stands in front."""
        item = drawn[name]
        if name in grad_inputs and (name in nonleaf or item.layout != "contiguous"):
            return f"{name}_leaf"
        return name

    def _literal(self, item: Drawn, requires_grad: bool, view: bool = True) -> str:
        spec = item.spec
        if spec.kind in ("dim", "scalar", "literal"):
            return python_literal(item.data) if isinstance(item.data, (float, complex)) else repr(item.data)
        data = shortest(item.data)
        if spec.kind == "ndarray":
            return f"np.array({python_literal(data)}, dtype=np.{item.data.dtype})"
        if spec.kind == "list":
            return python_literal(data)
        extra = "" if self.device == "cpu" else f", device={self.device!r}"
        extra += ", requires_grad=True" if requires_grad else ""
        dtype = "int64" if spec.kind == "index" else input_dtype(spec, self.dtype)
        stored = LAYOUT_BUILDERS[item.layout][0](item.data)
        spelled = LAYOUT_SPELLINGS[item.layout].format(shape=", ".join(map(str, item.data.shape))) if view else ""
        if not stored.size:  # as the kit builds it: a nested list cannot spell an empty (0, n) shape
            return f"torch.zeros({tuple(stored.shape)}, dtype=torch.{dtype}{extra}){spelled}"
        return f"torch.tensor({python_literal(shortest(stored))}, dtype=torch.{dtype}{extra}){spelled}"


_NON_FINITE = re.compile(r"\b(nan|inf)\b")


def python_literal(value) -> str:
    """repr() of nested lists of numbers that Python reads back: nan and inf spelled as float('nan'), float('inf')."""
    return _NON_FINITE.sub(lambda m: f'float("{m.group(1)}")', repr(value))


def shortest(array: np.ndarray):
    """Nested lists whose printed decimals round back to exactly the drawn values."""
    array = np.asarray(array)
    if array.dtype in (np.float32, np.float16):
        # NumPy prints the shortest decimal that round-trips in the array's own precision.
        return array.astype(str).astype(np.float64).tolist()
    return array.tolist()
