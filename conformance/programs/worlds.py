"""Two worlds running the same program, and what a user can observe of every variable in each.

A world is a module (real torch or the implementation) and the namespace a program's steps run in.
Observations go through the public API only (`stride()`, `grad_fn`, `numpy()`, `repr`...), field by
field, so a backend that lacks one attribute shows as one differing field, not as a crash of the kit.
"""
from __future__ import annotations

import builtins
import re
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from ..compare import TOLERANCES, dtype_name, is_tensor_like

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# torch's C++ warnings end with the path of the build machine's source file: not part of the API.
_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)")
# torch's own assertions name the source file and line they sit at, which move between builds and versions
_ASSERTED_AT = re.compile(r'(INTERNAL ASSERT FAILED) at "[^"]*":\d+')
# some messages (unflatten's wrapped ones) carry torch's C++ stack trace: addresses and paths of one build
_CPP_TRACE = re.compile(r"\nException raised from .*", re.DOTALL)
GRAD_FN_DEPTH = 3
PRINTED_FIELDS = ("dtype", "device", "shape", "requires_grad", "grad_fn")  # how far the grad_fn chain is followed through next_functions


@dataclass(frozen=True)
class Step:
    """One line of a program: plain code, or entering / leaving a context manager bound to `name`."""
    code: str
    kind: str = "code"  # "code", "enter" or "exit"
    name: str = ""

    def source(self) -> str:
        """The Python text this step executes."""
        if self.kind == "enter":
            return f"{self.name} = {self.code}\n{self.name}.__enter__()"
        if self.kind == "exit":
            return f"{self.name}.__exit__(None, None, None)"
        return self.code


@dataclass
class Outcome:
    """What one step did in one world: the exception it raised (if any) and the warnings it gave."""
    error: BaseException | None = None
    warnings: list = field(default_factory=list)


class World:
    """A module and the namespace a program runs in."""

    def __init__(self, module: ModuleType, device: str):
        self.module = module
        self.scope: dict[str, Any] = {"torch": module, "np": np, "device": device}
        self.open: list[str] = []  # contexts entered and not yet left, innermost last
        self.oracle_grad_mode = True  # torch's grad mode as this world's steps left it (see Program)
        self.reprs: dict[int, tuple] = {}  # id(tensor) -> (the fields its text depends on, its text)

    def run(self, step: Step) -> Outcome:
        """Execute one step; its exception and warnings are data to compare, not kit errors."""
        outcome = Outcome()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                exec(step.source(), self.scope)
                if step.kind == "enter":
                    self.open.append(step.name)
                elif step.kind == "exit" and step.name in self.open:
                    self.open.remove(step.name)
            except Exception as exc:
                outcome.error = exc
        outcome.warnings = [(w.category.__name__, _normalise(str(w.message))) for w in caught]
        return outcome

    def variables(self) -> dict[str, Any]:
        """The program's variables (`v0`, `v1`...), in creation order."""
        return {name: value for name, value in self.scope.items() if name.startswith("v")}

    def close(self) -> None:
        """Leave every context still open, innermost first: grad mode is global state of the module."""
        while self.open:
            name = self.open.pop()
            try:
                self.scope[name].__exit__(None, None, None)
            except Exception:  # a backend's broken __exit__ was already reported by the step that used it
                pass


def _normalise(text: str) -> str:
    text = _CPP_TRACE.sub("", text)
    return _ASSERTED_AT.sub(r"\1 at <torch source>", _TRIGGERED.sub("", _ADDRESS.sub(" at 0x...", text)))


def builtin_type(error: BaseException) -> str:
    """The nearest built-in exception class: torch's own subclasses count as their built-in base."""
    for cls in type(error).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return type(error).__name__


def describe_outcome(outcome: Outcome) -> str:
    text = "ok" if outcome.error is None else f"raises {builtin_type(outcome.error)}: {_normalise(str(outcome.error))}"
    return text + "".join(f"\nwarns {category}: {message}" for category, message in outcome.warnings)


# ---------------------------------------------------------------- observing one value

def _read(getter):
    """A field's value, or the text of what reading it raised (a backend's broken attribute is a difference)."""
    try:
        return getter()
    except Exception as exc:
        return f"<reading it raised {type(exc).__name__}: {exc}>"


def grad_fn_chain(node, depth: int = GRAD_FN_DEPTH) -> str | None:
    """'MulBackward0(AccumulateGrad, None)': the node's name and, a few levels deep, its next functions."""
    if node is None:
        return None
    name = type(node).__name__
    nexts = getattr(node, "next_functions", ()) if depth > 0 else ()
    if not nexts:
        return name
    return f"{name}({', '.join(str(grad_fn_chain(n, depth - 1)) for n, _ in nexts)})"


def host_values(tensor) -> np.ndarray:
    value = tensor.detach()
    if getattr(getattr(value, "device", None), "type", "cpu") != "cpu":
        value = value.cpu()
    return np.array(value.numpy(), copy=True)


def observe_all(variables: dict[str, Any], reprs: dict) -> dict[str, dict]:
    """Every variable's observation; `reprs` caches printed text across steps (see observe)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a non-leaf's .grad warns; the grad_read rule checks that
        return {name: observe(value, reprs) for name, value in variables.items()}


def observe(value, reprs: dict, depth: int = 0) -> dict[str, Any]:
    """Every field a user can read of `value`, as comparable plain data.

    Printing a tensor costs more than everything else together, and printed text is a function of the
    fields printed (values, dtype, shape, device, requires_grad, grad_fn): it is recomputed only when
    one of those changed since the last step.
    """
    if is_tensor_like(value):
        fields = {
            "kind": "tensor",
            "dtype": _read(lambda: dtype_name(value.dtype)),
            "device": _read(lambda: str(value.device)),
            "shape": _read(lambda: tuple(int(s) for s in value.shape)),
            "stride": _read(lambda: tuple(value.stride())),
            "storage_offset": _read(lambda: int(value.storage_offset())),
            "is_contiguous": _read(lambda: bool(value.is_contiguous())),
            "requires_grad": _read(lambda: value.requires_grad),
            "is_leaf": _read(lambda: value.is_leaf),
            "grad_fn": _read(lambda: grad_fn_chain(value.grad_fn)),
            "values": _read(lambda: host_values(value)),
        }
        values = fields["values"]
        printed = (values.tobytes() if isinstance(values, np.ndarray) else values, values.dtype.str
                   if isinstance(values, np.ndarray) else None, *(fields[k] for k in PRINTED_FIELDS))
        cached = reprs.get(id(value))
        if cached is None or cached[0] != printed:
            cached = reprs[id(value)] = (printed, _read(lambda: _normalise(repr(value))))
        fields["repr"] = cached[1]
        if depth == 0:
            grad = _read(lambda: value.grad)
            fields["grad"] = observe(grad, reprs, depth + 1) if not isinstance(grad, str) else grad
        return fields
    if isinstance(value, np.ndarray):
        return {"kind": "ndarray", "dtype": str(value.dtype), "shape": value.shape, "strides": value.strides,
                "writeable": bool(value.flags.writeable), "values": np.array(value, copy=True)}
    if value is None or isinstance(value, (bool, int, float, complex, str)):
        return {"kind": type(value).__name__, "value": value}
    if isinstance(value, (tuple, list)) and depth < 2:
        fields = {"kind": type(value).__name__ if type(value) in (tuple, list) else "sequence",
                  "length": len(value)}
        for i, item in enumerate(value):
            fields.update({f"[{i}].{k}": v for k, v in observe(item, reprs, depth + 1).items()})
        if type(value) not in (tuple, list):  # torch.Size and its likes: how they print is API
            fields["repr"] = _read(lambda: repr(value))
        return fields
    if hasattr(value, "next_functions") or type(value).__name__.endswith("Backward0"):
        return {"kind": "grad_fn", "chain": grad_fn_chain(value)}
    return {"kind": "other", "repr": _read(lambda: _normalise(repr(value)))}


def same_field(name: str, expected, actual, dtype: str | None) -> bool:
    """Equal as a user sees it: values within torch's per-dtype tolerance (nan equals nan), the rest exactly."""
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
            return False
        if expected.dtype.kind in "fc":
            rtol, atol = TOLERANCES.get(dtype or str(expected.dtype), (0.0, 0.0))
            a, e = actual.astype(np.float64), expected.astype(np.float64)
            with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: decided by the equality terms
                close = (a == e) | (np.isnan(a) & np.isnan(e)) | (np.abs(a - e) <= atol + rtol * np.abs(e))
            return bool(close.all())
        return actual.dtype.kind == expected.dtype.kind and bool(np.array_equal(actual, expected))
    if isinstance(expected, float) and isinstance(actual, float):
        return expected == actual or (expected != expected and actual != actual) or \
            abs(expected - actual) <= 1e-5 + 1.3e-6 * abs(expected)
    if type(expected) is not type(actual) and not (isinstance(expected, tuple) and isinstance(actual, tuple)):
        return False
    return expected == actual


def show(value) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=8, separator=", ", threshold=100)
    return repr(value)


# ---------------------------------------------------------------- memory shared between variables

def _extent(tensor) -> tuple[int, int] | None:
    """[first byte, last byte] a tensor's elements cover, from data_ptr: for devices NumPy cannot see."""
    shape, stride = tuple(tensor.shape), tuple(tensor.stride())
    if 0 in shape:
        return None
    size = tensor.element_size()
    start = tensor.data_ptr()
    return start, start + (sum((n - 1) * s for n, s in zip(shape, stride)) + 1) * size - 1


def shared_pairs(variables: dict[str, Any]) -> set[tuple[str, str]]:
    """Pairs of variables whose elements share memory: exactly, through NumPy views on the CPU."""
    arrays, extents = {}, {}
    for name, value in variables.items():
        if isinstance(value, np.ndarray):
            arrays[name] = value
        elif is_tensor_like(value):
            try:
                if getattr(value.device, "type", "cpu") == "cpu":
                    arrays[name] = value.detach().numpy()
                else:
                    extent = _extent(value)
                    if extent is not None:
                        extents[name] = extent
            except Exception:  # reported by the values field of this variable
                continue
    pairs = set()
    names = list(arrays)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            try:
                shares = np.shares_memory(arrays[first], arrays[second])
            except np.exceptions.TooHardError:
                shares = np.may_share_memory(arrays[first], arrays[second])
            if shares:
                pairs.add((first, second))
    names = list(extents)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            (a0, a1), (b0, b1) = extents[first], extents[second]
            if a0 <= b1 and b0 <= a1:
                pairs.add((first, second))
    return pairs
