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
# rounds twice), and the three-step angle reduction is one exact double sum rounded
# once (see _REDUCE). Neither shortcut is valid for arbitrary floats, but
# scripts/rng_sweep.py checks both kernels agree on every one of the 2^24 float32
# uniforms torch can feed them (tests/reference/test_rng_fast_paths.py checks a sample).
# In-place ufuncs on reused buffers keep the hot loop free of fresh temporaries.

_LOG_P64 = [np.float64(p) for p in _LOG_P]
_SINCOF64 = [np.float64(p) for p in _SINCOF]
_COSCOF64 = [np.float64(p) for p in _COSCOF]
# -(DP0 + DP1 + DP2) summed in double is exact (48 significant bits), and so is j times
# it for the only octants theta in [0, 2*pi) reaches, j in {0, 2, 4, 6, 8}; ax - j * pi/4
# then lands on a multiple of 2^-52 below 1, so the double sum is the exact real sum.
_REDUCE = np.float64(_MINUS_DP[0]) + np.float64(_MINUS_DP[1]) + np.float64(_MINUS_DP[2])
_SQRTHF_MANT = np.int32(int(_SQRTHF.view(np.int32)) & 0x7FFFFF)


def _poly_step(y, x64, p, buf):
    """y <- float32(y * x + p) through double, in place; `buf` is a float64 scratch array."""
    np.copyto(buf, y)
    buf *= x64
    buf += p
    np.copyto(y, buf, casting="same_kind")
    return y


def _poly_start(x64, c0, c1, out, buf):
    """out <- float32(x * c0 + c1) for float32 x held in double."""
    np.multiply(x64, c0, out=buf)
    buf += c1
    np.copyto(out, buf, casting="same_kind")
    return out


def log_fast(x):
    bits = x.view(np.int32)              # x in (0, 1]: the sign bit is clear
    e = bits >> 23
    mant = bits & np.int32(0x7FFFFF)
    # small = -1 where the mantissa, scaled to [0.5, 1), is below sqrt(1/2), else 0:
    # both have the same exponent, so their mantissa bits order like the values.
    small = mant - _SQRTHF_MANT
    small >>= 31
    e += small
    e -= 126
    ef = e.astype(f32)
    # log_ps takes (m - 1) + m below sqrt(1/2), else m - 1; both are exact, so this is
    # 2m - 1 or m - 1, and doubling m is one more in its exponent field.
    mant |= np.int32(0x3F000000)
    small <<= 23
    mant -= small
    m = mant.view(f32)
    m -= _ONE
    z = m * m
    m64 = m.astype(np.float64)
    buf = np.empty_like(m64)
    y = _poly_start(m64, _LOG_P64[0], _LOG_P64[1], np.empty_like(m), buf)
    for p in _LOG_P64[2:]:
        _poly_step(y, m64, p, buf)
    y *= m
    np.multiply(y, z, out=buf, dtype=np.float64)   # exact in double (dtype= or NumPy
                                                    # would multiply in float32)
    buf += ef * _LOG_Q1
    np.copyto(y, buf, casting="same_kind")
    z *= f32(0.5)
    y -= z
    y += m
    np.multiply(ef, _LOG_Q2, out=buf, dtype=np.float64)
    buf += y
    return buf.astype(f32)


def sincos_fast(ax):
    """sincos_ps for x >= 0 (theta = 2*pi*u is never negative)."""
    j = (ax * _FOPI).astype(np.int32)
    j += 1
    j &= ~1                              # j in {0, 2, 4, 6, 8} for ax < 2*pi
    jd = j.astype(np.float64)
    jd *= _REDUCE
    jd += ax
    r = jd.astype(f32)
    z = r * r
    z64 = jd                             # reuse the double buffer
    np.copyto(z64, z)
    buf = np.empty_like(z64)
    yc = _poly_start(z64, _COSCOF64[0], _COSCOF64[1], np.empty_like(z), buf)
    _poly_step(yc, z64, _COSCOF64[2], buf)
    yc *= z
    np.multiply(yc, z64, out=buf)
    half = z * f32(0.5)
    buf -= half
    np.copyto(yc, buf, casting="same_kind")
    yc += _ONE
    ys = _poly_start(z64, _SINCOF64[0], _SINCOF64[1], z, buf)   # z itself is spent
    _poly_step(ys, z64, _SINCOF64[2], buf)
    half += half                         # back to z, exactly
    ys *= half
    np.multiply(ys, r, out=buf, dtype=np.float64)
    buf += r
    np.copyto(ys, buf, casting="same_kind")
    swap = (j & 2).astype(bool)
    s = np.where(swap, yc, ys)
    c = np.where(swap, ys, yc)
    sign_sin = (j & 4).view(np.uint32)
    sign_sin <<= np.uint32(29)
    j -= 2
    np.invert(j, out=j)
    j &= 4
    sign_cos = j.view(np.uint32)
    sign_cos <<= np.uint32(29)
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
        rows = out[start:start + len(part)]
        u1 = _ONE - part[:, :8]
        theta = _TWO_PI * part[:, 8:]
        radius = log_fast(u1)
        radius *= f32(-2.0)
        np.sqrt(radius, out=radius)
        sin, cos = sincos_fast(theta)
        np.multiply(cos, radius, out=rows[:, :8])
        np.multiply(sin, radius, out=rows[:, 8:])
    return fma_affine32(out, std, mean)


def fma_affine32(v, std, mean):
    """fma(v, std, mean) in float32, skipping the work when it is the identity (v may be reused)."""
    std, mean = f32(std), f32(mean)
    if std == 1 and mean == 0 and not np.signbit(mean):
        v += f32(0.0)                    # fma(v, 1, +0) only turns -0 into +0
        return v
    return fma32(v, std, mean)
