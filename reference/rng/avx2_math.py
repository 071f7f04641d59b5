"""torch's AVX2 float32 Box-Muller lanes, replayed in NumPy float32.

torch's AVX2 build draws float32 normals with the Cephes-style `log256_ps` and
`sincos256_ps` of ATen/native/cpu/avx_mathfun.h. The compiler contracts many of their
multiply-add pairs into FMA instructions; which ones was read from the disassembly of
libtorch_cpu.so (torch 2.13.0, NormalFill16<float>). `log_ps`/`sincos_ps` are the
faithful transcription: every fused step is the exact `fma32`, everything else plain
float32 arithmetic. `log_fast`/`sincos_fast` compute the same bits faster and are what
`box_muller16` runs.
"""
import numpy as np

from .fma import fma32

f32 = np.float32
_ONE = f32(1.0)
_SQRTHF = f32(0.707106781186547524)
_LOG_P = [f32(v) for v in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                           1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                           3.3333331174e-1)]
_LOG_Q1 = f32(-2.12194440e-4)
_LOG_Q2 = f32(0.693359375)
_MINUS_DP = [f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8)]
_SINCOF = [f32(-1.9515295891e-4), f32(8.3321608736e-3), f32(-1.6666654611e-1)]
_COSCOF = [f32(2.443315711809948e-005), f32(-1.388731625493765e-003), f32(4.166664568298827e-002)]
_FOPI = f32(1.27323954473516)
_TWO_PI = f32(2.0 * np.pi)
_SIGN = np.uint32(0x80000000)


def log_ps(x, fma=fma32):
    """log256_ps for x in (0, 1] (torch only feeds it 1 - u, never <= 0 or subnormal)."""
    bits = x.view(np.uint32)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(f32) + _ONE
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(f32)   # mantissa in [0.5, 1)
    small = m < _SQRTHF
    e = e - np.where(small, _ONE, f32(0))
    m = (m - _ONE) + np.where(small, m, f32(0))
    z = m * m
    m64 = m.astype(np.float64)           # reused by every polynomial step
    y = fma(m, _LOG_P[0], _LOG_P[1])
    for p in _LOG_P[2:]:
        y = fma(y, m64, p)
    y = fma(y * m, z, e * _LOG_Q1)
    y = y - z * f32(0.5)                 # vfnmadd of an exact half: same as a subtraction
    return fma(e, _LOG_Q2, m + y)


def sincos_ps(x, fma=fma32):
    """sincos256_ps: (sin, cos) of float32 x >= 0 as torch's AVX2 kernel computes them."""
    sign_sin = x.view(np.uint32) & _SIGN
    ax = np.abs(x)
    j = (ax * _FOPI).astype(np.int32)    # truncation, like cvttps2dq
    j = (j + 1) & ~1
    y = j.astype(f32)
    sign_sin = sign_sin ^ ((j & 4).astype(np.uint32) << np.uint32(29))
    sign_cos = ((~(j - 2)) & 4).astype(np.uint32) << np.uint32(29)
    use_cos_poly_for_sin = (j & 2) != 0
    r = fma(y, _MINUS_DP[0], ax)
    r = fma(y, _MINUS_DP[1], r)
    r = fma(y, _MINUS_DP[2], r)
    z = r * r
    z64 = z.astype(np.float64)
    yc = fma(fma(z, _COSCOF[0], _COSCOF[1]), z64, _COSCOF[2])
    yc = fma(z, z * yc, -(z * f32(0.5))) + _ONE
    ys = fma(fma(z, _SINCOF[0], _SINCOF[1]), z64, _SINCOF[2])
    ys = fma(r, z * ys, r)
    s = np.where(use_cos_poly_for_sin, yc, ys)
    c = np.where(use_cos_poly_for_sin, ys, yc)
    s = (s.view(np.uint32) ^ sign_sin).view(f32)
    c = (c.view(np.uint32) ^ sign_cos).view(f32)
    return s, c


# ---- fast lanes --------------------------------------------------------------------
# The same arithmetic as log_ps/sincos_ps, reorganised for NumPy speed: each fma is
# rounded through double (float32 operands multiply exactly in double, so only the sum
# rounds twice), and the three-step angle reduction, whose partial sums are exact, is
# summed in double and rounded once. Neither shortcut is valid for arbitrary floats, but
# scripts/rng_sweep.py checks both kernels agree on every one of the 2^24 float32
# uniforms torch can feed them (tests/reference/test_rng_parity.py checks a sample).

def _d(x):
    return x.astype(np.float64)


def _r32(x):
    """Round a double holding `a * b + c` of float32 operands: a double-rounded fma."""
    return x.astype(f32)


def _horner(y, x64, p):
    """_r32(y * x + p) for float32 y, reusing one double temporary."""
    t = y.astype(np.float64)
    t *= x64
    t += p
    return t.astype(f32)


_LOG_P64 = [np.float64(p) for p in _LOG_P]
_SINCOF64 = [np.float64(p) for p in _SINCOF]
_COSCOF64 = [np.float64(p) for p in _COSCOF]


def log_fast(x):
    bits = x.view(np.uint32)
    e = (bits >> np.uint32(23)).astype(np.int32) - 126
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(f32)
    small = m < _SQRTHF
    e = (e - small).astype(f32)
    m = (m - _ONE) + m * small           # (x - 1) + x below sqrt(1/2), else x - 1
    z = m * m
    m64 = _d(m)
    y = _r32(m64 * _LOG_P64[0] + _LOG_P64[1])
    for p in _LOG_P64[2:]:
        y = _horner(y, m64, p)
    y = _r32(_d(y * m) * z + e * _LOG_Q1)
    y = (y - z * f32(0.5)) + m
    return _r32(_d(e) * np.float64(_LOG_Q2) + y)


def sincos_fast(ax):
    """sincos_ps for x >= 0 (theta = 2*pi*u is never negative)."""
    j = (ax * _FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y64 = _d(j)
    sign_sin = (j & 4).astype(np.uint32) << np.uint32(29)
    sign_cos = ((~(j - 2)) & 4).astype(np.uint32) << np.uint32(29)
    use_cos_poly_for_sin = (j & 2) != 0
    r = _r32(_d(ax) + y64 * _MINUS_DP[0] + y64 * _MINUS_DP[1] + y64 * _MINUS_DP[2])
    z = r * r
    z64 = _d(z)
    yc = _horner(_r32(z64 * _COSCOF64[0] + _COSCOF64[1]), z64, _COSCOF64[2])
    yc = _r32(_d(z * yc) * z64 - z * f32(0.5)) + _ONE
    ys = _horner(_r32(z64 * _SINCOF64[0] + _SINCOF64[1]), z64, _SINCOF64[2])
    ys = _r32(_d(z * ys) * r + r)
    s = np.where(use_cos_poly_for_sin, yc, ys)
    c = np.where(use_cos_poly_for_sin, ys, yc)
    s.view(np.uint32)[...] ^= sign_sin
    c.view(np.uint32)[...] ^= sign_cos
    return s, c


_CHUNK_ROWS = 8192   # keeps each step's temporaries in cache


def box_muller16(blocks, mean, std):
    """NormalFill16<float> (AVX2) on an (m, 16) float32 array of uniforms; returns (m, 16).

    Lane j of a block pairs u1 = 1 - u[j] with u2 = u[j + 8].
    """
    out = np.empty_like(blocks)
    for start in range(0, len(blocks), _CHUNK_ROWS):
        part = blocks[start:start + _CHUNK_ROWS]
        u1 = _ONE - part[:, :8]
        theta = _TWO_PI * part[:, 8:]
        radius = log_fast(u1)
        radius *= f32(-2.0)
        np.sqrt(radius, out=radius)
        sin, cos = sincos_fast(theta)
        cos *= radius
        sin *= radius
        out[start:start + len(part), :8] = fma_affine32(cos, std, mean)
        out[start:start + len(part), 8:] = fma_affine32(sin, std, mean)
    return out


def fma_affine32(v, std, mean):
    """fma(v, std, mean) in float32, skipping the work when it is the identity."""
    std, mean = f32(std), f32(mean)
    if std == 1 and mean == 0 and not np.signbit(mean):
        return v + f32(0.0)              # fma(v, 1, +0) only turns -0 into +0
    return fma32(v, std, mean)
