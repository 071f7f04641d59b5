"""Storage: one block of memory shared by a tensor and all its views, plus the version counter.

`base` is the array that owns (or first exposed) the memory, in whatever dense layout an op produced it;
`flat` is a 1-D view over the whole block, built only when someone asks for a strided view.
Every in-place write bumps `version`; autograd compares it with the version it saved.
"""
import numpy as np

__all__ = ["Storage", "fresh_storage"]

_new = object.__new__


class Storage:
    __slots__ = ("base", "be", "version", "_flat")

    def __init__(self, base, be):
        self.base, self.be, self.version, self._flat = base, be, 0, None

    @property
    def device(self):
        return self.be.device

    @property
    def flat(self):
        """A 1-D view over the whole block; its first element is storage offset 0."""
        if self._flat is None:
            self._flat = _flatten(self.base, self.be.xp)
        return self._flat

    def nbytes(self):
        return self.flat.nbytes

    def address(self):
        return self.be.address(self.flat)

    data_ptr = address

    def size(self):
        return self.flat.size

    def window(self, shape, strides, offset):
        """A strided view of the block (element `strides`) starting `offset` elements in. An empty window may start
        past the block's end, as torch's empty slices do (x[2:2] of a (2, 0) tensor sits at offset 2): NumPy's
        buffer check refuses that, so such a window is made at the address itself (nothing is ever read there)."""
        flat = self.flat
        if offset <= flat.size:
            return self.be.strided(flat, shape, strides, offset)
        if not self.be.is_host:  # a CuPy pointer may not leave its allocation: the block's end stands in
            return self.be.strided(flat, shape, strides, flat.size)
        item = flat.itemsize
        return np.asarray(_At(flat, shape, tuple(s * item for s in strides), self.be.address(flat) + offset * item))

    def alias(self):
        """Same memory, new version counter: what `.data` gets (torch does not track writes through it)."""
        s = Storage(self.base, self.be)
        s._flat = self.flat  # the one flat view of the block: same_block tells an alias from other storages
        return s

    def same_block(self, other):
        """torch's is_alias_of: one storage (an alias shares it: `.data`); two from_numpy of one array do not."""
        return other is self or other.flat is self.flat


class _At:
    """NumPy's array interface for an empty window at a given address; it keeps the block it belongs to alive."""

    def __init__(self, block, shape, strides, address):
        self.block = block
        self.__array_interface__ = {"shape": tuple(shape), "typestr": block.dtype.str, "strides": strides,
                                    "data": (address, not block.flags.writeable), "version": 3}


def fresh_storage(arr, be):
    """Storage for an array an op just allocated (the hot path: no __init__ call)."""
    s = _new(Storage)
    s.base = arr
    s.be = be
    s.version = 0
    s._flat = None
    return s


def _flatten(arr, xp):
    if arr.flags.c_contiguous:
        return arr.reshape(-1)
    # A dense block in another axis order (e.g. an op's output for transposed inputs): walk it in
    # memory order, which makes it C-contiguous, then flatten without copying.
    order = sorted(range(arr.ndim), key=lambda d: -abs(arr.strides[d]))
    walked = arr.transpose(order)
    if walked.flags.c_contiguous:
        return walked.reshape(-1)
    # An array with gaps (from_numpy of a strided slice): cover its whole extent, gaps included.
    item = arr.itemsize
    extent = 1 + sum((n - 1) * s // item for n, s in zip(arr.shape, arr.strides)) if arr.size else 0
    return xp.lib.stride_tricks.as_strided(arr, (extent,), (item,))
