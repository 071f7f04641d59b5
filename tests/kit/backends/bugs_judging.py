"""Planted bugs that do *too much*, or that only a precise judge notices (issue 13.4), and graph bugs.

Each is real torch through the proxy with one bug. They prove the comparison and the checks are
tested both ways: a NaN only the implementation returns, a complex result whose imaginary part
is wrong, an int where torch gives a float (and the reverse), node names or graph flags that
differ while the gradients are right. bugs.py merges JUDGING_BUGS into its table.
"""
from __future__ import annotations

import torch

# (name, kind, -k selection, summary, tensor patches, module patches): bugs.Bug's fields, in order.


def _nan_first(original, *args, **kwargs):
    out = original(*args, **kwargs)
    if isinstance(out, torch.Tensor) and out.is_floating_point() and out.numel():
        with torch.no_grad():
            out.view(-1)[0] = float("nan")
    return out


def _imag_negated(original, *args, **kwargs):
    out = original(*args, **kwargs)
    return out.conj().resolve_conj() if isinstance(out, torch.Tensor) and out.is_complex() else out


def _item_float(original, *args, **kwargs):
    value = original(*args, **kwargs)
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _item_int_when_integral(original, *args, **kwargs):
    value = original(*args, **kwargs)
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _scalar_is_leaf(original, x, *args, **kwargs):
    return True if x.dim() == 0 else original(x, *args, **kwargs)


def _node_named_node(original, *args, **kwargs):
    node = original(*args, **kwargs)
    if node is None:
        return None
    return type("Node", (), {"next_functions": node.next_functions})()


def _clone_shares(original, x, *args, **kwargs):
    return x.detach() if not x.requires_grad else original(x, *args, **kwargs)


def _bool_clone_shares(original, x, *args, **kwargs):
    return x.view_as(x) if x.dtype == torch.bool else original(x, *args, **kwargs)


def _no_add_inplace(original, x, *args, **kwargs):
    raise AttributeError("'Tensor' object has no attribute 'add_'")


JUDGING_BUGS = [
    ("add_nan", "values", "add and operator and values",
     "x + y carries a NaN in its first element", {"add": _nan_first}, {}),
    ("complex_imag_negated", "values", "add and complex_scalar and values",
     "complex results have their imaginary part negated", {"add": _imag_negated}, {}),
    ("item_float_for_int", "values", "slicing and item and values",
     "item() of an int64 tensor returns a float where torch returns an int", {"item": _item_float}, {}),
    ("item_int_for_integral_float", "values", "slicing and item and values and float64",
     "item() of a float tensor holding an integral value returns an int", {"item": _item_int_when_integral}, {}),
    ("scalar_is_leaf", "graph", "autograd and graph",
     "a 0-d result (a sum, a mean) says is_leaf=True", {"is_leaf.get": _scalar_is_leaf}, {}),
    ("grad_fn_named_node", "graph", "add and operator and graph",
     "every grad_fn is a class named Node (as candle's), gradients right", {"grad_fn.get": _node_named_node}, {}),
    ("clone_shares_detached", "memory", "dynamic_graph and detach_clone and memory",
     "clone() of a tensor that needs no grad returns a view sharing its storage", {"clone": _clone_shares}, {}),
    ("add_inplace_missing", "values", "add and inplace and values",
     "Tensor.add_ is missing: one root cause, and the memory check still judges sharing through t[...] = ...",
     {"add_": _no_add_inplace}, {}),
    ("clone_bool_shares", "memory", "dynamic_graph and clone_bool and memory",
     "clone() of a bool mask returns a view sharing its storage", {"clone": _bool_clone_shares}, {}),
]
