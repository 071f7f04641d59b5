"""Differential tests: reference._printing must write exactly what torch's repr writes.

Every expectation is computed by real torch in the test; nothing is a stored string.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch._tensor_str as torch_tensor_str
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference._printing import (
    format_tensor,
    get_printoptions,
    printoptions,
    set_printoptions,
    size_repr,
)

SHORT_NAMES = {
    torch.float16: "float16",
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int8: "int8",
    torch.int16: "int16",
    torch.int32: "int32",
    torch.int64: "int64",
    torch.uint8: "uint8",
    torch.bool: "bool",
}
ALL_DTYPES = list(SHORT_NAMES)
FLOAT_DTYPES = [torch.float16, torch.float32, torch.float64]
NAN, INF = math.nan, math.inf


def ours(t: torch.Tensor, **kwargs) -> str:
    """Our text for a real torch tensor, given only what a backend would know."""
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return format_tensor(
        t.detach().cpu().numpy(),
        SHORT_NAMES[t.dtype],
        grad_fn=grad_fn,
        requires_grad=t.requires_grad and t.grad_fn is None,
        device=None if t.device.type == "cpu" else str(t.device),
        **kwargs,
    )


def check(t: torch.Tensor, **kwargs) -> None:
    expected = repr(t)
    got = ours(t, **kwargs)
    assert got == expected, f"\nours:\n{got}\ntorch:\n{expected}"


@pytest.fixture
def both_options():
    """Set print options in torch and in ours together; restore both afterwards."""

    def apply(**kwargs):
        torch.set_printoptions(**kwargs)
        set_printoptions(**kwargs)

    yield apply
    torch.set_printoptions(profile="default")
    set_printoptions(profile="default")


@pytest.fixture
def seeded():
    torch.manual_seed(0)


# --------------------------------------------------------------------------
# The tutorial's printed tensors, rebuilt with real ops
# --------------------------------------------------------------------------

def test_tutorial_autograd_chain():
    x = torch.ones(4, 3, requires_grad=True)
    y = x + 5
    z = y * y * 5
    out = z.mean()
    for t in (x, y, z, out):
        check(t)
    out.backward()
    check(x.grad)


def test_tutorial_scalar_graph():
    x = torch.tensor(1.0, requires_grad=True)
    y = torch.tensor(2.0)
    for t in (x, y, x * y):
        check(t)


def test_tutorial_creation_and_ops(seeded):
    check(torch.FloatTensor([[20, 30, 40], [90, 60, 70]]))
    check(torch.eye(6))
    check(torch.zeros(5, 3))
    check(torch.ones(2, 2))
    check(torch.randn(4, 4))
    x, y = torch.rand(3, 3), torch.rand(3, 3)
    check(x + y)
    x.add_(y)
    check(x.mul_(5 ** 3))  # the tutorial's 855.4833-sized values
    check(x.t())
    check(x.transpose(1, 0))
    a, b = torch.rand(4, 3), torch.rand(4, 3)
    check(torch.cat((a, b), 0))
    check(torch.cat((a, b), 1))
    check(a[:, 2])
    check(a[2, :])
    x = torch.rand(4, 4)
    check(x.view(-1, 16))
    check(x.flatten())
    check(torch.from_numpy(np.random.default_rng(0).random((3, 4))))


def test_tutorial_uninitialised_looking_values():
    # torch.empty shows denormals and tiny numbers like these in scientific form.
    check(torch.tensor([[0.0, 0.0, 1.4013e-45, 0.0, 1.4013e-45], [9.4885e-39, 3.4438e-41, 0, 0, 1.0]]))
    check(torch.tensor([[2.0033e-24, 4.5873e-41, 2.0183e-24]]))


def test_tutorial_backward_with_gradient(seeded):
    x = torch.randn(2, 2, requires_grad=True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    check(y.data.norm())
    check(y)
    y.backward(torch.rand(2, 2))
    check(x.grad)


@pytest.mark.parametrize("shape", [(3, 3), (), (0,), (1, 16), (2, 0, 5), (4, 4)])
def test_size_repr(shape):
    assert size_repr(shape) == repr(torch.empty(shape).size())
    assert size_repr(shape) == str(torch.Size(shape))


# --------------------------------------------------------------------------
# Number styles
# --------------------------------------------------------------------------

STYLE_CASES = [
    [0.1],  # fixed
    [1.0, 2.0, 3.0],  # integer style
    [1.0, 1e5],  # integer style in scientific form
    [1.5, 2000.0],  # ratio over 1000
    [1.5, 1500.0],  # ratio exactly 1000 with fractions: fixed
    [1.0, 1000.0],  # ratio exactly 1000: not scientific
    [1.0, 1000.5],
    [1e8],  # max exactly 1e8: not scientific
    [1.5e8],
    [1e-4],  # min exactly 1e-4: not scientific
    [0.99e-4],
    [123456.7],  # float32's double value: 123456.7031
    [-1.5, 2.25, -300.125],
    [1e-20, 1e20],
    [3.4e38, -3.4e38],
    [1e-45, 1.0],  # float32 denormal
    [0.0, 0.0],  # no value chooses the style
    [NAN, 1.5],
    [NAN, INF, -INF],
    [NAN, 2.0],
    [INF, -INF, 3.0, 1e9],
    [-0.0],
    [-0.0, 1.0],
    [-0.0, 1.5],
    [-0.0, 1e10],
    [0.0, -0.0, NAN],
    [65504.0, 6e-8],  # float16 extremes
    [0.5, 0.25, 0.125],
    [99999.5, 0.5],
]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("values", STYLE_CASES)
def test_number_styles(values, dtype):
    t = torch.tensor(values, dtype=torch.float64).to(dtype)  # 3.4e38 becomes inf in float16
    check(t)
    check(t[0])  # 0-dim: same style rules, no padding from other elements
    check(t.reshape(len(values), 1))


@pytest.mark.parametrize("dtype", [d for d in ALL_DTYPES if d not in FLOAT_DTYPES])
def test_integer_and_bool_dtypes(dtype, seeded):
    info = torch.iinfo(dtype) if dtype != torch.bool else None
    if info is None:
        t = torch.rand(3, 7) > 0.5
        check(torch.tensor([True, True]))  # width 4 when no False is shown
    else:
        t = torch.randint(int(info.min), int(info.max), (3, 7), dtype=dtype)
        check(torch.tensor([info.min, info.max, 0], dtype=dtype))
    check(t)
    check(t[0, 0])


# --------------------------------------------------------------------------
# Shapes and layout
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3, 2), (1, 0, 1, 1)])
def test_empty(shape, dtype):
    check(torch.zeros(shape, dtype=dtype))


@pytest.mark.parametrize("shape", [(), (1,), (5,), (2, 3), (2, 3, 4), (2, 1, 3, 2), (1, 1, 1, 1, 1, 2)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
def test_dimensions(shape, dtype, seeded):
    check((torch.randn(shape) * 100).to(dtype))


@pytest.mark.parametrize("n", [10, 11, 12, 13, 25, 60])
def test_long_rows_wrap_at_80_columns(n, seeded):
    check(torch.randn(n))
    check(torch.randn(2, n) * 1000)
    check(torch.randn(2, 2, n, dtype=torch.float64))
    check(torch.randint(-10 ** 12, 10 ** 12, (n,)))


@pytest.mark.parametrize("n", range(1, 14))
def test_suffixes_wrap_to_a_new_line(n, seeded):
    # float64 plus requires_grad adds two suffixes; across these lengths the
    # last line's fill crosses the point where torch moves a suffix down.
    check(torch.randn(n, dtype=torch.float64, requires_grad=True))
    check(torch.randn(2, n, dtype=torch.float64) * 2 + torch.zeros(2, n, dtype=torch.float64, requires_grad=True))
    check(torch.arange(n, dtype=torch.int32))
    check(torch.full((n,), 1e-5, dtype=torch.float16))


def test_grad_fn_names_from_real_ops(seeded):
    a = torch.randn(3, 4, requires_grad=True)
    for t in (a + 1, a - a, a * 5, a.sum(), a.sum(0), a.mean(1), a.t(), a.T, a[1], a[1:3], a.view(12), a.clone(), a @ a.t(), a.double()):
        check(t)


# --------------------------------------------------------------------------
# Summarisation
# --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "shape", [(1001,), (2000,), (30, 40), (1001, 1), (1, 1001), (10, 10, 11), (7, 7, 7, 7), (3, 400), (2, 2, 2, 2, 2, 2, 2, 2, 2, 2)]
)
def test_summarised(shape, seeded):
    check(torch.randn(shape))
    check(torch.arange(math.prod(shape)).reshape(shape))
    check(torch.rand(shape, dtype=torch.float64) > 0.5)


def test_style_comes_from_shown_values_only():
    t = torch.ones(2000)
    t[1000] = 1e10  # hidden behind `...`: the shown ones stay integer style
    check(t)
    t[0] = 1e10
    check(t)


# --------------------------------------------------------------------------
# Inputs our backends hand over
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool])
def test_non_contiguous_inputs(dtype, seeded):
    base = (torch.randn(5, 7, 3) * 10).to(dtype)
    for t in (base.transpose(0, 2), base[:, ::2], base.flip(0), base.permute(1, 2, 0)):
        check(t)
    # A transposed NumPy view straight into format_tensor.
    arr = base.numpy().T
    assert not arr.flags.c_contiguous
    assert format_tensor(arr, SHORT_NAMES[dtype]) == repr(torch.from_numpy(np.ascontiguousarray(arr)))


def test_values_in_another_numpy_dtype_are_cast():
    t = torch.tensor([1.5, 2.25, 1e6])
    assert format_tensor(t.numpy().astype(np.float64), "float32") == repr(t)


def test_unknown_dtype_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown dtype 'complex64'"):
        format_tensor(np.zeros(2), "complex64")


def test_duck_typed_device_array_is_copied_to_host():
    class HostCopy:  # what CuPy offers: .get() returns a NumPy array
        def __init__(self, array):
            self._array = array

        def get(self):
            return self._array

    t = torch.randn(3, 3)
    assert format_tensor(HostCopy(t.numpy()), "float32") == repr(t)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_device_suffix_on_cuda():
    for t in (torch.ones(3, device="cuda"), torch.randn(2, 40, dtype=torch.float64, device="cuda", requires_grad=True)):
        check(t)


# --------------------------------------------------------------------------
# Print options
# --------------------------------------------------------------------------

OPTION_CASES = [
    dict(precision=2),
    dict(precision=0),
    dict(precision=10),
    dict(threshold=5),
    dict(threshold=0),
    dict(edgeitems=1, threshold=10),
    dict(edgeitems=0, threshold=3),
    dict(linewidth=40),
    dict(linewidth=1),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", precision=6),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile="nonsense"),
]
OPTION_TENSORS = [
    lambda: torch.arange(10.0),
    lambda: torch.arange(2000),
    lambda: torch.tensor([1.123456789, 1e-6, 0.0]),
    lambda: torch.tensor([1.0, 1e10]),
    lambda: torch.zeros(3),
    lambda: torch.tensor(3.25),
    lambda: torch.randn(4, 5, 6),
    lambda: torch.randn(40, 40, dtype=torch.float64, requires_grad=True),
    lambda: torch.tensor([[True, False]] * 30),
]


@pytest.mark.parametrize("options", OPTION_CASES, ids=str)
def test_set_printoptions(options, both_options, seeded):
    both_options(**options)
    assert get_printoptions() == torch_tensor_str.get_printoptions()
    for make in OPTION_TENSORS:
        check(make())


def test_sci_mode_resets_on_any_call(both_options):
    both_options(sci_mode=True)
    both_options(precision=3)  # leaves sci_mode out, so it returns to automatic
    assert get_printoptions() == torch_tensor_str.get_printoptions()
    check(torch.tensor([1.5, 2.5]))


def test_printoptions_context_restores():
    before = get_printoptions()
    with printoptions(precision=1, linewidth=30):
        with torch_tensor_str.printoptions(precision=1, linewidth=30):
            check(torch.randn(20))
    assert get_printoptions() == before


def test_default_dtype_float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        for t in (torch.randn(3), torch.randn(3, dtype=torch.float32), torch.zeros(0), torch.zeros(0, dtype=torch.float32)):
            check(t, default_dtype="float64")
    finally:
        torch.set_default_dtype(previous)


# --------------------------------------------------------------------------
# Property test: random shapes and values across magnitudes
# --------------------------------------------------------------------------

PROPERTY_DTYPES = {
    "float32": (np.float32, 1e30),
    "float64": (np.float64, 1e300),
    "float16": (np.float16, 6e4),
    "int64": (np.int64, 2 ** 62),
    "int8": (np.int8, 127),
    "bool": (np.bool_, 1),
}


@st.composite
def magnitudes(draw, limit: float) -> float:
    """A float whose decimal exponent is spread evenly, so tiny, ordinary and huge all occur."""
    kind = draw(st.sampled_from(["scaled", "whole", "zero", "plain"]))
    if kind == "zero":
        return draw(st.sampled_from([0.0, -0.0]))
    if kind == "whole":
        return float(draw(st.integers(-min(10 ** 6, int(limit)), min(10 ** 6, int(limit)))))
    if kind == "plain":
        return draw(st.floats(-10.0, 10.0, allow_nan=False))
    exponent = draw(st.integers(-12, min(15, int(math.log10(limit)))))
    mantissa = draw(st.floats(-9.99, 9.99, allow_nan=False))
    # Keep it finite in the tensor's dtype (float16 tops out at 65504).
    return max(-limit, min(limit, mantissa * 10.0 ** exponent))


@st.composite
def tensors(draw) -> torch.Tensor:
    name = draw(st.sampled_from(sorted(PROPERTY_DTYPES)))
    np_dtype, limit = PROPERTY_DTYPES[name]
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=0, max_size=4)))
    count = math.prod(shape)
    if np_dtype in (np.int64, np.int8):
        bound = min(draw(st.sampled_from([9, 1000, 2 ** 62])), int(limit))
        values = draw(st.lists(st.integers(-bound, bound), min_size=count, max_size=count))
    elif np_dtype is np.bool_:
        values = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    else:
        values = draw(st.lists(magnitudes(limit), min_size=count, max_size=count))
    array = np.array(values, dtype=np_dtype).reshape(shape)
    t = torch.from_numpy(array)
    if np_dtype in (np.float32, np.float64) and draw(st.booleans()):
        t.requires_grad_(True)
    return t


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensors())
def test_property_matches_torch(t):
    check(t)


@st.composite
def option_sets(draw) -> dict:
    return dict(
        precision=draw(st.integers(0, 8)),
        threshold=draw(st.integers(0, 60)),
        edgeitems=draw(st.integers(0, 4)),
        linewidth=draw(st.integers(10, 120)),
        sci_mode=draw(st.sampled_from([None, True, False])),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensors(), option_sets())
def test_property_matches_torch_under_print_options(t, options):
    torch.set_printoptions(**options)
    set_printoptions(**options)
    try:
        check(t)
    finally:
        torch.set_printoptions(profile="default")
        set_printoptions(profile="default")
