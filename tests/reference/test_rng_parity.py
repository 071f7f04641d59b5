"""reference._random reproduces torch's CPU random streams bit for bit (torch is the oracle)."""
import json
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import torch

from reference import _random
from reference.rng import avx2_math, capability
from reference.rng.fma import fma32, fma64

SEEDS = [0, 1, 17, 42, 99, 100]
SIZES = [1, 2, 15, 16, 17, 31, 32, 33, 100, 1000, 1001, 10000]
DTYPES = [("float32", torch.float32), ("float64", torch.float64)]


def same_bits(ours, theirs):
    theirs = theirs.detach().contiguous().numpy().reshape(-1)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert ours.tobytes() == theirs.tobytes(), _first_difference(ours, theirs)


def _first_difference(ours, theirs):
    i = int(np.flatnonzero(ours != theirs)[0]) if (ours != theirs).any() else -1
    return f"{np.count_nonzero(ours != theirs)} of {ours.size} differ; first at {i}: {ours[i]!r} vs {theirs[i]!r}"


@pytest.fixture
def gen():
    return _random.Generator()


@pytest.fixture(autouse=True)
def _native_capability():
    # Parity with the torch in this process needs the path torch itself takes here.
    capability.set_cpu_capability(torch.backends.cpu.get_cpu_capability().lower())
    yield
    capability.set_cpu_capability(None)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dt,tdt", DTYPES)
def test_rand_uniform_randn_normal(gen, seed, dt, tdt):
    for n in SIZES:
        torch.manual_seed(seed)
        gen.manual_seed(seed)
        same_bits(gen.uniform(n, dt), torch.rand(n, dtype=tdt))
        same_bits(gen.uniform(n, dt, -2.5, 3.25), torch.empty(n, dtype=tdt).uniform_(-2.5, 3.25))
        same_bits(gen.uniform(n, dt, 1e-3, 7.0), torch.empty(n, dtype=tdt).uniform_(1e-3, 7.0))
        same_bits(gen.normal(n, dt), torch.randn(n, dtype=tdt))
        same_bits(gen.normal(n, dt, 2.0, 3.0), torch.empty(n, dtype=tdt).normal_(2.0, 3.0))
        same_bits(gen.normal(n, dt, -0.7, 0.01), torch.empty(n, dtype=tdt).normal_(-0.7, 0.01))
        same_bits(gen.get_state(), torch.get_rng_state())


@pytest.mark.parametrize("seed", SEEDS)
def test_randint_small_and_64bit_ranges(gen, seed):
    for n in SIZES:
        torch.manual_seed(seed)
        gen.manual_seed(seed)
        for low, high in [(0, 2), (-5, 100), (0, 2**28 - 1), (0, 2**28), (-2**40, 2**40), (-2**63, 2**63 - 1)]:
            same_bits(gen.randint(n, low, high), torch.randint(low, high, (n,)))


def test_randperm_small_sizes(gen):
    for seed in SEEDS:
        for n in [0, 1, 2, 3, 10, 100, 5000]:
            torch.manual_seed(seed)
            gen.manual_seed(seed)
            same_bits(gen.randperm(n), torch.randperm(n))


@pytest.mark.parametrize("dt,tdt", DTYPES)
def test_non_contiguous_normal_uses_per_element_path(gen, dt, tdt):
    for seed in SEEDS[:3]:
        for n in [1, 16, 17, 100, 1001]:
            torch.manual_seed(seed)
            gen.manual_seed(seed)
            view = torch.empty(2 * n, dtype=tdt)[::2]
            same_bits(gen.normal(n, dt, 1.5, 2.0, contiguous=False), view.normal_(1.5, 2.0))
            same_bits(gen.get_state(), torch.get_rng_state())


def test_non_contiguous_draws_fill_memory_order(gen):
    # torch's TensorIterator visits a transposed tensor in memory order, so our flat
    # stream lines up with the transpose's storage, not its logical order.
    torch.manual_seed(8)
    gen.manual_seed(8)
    t = torch.empty(5, 8).t().normal_(0.0, 2.0)
    same_bits(gen.normal(40, "float32", 0.0, 2.0, contiguous=False), t.t())
    t = torch.empty(3, 4, dtype=torch.float64).t().uniform_(-1.0, 1.0)
    same_bits(gen.uniform(12, "float64", -1.0, 1.0), t.t())


def test_mixed_sequence_carries_cached_normal(gen):
    # Odd per-element normal draws leave a cached sine that later calls consume first.
    torch.manual_seed(3)
    gen.manual_seed(3)
    steps = [("n", 3, "float64"), ("u", 5, "float32"), ("n", 1, "float32"), ("n", 20, "float32"),
             ("n", 7, "float32"), ("i", 9, None), ("n", 15, "float64"), ("n", 2, "float32"),
             ("u", 33, "float64"), ("n", 5, "float64")]
    for kind, n, dt in steps:
        tdt = getattr(torch, dt) if dt else None
        if kind == "n":
            same_bits(gen.normal(n, dt, 0.5, 2.0), torch.empty(n, dtype=tdt).normal_(0.5, 2.0))
        elif kind == "u":
            same_bits(gen.uniform(n, dt), torch.rand(n, dtype=tdt))
        else:
            same_bits(gen.randint(n, 0, 10), torch.randint(0, 10, (n,)))
        same_bits(gen.get_state(), torch.get_rng_state())


def test_state_round_trips_both_ways(gen):
    torch.manual_seed(12)                         # freshly seeded: left=1, next=0
    gen.set_state(torch.get_rng_state())
    same_bits(gen.get_state(), torch.get_rng_state())
    same_bits(gen.uniform(624, "float32"), torch.rand(624))   # ends exactly on a twist
    gen.set_state(torch.get_rng_state())
    same_bits(gen.get_state(), torch.get_rng_state())
    same_bits(gen.uniform(5, "float64"), torch.rand(5, dtype=torch.float64))
    torch.manual_seed(11)
    torch.randn(3, dtype=torch.float64)          # leaves a cached normal in the state
    gen.set_state(torch.get_rng_state().numpy())
    same_bits(gen.get_state(), torch.get_rng_state())
    same_bits(gen.normal(5, "float32"), torch.randn(5))
    same_bits(gen.uniform(700, "float64"), torch.rand(700, dtype=torch.float64))
    ours = gen.get_state()
    torch.set_rng_state(torch.from_numpy(ours.copy()))
    same_bits(gen.normal(100, "float32"), torch.randn(100))
    same_bits(gen.get_state(), torch.get_rng_state())


def test_state_with_unusual_counters_continues_torch_stream(gen):
    torch.manual_seed(5)
    torch.rand(10)
    st = torch.get_rng_state().numpy().copy()
    st[8:12] = np.frombuffer(np.int32(5).tobytes(), np.uint8)     # left = 5
    st[16:24] = np.frombuffer(np.uint64(100).tobytes(), np.uint8)  # next = 100
    torch.set_rng_state(torch.from_numpy(st.copy()))
    gen.set_state(st)
    for n in [2, 1, 3, 700]:
        same_bits(gen.uniform(n, "float32"), torch.rand(n))
        same_bits(gen.get_state(), torch.get_rng_state())


def test_module_level_default_generator():
    _random.manual_seed(123)
    torch.manual_seed(123)
    assert _random.initial_seed() == torch.initial_seed() == 123
    same_bits(_random.get_rng_state(), torch.get_rng_state())
    same_bits(_random.default_generator.normal(4, "float32"), torch.randn(4))
    _random.set_rng_state(torch.get_rng_state().numpy())
    same_bits(_random.default_generator.uniform(3, "float64"), torch.rand(3, dtype=torch.float64))
    s = _random.seed()
    assert _random.initial_seed() == s


def test_seeds_wrap_like_torch(gen):
    for s in [-1, 2**63, 2**64 - 1, 2**32 + 7]:
        torch.manual_seed(s)
        gen.manual_seed(s)
        assert gen.initial_seed() == torch.initial_seed()
        same_bits(gen.uniform(3, "float32"), torch.rand(3))
    with pytest.raises(ValueError):
        gen.manual_seed(2**64)
    assert torch.Generator().initial_seed() == _random.Generator().initial_seed()


def test_bad_states_raise_torch_errors(gen):
    good = torch.get_rng_state().numpy()
    with pytest.raises(RuntimeError, match="size"):
        gen.set_state(good[:-1])
    with pytest.raises(TypeError):
        gen.set_state(good.astype(np.float32))
    bad = good.copy()
    bad[8:12] = 0                                  # left = 0 is invalid for torch too
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        torch.set_rng_state(torch.from_numpy(bad.copy()))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        gen.set_state(bad)


def test_bad_arguments_raise(gen):
    with pytest.raises(RuntimeError):
        gen.randint(3, 5, 5)
    with pytest.raises(RuntimeError):
        gen.normal(3, "float32", 0.0, -1.0)
    with pytest.raises(TypeError):
        gen.uniform(3, "int64")


_DEFAULT_TORCH = r"""
import json, sys, torch
out = {"cap": torch.backends.cpu.get_cpu_capability()}
for seed, n, mean, std in json.loads(sys.argv[1]):
    torch.manual_seed(seed)
    t = torch.empty(n).normal_(mean, std)
    u = torch.empty(n).uniform_(-2.5, 3.25)
    d = torch.empty(n, dtype=torch.float64).normal_(mean, std)
    out[f"{seed},{n},{mean},{std}"] = [t.numpy().tobytes().hex(), u.numpy().tobytes().hex(), d.numpy().tobytes().hex()]
print(json.dumps(out))
"""


def test_default_capability_path_matches_torch_default_build(gen):
    cases = [(s, n, m, sd) for s in (0, 7) for n in (15, 16, 17, 33, 1000) for m, sd in ((0.0, 1.0), (2.0, 3.0))]
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
    proc = subprocess.run([sys.executable, "-c", _DEFAULT_TORCH, json.dumps(cases)], env=env,
                          capture_output=True, text=True, check=True, timeout=120)
    want = json.loads(proc.stdout.strip().splitlines()[-1])
    assert want["cap"] == "DEFAULT"
    capability.set_cpu_capability("default")
    for s, n, m, sd in cases:
        gen.manual_seed(s)
        got = [gen.normal(n, "float32", m, sd), gen.uniform(n, "float32", -2.5, 3.25),
               gen.normal(n, "float64", m, sd)]
        for ours, theirs in zip(got, want[f"{s},{n},{m},{sd}"]):
            assert ours.tobytes().hex() == theirs, (s, n, m, sd, ours.dtype)


def test_capability_follows_env(monkeypatch):
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "default")
    assert capability.detect() == "default"
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "bogus")
    assert capability.detect() in capability.CAPABILITIES
    with pytest.raises(ValueError):
        capability.set_cpu_capability("sse9")


def test_fast_avx2_lanes_equal_faithful_ones_on_a_domain_sample():
    # scripts/rng_sweep.py checks all 2^24 float32 uniforms; a strided sample stays fast here.
    k = np.concatenate([np.arange(0, 1 << 24, 61), np.arange(0, 4096), (1 << 24) - 1 - np.arange(4096)])
    u = k.astype(np.uint32).astype(np.float32) * np.float32(2.0 ** -24)
    u1, theta = np.float32(1.0) - u, avx2_math._TWO_PI * u
    assert avx2_math.log_fast(u1).tobytes() == avx2_math.log_ps(u1).tobytes()
    for fast, faithful in zip(avx2_math.sincos_fast(theta), avx2_math.sincos_ps(theta)):
        assert fast.tobytes() == faithful.tobytes()


def _exact_fma(a, b, c, to):
    return to(float(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))))


def test_fma_emulation_is_correctly_rounded():
    rng = np.random.default_rng(0)
    a64 = rng.standard_normal(3000) * np.exp2(rng.integers(-30, 30, 3000))
    b64 = rng.standard_normal(3000)
    c64 = -a64 * b64 * (1 + rng.standard_normal(3000) * 1e-9)   # heavy cancellation
    c64[::3] = rng.standard_normal(1000)
    got = fma64(a64, b64, c64)
    want = np.array([_exact_fma(a, b, c, float) for a, b, c in zip(a64, b64, c64)])
    assert got.tobytes() == want.tobytes()
    # float32: include cases whose double sum lands exactly on a float32 midpoint.
    a32, b32 = a64.astype(np.float32), b64.astype(np.float32)
    c32 = c64.astype(np.float32)
    # (1 + 2^-12)^2 is exactly a float32 midpoint; +-2^-60 vanishes in the double sum.
    a32[:4] = [1 + 2.0 ** -12, 1 + 2.0 ** -12, 3.0, 1 + 2.0 ** -12]
    b32[:4] = [1 + 2.0 ** -12, 1 + 2.0 ** -12, 2.0 ** -40, -(1 + 2.0 ** -12)]
    c32[:4] = [2.0 ** -60, -2.0 ** -60, 1.0, -2.0 ** -60]
    got32 = fma32(a32, b32, c32)
    want32 = np.array([_round_f32(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c)))
                       for a, b, c in zip(a32, b32, c32)], dtype=np.float32)
    assert (got32[:4] != (a32[:4].astype(np.float64) * b32[:4] + c32[:4]).astype(np.float32)).sum() == 2  # naive double rounding fails the two ties that should round away
    assert got32.tobytes() == want32.tobytes()


def _round_f32(q):
    """Correctly round a rational to float32 (ties to even) via exact comparison."""
    x = np.float32(float(q))                 # within one float32 ulp of the answer
    best = x
    for cand in (np.nextafter(x, np.float32(-np.inf)), x, np.nextafter(x, np.float32(np.inf))):
        d, bd = abs(Fraction(float(cand)) - q), abs(Fraction(float(best)) - q)
        if d < bd or (d == bd and int(cand.view(np.uint32)) % 2 == 0):
            best = cand
    return best
