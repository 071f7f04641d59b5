"""The exact comparison and the layout check on hand-made results: what passes, what fails, and the message."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from conformance.checks.layout import _pairs, _tensor_layout
from conformance.checks.outputs import assert_bit_exact
from conformance.compare import Mismatch
from conformance.inputs import LAYOUT_BUILDERS, SPECIAL, _fill
from conformance.spec import InputSpec


def test_exact_accepts_identical_values_and_nan_at_the_same_place():
    values = torch.tensor([1.5, math.nan, -0.0, math.inf])
    assert_bit_exact(values.clone(), values, "out")


@pytest.mark.parametrize("got, why", [
    (torch.tensor([1.5, math.nan, 0.0, math.inf]), "sign of zero"),
    (torch.tensor([1.5, 1.0, -0.0, math.inf]), "nan where torch has a number"),
    (torch.tensor([np.nextafter(np.float32(1.5), np.float32(2)), math.nan, -0.0, math.inf]), "one ulp"),
])
def test_exact_rejects(got, why):
    want = torch.tensor([1.5, math.nan, -0.0, math.inf])
    with pytest.raises(Mismatch):
        assert_bit_exact(got, want, "out")


def test_exact_names_the_ulp_distance():
    want = torch.tensor([1.0], dtype=torch.float32)
    got = torch.nextafter(want, torch.tensor([2.0]))
    with pytest.raises(Mismatch, match=r"\(1 ulp of float32\)"):
        assert_bit_exact(got, want, "out")


def test_exact_compares_both_parts_of_complex_values():
    want = torch.tensor([1 + 2j], dtype=torch.complex64)
    assert_bit_exact(want.clone(), want, "out")
    with pytest.raises(Mismatch):
        assert_bit_exact(torch.tensor([1 - 2j], dtype=torch.complex64), want, "out")


def test_exact_python_floats_tell_zeros_apart():
    assert_bit_exact(math.nan, math.nan, "out")
    with pytest.raises(Mismatch):
        assert_bit_exact(0.0, -0.0, "out")


def test_layout_reads_stride_offset_and_contiguity():
    x = torch.arange(12.).reshape(3, 4)
    assert _tensor_layout(x.t()[1:], "out") == {"stride": (1, 4), "storage_offset": 1, "is_contiguous": False}


def test_layout_walks_tuples_in_step_and_reports_a_missing_item():
    x = torch.zeros(2, 2)
    assert [path for path, _, _ in _pairs((x, (x, 1)), (x, (x, 1)), "out")] == ["out[0]", "out[1][0]"]
    with pytest.raises(Mismatch, match="2 items"):
        list(_pairs((x, x), (x,), "out"))


def test_a_raising_accessor_fails_as_must_not_raise():
    class NoStride:
        def stride(self):
            raise NotImplementedError("strides are internal")

    with pytest.raises(Mismatch, match=r"must not raise: out.stride\(\) raised NotImplementedError"):
        _tensor_layout(NoStride(), "out")


@pytest.mark.parametrize("layout", sorted(LAYOUT_BUILDERS))
def test_every_layout_keeps_the_logical_values(layout):
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    if layout == "expanded":
        data = np.ascontiguousarray(np.broadcast_to(data[:1], data.shape))  # as the draw makes them
    stored, view = LAYOUT_BUILDERS[layout]
    leaf = torch.tensor(stored(data).tolist())
    built = view(leaf, data.shape) if view else leaf
    assert np.array_equal(built.numpy(), data)
    assert built.is_contiguous() == (layout == "contiguous")


def test_the_special_regime_reaches_nan_infinities_and_both_zeros():
    spec = InputSpec(name="x", kind="tensor", shape=(64,), special=True)
    values = np.concatenate([_fill(SPECIAL, seed, spec, "float32", (64,)) for seed in range(4)])
    assert np.isnan(values).any() and np.isposinf(values).any() and np.isneginf(values).any()
    zeros = values[values == 0]
    assert np.signbit(zeros).any() and not np.signbit(zeros).all()
