"""torch's CPU random kernels (DistributionTemplates.h) as NumPy transforms of raw draws.

Each function takes the engine and returns a new flat array, consuming exactly the
32-bit words torch consumes for a tensor of that numel/dtype/contiguity.
"""
import math

import numpy as np

from . import avx2_math, capability, libm
from .fma import fma32, fma64

_TWO_PI = 2.0 * math.pi


def unit_float32(engine, n):
    """uniform_real_distribution<float>(0, 1): low 24 bits of a 32-bit draw times 2^-24."""
    # Narrowing to int32 keeps the low 32 bits (two's-complement wrap); after the mask the
    # values are 24-bit, so int32 -> float32 is exact and converts faster than uint64.
    k = engine.random32(n).astype(np.int32)
    k &= np.int32((1 << 24) - 1)
    x = k.astype(np.float32)
    x *= np.float32(2.0 ** -24)
    return x


def unit_float64(engine, n):
    """uniform_real_distribution<double>(0, 1): low 53 bits of a 64-bit draw times 2^-53."""
    # Below 2^53 the int64 view is the same number and converts to double faster (and exactly).
    x = engine.random64(n, mask=(1 << 53) - 1).view(np.int64).astype(np.float64)
    x *= 2.0 ** -53
    return x


def affine(x, scale, shift, dtype):
    """x * scale + shift as torch's build rounds it: one FMA, or two roundings on DEFAULT."""
    scale, shift = dtype(scale), dtype(shift)
    if scale == 1 and shift == 0 and not np.signbit(shift):
        return x + dtype(0.0)            # fma(x, 1, +0) == x + 0 (only -0 changes)
    if not capability.fuses_multiply_add():
        return x * scale + shift
    return fma32(x, scale, shift) if dtype is np.float32 else fma64(x, scale, shift)


def uniform(engine, n, dtype, low, high):
    """uniform_kernel: from + u * (to - from) in the dtype, then map `to` back to `from`."""
    if dtype is np.float16:  # computed in float32 from float16 bounds, rounded once
        lo, hi = np.float16(low), np.float16(high)
        out = uniform(engine, n, np.float32, np.float32(lo), np.float32(hi)).astype(np.float16)
        out[out == hi] = lo
        return out
    if dtype is np.float32:
        lo, hi = np.float32(low), np.float32(high)
        x = unit_float32(engine, n)
    else:
        lo, hi = np.float64(low), np.float64(high)
        x = unit_float64(engine, n)
    out = affine(x, hi - lo, lo, dtype)
    out[out == hi] = lo      # rounding can land on the open upper bound
    return out


def normal_per_element(engine, n, dtype, mean, std, cached):
    """normal_distribution<double> element by element (numel < 16 or non-contiguous).

    Box-Muller pairs: the cosine is returned, the sine cached in the generator and used
    by the next element, even one in a later call. `cached` is the generator's cached
    sample or None; returns (values, the cache to keep).
    """
    out = np.empty(n, dtype=np.float64)
    start = 0
    if n and cached is not None:
        out[0] = cached
        cached = None
        start = 1
    pairs = (n - start + 1) // 2
    if pairs:
        u = unit_float64(engine, 2 * pairs)
        u1, u2 = u[0::2], u[1::2]
        r = np.sqrt(-2.0 * libm.log1p(-u2))
        theta = _TWO_PI * u1
        both = np.empty(2 * pairs, dtype=np.float64)
        both[0::2] = r * libm.cos(theta)
        both[1::2] = r * libm.sin(theta)
        out[start:] = both[:n - start]
        if (n - start) % 2:
            cached = float(both[-1])
    return affine(out, std, mean, np.float64).astype(dtype), cached


def normal_chunked(engine, n, dtype, mean, std):
    """normal_fill (numel >= 16, contiguous): Box-Muller on blocks of 16 uniforms.

    All n uniforms are drawn first; when 16 does not divide n, 16 fresh uniforms
    replace the last 16 elements (the earlier tail uniforms are simply overwritten).
    """
    unit = unit_float32 if dtype is np.float32 else unit_float64
    data = unit(engine, n)
    full = n // 16
    blocks = data[:full * 16].reshape(full, 16)
    if n % 16:
        blocks = np.concatenate([blocks, unit(engine, 16).reshape(1, 16)])
    if dtype is np.float64:
        normals = _box_muller16_f64(blocks, mean, std)
    elif capability.uses_avx2_normal():
        normals = avx2_math.box_muller16(blocks, mean, std)
    else:
        normals = _box_muller16_f32_scalar(blocks, mean, std)
    out = normals[:full].reshape(-1)
    if n % 16:
        out = np.concatenate([out, np.empty(n % 16, dtype=out.dtype)])
        out[n - 16:] = normals[-1]
    return out


def _box_muller16_f64(blocks, mean, std):
    """NormalFill16<double>: scalar libm log/cos/sin, an explicit fma per output."""
    u1 = 1.0 - blocks[:, :8]
    u2 = blocks[:, 8:]
    radius = np.sqrt(-2.0 * libm.log(u1))
    theta = _TWO_PI * u2
    out = np.empty_like(blocks)
    out[:, :8] = _fma_or_identity(radius * libm.cos(theta), std, mean, np.float64)
    out[:, 8:] = _fma_or_identity(radius * libm.sin(theta), std, mean, np.float64)
    return out


def _box_muller16_f32_scalar(blocks, mean, std):
    """NormalFill16<float> without AVX2: logf/cosf/sinf, theta rounded from double."""
    u1 = np.float32(1.0) - blocks[:, :8]
    u2 = blocks[:, 8:]
    radius = np.sqrt(libm.logf(u1.ravel()).reshape(u1.shape) * np.float32(-2.0))
    theta = (_TWO_PI * u2.astype(np.float64)).astype(np.float32).ravel()
    cos = libm.cosf(theta).reshape(u2.shape)
    sin = libm.sinf(theta).reshape(u2.shape)
    out = np.empty_like(blocks)
    out[:, :8] = _fma_or_identity(radius * cos, std, mean, np.float32)
    out[:, 8:] = _fma_or_identity(radius * sin, std, mean, np.float32)
    return out


def _fma_or_identity(v, std, mean, dtype):
    """An explicit std::fma in the source: fused in every build."""
    std, mean = dtype(std), dtype(mean)
    if std == 1 and mean == 0 and not np.signbit(mean):
        return v + dtype(0.0)
    return fma32(v, std, mean) if dtype is np.float32 else fma64(v, std, mean)


def randint(engine, n, low, high):
    """random_from_to: one 32-bit draw mod range below 2^28, else a 64-bit draw."""
    span = (high - low) & 0xFFFFFFFFFFFFFFFF
    if span >= 1 << 28:
        raw = engine.random64(n)
    else:
        raw = engine.random32(n)
    vals = raw % np.uint64(span)
    return vals.astype(np.int64) + np.int64(low)   # wraps like torch's uint64 arithmetic


def randperm(engine, n):
    """randperm_cpu for n < 2^32 / 20: Fisher-Yates with swaps drawn as random() % (n - i)."""
    perm = np.arange(n, dtype=np.int64)
    if n < 2:
        return perm
    z = engine.random32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)
    p = perm.tolist()
    for i, k in enumerate(z.tolist()):
        j = i + k
        p[i], p[j] = p[j], p[i]
    return np.array(p, dtype=np.int64)
