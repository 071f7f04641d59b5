"""Which of torch's CPU kernel builds (DEFAULT, AVX2, AVX512) torch would run here.

It matters for bits: the AVX2/AVX512 builds fuse `x * s + m` into one FMA and the
AVX2 build draws float32 normals with its own vectorised log/sincos.
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


def fuses_multiply_add():
    """True where torch's compiler contracted `x * s + m` into one rounding."""
    return get_cpu_capability() != "default"


def uses_avx2_normal():
    """The float32 16-wide normal kernel: AVX512 torch reuses the AVX2 one (no AVX512 dispatch)."""
    return get_cpu_capability() in ("avx2", "avx512")


def vector_bytes():
    """The width of torch's Vectorized<T> in this build: 64 bytes for AVX512, else 32 (DEFAULT too)."""
    return 64 if get_cpu_capability() == "avx512" else 32
