"""Short random programs (fixed seeds) run in torch and in the reference: values, grad_fn names and
gradients must agree. Catches interactions single-op tests miss (views feeding broadcasting ops, ...)."""
import random

import numpy as np
import pytest
import torch

from _refcompare import check, outcome

# Each step maps (module, tensor) -> tensor and keeps autograd connected.
STEPS = [
    lambda m, t: t + 1.5, lambda m, t: t * t, lambda m, t: t - t.mean(), lambda m, t: t / (t.abs() + 1),
    lambda m, t: t.exp() * 0.1, lambda m, t: (t.abs() + 1).log(), lambda m, t: (t.abs() + 1).sqrt(),
    lambda m, t: t.t() if t.dim() == 2 else t, lambda m, t: t.transpose(0, -1),
    lambda m, t: t.reshape(-1), lambda m, t: t.flatten(), lambda m, t: t.unsqueeze(0),
    lambda m, t: t.sum(0) if t.dim() else t, lambda m, t: t.sum(-1, keepdim=True) if t.dim() else t,
    lambda m, t: t.mean(0) if t.dim() else t, lambda m, t: t * t.sum(), lambda m, t: t[0] if t.dim() else t,
    lambda m, t: t[..., :1] if t.dim() else t, lambda m, t: m.cat([t, t * 2], 0) if t.dim() else t,
    lambda m, t: t.clone(), lambda m, t: t.contiguous(), lambda m, t: t ** 2, lambda m, t: 2 ** (t * 0.1),
    lambda m, t: -t, lambda m, t: t.norm() * t, lambda m, t: t.relu() + t.sigmoid(),
    lambda m, t: t @ t.t() if t.dim() == 2 else t, lambda m, t: t.max() + t,
    lambda m, t: t.expand(2, *t.shape) if t.dim() < 3 else t, lambda m, t: t.squeeze(),
    lambda m, t: _inplace_on_copy(t), lambda m, t: _write_through_view(t),
    lambda m, t: t.double() * 2, lambda m, t: t.max(0)[0] if t.dim() else t, lambda m, t: t.amax(-1) if t.dim() else t,
    lambda m, t: t.permute(*reversed(range(t.dim()))), lambda m, t: t[[0, 0]] if t.dim() else t,
    lambda m, t: t[t > 0] * 1 if t.dim() else t, lambda m, t: m.stack([t, -t]), lambda m, t: t / (t * t + 1),
    lambda m, t: t.narrow(0, 0, 1) if t.dim() else t, lambda m, t: _setitem_tensor(t),
    lambda m, t: t.view(-1) if t.is_contiguous() else t.reshape(-1), lambda m, t: t.clamp(-0.5, 0.5) + t * 0.1,
    lambda m, t: t.sum((0, -1)) if t.dim() else t, lambda m, t: t.norm(dim=0) if t.dim() else t,
    lambda m, t: t.T if t.dim() == 2 else t, lambda m, t: t[None, ..., None],
]


def _setitem_tensor(t):
    if t.dim() == 0:
        return t
    u = t.clone()
    u[-1] = t[0] * 2
    return u


def _inplace_on_copy(t):
    u = t * 1
    u.mul_(0.5).add_(t)
    return u


def _write_through_view(t):
    if t.dim() == 0:
        return t
    u = t * 1
    u[0].mul_(3)
    return u


def _steps_torch_runs(values, drawn):
    """The drawn steps that torch accepts, in order: a step torch refuses (a repeated dim, say) is dropped, so
    every program reaches backward and its gradients are judged, instead of passing as "both raise"."""
    t = torch.tensor(values.tolist(), requires_grad=True)
    kept = []
    for i in drawn:
        try:
            t = STEPS[i](torch, t)
        except (RuntimeError, TypeError, IndexError, ValueError):
            continue
        kept.append(i)
    return kept


@pytest.mark.parametrize("seed", range(400))
def test_random_program(seed):
    rnd = random.Random(seed)
    shape = tuple(rnd.randint(1, 4) for _ in range(rnd.randint(1, 3)))
    values = np.random.default_rng(seed).standard_normal(shape)
    steps = _steps_torch_runs(values, [rnd.randrange(len(STEPS)) for _ in range(rnd.randint(2, 6))])

    def run(m):
        x = m.tensor(values.tolist(), requires_grad=True)
        t = x
        names = []
        for i in steps:
            t = STEPS[i](m, t)
            names.append(type(t.grad_fn).__name__)
        (t * m.ones_like(t) * 0.5).sum().backward()
        return t, names, x.grad
    result = outcome(run, torch)
    assert result[0] == "ok" and result[1][2] is not None, f"seed {seed} never reaches backward in torch: {result}"
    check(run, rtol=1e-4, atol=1e-5)
