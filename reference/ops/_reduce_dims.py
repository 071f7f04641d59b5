"""The dims of a reduction: which dims it reduces (the shape it leaves is _layout.reduced_shape), and how a grad of that shape
spreads back over the input (re-inserting the reduced dims when keepdim=False, then broadcasting).
"""
import numpy as np


def dims_of(t, dim, op):
    """Normalise dim (int, tuple or list) into a sorted tuple of non-negative dims."""
    if isinstance(dim, (tuple, list)):
        dims = tuple(t._dim(d) for d in dim)
        for d in dims:
            if dims.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return tuple(sorted(dims)) if dims else tuple(range(t.ndim))
    return (t._dim(dim),)


def expand(g, shape):
    """torch's grad.expand(shape): a view of g, stride 0 along the broadcast dims. A view, not a copy, because
    AccumulateGrad tells them apart: it copies a grad with stride-0 dims into the leaf's own layout (version 1)
    and takes over one without (sharing the memory of a gradient= tensor it came from)."""
    lead = len(shape) - g.ndim
    strides = (0,) * lead + tuple(s if n == m else 0 for n, m, s in zip(g.shape, shape[lead:], g.strides))
    if not isinstance(g, np.ndarray):
        return np.broadcast_to(g, shape)  # CuPy's: the same strides, and no read-only flag
    if g.flags.c_contiguous:  # as_strided costs ~4x more on small arrays
        return np.ndarray(shape, g.dtype, buffer=g, strides=strides)
    return np.lib.stride_tricks.as_strided(g, shape, strides, writeable=True)


def spread(g, in_shape, dims, keepdim):
    """A reduced grad back to the input's shape."""
    if not keepdim and dims:
        g = np.expand_dims(g, dims) if in_shape else g
    return expand(g, in_shape)
