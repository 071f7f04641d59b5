"""Which of torch's kernel builds the reference models on this machine, and the C library's pow.

A CPU with AVX512 runs the AVX2 build of torch's sum, norm, add and arange kernels (DispatchStub registers their
AVX512 slot empty). So the reference told it is on an AVX512 CPU must still give what torch gives here, on any CPU
torch runs its AVX2 build on: 16-lane float32 sums would differ from n = 10 on. And the p-norms raise to powers
with the C library's pow/powf, as torch's scalar kernels do, not with NumPy's power, which on an AVX512 CPU is
NumPy's own SIMD code."""
import math

import numpy as np
import pytest
import torch

import reference
from reference.kernels import libm
from reference.rng import capability

avx2_torch = pytest.mark.skipif(torch.backends.cpu.get_cpu_capability() not in ("AVX2", "AVX512"),
                                reason="torch runs its DEFAULT build here (ATEN_CPU_CAPABILITY), not the AVX2 one")


@pytest.fixture
def told_avx512():
    capability.set_cpu_capability("avx512")
    yield
    capability.set_cpu_capability(None)


def test_an_avx512_cpu_runs_the_avx2_build():
    for told, build in (("avx512", "avx2"), ("avx2", "avx2"), ("default", "default")):
        capability.set_cpu_capability(told)
        try:
            assert capability.get_cpu_capability() == told  # what torch.backends.cpu.get_cpu_capability() says
            assert capability.kernel_build() == build
            assert capability.vector_bytes() == 32
        finally:
            capability.set_cpu_capability(None)


@avx2_torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16], ids=str)
def test_sums_and_norms_told_avx512_are_torchs(told_avx512, dtype):
    """Sizes across 1, 2 and 4 vectors of either width: 64-byte vectors would differ at most of them."""
    differ = []
    for n in range(1, 80):
        rng = np.random.default_rng(n)
        a = (rng.standard_normal(n) * 10.0 ** rng.uniform(-2, 2, n)).astype(dtype)
        for label, call in (("sum", lambda t: t.sum()), ("norm", lambda t: t.norm())):
            want = call(torch.from_numpy(a)).numpy().tobytes()
            got = call(reference.from_numpy(a.copy())).numpy().tobytes()
            if want != got:
                differ.append(f"{label} of {n}")
    assert not differ, differ


@avx2_torch
def test_float_arange_and_half_alpha_told_avx512_are_torchs(told_avx512):
    for args in ((0, 1, 0.1), (-3, 7.5, 0.37), (1, 100, 1.3)):
        for dt in ("float32", "float64", "float16"):
            want = torch.arange(*args, dtype=getattr(torch, dt)).numpy()
            got = reference.arange(*args, dtype=getattr(reference, dt)).numpy()
            assert want.tobytes() == got.tobytes(), (args, dt)
    a = np.random.default_rng(0).standard_normal(300).astype(np.float16)
    b = np.random.default_rng(1).standard_normal(300).astype(np.float16)
    want = torch.from_numpy(a).add(torch.from_numpy(b), alpha=0.3).numpy()
    got = reference.from_numpy(a.copy()).add(reference.from_numpy(b.copy()), alpha=0.3).numpy()
    assert want.tobytes() == got.tobytes()


def test_power_is_the_c_librarys():
    """math.pow is the C library's pow: libm.power agrees with it on every element (NumPy's power, on an AVX512
    CPU, differs on about one in twenty)."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, 20000)
    for y in (3.0, 0.5, -1.0, 2.5, 1 / 3):
        want = np.array([math.pow(v, y) for v in x])
        assert libm.power(x, y).tobytes() == want.tobytes(), y


def test_power_keeps_dtype_shape_and_special_values():
    x = np.array([[0.0, np.inf], [np.nan, 2.0]], dtype=np.float32)
    out = libm.power(x, -1.0)
    assert out.dtype == np.float32 and out.shape == (2, 2)
    assert out[0, 0] == np.inf and out[0, 1] == 0 and np.isnan(out[1, 0]) and out[1, 1] == 0.5
    big = libm.power(np.array([1e30], np.float32), 3.0)
    assert big[0] == np.inf
