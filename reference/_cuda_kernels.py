"""Vectorised CUDA kernels for the hot binary ops (add, sub, mul) on large dense same-dtype tensors.

Why: CuPy's generic elementwise kernels handle one element per thread and reach about 0.83x of
torch.cuda's bandwidth on a 2^28-element float32 add (H100: 2.53 vs 3.04 TB/s). torch's kernels move
16 bytes per load and store; these do the same. They give bit-identical results (one IEEE add, sub or
mul per element, no contraction), so they are an implementation detail of the CuPy backend: op code
never sees them, and any case they do not cover (broadcasting, strides, mixed dtypes, small arrays,
misaligned views) goes to CuPy's own ufunc.
"""
import numpy as np

_SOURCE = r"""
struct Add { template <typename T> __device__ static T f(T x, T y) { return x + y; } };
struct Sub { template <typename T> __device__ static T f(T x, T y) { return x - y; } };
struct Mul { template <typename T> __device__ static T f(T x, T y) { return x * y; } };

template <typename T> struct alignas(16) Pack { T v[16 / sizeof(T)]; };

// Each block covers blockDim.x * U consecutive 16-byte packs; a thread loads its U packs of both
// inputs before it computes, so U loads per input are in flight (what keeps HBM busy).
template <typename T, typename Op, int U>
__global__ void binary16(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ out,
                         long long n) {
    constexpr int V = 16 / sizeof(T);
    const long long packs = n / V;
    const long long base = (long long)blockIdx.x * blockDim.x * U + threadIdx.x;
    const Pack<T>* pa = reinterpret_cast<const Pack<T>*>(a);
    const Pack<T>* pb = reinterpret_cast<const Pack<T>*>(b);
    Pack<T>* po = reinterpret_cast<Pack<T>*>(out);
    Pack<T> x[U], y[U];
#pragma unroll
    for (int u = 0; u < U; ++u) {
        const long long p = base + (long long)u * blockDim.x;
        if (p < packs) { x[u] = pa[p]; y[u] = pb[p]; }
    }
#pragma unroll
    for (int u = 0; u < U; ++u) {
        const long long p = base + (long long)u * blockDim.x;
        if (p < packs) {
            Pack<T> r;
#pragma unroll
            for (int k = 0; k < V; ++k) r.v[k] = Op::f(x[u].v[k], y[u].v[k]);
            po[p] = r;
        }
    }
    if (blockIdx.x == 0) {  // the last n % V elements, one per thread
        const long long i = packs * V + threadIdx.x;
        if (i < n) out[i] = Op::f(a[i], b[i]);
    }
}
"""

_CTYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double",
           np.dtype(np.int32): "int", np.dtype(np.int64): "long long"}
_OPS = {"add": "Add", "subtract": "Sub", "multiply": "Mul"}
_THREADS = 256
UNROLLS = (1, 2, 4, 8)  # all compiled; benchmarks/gpu_bench.py times each
UNROLL = 4


_COMPILED = {}  # one NVRTC compile per process (per CuPy module), shared by every BinaryKernels


class BinaryKernels:
    """The kernels for one CuPy module, compiled on first use; `status` says whether they are in use."""

    def __init__(self, cupy, unroll=UNROLL):
        self.cupy = cupy
        self.unroll = unroll
        self.functions = None
        self.status = "not compiled yet"

    def _compile(self):
        if id(self.cupy) not in _COMPILED:
            names = {(op, dt, u): f"binary16<{ct}, {cls}, {u}>"
                     for op, cls in _OPS.items() for dt, ct in _CTYPES.items() for u in UNROLLS}
            try:
                module = self.cupy.RawModule(code=_SOURCE, options=("--std=c++14",),
                                             name_expressions=list(names.values()))
                _COMPILED[id(self.cupy)] = ({key: module.get_function(name) for key, name in names.items()}, "on")
            except Exception as exc:  # no NVRTC, an old driver...: CuPy's ufuncs still give the same values
                _COMPILED[id(self.cupy)] = ({}, f"off: {type(exc).__name__}: {exc}")
        self.functions, self.status = _COMPILED[id(self.cupy)]

    def __call__(self, ufunc, x, y):
        """ufunc(x, y), through a vectorised kernel where one applies."""
        # x is always a device array here; y may be a Python or NumPy scalar. (CuPy makes its arrays as
        # instances of a base class of cupy.ndarray, so compare the two classes rather than name one.)
        # Small arrays take the kernel too: a raw launch costs less host time than a CuPy ufunc call,
        # which is most of a 3x3 add's latency.
        if (y.__class__ is not x.__class__ or x.dtype != y.dtype or x.shape != y.shape or not x.size
                or not (x.flags.c_contiguous and y.flags.c_contiguous) or (x.data.ptr | y.data.ptr) % 16):
            return ufunc(x, y)
        if self.functions is None:
            self._compile()
        kernel = self.functions.get((ufunc.__name__, x.dtype, self.unroll))
        per_block = _THREADS * self.unroll
        blocks = max(1, (x.size // (16 // x.itemsize) + per_block - 1) // per_block)
        if kernel is None or blocks >= 1 << 31:
            return ufunc(x, y)
        out = self.cupy.empty(x.shape, x.dtype)
        kernel((blocks,), (_THREADS,), (x, y, out, np.int64(x.size)))
        return out
