"""Making a view: a tensor over the same memory with torch's exact strides (ATen's computeStride rule for
view/reshape), made in grad mode with its own node or under no_grad with torch's creation meta; and the shape
arguments views take (`-1`, `*sizes` or one tuple). The views themselves are in ops/shape.py and ops/indexing.py.
"""
import math

import numpy as np

from .._device import array_module
from .._tensor import Tensor, view_of
from ..autograd.function import record
from ..autograd.grad_mode import state as grad_mode
from ..autograd.views import NO_GRAD_VIEW
from .arguments import invalid_arguments, not_a


# ---- building a view with torch's exact strides ------------------------------------------------
def strided(t, candidate, shape, strides):
    """`candidate` is NumPy's own view; keep it when its strides are torch's, else lay torch's out."""
    item = t._a.itemsize
    want = tuple(s * item for s in strides)
    if candidate is not None and candidate.strides == want:
        return candidate
    return t._st.be.xp.lib.stride_tricks.as_strided(t._a, shape, want)



def reshaped(arr, shape):
    """arr.reshape(shape) with the strides torch's view gives (computeStride: NumPy picks its own for size-1
    dims), or NumPy's copy where no view exists (torch's reshape copies then)."""
    item = arr.itemsize
    strides = compute_stride(arr.shape, tuple(s // item for s in arr.strides), shape) if arr.size else None
    r = arr.reshape(shape)
    if strides is None or r.strides == tuple(s * item for s in strides):
        return r
    return array_module(arr).lib.stride_tricks.as_strided(r, shape, tuple(s * item for s in strides))


def make_view(t, arr, node):
    """Wrap array `arr` (a view of t's memory) as a tensor, recording `node` when autograd is on."""
    out = view_of(t, arr)
    if not grad_mode.enabled:
        out._creation_meta = NO_GRAD_VIEW
        # it requires grad through its base (the root of a chain of views, as in torch: a view of a leaf view
        # whose own flag was set does not), but records no history (see grad_accumulator)
        out._rg = out._base._rg
        return out
    # torch's propagate_creation_meta: a view of a no_grad (or multi-output) view is one too, even when made with
    # grad mode on, so that an in-place write through it is refused as well
    meta = t.__dict__.get("_creation_meta")
    if meta is not None:
        out._creation_meta = meta
    return record(out, (t,), node)  # a view's node saves nothing: its backward only rearranges the grad



def compute_stride(oldshape, oldstride, newshape):
    """Strides for viewing (oldshape, oldstride) as newshape, or None when no view exists (ATen's rule)."""
    if not oldshape:
        return (1,) * len(newshape)
    numel = math.prod(oldshape)
    if numel == 0 and tuple(oldshape) == tuple(newshape):
        return tuple(oldstride)
    newstride = [0] * len(newshape)
    if numel == 0:
        for d in range(len(newshape) - 1, -1, -1):
            newstride[d] = 1 if d == len(newshape) - 1 else max(newshape[d + 1], 1) * newstride[d + 1]
        return tuple(newstride)
    view_d = len(newshape) - 1
    chunk_base_stride = oldstride[-1]
    tensor_numel = view_numel = 1
    for tensor_d in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[tensor_d]
        # At the start of a contiguous chunk of the old layout, fill the view dims that cover it.
        if tensor_d == 0 or (oldshape[tensor_d - 1] != 1 and
                             oldstride[tensor_d - 1] != tensor_numel * chunk_base_stride):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base_stride
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = oldstride[tensor_d - 1]
                tensor_numel = view_numel = 1
    if view_d != -1:
        return None
    return tuple(newstride)



def infer_shape(shape, numel):
    """Resolve one -1 entry; torch's errors for bad sizes."""
    shape = list(shape)
    holes = []
    for i, n in enumerate(shape):  # torch's infer_size: the first bad entry, in order, names the error
        if n == -1:
            if holes:
                raise RuntimeError("only one dimension can be inferred")
            holes.append(i)
        elif n < -1:
            raise RuntimeError(f"invalid shape dimension {n} at index {i} of shape {fmt_shape(shape)}")
    known = math.prod(n for n in shape if n != -1)
    if holes:
        if known == 0 and numel == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the unspecified "
                               f"dimension size -1 can be any value and is ambiguous")
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{fmt_shape(shape)}' is invalid for input of size {numel}")
        shape[holes[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{fmt_shape(shape)}' is invalid for input of size {numel}")
    return tuple(shape)



def fmt_shape(shape):
    """A shape as torch's messages print it: [2, 3]."""
    return "[" + ", ".join(str(n) for n in shape) + "]"



def size_args(args, op, name="size"):
    """(2, 3), ((2, 3),), ([2, 3],) and (Size,) all mean the shape (2, 3). `name`: the argument's name in torch's
    errors (reshape's 'shape', permute's 'dims')."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    elif len(args) == 1 and not isinstance(args[0], (int, np.integer, Tensor)):
        if op == "view":  # view(dtype) is the other overload
            both = ("torch.dtype dtype", "tuple of ints size")
            raise invalid_arguments(op, args, both, explained=both)
        raise not_a(op, name, 1, args[0], "tuple of ints")
    out = []
    for n in args:
        if isinstance(n, Tensor) and n.numel() == 1:
            n = int(n.item())
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"{op}(): argument '{name}' failed to unpack the object at pos {len(out) + 1} with error "
                            f"\"type must be tuple of ints,but got {type(n).__name__}\"")
        out.append(int(n))
    return tuple(out)
