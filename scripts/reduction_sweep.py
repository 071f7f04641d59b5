"""Sweep float16/float32/float64 sum, mean and norm of the reference against torch's CPU results, bit for bit.

What one seed sweeps (each case in float16, float32 and float64, through the public API of both modules):
  * 1-D: every size in 1..300, then primes, powers of two and their neighbours up to --max-size,
    plus 40 random sizes up to --max-size; full sum/mean/norm and dim=0 with keepdim;
  * p-norms for every p in NORM_PS (2 is `norm()`), labelled norm[p=...], over the same dims as norm;
  * 2-D: the tutorial's shapes and 30 random (m, n) up to 200 x 200, contiguous, transposed and
    column-sliced; every dim, (0, 1), keepdim, and norm over each dim;
  * 3-D: 10 random shapes, contiguous and permuted; every single dim and every pair;
  * 0-dim and empty inputs;
  * with --big: sizes above ATen's GRAIN_SIZE (32768), where torch splits the work between threads.
Values mix normal, uniform [0, 1) (as torch.rand), and magnitudes spread over 12 decades (6 in float16);
float16 also gets cancelling large values mixed with small ones.
Prints the cases and the mismatches per (op, dtype); exit status 1 if anything differs.

    python scripts/reduction_sweep.py --seeds 20 [--first-seed 0] [--max-size 5000] [--big]
"""
import argparse
import itertools
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import reference  # noqa: E402

TUTORIAL_SHAPES = [(2, 2), (3, 3), (4, 3), (4, 4), (5, 3), (2, 8), (1, 16)]
BIG_SIZES = [32767, 32768, 40000, 65537, 100003]
NORM_PS = [1, 3, 0.5, -1, 2.5, -0.5, 0, float("inf"), float("-inf")]
DTYPES = (np.float16, np.float32, np.float64)


def _primes(limit):
    sieve = np.ones(limit + 1, bool)
    sieve[:2] = False
    for i in range(2, int(limit ** 0.5) + 1):
        sieve[i * i::i] = False
    return list(np.nonzero(sieve)[0])


def sizes_1d(rng, max_size):
    """Every size up to 300, the primes and powers of two (and their neighbours) above, some random ones."""
    out = set(range(1, 301))
    out.update(p for p in _primes(max_size) if p > 300 and (p < 1000 or p % 7 == 0 or rng.random() < 0.05))
    for k in range(9, max_size.bit_length() + 1):
        out.update((2 ** k - 1, 2 ** k, 2 ** k + 1))
    out.update(int(n) for n in rng.integers(1, max_size + 1, 40))
    return sorted(n for n in out if n <= max_size)


def values(rng, shape, dtype):
    """One of three value regimes (four in float16), chosen per case."""
    kind = rng.integers(4 if dtype == np.float16 else 3)
    if kind == 3:
        # float16 sums in float: large values that cancel and small ones make float's rounding visible in float16
        big = rng.choice([-1.0, 1.0], shape) * rng.integers(1, 64, shape) * 512.0
        a = np.where(rng.random(shape) < 0.5, big, rng.standard_normal(shape) * 2.0 ** rng.integers(-14, -4, shape))
    elif kind == 0:
        a = rng.standard_normal(shape)
    elif kind == 1:
        a = rng.random(shape)
    else:
        decades = 3 if dtype == np.float16 else 6      # float16 overflows at 65504
        a = rng.standard_normal(shape) * 10.0 ** rng.uniform(-decades, decades, shape)
    return np.ascontiguousarray(a, dtype=dtype)


def _calls(ndim):
    """(label, fn(module, x)) for the reductions over an ndim-dimensional input."""
    out = [("sum()", lambda m, x: x.sum()), ("mean()", lambda m, x: x.mean()),
           ("norm()", lambda m, x: x.norm()), ("torch.sum", lambda m, x: m.sum(x))]
    dim_sets = [(d,) for d in range(ndim)] + list(itertools.combinations(range(ndim), 2))
    for dims in dim_sets:
        dim = dims[0] if len(dims) == 1 else dims
        for keep in (False, True):
            out.append((f"sum({dim}, keepdim={keep})", lambda m, x, d=dim, k=keep: x.sum(d, keepdim=k)))
            out.append((f"mean({dim}, keepdim={keep})", lambda m, x, d=dim, k=keep: x.mean(d, keepdim=k)))
            out.append((f"norm(dim={dim}, keepdim={keep})",
                        lambda m, x, d=dim, k=keep: x.norm(dim=d, keepdim=k)))
    return out


def _pnorm_calls(ndim, ps=NORM_PS):
    """(label, fn(module, x)) for the p-norms: all elements, then each dim set of _calls, with and without keepdim."""
    dim_sets = [(d,) for d in range(ndim)] + list(itertools.combinations(range(ndim), 2))
    out = []
    for p in ps:
        out.append((f"norm[p={p}]()", lambda m, x, p=p: x.norm(p)))
        for dims in dim_sets:
            dim = dims[0] if len(dims) == 1 else dims
            for keep in (False, True):
                out.append((f"norm[p={p}](dim={dim}, keepdim={keep})",
                            lambda m, x, p=p, d=dim, k=keep: x.norm(p, dim=d, keepdim=k)))
    return out


def _layouts(a):
    """(label, fn(module, tensor)): the views of the same memory that the sweep reduces."""
    out = [("contiguous", lambda m, t: t)]
    if a.ndim == 2:
        out += [("transposed", lambda m, t: t.t())]
        if a.shape[1] > 2:
            out += [("column-sliced", lambda m, t: t[:, ::2])]
    if a.ndim == 3:
        out += [("permuted", lambda m, t: t.permute(2, 0, 1))]
    return out


def _bits(arr):
    arr = np.ascontiguousarray(arr)
    return arr.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[arr.dtype.itemsize])


def _outcome(module, a, layout, call):
    """The call's result, or the (type name, message) of the error it raised."""
    try:
        return call(module, layout(module, module.from_numpy(a.copy())))
    except Exception as e:  # noqa: BLE001 - an error is an outcome to compare too
        return type(e).__name__, str(e)


def compare(a, layout, call):
    """None when reference and torch agree bit for bit (dtype, shape and every bit, or the same error), else a
    description."""
    want, got = _outcome(torch, a, layout, call), _outcome(reference, a, layout, call)
    if isinstance(want, tuple) or isinstance(got, tuple):
        return None if want == got else f"outcome {got!r} != {want!r}"
    w, g = want.numpy(), got.numpy()
    if str(got.dtype) != str(want.dtype) or w.shape != g.shape:
        return f"dtype/shape {got.dtype}{tuple(g.shape)} != {want.dtype}{tuple(w.shape)}"
    if not np.array_equal(_bits(w), _bits(g)):
        diff = int(np.count_nonzero(_bits(w) != _bits(g)))
        return f"{diff} of {w.size} results differ in their bits"
    return None


def cases(rng, max_size, big):
    """(shape, dtype, a, layout label, layout, call label, call) for one seed."""
    shapes = [(n,) for n in sizes_1d(rng, max_size)] + [()] + [(0,), (3, 0), (0, 4)]
    shapes += TUTORIAL_SHAPES + [tuple(int(k) for k in rng.integers(1, 201, 2)) for _ in range(30)]
    shapes += [tuple(int(k) for k in rng.integers(1, 21, 3)) for _ in range(10)]
    if big:
        shapes += [(n,) for n in BIG_SIZES] + [(300, 200), (200, 300), (40, 40, 40)]
    for shape in shapes:
        calls = _calls(len(shape)) + _pnorm_calls(len(shape))
        if len(shape) == 1 and shape[0] > 300:
            calls = [c for c in calls if c[0].endswith("()") or "keepdim=True" in c[0]]
        for dtype in DTYPES:
            a = values(rng, shape, dtype)
            for lay_label, layout in _layouts(a):
                for call_label, call in calls:
                    yield shape, dtype, a, lay_label, layout, call_label, call


def run(seeds, max_size=5000, big=False, verbose=True):
    """Sweep; returns ({(op, dtype): cases}, {(op, dtype): mismatches}, the first few mismatches)."""
    count, bad, examples = {}, {}, []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        for shape, dtype, a, lay_label, layout, call_label, call in cases(rng, max_size, big):
            problem = compare(a, layout, call)
            op = call_label.split("(")[0]
            key = (op, np.dtype(dtype).name)
            count[key] = count.get(key, 0) + 1
            bad.setdefault(key, 0)
            if problem:
                bad[key] += 1
                if len(examples) < 20:
                    examples.append(f"seed {seed} {np.dtype(dtype).name}{shape} {lay_label} {call_label}: {problem}")
        if verbose:
            print(f"seed {seed}: {sum(count.values())} cases so far, {sum(bad.values())} mismatches", flush=True)
    return count, bad, examples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="how many seeds")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--max-size", type=int, default=5000)
    parser.add_argument("--big", action="store_true", help="add sizes above GRAIN_SIZE (threaded in torch)")
    args = parser.parse_args()
    start = time.time()
    print(f"torch {torch.__version__}, capability {torch.backends.cpu.get_cpu_capability()}, "
          f"{torch.get_num_threads()} threads; seeds {args.first_seed}..{args.first_seed + args.seeds - 1}, "
          f"sizes up to {args.max_size}"
          f"{' and above GRAIN_SIZE' if args.big else ''}")
    count, bad, examples = run(range(args.first_seed, args.first_seed + args.seeds), args.max_size, args.big)
    print(f"\n{sum(count.values())} cases in {time.time() - start:.0f} s")
    print("| op | dtype | cases | mismatches |\n|---|---|---:|---:|")
    for (op, dt), n in sorted(bad.items()):
        print(f"| {op} | {dt} | {count[op, dt]} | {n} |")
    for line in examples:
        print("  " + line)
    total = sum(bad.values())
    print(f"total mismatches: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
