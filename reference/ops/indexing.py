"""Indexing: reading `t[...]` (writing, `t[...] = v`, is ops/index_put.py).

Like torch, basic indices are applied one by one as views (an int is a `select`, a slice a `slice`,
None an `unsqueeze`), each recording its node; tensor/list/bool indices then gather a copy in one
step (IndexBackward0), following NumPy's placement rule for the gathered dims (which torch shares).
"""
import math

import numpy as np

from .. import _dtypes
from .._layout import contiguous_strides
from .._tensor import Tensor, view_of, wrap
from .._warn import warn
from ..autograd.function import record, refuse_stale_inputs
from ..autograd.grad_mode import state as grad_mode
from ..autograd.node import Node
from ..autograd.views import MULTI_OUTPUT_VIEW
from ._common import torch_layout
from .shape import AliasBackward0, SelectBackward0, slice_dim, unsqueeze
from .view_making import compute_stride, make_view


class UnbindBackward0(SelectBackward0):
    """One output of x.unbind(dim): the same scatter as select. torch has one node with an output per
    slice; this engine's nodes have one output, so each slice gets its own node of torch's name (the
    gradients are the same; only `a.grad_fn is b.grad_fn` differs)."""


class IndexBackward0(Node):
    """out = a[index] with tensor indices: a gather, so backward scatters (adding repeats)."""

    def __init__(self, index, be, in_shape):
        self.index, self.be, self.in_shape = index, be, in_shape

    def forward(self, a):
        return index_layout(a[self.index], a, self.index, self.be)

    def backward(self, g):
        out = np.zeros_like(g, shape=self.in_shape)
        np.add.at(out, self.index, g)
        return (out,)


# ---- the primitive views ---------------------------------------------------------------------------
def select(self, dim, index):
    """The slice at `index` along `dim`, without that dim (a view)."""
    if self._a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = self._dim(dim)
    size = self._a.shape[d]
    i = _int_index(index)
    if i < -size or i >= size:
        # select() has its own message; x[i] checks first, with the indexing one (_check_index)
        raise IndexError(f"select(): index {i} out of range for tensor of size {list(self._a.shape)} at dimension {d}")
    i += size if i < 0 else 0
    return make_view(self, self._a[(slice(None),) * d + (i, Ellipsis)], SelectBackward0(d, i, self._a.shape))


def unbind(self, dim=0):
    """The slices along `dim` as a tuple of views (what iterating over a tensor yields)."""
    d = self._dim(dim)
    outs = []
    for i in range(self._a.shape[d]):
        out = make_view(self, self._a[(slice(None),) * d + (i, Ellipsis)], UnbindBackward0(d, i, self._a.shape))
        if grad_mode.enabled:
            out._creation_meta, out._output_nr = MULTI_OUTPUT_VIEW, i  # no in-place writes (refuse_view_rebase)
        outs.append(out)
    return tuple(outs)


def _int_index(i):
    if isinstance(i, Tensor):
        return int(i.item())
    return int(i)


def _is_int(x):
    # a 0-dim uint8 tensor is not an int to torch: it indexes as a bool does (see _normalise)
    return (isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))) or \
        (isinstance(x, Tensor) and x._a.ndim == 0 and x.dtype.category == 1
         and x.dtype not in (_dtypes.bool_, _dtypes.uint8))


def _advanced(x, t, dim):
    """A tensor/list/ndarray index as an integer or bool array on t's device, checked like torch."""
    if isinstance(x, Tensor):
        arr = x._st.be.to_host(x._a)
        dt = x.dtype
    else:
        try:
            arr = np.asarray(x)
        except Exception:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             "valid indices") from None
        if arr.size == 0 or (arr.dtype.kind in "iuf" and arr.dtype != np.uint8):
            # torch makes a list/ndarray index a long tensor (a float one truncated), unless it is byte or bool
            arr = arr.astype(np.int64)
        dt = _dtypes.FROM_NUMPY.get(arr.dtype)
    if dt not in (_dtypes.int64, _dtypes.int32, _dtypes.uint8, _dtypes.bool_):  # int8/int16 too, as it says
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if dt is _dtypes.uint8:  # torch still reads a uint8 index as a mask
        warn("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.")
        arr = arr.astype(np.bool_)
    if arr.dtype == np.bool_:
        return t._st.be.from_host(arr)  # its shape: _check_bounds
    return t._st.be.from_host(arr.astype(np.intp, copy=False))  # bounds: _check_bounds, when torch checks them


def _check_bounds(t, shape, adv, kernel=True):
    """torch's checks of the indices `adv` ({dim: array}) into an array of `shape`, returning the indices to
    use. A bool mask must match the dims it covers; an indexed dim of size 0 with a non-empty index fails up
    front (AdvancedIndex); other indices are checked by the kernel (`kernel`: index_put_ checks its value in between), so only when the result has elements, naming
    the dim by its place among the indexed dims."""
    dims, index_shapes, j, checks = [], [], 0, []
    for d in sorted(adv):
        a = adv[d]
        if a.dtype == np.bool_:
            for k, n in enumerate(a.shape):
                if d + k >= len(shape) or shape[d + k] != n:
                    raise IndexError(f"The shape of the mask {list(a.shape)} at index {k} does not match the shape "
                                     f"of the indexed tensor {list(shape)} at index {d + k}")
            dims.extend(range(d, d + a.ndim))
            index_shapes.append((int(a.sum()),))
            j += a.ndim
            continue
        dims.append(d)
        index_shapes.append(a.shape)
        checks.append((j, d, a))
        j += 1
    try:
        broadcast = np.broadcast_shapes(*index_shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(n)) for n in index_shapes)) from None
    if any(shape[d] == 0 for d in dims) and 0 not in broadcast:
        raise IndexError("index is out of bounds for dimension with size 0")
    if not math.prod(broadcast) * math.prod(n for d, n in enumerate(shape) if d not in dims):
        # an empty result: torch's kernel never reads the indices; NumPy would check them, so give it zeros
        # (of the index's own layout where its shape allows, which the result's strides follow: index_layout)
        xp = t._st.be.xp
        return {d: a if a.dtype == np.bool_ else xp.zeros_like(a, np.intp) if a.shape == broadcast
                else xp.zeros(broadcast, np.intp) for d, a in adv.items()}
    for j, d, a in checks if kernel else ():
        host, size = t._st.be.to_host(a), shape[d]
        bad = host[(host >= size) | (host < -size)]
        if bad.size:
            raise IndexError(f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {j} with size {size}")
    return adv


_SEQUENCE_AS_TUPLE = ("Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in "
                      "pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as "
                      "tensor index, x[torch.tensor(seq)], which will result either in an error or a different result")


def _sequence_as_tuple(index):
    """torch's treatSequenceAsTuple (NumPy's old heuristic): a list of under 32 items holding a tensor, a
    sequence, a slice, ... or None indexes dim by dim, as a tuple would, with a deprecation warning."""
    if isinstance(index, list) and len(index) < 32:
        for x in index:
            if isinstance(x, (Tensor, list, tuple, range, slice, np.ndarray)) or x is None or x is Ellipsis:
                warn(_SEQUENCE_AS_TUPLE)  # the indexing line
                return tuple(index)
    return index


def _normalise(t, index):
    """Split an index into basic steps and one advanced index, with torch's checks."""
    index = _sequence_as_tuple(index)
    if not isinstance(index, tuple):
        if isinstance(index, slice) and index.step is not None:  # torch unpacks the slice before applying it
            _check_step(index.step)
        if t._a.ndim == 0 and isinstance(index, slice):
            # torch checks this in the slice op, after its autograd layer has read t's grad_fn
            refuse_stale_inputs((t,))
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        if t._a.ndim == 0 and _is_int(index) and not isinstance(index, Tensor):  # torch's applySelect on 0-dim
            if _int_index(index) == 0:
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                 "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
            raise IndexError(f"index {_int_index(index)} is out of bounds for dimension 0 with size 0")
        index = (index,)
    index = tuple(_scalar_index(x) for x in index)
    consumed = 0
    for x in index:
        if x is None or x is Ellipsis or isinstance(x, bool):
            continue
        if isinstance(x, Tensor) and x.dtype is _dtypes.bool_:
            consumed += max(x.ndim, 1)
        else:
            consumed += 1
    if consumed > t._a.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t._a.ndim}")
    if sum(1 for x in index if x is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    # torch names an out-of-range integer by its position in the index as written ("dimension 1" for
    # x[..., 5] whatever dim the ellipsis stands for), so each step keeps that position
    expanded, positions = [], []
    for pos, x in enumerate(index):
        if x is Ellipsis:
            n = t._a.ndim - consumed
            expanded.extend([slice(None)] * n)
            positions.extend([pos] * n)
        else:
            expanded.append(x)
            positions.append(pos)
    return expanded, positions


def _scalar_index(x):
    """A 0-dim tensor or ndarray index as torch reads it (applySlicing): a bool or uint8 one as a Python bool
    (a new dim, kept when non-zero), any other integer one as an int (a select). An ndarray is first made a
    tensor the way torch makes one from data: byte and bool kept, anything else long (a float truncated)."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        if x.dtype in (np.bool_, np.uint8):
            return bool(x)
        if x.dtype.kind in "iuf":
            return int(x)
    if isinstance(x, Tensor) and x.ndim == 0 and x.dtype in (_dtypes.bool_, _dtypes.uint8):
        return bool(x.item())
    return x


def _check_step(step):
    """torch's checks of a slice's step, made when it unpacks the slice."""
    if _int_index(step) == 0:
        raise ValueError("slice step cannot be zero")
    if _int_index(step) < 0:
        raise ValueError("step must be greater than zero")


def _check_index(size, i, position):
    if i < -size or i >= size:
        raise IndexError(f"index {i} is out of bounds for dimension {position} with size {size}")


def getitem(self, index):
    """Views for ints/slices/None/..., a copy for tensor, list and bool-mask indices."""
    items, positions = _normalise(self, index)
    cur, dim, adv = self, 0, {}
    single_slice = not isinstance(index, tuple) and isinstance(index, slice)
    for x, pos in zip(items, positions):
        if _is_int(x):
            _check_index(cur._a.shape[dim], _int_index(x), pos)
            cur = select(cur, dim, x)
        elif isinstance(x, slice):
            start, stop, step = x.start, x.stop, x.step
            if step is not None:
                _check_step(step)
            sl = slice(*(None if v is None else _int_index(v) for v in (start, stop, step)))
            # torch skips a slice that keeps the whole dim, unless it is the entire index (x[:])
            if single_slice or not _keeps_dim(sl, cur._a.shape[dim]):
                cur = slice_dim(cur, dim, sl.start, sl.stop, sl.step)
            dim += 1
        elif x is None:
            cur = unsqueeze(cur, dim)
            dim += 1
        elif isinstance(x, (bool, np.bool_)):
            cur = unsqueeze(cur, dim)
            adv[dim] = _bool_scalar_index(x, cur)
            dim += 1
        elif isinstance(x, (Tensor, list, tuple, np.ndarray)):
            arr = _index_kernel_check(cur, _advanced, x, cur, dim)
            adv[dim] = arr
            dim += arr.ndim if arr.dtype == np.bool_ else 1
        else:
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             f"valid indices (got {type(x).__name__})")
    if adv:
        adv = _index_kernel_check(cur, _check_bounds, cur, cur._a.shape, adv)
        full = _adv_tuple(cur._a.ndim, adv)
        node = IndexBackward0(full, cur._st.be, cur._a.shape)
        return record(wrap(node.forward(cur._a), cur.dtype, cur._st.be), (cur,), node, (cur._a,),
                      kept=_index_tensors(items))
    if cur is self:
        return make_view(self, self._a.view(), AliasBackward0(self._a.shape))
    return cur


def _index_kernel_check(t, check, *args):
    """check(*args), one of the checks torch's index kernel makes (index dtypes, mask shapes, bounds): they come
    after its autograd layer read t's grad_fn, so a stale no_grad view refuses first. A TypeError is the
    Python-side conversion of the index, before that."""
    try:
        return check(*args)
    except (IndexError, RuntimeError):
        refuse_stale_inputs((t,))
        raise


def _index_tensors(items):
    """The tensors of an advanced index, which torch's index and index_put_ save for backward."""
    return tuple(x for x in items if isinstance(x, Tensor))


def _bool_scalar_index(flag, t):
    """A Python bool index, as torch reads it: a new dim of size 1 (already unsqueezed into t), indexed by
    [0] when True and by nothing when False (so x[True] has shape (1, ...) and x[False] (0, ...))."""
    return t._st.be.from_host(np.zeros(1 if flag else 0, np.intp))


def index_layout(r, src, full, be):
    """torch's strides for src[full] with integer index arrays (a gather through TensorIterator, see
    torch_layout). Its operands: src with the indexed dims replaced by the indices' broadcast dims at stride 0
    (restride_src), and each index expanded to that broadcast shape and reshaped with size-1 dims around it
    (reshape_indexer). As in NumPy, the indexed dims stay in place when adjacent and go first otherwise."""
    dims = [d for d, a in enumerate(full) if not isinstance(a, slice)]
    if not dims or r.ndim == 0 or any(full[d].dtype == np.bool_ for d in dims):
        return r
    shape = np.broadcast_shapes(*(full[d].shape for d in dims))
    item = src.itemsize
    kept = [st // item for d, st in enumerate(src.strides[:len(full)]) if d not in dims] + \
        [st // item for st in src.strides[len(full):]]
    at = dims[0] if dims == list(range(dims[0], dims[0] + len(dims))) else 0
    operands = [(r.shape, tuple(kept[:at]) + (0,) * len(shape) + tuple(kept[at:]))]
    after = r.ndim - at - len(shape)
    index_shape = (1,) * at + tuple(shape) + (1,) * after
    for d in dims:
        # each index in its own layout (a transposed one too), expanded to the indices' broadcast shape (stride
        # 0 where it is broadcast), then reshaped with the size-1 dims around it: a view where ATen's rule
        # allows one (which restrides the size-1 dims too), a contiguous copy otherwise
        a = full[d]
        lead = len(shape) - a.ndim
        expanded = tuple(0 if k < lead or a.shape[k - lead] != shape[k] else a.strides[k - lead] // a.itemsize
                         for k in range(len(shape)))
        strides = compute_stride(tuple(shape), expanded, index_shape) if shape else None
        operands.append((index_shape, strides or contiguous_strides(index_shape)))
    return torch_layout(r, be, operands)


def _gather_shape(shape, full):
    """The shape region[full] has (NumPy's and torch's placement rule), without gathering anything."""
    dims, index_shapes, d = [], [], 0
    for a in full:
        if isinstance(a, slice):
            d += 1
            continue
        k = a.ndim if a.dtype == np.bool_ else 1
        dims.extend(range(d, d + k))
        index_shapes.append((int(a.sum()),) if a.dtype == np.bool_ else a.shape)
        d += k
    rest = [n for i, n in enumerate(shape) if i not in dims]
    at = dims[0] if dims == list(range(dims[0], dims[0] + len(dims))) else 0
    return tuple(rest[:at]) + tuple(np.broadcast_shapes(*index_shapes)) + tuple(rest[at:])


def _adv_tuple(ndim, adv):
    """The full index for NumPy: each advanced index at its dim, `:` elsewhere (a bool mask spans its ndim)."""
    out, d = [], 0
    while d < ndim:
        if d in adv:
            out.append(adv[d])
            d += adv[d].ndim if adv[d].dtype == np.bool_ else 1
        else:
            out.append(slice(None))
            d += 1
    return tuple(out)


def _region(t, steps):
    """The view of t that the basic steps make, made by the view ops themselves (each records its node)."""
    for kind, d, arg in steps:
        if kind == "select":
            t = select(t, d, arg)
        elif kind == "slice":
            t = slice_dim(t, d, arg.start, arg.stop, arg.step)
        else:
            t = unsqueeze(t, d)
    return t



def _steps(t, items, positions):
    """The same walk as getitem, on shapes only: basic steps plus the advanced index tuple."""
    steps, cur, dim, adv = [], t._a, 0, {}
    for x, pos in zip(items, positions):
        if _is_int(x):
            size = cur.shape[dim]
            i = _int_index(x)
            _check_index(size, i, pos)
            i += size if i < 0 else 0
            steps.append(("select", dim, i))
            cur = cur[(slice(None),) * dim + (i, Ellipsis)]
        elif isinstance(x, slice):
            if x.step is not None:
                _check_step(x.step)
            sl = slice(*(None if v is None else _int_index(v) for v in (x.start, x.stop, x.step)))
            steps.append(("slice", dim, sl))
            cur = cur[(slice(None),) * dim + (sl,)]
            dim += 1
        elif x is None or isinstance(x, (bool, np.bool_)):
            steps.append(("unsqueeze", dim, None))
            cur = np.expand_dims(cur, dim)
            if x is not None:
                adv[dim] = _bool_scalar_index(x, view_of(t, cur))
            dim += 1
        elif isinstance(x, (Tensor, list, tuple, np.ndarray)):
            arr = _advanced(x, view_of(t, cur), dim)
            adv[dim] = arr
            dim += arr.ndim if arr.dtype == np.bool_ else 1
        else:
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             f"valid indices (got {type(x).__name__})")
    return steps, cur, adv


def _keeps_dim(sl, size):
    """torch's test for skipping a slice: its start as written is 0, its step 1, and its stop reaches the end
    (x[:, -3:] is still sliced; x[:, 0:100] is not)."""
    return sl.start in (None, 0) and sl.step in (None, 1) and (sl.stop is None or sl.stop >= size)


