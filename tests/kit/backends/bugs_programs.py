"""Planted interaction bugs: each shows only when calls are combined, so only the program tests see it.

Each is torch's semantics broken in one realistic way that clones of torch get wrong (grad mode that
leaks, views that stop being views, in-place writes autograd never hears of...). bugs.py merges these
rows into its BUGS table; tests/kit/test_planted_bugs.py proves the program tests catch every one.
"""
from __future__ import annotations

import torch

VIEW_OPS = ("__getitem__", "t", "view", "transpose", "reshape", "squeeze", "unsqueeze", "select", "narrow",
            "expand", "permute", "flatten")
ARITHMETIC = ("add", "sub", "mul", "div")
INPLACE_OPS = ("add_", "sub_", "mul_", "div_", "zero_", "fill_", "clamp_", "neg_", "copy_")


class _LeakyNoGrad:
    """no_grad() whose exit turns grad mode on, instead of restoring the mode it found."""

    def __enter__(self):
        torch.set_grad_enabled(False)
        return self

    def __exit__(self, *exc):
        torch.set_grad_enabled(True)
        return False


def _no_grad_leaks(original, *args, **kwargs):
    return _LeakyNoGrad()


def _copy_under_no_grad(original, *args, **kwargs):
    # "nothing is recorded under no_grad, so a plain copy will do": the view loses its base.
    out = original(*args, **kwargs)
    if not torch.is_grad_enabled() and isinstance(out, torch.Tensor):
        return out.clone()
    return out


def _inplace_view_skips_autograd(name):
    def patch(original, x, *args, **kwargs):
        # Writing a view through .data: no version bump, no CopySlices rebase; backward silently
        # uses the values from before the write.
        if isinstance(x, torch.Tensor) and x._base is not None and x.requires_grad:
            getattr(x.data, name)(*args, **kwargs)
            return x
        return original(x, *args, **kwargs)
    return patch


def _requires_grad_false_silent(original, x, requires_grad=True):
    # "turning tracking off can't hurt": a non-leaf keeps its grad_fn and no error is raised.
    if not requires_grad and isinstance(x, torch.Tensor) and not x.is_leaf:
        return x
    return original(x, requires_grad)


def _requires_grad_set_false_silent(original, x, requires_grad):
    # The same bug in the `x.requires_grad = False` spelling.
    if not requires_grad and isinstance(x, torch.Tensor) and not x.is_leaf:
        return None
    return original(x, requires_grad)


def _zero_dim_promotes(original, x, other, *args, **kwargs):
    # "the wider dtype wins": a 0-dim operand (a reduction's result, say) promotes a dimensioned float
    # tensor, where torch lets the dimensioned operand's dtype win within the same category.
    out = original(x, other, *args, **kwargs)
    if isinstance(x, torch.Tensor) and isinstance(other, torch.Tensor) and isinstance(out, torch.Tensor) \
            and out.is_floating_point():
        wider = torch.promote_types(x.dtype, other.dtype)
        if wider != out.dtype:
            return out.to(wider)
    return out


# (name, kind, -k selection, summary, tensor_patches, module_patches): bugs.Bug's fields in order.
PROGRAM_BUGS = [
    ("no_grad_exit_enables", "program", "programs and (views_no_grad or autograd_flags or spec_calls)",
     "leaving a no_grad block turns grad mode on instead of restoring the enclosing block's mode",
     {}, {"no_grad": _no_grad_leaks}),
    ("no_grad_view_copies", "program", "programs and views_no_grad",
     "a view made under no_grad is a copy: it loses the link to its base",
     {name: _copy_under_no_grad for name in VIEW_OPS}, {}),
    ("inplace_view_skips_autograd", "program", "programs and inplace_versions",
     "an in-place write through a view of a tracked tensor bypasses autograd: no version bump, stale backward",
     {name: _inplace_view_skips_autograd(name) for name in INPLACE_OPS}, {}),
    ("requires_grad_false_keeps_graph", "program", "programs and (autograd_flags or inplace_versions or everything)",
     "requires_grad_(False) on a computed tensor silently keeps its grad_fn instead of raising",
     {"requires_grad_": _requires_grad_false_silent, "requires_grad.set": _requires_grad_set_false_silent}, {}),
    ("zero_dim_promotes", "program", "programs and (mixed_dtypes or everything)",
     "a 0-dim float64 operand (a reduction's result) promotes a float32 tensor to float64",
     {op: _zero_dim_promotes for op in ARITHMETIC}, {op: _zero_dim_promotes for op in ARITHMETIC}),
]
