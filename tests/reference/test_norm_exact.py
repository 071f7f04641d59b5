"""Vector norms of every p equal torch's CPU results bit for bit (kernels/norm_order.py): float16/32/64, every
size class (0-dim, empty, 1, around the vector widths, above GRAIN_SIZE), layout and dim set; so do float16
sums and means (kernels/accumulate.py). torch computes every expected value in the same run; nothing is
hard-coded."""
import itertools
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import reference
from reference.kernels import iteration as _iteration

from _refcompare import broadcast_grads

PS = [1, 3, 0.5, -1, 2.5, -0.5, 0, 2, math.inf, -math.inf]
DTYPES = [np.float16, np.float32, np.float64]
DTYPE_IDS = ["float16", "float32", "float64"]
# 1-D sizes around the float64/float32/float16 vector widths (4/8/16 lanes: the AVX2 build, which AVX512 CPUs run too)
SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 255, 256, 257, 1000, 4097]
SHAPES = [(), (0,), (3, 0), (0, 4), (1, 1), (4, 1), (1, 6), (2, 2), (4, 3), (5, 16), (16, 5), (33, 65), (3, 4, 5),
          (9, 1, 17), (2, 3, 7)]
threads_as_torch = pytest.mark.skipif(
    torch.get_num_threads() != _iteration.num_threads(),
    reason="the reference assumes torch's default thread count, which this run changed")


def _values(shape, dtype, seed):
    """Normal values, a third of them spread over several decades (fewer in float16, which overflows at 65504)."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    spread = rng.random(shape) < 1 / 3
    decades = 2 if dtype == np.float16 else 6
    a = np.where(spread, a * 10.0 ** rng.uniform(-decades, decades, shape), a)
    return np.ascontiguousarray(a, dtype=dtype)


def _outcome(module, a, layout, call):
    try:
        out = call(layout(module.from_numpy(a.copy())))
    except Exception as e:  # noqa: BLE001 - the same error is the same outcome
        return type(e).__name__, str(e)
    arr = np.ascontiguousarray(out.numpy())
    return str(out.dtype), arr.shape, arr.tobytes()


def _check(a, layouts, calls):
    """Every call on every layout gives the same dtype, shape and bytes (or the same error) in both modules."""
    problems = []
    for (lay_label, layout), (call_label, call) in itertools.product(layouts, calls):
        want, got = _outcome(torch, a, layout, call), _outcome(reference, a, layout, call)
        if want != got:
            problems.append(f"{a.dtype}{a.shape} {lay_label} {call_label}: {got[:2]} != {want[:2]}")
    assert not problems, "\n".join(problems[:10]) + f"\n({len(problems)} in all)"


def _layouts(ndim):
    out = [("contiguous", lambda t: t)]
    if ndim >= 1:
        out.append(("sliced", lambda t: t[..., ::2]))
    if ndim == 2:
        out.append(("transposed", lambda t: t.t()))
    if ndim == 3:
        out.append(("permuted", lambda t: t.permute(2, 0, 1)))
    return out


def _norm_calls(p, ndim):
    """norm(p) of all elements, then every single dim and pair of dims, with and without keepdim."""
    calls = [(f"norm({p})", lambda t: t.norm(p))]
    dim_sets = [d for d in range(-ndim, ndim)] + list(itertools.combinations(range(ndim), 2))
    for dim, keep in itertools.product(dim_sets, (False, True)):
        calls.append((f"norm({p}, dim={dim}, keepdim={keep})", lambda t, d=dim, k=keep: t.norm(p, dim=d, keepdim=k)))
    return calls


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("p", PS, ids=str)
def test_full_norms_of_1d_sizes(p, dtype):
    for n in SIZES:
        _check(_values((n,), dtype, seed=n), _layouts(1), _norm_calls(p, 1)[:1])


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("p", PS, ids=str)
def test_every_dim_keepdim_and_layout(p, dtype):
    for k, shape in enumerate(SHAPES):
        _check(_values(shape, dtype, seed=k), _layouts(len(shape)), _norm_calls(p, len(shape)))


@threads_as_torch
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("p", [1, 3, -0.5, 2], ids=str)
def test_above_grain_size_where_torch_splits_between_threads(p, dtype):
    """One output over >= 32768 elements: one range per thread. Several outputs: each a whole running sum."""
    for n in (32767, 32768, 40000, 65537):
        _check(_values((n,), dtype, seed=n), _layouts(1), _norm_calls(p, 1)[:1])
    for shape in [(300, 200), (2, 40000), (40000, 2)]:
        calls = [c for c in _norm_calls(p, 2) if "keepdim=True" not in c[0]]
        _check(_values(shape, dtype, seed=1), _layouts(2), calls)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_special_values(dtype):
    """Signed zeros, NaN, infinities, overflow of the powers and underflow."""
    big = float(np.finfo(dtype).max)
    rows = [[0.0, -0.0], [-0.0], [np.nan, 1.0], [np.inf, 1.0], [-np.inf, 2.0], [np.nan, np.inf], [big, big],
            [big / 3] * 5, [1e-30, 3e-40, 0.0], [1e-7] * 50, [0.5, -0.25, 4.0]]
    calls = [(f"norm({p})", lambda t, p=p: t.norm(p)) for p in PS + [1e20, -1e-20, 0.1]]
    with np.errstate(over="ignore", under="ignore"):
        arrays = [np.array(r).astype(dtype) for r in rows]
    dim_calls = [(f"norm({p}, dim={d})", lambda t, p=p, d=d: t.norm(p, dim=d)) for p in PS for d in (0, 1)]
    for a in arrays:
        _check(a, _layouts(1)[:1], calls)
        _check(np.stack([a, a[::-1]]), _layouts(2), calls + dim_calls)


@pytest.mark.parametrize("p", PS + [-1e20], ids=str)
def test_empty_inputs_and_the_no_identity_error(p):
    """Empty reductions are 0 (p >= 0) or torch's error for p < 0 and inf, in its words."""
    for shape in [(0,), (3, 0), (0, 3), (0, 0)]:
        a = np.zeros(shape, np.float32)
        calls = [("all", lambda t: t.norm(p)), ("dim=()", lambda t: t.norm(p, dim=()))]
        for dim in list(range(-len(shape), len(shape))) + [(0, 1), (1, 0), (-1, 0)][:len(shape) * 3 - 3]:
            calls.append((f"dim={dim}", lambda t, d=dim: t.norm(p, dim=d)))
        _check(a, _layouts(1)[:1], calls)


@pytest.mark.parametrize("p", [1, 3, -0.5, math.inf], ids=str)
def test_dtype_argument_casts_then_norms(p):
    a = _values((37, 5), np.float16, seed=2)
    calls = [("float32", lambda t: t.norm(p, dtype=t.float().dtype)),
             ("float32 dim", lambda t: t.t().norm(p, dim=1, dtype=t.float().dtype))]
    _check(a, _layouts(2), calls)
    b = _values((37, 5), np.float32, seed=3)
    _check(b, _layouts(2), [("float64", lambda t: t.norm(p, dtype=t.double().dtype)),
                            ("float64 dim", lambda t: t.norm(p, dim=0, dtype=t.double().dtype))])


# ---- float16 sum and mean: float accumulation (SumKernel.cpp's cast loads; sum_out's float acc buffer) ---------
def _cancelling(shape, dtype, seed):
    """float16 values whose float sums round differently in different orders: large values that cancel, and
    small ones."""
    rng = np.random.default_rng(seed)
    big = rng.choice([-1.0, 1.0], shape) * rng.integers(1, 64, shape) * 512.0
    small = rng.standard_normal(shape) * 2.0 ** rng.integers(-14, -4, shape)
    return np.where(rng.random(shape) < 0.5, big, small).astype(dtype)


def _sum_calls(ndim):
    calls = [("sum()", lambda t: t.sum()), ("mean()", lambda t: t.mean())]
    dim_sets = [d for d in range(ndim)] + list(itertools.combinations(range(ndim), 2))
    for dim, keep in itertools.product(dim_sets, (False, True)):
        calls.append((f"sum({dim}, keepdim={keep})", lambda t, d=dim, k=keep: t.sum(d, keepdim=k)))
        calls.append((f"mean({dim}, keepdim={keep})", lambda t, d=dim, k=keep: t.mean(d, keepdim=k)))
    return calls


@pytest.mark.parametrize("values", [_values, _cancelling], ids=["normal", "cancelling"])
def test_float16_sum_and_mean_of_1d_sizes(values):
    for n in SIZES:
        _check(values((n,), np.float16, n), _layouts(1), _sum_calls(1))


@pytest.mark.parametrize("values", [_values, _cancelling], ids=["normal", "cancelling"])
@pytest.mark.parametrize("shape", SHAPES + [(1, 40), (40, 3, 2), (7, 33, 3)], ids=str)
def test_float16_sum_and_mean_of_every_dim_and_layout(shape, values):
    _check(values(shape, np.float16, 5), _layouts(len(shape)), _sum_calls(len(shape)))


@threads_as_torch
def test_float16_sum_and_mean_above_grain_size():
    """A 1-D float16 sum on several threads rounds each thread's sum to float16 before adding them."""
    for n in (32767, 32768, 40000, 65537):
        _check(_cancelling((n,), np.float16, n), _layouts(1), _sum_calls(1)[:2])
    for shape in [(300, 200), (2, 40000), (40000, 2)]:
        _check(_cancelling(shape, np.float16, 1), _layouts(2), [c for c in _sum_calls(2) if "keepdim=True" not in c[0]])


@pytest.mark.parametrize("shapes", [((3, 100, 1), (100, 7)), ((17,), (300, 9, 17)), ((1,), (40000,))], ids=str)
def test_float16_broadcast_grads_sum_in_torchs_order(shapes):
    arrays = [_cancelling(s, np.float16, k) for k, s in enumerate(shapes)]
    weight = _cancelling(np.broadcast_shapes(*shapes), np.float16, 9)
    grads = broadcast_grads(arrays, weight)
    assert grads["reference"] == grads["torch"]


@pytest.mark.parametrize("vectors", [1, 2, 3, 5], ids=str)
def test_float16_vector_load_adds_its_two_halves_lane_by_lane(vectors):
    """A vector of 2W halves is loaded as two float vectors: lane i gets x[i] + x[i + W]. Here that cancels the
    large values exactly and keeps a small one, which adding neighbours (x[2i] + x[2i + 1]) in float would lose."""
    width = _iteration.lanes(4)
    a = np.zeros(vectors * 2 * width + 3, np.float16)
    for v in range(vectors):
        base = v * 2 * width
        a[base], a[base + 1], a[base + width] = 2.0 ** 15, 2.0 ** -14, -(2.0 ** 15)
    _check(a, _layouts(1)[:1], _sum_calls(1))
    _check(np.stack([a, -a]), _layouts(2), _sum_calls(2))


_DEVICE_SCRIPT = """
import sys
import numpy as np, torch
sys.path.insert(0, "tests/reference/emulated_device")
import backend  # noqa: F401 - every reference tensor now lives on the strict CuPy stand-in
import reference
rng = np.random.default_rng(0)
problems = []
for dt in (np.float16, np.float32, np.float64):
    for shape in [(300,), (40000,), (33, 65), (2, 40000), (3, 4, 5)]:
        a = rng.standard_normal(shape).astype(dt)
        for label, call in [("sum", lambda t: t.sum()), ("mean", lambda t: t.mean()), ("sum0", lambda t: t.sum(0)),
                            ("mean-1", lambda t: t.mean(-1, keepdim=True)), ("norm1", lambda t: t.norm(1)),
                            ("norm3d0", lambda t: t.norm(3, dim=0)), ("norm2", lambda t: t.norm())]:
            want = call(torch.from_numpy(a)).numpy()
            got = np.asarray(call(reference.tensor(a)).numpy())
            if want.tobytes() != got.tobytes() or want.shape != got.shape:
                problems.append(f"{np.dtype(dt).name}{shape} {label}")
print("problems:", problems)
"""


def test_sums_and_norms_on_the_strict_device_stand_in():
    """Device arrays are taken to the host for torch's order and come back (tests/reference/emulated_device)."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    done = subprocess.run([sys.executable, "-c", _DEVICE_SCRIPT], cwd=root, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, PYTHONPATH=root))
    assert done.returncode == 0 and "problems: []" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
