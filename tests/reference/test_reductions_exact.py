"""float32/float64 sum, mean and norm equal torch's CPU results bit for bit (a CI-sized slice of
scripts/reduction_sweep.py, whose case generator and comparison it reuses); torch computes every expected
value in the same run."""
import importlib.util
import operator
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.torch_version import TorchVersion

import reference
from reference.kernels import accumulate as _accumulate, iteration as _iteration

from _refcompare import broadcast_grads

_SWEEP_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "reduction_sweep.py")
_spec = importlib.util.spec_from_file_location("reduction_sweep", _SWEEP_PATH)
sweep = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sweep)

SIZES_1D = list(range(1, 41)) + [63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4999, 5000]
SHAPES = sweep.TUTORIAL_SHAPES + [(33, 65), (64, 5), (130, 7), (7, 130), (3, 4, 5), (9, 1, 17), (), (0,), (3, 0)]
DTYPES = [np.float32, np.float64]


def _check_all(shape, dtype, calls=None, seed=0):
    rng = np.random.default_rng(seed)
    a = sweep.values(rng, shape, dtype)
    problems = []
    for lay_label, layout in sweep._layouts(a):
        for call_label, call in (calls or sweep._calls(len(shape))):
            problem = sweep.compare(a, layout, call)
            if problem:
                problems.append(f"{lay_label} {call_label}: {problem}")
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_full_reductions_of_1d_sizes(dtype):
    for n in SIZES_1D:
        _check_all((n,), dtype, sweep._calls(1)[:4], seed=n)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_every_dim_keepdim_and_layout(shape, dtype):
    _check_all(shape, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_value_regimes_and_signed_zeros(dtype):
    for seed in range(6):
        _check_all((4, 37), dtype, seed=seed)
    for a in (np.full(9, -0.0, dtype), np.array([np.inf, -np.inf, 1.0], dtype), np.array([np.nan, 1.0], dtype)):
        for call_label, call in sweep._calls(1)[:4]:
            assert sweep.compare(a, lambda m, t: t, call) is None, (a, call_label)


def test_dtype_argument_casts_first_then_sums_in_torchs_order():
    rng = np.random.default_rng(3)
    ints, floats = rng.integers(-1000, 1000, (1000, 3)), rng.standard_normal((1000, 3)).astype(np.float32)
    calls = {"ints": [lambda m, t: t.sum(dtype=m.float32), lambda m, t: t.sum(0, dtype=m.float32),
                      lambda m, t: t.t().sum(1, dtype=m.float64)],
             "floats": [lambda m, t: t.sum(dtype=m.float64), lambda m, t: t.mean(1, dtype=m.float64),
                        lambda m, t: t.norm(dtype=m.float64), lambda m, t: t.t().norm(dim=1, dtype=m.float64)]}
    for a, name in ((ints, "ints"), (floats, "floats")):
        for k, call in enumerate(calls[name]):
            assert sweep.compare(a, lambda m, t: t, call) is None, (name, k)


def test_the_tutorials_norm_cell_for_the_seed_that_differed():
    def run(m):
        m.manual_seed(1)
        x = m.randn(2, 2, requires_grad=True)
        y = x * 2
        while y.data.norm() < 1000:
            y = y * 2
        return str(y.data.norm())
    assert run(reference) == run(torch)


@pytest.mark.skipif(torch.get_num_threads() != _iteration.num_threads(),
                    reason="the reference assumes torch's default thread count, which this run changed")
@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_above_grain_size_where_torch_splits_between_threads(dtype):
    for shape in [(40000,), (300, 200)]:
        _check_all(shape, dtype, [c for c in sweep._calls(len(shape)) if "keepdim=True" not in c[0]])


@pytest.mark.parametrize("shape", [(9,), (4, 3), (16, 5), (5, 16), (2, 3, 7), (256,)], ids=str)
def test_small_input_program_equals_the_vectorised_order(shape):
    rng = np.random.default_rng(1)
    for dtype in DTYPES:
        a = sweep.values(rng, shape, dtype)
        for view in (a, a.T):
            for dims in [tuple(range(a.ndim))] + [(d,) for d in range(a.ndim)]:
                perm, sizes, ins, outs = _iteration.layout_of(view, dims)
                blocks = _iteration.blocks_of(view, perm, sizes)
                plain = _accumulate._serial_sum(blocks, sizes, ins, outs, _iteration.lanes(view.itemsize))
                fast = _accumulate._run(_accumulate._plan(tuple(sizes), tuple(ins), tuple(outs),
                                                          _iteration.lanes(view.itemsize)), blocks, view.dtype)
                assert np.array_equal(sweep._bits(plain), sweep._bits(fast)), (shape, dims)


_VERSIONS = ["2.13.0", "2.13", "2", "2.13.0.0", "2.13.1", "2.12.9", "2.13.0a0", "2.13.0rc1", "2.13.0.post1",
             "2.13.0.dev20240101", "2.13.0+cpu", "1.9", "10.0", "v2.13.0", "1!1.0", "2.13.0-1", "parrot", "",
             (2, 13, 0), (2, 13), (2,), (2, 14), (1, 9, 5), [2, 13, 0]]


@pytest.mark.parametrize("other", _VERSIONS, ids=str)
def test_version_compares_like_torchversion_and_ne_is_not_eq(other):
    ours, theirs = reference.__version__, TorchVersion(str(reference.__version__))
    for op in (operator.eq, operator.lt, operator.le, operator.gt, operator.ge):
        assert op(ours, other) == op(theirs, other), (op.__name__, other)
    assert (ours != other) is (not (ours == other))
    # torch's own string carries the build tag; its release part is the one we mirror
    assert TorchVersion(torch.__version__.split("+")[0]) == ours


BROADCAST_PAIRS = [((3, 1000, 1), (1000, 7)), ((1, 5000), (64, 1)), ((17,), (300, 9, 17)), ((1,), (4097,)),
                   ((2, 1, 3), (5, 1)), ((1, 1, 1), (70000,)), ((5, 1, 1), (5, 40, 300))]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
def test_broadcast_input_grads_sum_in_torchs_order(shapes, dtype):
    """The grad of a broadcast input is one sum over the broadcast dims (torch's sum_to), bit for bit."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    weight = rng.standard_normal(np.broadcast_shapes(*shapes)).astype(dtype)
    grads = broadcast_grads(arrays, weight)
    assert grads["reference"] == grads["torch"]


@pytest.mark.parametrize("extra", [0, 1, 6])
def test_the_thread_count_is_torchs_even_past_the_usable_cores(extra):
    # a reduction of 32768 elements or more splits into one range per thread: the count must be torch's
    n = len(os.sched_getaffinity(0)) + extra if hasattr(os, "sched_getaffinity") else 1 + extra
    code = ("import torch; from reference.kernels.iteration import torch_threads; "
            "print(torch_threads(), torch.get_num_threads())")
    env = dict(os.environ, OMP_NUM_THREADS=str(n), PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    ours, torchs = out.stdout.split()
    assert ours == torchs, f"OMP_NUM_THREADS={n}: reference assumes {ours} threads, torch uses {torchs}"
