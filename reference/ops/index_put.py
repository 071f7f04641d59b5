"""Writing through an index: `t[...] = v` (torch's copy_ / fill_ of the region the basic indices make, or its
index_put_ for tensor indices), with torch's checks in torch's order before anything is written.

The index is read as t[...] reads it (ops/indexing.py): basic indices select a region, a view of t, and
tensor/list/bool indices pick elements of that region.
"""

import numpy as np

from .. import _dtypes
from .._dtypes import FLOAT, type_string
from .._layout import same_window
from .._tensor import Tensor, view_of
from .._warn import warn
from ..autograd.function import check_inplace, inplace, recording, refuse_stale_inputs, unsupported_dtype
from ..autograd.node import Node
from ._common import (_C_NAMES, as_number, checked_scalar, device_mismatch, has_internal_overlap, refuse_overlap,
                      refuse_partial_overlap)
from .convert import CopyBackwards, FillBackward3
from .indexing import _adv_tuple, _check_bounds, _gather_shape, _index_tensors, _keeps_dim, _normalise, _region, _steps
from .shape import expand, expand_geometry, view
from .view_making import fmt_shape, strided


class IndexPutBackward0(Node):
    """x[index] = v with tensor indices, written into x itself (torch's index_put_): the written elements
    pass no grad to the old value, and v gets theirs (the engine sums them to v's shape)."""

    def __init__(self, adv):
        self.adv = adv

    def forward(self, a, value):
        return value  # written at `adv` (see setitem), broadcast and cast by the write

    def backward(self, g):
        g_self = g.copy()
        g_value = g_self[self.adv]
        g_self[self.adv] = 0
        return g_self, g_value


class CopySlices(Node):
    """x[index] = v recorded on the tensor written (x itself, or the view of x that the basic indices make,
    whose history autograd.views.rebase_view hands on to x): the written elements (`adv`, an advanced
    index, or all of them) pass no grad to the old value, and v gets theirs."""

    def __init__(self, adv):
        self.adv = adv

    def name(self):
        return "torch::autograd::CopySlices"  # torch's C++ node keeps its namespace in name()

    def forward(self, a, value):
        return value  # written at `adv` (see setitem), broadcast and cast by the write

    def backward(self, g):
        if self.adv is None:
            return np.zeros_like(g), g.copy()
        g_self = g.copy()
        g_value = g_self[self.adv]
        g_self[self.adv] = 0
        return g_self, g_value


def _fill_scalar(n, dt):
    """A number as masked_fill_ converts it to dt (c10's checked_convert): a complex with an imaginary part
    overflows a real dtype, a float past a float dtype's range overflows too (inf and NaN do not), and
    checked_scalar's integer rules apply. A bool x takes anything."""
    if dt is _dtypes.bool_:
        return n
    if isinstance(n, complex) and not dt.is_complex:
        if n.imag != 0:
            name = {**_C_NAMES, "float64": "double", "bfloat16": "c10::BFloat16"}[dt.name]
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
        n = n.real
    return checked_scalar(n, dt, floats=True)


def _check_write(self, value, steps, through_view):
    """autograd's check_inplace for x[i] = v. torch runs it on the view the indices make, which inherits a no_grad
    or multi-output view's creation meta ("Output 0 of Slice is a view of a view ..."); making that view first
    only matters (and only costs) for such views, so the others are checked through x itself."""
    if through_view and self.__dict__.get("_creation_meta") is not None and recording(self, value):
        check_inplace(_region(self, steps), value)
    check_inplace(self, value, through_view=through_view)


def _strip_ones(shape):
    """A shape without its leading 1s (torch's slicePrefix1sSize)."""
    return shape[next((i for i, n in enumerate(shape) if n != 1), len(shape)):]


def _check_copy_to(value, target):
    """copy_'s checks of x[...] = value, with value viewed without its leading 1s as torch's setitem hands it to
    copy_ (expanded to the region's shape). copy_ returns at once when that is the region's very elements (x[...] =
    x's own base of an expanded x, x[:] = x[None]); otherwise it refuses a region with internal overlap, then a
    value that shares only part of its memory: x[::2] = x of a (1, 3) x (the strides of its size-1 dim differ,
    though both write the same elements)."""
    if value._st.same_block(target._st):
        shape = target._a.shape
        if value._a.shape != shape:  # copy_to: value viewed without its leading 1s, then expanded to the region
            stripped = view_of(value, value._a.reshape(_strip_ones(value._a.shape)))
            value = view_of(value, strided(stripped, None, *expand_geometry(stripped, shape)))
        if value.dtype is target.dtype and same_window(value._a, target._a, target._st.be):
            return
    refuse_overlap(target._a)
    refuse_partial_overlap(value, target)


_SAME_MEMORY = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
                "memory location. Please clone() the tensor before performing the operation.")


def _warn_expanded(op, example):
    warn(f"Use of {op} on expanded tensors is deprecated. Please clone() the tensor before performing this "
         f"operation. This also applies to advanced indexing e.g. {example}")


def _makes_view(steps, shape):
    """Whether torch's basic indexing writes through a new view: any step but a slice keeping a whole dim
    (torch returns the tensor itself for those, so x[...] = v and x[:] = v write into x directly)."""
    for kind, d, arg in steps:
        if kind != "slice" or not _keeps_dim(arg, shape[d]):
            return True
    return False


def setitem(self, index, value):
    """Write `value` (a tensor or number, broadcast) into the indexed region, in place."""
    if not isinstance(value, Tensor) and as_number(value) is not None:
        value = checked_scalar(as_number(value), self.dtype)
    if index is False or index is True:  # torch: x[False] = v does nothing; x[True] = v copies like x[...] = v
        if index is False:
            return
        index = Ellipsis
    items, positions = _normalise(self, index)
    steps, region, adv_dims = _steps(self, items, positions)
    adv = _adv_tuple(region.ndim, adv_dims) if adv_dims else None
    through_view = _makes_view(steps, self._a.shape)
    if through_view:  # the basic indices make a view of self first, which reads self's grad_fn
        refuse_stale_inputs((self,))
    if adv is not None:  # index_put_ checks the in-place rules before any check of its arguments
        _check_write(self, value, steps, through_view)
        refuse_stale_inputs((value,))  # then autograd collects the value's edge
        # one mask (the only index tensor) and a one-element CPU value: torch's index_put_ hands over to
        # masked_fill_(mask, value.item()), which casts the value and skips index_put_'s own checks below
        fill = len(adv_dims) == 1 and next(iter(adv_dims.values())).dtype == np.bool_ and \
            (not isinstance(value, Tensor) or (value._a.size == 1 and value.is_cpu))
        expanded = has_internal_overlap(self._a)
        if expanded:  # index_put_ warns first thing, then masked_fill_ (if handed over) after its mask check
            _warn_expanded("index_put_", "tensor[indices] = tensor")
        if fill and any(isinstance(x, Tensor) and x.dtype is _dtypes.uint8 for x in items):
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
        if fill and expanded:
            _warn_expanded("masked_fill_", "tensor[mask] = scalar")
        if isinstance(value, Tensor) and value._st.be is self._st.be and not fill:
            # torch's assert_no_overlap(self, value), self being the region the basic indices make; the
            # very tensor written is refused even when empty (get_overlap_status: same TensorImpl -> Full)
            if value is self and not through_view:
                raise RuntimeError(_SAME_MEMORY)
            refuse_partial_overlap(value, view_of(self, region) if through_view else self, full=True)
        if not fill:  # then assert_no_overlap(self, index) for every index tensor (x[x > 0] = v reads x's memory)
            for x in items:
                if isinstance(x, Tensor) and x._st.be is self._st.be:
                    if x is self and not through_view:  # x[x] = v: the same tensor, refused even when empty
                        raise RuntimeError(_SAME_MEMORY)
                    refuse_partial_overlap(x, view_of(self, region) if through_view else self, full=True)
        adv_dims = _check_bounds(self, region.shape, adv_dims, kernel=False)
        adv = _adv_tuple(region.ndim, adv_dims)
    target_shape = _gather_shape(region.shape, adv) if adv is not None else region.shape
    if isinstance(value, Tensor):
        if value._st.be is not self._st.be:
            raise device_mismatch(self, value)
        v = value._a
        if adv is not None and fill:
            v = self._st.be.xp.asarray(_fill_scalar(value.item(), self.dtype), self.dtype.np)  # value.item()
        elif adv is not None:  # index_put_: the value, leading 1s dropped, must expand to the gathered shape
            vs = _strip_ones(v.shape)
            if len(vs) > len(target_shape) or any(n not in (1, m) for n, m in zip(vs[::-1], target_shape[::-1])):
                raise RuntimeError(f"shape mismatch: value tensor of shape {list(vs)} cannot be broadcast to indexing "
                                   f"result of shape {list(target_shape)}")
            if value.dtype is not self.dtype:
                raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                                   f"{self.dtype.c10_name} for the destination and {value.dtype.c10_name} for the "
                                   f"source.")
        if adv is None and v.shape != target_shape and not (v.ndim == 0 and value.is_cpu):
            # copy_to views the value (src.view) before anything checks its shape: a stale no_grad view refuses,
            # and so does an integer value that requires grad (the view would be an integer output with history)
            refuse_stale_inputs((value,))
            if value.dtype.category < _dtypes.FLOAT and recording(value):
                raise unsupported_dtype(value.dtype)
        if v.shape != target_shape and not (adv is not None and fill):  # torch views the value without its leading 1s
            v = v.reshape(_strip_ones(v.shape))
        if v.ndim > len(target_shape) and any(n != 1 for n in v.shape[:v.ndim - len(target_shape)]):
            raise RuntimeError(f"expand({type_string(value.dtype, self._st.be.is_host)}{{{fmt_shape(v.shape)}}}, "
                               f"size={fmt_shape(target_shape)}): the number of sizes provided "
                               f"({len(target_shape)}) must be greater or equal to the number of dimensions in the "
                               f"tensor ({v.ndim})")
        v = v.reshape(v.shape[v.ndim - len(target_shape):]) if v.ndim > len(target_shape) else v
        if any(n not in (1, m) for n, m in zip(v.shape[::-1], target_shape[::-1])):  # v must expand to the target
            k = next(i for i in range(1, v.ndim + 1) if v.shape[-i] not in (1, target_shape[-i]))
            raise RuntimeError(f"The expanded size of the tensor ({target_shape[-k]}) must match the existing size "
                               f"({v.shape[-k]}) at non-singleton dimension {len(target_shape) - k}.  Target sizes: "
                               f"{fmt_shape(target_shape)}.  Tensor sizes: {fmt_shape(v.shape)}")
    else:
        n = as_number(value)
        if n is None:
            raise TypeError(f"can't assign a {type(value).__name__} to a torch.{self.dtype.legacy_name}")
        v = _fill_scalar(n, self.dtype) if adv is not None and fill else n
    if adv is None:
        _check_write(self, value, steps, through_view)
    else:
        adv = _adv_tuple(region.ndim, _check_bounds(self, region.shape, adv_dims))
    # Like torch, write through the view the basic indices make (x[0] = v is x.select(0, 0).copy_(v)): its
    # recorded history autograd hands on to x as CopySlices. Slices that keep whole dims leave x itself.
    target = _region(self, steps) if through_view else self
    src = value if isinstance(value, Tensor) else None
    if adv is not None:
        # index_put_ is its own differentiable op, recorded on x itself (or on the view the basic indices
        # make, whose history autograd hands on to x as CopySlices); it records whatever x's dtype
        node = CopySlices(adv) if through_view else IndexPutBackward0(adv)
        fills = True
        if src is not None and src._rg and src._a.shape[:1] == (1,):
            src = view(src, _strip_ones(src._a.shape))  # torch's setitem views away the value's leading 1s
    else:
        # torch's copy_to: region.copy_(v) when the shapes are equal, region.fill_(v) for another 0-dim CPU v
        # (a number is made a 0-dim tensor of x's dtype), else a copy_ of v viewed without its leading 1s and
        # expanded (both recorded, so the copy's edge is ViewBackward0 or ExpandBackward0)
        shape = region.shape
        fills = shape != (() if src is None else src._a.shape) and (src is None or (src._a.ndim == 0 and src.is_cpu))
        node = CopySlices(None) if through_view else FillBackward3() if fills else CopyBackwards()
        if src is not None and not fills and src._a.shape != shape and src._rg:
            src = view(src, _strip_ones(src._a.shape))
            if src._a.shape != shape:
                src = expand(src, shape)

    def check():  # a basic index writes through copy_/fill_ of the region: their own rules, after autograd's
        if src is not None and not fills:
            _check_copy_to(value, target)
        else:
            refuse_overlap(target._a)
    if self.dtype.category < FLOAT and adv is None and not fills:
        # torch's copy_ into an integer x leaves autograd out (no checks, no node), even when x or the value
        # requires grad; its fill_ and index_put_ do not (the integer x then requires grad)
        inplace(target, (), None, lambda old: (v,), check, check_autograd=False)
        return
    inplace(target, (src,), node, lambda old: (old, v), check if adv is None else None,
            index=Ellipsis if adv is None else adv, kept=_index_tensors(items) if adv is not None else ())
