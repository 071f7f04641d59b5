"""Planted-bug backends: real torch through the proxy with ONE realistic bug each.

Each bug is loaded by name, e.g. `pytest conformance --impl=tests.kit.backends.bugs:mean_unbiased`.
Its table entry says which check kind must catch it and which tests reach it (a `-k`
expression), so tests/kit/test_planted_bugs.py can prove the kit notices every one.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Callable

import torch

from ._proxy import Proxy
from .bugs_judging import JUDGING_BUGS
from .bugs_checks import TABLE as CHECKS_BUGS
from .bugs_programs import PROGRAM_BUGS


@dataclass(frozen=True)
class Bug:
    name: str
    kind: str          # the check kind that must report it
    select: str        # pytest -k expression for the tests that should catch it
    summary: str
    tensor_patches: dict[str, Callable] = field(default_factory=dict)
    module_patches: dict[str, Callable] = field(default_factory=dict)

    def backend(self) -> Proxy:
        return Proxy(f"bugs:{self.name}", f"Planted bug ({self.kind}): {self.summary}",
                     tensor_patches=self.tensor_patches, module_patches=self.module_patches)


def _is_float(value) -> bool:
    return isinstance(value, torch.Tensor) and value.is_floating_point()


# ---------------------------------------------------------------- patches: (original, *args, **kwargs)

def _add_epsilon(original, *args, **kwargs):
    out = original(*args, **kwargs)
    return out.sub(-1e-3) if _is_float(out) else out  # not `+`: that would re-enter this patch


def _mean_unbiased(original, x, *args, **kwargs):
    return original(x, *args, **kwargs) * x.numel() / (x.numel() - 1)


def _size_list(original, *args, **kwargs):
    out = original(*args, **kwargs)
    return list(out) if isinstance(out, torch.Size) else out


def _view_drops_inferred(original, x, *sizes):
    # "-1 infers 1 here anyway": a leading -1 is dropped when the rest already holds every element.
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    if len(sizes) > 1 and sizes[0] == -1 and math.prod(sizes[1:]) == x.numel():
        sizes = sizes[1:]
    return original(x, *sizes)


def _int_times_float_is_double(original, x, other, *args, **kwargs):
    out = original(x, other, *args, **kwargs)
    if isinstance(other, float) and isinstance(x, torch.Tensor) and not x.is_floating_point():
        return out.double()
    return out


def _from_numpy_single(original, array):
    out = original(array)
    return out.float() if out.dtype == torch.float64 else out


def _t_copies(original, *args, **kwargs):
    return original(*args, **kwargs).clone()


def _numpy_copies(original, *args, **kwargs):
    return original(*args, **kwargs).copy()


def _add_inplace_new(original, x, other, *args, **kwargs):
    return x + other


def _from_numpy_copies(original, array):
    return original(array.copy())


def _mul_detaches(original, x, other, *args, **kwargs):
    return original(x, other.detach() if isinstance(other, torch.Tensor) else other, *args, **kwargs)


def _mean_grad_scaled(original, *args, **kwargs):
    out = original(*args, **kwargs)
    if out.requires_grad:
        out.register_hook(lambda g: g * 1.5)  # forgets that the 1/n is already in MeanBackward
    return out


def _backward_resets_grads(original, out, *args, **kwargs):
    # "zero_grad inside backward": every leaf's .grad is cleared, so gradients never accumulate.
    seen, stack = set(), [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if hasattr(node, "variable"):
            node.variable.grad = None
        stack.extend(next_node for next_node, _ in node.next_functions)
    return original(out, *args, **kwargs)


def _grad_fn_renamed(original, *args, **kwargs):
    node = original(*args, **kwargs)
    if node is None:
        return None
    return type(type(node).__name__.rstrip("0123456789"), (), {"next_functions": node.next_functions})()


def _view_silently_reshapes(original, x, *sizes):
    try:
        return original(x, *sizes)
    except RuntimeError:
        count = math.prod(s for s in sizes if s != -1)
        return x.reshape(-1)[:count].reshape(*sizes)


def _cat_type_error(original, *args, **kwargs):
    try:
        return original(*args, **kwargs)
    except RuntimeError as exc:
        raise TypeError(str(exc)) from None


def _add_inplace_truncates(original, x, other, *args, **kwargs):
    if isinstance(other, torch.Tensor) and not x.is_floating_point() and other.is_floating_point():
        other = other.to(x.dtype)
    return original(x, other, *args, **kwargs)


def _add_inplace_dirty_on_failure(original, x, other, *args, **kwargs):
    try:
        return original(x, other, *args, **kwargs)
    except RuntimeError:
        if isinstance(other, torch.Tensor) and not x.requires_grad:
            # writes what fits before noticing the shapes are wrong
            with torch.no_grad():
                x.reshape(-1).copy_(x.reshape(-1) + other.reshape(-1)[: x.numel()].to(x.dtype))
        raise


def _grad_read_silent(original, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return original(*args, **kwargs)


def _grad_read_deprecation(original, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = original(*args, **kwargs)
    for warning in caught:
        warnings.warn(str(warning.message), DeprecationWarning, stacklevel=2)
    return value


def _repr_precision_3(original, *args, **kwargs):
    with torch._tensor_str.printoptions(precision=3):
        return original(*args, **kwargs)


def _repr_no_autograd_suffix(original, x, *args, **kwargs):
    return original(x.detach(), *args, **kwargs)


class _ShortSize(tuple):
    """A tuple of sizes that prints `Size([2, 3])` instead of `torch.Size([2, 3])`."""

    def __repr__(self):
        return f"Size({list(self)})"


def _size_short_repr(original, *args, **kwargs):
    out = original(*args, **kwargs)
    return _ShortSize(out) if isinstance(out, torch.Size) else out


def _times_two(original, *args, **kwargs):
    return original(*args, **kwargs) * 2


def _seed_ignored(original, seed):
    return torch.default_generator


def _seed_off_by_one(original, seed):
    return original(seed + 1)


def _norm_squared(original, *args, **kwargs):
    out = original(*args, **kwargs)
    return out * out


def _getitem_copies(original, *args, **kwargs):
    return original(*args, **kwargs).clone()


_TABLE = [
    Bug("add_epsilon", "values", "add and operator and values",
        "floating x + y is off by 1e-3", {"add": _add_epsilon}),
    Bug("mean_unbiased", "values", "autograd and mean and values",
        "mean divides by n - 1", {"mean": _mean_unbiased}),
    Bug("size_list", "shape", "add and operator and shape",
        "size() returns a list", {"size": _size_list}),
    Bug("view_drops_inferred", "shape", "view and view_row and shape",
        "view(-1, 16) of 16 elements returns shape (16,)", {"view": _view_drops_inferred}),
    Bug("int_times_float_double", "dtype", "multiply and float_scalar_on_int and dtype",
        "int64 * 2.5 gives float64 instead of the default float32", {"mul": _int_times_float_is_double}),
    Bug("from_numpy_float32", "dtype", "numpy_bridge and from_numpy and dtype",
        "from_numpy casts float64 arrays to float32", module_patches={"from_numpy": _from_numpy_single}),
    Bug("t_copies", "memory", "transpose and memory",
        "t() returns a copy instead of a view", {"t": _t_copies}),
    Bug("numpy_copies", "memory", "numpy_bridge and to_numpy and memory",
        "numpy() returns a copy instead of sharing memory", {"numpy": _numpy_copies}),
    Bug("add_inplace_new", "memory", "add and inplace and memory",
        "add_ returns a new tensor instead of mutating and returning self", {"add_": _add_inplace_new}),
    Bug("from_numpy_copies", "memory", "numpy_bridge and from_numpy and memory",
        "from_numpy copies the array", module_patches={"from_numpy": _from_numpy_copies}),
    Bug("mul_detaches", "grad", "multiply and tensor and grad",
        "x * y detaches y, so y.grad stays None", {"mul": _mul_detaches}),
    Bug("mean_grad_scaled", "grad", "autograd and mean and grad",
        "mean's gradient is 1.5 / n instead of 1 / n", {"mean": _mean_grad_scaled}),
    Bug("backward_no_accumulate", "grad", "add and operator and grad",
        "backward overwrites leaf gradients instead of accumulating", {"backward": _backward_resets_grads}),
    Bug("grad_fn_renamed", "graph", "add and operator and graph",
        "grad_fn names lose their version suffix (AddBackward, not AddBackward0)", {"grad_fn.get": _grad_fn_renamed}),
    Bug("view_silent_reshape", "errors", "view and view_wrong_numel",
        "view with the wrong number of elements silently reshapes", {"view": _view_silently_reshapes}),
    Bug("cat_type_error", "errors", "concatenation and size_mismatch",
        "cat of mismatched sizes raises TypeError instead of RuntimeError", {"cat": _cat_type_error}),
    Bug("add_inplace_truncates", "errors", "add and inplace_int_receiver",
        "add_ of a float tensor into an int64 receiver silently truncates", {"add_": _add_inplace_truncates}),
    Bug("add_inplace_dirty", "errors", "add and inplace_broadcast_receiver",
        "a failed add_ leaves a partial result in its receiver", {"add_": _add_inplace_dirty_on_failure}),
    Bug("nonleaf_grad_silent", "warnings", "dynamic_graph and nonleaf_grad_warns",
        "reading a non-leaf's .grad gives None without the UserWarning", {"grad.get": _grad_read_silent}),
    Bug("nonleaf_grad_deprecation", "warnings", "dynamic_graph and nonleaf_grad_warns",
        "the non-leaf .grad warning is a DeprecationWarning", {"grad.get": _grad_read_deprecation}),
    Bug("repr_precision_3", "printing", "add and operator_printing",
        "tensors print with 3 decimals instead of 4", {"__repr__": _repr_precision_3}),
    Bug("repr_no_grad_fn", "printing", "dynamic_graph and product_prints_grad_fn",
        "printing drops the grad_fn=<...> and requires_grad=True suffixes", {"__repr__": _repr_no_autograd_suffix}),
    Bug("size_repr", "printing", "creating_tensors and size and printing",
        "size() prints as Size([...]) instead of torch.Size([...])", {"size": _size_short_repr}),
    Bug("rand_doubled", "distribution", "operations and rand_distribution",
        "rand draws from [0, 2)", module_patches={"rand": _times_two}),
    Bug("randn_std_2", "distribution", "creating_tensors and randn_distribution",
        "randn draws with standard deviation 2", module_patches={"randn": _times_two}),
    Bug("seed_ignored", "rng", "operations and rand_seeded",
        "manual_seed does nothing", module_patches={"manual_seed": _seed_ignored}),
    Bug("seed_off_by_one", "rng", "creating_tensors and randn_seeded",
        "manual_seed(s) seeds s + 1", module_patches={"manual_seed": _seed_off_by_one}),
    Bug("norm_squared", "walkthrough", "backward_notes and walkthrough",
        "norm() returns the squared 2-norm", {"norm": _norm_squared}),
    Bug("getitem_copies", "walkthrough", "slicing and walkthrough",
        "indexing returns a copy, so writes through a[:, 2] are lost", {"__getitem__": _getitem_copies}),
]

_TABLE += [Bug(name, kind, select, summary, patches, module) for name, kind, select, summary, patches, module in JUDGING_BUGS]
BUGS: dict[str, Bug] = {bug.name: bug for bug in _TABLE + [Bug(*row) for row in PROGRAM_BUGS + CHECKS_BUGS]}


def __getattr__(name: str) -> Proxy:
    """`bugs.<name>` is the backend with that bug, built on first use."""
    if name not in BUGS:
        raise AttributeError(f"no planted bug named {name!r}; known: {', '.join(BUGS)}")
    backend = BUGS[name].backend()
    globals()[name] = backend
    return backend
