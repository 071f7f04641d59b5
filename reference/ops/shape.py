"""Views and reshapes: results share the input's storage (and version counter) wherever torch's do.

`view` follows torch's stride rule (computeStride in ATen, ops/view_making.py): it succeeds exactly when the new
shape can be laid over the old strides; `reshape` copies when it cannot. Every view records its own node, whose
backward only rearranges the grad.
"""
import math

import numpy as np

from .. import _dtypes
from .._dtypes import type_string
from .._layout import copy_like
from .._tensor import wrap, wrap_copy
from .._warn import warn
from ..autograd.function import primitive, record
from ..autograd.node import Node
from ._common import inverse_permutation
from .arguments import tensor_argument
from .convert import view_dtype
from .view_making import compute_stride, fmt_shape, infer_shape, make_view, reshaped, size_args, strided


# ---- view-like nodes ---------------------------------------------------------------------------
# make_view lays out the view's memory; its node only records how to bring the grad back to the input.
class ViewBackward0(Node):
    def __init__(self, in_shape):
        self.in_shape = in_shape

    def backward(self, g):
        return (reshaped(g, self.in_shape),)


UnsafeViewBackward0 = type("UnsafeViewBackward0", (ViewBackward0,), {})
ReshapeAliasBackward0 = type("ReshapeAliasBackward0", (ViewBackward0,), {})


class TBackward0(Node):
    def backward(self, g):
        return (g.T,)


class TransposeBackward0(Node):
    def __init__(self, d0, d1):
        self.d0, self.d1 = d0, d1

    def backward(self, g):
        return (np.swapaxes(g, self.d0, self.d1) if g.ndim else g.view(),)  # a new view even of a 0-dim grad


class PermuteBackward0(Node):
    def __init__(self, perm):
        self.perm = perm

    def backward(self, g):
        return (g.transpose(inverse_permutation(self.perm)),)


class ExpandBackward0(Node):
    def backward(self, g):
        return (g,)  # the engine sums the broadcast dims away


class SqueezeBackward0(ViewBackward0):
    """squeeze(): torch's unsqueeze_to hands the grad itself on when no dim was squeezed, so a leaf's
    AccumulateGrad then copies a gradient the caller still holds instead of taking it over."""
    def backward(self, g):
        return (g if g.shape == self.in_shape else g.reshape(self.in_shape),)


SqueezeBackward1 = type("SqueezeBackward1", (SqueezeBackward0,), {})  # squeeze(dim)
SqueezeBackward2 = type("SqueezeBackward2", (SqueezeBackward0,), {})  # squeeze((dims))
class UnsqueezeBackward0(Node):
    """grad.squeeze(dim): always a new view, the other dims keeping their strides (a reshape may not)"""

    def __init__(self, dim):
        self.dim = dim

    def backward(self, g):
        return (g.squeeze(axis=self.dim),)


class AliasBackward0(ViewBackward0):
    def backward(self, g):
        return (g,)  # torch's formula is `grad` itself


class CloneBackward0(Node):
    def backward(self, g):
        return (g,)


class SelectBackward0(Node):
    """out = a.select(dim, index) (an int index): backward writes g into that slot of zeros."""

    def __init__(self, dim, index, in_shape):
        self.dim, self.index, self.in_shape = dim, index, in_shape

    def backward(self, g):
        out = np.zeros_like(g, shape=self.in_shape)
        out[(slice(None),) * self.dim + (self.index,)] = g
        return (out,)


class SliceBackward0(SelectBackward0):
    """out = a[..., start:stop:step, ...] along dim: the same scatter, with a slice for the index."""


# ---- public ops ----------------------------------------------------------------------------------
def view(self, *shape):
    """Same memory, new shape; raises when the strides do not allow it (use reshape then)."""
    if len(shape) == 1 and isinstance(shape[0], _dtypes.dtype):
        return view_dtype(self, shape[0])
    return _view(self, infer_shape(size_args(shape, "view"), self._a.size), ViewBackward0)


def _view(self, shape, node_cls):
    strides = compute_stride(self._a.shape, self.stride(), shape)
    if strides is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    try:
        cand = self._a.reshape(shape, copy=False)
    except (ValueError, TypeError):
        cand = None
    return make_view(self, strided(self, cand, shape, strides), node_cls(self._a.shape))


def reshape(self, *shape):
    """view when the layout allows, else a contiguous copy (recorded as UnsafeViewBackward0)."""
    sizes = size_args(shape, "reshape", "shape")  # the argument parser's check comes first
    if self._a.flags.c_contiguous:  # torch hands a contiguous tensor straight to view(), which checks the shape
        return primitive(view, self, *sizes)
    shape = infer_shape(sizes, self._a.size)  # a composite op's own check comes first
    if compute_stride(self._a.shape, self.stride(), shape) is not None:
        # torch: a contiguous input is view()ed; a strided one that still fits is a _reshape_alias
        return _view(self, shape, ViewBackward0 if self._a.flags.c_contiguous else ReshapeAliasBackward0)
    copy = clone(self, contiguous=True)
    out = wrap(copy._a.reshape(shape), self.dtype, self._st.be)
    out._st = copy._st
    return record(out, (copy,), UnsafeViewBackward0(copy._a.shape))


def view_as(self, other):
    return view(self, tensor_argument("view_as", "other", 1, other)._a.shape)


def reshape_as(self, other):
    return reshape(self, tensor_argument("reshape_as", "other", 1, other)._a.shape)


def flatten(self, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one (a view when possible, a copy otherwise)."""
    if self._a.ndim == 0:
        return reshape(self, (1,))
    s, e = self._dim(start_dim), self._dim(end_dim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return self
    shp = self._a.shape
    return reshape(self, shp[:s] + (math.prod(shp[s:e + 1]),) + shp[e + 1:])


def unflatten(self, dim, sizes):
    d = self._dim(dim)
    shp = self._a.shape
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        inferred = infer_shape(sizes, shp[d])
    except RuntimeError as e:  # torch's handle_unflatten_exception tells the errors apart by their text too
        if "is invalid for input of size" not in str(e):  # (torch appends its C++ stack trace to this one)
            raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
        raise RuntimeError(f"unflatten: Provided sizes {fmt_shape(sizes)} don't multiply up to the size of dim {d} "
                           f"({shp[d]}) in the input tensor") from None
    return view(self, shp[:d] + inferred + shp[d + 1:])


def t(self):
    """Transpose of a matrix (a 0-D or 1-D tensor is returned as a view of itself)."""
    if self._a.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._a.ndim}D")
    return make_view(self, self._a.T, TBackward0())


def transpose(self, dim0, dim1):
    """Swap two dims (a view)."""
    d0, d1 = self._dim(dim0), self._dim(dim1)
    if self._a.ndim == 0:
        return make_view(self, self._a.view(), TransposeBackward0(0, 0))
    return make_view(self, np.swapaxes(self._a, d0, d1), TransposeBackward0(d0, d1))


def permute(self, *dims):
    """Reorder dims (a view)."""
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = size_args(dims, "permute", "dims")
    n = self._a.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to "
                           f"len(dims) = {len(dims)}")
    perm = tuple(self._dim(d) for d in dims)
    if len(set(perm)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return make_view(self, self._a.transpose(perm), PermuteBackward0(perm))


def T(self):
    n = self._a.ndim
    if n != 2 and n != 0 and n != 1:
        warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
             "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
             "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
             "dimensions of a tensor.")
    return permute(self, tuple(range(n - 1, -1, -1)))


def mT(self):
    if self._a.ndim == 0:
        warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.")
        return self
    if self._a.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


def unsqueeze(self, dim):
    """Insert a size-1 dim at `dim` (a view)."""
    n = self._a.ndim
    d = self._dim(dim, n + 1)
    shape = self._a.shape[:d] + (1,) + self._a.shape[d:]
    st = self.stride()
    new = 1 if d >= n else self._a.shape[d] * st[d]
    strides = st[:d] + (new,) + st[d:]
    cand = np.expand_dims(self._a, d)
    return make_view(self, strided(self, cand, shape, strides), UnsqueezeBackward0(d))


def squeeze(self, dim=None):
    """Drop size-1 dims (all, or just `dim` / the dims in a tuple) (a view)."""
    shp = self._a.shape
    if dim is None:
        dims, node = tuple(i for i, n in enumerate(shp) if n == 1), SqueezeBackward0(shp)
    elif isinstance(dim, (tuple, list)):
        dims = tuple(self._dim(d) for d in dim if shp and shp[self._dim(d)] == 1)
        node = SqueezeBackward2(shp)
    else:
        d = self._dim(dim)
        dims, node = ((d,) if shp and shp[d] == 1 else ()), SqueezeBackward1(shp)
    return make_view(self, np.squeeze(self._a, axis=dims) if dims else self._a.view(), node)


def expand(self, *sizes):
    """Broadcast size-1 dims to bigger sizes without copying (stride 0); -1 keeps a size."""
    shape, strides = expand_geometry(self, size_args(sizes, "expand"))
    return make_view(self, strided(self, None, shape, strides), ExpandBackward0())


def expand_geometry(self, sizes):
    """The sizes and element strides of self.expand(sizes), after expand's checks."""
    shp, st = self._a.shape, self.stride()
    n_new = len(sizes) - len(shp)
    if n_new < 0:
        raise RuntimeError(f"expand({type_string(self.dtype, self._st.be.is_host)}{{{fmt_shape(shp)}}}, "
                           f"size={fmt_shape(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({len(shp)})")
    if not shp and any(n < 0 for n in sizes):
        _numel_overflow(sizes)
    # torch's inferExpandGeometry, from the last dim: a new leading dim of size 1 gets the stride that would step
    # over the dims after it (ones(3).expand(1, 3) has strides (3, 1)); a broadcast dim gets 0
    shape, strides = [0] * len(sizes), [0] * len(sizes)
    for i in range(len(sizes) - 1, -1, -1):
        want, j = sizes[i], i - n_new
        if j < 0:
            if want == -1:
                raise RuntimeError(f"The expanded size of the tensor ({want}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            have, stride = 1, shape[i + 1] * strides[i + 1] if i + 1 < len(sizes) else 0
        else:
            have, stride = shp[j], st[j]
            if want == -1:
                want = have
        if have != want:
            if have != 1:
                raise RuntimeError(f"The expanded size of the tensor ({want}) must match the existing size "
                                   f"({have}) at non-singleton dimension {i}.  Target sizes: {fmt_shape(sizes)}.  "
                                   f"Tensor sizes: {fmt_shape(shp)}")
            stride = 0
        shape[i], strides[i] = want, stride
    if any(n < 0 for n in shape):  # another negative size is no error of its own: torch then counts the elements
        _numel_overflow(shape)
    return tuple(shape), tuple(strides)


def _numel_overflow(sizes):
    """torch expands a 0-dim tensor without checking the sizes, and any tensor's new size-1 dims to a negative size
    but -1: a negative size reaches the element count, which it multiplies as uint64 (-1 is 2**64 - 1) and
    refuses past int64. The product can still come out fine (a 0 among the sizes), leaving torch a tensor with
    a negative size, which a NumPy array cannot be: the reference refuses those (a known divergence)."""
    prod, overflow = 1, False
    for n in sizes:
        prod *= n % 2 ** 64
        overflow |= prod >= 2 ** 64
        prod %= 2 ** 64
    if overflow or prod >= 2 ** 63:
        raise RuntimeError("numel: integer multiplication overflow")
    raise RuntimeError(f"expand: the reference cannot make a tensor of sizes {fmt_shape(sizes)}, with a negative "
                       "size (torch makes one, holding no elements)")


def expand_as(self, other):
    return expand(self, tensor_argument("expand_as", "other", 1, other)._a.shape)



def clone(self, *, memory_format=None, contiguous=False):
    """A copy in new memory (layout preserved unless contiguous), recorded as CloneBackward0."""
    if contiguous:
        out = wrap(self._a.copy(order="C"), self.dtype, self._st.be)
    else:
        out = wrap_copy(copy_like(self._a, self._a, self._st.be, always=True), self.dtype, self._st.be)
    return record(out, (self,), CloneBackward0())


def contiguous(self, memory_format=None):
    """self when already contiguous, else a contiguous copy."""
    if self._a.flags.c_contiguous:
        return self
    return clone(self, contiguous=True)


def narrow(self, dim, start, length):
    if self._a.ndim == 0:  # torch's checks, in its order and with its exception types
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = self._dim(dim)
    size = self._a.shape[d]
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return slice_dim(self, d, start, start + length, 1)


def slice_dim(self, d, start, stop, step):
    """self[..., start:stop:step] along dim d (a view); narrow and indexing slice through it."""
    sl = slice(start, stop, step)
    arr = self._a[(slice(None),) * d + (sl,)]
    if not arr.size:
        # torch's slice: stride * step and offset + start * stride (start clamped to the size), even when empty;
        # NumPy resets an empty slice's start to 0
        start, _, step = sl.indices(self._a.shape[d])
        offset = self.storage_offset() + start * self.stride(d)
        strides = list(self.stride())
        strides[d] *= step
        arr = self._st.window(arr.shape, strides, offset)
    return make_view(self, arr, SliceBackward0(d, sl, self._a.shape))
