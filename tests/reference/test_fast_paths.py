"""Each fast path in reference/ops/fast.py gives exactly what the readable path gives.

The readable path is `elementwise.add` / `elementwise.mul` (called as torch.add / torch.mul, which add only
NumPy's quiet float state and out=); the fast path is the operator Tensor uses for
`a + b` and `a * b`. They must agree on values (bit for bit), dtype, shape, strides and autograd state, for
inputs the fast path takes and for inputs it hands on.
"""
import inspect

import numpy as np
import pytest

import reference as torch
from reference.kernels import accumulate
from reference.kernels.iteration import blocks_of, lanes, layout_of
from reference.ops import elementwise, fast

PAIRS = [(fast.add_operator, torch.add), (fast.mul_operator, torch.mul)]


def _operands():
    """(a, b) pairs covering the fast path's conditions and each way out of it."""
    g = np.random.default_rng(0)
    f32 = lambda *s: torch.from_numpy(g.standard_normal(s).astype(np.float32))  # noqa: E731
    yield f32(3, 3), f32(3, 3)                           # the tutorial's case
    yield f32(3, 4).t(), f32(4, 3)                       # transposed operand: torch's strides
    yield f32(4, 1), f32(1, 5)                           # broadcast
    yield f32(0, 3), f32(0, 3)                           # empty
    yield torch.tensor(2.5), torch.tensor(-1.0)          # 0-dim
    yield f32(2, 3), torch.tensor([[1, 2, 3]])           # mixed dtypes: the readable path promotes
    yield f32(2, 2), 3                                   # a Python number
    yield torch.tensor([[1, 2], [3, 4]], dtype=torch.int8), torch.tensor([[100, 100], [100, 100]], dtype=torch.int8)
    yield torch.tensor([np.inf, -0.0, np.nan]), torch.tensor([-np.inf, 0.0, 1.0])
    yield f32(2, 2).requires_grad_(), f32(2, 2)          # records: the readable path
    yield torch.ones(1, 3, dtype=torch.float64)[:, ::2], torch.ones(2, 1, dtype=torch.float64)


def _state(t):
    return (t.dtype, tuple(t.shape), t.stride(), t.requires_grad, type(t.grad_fn).__name__, t.is_leaf)


@pytest.mark.parametrize("fast_fn, readable", PAIRS, ids=["add", "mul"])
def test_fast_path_equals_readable_path(fast_fn, readable):
    for a, b in _operands():
        got, want = fast_fn(a, b), readable(a, b)
        assert _state(got) == _state(want), (a, b)
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
        assert got.detach().numpy().tobytes() == want.detach().numpy().tobytes()  # -0.0 and nan bits too


@pytest.mark.parametrize("fast_fn, readable", PAIRS, ids=["add", "mul"])
def test_fast_path_errors_like_readable_path(fast_fn, readable):
    a, b = torch.ones(2, 3), torch.ones(4, 3)
    with pytest.raises(RuntimeError) as fast_err:
        fast_fn(a, b)
    with pytest.raises(RuntimeError) as readable_err:
        readable(a, b)
    assert str(fast_err.value) == str(readable_err.value)
    assert fast_fn(a, "x") is NotImplemented


def test_tensor_operators_are_the_fast_paths():
    assert torch.Tensor.__add__ is fast.add_operator and torch.Tensor.__radd__ is fast.add_operator
    assert torch.Tensor.__mul__ is fast.mul_operator and torch.Tensor.__rmul__ is fast.mul_operator


def test_public_functions_are_the_readable_paths():
    assert inspect.unwrap(torch.add) is elementwise.add and inspect.unwrap(torch.mul) is elementwise.mul


# ---- kernels/accumulate.py: a small sum's compiled program against the same program read step by step -------
SMALL_SUMS = [((4, 3), (0, 1)), ((4, 3), (0,)), ((4, 3), (1,)), ((12,), (0,)), ((7, 9), (1,)), ((256,), (0,)),
              ((3, 5, 7), (0, 2)), ((16, 16), (0,)), ((2, 3, 4), (1,))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,dims", SMALL_SUMS, ids=str)
def test_compiled_small_sum_equals_its_replay(shape, dims, dtype):
    a = np.random.default_rng(len(shape)).standard_normal(shape).astype(dtype)
    for x in (a, a.T.copy().T):  # C order, and the same values in another layout
        perm, sizes, ins, outs = layout_of(x, dims)
        blocks = blocks_of(x, perm, sizes)
        plan = accumulate._plan(tuple(sizes), tuple(ins), tuple(outs), lanes(x.itemsize), 1)
        fast_bits = accumulate._run(plan, blocks, blocks.dtype).view(np.uint8)
        assert np.array_equal(fast_bits, accumulate._replay(plan, blocks, blocks.dtype).view(np.uint8))
