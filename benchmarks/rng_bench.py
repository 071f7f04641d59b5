"""Time 1e6-element randn (float32, float64) in reference._random against torch, same run.

Usage: python benchmarks/rng_bench.py [--n 1000000] [--repeat 15] [--breakdown]
Runs ours and torch alternately, `repeat` rounds, and reports the best wall time and the
best CPU time (process_time, steadier on a shared machine) of each, with ratios.
--breakdown also splits our float32 randn into drawing the uniforms and the AVX2
Box-Muller transform (scalar-path numbers are not split).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402

from reference import _random  # noqa: E402
from reference.rng import avx2_math, kernels, mt19937  # noqa: E402


def best_times(fns, repeat):
    """Alternate the callables `repeat` times; best (wall, cpu) seconds for each."""
    best = [[float("inf"), float("inf")] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            best[i][0] = min(best[i][0], time.perf_counter() - w0)
            best[i][1] = min(best[i][1], time.process_time() - c0)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--breakdown", action="store_true", help="split float32 randn into draws and transform")
    args = ap.parse_args()
    torch.set_num_threads(1)   # torch's RNG kernels are serial anyway; keep the comparison fair
    gen = _random.Generator().manual_seed(0)
    torch.manual_seed(0)
    print(f"n={args.n}  torch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()})  "
          f"reference path: {_random.get_cpu_capability()}")
    cases = [("randn", "float32", torch.float32), ("randn", "float64", torch.float64),
             ("rand", "float32", torch.float32), ("rand", "float64", torch.float64)]
    for name, dt, tdt in cases:
        if name == "randn":
            fns = [lambda: gen.normal(args.n, dt), lambda: torch.randn(args.n, dtype=tdt)]
        else:
            fns = [lambda: gen.uniform(args.n, dt), lambda: torch.rand(args.n, dtype=tdt)]
        (ow, oc), (tw, tc) = best_times(fns, args.repeat)
        print(f"{name:5s} {dt:7s}  wall: reference {ow * 1e3:7.2f} ms, torch {tw * 1e3:6.2f} ms, "
              f"ratio {ow / tw:5.2f}x   cpu: reference {oc * 1e3:7.2f} ms, torch {tc * 1e3:6.2f} ms, "
              f"ratio {oc / tc:5.2f}x")
    if args.breakdown:
        breakdown(args.n, args.repeat)


def breakdown(n, repeat):
    """CPU time of the two halves of a float32 randn: uniforms, then Box-Muller on them."""
    engine = mt19937.MT19937(0)
    blocks = kernels.unit_float32(engine, n // 16 * 16).reshape(-1, 16)
    fns = [lambda: kernels.unit_float32(engine, n),
           lambda: avx2_math.box_muller16(blocks, 0.0, 1.0)]
    (_, draw), (_, transform) = best_times(fns, repeat)
    print(f"randn float32 breakdown (cpu): uniforms {draw * 1e3:.2f} ms, "
          f"AVX2 Box-Muller {transform * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
