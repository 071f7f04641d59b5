"""Backends that break the rules of a tensor library rather than its semantics.

An op raising an exception torch never raises, or returning something that is not a tensor:
the kit must report each as a readable test failure, never as an error of its own. Loaded as
`--impl=tests.kit.backends.broken:<name>` by tests/kit/test_bad_impl.py.
"""
from __future__ import annotations

from ._proxy import Proxy


def _raise_zero_division(original, *args, **kwargs):
    raise ZeroDivisionError("planted: add divides by zero")


def _to_list(original, *args, **kwargs):
    return original(*args, **kwargs).tolist()


def _none(original, *args, **kwargs):
    return None


def _raise_attribute_error(original, *args, **kwargs):
    raise AttributeError("planted: no such attribute")


add_raises = Proxy("broken:add_raises", "add raises ZeroDivisionError", tensor_patches={"add": _raise_zero_division})
add_returns_list = Proxy("broken:add_returns_list", "add returns a nested list", tensor_patches={"add": _to_list})
add_returns_none = Proxy("broken:add_returns_none", "add returns None", tensor_patches={"add": _none})
tensor_returns_list = Proxy("broken:tensor_returns_list", "torch.tensor returns a nested list",
                            module_patches={"tensor": _to_list})
repr_raises = Proxy("broken:repr_raises", "repr of a tensor raises", tensor_patches={"__repr__": _raise_zero_division})
grad_fn_missing = Proxy("broken:grad_fn_missing", "tensors have no grad_fn attribute",
                        tensor_patches={"grad_fn.get": _raise_attribute_error})
numpy_raises = Proxy("broken:numpy_raises", "numpy() raises", tensor_patches={"numpy": _raise_zero_division})
size_raises = Proxy("broken:size_raises", "size() raises", tensor_patches={"size": _raise_zero_division})
backward_raises = Proxy("broken:backward_raises", "backward raises", tensor_patches={"backward": _raise_zero_division})
