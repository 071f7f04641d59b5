"""torch's CPU add with alpha for float16 (add, sub and their in-place forms), to the last bit.

Its scalar loop and its vector loop round differently. cpu_kernel_vec walks the innermost (coalesced) dim in steps
of two Vectorized<Half> (32 halves with AVX2): those elements compute float(a) + float(alpha) * float(b) in float
and round once to half. The rest of the row, and every element of an iteration it cannot vectorise, run the scalar
op in c10::Half arithmetic, which rounds twice: half(alpha * b), then half(a + that). alpha is a half in both. On
several threads (GRAIN_SIZE elements and up) each thread's range of the walk ends in its own tail.
"""
import math

import numpy as np

from .._layout import is_dense
from .iteration import GRAIN_SIZE, lanes, num_threads

__all__ = ["half_add_scaled"]


def half_add_scaled(a, b, alpha):
    """a + alpha * b for float16 arrays (or a float16 array and a number), rounded as torch's CPU kernel rounds."""
    a, b = np.asarray(a, np.float16), np.asarray(b, np.float16)
    with np.errstate(over="ignore", invalid="ignore"):  # inf and nan are torch's results too
        alpha = np.float16(alpha)
        scalar = a + alpha * b
        vector = (a.astype(np.float32) + np.float32(alpha) * b.astype(np.float32)).astype(np.float16)
    taken = _vector_loop(a, b, scalar.shape)
    return scalar if taken is None else np.where(taken, vector, scalar)


def _vector_loop(a, b, shape):
    """Which elements of the result the vector loop computes, or None when it computes none.

    The walk is vectorised when each operand is a single element (a scalar broadcast, stride 0) or C-contiguous
    with the result's trailing dims (its row is the trailing dims every such operand has whole), or when the
    operands are laid out alike in another dense order. Other layouts (strided views, operands laid out
    differently) are left to the scalar loop, an approximation where torch would reorder and coalesce some."""
    n = math.prod(shape)
    if not n:
        return None
    step = 2 * lanes(2)
    c_strides = [math.prod(shape[d + 1:]) for d in range(len(shape))]
    start = 0
    whole = [v for v in (a, b) if v.size != 1]
    if whole and not whole[0].flags.c_contiguous and all(
            v.shape == shape and v.strides == whole[0].strides for v in whole) \
            and is_dense(shape, [st // whole[0].itemsize for st in whole[0].strides]):
        # operands laid out alike in another order (transposed): the result takes that layout and the walk runs
        # through memory, in one row
        order = _memory_index(whole[0])
        return _in_vector_steps(order.reshape(-1), n, n, step).reshape(shape)
    for v in (a, b):
        if v.size == 1:
            continue
        if not v.flags.c_contiguous:
            return None
        strides = [0] * (len(shape) - v.ndim) + [s // v.itemsize if m > 1 else 0 for m, s in zip(v.shape, v.strides)]
        d = len(shape)
        while d > 0 and (shape[d - 1] == 1 or strides[d - 1] == c_strides[d - 1]):
            d -= 1
        start = max(start, d)
    row = math.prod(shape[start:])
    if row < step:
        return None
    return _in_vector_steps(np.arange(n), n, row, step).reshape(shape)


def _in_vector_steps(i, n, row, step):
    """For walk positions i: whether the vector loop takes them, the walk cut into rows and, from GRAIN_SIZE
    elements on, into one range per thread, each run of the loop ending in its own tail."""
    threads = min(num_threads(), -(-n // GRAIN_SIZE)) if n >= GRAIN_SIZE else 1
    chunk = -(-n // threads)
    begin = np.maximum(i // row * row, i // chunk * chunk)           # where this element's run of the loop starts
    end = np.minimum((i // row + 1) * row, (i // chunk + 1) * chunk)
    return (i - begin) < (end - begin) // step * step


def _memory_index(v):
    """Each element's place in memory, counted in elements from the first."""
    idx = np.indices(v.shape, dtype=np.int64)
    return sum(ix * (s // v.itemsize) for ix, s in zip(idx, v.strides))
