"""Planted bugs for the layout check, "must not raise", the new inputs and exact comparison.

Each is real torch with one realistic bug, written from torch's semantics (what a backend author
gets wrong), not from the kit's cases. Rows are (name, kind, select, summary, tensor patches,
module patches); bugs.py turns them into its `Bug`s, so this file imports only torch.
"""
from __future__ import annotations

import math

import torch


def _contiguous_result(original, *args, **kwargs):
    # "results are fresh memory, so make them C-contiguous": torch keeps the operands' dim order.
    out = original(*args, **kwargs)
    return out.contiguous() if isinstance(out, torch.Tensor) and kwargs.get("out") is None else out


def _t_contiguous_copy(original, *args, **kwargs):
    # "t() materialises the transpose": right values, but a fresh contiguous tensor instead of swapped strides.
    return original(*args, **kwargs).contiguous()


def _numpy_c_order(original, *args, **kwargs):
    return original(*args, **kwargs).copy(order="C")


def _refuse_zero_dim(original, x, *args, **kwargs):
    operands = (x, *args)
    if any(isinstance(t, torch.Tensor) and t.dim() == 0 for t in operands):
        raise NotImplementedError("0-dim tensors are not supported by add")
    return original(x, *args, **kwargs)


def _refuse_uint8(original, data, *args, **kwargs):
    if kwargs.get("dtype") in (torch.uint8, torch.bool):
        raise TypeError(f"tensor(): dtype {kwargs['dtype']} is not supported")
    return original(data, *args, **kwargs)


def _refuse_bool_index(original, x, index):
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(i, bool) or (isinstance(i, torch.Tensor) and i.dtype == torch.bool) for i in parts):
        raise IndexError("boolean indices are not supported")
    return original(x, index)


def _refuse_empty_sum(original, x, *args, **kwargs):
    if x.numel() == 0:
        raise RuntimeError("sum(): cannot reduce an empty tensor")
    return original(x, *args, **kwargs)


def _int_division_floors(original, x, other, *args, **kwargs):
    # Python 2 / C semantics: int / int stays an integer, rounded down.
    if isinstance(x, torch.Tensor) and not x.is_floating_point() and not kwargs.get("rounding_mode"):
        if not (isinstance(other, torch.Tensor) and other.is_floating_point()) and not isinstance(other, float):
            return original(x, other, *args, rounding_mode="floor", **kwargs)
    return original(x, other, *args, **kwargs)


def _uint8_saturates(original, x, other, *args, **kwargs):
    out = original(x, other, *args, **kwargs)
    if isinstance(out, torch.Tensor) and out.dtype == torch.uint8:
        wide = original(x.to(torch.int64) if isinstance(x, torch.Tensor) else x,
                        other.to(torch.int64) if isinstance(other, torch.Tensor) else other, *args, **kwargs)
        return wide.clamp(0, 255).to(torch.uint8)
    return out


def _negative_zero_lost(original, *args, **kwargs):
    out = original(*args, **kwargs)
    if isinstance(out, torch.Tensor) and out.is_floating_point():
        return torch.where(out == 0, torch.zeros_like(out), out)  # -0.0 == 0: every zero becomes +0.0
    return out


def _sum_skips_nan(original, x, *args, **kwargs):
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        return torch.nansum(x, *args, **kwargs)
    return original(x, *args, **kwargs)


def _sum_one_ulp_up(original, *args, **kwargs):
    # A different summation order: off by one unit in the last place, well inside any tolerance.
    out = original(*args, **kwargs)
    if isinstance(out, torch.Tensor) and out.dtype == torch.float32 and out.dim() == 0 and math.isfinite(out.item()):
        return torch.nextafter(out, torch.tensor(math.inf, dtype=out.dtype))
    return out


TABLE = [
    ("elementwise_contiguous", "layout", "(add or multiply) and (operator or tensor) and layout",
     "x + y and x * y always return C-contiguous results, not in the operands' layout",
     {"add": _contiguous_result, "mul": _contiguous_result}, {}),
    ("t_contiguous_copy", "layout", "transpose and t_small_dtypes and layout",
     "t() returns a contiguous copy with torch's values", {"t": _t_contiguous_copy}, {}),
    ("numpy_c_order", "layout", "numpy_bridge and to_numpy and layout",
     "numpy() of a transposed tensor returns a C-ordered copy", {"numpy": _numpy_c_order}, {}),
    ("add_refuses_zero_dim", "values", "add and zero_dim and values",
     "x + y raises NotImplementedError when an operand is 0-dim", {"add": _refuse_zero_dim}, {}),
    ("tensor_refuses_uint8", "values", "add and small_int_dtypes and values",
     "torch.tensor(..., dtype=torch.uint8 or torch.bool) raises TypeError", {}, {"tensor": _refuse_uint8}),
    ("bool_index_refused", "values", "slicing and bool_mask and values",
     "indexing with a bool mask raises IndexError", {"__getitem__": _refuse_bool_index}, {}),
    ("sum_refuses_empty", "values", "autograd and sum_empty and values",
     "sum() of an empty tensor raises instead of returning 0", {"sum": _refuse_empty_sum}, {}),
    ("int_division_floors", "dtype", "multiply and true_division and dtype",
     "int64 / int64 floors and stays int64 instead of true division into float32", {"div": _int_division_floors}, {}),
    ("uint8_saturates", "values", "add and small_int_dtypes and values",
     "uint8 addition saturates at 0 and 255 instead of wrapping", {"add": _uint8_saturates}, {}),
    ("negative_zero_lost", "values", "multiply and special_values and values",
     "products that are -0.0 come back as +0.0", {"mul": _negative_zero_lost}, {}),
    ("sum_skips_nan", "values", "autograd and sum_special_values and values",
     "sum() skips nan (nansum) instead of propagating it", {"sum": _sum_skips_nan}, {}),
    ("sum_off_by_one_ulp", "values", "autograd and sum and values and float32",
     "a float32 sum is one ulp above torch's (another summation order)", {"sum": _sum_one_ulp_up}, {}),
]
