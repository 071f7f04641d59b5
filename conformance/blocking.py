"""Foundations: the few capabilities every other check stands on, probed once per process.

When `tensor(data, dtype=...)` is broken, hundreds of checks would fail for that one reason.
Instead each foundation is probed once (per pytest process or xdist worker, before the first
test that needs it) and reported once, as its own test `foundation::<name>[<device>]`; the
tests that depend on a failed foundation are skipped with `blocked_by` set (the record shows
them as "blocked") and a reason naming the root cause. A foundation that depends on a failed
one is itself blocked, so the summary shows one root cause, not a chain.

The probes only ask for what the dependent checks cannot do without: values, gradients and
random streams are the checks' own business, not the foundations'.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .compare import is_tensor_like, to_host
from .timeouts import CaseTimeout, run_with_timeout

SECTION = "foundation"
# Foundations no walkthrough needs: its steps spell their own writes, and compare dtypes as text itself.
WALKTHROUGH_FREE = ("inplace_write", "dtype_objects", "grad_propagation")
VALUE_CHECKS = ("values", "memory", "grad", "rng", "warnings", "distribution", "walkthrough")


class FoundationFailed(AssertionError):
    """A foundation probe found the backend unable to do something every dependent check needs."""


@dataclass(frozen=True)
class Foundation:
    name: str
    summary: str
    probe: Callable            # (module, device) -> None; raises FoundationFailed
    requires: tuple = ()       # foundations this probe itself stands on

    def test_id(self, device: str) -> str:
        return f"{SECTION}::{self.name}[{device}]"


def _kwargs(device: str, **extra) -> dict:
    return {**({} if device == "cpu" else {"device": device}), **extra}


def _tensor(module, device):
    data = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    t = module.tensor(data, **_kwargs(device, dtype=module.float32))
    if not is_tensor_like(t):
        raise FoundationFailed(f"torch.tensor({data}, dtype=torch.float32) returned {type(t).__name__}, "
                               "not a tensor (an object with shape, dtype and numpy())")
    if tuple(t.shape) != (2, 3) or str(t.dtype) != str(module.float32):
        raise FoundationFailed(f"torch.tensor({data}, dtype=torch.float32) has shape {tuple(t.shape)} and dtype "
                               f"{t.dtype}; expected (2, 3) and {module.float32}")
    return t


def _readback(module, device):
    # Any tensor of known values will do: with tensor() broken, ones() still lets the checks of
    # creation functions read their results, so they run instead of being blocked.
    try:
        t, made = _tensor(module, device), "torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float32)"
        want = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    except Exception:
        t, made = module.ones(2, 3, **_kwargs(device, dtype=module.float32)), "torch.ones(2, 3, dtype=torch.float32)"
        want = np.ones((2, 3), dtype=np.float32)
    host = t.detach() if callable(getattr(t, "detach", None)) else t
    if device != "cpu":
        host = host.cpu()
    values = np.asarray(host.numpy())
    if values.shape != want.shape or not np.array_equal(values, want):
        raise FoundationFailed(f"t.detach().numpy() gave {values.tolist()!r} (dtype {values.dtype}) for t = {made}")


# In-place writes, tried in order until one changes the values: (spelling with {0} for the name, the write).
# `add_` is the tutorial's; a backend without it, or whose `add_` copies, is still judged on sharing through
# an element write every tensor type needs anyway. `add_`'s own bugs are its cases' to report. Bool tensors
# cannot add 1: every element flips instead.
_WRITES = {
    "number": (("{0}.add_(1)", lambda t: t.add_(1)), ("{0}[...] = {0} + 1", lambda t: t.__setitem__(..., t + 1))),
    "bool": (("{0}.logical_not_()", lambda t: t.logical_not_()), ("{0}[...] = ~{0}", lambda t: t.__setitem__(..., ~t)),
             ("{0}[...] = {0}.logical_not()", lambda t: t.__setitem__(..., t.logical_not()))),
}


def write_in_place(obj) -> str:
    """Change every element in place (add one; flip a bool); returns the spelling used, `{0}` standing for the name."""
    if isinstance(obj, np.ndarray):
        if obj.dtype == np.bool_:
            obj ^= True
            return "{0} ^= True"
        obj += 1
        return "{0} += 1"
    before, tried = to_host(obj), []
    for spelling, write in _WRITES["bool" if "bool" in str(obj.dtype) else "number"]:
        try:
            write(obj)
        except Exception as exc:  # noqa: BLE001 - any failure of one write means: try the next
            tried.append(f"{spelling.format('t')}: {type(exc).__name__}: {exc}")
            continue
        if before.size == 0 or not np.array_equal(to_host(obj), before):  # an empty tensor has nothing to change
            return spelling
        tried.append(f"{spelling.format('t')}: no element changed")
    raise FoundationFailed("no in-place write reaches the tensor (" + "; ".join(tried) + ")")


def _inplace_write(module, device):
    t = _tensor(module, device)
    how = write_in_place(t)
    values = np.asarray((t.detach() if callable(getattr(t, "detach", None)) else t).numpy())
    if not np.array_equal(values, np.array([[2.0, 3.0, 4.0], [5.0, 6.0, 7.0]], dtype=np.float32)):
        raise FoundationFailed(f"{how.format('t')} on t = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) leaves t "
                               f"as {values.tolist()!r}: no in-place write (add_, or t[...] = t + 1) reaches t")


def _dtype_objects(module, device):
    for name in ("float32", "int64"):
        dtype = getattr(module, name, None)
        if str(dtype) != f"torch.{name}":
            raise FoundationFailed(f"str(torch.{name}) is {str(dtype)!r}, not 'torch.{name}'")
        made = module.tensor([1], **_kwargs(device, dtype=dtype)).dtype
        if made != dtype:
            raise FoundationFailed(f"torch.tensor([1], dtype=torch.{name}).dtype is {made!r}, which != torch.{name}")


def _grad_propagation(module, device):
    x = module.tensor([1.0, 2.0, 3.0], **_kwargs(device, dtype=module.float32, requires_grad=True))
    y = x * 2
    flags = {"requires_grad": getattr(y, "requires_grad", None), "is_leaf": getattr(y, "is_leaf", None)}
    if flags != {"requires_grad": True, "is_leaf": False} or getattr(y, "grad_fn", None) is None:
        node = "a node" if getattr(y, "grad_fn", None) is not None else "None"
        raise FoundationFailed(f"requires_grad does not propagate: y = x * 2 of a leaf x that requires grad has "
                               f"requires_grad={flags['requires_grad']!r}, is_leaf={flags['is_leaf']!r} and grad_fn "
                               f"{node}; torch gives True, False and a node")


def _seed(module, device):
    if not callable(getattr(module, "manual_seed", None)):
        raise FoundationFailed("torch.manual_seed is missing")
    module.manual_seed(0)


def _autograd(module, device):
    x = module.tensor([1.0, 2.0, 3.0], **_kwargs(device, dtype=module.float32, requires_grad=True))
    if getattr(x, "requires_grad", None) is not True:
        raise FoundationFailed("torch.tensor(..., requires_grad=True).requires_grad is not True")
    x.sum().backward()
    if not is_tensor_like(getattr(x, "grad", None)) or tuple(x.grad.shape) != (3,):
        raise FoundationFailed(f"after x.sum().backward(), x.grad is {x.grad!r}, not a tensor of shape (3,)")


FOUNDATIONS = {f.name: f for f in (
    Foundation("tensor_from_data", "torch.tensor(nested list, dtype=...) makes a tensor of that shape and dtype",
               lambda m, d: _tensor(m, d)),
    Foundation("numpy_readback", "t.detach().numpy() gives the values back", _readback),
    Foundation("manual_seed", "torch.manual_seed(0) exists and runs", _seed),
    Foundation("autograd", "requires_grad=True and backward() fill .grad", _autograd, ("tensor_from_data",)),
    Foundation("inplace_write", "an in-place write (t.add_(1), or t[...] = t + 1) changes t's values",
               _inplace_write, ("tensor_from_data", "numpy_readback")),
    Foundation("dtype_objects", "dtypes are torch-style objects: str(torch.float32) == 'torch.float32'",
               _dtype_objects, ("tensor_from_data",)),
    Foundation("grad_propagation", "requires_grad propagates through an op: (x * 2).requires_grad, a non-leaf "
               "with a grad_fn", _grad_propagation, ("autograd",)),
)}


def needs(section, case, check: str) -> tuple[str, ...]:
    """The foundations one test stands on, most fundamental first."""
    if case is None:  # a walkthrough: judged by what its steps use
        walk = section.walkthrough
        text = "\n".join(walk.steps)
        uses = {"tensor_from_data": "tensor(" in text, "numpy_readback": True,
                "manual_seed": walk.seeded, "autograd": "backward" in text}
        uses.update(dict.fromkeys(WALKTHROUGH_FREE, False))
    else:
        text = f"{case.call}\n{case.setup}"
        builds = any(spec.kind == "tensor" for spec in case.inputs) or "tensor(" in text
        unchanged = check == "errors" and bool(case.unchanged)
        uses = {"tensor_from_data": builds or check == "grad",
                "numpy_readback": check in VALUE_CHECKS or unchanged,
                "manual_seed": check == "rng" or case.seeded,
                "autograd": check in ("grad", "graph") or any(spec.requires_grad for spec in case.inputs),
                "inplace_write": check == "memory", "dtype_objects": False, "grad_propagation": check == "graph"}
    return tuple(name for name in FOUNDATIONS if uses[name])


@dataclass
class Verdict:
    ok: bool
    message: str = ""
    blocked_by: str | None = None  # the failed foundation this one stands on


class Probes:
    """Runs each foundation probe at most once in this process and remembers the verdict."""

    def __init__(self, module, device: str, timeout: float | None):
        self.module, self.device, self.timeout = module, device, timeout
        self.verdicts: dict[str, Verdict] = {}

    def verdict(self, name: str) -> Verdict:
        if name not in self.verdicts:
            self.verdicts[name] = self._probe(FOUNDATIONS[name])
        return self.verdicts[name]

    def first_failure(self, names) -> tuple[str, Verdict] | None:
        """The most fundamental failed foundation among `names` (its own root cause, if blocked)."""
        for name in names:
            verdict = self.verdict(name)
            if not verdict.ok:
                root = verdict.blocked_by or name
                return root, self.verdict(root)
        return None

    def _probe(self, foundation: Foundation) -> Verdict:
        for required in foundation.requires:
            verdict = self.verdict(required)
            if not verdict.ok:
                root = verdict.blocked_by or required  # a chain of blocked foundations names its broken root
                return Verdict(False, f"blocked by {FOUNDATIONS[root].test_id(self.device)}", blocked_by=root)
        try:
            run_with_timeout(lambda: foundation.probe(self.module, self.device), self.timeout)
        except FoundationFailed as exc:
            return Verdict(False, str(exc))
        except CaseTimeout as exc:
            return Verdict(False, f"the probe {exc}")
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # the backend's own error is the finding, whatever it is
            return Verdict(False, f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
        return Verdict(True)
