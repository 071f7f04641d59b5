"""torch's CPU order for vector norms (linalg.vector_norm), in NumPy, so the bits match.

ATen (read, not copied) computes every norm in norm_kernel_tensor_iterator_impl (ReduceOpsKernel.cpp):

1. linalg_vector_norm (LinearAlgebra.cpp): when every reduced dim has size 1 the norm is abs() (or != 0 for
   p=0), with no power and no root.
2. p=2 over one contiguous reduced dim of a float32/float64 tensor takes a lane kernel
   (binary_kernel_reduce_lastdim): W lanes accumulate x*x, the lanes are added left to right, then the
   leftover squares, then sqrt.
3. Every other case is binary_kernel_reduce (cpu/Reduce.h) with one of SharedReduceOps.h's NormOps:
   each output is one running sum `acc = acc + term(x)` over its reduced elements in the TensorIterator's
   walk order (kernels/iteration.py), from 0, then `project`. The terms: |x| (NormOneOps), x*x
   (NormTwoOps), pow(|x|, p) (NormOps, whose project is pow(acc, 1/p)); p=0 counts the nonzeros,
   p=+-inf is a max/min of |x|. acc is opmath_type: float for float16, else the dtype itself.
4. Threads (binary_kernel_reduce): a single output over GRAIN_SIZE elements or more is cut into one range
   of the walk per thread; each thread's running sum starts from 0 and the thread sums are added in thread
   order. Several outputs are shared between threads whole (foreach_reduced_elt), so each is one running sum.

std::pow of float/double is the C library's powf/pow, which kernels/libm.py calls (NumPy's power is not always
those), and which the differential tests check against torch.
"""
import numpy as np

from ..rng.fma import fma32, fma64
from . import libm
from .accumulate import running_sum
from .iteration import GRAIN_SIZE, blocks_of, capability_name, lanes, layout_of, num_threads


def torch_norm(a, p, dims):
    """torch.linalg.vector_norm(a, p, dims) on the CPU for float16/32/64 a: flat results in the kept dims' C order."""
    if a.size == 0:       # norm_kernel_tensor_iterator_impl fills an empty reduction with inf for p < 0, else 0
        return np.full(_kept(a, dims), np.inf if p < 0 else 0, a.dtype)
    if all(a.shape[d] == 1 for d in dims):          # linalg_vector_norm: reducing over length-1 dims is abs()
        return (np.abs(a) if p != 0 else (a != 0).astype(a.dtype)).reshape(-1)
    if p == 2 and a.dtype != np.float16:
        return torch_norm2(a, dims)
    acc = np.dtype(np.float32) if a.dtype == np.float16 else a.dtype      # opmath_type
    magnitude = np.abs(_walk_rows(a, dims)).astype(acc, copy=False)       # (outputs, reduced) in walk order
    if p == np.inf:       # AbsMaxOps from 0, AbsMinOps from inf: the order of a max does not matter
        return np.maximum.reduce(magnitude, axis=1, initial=0).astype(a.dtype)
    if p == -np.inf:
        return np.minimum.reduce(magnitude, axis=1, initial=np.inf).astype(a.dtype)
    if p == 0:
        terms = (magnitude != 0).astype(acc)
    elif p == 1:
        terms = magnitude
    elif p == 2:
        terms = magnitude * magnitude
    else:
        terms = libm.power(magnitude, acc.type(p))
    out = _walk_sum(terms)
    if p not in (0, 1):   # project: sqrt for NormTwoOps, pow(acc, 1/p) with 1/p rounded in acc's type
        out = np.sqrt(out) if p == 2 else libm.power(out, acc.type(1) / acc.type(p))
    return out.astype(a.dtype, copy=False)


def _kept(a, dims):
    return int(np.prod([n for d, n in enumerate(a.shape) if d not in dims], dtype=np.int64))


def _walk_rows(a, dims):
    """a's elements as the iterator walks them: one row per output (kept dims' C order), reduced dims along it."""
    perm, sizes, ins, outs = layout_of(a, dims)
    reduced = sum(1 for s in outs if s == 0)
    return blocks_of(a, perm, sizes).reshape(-1, int(np.prod(sizes[:reduced], dtype=np.int64)))


def _walk_sum(rows):
    """binary_kernel_reduce's sums of rows' terms: one running sum per output; threads for one long output."""
    threads = num_threads()
    if rows.shape[0] == 1 and rows.size >= GRAIN_SIZE and threads > 1:
        return _thread_sum(rows[0], threads)[None]
    return running_sum(rows, axis=1)


def _thread_sum(flat, threads):
    """at::parallel_for's split of one reduction: ceil(n / used) elements per thread, sums added in order."""
    used = min(threads, -(-flat.size // GRAIN_SIZE))
    chunk = -(-flat.size // used)
    sums = [running_sum(flat[i:i + chunk]) for i in range(0, flat.size, chunk)]
    return running_sum(np.array(sums, flat.dtype))


# ---- the 2-norm's kernels for float32/float64 --------------------------------------------------------
def torch_norm2(a, dims):
    """torch.linalg.vector_norm(a, 2, dims) on the CPU for float32/float64: flat results as torch_sum."""
    if a.size == 0:
        return np.zeros_like(a, shape=_kept(a, dims))
    if all(a.shape[d] == 1 for d in dims):          # reducing over length-1 dims is abs()
        return np.abs(a).reshape(-1)
    perm, sizes, ins, outs = layout_of(a, dims)
    reduced = sum(1 for s in outs if s == 0)
    if reduced == 1 and ins[0] == 1:                # is_reduce_lastdim: the lane kernel
        blocks = blocks_of(a, perm, sizes)
        return np.sqrt(_lastdim_sumsq(blocks.reshape(-1, sizes[0]), lanes(a.itemsize)))
    rows = _walk_rows(a, dims)
    return np.sqrt(_walk_sum(rows * rows))


def _lastdim_sumsq(rows, width):
    """The lane kernel: W lanes of x*x, lanes added left to right, then the leftovers' squares."""
    n = rows.shape[1]
    nvec = n - n % width
    lanes_acc = _running_sumsq(rows[:, :nvec].reshape(rows.shape[0], -1, width), axis=1)   # (rows, W)
    acc = np.add.accumulate(lanes_acc, axis=1, dtype=rows.dtype)[:, -1]
    if capability_name() == "default":   # the DEFAULT build is compiled without FMA
        return _running_sumsq(rows[:, nvec:], axis=1, start=acc)
    # Measured against torch's AVX2 build: the compiler fuses the leftovers' `acc += x * x` into one FMA,
    # except that float32 leftovers go 4 at a time through a vector multiply first (rounded, then added).
    d = nvec
    if rows.dtype == np.float32:
        d = nvec + (n - nvec) // 4 * 4
        acc = _running_sumsq(rows[:, nvec:d], axis=1, start=acc)
    fma = fma32 if rows.dtype == np.float32 else fma64
    for k in range(d, n):
        acc = fma(rows[:, k], rows[:, k], acc).astype(rows.dtype)
    return acc


def _running_sumsq(x, axis, start=None):
    """start + x0*x0 + x1*x1 + ... in order, each square rounded before it is added."""
    return running_sum(x * x, axis, start)
