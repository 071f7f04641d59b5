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
    """g broadcast into a new array of `shape` (np.broadcast_to is several times slower on small arrays)."""
    out = np.empty_like(g, shape=shape)
    out[...] = g
    return out


def spread(g, in_shape, dims, keepdim):
    """A reduced grad back to the input's shape."""
    if not keepdim and dims:
        g = np.expand_dims(g, dims) if in_shape else g
    return expand(g, in_shape)
