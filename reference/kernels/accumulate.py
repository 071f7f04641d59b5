"""torch's CPU order of accumulation for float sum and mean, in NumPy, so the bits match.

Floating-point addition is not associative: the last bit of a float32 sum depends on the order of the
additions. torch's CPU order (ATen, read not copied) is:

1. The TensorIterator layout (kernels/iteration.py). The reduced dims go innermost; the rest are ordered by
   stride; adjacent dims that tile memory are merged. The kernel sees blocks of two dims, (size0, size1).
   The outer dims loop around the blocks, and every partial sum of one output is added into it with
   `out += partial`, starting from 0.
2. The cascade sum (SumKernel.cpp) of each block. It picks one of four strategies from the strides:
   - inner: reduced dim contiguous, at least one vector long. The row is summed as vectors of W lanes
     (`row_sum`). The leftover elements, then the lanes, are added one by one.
   - outer: the kept dim contiguous. Groups of 4 vectors of columns are summed together (`multi_row_sum`
     per column); the remaining columns get `row_sum`.
   - scalar inner / outer: the same shapes without vectors.
   `row_sum` splits a row into 4 interleaved partial sums (i % 4) and cascades each; `multi_row_sum`
   sums runs of 2**k elements, then runs of those, up to 4 levels.
3. Threads, from GRAIN_SIZE elements on. A full reduction: one range of the walk per thread, the thread
   sums added at the end. Several outputs: the outermost kept dim is cut into one range per thread
   (whole 128-byte runs when it is contiguous), which moves where the outer strategies' column groups start.
4. mean is that sum divided by n, in the result's dtype (a float16 mean: the float32 mean, rounded once).
5. float16 (SumKernel.cpp's cast-load policies) is added in float and stored rounded into the float16 output. A
   vector of 2W halves is loaded as two float vectors (its halves), added lane by lane; the strategies'
   thresholds count halves. Two reduced dims innermost: sum_out sums a float32 copy instead (acc buffer).
Norms add in another order: kernels/norm_order.py.

Every sequential run is one np.add.accumulate (an ordered running sum), so the work stays vectorised.
"""
import array
import functools
import math

import numpy as np

from .iteration import GRAIN_SIZE, blocks_of, lanes, layout_of, layout_of_shape, num_threads
from .._layout import allocated_contiguous, reduced_shape

_LEVELS = 4                 # multi_row_sum's cascade depth
_ILP = 4                    # row_sum's interleaved partial sums
_NROWS = 4                  # columns (vectors of columns) summed together by the outer strategies


# ---- sequential pieces ----------------------------------------------------------------------------------
def running_sum(x, axis=0, start=None):
    """((start + x[0]) + x[1]) + ... along `axis` (start: 0), rounding after each step as a C loop does."""
    n = x.shape[axis]
    base = np.zeros(_drop(x.shape, axis), x.dtype) if start is None else start
    if n == 0:
        return base.copy()
    if n > _SHORT_RUN and x.size < n * _WIDE:
        # a long run over few columns: one ordered running sum (np.add.accumulate) along it
        joined = np.concatenate((np.expand_dims(base, axis), x), axis=axis)
        return np.take(np.add.accumulate(joined, axis=axis, dtype=x.dtype), -1, axis=axis)
    # a short run, or many columns: one vector addition per step
    lead = (slice(None),) * (axis % x.ndim)
    out = base + x[lead + (0,)]
    for k in range(1, n):
        out += x[lead + (k,)]
    return out


_SHORT_RUN, _WIDE = 32, 128


def _drop(shape, axis):
    axis %= len(shape)
    return shape[:axis] + shape[axis + 1:]


def _ceil_log2(n):
    return 1 if n <= 2 else (n - 1).bit_length()


def multi_row_sum(x):
    """The cascade over axis 0 of x (S, ...): runs of 2**k summed, those runs summed in runs, 4 levels."""
    size = x.shape[0]
    power = max(4, _ceil_log2(size) // _LEVELS)
    step = 1 << power
    groups = size // step
    rest = x.shape[1:]
    tail = running_sum(x[groups * step:])
    if groups == 0:
        return tail
    level = running_sum(x[:groups * step].reshape((groups, step) + rest), axis=1)   # acc[0] runs
    carried = []                              # what acc[1], acc[2] still hold at the end
    for _ in range(_LEVELS - 2):
        full = level.shape[0] // step
        carried.append(running_sum(level[full * step:]))
        level = running_sum(level[:full * step].reshape((full, step) + rest), axis=1)
    top = running_sum(level)                  # acc[3] is never flushed
    out = tail
    for part in carried + [top]:
        out = out + part
    return out


def row_sum(x):
    """row_sum over axis 0 of x (n, ...): 4 interleaved cascades, the leftovers into the first, then merged."""
    n = x.shape[0]
    k = n // _ILP
    parts = multi_row_sum(x[:k * _ILP].reshape((k, _ILP) + x.shape[1:]))
    first = running_sum(x[k * _ILP:], start=parts[0]) if n > k * _ILP else parts[0]
    return running_sum(parts[1:], start=first)


def inner_vector_sum(x, width, pack=1):
    """vectorized_inner_sum over axis 0 of x (n, ...), n >= width * pack: vectors of `width` lanes, then tail, then
    lanes. A float16 vector (pack=2) is loaded as two float vectors, its halves, which are added lane by lane."""
    n = x.shape[0]
    step = width * pack
    nvec = n // step
    vectors = x[:nvec * step].reshape((nvec, pack, width) + x.shape[1:])
    loaded = vectors[:, 0] if pack == 1 else vectors[:, 0] + vectors[:, 1]
    lane = row_sum(loaded)                                                      # (width, ...)
    return running_sum(np.concatenate((x[nvec * step:], lane)))


# ---- sum -------------------------------------------------------------------------------------------------
def _column_sums(x, in0, in1, width, pack=1):
    """The per-column results of one kernel block: x is (..., size1, size0); returns (..., size1)."""
    size1, size0 = x.shape[-2], x.shape[-1]
    cols = np.moveaxis(x, -1, 0)                                # (size0, ..., size1)
    vector = width * pack                       # elements in one Vectorized<scalar_t>: the strategies' threshold
    if in0 == 1 and size0 >= vector:
        return inner_vector_sum(cols, width, pack)
    if in1 == 1 and size1 >= vector:
        grouped = size1 // (_NROWS * width) * (_NROWS * width)
    elif in0 < in1:
        grouped = 0
    else:
        grouped = size1 // _NROWS * _NROWS
    if grouped == 0:
        return row_sum(cols)
    if grouped == size1:
        return multi_row_sum(cols)
    return np.concatenate((multi_row_sum(cols[..., :grouped]), row_sum(cols[..., grouped:])), axis=-1)


def _serial_sum(blocks, sizes, ins, outs, width, pack=1):
    """Sum of the iterator's blocks for each output (serial_for_each then the kernel), outputs flattened.
    pack=2: blocks are float16 cast to float32 (see torch_sum)."""
    nd = len(sizes)
    reduced = sum(1 for s in outs if s == 0)
    if reduced == 0:
        return blocks.reshape(-1) + blocks.dtype.type(0)
    if nd == 1:                      # the kernel's second dim is a padding of size 1, stride 0
        blocks, in1 = blocks.reshape(1, -1), 0
    else:
        in1 = ins[1]
    partial = _column_sums(blocks, ins[0], in1, width, pack)       # (outer..., size1)
    if reduced == 1:
        return partial.reshape(-1)
    # several reduced dims: each block's columns, then each outer reduced index, are added into the output
    keep = int(np.prod(sizes[reduced:], dtype=np.int64))
    return running_sum(partial.reshape(keep, -1), axis=1)


def torch_sum(a, dims):
    """torch.sum(a, dims) on the CPU for a float16/32/64 array: flat results in the kept dims' C order."""
    if a.size == 0:
        return np.zeros_like(a, shape=_kept(a, dims))
    if a.size <= _TRACED_MAX and a.dtype != np.float16:  # the small case below, its plan found in one lookup
        perm, shape, plan = _small_plan(a.shape, a.strides, a.itemsize, dims)
        return _run(plan, a.transpose(perm).reshape(shape), a.dtype)
    perm, sizes, ins, outs = layout_of(a, dims)
    pack = 2 if a.dtype == np.float16 else 1
    if pack == 2 and len(sizes) >= 2 and outs[0] == outs[1] == 0:
        # sum_out's should_use_acc_buffer: with two reduced dims innermost, a float16 sum is the float32 sum of
        # self.to(float) (which keeps the order of the strides, as astype does), copied into float16
        with np.errstate(over="ignore"):
            return torch_sum(a.astype(np.float32), dims).astype(np.float16)
    blocks = blocks_of(a, perm, sizes)
    blocks = blocks.astype(np.float32) if pack == 2 else blocks
    width = lanes(blocks.itemsize)
    if a.size <= _TRACED_MAX:
        out = _run(_plan(tuple(sizes), tuple(ins), tuple(outs), width, pack), blocks, blocks.dtype)
    elif a.size < GRAIN_SIZE or num_threads() == 1:
        out = _serial_sum(blocks, sizes, ins, outs, width, pack)
    elif all(s == 0 for s in outs):
        out = _two_pass_sum(blocks.reshape(-1), sizes, ins, outs, width, num_threads(), pack)
    else:
        out = _split_dim_sum(blocks, sizes, ins, outs, width, num_threads(), a.itemsize, pack)
    if pack == 1:
        return out.astype(a.dtype, copy=False)
    # np.errstate costs a microsecond, a third of a small sum: only float16 needs it, whose float32 sums round
    # into float16 here and may overflow
    with np.errstate(over="ignore"):
        return out.astype(a.dtype)


# ---- small inputs: the same order, replayed as a straight-line program -----------------------------------
# A NumPy call costs about a microsecond whatever its size, and the order above takes a few dozen of them.
# For small inputs the code above is run once per layout on symbolic elements that record each addition;
# the recorded additions are then replayed on plain floats (array('f') rounds every float32 result).
_TRACED_MAX = 256


class _Traced:
    """An element of a symbolic array: adding two of them records the addition in the open program."""

    __slots__ = ("slot",)
    ops = None                  # the program being recorded: [(dst, a, b), ...]
    next_slot = 0

    def __init__(self, slot):
        self.slot = slot

    def __add__(self, other):
        if isinstance(other, int):      # x + 0 (NumPy's object zeros are the int 0): see _plan
            return self
        return _Traced.record(self.slot, other.slot)

    __radd__ = __add__

    @staticmethod
    def record(a, b):
        cls = _Traced
        out = cls(cls.next_slot)
        cls.next_slot += 1
        cls.ops.append((out.slot, a, b))
        return out


_ZERO_SLOT = 0                  # slot 0 holds 0.0; the inputs follow


@functools.lru_cache(maxsize=256)
def _plan(sizes, ins, outs, width, pack=1):
    """(number of inputs, [(dst, a, b)...], output slots) for a layout's serial sum."""
    n = int(np.prod(sizes, dtype=np.int64))
    leaves = np.empty(n, dtype=object)
    leaves[:] = [_Traced(1 + i) for i in range(n)]
    _Traced.ops, _Traced.next_slot = [], 1 + n
    try:
        result = _serial_sum(leaves.reshape(sizes[::-1]), list(sizes), list(ins), list(outs), width, pack)
        # The additions of 0 were left out: 0 + x is x, except that it turns -0.0 into +0.0. A sum is -0.0
        # only when all its terms are, and every one of torch's sums starts from 0, so one + 0 at the end
        # of each result restores exactly that.
        outs = [_Traced.record(r.slot, _ZERO_SLOT).slot for r in result.reshape(-1)]
        ops = tuple(_Traced.ops)
        return n, ops, tuple(outs), _compiled(ops, outs)
    finally:
        _Traced.ops = None


def _compiled(ops, outs):
    """The program as one straight-line Python function of the buffer, returning the results: the additions
    _replay makes, without its loop (unpacking each step costs more than the addition). Built once per plan."""
    body = "".join(f"    b[{dst}] = b[{x}] + b[{y}]\n" for dst, x, y in ops)
    namespace = {}
    exec(f"def replay(b):\n{body}    return [{', '.join(f'b[{r}]' for r in outs)}]\n", namespace)  # noqa: S102
    return namespace["replay"]


@functools.lru_cache(maxsize=1024)
def _small_plan(shape, byte_strides, itemsize, dims):
    """(axes, shape, plan): the walk's blocks of an array of this layout (blocks_of) and the program that sums
    them."""
    perm, sizes, ins, outs = layout_of_shape(shape, byte_strides, itemsize, dims)
    return tuple(perm[::-1]), tuple(sizes[::-1]), _plan(tuple(sizes), tuple(ins), tuple(outs), lanes(itemsize), 1)


def _buffer(plan, blocks, dtype):
    """Slot 0 is 0.0, the inputs follow in walk order, then one slot per addition. array('f') rounds every
    float32 result it stores."""
    zero = bytes(dtype.itemsize)
    return array.array("f" if dtype == np.float32 else "d", zero + blocks.tobytes() + zero * len(plan[1]))


def _run(plan, blocks, dtype):
    """The plan's sums of these blocks (its compiled program: the fast path)."""
    return np.array(plan[3](_buffer(plan, blocks, dtype)), dtype)


def _replay(plan, blocks, dtype):
    """The same sums, the program read step by step (the readable path; tests check the two agree)."""
    _, ops, results, _ = plan
    buf = _buffer(plan, blocks, dtype)
    for dst, a, b in ops:
        buf[dst] = buf[a] + buf[b]
    return np.array([buf[r] for r in results], dtype)


def _kept(a, dims):
    return int(np.prod([n for d, n in enumerate(a.shape) if d not in dims], dtype=np.int64))


def _split_dim_sum(blocks, sizes, ins, outs, width, threads, itemsize, pack=1):
    """parallel_dim_reduction: the outermost kept dim with >= threads entries is cut into one range per
    thread (whole 128-byte runs when that dim is contiguous); each range is reduced on its own."""
    nd = len(sizes)
    dim = nd - 1
    for d in range(nd - 1, -1, -1):
        if outs[d] == 0 and sizes[d] > 1:
            break
        if sizes[d] >= threads:
            dim = d
            break
        if sizes[d] > sizes[dim]:
            dim = d
    cols, axis = sizes[dim], nd - 1 - dim
    used = min(threads, cols)
    chunk = -(-cols // used)
    multiple = 128 // itemsize if ins[dim] == 1 else 1
    kept = [n for n, o in zip(sizes, outs) if o != 0][::-1]
    pieces = []
    for begin in range(0, cols, chunk):
        end = min(cols, begin + chunk)
        begin -= begin % multiple
        if end != cols:
            end -= end % multiple
        if begin == end:
            continue
        sub = list(sizes)
        sub[dim] = end - begin
        part = blocks[(slice(None),) * axis + (slice(begin, end),)]
        shape = [n for n, o in zip(sub, outs) if o != 0][::-1]
        pieces.append(_serial_sum(part, sub, ins, outs, width, pack).reshape(shape))
    kept_axis = [d for d in range(nd) if outs[d] != 0][::-1].index(dim)
    return np.concatenate(pieces, axis=kept_axis).reshape(int(np.prod(kept, dtype=np.int64)))


def _two_pass_sum(flat, sizes, ins, outs, width, threads, pack=1):
    """A full reduction on several threads: each takes one range of the walk; the thread sums are added."""
    n = flat.size
    used = min(threads, -(-n // GRAIN_SIZE))
    chunk = -(-n // used)
    sums = [_range_sum(flat, begin, min(n, begin + chunk), sizes, ins, outs, width, pack)
            for begin in range(0, n, chunk)]
    if pack == 2:       # each thread's slot of the buffer is a float16 (its one block stored there, rounded)
        with np.errstate(over="ignore"):
            sums = [np.float32(np.float16(s)) for s in sums]
    sums += [flat.dtype.type(0)] * (threads - len(sums))
    total = running_sum(np.array(sums, dtype=flat.dtype))
    return np.array([total], dtype=flat.dtype)


def _range_sum(flat, begin, end, sizes, ins, outs, width, pack):
    """The kernel over the linear range [begin, end) of the walk: DimCounter's partial and full blocks."""
    size0 = sizes[0]
    size1 = sizes[1] if len(sizes) > 1 else 1
    in1 = ins[1] if len(sizes) > 1 else 0
    pieces, pos = [], begin
    while pos < end:
        i0 = pos % size0
        if i0 or end - pos < size0:            # a partial row
            take = min(size0 - i0, end - pos)
            blk = flat[pos:pos + take].reshape(1, take)
        else:                                  # as many whole rows as fit in dim 1
            i1 = (pos // size0) % size1
            rows = min(size1 - i1, (end - pos) // size0)
            take = rows * size0
            blk = flat[pos:pos + take].reshape(rows, size0)
        cols = _column_sums(blk, ins[0], in1 if blk.shape[0] > 1 else 0, width, pack)
        pieces.append(cols)
        pos += take
    return running_sum(np.concatenate(pieces))


def torch_mean(a, dims):
    """torch.mean(a, dims): the sum divided by the count, in a's dtype."""
    n = 1
    for d in dims:
        n *= a.shape[d]
    if n == 0:      # 0 / 0: the processor's NaN (sign bit set on x86, as torch's), without NumPy's warning
        with np.errstate(invalid="ignore"):
            return np.zeros_like(a, shape=_kept(a, dims)) / a.dtype.type(0)
    return torch_sum(a, dims) / a.dtype.type(n)


# ---- the entry points of ops/reductions.py: the dtype decides the order ---------------------------------
# float16/float32/float64 sums and means take torch's CPU order, so their last bits match torch's; other
# dtypes are exact (integers) or complex (NumPy's order).
TORCH_ORDER = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def sum_in(a, dims, keepdim, dt):
    """a summed over dims in dtype dt; in torch's order (after casting, as torch does) for float16/32/64."""
    if np.dtype(dt) in TORCH_ORDER:
        a = _host(a)
        x = a if a.dtype == dt else a.astype(dt)
        return torch_sum(x, dims).reshape(reduced_shape(a.shape, dims, keepdim))
    return allocated_contiguous(a.sum(axis=dims, keepdims=keepdim, dtype=dt))


def _host(a):
    """a as a NumPy array: torch's order is replayed on the host (ops/reductions.py's _reduce takes the result
    back to a device input's device)."""
    return a if isinstance(a, np.ndarray) else a.get()


def mean_in(a, dims, keepdim, dt):
    """The sum over dims divided by its count in the result dtype (torch's CPU mean is exactly that)."""
    if np.dtype(dt) in TORCH_ORDER:
        a = _host(a)
        if np.dtype(dt) == np.float16:
            # mean_out: a float16 mean is the float32 sum of the input cast to float32, divided there, then cast
            with np.errstate(over="ignore"):
                r = torch_mean(a.astype(np.float32), dims).astype(np.float16)
        else:
            r = torch_mean(a if a.dtype == dt else a.astype(dt), dims)
        return r.reshape(reduced_shape(a.shape, dims, keepdim))
    n = math.prod(a.shape[d] for d in dims)
    return allocated_contiguous(a.sum(axis=dims, keepdims=keepdim, dtype=dt) / n)
