"""Views and in-place writes: how a write through a view (or into a view's base) reaches autograd.

torch moves the history of an in-place op on a view onto the view's base (CopySlices) and regenerates
the view's own grad_fn as a window of the base's history (AsStridedBackward0). `rebase_view` does the
first when the write is recorded; `regenerate_view_fn` does the second when a stale grad_fn is read.
"""
import numpy as np

from .._layout import OVERLAPPING_WRITE
from .._tensor import sync_views
from .node import Node, grad_accumulator, set_grad_fn, short_name

__all__ = ["NO_GRAD_VIEW", "MULTI_OUTPUT_VIEW", "grad_fn", "refuse_view_rebase", "rebase_view",
           "regenerate_view_fn", "CopySlices", "AsStridedBackward0"]


def grad_fn(t):
    """Tensor.grad_fn: the node that made t; None for a leaf. A view written in place (through itself, its
    base or a sibling) since its grad_fn was set gets torch's regenerated AsStridedBackward0 of its base."""
    if t._base is not None and t._st.version != t._attr_version:
        return regenerate_view_fn(t)
    return t._fn


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
    fn = view._fn  # the stored grad_fn, as torch's handle_view_on_rebase reads it
    if fn is None:  # torch: a view without history was made in no_grad mode (or of a tensor without history)
        head = f"A view was created in no_grad mode and {what} modified inplace with grad mode enabled."
    else:
        name = f"Output {view.__dict__.get('_output_nr', 0)} of {short_name(fn)}"
        if meta == NO_GRAD_VIEW:  # made with grad mode on, of a view made in no_grad mode (propagated meta)
            head = (f"{name} is a view of a view which was created in no_grad mode and {what} modified inplace "
                    f"with grad mode enabled.")
        else:
            head = f"{name} is a view and {what} modified inplace."
    raise RuntimeError(head + _REBASE_TAIL[meta])


class _Geometry:
    """Where a view sits inside its base's storage (in elements), to map grads between them."""

    def __init__(self, base, view):
        self.size = base._st.flat.size
        self.base = (base._a.shape, base.stride(), base.storage_offset())
        self.view = (view._a.shape, view.stride(), view.storage_offset())
        self.dtype = base._a.dtype
        self.xp = base._st.be.xp
        # the view's dims that show one element in several places (expanded: stride 0); an empty view shows none
        shape, strides = self.view[:2]
        self.repeated = () if 0 in shape else tuple(d for d, (n, s) in enumerate(zip(shape, strides)) if s == 0 and n > 1)

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


class CopySlices(Node):
    """The base of a view that was written in place: `fn` (the in-place op's node) runs on the
    view's window of the base's grad; the rest of the base passes its grad straight through."""

    def __init__(self, geometry, fn):
        self.geometry, self.fn = geometry, fn
        self._checks = fn._checks  # fn runs inside this node: its saved tensors are checked here

    def name(self):
        return "torch::autograd::CopySlices"  # torch's C++ node keeps its namespace in name()

    def release(self):
        # torch's CopySlices drops fn after a backward, so a second backward through it is refused even when
        # fn saved nothing
        self.fn.release()
        self.saved = None

    def backward(self, g):
        if self.geometry.repeated:  # torch copies the view's grad into a window of the base's: refused, as any write
            raise RuntimeError(OVERLAPPING_WRITE)
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
        repeated = self.geometry.repeated
        if repeated:  # an expanded view shows an element in several places: their grads add up, as torch's do
            g = g.sum(axis=repeated, keepdims=True)
            view_win = view_win[tuple(slice(0, 1) if d in repeated else slice(None) for d in range(g.ndim))]
        view_win[...] = g
        return (base_win.copy(),)


def rebase_view(view):
    """After an in-place op recorded on a view, move that history onto the base (as torch does):
    base.grad_fn becomes CopySlices(fn) and the view becomes an AsStrided window of the new base."""
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
    set_grad_fn(base, node)
    base._rg = True
    sync_views(base)
    _window(view, geometry)


def _window(view, geometry):
    """view's history as an AsStrided window of its base's current history, valid for this version."""
    base = view._base
    window = AsStridedBackward0(geometry)
    # the base's current edge: none once the base lost its history and requires_grad (detach_())
    edge = base._fn if base._fn is not None else grad_accumulator(base) if base._rg else None
    window.next_functions = ((edge, 0),)
    window._meta = [None if edge is None else (base._a.shape, base._a.dtype)]
    set_grad_fn(view, window)
    view._rg, view._attr_version = True, view._st.version
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
