"""Where elements sit in memory: ATen's dimension ordering, shared by op outputs and random fills.

torch's TensorIterator orders a tensor's dims by their strides (reorder_dimensions). That one rule
decides the layout of an elementwise result with transposed inputs (ops/_common.torch_layout), the
order in which random draws land in a non-contiguous tensor, and what empty_like keeps of an input's
layout (_creation's *_like). Pure stride arithmetic over NumPy/CuPy arrays; no Tensor here.
"""
import math


# torch's error for a write into memory that several elements share (an expanded tensor)
OVERLAPPING_WRITE = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
                     "location. Please clone() the tensor before performing the operation.")


def reorder_dimensions(shape, stride_lists):
    """Dims outermost first, as ATen's reorder_dimensions orders them for these operands' strides:
    larger strides outside; of two equal strides the smaller size goes inside; stride 0 decides nothing."""
    def should_swap(d0, d1):
        for strides in stride_lists:
            s0, s1 = strides[d0], strides[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return -1 if s0 < s1 else 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    perm = list(range(len(shape) - 1, -1, -1))  # innermost first, ATen's convention
    for i in range(1, len(perm)):
        d1 = i
        for d0 in range(i - 1, -1, -1):  # an insertion sort that may step over undecided pairs
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return perm[::-1]


def contiguous_strides(shape):
    """torch's contiguous strides: row-major, a size-0 or size-1 dim counting as size 1 for the dims outside it."""
    strides, step = [0] * len(shape), 1
    for d in range(len(shape) - 1, -1, -1):
        strides[d] = step
        step *= max(shape[d], 1)
    return tuple(strides)


def _channels_last(shape, strides):
    """torch's is_contiguous(memory_format=torch.channels_last) of a 4-d tensor: dims C, W, H, N innermost first."""
    need = 1
    for d in (1, 3, 2, 0):
        if shape[d] != 1:
            if strides[d] != need:
                return False
            need *= shape[d]
    return True


def elementwise_strides(shape, operands):
    """The element strides torch's TensorIterator gives the fresh result of an elementwise op.

    `shape` is the broadcast result shape; `operands` holds (shape, element strides) of each input in call
    order, a Python scalar or 0-dim tensor as ((), ()). ATen's fast setup first: inputs all of the result's
    shape and all contiguous give a contiguous result (all channels-last: channels-last); all non-overlapping and dense with one set of strides
    give those strides, size-1 dims included. Otherwise the dims are ordered by the inputs' strides
    (reorder_dimensions, broadcast dims stride 0) and the result is dense in that order.
    """
    shape = tuple(shape)
    same_shape = all(tuple(s) == shape for s, _ in operands) and not (shape and any(not s for s, _ in operands))
    if same_shape and operands:
        if all(math.prod(s) == 0 or is_row_major(s, st) for s, st in operands):  # torch: empty is contiguous
            return contiguous_strides(shape)
        if len(shape) == 4 and all(_channels_last(s, st) for s, st in operands):
            n, c, h, w = (max(d, 1) for d in shape)
            return (h * w * c, 1, w * c, c)
        first = tuple(operands[0][1])
        if all(is_dense(s, st) and tuple(st) == first for s, st in operands):
            return first
    nd = len(shape)
    broadcast = []
    for s, st in operands:
        lead = nd - len(s)
        broadcast.append([0] * lead + [0 if (n == 1 and shape[lead + i] != 1) else st[i]
                                       for i, n in enumerate(s)])
    order = reorder_dimensions(shape, broadcast) if nd > 1 else list(range(nd))  # outermost first
    if order == list(range(nd)):
        return contiguous_strides(shape)  # ATen's "inverted" permutation: a plain contiguous result
    strides, step = [0] * nd, 1
    for d in reversed(order):  # compatible strides: no max(size, 1) here, as in ATen
        strides[d] = step
        step *= shape[d]
    return tuple(strides)


# torch's CPU kernels hand out random draws in the order TensorIterator walks the output: logical order
# for a contiguous tensor, memory order otherwise (x.t().uniform_() fills x's memory front to back).
def walk_order(shape, strides):
    """The walk order of a lone output tensor."""
    return reorder_dimensions(shape, [strides])


def like_strides(shape, strides):
    """empty_like's element strides (memory_format=preserve), which clone() and to() also use: a dense
    input's own strides, size-1 dims included; otherwise dense strides that keep its dims' order."""
    if is_dense(shape, strides):
        return tuple(strides)
    out, step = [0] * len(shape), 1
    for d in reversed(walk_order(shape, strides)):
        out[d] = step
        step *= shape[d]
    return tuple(out)


def is_dense(shape, strides):
    """torch's is_non_overlapping_and_dense: the elements tile one block, no gaps, no repeats. An empty tensor
    always does (torch counts every numel-0 tensor as contiguous), so empty_like, clone() and to() keep its
    strides as they are, even from_numpy's all-zero ones or an expand()ed tensor's."""
    if 0 in shape:
        return True
    need = 1
    for d in sorted((d for d in range(len(shape)) if shape[d] > 1), key=lambda d: strides[d]):
        if strides[d] != need:
            return False
        need *= shape[d]
    return True


def in_walk_order(a, be, values):
    """Flat draws, in TensorIterator's walk order over array `a`, as an array shaped like `a`: what each
    element of `a` holds once torch's fill is done, so that one write `a[...] = it` is that fill."""
    values = be.from_host(values)
    if a.flags.c_contiguous:
        return values.reshape(a.shape)
    xp, item = be.xp, a.itemsize
    order = walk_order(a.shape, tuple(s // item for s in a.strides))
    walked = a.transpose(order)
    if may_overlap(walked):
        # Elements share memory (from_numpy of an as_strided array): torch writes them one by one, so the last
        # draw aimed at an address is the one that stays there, and every element at that address shows it.
        offsets = xp.zeros((), xp.int64)
        for n, s in zip(walked.shape, walked.strides):
            offsets = offsets[..., None] + xp.arange(n, dtype=xp.int64) * (s // item)
        offsets = offsets.reshape(-1)
        _, first_from_end = xp.unique(offsets[::-1], return_index=True)
        last = offsets.size - 1 - first_from_end
        memory = xp.empty(int(offsets.max()) + 1, values.dtype)
        memory[offsets[last]] = values[last]
        values = memory[offsets]
    out = xp.empty(a.shape, values.dtype)
    out.transpose(order)[...] = values.reshape(walked.shape)
    return out


def may_overlap(walked):
    """Could two elements of a (gappy, non-dense) view share an address? Only when a dim's stride
    does not clear the whole extent of the dims inside it."""
    reach = 0
    for n, s in zip(reversed(walked.shape), reversed(walked.strides)):
        if n > 1:
            if s <= reach:
                return True
            reach += (n - 1) * s
    return False


def laid_out(buf, be, shape, strides):
    """A flat buffer viewed with `shape` and dense element `strides`: the buffer's order is the memory
    order, the order torch fills a dense tensor in."""
    arr = buf.reshape(shape)
    want = tuple(s * buf.itemsize for s in strides)
    if arr.strides != want:  # empty arrays too: NumPy gives them zero strides, torch keeps the layout
        arr = be.xp.lib.stride_tricks.as_strided(buf, shape, want)
    return arr


def is_row_major(shape, strides):
    """torch's is_contiguous: row-major strides, size-1 dims ignored."""
    need = 1
    for n, s in zip(reversed(shape), reversed(strides)):
        if n != 1:
            if s != need:
                return False
            need *= n
    return True


def empty_laid_out(be, shape, strides, dtype):
    """New memory for `shape`, viewed with dense element `strides` (see laid_out)."""
    return laid_out(be.xp.empty(math.prod(shape), dtype), be, shape, strides)


def copy_like(arr, src, be, always=False):
    """`arr` (src's values) in the layout torch's empty_like(src) has: what clone() and to() return.
    `arr` itself when it already has that layout, unless `always` asks for new memory."""
    item = src.itemsize
    strides = like_strides(src.shape, tuple(s // item for s in src.strides))
    if not always and arr.strides == tuple(s * arr.itemsize for s in strides):
        return arr
    out = empty_laid_out(be, src.shape, strides, arr.dtype)
    out[...] = arr
    return out


def reduced_shape(shape, dims, keepdim):
    """The result's shape: the reduced dims dropped, or kept with size 1."""
    return tuple(1 if d in dims else n for d, n in enumerate(shape)) if keepdim else \
        tuple(n for d, n in enumerate(shape) if d not in dims)


def same_window(a, b, be):
    """Do arrays a and b show the same elements in the same order (one is a no-op view of the other)?"""
    return a.shape == b.shape and a.strides == b.strides and be.address(a) == be.address(b)


def allocated_contiguous(r):
    """A reduction's result as torch allocates it: contiguous, with torch's strides for size-1 dims too (NumPy's
    follows the input's dim order)."""
    return r.copy(order="C") if getattr(r, "ndim", 0) else r
