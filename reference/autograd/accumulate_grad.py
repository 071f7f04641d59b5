"""torch's AccumulateGrad: how a grad arriving at a leaf (or at a tensor that asked for retain_grad) becomes
its `.grad`: taken over when nobody else holds it and it obeys the leaf's layout contract, copied into the
leaf's layout otherwise, and added in place from the second backward on.
"""
from .._layout import empty_laid_out, is_dense
from .._tensor import wrap

__all__ = ["accumulate"]


def accumulate(t, g, steal=False, owners=()):
    """Add a grad array into .grad: a leaf's first one is copied in (or taken over), later ones are added in
    place (a retained non-leaf's, see below, are not).

    `steal`: nobody but the caller holds g. torch's AccumulateGrad then makes g itself the leaf's .grad
    when it obeys the leaf's layout contract, so .grad keeps g's strides (of size-1 dims too) and, when g
    is a view of a user's gradient= tensor, its memory."""
    if not isinstance(g, type(t._a)):
        g = t._st.be.from_host(g)  # a device leaf: the engine's broadcast sums replay on the host
    cur = t._grad
    owner = _owner_of(g, owners) if steal and owners else None
    if steal and cur is None and not t._retains and _stealable(t, g):
        # a view of a user's gradient= tensor stays one: later accumulations write its memory and bump its version
        # (as torch's new_grad.detach(): the owner's memory and version counter, no history)
        if owner is None:
            t._grad = wrap(g, t.dtype, t._st.be)
        else:
            t._grad = owner.detach()
            t._grad._a = g
    elif t._retains:
        # torch's retain_grad hook stores a contiguous clone of the first grad, then grad + new one (a new
        # tensor each time, not an in-place add)
        xp = t._st.be.xp
        arr = xp.array(g, dtype=t._a.dtype, order="C") if cur is None else xp.add(cur._a, g, order="C")
        t._grad = wrap(arr, t.dtype, t._st.be)
    elif cur is None:
        # torch's layout contract (clone_obey_contract): a dense leaf's grad is new memory with the leaf's very
        # strides (of size-1 dims too), filled by copy_, so it starts at version 1; any other leaf's is a
        # contiguous clone, at version 0.
        strides = t.stride()
        dense = is_dense(t._a.shape, strides)
        if dense:
            arr = empty_laid_out(t._st.be, t._a.shape, strides, t._a.dtype)
            arr[...] = g
        else:
            arr = t._st.be.xp.array(g, dtype=t._a.dtype, order="C")
        t._grad = wrap(arr, t.dtype, t._st.be)
        t._grad._st.version = int(dense)
    else:
        cur._a += g
        cur._st.version += 1

def _stealable(t, g):
    """torch's obeys_layout_contract for a grad g of this leaf (and an array we may write to): for a dense
    leaf, g has the leaf's strides in every dim of size > 1 and no zero stride in a dim of size 1; for
    any other leaf, g is contiguous."""
    a = t._a
    if not (isinstance(g, type(a)) and g.dtype == a.dtype and g.shape == a.shape
            and getattr(g.flags, "writeable", True)):  # CuPy's flags have no writeable
        return False
    strides = t.stride()
    if not is_dense(a.shape, strides):
        return g.flags.c_contiguous
    item = g.itemsize
    for n, s, own in zip(g.shape, g.strides, strides):
        if (s == 0) if n == 1 else (s != own * item):
            return False
    return True


def _owner_of(g, owners):
    """The tensor among `owners` whose memory array g is a view of (through NumPy's chain of bases), or None."""
    root = _root_array(g)
    return next((t for t in owners if _root_array(t._st.base) is root), None)


def _root_array(a):
    while a.base is not None:
        a = a.base
    return a
