"""How often the reference's elementwise results equal torch's CPU results bit for bit.

For each op and dtype, random inputs (a few value regimes, --n elements per regime and seed) go through
`torch` and `reference` by the same public call; the script prints the fraction of elements whose bits
agree (NaN payloads and signs included), and the largest difference in units in the last place.
Contiguous inputs of --n elements take torch's vectorised kernels; a 7-element input takes the scalar
tail loop, which the compiler may have built differently (the `tail` column). The last column is the rate
of a NumPy formulation of torch's kernel (fused multiply-add for alpha, x*x*x for pow 3, float32 exp computed
in double), to show how far the reference could follow where it does not yet.

    python scripts/elementwise_exactness.py [--n 100000] [--seeds 3]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import reference  # noqa: E402
from reference.rng.fma import fma32, fma64  # noqa: E402


def _regimes(rng, n, dtype, kind):
    """Named input arrays for one kind of op: 'any', 'positive' or 'exp' (arguments of exp)."""
    if kind == "exp":
        return {"U(-20, 20)": rng.uniform(-20, 20, n), "N(0, 1)": rng.standard_normal(n),
                "U(-100, 90)": rng.uniform(-100, 90, n)}
    if kind == "positive":
        return {"U(0, 1)": rng.random(n), "10^U(-30, 30)": 10.0 ** rng.uniform(-30, 30, n),
                "U(0, 1000)": rng.uniform(0, 1000, n)}
    return {"N(0, 1)": rng.standard_normal(n), "U(0, 1)": rng.random(n),
            "mixed scales": rng.standard_normal(n) * 10.0 ** rng.uniform(-8, 8, n)}


def _fma(dtype):
    return fma32 if dtype == np.float32 else fma64


def _in_double(f):
    """f computed in float64 and rounded once to the input's dtype."""
    return lambda x: f(x.astype(np.float64)).astype(x.dtype)


# (label, input kind, number of tensor inputs, fn(module, *tensors), a NumPy formulation of what torch's
# CPU kernel computes, or None): the last column measures how far NumPy can follow torch.
OPS = [
    ("exp", "exp", 1, lambda m, x: m.exp(x), _in_double(np.exp)),
    ("sqrt", "positive", 1, lambda m, x: m.sqrt(x), None),
    ("pow(x, 2)", "any", 1, lambda m, x: m.pow(x, 2), lambda x: x * x),
    ("pow(x, 3)", "any", 1, lambda m, x: m.pow(x, 3), lambda x: x * x * x),
    ("pow(x, 0.5)", "positive", 1, lambda m, x: m.pow(x, 0.5), None),
    ("pow(x, -1)", "any", 1, lambda m, x: m.pow(x, -1), lambda x: 1 / x),
    ("pow(x, -2)", "any", 1, lambda m, x: m.pow(x, -2), lambda x: 1 / (x * x)),
    ("pow(x, 1.7)", "positive", 1, lambda m, x: m.pow(x, 1.7), lambda x: np.power(x, x.dtype.type(1.7))),
    ("pow(x, y)", "positive", 2, lambda m, x, y: m.pow(x, y * 3), lambda x, y: np.power(x, y * 3)),
    ("x ** 2", "any", 1, lambda m, x: x ** 2, lambda x: x * x),
    ("add(a, b)", "any", 2, lambda m, a, b: m.add(a, b), np.add),
    # torch: vec::fmadd(b, alpha, a) with alpha cast to the dtype, rounded once
    ("add(a, b, alpha=2)", "any", 2, lambda m, a, b: m.add(a, b, alpha=2),
     lambda a, b: _fma(a.dtype)(b, a.dtype.type(2), a)),
    ("add(a, b, alpha=0.1)", "any", 2, lambda m, a, b: m.add(a, b, alpha=0.1),
     lambda a, b: _fma(a.dtype)(b, a.dtype.type(0.1), a)),
    ("add(a, b, alpha=-3.7)", "any", 2, lambda m, a, b: m.add(a, b, alpha=-3.7),
     lambda a, b: _fma(a.dtype)(b, a.dtype.type(-3.7), a)),
    ("sub(a, b, alpha=0.3)", "any", 2, lambda m, a, b: m.sub(a, b, alpha=0.3),
     lambda a, b: _fma(a.dtype)(b, a.dtype.type(-0.3), a)),
    ("a.add_(b, alpha=0.1)", "any", 2, lambda m, a, b: a.add_(b, alpha=0.1),
     lambda a, b: _fma(a.dtype)(b, a.dtype.type(0.1), a)),
    ("mul(a, b)", "any", 2, lambda m, a, b: m.mul(a, b), np.multiply),
    ("div(a, b)", "any", 2, lambda m, a, b: m.div(a, b), np.divide),
]


def _bits(a):
    a = np.ascontiguousarray(a)
    return a.view(np.uint32 if a.dtype == np.float32 else np.uint64).astype(np.int64)


def measure(kind, arity, fn, candidate, dtype, n, seeds):
    """(elements, bit-equal for the reference, bit-equal for the NumPy formulation, max ulp of the reference)."""
    total = same = cand_same = 0
    worst = 0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        for name, first in _regimes(rng, n, dtype, kind).items():
            arrays = [first.astype(dtype)] + [_regimes(rng, n, dtype, kind)[name].astype(dtype)
                                              for _ in range(arity - 1)]
            want = fn(torch, *[torch.from_numpy(a.copy()) for a in arrays]).numpy()
            got = fn(reference, *[reference.from_numpy(a.copy()) for a in arrays]).numpy()
            bw, bg = _bits(want), _bits(got)
            total += want.size
            same += int(np.count_nonzero(bw == bg))
            if candidate is not None:
                with np.errstate(all="ignore"):
                    cand = np.asarray(candidate(*[a.copy() for a in arrays]), dtype)
                cand_same += int(np.count_nonzero(bw == _bits(cand)))
            finite = np.isfinite(want) & np.isfinite(got) & (np.sign(want) == np.sign(got))
            if finite.any():
                worst = max(worst, int(np.max(np.abs(bw[finite] - bg[finite]))))
    return total, same, (cand_same if candidate is not None else None), worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100000, help="elements per value regime and seed")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, capability {torch.backends.cpu.get_cpu_capability()}, numpy {np.__version__}; "
          f"{args.seeds} seeds x 3 regimes x {args.n} elements (vectorised) / x 7 elements (tail)\n")
    print("| op | dtype | reference bit-exact | max ulp | reference, 7-element tail | NumPy formulation |")
    print("|---|---|---:|---:|---:|---:|")
    for label, kind, arity, fn, candidate in OPS:
        for dtype in (np.float32, np.float64):
            total, same, cand, worst = measure(kind, arity, fn, candidate, dtype, args.n, range(args.seeds))
            t_total, t_same, _, _ = measure(kind, arity, fn, None, dtype, 7, range(100, 100 + 50 * args.seeds))
            cand_text = "-" if cand is None else f"{cand / total:.2%}"
            print(f"| {label} | {np.dtype(dtype).name} | {same / total:.2%} | {worst} | {t_same / t_total:.2%} "
                  f"| {cand_text} |", flush=True)


if __name__ == "__main__":
    main()
