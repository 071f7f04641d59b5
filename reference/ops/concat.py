"""cat and stack: always a copy into new memory; backward splits the grad back into the pieces."""
import itertools

import numpy as np

from .. import _dtypes
from .._tensor import Tensor, wrap
from ..autograd.function import record
from ..autograd.node import Node
from ._common import device_mismatch


class CatBackward0(Node):
    """Edges to every input; a skipped 1-D empty input (`skipped` holds its dtype) gets an empty grad."""

    def __init__(self, dim, sizes, skipped):
        self.dim, self.sizes, self.skipped = dim, sizes, skipped

    def forward(self, *arrays):
        arr = np.concatenate([a for a, dt in zip(arrays, self.skipped) if dt is None], axis=self.dim)
        return arr if arr.flags.c_contiguous else arr.copy()  # torch's cat allocates a contiguous result

    def backward(self, g):
        bounds = list(itertools.accumulate(self.sizes))[:-1]  # Python ints: CuPy's split takes no host array
        pieces = iter(np.split(g, bounds, axis=self.dim) if g.ndim else (g,))
        return tuple(next(pieces) if dt is None else np.zeros_like(g, dtype=dt, shape=(0,)) for dt in self.skipped)


class StackBackward0(Node):
    def __init__(self, dim):
        self.dim = dim

    def forward(self, *arrays):
        arr = np.stack(arrays, axis=self.dim)
        return arr if arr.flags.c_contiguous else arr.copy()

    def backward(self, g):
        return tuple(np.moveaxis(g, self.dim, 0))


def _check_list(tensors, op):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise ValueError(f"torch.{op}(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    for t in tensors[1:]:
        if t._st.be is not tensors[0]._st.be:
            raise device_mismatch(tensors[0], t)
    return _dtypes.result_type(*[t for t in tensors]) if len(tensors) > 1 else tensors[0].dtype


def _run(node, tensors, dt):
    """node.forward over the inputs cast to the result dtype dt, recorded with an edge per input."""
    arrays = [t._a.astype(dt.np, copy=False) for t in tensors]
    return record(wrap(node.forward(*arrays), dt, tensors[0]._st.be), tuple(tensors), node, arrays)


def cat(tensors, dim=0):
    """Join tensors along an existing dim (all other sizes must match)."""
    dt = _promote_all(tensors, "cat")
    for i, t in enumerate(tensors):  # torch's first check, before dim is wrapped
        if t._a.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # torch skips 1-D empty tensors, a legacy allowance for "nothing yet" accumulators: they take no part in
    # wrapping dim or in the shape checks, and when all are such, the result is one of them whatever dim says.
    skip = [t._a.ndim == 1 and t._a.shape[0] == 0 for t in tensors]
    if all(skip):
        return _run(CatBackward0(0, [0] * len(tensors), [None] * len(tensors)), tensors, dt)
    ref = tensors[skip.index(False)]
    d = ref._dim(dim)
    for number, t in enumerate(tensors):
        if skip[number]:
            continue
        if t._a.ndim != ref._a.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref._a.ndim} and {t._a.ndim}")
        for k in range(ref._a.ndim):
            if k != d and t._a.shape[k] != ref._a.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref._a.shape[k]} but got size {t._a.shape[k]} for tensor number "
                                   f"{number} in the list.")
    node = CatBackward0(d, [t._a.shape[d] for t, s in zip(tensors, skip) if not s],
                        [t._a.dtype if s else None for t, s in zip(tensors, skip)])
    return _run(node, tensors, dt)


def _promote_all(tensors, op):
    return _check_list(tensors, op)


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dim."""
    dt = _promote_all(tensors, "stack")
    ref = tensors[0]
    for i, t in enumerate(tensors):
        if t._a.shape != ref._a.shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref._a.shape)} at entry 0 "
                               f"and {list(t._a.shape)} at entry {i}")
    d = ref._dim(dim, ref._a.ndim + 1)
    return _run(StackBackward0(d), tensors, dt)

