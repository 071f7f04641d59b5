"""GPU benchmark: the reference's CuPy path vs torch.cuda, measured in the same run on the same card.

    python benchmarks/gpu_bench.py

Rows: add on 2^28 float32 (bytes moved per second: two reads and one write), 8192x8192 float32
matmul (TFLOP/s), 3x3 add latency, and the tutorial's autograd example. Every timing is the best
of several repeats, each repeat synchronised, so launch queues do not flatter either side.
Prints a markdown table with the card's name; exits 0 with a note when no GPU or CuPy exists.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def best(fn, sync, repeat=7, number=1):
    """Best wall time of `number` calls, synchronised before and after."""
    times = []
    for _ in range(repeat):
        sync()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        sync()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def main() -> int:
    import torch
    import reference

    if not torch.cuda.is_available() or not reference.cuda.is_available():
        print(f"no GPU benchmark: torch.cuda {torch.cuda.is_available()}, reference.cuda {reference.cuda.is_available()}")
        return 0
    sync_t, sync_r = torch.cuda.synchronize, reference.cuda.synchronize
    rows = []

    n = 1 << 28
    a_t, b_t = torch.rand(n, device="cuda"), torch.rand(n, device="cuda")
    a_r, b_r = reference.rand(n, device="cuda"), reference.rand(n, device="cuda")
    moved = 3 * 4 * n
    t_t = best(lambda: a_t + b_t, sync_t)
    t_r = best(lambda: a_r + b_r, sync_r)
    rows.append(("add 2^28 float32", f"{moved / t_t / 1e12:.2f} TB/s", f"{moved / t_r / 1e12:.2f} TB/s", t_t / t_r))
    # Plain CuPy on the same arrays: what the vectorised kernel has to beat.
    import cupy
    x_c, y_c = cupy.from_dlpack(a_r), cupy.from_dlpack(b_r)
    t_c = best(lambda: cupy.add(x_c, y_c), sync_r)
    rows.append(("add 2^28 float32, plain cupy.add", f"{moved / t_t / 1e12:.2f} TB/s", f"{moved / t_c / 1e12:.2f} TB/s",
                 t_t / t_c))
    from reference._cuda_kernels import UNROLL, UNROLLS, BinaryKernels
    for unroll in UNROLLS:  # the vectorised kernel alone, at each unroll (the reference uses UNROLL)
        kernels = BinaryKernels(cupy, unroll)
        t_k = best(lambda: kernels(np.add, x_c, y_c), sync_r)
        rows.append((f"add 2^28 float32, kernel alone, unroll {unroll}{' (used)' if unroll == UNROLL else ''}",
                     f"{moved / t_t / 1e12:.2f} TB/s", f"{moved / t_k / 1e12:.2f} TB/s", t_t / t_k))
    del a_t, b_t, a_r, b_r, x_c, y_c

    m = 8192
    x_t, y_t = torch.rand(m, m, device="cuda"), torch.rand(m, m, device="cuda")
    x_r, y_r = reference.rand(m, m, device="cuda"), reference.rand(m, m, device="cuda")
    flops = 2 * m ** 3
    t_t = best(lambda: x_t @ y_t, sync_t, repeat=5)
    t_r = best(lambda: x_r @ y_r, sync_r, repeat=5)
    rows.append(("matmul 8192^2 float32", f"{flops / t_t / 1e12:.1f} TFLOP/s", f"{flops / t_r / 1e12:.1f} TFLOP/s", t_t / t_r))
    del x_t, y_t, x_r, y_r

    s_t, s_r = torch.rand(3, 3, device="cuda"), reference.rand(3, 3, device="cuda")
    t_t = best(lambda: s_t + s_t, sync_t, repeat=9, number=2000)
    t_r = best(lambda: s_r + s_r, sync_r, repeat=9, number=2000)
    rows.append(("3x3 add latency", f"{t_t * 1e6:.1f} µs", f"{t_r * 1e6:.1f} µs", t_t / t_r))
    x_c = cupy.from_dlpack(s_r)
    t_c = best(lambda: cupy.add(x_c, x_c), sync_r, repeat=9, number=2000)
    rows.append(("3x3 add latency, plain cupy.add", f"{t_t * 1e6:.1f} µs", f"{t_c * 1e6:.1f} µs", t_t / t_c))
    kernels = reference._device.backend_for("cuda").binary
    t_k = best(lambda: kernels(np.add, x_c, x_c), sync_r, repeat=9, number=2000)
    rows.append(("3x3 add latency, kernel alone", f"{t_t * 1e6:.1f} µs", f"{t_k * 1e6:.1f} µs", t_t / t_k))

    def tutorial(mod):
        x = mod.ones(4, 3, device="cuda", requires_grad=True)
        y = x + 5
        out = (y * y * 5).mean()
        out.backward()
        return x.grad

    t_t = best(lambda: tutorial(torch), sync_t, repeat=9, number=200)
    t_r = best(lambda: tutorial(reference), sync_r, repeat=9, number=200)
    rows.append(("tutorial autograd example", f"{t_t * 1e6:.0f} µs", f"{t_r * 1e6:.0f} µs", t_t / t_r))

    status = reference._device.backend_for("cuda").binary.status
    print(f"GPU: {torch.cuda.get_device_name(0)}; torch {torch.__version__}; cupy {cupy.__version__}; "
          f"vectorised binary kernels: {status}\n")
    # Issue 6's targets, as reference speed / torch speed (the 3x3 latency may be at most 2x torch's).
    targets = {"add 2^28 float32": 0.95, "matmul 8192^2 float32": 0.98, "3x3 add latency": 0.5}
    print("| benchmark | torch.cuda | reference (CuPy) | reference speed vs torch | target |\n|---|---|---|---|---|")
    for name, t, r, ratio in rows:
        goal = targets.get(name)
        verdict = "" if goal is None else f">= {goal:.2f}x: {'met' if ratio >= goal else 'MISSED'}"
        print(f"| {name} | {t} | {r} | {ratio:.2f}x | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
