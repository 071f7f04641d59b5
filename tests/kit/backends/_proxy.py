"""Real torch seen through a wrapper: the machinery behind the faithful and planted-bug backends.

A `Proxy` is a module-like object the kit loads with `--impl`. Every attribute comes from torch;
callables are wrapped so the tensors they make belong to the proxy's own `torch.Tensor`
subclass, whose `__torch_function__` keeps every op's result in that subclass. Both layers
look up patches by name, so a planted bug is one small function:

    def mean_unbiased(original, x, *args, **kwargs):   # patches Tensor.mean and torch.mean
        return x.sum() / (x.numel() - 1)

A patch receives `original` (torch's own behaviour, still wrapped) and the call's arguments.
Tensor ops are keyed by their name (`add` covers `x + y`, `torch.add` and `x.add`; `add_` is
separate); attribute reads by `grad.get`; module functions such as `rand` by their name.
"""
from __future__ import annotations

import types
from typing import Callable

import torch

# Torch classes that make no tensors: handed out as they are, so `isinstance(s, torch.Size)` works.
_PASSTHROUGH = (torch.Size, torch.dtype, torch.device, torch.Generator, torch.finfo, torch.iinfo)


def op_name(func) -> str:
    """'add' for Tensor.add and torch.add; 'grad.get' for reading the `.grad` attribute."""
    name = getattr(func, "__name__", repr(func))
    if name in ("__get__", "__set__", "__delete__"):
        return f"{func.__self__.__name__}.{name.strip('_')}"
    return name


class ProxyTensor(torch.Tensor):
    """Base of each proxy's tensor class; `_patches` maps op names to patch functions."""

    _patches: dict[str, Callable] = {}

    @classmethod
    def __torch_function__(cls, func, types_, args=(), kwargs=None):
        def original(*a, **k):
            with torch._C.DisableTorchFunctionSubclass():
                return adopt(func(*a, **k), cls)

        patch = cls._patches.get(op_name(func))
        return patch(original, *args, **(kwargs or {})) if patch else original(*args, **(kwargs or {}))


def adopt(value, cls: type):
    """Make plain torch tensors in `value` instances of `cls`, in place.

    Changing `__class__` keeps the very object, so its storage, grad_fn, is_leaf and .grad stay
    exactly torch's; `as_subclass` would hang an extra AliasBackward0 node on every result.
    """
    if isinstance(value, (tuple, list)) and not isinstance(value, torch.Size):
        for item in value:
            adopt(item, cls)
    elif type(value) is torch.Tensor:
        value.__class__ = cls
    return value


class Proxy(types.ModuleType):
    """A module that forwards to `target` (torch or one of its submodules), adopting tensors it returns."""

    def __init__(self, name: str, doc: str = "", *, tensor_patches=None, module_patches=None,
                 target: types.ModuleType = torch, tensor_class: type | None = None):
        super().__init__(name, doc)
        # Named `tensor` because torch prints a subclass as `<class name>(...)`: this keeps repr torch's.
        self._tensor_class = tensor_class or type(
            "tensor", (ProxyTensor,), {"_patches": dict(tensor_patches or {}), "__module__": name})
        self._module_patches = dict(module_patches or {})
        self._target = target
        self.__file__ = __file__

    def __getattr__(self, name: str):
        if name.startswith("__") and name not in ("__version__",):
            raise AttributeError(name)
        value = getattr(self._target, name)
        if isinstance(value, types.ModuleType):
            sub = Proxy(f"{self.__name__}.{name}", target=value, tensor_class=self._tensor_class,
                        module_patches={k.split(".", 1)[1]: v for k, v in self._module_patches.items()
                                        if k.startswith(name + ".")})
            setattr(self, name, sub)
            return sub
        if not callable(value) or (isinstance(value, type) and issubclass(value, (*_PASSTHROUGH, BaseException))):
            return value
        wrapped = self._wrap(value, self._module_patches.get(name))
        setattr(self, name, wrapped)  # cache: later lookups skip __getattr__
        return wrapped

    def _wrap(self, function, patch):
        cls = self._tensor_class

        def original(*args, **kwargs):
            return adopt(function(*args, **kwargs), cls)

        def call(*args, **kwargs):
            return patch(original, *args, **kwargs) if patch else original(*args, **kwargs)

        call.__name__ = call.__qualname__ = getattr(function, "__name__", "function")
        call.__doc__ = getattr(function, "__doc__", None)
        return call
