"""The distribution check for random creation functions: range, dtype and a Kolmogorov-Smirnov test.

The threshold sqrt(n) * D > 2.69 has a false-alarm probability of about 1e-6 per test under
the null hypothesis, so an honest generator practically never fails, while a wrong distribution
(uniform instead of normal, [0, 2) instead of [0, 1), a constant) fails by a wide margin.
"""
from __future__ import annotations

import math

import numpy as np

from ..compare import Mismatch, describe, dtype_name, is_tensor_like, to_host
from ..runner import Context, SpecDisagrees

KS_LIMIT = 2.69
SEED = 20240229


def _cdf(dist, values: np.ndarray) -> np.ndarray:
    if dist.kind == "uniform":
        return np.clip((values - dist.low) / (dist.high - dist.low), 0.0, 1.0)
    erf = np.vectorize(math.erf)
    return 0.5 * (1.0 + erf((values - dist.mean) / (dist.std * math.sqrt(2.0))))


def ks_statistic(dist, values: np.ndarray) -> float:
    """sqrt(n) times the largest distance between the sample's CDF and the stated one."""
    x = np.sort(values.astype(np.float64).ravel())
    n = x.size
    cdf = _cdf(dist, x)
    d = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(0, n) / n))
    return math.sqrt(n) * float(d)


def _problems(ctx: Context, module) -> tuple[list[str], object]:
    dist, problems = ctx.case.distribution, []
    if callable(getattr(module, "manual_seed", None)):
        module.manual_seed(SEED)  # reproducible where the implementation can be seeded
    scope = {"torch": module, "np": np, "device": ctx.device}
    sample = eval(ctx.case.sample or ctx.case.call, scope)
    if not is_tensor_like(sample):
        return [f"returned {describe(sample)}, not a tensor"], sample
    values = to_host(sample).astype(np.float64)
    if not np.isfinite(values).all():
        problems.append("non-finite values")
    if dist.kind == "uniform" and values.size and not ((values >= dist.low) & (values < dist.high)).all():
        problems.append(f"values outside [{dist.low}, {dist.high}): min {values.min()}, max {values.max()}")
    statistic = ks_statistic(dist, values)
    if statistic > KS_LIMIT:
        problems.append(f"Kolmogorov-Smirnov sqrt(n)*D = {statistic:.2f} > {KS_LIMIT} for {values.size} values "
                        f"(mean {values.mean():.4f}, std {values.std():.4f})")
    return problems, sample


def distribution(ctx: Context) -> None:
    torch_problems, want = _problems(ctx, ctx.oracle)
    if torch_problems:
        raise SpecDisagrees(f"spec error: torch's own sample fails: {torch_problems}")
    try:
        problems, got = _problems(ctx, ctx.impl)
    except Exception as exc:
        raise Mismatch(f"`{ctx.case.sample}` raised {type(exc).__name__}: {exc}", "a sample", describe(exc)) from None
    if not problems and str(got.dtype) != str(want.dtype):
        problems.append(f"dtype {got.dtype}, torch {want.dtype}")
    if problems:
        d = ctx.case.distribution
        law = f"uniform[{d.low}, {d.high})" if d.kind == "uniform" else f"normal(mean={d.mean}, std={d.std})"
        raise Mismatch(f"`{ctx.case.sample}` is not {law}: " + "; ".join(problems),
                       f"{law}, dtype {dtype_name(want.dtype)}", describe(got))
