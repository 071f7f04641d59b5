"""Reductions (sum, mean, norm, max/min, amax/amin, argmax/argmin, prod): forward next to backward.

A reduction's backward spreads the output grad back over the reduced dims (re-inserting them when
keepdim=False) and broadcasts to the input's shape (ops/_reduce_dims.py). float32/float64 sums and means
(kernels/accumulate.py) and real norms (kernels/norm_order.py) add in torch's CPU order, so their last bits
match torch's.
"""
import math

import numpy as np

from .. import _dtypes
from .._device import backend_of
from .._dtypes import FLOAT
from .._tensor import Tensor, wrap
from ..autograd.function import record
from ..autograd.node import Node
from ..kernels.accumulate import mean_in, sum_in
from ..kernels.norm_order import torch_norm
from .._layout import allocated_contiguous, reduced_shape
from ._reduce_dims import dims_of, expand, spread
from .arguments import tensor_argument
from .elementwise import _binary


class SumBackward0(Node):
    """out = a.sum()"""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, a, dt):
        return sum_in(a, tuple(range(a.ndim)), False, dt)

    def backward(self, g):
        return (expand(g, self.shape),)


class SumBackward1(Node):
    """out = a.sum(dims, keepdim)"""

    def __init__(self, dims, keepdim, shape):
        self.dims, self.keepdim, self.shape = dims, keepdim, shape

    def forward(self, a, dt):
        return sum_in(a, self.dims, self.keepdim, dt)

    def backward(self, g):
        return (spread(g, self.shape, self.dims, self.keepdim),)


class MeanBackward0(Node):
    """out = a.mean()"""

    def __init__(self, shape):
        self.shape = shape

    def forward(self, a, dt):
        return mean_in(a, tuple(range(a.ndim)), False, dt)

    def backward(self, g):
        return (expand(g, self.shape) / math.prod(self.shape),)  # torch's order: a new array, taken over


class MeanBackward1(Node):
    """out = a.mean(dims, keepdim)"""

    def __init__(self, dims, keepdim, shape):
        self.dims, self.keepdim, self.shape = dims, keepdim, shape

    def forward(self, a, dt):
        return mean_in(a, self.dims, self.keepdim, dt)

    def backward(self, g):
        n = math.prod(self.shape[d] for d in self.dims) if self.shape else 1
        return (spread(g, self.shape, self.dims, self.keepdim) / n,)


def _reduce(input, dim, keepdim, dtype, full_node, dim_node, out_dtype, op):
    if dtype is not None:
        out_dtype = dtype
    x = input._a
    if dim is None or (isinstance(dim, (tuple, list)) and not dim and op == "sum"):
        node = dim_node(tuple(range(x.ndim)), True, x.shape) if keepdim else full_node(x.shape)
    else:
        dims = dims_of(input, dim, op)  # checks the dims even of a 0-dim input (only 0 and -1 are valid)
        node = dim_node(dims if x.ndim else (), keepdim, x.shape)
    r = node.forward(x, out_dtype.np)
    if isinstance(r, np.ndarray) and not isinstance(x, np.ndarray):  # the ordered sums replay on the host
        r = input._st.be.from_host(r)
    return record(wrap(r, out_dtype, input._st.be), (input,), node, (x,))


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over `dim` (int or tuple). Integer and bool inputs sum to int64."""
    dt = input.dtype if input.dtype.category >= FLOAT else _dtypes.int64
    return _reduce(input, dim, keepdim, dtype, SumBackward0, SumBackward1, dt, "sum")


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of all elements, or over `dim`; floating and complex inputs only (as torch)."""
    dt = dtype or input.dtype
    if dt.category < FLOAT:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {dt.c10_name}")
    return _reduce(input, dim, keepdim, dtype, MeanBackward0, MeanBackward1, dt, "mean")


class LinalgVectorNormBackward0(Node):
    """out = (sum |a|^p)^(1/p); the 2-norm's grad is a / out"""

    saved_inputs = (0,)
    saves_result = True

    def __init__(self, p, dims, keepdim, be):
        self.p, self.dims, self.keepdim, self.be = p, dims, keepdim, be

    def forward(self, a):
        p, dims, keepdim = self.p, self.dims, self.keepdim
        if a.dtype.kind == "f":  # torch's CPU order for real dtypes; its kernels run on the host
            host = a if isinstance(a, np.ndarray) else self.be.to_host(a)
            r = torch_norm(host, p, dims).reshape(reduced_shape(a.shape, dims, keepdim))
            return r if host is a else self.be.from_host(r)
        # Complex: NumPy's order, close to torch but not bit-exact.
        acc = np.abs(a)
        if p == 2:
            r = np.sqrt((acc * acc).sum(axis=dims, keepdims=keepdim))
        elif p == math.inf:
            r = acc.max(axis=dims, keepdims=keepdim, initial=0)
        elif p == -math.inf:
            r = acc.min(axis=dims, keepdims=keepdim)
        elif p == 0:
            r = (acc != 0).sum(axis=dims, keepdims=keepdim).astype(acc.dtype)
        else:
            r = (acc ** p).sum(axis=dims, keepdims=keepdim) ** (1.0 / p)
        return r.astype(a.dtype.type(0).real.dtype)

    def backward(self, g):
        # ATen's norm_backward term by term: its order of rounding, and its signs of zero (a -0. grad
        # times the masked 0 of a zero norm stays -0.)
        a, out = self.saved
        shape, dims, keep = a.shape, self.dims, self.keepdim
        g, out = spread(g, shape, dims, keep), spread(out, shape, dims, keep)
        p = self.p
        if p == 0:
            return (None,)  # ATen returns an undefined grad: nothing reaches the input (x.grad stays None)
        if p == 1:
            return (np.sign(a) * g,)
        if p == 2:
            return (g * np.where(out == 0, 0, a / out).astype(a.dtype),)
        if math.isinf(p):
            hit = (np.abs(a) == out) | np.isnan(a)
            count = spread(hit.sum(axis=dims, keepdims=True), shape, dims, True).astype(g.dtype)
            return (np.sign(a) * ((g / count) * hit),)
        if p < 1:
            scaled = np.where(a == 0, 0, np.sign(a) * np.abs(a) ** (p - 1)).astype(a.dtype)
            return (scaled * g * out ** (1 - p),)
        scaled = np.sign(a) * np.abs(a) ** (p - 1) if p < 2 else a * np.abs(a) ** (p - 2)
        scale = np.where(out == 0, 0, g / out ** (p - 1)).astype(g.dtype)
        return (scaled * scale,)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """Vector 2-norm by default (all elements); p may be a number, inf or 'fro'."""
    if input.dtype.category < FLOAT:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {input.dtype.c10_name}")
    if p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2:
        # torch hands 'fro' over more than two dims to matrix_norm, which wants exactly two
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got " + " ".join(str(d) for d in dim))
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str):
        raise RuntimeError(f"norm(): unsupported norm type '{p}' in the reference")
    x = input if dtype is None else input.to(dtype)
    dims = tuple(range(x.ndim)) if dim is None else dims_of(x, dim, "norm")
    if x.numel() == 0 and (p < 0 or p == math.inf):
        _no_identity(x, p, dim)
    node = LinalgVectorNormBackward0(float(p), dims, keepdim, x._st.be)
    return record(wrap(node.forward(x._a), x.dtype.to_real(), x._st.be), (x,), node, (x._a,))


def _no_identity(x, p, dim):
    """linalg_vector_norm's check: a max, min or negative power of no elements has no value to start from."""
    start = f"linalg.vector_norm cannot compute the {p:g} norm on "
    given = [dim] if isinstance(dim, int) else list(dim or ())
    if not given:
        raise RuntimeError(start + "an empty tensor because the operation does not have an identity")
    for d in given:
        if x.shape[x._dim(d)] == 0:
            raise RuntimeError(start + f"the dimension {d}because this dimension is empty and the operation does not "
                               "have an identity")


# ---- max / min -----------------------------------------------------------------------------------------
def _return_type(name):
    """torch.return_types.<name>: a (values, indices) tuple with torch's repr."""
    def __repr__(self):
        return f"torch.return_types.{name}(\nvalues={self[0]!r},\nindices={self[1]!r})"
    cls = type(name, (tuple,), {"__slots__": (), "__repr__": __repr__,
                                "values": property(lambda self: self[0]),
                                "indices": property(lambda self: self[1])})
    cls.__module__ = "torch.return_types"
    return cls


MaxResult, MinResult = _return_type("max"), _return_type("min")


class _EvenlyBackward(Node):
    """A full max/min/amax/amin: the grad is shared evenly by every element equal to the result."""

    saved_inputs = (0,)
    saves_result = True

    def __init__(self, pick, dims=None, keepdim=False):
        self.pick, self.dims, self.keepdim = pick, dims, keepdim

    def forward(self, a):
        return self.pick(a, axis=self.dims, keepdims=self.keepdim)

    def backward(self, g):
        a, out = self.saved
        dims = self.dims if self.dims is not None else tuple(range(a.ndim))
        out = spread(out, a.shape, dims, self.keepdim)
        hit = a == out
        count = spread(hit.sum(axis=dims, keepdims=True), a.shape, dims, True)
        return (spread(g, a.shape, dims, self.keepdim) * hit / count,)


class _EvenlyFilled(_EvenlyBackward):
    """A full max/min: torch's evenly_distribute_backward. A nan result is shared by the nan elements; on the CPU the
    share is filled into zeros (masked_fill_), so a nan grad reaches only them, while CUDA multiplies by the mask."""

    def backward(self, g):
        a, out = self.saved
        be = backend_of(a)
        mask = be.xp.isnan(a) if bool(be.xp.isnan(out)) else a == out
        share = g / mask.sum()
        if not be.is_host:
            return (mask * share,)
        grad = be.xp.zeros_like(a, dtype=share.dtype)
        grad[mask] = share
        return (grad,)


MaxBackward1 = type("MaxBackward1", (_EvenlyFilled,), {})
MinBackward1 = type("MinBackward1", (_EvenlyFilled,), {})
AmaxBackward0 = type("AmaxBackward0", (_EvenlyBackward,), {})
AminBackward0 = type("AminBackward0", (_EvenlyBackward,), {})


class _IndexedBackward(Node):
    """max/min along a dim: forward reads the values at the indices the op found (argmax/argmin, kept for
    backward as torch keeps them); the grad goes to the element each index picked."""

    def __init__(self, dim, keepdim, indices, shape):
        self.dim, self.keepdim, self.indices, self.shape = dim, keepdim, indices, shape

    def forward(self, a):
        if not a.ndim:
            return a.copy()
        idx = self.indices if self.keepdim else np.expand_dims(self.indices, self.dim)
        values = np.take_along_axis(a, idx, axis=self.dim)
        return values if self.keepdim else values.squeeze(self.dim)

    def backward(self, g):
        idx = self.indices
        if not self.keepdim and self.shape:
            g, idx = np.expand_dims(g, self.dim), np.expand_dims(idx, self.dim)
        out = np.zeros_like(g, shape=self.shape)
        if self.shape:
            np.put_along_axis(out, idx, g, axis=self.dim)
        else:
            out = g
        return (out,)


MaxBackward0 = type("MaxBackward0", (_IndexedBackward,), {})
MinBackward0 = type("MinBackward0", (_IndexedBackward,), {})


def _extreme(input, dim, keepdim, other, is_max):
    name = "max" if is_max else "min"
    if other is not None:
        return maximum(input, other) if is_max else minimum(input, other)
    x, be = input._a, input._st.be
    if dim is None:
        if x.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               f"Specify the reduction dim with the 'dim' argument.")
        if input.dtype.is_complex:
            raise NotImplementedError(f"\"{name}_all\" not implemented for '{input.dtype.c10_name}'")
        node = (MaxBackward1 if is_max else MinBackward1)(np.max if is_max else np.min)
        return record(wrap(node.forward(x), input.dtype, be), (input,), node, (x,))
    d = input._dim(dim)
    if input.dtype.is_complex:
        raise RuntimeError(f"{name}(): does not support complex input")
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    arg = (np.argmax if is_max else np.argmin)(x, axis=d if x.ndim else None, keepdims=keepdim)
    node = (MaxBackward0 if is_max else MinBackward0)(d if x.ndim else None, keepdim, arg, x.shape)
    values = record(wrap(allocated_contiguous(node.forward(x)), input.dtype, be), (input,), node, (x,))
    indices = wrap(allocated_contiguous(arg.astype(np.int64, copy=False)), _dtypes.int64, be)
    return (MaxResult if is_max else MinResult)((values, indices))


def max(input, dim=None, keepdim=False, *, other=None):
    """max() -> the largest element; max(dim) -> (values, indices); max(tensor) -> elementwise maximum."""
    if isinstance(dim, Tensor):
        dim, other = None, dim
    return _extreme(input, dim, keepdim, other, True)


def min(input, dim=None, keepdim=False, *, other=None):
    """min() -> the smallest element; min(dim) -> (values, indices); min(tensor) -> elementwise minimum."""
    if isinstance(dim, Tensor):
        dim, other = None, dim
    return _extreme(input, dim, keepdim, other, False)


def _amax(input, dim, keepdim, is_max):
    if input.dtype.is_complex:
        kernel = "max_values_cpu" if is_max else "min_values_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.c10_name}'")
    dims = tuple(range(input.ndim)) if dim is None or dim == () else dims_of(input, dim, "amax")
    node = (AmaxBackward0 if is_max else AminBackward0)(np.max if is_max else np.min, dims, keepdim)
    be = input._st.be
    return record(wrap(allocated_contiguous(node.forward(input._a)), input.dtype, be), (input,), node, (input._a,))


def amax(input, dim=(), keepdim=False):
    return _amax(input, dim, keepdim, True)


def amin(input, dim=(), keepdim=False):
    return _amax(input, dim, keepdim, False)


def _arg(input, dim, keepdim, fn):
    if input.dtype is _dtypes.bool_:
        raise RuntimeError(f"{fn.__name__}(): does not support bool input")
    if input.dtype.is_complex:
        raise RuntimeError(f"{fn.__name__}(): does not support complex input")
    x = input._a
    if dim is None:
        r = fn(x.reshape(-1))
        if keepdim:
            r = np.reshape(r, (1,) * x.ndim)
    else:
        r = fn(x, axis=input._dim(dim), keepdims=keepdim) if x.ndim else fn(x)
    return wrap(allocated_contiguous(r.astype(np.int64, copy=False)), _dtypes.int64, input._st.be)


def argmax(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, np.argmax)


def argmin(input, dim=None, keepdim=False):
    return _arg(input, dim, keepdim, np.argmin)


class MaximumBackward0(Node):
    """out = max(a, b) elementwise; ties split the grad in half"""

    unpack_reversed = True  # torch checks `other` (mat2, exponent) before `self`
    saved_inputs = (0, 1)
    take_max = True

    def forward(self, a, b):
        return np.maximum(a, b) if self.take_max else np.minimum(a, b)

    def backward(self, g):
        # ATen: where(a == b, grad / 2, grad).masked_fill_(a loses, 0) for each operand, so a nan grad reaches only
        # the operand that won (both, where either is nan)
        a, b = self.saved
        shared = np.where(a == b, g / 2, g)
        a_loses, b_loses = ((a < b), (a > b)) if self.take_max else ((a > b), (a < b))
        return np.where(a_loses, 0, shared), np.where(b_loses, 0, shared)


MinimumBackward0 = type("MinimumBackward0", (MaximumBackward0,), {"take_max": False})


def _tensors_only(op, input, other):
    """maximum/minimum take no number for either operand (torch's argument parser refuses it)."""
    tensor_argument(op, "input", 0, input)
    tensor_argument(op, "other", 1, other)


def _no_complex(op, input, other):
    if input.dtype.is_complex or other.dtype.is_complex:
        raise RuntimeError(f"{op} not implemented for complex tensors.")


def maximum(input, other):
    _tensors_only("maximum", input, other)
    _no_complex("maximum", input, other)
    return _binary(input, other, np.maximum, MaximumBackward0(), "maximum")


def minimum(input, other):
    _tensors_only("minimum", input, other)
    _no_complex("minimum", input, other)
    return _binary(input, other, np.minimum, MinimumBackward0(), "minimum")


class ProdBackward0(Node):
    saved_inputs = (0,)
    saves_result = True

    def forward(self, a, dt):
        return a.prod(dtype=dt)

    def backward(self, g):
        a, out = self.saved
        zeros = np.count_nonzero(a == 0)
        if not zeros:
            return (g * (out / a),)  # ATen: grad * (result / input), rounded in that order
        if zeros > 1:  # every element has a zero among the others: ATen returns zeros (a nan grad too)
            return (np.zeros_like(a),)
        # With zeros, divide-free (as torch does): the product of all the other elements is the
        # product of those before (an exclusive cumprod) times the product of those after.
        flat = a.reshape(-1)
        one = np.ones_like(flat, shape=(1,))
        before = np.concatenate((one, np.cumprod(flat[:-1])))
        after = np.concatenate((np.cumprod(flat[::-1][:-1])[::-1], one))
        return (g * (before * after).reshape(a.shape),)


def prod(input, dtype=None):
    """Product of all elements (integers and bool give int64)."""
    dt = dtype or (input.dtype if input.dtype.category >= FLOAT else _dtypes.int64)
    node = ProdBackward0()
    return record(wrap(node.forward(input._a, dt.np), dt, input._st.be), (input,), node, (input._a,))


def _logical(fn, name):
    def reduce(input, dim=None, keepdim=False):
        """True where every (all) / some (any) element is non-zero, over all dims or `dim`."""
        x = input._a
        axis = None if dim is None else dims_of(input, dim, name)
        out_dt = _dtypes.uint8 if input.dtype is _dtypes.uint8 else _dtypes.bool_
        r = fn(x, axis=axis if x.ndim else None, keepdims=keepdim)
        return wrap(r.astype(out_dt.np), out_dt, input._st.be)
    reduce.__name__ = name
    return reduce


all, any = _logical(np.all, "all"), _logical(np.any, "any")
