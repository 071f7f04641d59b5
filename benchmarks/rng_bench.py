"""Time 1e6-element randn (float32, float64) in reference._random against torch, same run.

Usage: python benchmarks/rng_bench.py [--n 1000000] [--repeat 7]
Reports the best of `repeat` runs for each side and the ratio ours / torch.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import torch  # noqa: E402

from reference import _random  # noqa: E402


def best_time(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
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
            ours = best_time(lambda: gen.normal(args.n, dt), args.repeat)
            theirs = best_time(lambda: torch.randn(args.n, dtype=tdt), args.repeat)
        else:
            ours = best_time(lambda: gen.uniform(args.n, dt), args.repeat)
            theirs = best_time(lambda: torch.rand(args.n, dtype=tdt), args.repeat)
        print(f"{name:5s} {dt:7s}  reference {ours * 1e3:8.2f} ms   torch {theirs * 1e3:8.2f} ms   "
              f"ratio {ours / theirs:5.2f}x")


if __name__ == "__main__":
    main()
