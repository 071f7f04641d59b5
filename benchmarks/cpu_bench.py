"""CPU latency of the reference against torch, measured in the same run (a script, not a test).

    python benchmarks/cpu_bench.py [--quick]

Prints a markdown table: best-of-N time per call for torch and for the reference, and their ratio
(reference / torch; below 1.0 means the reference is faster). Runs alternate between the two libraries
so that machine noise hits both alike. Each library's time is its best round of 21 (5 with --quick): on a
shared 2-core machine a 1 µs call is slowed for seconds at a time, and with 7 rounds the 3x3 add's ratio moved
between 0.95 and 1.04 from run to run; the best of more rounds comes closer to each library's own floor.
"""
import argparse
import os
import platform
import sys
import timeit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy  # noqa: E402
import torch  # noqa: E402

import reference  # noqa: E402


def case_add(m):
    a, b = m.rand(3, 3), m.rand(3, 3)
    return lambda: a + b


def case_mul(m):
    a, b = m.rand(3, 3), m.rand(3, 3)
    return lambda: a * b


def case_autograd(m):
    def run():
        x = m.ones(4, 3, requires_grad=True)
        y = x + 5
        z = y * y * 5
        out = z.mean()
        out.backward()
    return run


def case_small_reductions(m):
    x = m.rand(4, 3)
    return lambda: (x.sum(), x.mean(0), x.norm())


def case_big_sum(m):
    x = m.rand(1024 * 1024)
    return lambda: x.sum()


def case_big_add(m):
    n = 16 * 1024 * 1024
    a, b = m.rand(n), m.rand(n)
    return lambda: a + b


CASES = [
    ("3x3 float32 add", case_add, 20000, "µs"),
    ("3x3 float32 mul", case_mul, 20000, "µs"),
    ("tutorial autograd example (ones(4,3) +5, y*y*5, mean, backward)", case_autograd, 1000, "µs"),
    ("add of two 16M-element float32 tensors", case_big_add, 3, "ms"),
    # reductions sum in torch's order to match its bits (reference/kernels/accumulate.py); that costs time
    ("sum(), mean(0) and norm() of a 4x3 float32 tensor", case_small_reductions, 2000, "µs"),
    ("sum of a 1M-element float32 tensor", case_big_sum, 20, "ms"),
]


def best(fn, number, rounds):
    return min(timeit.repeat(fn, number=number, repeat=rounds)) / number


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier)")
    args = parser.parse_args()
    rounds = 5 if args.quick else 21
    torch.set_num_threads(torch.get_num_threads())
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; python "
          f"{platform.python_version()}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"numpy {numpy.__version__}\n")
    print("| case | torch | reference | reference / torch |")
    print("|---|---:|---:|---:|")
    for label, make, number, unit in CASES:
        scale = 1e6 if unit == "µs" else 1e3
        fns = {"torch": make(torch), "reference": make(reference)}
        times = {"torch": [], "reference": []}
        for _ in range(rounds):  # interleave so that load spikes hit both
            for name, fn in fns.items():
                times[name].append(best(fn, number, 1))
        t, r = min(times["torch"]) * scale, min(times["reference"]) * scale
        print(f"| {label} | {t:.2f} {unit} | {r:.2f} {unit} | {r / t:.2f} |")


if __name__ == "__main__":
    main()
