"""Time 1e6-element randn (float32, float64) in reference._random against torch, same run.

Usage: python benchmarks/rng_bench.py [--n 1000000] [--repeat 15]
Runs ours and torch alternately, `repeat` rounds, and reports the best wall time and the
best CPU time (process_time, steadier on a shared machine) of each, with ratios.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402

from reference import _random  # noqa: E402


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

if __name__ == "__main__":
    main()
