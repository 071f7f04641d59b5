"""The fast NumPy lanes of the AVX2 float32 normal kernel against the faithful ones and torch.

scripts/rng_sweep.py checks the fast lanes on all 2^24 float32 uniforms; here a sample
that leans on the places a reorganisation would break: around sqrt(1/2) (log's mantissa
split), around every octant edge of sincos, and both ends of the domain.
"""
from fractions import Fraction

import numpy as np
import pytest
import torch

from reference import _random
from reference.rng import avx2_math

_F32_SCALE = np.float32(2.0 ** -24)


def _sample_k():
    rng = np.random.default_rng(1)
    k = [np.arange(0, 1 << 24, 257), np.arange(0, 2048), (1 << 24) - 1 - np.arange(2048),
         rng.integers(0, 1 << 24, 50_000)]
    # u1 = 1 - u near sqrt(1/2), where log_ps switches from m - 1 to 2m - 1.
    k_sqrthf = int(round((1 - 0.70710678) * 2 ** 24))
    k.append(np.arange(k_sqrthf - 2048, k_sqrthf + 2048))
    # theta = 2*pi*u near every multiple of pi/4, where the octant j changes.
    for octant in range(1, 9):
        mid = int(round(octant / 8 * 2 ** 24))
        k.append(np.arange(max(mid - 1024, 0), min(mid + 1024, 1 << 24)))
    return np.unique(np.concatenate(k)).astype(np.uint32)


def test_fast_lanes_equal_faithful_ones_on_a_targeted_sample():
    u = _sample_k().astype(np.float32) * _F32_SCALE
    u1, theta = np.float32(1.0) - u, avx2_math._TWO_PI * u
    assert avx2_math.log_fast(u1).tobytes() == avx2_math.log_ps(u1).tobytes()
    for fast, faithful in zip(avx2_math.sincos_fast(theta), avx2_math.sincos_ps(theta)):
        assert fast.tobytes() == faithful.tobytes()


def test_angle_reduction_constant_is_exact_for_every_octant():
    # sincos_fast folds the three Cody-Waite steps into ax + j * _REDUCE: valid because
    # the constant and its multiples by the octants theta reaches are exact doubles.
    exact = sum(Fraction(float(c)) for c in avx2_math._MINUS_DP)
    assert Fraction(float(avx2_math._REDUCE)) == exact
    for j in (0, 2, 4, 6, 8):
        assert Fraction(float(j * avx2_math._REDUCE)) == j * exact
    # and theta = 2*pi*u, u < 1, never reaches octant 9 (j would be 10)
    top = avx2_math._TWO_PI * np.float32(1 - 2.0 ** -24)
    assert int(top * avx2_math._FOPI) < 9


@pytest.mark.parametrize("mean,std", [(0.0, 1.0), (2.0, 3.0), (-1.5, 0.25)])
def test_box_muller16_equals_the_faithful_composition(mean, std):
    rng = np.random.default_rng(7)
    blocks = (rng.integers(0, 1 << 24, (5000, 16)).astype(np.float32) * _F32_SCALE)
    got = avx2_math.box_muller16(blocks.copy(), mean, std)
    radius = np.sqrt(avx2_math.log_ps(np.float32(1.0) - blocks[:, :8]) * np.float32(-2.0))
    sin, cos = avx2_math.sincos_ps(avx2_math._TWO_PI * blocks[:, 8:])
    want = np.concatenate([cos * radius, sin * radius], axis=1)
    want = avx2_math.fma_affine32(want, std, mean)
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("seed", [0, 3, 12345])
@pytest.mark.parametrize("n", [16, 65_536 * 2 + 7, 300_001])
def test_large_randn_float32_matches_torch(seed, n):
    if torch.backends.cpu.get_cpu_capability().lower() not in ("avx2", "avx512"):
        pytest.skip("torch here does not run the AVX2 float32 normal kernel")
    gen = _random.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    ours = gen.normal(n, "float32")
    theirs = torch.randn(n, dtype=torch.float32).numpy()
    assert ours.tobytes() == theirs.tobytes()
    ours = gen.normal(n, "float32", 2.0, 3.0)
    theirs = torch.empty(n, dtype=torch.float32).normal_(2.0, 3.0).numpy()
    assert ours.tobytes() == theirs.tobytes()


def test_uniform_conversions_equal_the_plain_formulas():
    # unit_float32 narrows draws to int32 and unit_float64 converts through an int64 view:
    # both must equal the textbook uint64 formulas on the same words.
    from reference.rng import kernels, mt19937
    for seed in (0, 1, 2 ** 40 + 3):
        a, b = mt19937.MT19937(seed), mt19937.MT19937(seed)
        w = b.random32(5000)
        want32 = (w & np.uint64(0xFFFFFF)).astype(np.float32) * np.float32(2.0 ** -24)
        assert kernels.unit_float32(a, 5000).tobytes() == want32.tobytes()
        w = b.random32(10000)
        bits53 = ((w[0::2] & np.uint64(0x1FFFFF)) << np.uint64(32)) | w[1::2]
        want64 = bits53.astype(np.float64) * 2.0 ** -53
        assert kernels.unit_float64(a, 5000).tobytes() == want64.tobytes()
        assert a.data()[1:3] == b.data()[1:3]
