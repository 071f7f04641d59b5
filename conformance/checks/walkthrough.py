"""The walkthrough check: a section's steps replayed in both modules, every intermediate compared.

After each step, every variable the step bound or rebound is compared (values, dtype, shape,
requires_grad, is_leaf, grad_fn and .grad for tensors; equality otherwise), and whatever the
step printed must be torch's text exactly (object addresses masked).
"""
from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np

from ..compare import Mismatch, assert_same_values, describe, is_tensor_like
from ..runner import Context, SpecDisagrees
from .grad import node_name
from .printing import mask

_TENSOR_FLAGS = ("requires_grad", "is_leaf")


def _execute(step: str, scope: dict) -> tuple[str, BaseException | None]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # warnings have their own check; here they would only be noise
        try:
            exec(step, scope)
        except Exception as exc:
            return out.getvalue(), exc
    return out.getvalue(), None


def _compare_tensor(name: str, got, want) -> None:
    assert_same_values(got, want, name)
    if str(got.dtype) != str(want.dtype):
        raise Mismatch(f"{name}.dtype is {got.dtype}, torch gives {want.dtype}", str(want.dtype), str(got.dtype))
    for flag in _TENSOR_FLAGS:
        if getattr(got, flag, None) != getattr(want, flag):
            raise Mismatch(f"{name}.{flag} is {getattr(got, flag, None)!r}, torch gives {getattr(want, flag)!r}",
                           repr(getattr(want, flag)), repr(getattr(got, flag, None)))
    if node_name(getattr(got, "grad_fn", None)) != node_name(want.grad_fn):
        raise Mismatch(f"{name}.grad_fn is {node_name(getattr(got, 'grad_fn', None))}, torch gives "
                       f"{node_name(want.grad_fn)}", str(node_name(want.grad_fn)), str(node_name(got.grad_fn)))
    if want.is_leaf and want.grad is not None:
        if got.grad is None:
            raise Mismatch(f"{name}.grad is None, torch has a gradient", describe(want.grad), "None")
        assert_same_values(got.grad, want.grad, f"{name}.grad")


def _compare(name: str, got, want, shape_only: bool = False) -> None:
    if is_tensor_like(want):
        if not is_tensor_like(got):
            raise Mismatch(f"{name} is {describe(got)}, torch has a tensor", describe(want), describe(got))
        if shape_only:
            if tuple(got.shape) != tuple(want.shape) or str(got.dtype) != str(want.dtype):
                raise Mismatch(f"{name} has shape {tuple(got.shape)} and dtype {got.dtype}, torch "
                               f"{tuple(want.shape)} and {want.dtype}", describe(want), describe(got))
            return
        _compare_tensor(name, got, want)
    elif isinstance(want, np.ndarray) or isinstance(want, (list, tuple)) and any(is_tensor_like(w) for w in want):
        assert_same_values(got, want, name)
    elif isinstance(want, (bool, int, float, str, type(None), tuple, list)):
        assert_same_values(got, want, name)


def walkthrough(ctx: Context) -> None:
    walk = ctx.walkthrough
    scopes = {}
    for side, module in (("torch", ctx.oracle), ("impl", ctx.impl)):
        scopes[side] = {"torch": module, "np": np, **{k: _copy(v) for k, v in walk.data.items()}}
        if walk.seeded:
            module.manual_seed(0)
    for index, step in enumerate(walk.steps):
        before = {side: dict(scope) for side, scope in scopes.items()}
        want_out, want_error = _execute(step, scopes["torch"])
        if want_error is not None:
            raise SpecDisagrees(f"spec error: step {index} `{step}` raises in torch: "
                                f"{type(want_error).__name__}: {want_error}")
        got_out, got_error = _execute(step, scopes["impl"])
        where = f"step {index} `{step}`"
        try:
            if got_error is not None:
                raise Mismatch(f"{where} raised {type(got_error).__name__}: {got_error}", "no error", describe(got_error))
            if mask(got_out) != mask(want_out):
                raise Mismatch(f"{where} printed different text", mask(want_out), mask(got_out))
            for name, value in scopes["torch"].items():
                if name.startswith("__") or before["torch"].get(name, _MISSING) is value and name not in _mutable(step):
                    continue
                _compare(f"{where}: {name}", scopes["impl"].get(name), value, name in walk.shape_only)
        except Mismatch as mismatch:
            mismatch.repro = "\n".join([ctx.impl_import, "import numpy as np"]
                                       + [f"{k} = {v!r}" for k, v in walk.data.items()]
                                       + (["torch.manual_seed(0)"] if walk.seeded else [])
                                       + list(walk.steps[:index + 1]))
            raise


_MISSING = object()


def _mutable(step: str) -> set:
    """Names a step may change in place without rebinding them (method calls like `x.add_(y)`)."""
    return {token.split(".")[0] for token in step.replace("(", " ").replace(",", " ").split() if "." in token}


def _copy(value):
    return [_copy(v) for v in value] if isinstance(value, list) else value
