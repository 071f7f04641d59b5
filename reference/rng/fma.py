"""Exact fused multiply-add emulation for NumPy arrays (float32 and float64).

torch's AVX2 kernels are compiled with FMA contraction, so `a * b + c` is rounded once.
NumPy has no fma ufunc, so we build one from error-free transformations.
"""
import numpy as np

_F32_TIE_BITS = np.uint64(0x10000000)   # a float64 whose low 29 mantissa bits are 100..0
_F32_LOW_MASK = np.uint64(0x1FFFFFFF)   # sits exactly halfway between two float32 values
_F32_TINY = 2.0 ** -126                  # below this float32 is subnormal: fewer mantissa bits


def _two_sum_err(a, b, s):
    """Error of s = fl(a + b): a + b == s + err exactly (Knuth's TwoSum)."""
    bb = s - a
    return (a - (s - bb)) + (b - bb)


def _round_to_odd(s, err):
    """Nudge s one ulp toward err where s is inexact and has an even last bit.

    Rounding-to-odd at 53 bits keeps enough information to round correctly again
    to any precision of at most 51 bits (double rounding becomes harmless).
    """
    bits = s.view(np.int64)
    nudge = (err != 0) & ((bits & 1) == 0)
    if not nudge.any():
        return s
    up = (err > 0) == (s > 0)   # moving away from zero increments the bit pattern
    bits = bits + np.where(nudge, np.where(up, 1, -1), 0)
    return bits.view(np.float64)


def fma32(a, b, c):
    """float32 fma(a, b, c) rounded once; a, b, c are float32 arrays or scalars."""
    a64 = np.asarray(a, dtype=np.float64)
    b64 = np.asarray(b, dtype=np.float64)
    c64 = np.asarray(c, dtype=np.float64)
    prod = a64 * b64                       # exact: 24 + 24 bits fit in 53
    shape = np.broadcast_shapes(prod.shape, c64.shape)
    d = np.atleast_1d(prod + c64)          # one rounding in double (1-d at least: np.nonzero refuses 0-d)
    out = d.astype(np.float32)
    # Rounding d to float32 is wrong only where d landed exactly on a float32 midpoint
    # (or in float32's subnormal range); redo those few lanes exactly.
    bits = d.view(np.uint64)
    risky = ((bits & _F32_LOW_MASK) == _F32_TIE_BITS) | (np.abs(d) < _F32_TINY)
    if risky.any():
        idx = np.nonzero(risky)
        p = np.broadcast_to(prod, d.shape)[idx]
        cc = np.broadcast_to(c64, d.shape)[idx]
        s = d[idx]
        out[idx] = _round_to_odd(s, _two_sum_err(p, cc, s)).astype(np.float32)
    return out.reshape(shape)


def _two_prod(a, b):
    """p, e with a * b == p + e exactly (Dekker/Veltkamp splitting, no overflow assumed)."""
    p = a * b
    t = a * 134217729.0
    ah = t - (t - a)
    al = a - ah
    t = b * 134217729.0
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def fma64(a, b, c):
    """float64 fma(a, b, c) rounded once (Boldo-Melquiond emulation via rounding to odd)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    uh, ul = _two_prod(a, b)
    th = c + ul
    tl = _two_sum_err(c, ul, th)
    vh = uh + th
    vl = _two_sum_err(uh, th, vh)
    s = np.asarray(tl + vl)
    w = _round_to_odd(s, _two_sum_err(tl, vl, s))
    out = np.asarray(vh + w)
    # Exact zeros: the sign of a + b*c's zero is the one plain addition would give; infinities and nans
    # too (the error-free transformations turn an infinite operand into nan).
    plain = np.broadcast_to(a * b + c, out.shape)
    special = (out == 0) | ~np.isfinite(plain)
    if special.any():
        out = np.where(special, plain, out)
    return out
