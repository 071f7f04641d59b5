"""Which of torch's CPU kernel builds (DEFAULT, AVX2, AVX512) torch would run here.

It matters for bits: the AVX2 build fuses `x * s + m` into one FMA, draws float32 normals with its own
vectorised log/sincos, and sums in vectors of 32 bytes.

An AVX512 CPU runs the AVX2 build of every kernel the reference models (sum, mean, norm, add, arange, the random
fills). ATen's DispatchStub registers a kernel for AVX512 only where its file says ALSO_REGISTER_AVX512_DISPATCH
(a few, such as softmax and pooling); a plain REGISTER_DISPATCH leaves the AVX512 slot empty, and the stub falls
back to the AVX2 kernel. `get_cpu_capability()` still answers 'avx512' there, as torch's does.
"""
import functools
import os

CAPABILITIES = ("default", "avx2", "avx512")
_override = None


@functools.lru_cache(maxsize=None)  # the CPU's flags do not change while we run (reading them costs ~0.4 ms)
def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def detect():
    """torch's choice: ATEN_CPU_CAPABILITY when it names a build, else the best the CPU runs."""
    wanted = os.environ.get("ATEN_CPU_CAPABILITY")
    if wanted in CAPABILITIES:   # torch compares case-sensitively and trusts the user
        return wanted
    flags = _cpu_flags()
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "fma"} <= flags:
        return "avx512"
    if {"avx2", "fma"} <= flags:
        return "avx2"
    return "default"


def set_cpu_capability(name):
    """Force a code path ('default', 'avx2', 'avx512'), or None to follow detection."""
    global _override
    if name is not None:
        name = str(name).lower()
        if name not in CAPABILITIES:
            raise ValueError(f"set_cpu_capability: expected one of {CAPABILITIES} or None, got {name!r}")
    _override = name


def get_cpu_capability():
    return _override if _override is not None else detect()


def kernel_build():
    """The build ('default' or 'avx2') of the kernels the reference models that torch runs here: an AVX512 CPU
    runs their AVX2 build (see the module's docstring)."""
    capability = get_cpu_capability()
    return "avx2" if capability == "avx512" else capability


def fuses_multiply_add():
    """True where torch's compiler contracted `x * s + m` into one rounding."""
    return kernel_build() == "avx2"


def uses_avx2_normal():
    """The float32 16-wide normal kernel of the AVX2 build."""
    return kernel_build() == "avx2"


def vector_bytes():
    """The width of torch's Vectorized<T> in the build its kernels run here: 32 bytes, in the AVX2 build and in the
    DEFAULT one alike (an AVX512 CPU runs the AVX2 build, see the module's docstring)."""
    return 32
