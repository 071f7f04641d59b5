"""Where torch's CPU reductions run: the kernel build (vector width, FMA), the thread count, and the
order in which TensorIterator walks a reduction's elements (reduced dims innermost, then by stride,
adjacent dims that tile memory merged). kernels/accumulate.py sums in that walk order.
"""
import functools
import os

from .._layout import reorder_dimensions
from ..rng import capability

GRAIN_SIZE = 32768          # at::internal::GRAIN_SIZE: below this a reduction runs on one thread


def lanes(itemsize):
    """Elements per Vectorized<T> in the kernel build torch dispatches to here."""
    return capability.vector_bytes() // itemsize


def capability_name():
    """The kernel build torch runs here ('default' or 'avx2'; an AVX512 CPU runs the AVX2 build), as
    set_cpu_capability decides."""
    # get_cpu_capability() reads /proc/cpuinfo on every call (0.1-0.5 ms, more than a small sum); the
    # machine does not change, and torch reads ATEN_CPU_CAPABILITY once, so only set_cpu_capability can
    return _cached_capability(capability._override)


@functools.lru_cache(maxsize=8)
def _cached_capability(override):
    return capability.kernel_build()


@functools.lru_cache(maxsize=None)
def torch_threads():
    """at::get_num_threads() of a fresh torch: OMP_NUM_THREADS / MKL_NUM_THREADS, at most the usable cores (torch
    2.13 gives 2 threads for OMP_NUM_THREADS=3 on a 2-core machine), else the physical cores."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(var, "")
        if value.isdigit() and int(value) > 0:
            return min(int(value), _usable_cores())
    return _physical_cores()


def _usable_cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _physical_cores():
    cores, current = set(), {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("physical id", "core id"):
                    current[key] = value.strip()
                elif not key:
                    if current:
                        cores.add((current.get("physical id"), current.get("core id")))
                    current = {}
    except OSError:
        pass
    usable = _usable_cores()
    return min(len(cores), usable) if cores else usable


_threads = None


def set_num_threads(n):
    """The thread count torch's reductions are assumed to run with (None: torch's default here)."""
    global _threads
    _threads = None if n is None else int(n)


def num_threads():
    return _threads if _threads is not None else torch_threads()


# ---- the TensorIterator layout --------------------------------------------------------------------------
def iteration_layout(shape, strides, reduced):
    """(perm, sizes, in_strides, out_strides), innermost dim first, after ATen orders and coalesces the dims
    of a reduction. `strides` are in elements; `perm` lists the original dims of the ordered layout."""
    nd = len(shape)
    out, step = [0] * nd, 1
    for d in range(nd - 1, -1, -1):
        # the result is a new contiguous tensor; a reduced dim has stride 0 there, unless it has size 1
        if not reduced[d] or shape[d] == 1:
            out[d] = step
            step *= shape[d]
    # ATen's reorder_dimensions, with one more rule for reductions: the dims of stride 0 in the result go
    # innermost. Every comparison across the two groups is decided by that rule, so its insertion sort
    # orders each group as it would alone.
    perm = []
    for group in ([d for d in range(nd) if out[d] == 0], [d for d in range(nd) if out[d] != 0]):
        order = reorder_dimensions([shape[d] for d in group], [[st[d] for d in group] for st in (out, strides)])
        perm += [group[i] for i in reversed(order)]
    sizes = [shape[d] for d in perm]
    ins, outs = [strides[d] for d in perm], [out[d] for d in perm]
    k = 0
    for d in range(1, nd):       # coalesce: merge a dim into the one inside it when they tile memory
        if sizes[k] == 1 or sizes[d] == 1 or (sizes[k] * ins[k] == ins[d] and sizes[k] * outs[k] == outs[d]):
            if sizes[k] == 1:
                ins[k], outs[k] = ins[d], outs[d]
            sizes[k] *= sizes[d]
        else:
            k += 1
            sizes[k], ins[k], outs[k] = sizes[d], ins[d], outs[d]
    n = k + 1 if nd else 0
    return perm, sizes[:n], ins[:n], outs[:n]


def blocks_of(a, perm, sizes):
    """a's elements arranged as the iterator walks them: shape (outer..., size1, size0), size0 last."""
    return a.transpose(perm[::-1]).reshape(sizes[::-1])


def layout_of(a, dims):
    """iteration_layout of array a reduced over dims (cached per shape, strides and dims)."""
    return layout_of_shape(a.shape, a.strides, a.itemsize, dims)


@functools.lru_cache(maxsize=1024)
def layout_of_shape(shape, byte_strides, itemsize, dims):
    return iteration_layout(shape, [s // itemsize for s in byte_strides], [d in dims for d in range(len(shape))])
