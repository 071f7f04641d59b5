"""A leaf's .grad has torch's strides, size-1 dims included, when backward formulas meet transposed operands.

AccumulateGrad takes a grad over as .grad when its strides fit the leaf's, and then .grad keeps all of its strides.
So the layout of every formula's result shows (torch's TensorIterator lays g * b out by b when g is expanded), and so
does the sum of two grads for one input (InputBuffer adds the second into the first in place, keeping its strides).
NumPy lays out both its own way in size-1 dims. Each case runs in torch and in the reference in this test."""
import itertools

import pytest
import torch

import reference

VIEWS = {
    "t": lambda t: t.t() if t.dim() <= 2 else t.transpose(0, 1),
    "permute": lambda t: t.permute(*reversed(range(t.dim()))),
    "unsqueeze(0)": lambda t: t.unsqueeze(0),
    "unsqueeze(-1)": lambda t: t.unsqueeze(-1),
    "reshape": lambda t: t.reshape(t.numel(), 1),
}
OPS = {
    "y * y": lambda y: y * y,
    "y * y.detach()": lambda y: y * y.detach(),
    "y / (y + 3)": lambda y: y / (y + 3),
    "y.exp() * y": lambda y: y.exp() * y,
    "y.sqrt() * 2": lambda y: y.sqrt() * 2,
    "y.relu()": lambda y: y.relu(),
    "y.tanh() + y": lambda y: y.tanh() + y,
    "y.sigmoid()": lambda y: y.sigmoid(),
    "y.sin() + y.log()": lambda y: y.sin() + y.log(),
    "y ** 3": lambda y: y ** 3,
    "y.clamp(0.2, 0.6)": lambda y: y.clamp(0.2, 0.6),
    "1 / y": lambda y: 1 / y,
    "2 - y": lambda y: 2 - y,
    "y.sub(y.abs(), alpha=2)": lambda y: y.sub(y.abs(), alpha=2),
}
ENDS = {
    "sum().backward()": lambda z, m: z.sum().backward(),
    "mean().backward()": lambda z, m: z.mean().backward(),
    "backward(ones_like)": lambda z, m: z.backward(m.ones_like(z)),
}
CHAINS = [(v,) for v in VIEWS] + [("t", "unsqueeze(0)"), ("unsqueeze(-1)", "permute"), ("permute", "reshape")]


def _strides(m, shape, chain, op, end):
    x = (m.arange(1, 1 + int(torch.Size(shape).numel()), dtype=m.float32) / 7).reshape(shape).requires_grad_()
    y = x
    for v in chain:
        y = VIEWS[v](y)
    ENDS[end](OPS[op](y), m)
    return x.grad.stride(), x.grad.is_contiguous()


@pytest.mark.parametrize("end", ENDS)
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("chain", CHAINS, ids=" then ".join)
@pytest.mark.parametrize("shape", [(1, 3), (3, 1), (2, 1, 3), (1, 1)], ids=str)
def test_leaf_grad_strides_match_torch(shape, chain, op, end):
    assert _strides(reference, shape, chain, op, end) == _strides(torch, shape, chain, op, end)


def test_two_grads_for_one_input_keep_the_first_ones_strides():
    for m in (torch, reference):
        x = m.ones(1, 3, requires_grad=True)
        y = x.t()
        (y * y).sum().backward()
        assert x.grad.stride() == (3, 1), m.__name__
