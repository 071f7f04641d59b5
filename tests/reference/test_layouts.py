"""Result strides of elementwise ops and gathers against torch on random operands (issue 12, part 3): one
rule (_layout.elementwise_strides) decides both, so both are drawn here, with empty and size-1 dims,
transposed, expanded, sliced and broadcast operands. torch computes every expectation in this run."""
import math
import random

import pytest
import torch

import reference


def _shape(rng, nd):
    return [rng.choice([0, 1, 1, 2, 3]) for _ in range(nd)]


def _operand(m, rng, shape, seed):
    """A tensor of `shape` made the same way in both modules: contiguous, permuted, expanded or stepped."""
    kind = rng.choice(["plain", "permuted", "expanded", "stepped"])
    if kind == "permuted" and len(shape) > 1:
        perm = list(range(len(shape)))
        rng.shuffle(perm)
        base = m.arange(float(max(1, math.prod(shape)))).view(-1)[:math.prod(shape)].reshape([shape[p] for p in perm])
        inverse = [perm.index(d) for d in range(len(shape))]
        return base.permute(*inverse)
    if kind == "expanded" and shape:
        small = [n if rng.random() < 0.5 else 1 for n in shape]
        return m.zeros(small).expand(*shape)
    if kind == "stepped" and shape:
        big = [n * 2 for n in shape]
        return m.zeros(big)[tuple(slice(None, None, 2) for _ in big)]
    return m.zeros(shape)


def _elementwise_case(m, seed):
    rng = random.Random(seed)
    nd = rng.randint(0, 4)
    out = _shape(rng, nd)
    a = _operand(m, random.Random(seed * 7 + 1), out, seed)
    # the other operand: the full shape, a broadcast suffix, a size-1 version, or a Python number
    kind = rng.choice(["full", "suffix", "ones", "number"])
    if kind == "number":
        b = 2.5
    else:
        shape = out if kind == "full" else out[rng.randint(0, nd):] if kind == "suffix" else \
            [n if rng.random() < 0.5 else 1 for n in out]
        b = _operand(m, random.Random(seed * 7 + 2), shape, seed)
    r = a + b if rng.random() < 0.5 else b * a
    return tuple(r.shape), r.stride()


@pytest.mark.parametrize("block", range(4))
def test_elementwise_result_strides_match_torch(block):
    bad = [(seed, _elementwise_case(torch, seed), _elementwise_case(reference, seed))
           for seed in range(block * 250, (block + 1) * 250)
           if _elementwise_case(torch, seed) != _elementwise_case(reference, seed)]
    assert not bad, bad[:5]


def _gather_case(m, seed):
    rng = random.Random(seed)
    nd = rng.randint(1, 3)
    shape = _shape(rng, nd)
    x = _operand(m, random.Random(seed * 5 + 1), shape, seed)
    key, k = [], rng.randint(0, 2)  # index lengths k or 1, so that they broadcast together
    for n in shape:
        if rng.random() < 0.3:
            key.append(rng.random() < 0.5)  # a Python bool adds a dim and consumes none
        if rng.random() < 0.5 and n:
            key.append(m.tensor([rng.randrange(n) for _ in range(rng.choice([k, 1]))], dtype=m.int64))
        else:
            key.append(slice(None))
    try:
        r = x[tuple(key)]
    except IndexError as e:  # x[False, [0, 1]]: the bool's empty index does not broadcast with [0, 1]
        return type(e).__name__
    return tuple(r.shape), r.stride()


def test_gather_result_strides_match_torch():
    bad = [(seed, _gather_case(torch, seed), _gather_case(reference, seed)) for seed in range(600)
           if _gather_case(torch, seed) != _gather_case(reference, seed)]
    assert not bad, bad[:5]
