"""Shared plumbing for ops: operand checks, dtype resolution and the in-place rules."""
import math

import numpy as np

from .. import _dtypes
from .._dtypes import FLOAT, INT, _combine, scalar_dtype
from .._layout import elementwise_strides, empty_laid_out
from .._tensor import Tensor, sync_views, wrap
from ..autograd.grad_mode import enabled as grad_on

NUMBERS = (bool, int, float, complex)


def device_mismatch(a, b):
    return RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                        f"{a.device} and {b.device}!")


def scalar_result(dt, s):
    """dtype of (tensor of dtype dt) op (Python scalar s): the tensor wins unless s is of a higher category."""
    cls = s.__class__
    if cls is float:
        return dt if dt.category >= FLOAT else _dtypes.get_default_dtype()
    if cls is int:
        return dt if dt.category >= INT else _dtypes.int64
    return _combine(dt, scalar_dtype(s))


def as_number(value):
    """A Python number from a Python/NumPy scalar, or None when `value` is no number."""
    if value.__class__ in NUMBERS:
        return value
    if isinstance(value, (np.generic,)) and value.ndim == 0 and value.dtype.kind in "biufc":
        return value.item()
    if isinstance(value, NUMBERS):  # subclasses such as IntEnum
        return value
    return None


def operands(a, b, op):
    """Cast a binary op's operands to its result dtype: (x, y, dtype); y may stay a Python number.

    Returns None when `b` is neither a tensor nor a number (so operators can return NotImplemented).
    """
    if isinstance(b, Tensor):
        if a._st.be is not b._st.be:
            raise device_mismatch(a, b)
        if a.dtype is b.dtype:
            return a._a, b._a, a.dtype
        dt = _dtypes.result_type(a, b)
        return (a._a if a.dtype is dt else a._a.astype(dt.np),
                b._a if b.dtype is dt else b._a.astype(dt.np), dt)
    s = as_number(b)
    if s is None:
        return None
    dt = scalar_result(a.dtype, s)
    if dt.category < FLOAT and s.__class__ is int and not _fits(s, dt):
        # torch wraps an out-of-range integer scalar into the dtype; a NumPy scalar, as CuPy takes no host array
        s = np.array(s).astype(dt.np)[()]
    return (a._a if a.dtype is dt else a._a.astype(dt.np)), s, dt


def _fits(s, dt):
    info = np.iinfo(dt.np) if dt.np.kind in "iu" else None
    return info is None or info.min <= s <= info.max


def bad_operand(op, a, b):
    return TypeError(f"{op}(): argument 'other' must be Tensor or Number, not {type(b).__name__}")


# How a view was made decides whether it may take a new history after an in-place write (torch's CreationMeta):
# views made under no_grad, and the outputs of an op that returns several views (unbind), may not.
NO_GRAD_VIEW, MULTI_OUTPUT_VIEW = "no_grad", "multi_output"
_REBASE_TAIL = {
    NO_GRAD_VIEW: (" Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your "
                   "code by moving both the view and the inplace either both inside the no_grad block (if you don't "
                   "want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."),
    MULTI_OUTPUT_VIEW: (" This view is the output of a function that returns multiple views. Such functions do not "
                        "allow the output views to be modified inplace. You should replace the inplace operation by "
                        "an out-of-place one."),
}


def refuse_view_rebase(view, indirect):
    """torch's check before a view takes a new history: written in place itself, or (indirect) through its
    base or a sibling."""
    meta = view.__dict__.get("_creation_meta")
    if meta is None:
        return
    what = "its base or another view of its base has been" if indirect else "is being"
    fn = view._fn
    if fn is not None:
        name = fn.name().rsplit("Backward", 1)[0]
        head = f"Output {view.__dict__.get('_output_nr', 0)} of {name} is a view and {what} modified inplace."
    else:
        head = f"A view was created in no_grad mode and {what} modified inplace with grad mode enabled."
    raise RuntimeError(head + _REBASE_TAIL[meta])


def check_inplace(t, other=None, through_view=False):
    """torch's checks before recording an in-place write (its check_inplace, in its order): only when grad
    mode is on and something requires grad; a view must be allowed a new history and may not be a view of a
    leaf; a leaf that requires grad may not be written. `through_view`: the write goes through a view of t
    (t[1:] = v writes t[1:] in place)."""
    if not grad_on[0]:
        return
    rg = t._rg
    if not (rg or getattr(other, "_rg", False)):
        return
    base = t._base
    if base is not None or through_view:
        if base is not None:
            refuse_view_rebase(t, indirect=False)
        if rg and (t if base is None else base).grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    if rg and t.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def has_internal_overlap(a):
    """Several elements at one address, as in an expand()ed tensor (torch's MemOverlap::Yes: a stride-0 dim)."""
    return not a.flags.c_contiguous and any(n > 1 and s == 0 for n, s in zip(a.shape, a.strides))


def refuse_overlap(a):
    """torch's in-place kernels (fill_ and zero_ aside) refuse a receiver with internal overlap; they check
    before writing anything."""
    if has_internal_overlap(a):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")


def refuse_partial_overlap(t, out, full=False):
    """torch's assert_no_partial_overlap: an input may be the written-to tensor itself (the same bytes) but
    may not share only some of its bytes with it (checked for dense tensors, as torch's get_overlap_status).
    With `full`, torch's assert_no_overlap: not even the same bytes."""
    a, b = t._a, out._a
    if t._st.be is not out._st.be or not a.size or not b.size or not (_dense(a) and _dense(b)):
        return
    be = t._st.be
    a0, b0 = be.address(a), be.address(b)
    a1, b1 = a0 + a.nbytes, b0 + b.nbytes
    if (full or (a0, a1) != (b0, b1)) and a0 < b1 and b0 < a1:
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                           "refer to a single memory location. Please clone() the tensor before performing the "
                           "operation.")


def _dense(a):
    """Non-overlapping and dense: the elements fill their extent exactly (in any axis order)."""
    if has_internal_overlap(a):
        return False
    extent = 1 + sum((n - 1) * abs(s) for n, s in zip(a.shape, a.strides)) // a.itemsize
    return extent == a.size


_C_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
            "float16": "c10::Half", "float32": "float"}


def checked_scalar(n, dt, floats=False):
    """A Python number as torch converts it to dtype dt (x[i] = n, clamp's bounds): an int past int64 fails
    to unpack, and a value an integer dtype cannot hold overflows (an unsigned dtype takes integers down
    to -max, wrapping them). Returns the number to use."""
    if isinstance(n, int) and not -2 ** 63 <= n < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    if floats and dt.np.kind == "f" and dt.np.itemsize < 8 and not isinstance(n, complex) and math.isfinite(n) \
            and abs(n) > np.finfo(dt.np).max:  # clamp's Scalar conversion checks floats too (x[i] = n does not)
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
    if dt.np.kind not in "iu" or isinstance(n, complex):
        return n
    info = np.iinfo(dt.np)
    if isinstance(n, float):
        bad = not (info.min <= n <= info.max)  # NaN fails every comparison
    else:
        bad = not ((-info.max if dt.np.kind == "u" else info.min) <= n <= info.max)
    if bad:
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
    return n % (info.max + 1) if dt.np.kind == "u" and isinstance(n, int) and n < 0 else n


def check_cast(dt, out_dt):
    if dt is not out_dt and not _dtypes.can_cast(dt, out_dt):
        raise RuntimeError(f"result type {dt.c10_name} can't be cast to the desired output type {out_dt.c10_name}")


def check_out_shape(out_shape, *shapes):
    """An in-place op may broadcast its other operand, never its receiver."""
    try:
        full = np.broadcast_shapes(out_shape, *shapes)
    except ValueError:
        raise broadcast_error(out_shape, *shapes) from None
    if full != tuple(out_shape):
        raise RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast shape {list(full)}")


def broadcast_error(sa, sb, *rest):
    """torch's text for shapes that do not broadcast, naming the first bad dimension from the right."""
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                                f"at non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast together")


def snapshot(t, copy):
    """The pre-write identity of a tensor about to be modified in place, for the graph: its old
    grad_fn and, when backward needs the old values, a copy of them."""
    old = wrap(t._a.copy() if copy else t._a, t.dtype, t._st.be)
    old._rg = t._rg
    old._fn = t.grad_fn
    if t._acc is not None:
        old._acc = t._acc
    return old


def has_zero(y):
    """Is any element of an array (NumPy or CuPy) or a number zero?"""
    return bool((y == 0).any()) if hasattr(y, "any") else y == 0


def bump(t):
    t._st.version += 1
    return t


def ensure_tensor(x, like, op="op"):
    """Tensor from a tensor or a Python number (on like's device, with torch's scalar dtype)."""
    if isinstance(x, Tensor):
        return x
    s = as_number(x)
    if s is None:
        raise TypeError(f"{op}(): expected Tensor or Number, got {type(x).__name__}")
    dt = scalar_dtype(s)
    be = like._st.be
    return wrap(be.xp.asarray(s, dtype=dt.np), dt, be)


# ---- in-place writes through a view ------------------------------------------------------------------
class _Geometry:
    """Where a view sits inside its base's storage (in elements), to map grads between them."""

    def __init__(self, base, view):
        self.size = base._st.flat.size
        self.base = (base._a.shape, base.stride(), base.storage_offset())
        self.view = (view._a.shape, view.stride(), view.storage_offset())
        self.dtype = base._a.dtype
        self.xp = base._st.be.xp

    def buffers(self, g_base):
        """A storage-shaped scratch buffer holding g_base, and the view's window on it."""
        as_strided = self.xp.lib.stride_tricks.as_strided
        buf = np.zeros_like(g_base, shape=(self.size,))
        item = buf.itemsize

        def window(shape, strides, offset):
            return as_strided(buf[offset:], shape, tuple(s * item for s in strides))
        base_win = window(*self.base)
        base_win[...] = g_base
        return base_win, window(*self.view)


def _copy_slices_cls():
    from ..autograd.node import Node

    class CopySlices(Node):
        """The base of a view that was written in place: `fn` (the in-place op's node) runs on the
        view's window of the base's grad; the rest of the base passes its grad straight through."""

        def __init__(self, geometry, fn):
            self.geometry, self.fn = geometry, fn

        def name(self):
            return "torch::autograd::CopySlices"  # torch's C++ node keeps its namespace in name()

        def backward(self, g):
            base_win, view_win = self.geometry.buffers(g)
            res = self.fn.backward(view_win.copy())
            view_win[...] = 0 if res[0] is None else res[0]
            return (base_win.copy(),) + tuple(res[1:])

    class AsStridedBackward0(Node):
        """The view after the write: a window of its (re-recorded) base."""

        def __init__(self, geometry):
            self.geometry = geometry

        def backward(self, g):
            base_win, view_win = self.geometry.buffers(np.zeros_like(g, shape=self.geometry.base[0]))
            view_win[...] = g
            return (base_win.copy(),)

    return CopySlices, AsStridedBackward0


CopySlices, AsStridedBackward0 = _copy_slices_cls()


def rebase_view(view):
    """After an in-place op recorded on a view, move that history onto the base (as torch does):
    base.grad_fn becomes CopySlices(fn) and the view becomes an AsStrided window of the new base."""
    from ..autograd.node import grad_accumulator
    base, fn = view._base, view._fn
    geometry = _Geometry(base, view)
    node = CopySlices(geometry, fn)
    if base._rg:
        first = (base.grad_fn if base.grad_fn is not None else grad_accumulator(base), 0)
        first_meta = (base._a.shape, base._a.dtype)
    else:
        first, first_meta = (None, 0), None
    node.next_functions = (first,) + tuple(fn.next_functions[1:])
    node._meta = [first_meta] + list(fn._meta[1:])
    base._fn, base._rg = node, True
    sync_views(base)
    _window(view, geometry)


def _window(view, geometry):
    """view's history as an AsStrided window of its base's current history, valid for this version."""
    from ..autograd.node import grad_accumulator
    base = view._base
    window = AsStridedBackward0(geometry)
    window.next_functions = ((base._fn if base._fn is not None else grad_accumulator(base), 0),)
    window._meta = [(base._a.shape, base._a.dtype)]
    view._fn, view._rg, view._attr_version = window, True, view._st.version
    return window


def regenerate_view_fn(view):
    """torch's rule for reading a view's grad_fn after its memory was written in place (through the view,
    its base or a sibling): if the base takes part in autograd, the view's history becomes an AsStrided
    window of the base's current history, so gradients see the write. Otherwise nothing changes (torch checks
    again at the next read). Views that may not take a new history refuse here."""
    if view._fn is None and not view._base._rg:
        return None
    refuse_view_rebase(view, indirect=True)
    return _window(view, _Geometry(view._base, view))


def finish_inplace(t):
    """Every recorded in-place op ends here: a view hands its new history to its base."""
    if t._base is not None and t._fn is not None:
        rebase_view(t)
    elif t._base is None and t.__dict__.get("_views"):
        sync_views(t)  # the write may have made t require grad, and with it its views
    return t


# ---- output layout of elementwise ops ------------------------------------------------------------------
def geometry(a):
    """(shape, element strides) of an operand as TensorIterator sees it; a Python number is 0-dim."""
    if not hasattr(a, "strides"):
        return (), ()
    return a.shape, tuple(s // a.itemsize for s in a.strides)


def torch_layout(r, be, operands):
    """r, a fresh NumPy/CuPy result, in the layout torch's TensorIterator allocates for an op over
    `operands` ((shape, element strides) each, see geometry): _layout.elementwise_strides decides it.

    NumPy's 'K' order agrees with it whenever the inputs are contiguous; with transposed, broadcast or
    size-1-dim inputs, and for every empty result (NumPy gives those zero strides), it does not."""
    want = tuple(s * r.itemsize for s in elementwise_strides(r.shape, operands))
    if r.strides == want:
        return r
    if not r.size:  # nothing to copy: only the strides change
        return be.xp.lib.stride_tricks.as_strided(r, r.shape, want)
    out = empty_laid_out(be, r.shape, [s // r.itemsize for s in want], r.dtype)
    out[...] = r
    return out


def inverse_permutation(perm):
    """The axes that undo `perm`, as Python ints (CuPy's transpose takes no host array)."""
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return tuple(inverse)
