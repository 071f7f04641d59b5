"""Sweep reference._random against torch's CPU generator and print mismatch counts.

What it sweeps (defaults):
  * seeds 0..100 (all of them);
  * sizes: every n in 1..64, then 65..10000 with stride 17 (17 is coprime with 16, so
    every n % 16 residue recurs), plus 10000 itself;
  * for each (seed, size), from one manual_seed, in this order: rand f32/f64,
    uniform_(-2.5, 3.25) f32/f64, randn f32/f64, normal_(2, 3) f32/f64, randint(-5, 100),
    randint(0, 2**40), non-contiguous normal_(1.5, 2) f32/f64 (a [::2] view), and finally
    the 5056-byte state; the cached normal carries across these calls as in torch.
  * the AVX2 domain check (skip with --no-verify-avx2-domain): runs the AVX2 float32
    log/sincos lanes over all 2**24 possible float32 uniforms twice, the fast NumPy
    version (double-rounded fma) against the faithful one (exact fma emulation), and
    counts lanes that differ; the fast kernel is only valid while this is 0.

The code path follows the torch being run: `ATEN_CPU_CAPABILITY=default python
scripts/rng_sweep.py --max-size 300` sweeps the DEFAULT build (its float32 normals call
libm once per element, so keep sizes small). Exit status 1 if anything differs.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from reference import _random  # noqa: E402
from reference.rng import avx2_math, capability  # noqa: E402


def sizes(stride, max_size=10000):
    out = list(range(1, 65)) + list(range(65, max_size + 1, stride))
    return sorted(set(n for n in out + [max_size] if n <= max_size))


def cases(gen, n):
    """(name, ours, torch) thunks in one fixed order per seed."""
    f32, f64 = torch.float32, torch.float64
    return [
        ("rand f32", lambda: gen.uniform(n, "float32"), lambda: torch.rand(n, dtype=f32)),
        ("rand f64", lambda: gen.uniform(n, "float64"), lambda: torch.rand(n, dtype=f64)),
        ("uniform_ f32", lambda: gen.uniform(n, "float32", -2.5, 3.25),
         lambda: torch.empty(n, dtype=f32).uniform_(-2.5, 3.25)),
        ("uniform_ f64", lambda: gen.uniform(n, "float64", -2.5, 3.25),
         lambda: torch.empty(n, dtype=f64).uniform_(-2.5, 3.25)),
        ("randn f32", lambda: gen.normal(n, "float32"), lambda: torch.randn(n, dtype=f32)),
        ("randn f64", lambda: gen.normal(n, "float64"), lambda: torch.randn(n, dtype=f64)),
        ("normal_ f32", lambda: gen.normal(n, "float32", 2.0, 3.0),
         lambda: torch.empty(n, dtype=f32).normal_(2.0, 3.0)),
        ("normal_ f64", lambda: gen.normal(n, "float64", 2.0, 3.0),
         lambda: torch.empty(n, dtype=f64).normal_(2.0, 3.0)),
        ("randint small", lambda: gen.randint(n, -5, 100), lambda: torch.randint(-5, 100, (n,))),
        ("randint 2^40", lambda: gen.randint(n, 0, 2**40), lambda: torch.randint(0, 2**40, (n,))),
        ("noncontig normal_ f32", lambda: gen.normal(n, "float32", 1.5, 2.0, contiguous=False),
         lambda: torch.empty(2 * n, dtype=f32)[::2].normal_(1.5, 2.0)),
        ("noncontig normal_ f64", lambda: gen.normal(n, "float64", 1.5, 2.0, contiguous=False),
         lambda: torch.empty(2 * n, dtype=f64)[::2].normal_(1.5, 2.0)),
        ("state bytes", gen.get_state, lambda: torch.get_rng_state()),
    ]


def ulps(a, b):
    """Largest distance in units in the last place between two float arrays."""
    ints = {4: np.int32, 8: np.int64}[a.dtype.itemsize]
    ia, ib = a.view(ints).astype(np.int64), b.view(ints).astype(np.int64)
    ia = np.where(ia < 0, np.iinfo(ints).min - ia, ia)   # order the bit patterns like the floats
    ib = np.where(ib < 0, np.iinfo(ints).min - ib, ib)
    return int(np.max(np.abs(ia - ib)))


def sweep(seeds, size_list):
    gen = _random.Generator()
    stats = {}
    t0 = time.time()
    for seed in seeds:
        if seed % 10 == 0:
            print(f"  seed {seed} ({time.time() - t0:.0f} s)", flush=True)
        for n in size_list:
            gen.manual_seed(seed)
            torch.manual_seed(seed)
            for name, ours_fn, torch_fn in cases(gen, n):
                ours = ours_fn()
                theirs = torch_fn().contiguous().numpy().reshape(-1)
                st = stats.setdefault(name, {"elements": 0, "bad": 0, "max_ulp": 0, "calls": 0})
                st["calls"] += 1
                st["elements"] += theirs.size
                word = np.dtype(f"u{theirs.dtype.itemsize}")
                bad = int(np.count_nonzero(ours.view(word) != theirs.view(word)))
                st["bad"] += bad
                if bad and ours.dtype.kind == "f":
                    st["max_ulp"] = max(st["max_ulp"], ulps(ours, theirs))
                if bad and st["bad"] == bad:
                    print(f"  first mismatch: {name} seed={seed} n={n}: {bad} elements", flush=True)
    return stats


def verify_avx2_domain():
    """Fast vs faithful AVX2 lanes over every float32 uniform torch can feed them."""
    bad = 0
    step = 1 << 21
    for start in range(0, 1 << 24, step):
        u = np.arange(start, start + step, dtype=np.uint32).astype(np.float32) * np.float32(2.0 ** -24)
        u1 = np.float32(1.0) - u
        theta = avx2_math._TWO_PI * u
        bad += int(np.count_nonzero(avx2_math.log_fast(u1).view(np.uint32)
                                    != avx2_math.log_ps(u1).view(np.uint32)))
        for fast, exact in zip(avx2_math.sincos_fast(theta), avx2_math.sincos_ps(theta)):
            bad += int(np.count_nonzero(fast.view(np.uint32) != exact.view(np.uint32)))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=101, help="sweep seeds 0..SEEDS-1 (default 101)")
    ap.add_argument("--stride", type=int, default=17, help="size stride above 64 (default 17)")
    ap.add_argument("--max-size", type=int, default=10000, help="largest size (default 10000)")
    ap.add_argument("--no-verify-avx2-domain", action="store_true")
    args = ap.parse_args()
    cap = torch.backends.cpu.get_cpu_capability().lower()
    capability.set_cpu_capability(cap)
    size_list = sizes(args.stride, args.max_size)
    print(f"torch {torch.__version__}, capability {cap}; seeds 0..{args.seeds - 1}; "
          f"{len(size_list)} sizes (1..64 all, then stride {args.stride} to {args.max_size})", flush=True)
    failed = False
    if not args.no_verify_avx2_domain:
        t0 = time.time()
        bad = verify_avx2_domain()
        failed |= bad != 0
        print(f"AVX2 log/sincos over all 2^24 uniforms, fast vs faithful: {bad} differing lanes "
              f"({time.time() - t0:.1f} s)", flush=True)
    t0 = time.time()
    stats = sweep(range(args.seeds), size_list)
    print(f"{'case':24s} {'calls':>7s} {'elements':>11s} {'mismatched':>10s} {'max ulp':>8s}")
    for name, st in stats.items():
        failed |= st["bad"] != 0
        print(f"{name:24s} {st['calls']:7d} {st['elements']:11d} {st['bad']:10d} {st['max_ulp']:8d}")
    print(f"sweep time {time.time() - t0:.1f} s; {'MISMATCHES FOUND' if failed else 'all bit-exact'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
