"""`out=`: the one protocol for every torch function that writes its result into a given tensor.

The function runs as usual into a fresh tensor; then `write_out` checks `out` in torch's order and
copies the result in. A failed call leaves `out` untouched. torch's rules, per function (see OUT_RULES):
- with grad mode on, a differentiable function refuses out= when any argument (out included) requires grad;
- the result dtype must fit `out` (a cast rule, or an exact dtype for a few functions);
- an `out` of another shape is resized (with a UserWarning unless it was empty), keeping its storage;
- `out` may be an input (full overlap) but may not partly overlap one, nor overlap itself (expand()).
Factories (zeros(3, out=z)) take out's dtype unless dtype= disagrees (see `factory_with_out`).
"""
import functools
import math

from .._dtypes import CPP_NAMES, as_dtype
from .._fp import quiet
from .._tensor import Tensor
from .._warn import warn
from ..autograd.function import inplace
from ..autograd.grad_mode import state as grad_mode
from ._common import check_cast, refuse_overlap, refuse_partial_overlap

__all__ = ["OUT_RULES", "with_out", "factory_with_out", "write_out"]

_NO_GRAD = "{}(): functions with out=... arguments don't support automatic differentiation, but one of the " \
           "arguments requires grad."
_RESIZED = ("An output with one or more elements was resized since it had shape {}, which does not match the "
            "required output shape {}. This behavior is deprecated, and in a future PyTorch release outputs will not "
            "be resized unless they have zero elements. You can explicitly reuse an out tensor t by resizing it, "
            "inplace, to zero elements with t.resize_(0).")


def _cast(result_dt, out_dt, name):
    check_cast(result_dt, out_dt)


def _any(result_dt, out_dt, name):
    """Reductions accumulate straight into out's dtype."""


def _long(result_dt, out_dt, name):
    if out_dt.name != "int64":
        raise RuntimeError(f"Expected out tensor to have dtype long int, but got {CPP_NAMES[out_dt.name]} instead")


def _bool(result_dt, out_dt, name):
    if out_dt.name != "bool":
        raise RuntimeError(f"{name} only supports bool tensor for result, got: {out_dt.c10_name}")


def _same(result_dt, out_dt, name):
    if out_dt is not result_dt:
        raise RuntimeError(f"Found dtype {out_dt.c10_name} but expected {result_dt.c10_name}")


def _same_as_input(result_dt, out_dt, name):
    if out_dt is not result_dt:
        raise RuntimeError(f"result dtype {out_dt.c10_name} does not match input dtype {result_dt.c10_name}")


def _cat(result_dt, out_dt, name):
    if result_dt is not out_dt and not _can_cast(result_dt, out_dt):
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type {out_dt.c10_name}")


def _can_cast(a, b):
    try:
        check_cast(a, b)
        return True
    except RuntimeError:
        return False


# name -> (the name torch reports, whether it is differentiable, its dtype rule). Aliases report the op's name.
_ELEMENTWISE = {"add": "add", "sub": "sub", "subtract": "sub", "mul": "mul", "multiply": "mul", "div": "div",
                "divide": "div", "true_divide": "div", "pow": "pow", "square": "pow", "abs": "abs", "absolute": "abs",
                "neg": "neg", "negative": "neg", "exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin",
                "cos": "cos", "tanh": "tanh", "sigmoid": "sigmoid", "reciprocal": "reciprocal", "sign": "sign",
                "round": "round", "ceil": "ceil", "floor": "floor", "trunc": "trunc", "clamp": "clamp",
                "clip": "clamp", "maximum": "maximum", "minimum": "minimum", "remainder": "remainder"}
_COMPARE = ("eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal", "not_equal",
            "floor_divide", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor")
OUT_RULES = {
    **{n: (torch_name, True, _cast) for n, torch_name in _ELEMENTWISE.items()},
    **{n: (n, False, _cast) for n in _COMPARE},
    "bitwise_not": ("bitwise_not", False, _same),
    "matmul": ("matmul", True, _same_as_input), "mm": ("mm", True, _same_as_input),
    "mv": ("mv", True, _same_as_input), "dot": ("dot", True, _same_as_input),
    "cat": ("cat", True, _cat), "concat": ("cat", True, _cat), "concatenate": ("cat", True, _cat),
    "stack": ("stack", True, _cat),
    "sum": ("sum", True, _any), "mean": ("mean", True, _any), "prod": ("prod", True, _any),
    "norm": ("linalg_vector_norm", True, _any), "amax": ("amax", True, _any), "amin": ("amin", True, _any),
    "argmax": ("argmax", False, _long), "argmin": ("argmin", False, _long),
    "all": ("all", False, _bool), "any": ("any", False, _bool),
}


def _tensors(args):
    for a in args:
        if isinstance(a, Tensor):
            yield a
        elif isinstance(a, (list, tuple)):
            yield from _tensors(a)


def with_out(fn, name):
    """fn with torch's out= keyword, following OUT_RULES[name]."""
    torch_name, differentiable, dtype_rule = OUT_RULES[name]

    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
        inputs = list(_tensors(args)) + list(_tensors(kwargs.values()))
        if differentiable and grad_mode.enabled and any(t._rg for t in inputs + [out]):
            raise RuntimeError(_NO_GRAD.format(torch_name))
        result = fn(*args, **kwargs)
        dtype_rule(result.dtype, out.dtype, torch_name)
        return write_out(result, out, inputs)
    return call


def factory_with_out(name):
    """Decorator: a factory (zeros, arange, rand ...) with out=, which makes out's dtype unless dtype= differs."""
    return functools.partial(_factory_with_out, name=name)


def _factory_with_out(fn, name):
    @quiet
    @functools.wraps(fn)
    def call(*args, out=None, dtype=None, requires_grad=False, **kwargs):
        if out is None:
            return fn(*args, dtype=dtype, requires_grad=requires_grad, **kwargs)
        if grad_mode.enabled and out._rg:
            raise RuntimeError(_NO_GRAD.format(f"aten::{name}"))
        if dtype is not None and as_dtype(dtype) is not out.dtype:
            raise RuntimeError(f"dtype {dtype.c10_name} does not match dtype of out parameter "
                               f"({out.dtype.c10_name})")
        result = fn(*args, dtype=out.dtype, requires_grad=requires_grad, **kwargs)
        if name in ("arange", "range") and result._a.size != out._a.size and out._a.size:
            warn(f"The number of elements in the out tensor of shape {list(out._a.shape)} is {out._a.size} "
                 f"which does not match the computed number of elements {result._a.size}. Note that this "
                 f"may occur as a result of rounding error. The out tensor will be resized to a tensor of "
                 f"shape ({result._a.size},).")
            _resize(out, result._a.shape)
        write_out(result, out, (), warns=False)  # factories resize out silently
        if requires_grad:
            out.requires_grad_(True)
        return out
    return call


def write_out(result, out, inputs, warns=True):
    """Copy `result` into `out` under torch's shape and overlap rules; returns out."""
    shape = result._a.shape
    if out._a.shape != shape:
        if out._a.size and warns:
            warn(_RESIZED.format(list(out._a.shape), list(shape)))
        _resize(out, shape)

    def check():
        refuse_overlap(out._a)
        for t in inputs:
            refuse_partial_overlap(t, out)
    # out= is an in-place write without history. torch runs no autograd check on it: with_out has refused the
    # functions that could record, so out may even be a leaf that requires grad (torch.eq(a, b, out=w)).
    return inplace(out, (), None, lambda old: (result._a,), check, check_autograd=False)


def _resize(out, shape):
    """torch's resize_: contiguous strides from the same storage offset, growing the storage when needed."""
    st, offset = out._st, out.storage_offset()
    n = math.prod(shape)
    flat = st.flat
    if offset + n > flat.size:
        # torch grows the storage in place, so every tensor on it sees the new memory; here only `out` moves to
        # the bigger block (it keeps the version counter)
        bigger = st.be.xp.empty(offset + n, flat.dtype)
        bigger[:flat.size] = flat
        moved = st.alias()
        moved.base, moved._flat, moved.version = bigger, bigger, st.version
        out._st, flat = moved, bigger
    out._a = flat[offset:offset + n].reshape(shape)
