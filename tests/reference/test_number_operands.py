"""Python numbers where torch's functions expect tensors: two numbers make a tensor for the add family (torch
wraps the first into a 0-dim tensor), a comparison refuses a number first, and the division ops in place record
the same nodes as out of place."""
import warnings

import pytest
import torch

import reference
from _refcompare import check

ARITHMETIC = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide"]
NUMBER_PAIRS = [(2, 3), (2.5, 3), (True, 2), (3, 2.5), (7, -2), (1j, 2)]


@pytest.mark.parametrize("op", ARITHMETIC)
@pytest.mark.parametrize("pair", NUMBER_PAIRS, ids=repr)
def test_two_numbers_make_a_tensor(op, pair):
    def fn(t):
        r = getattr(t, op)(*pair)
        return r, r.dtype, r.device.type
    check(fn, message=False)


@pytest.mark.parametrize("op", ["eq", "ne", "lt", "le", "gt", "ge"])
@pytest.mark.parametrize("first", [2, 2.5, True])
def test_a_comparison_refuses_a_number_first(op, first):
    check(lambda t: getattr(t, op)(first, t.ones(2)))
    check(lambda t: getattr(t, op)(first, 3))


@pytest.mark.parametrize("op", ["pow", "remainder"])
@pytest.mark.parametrize("pair", [(2, 3), (2.5, 3), (2, "a"), ("a", 2)], ids=repr)
def test_two_numbers_are_refused_where_torch_has_no_such_signature(op, pair):
    check(lambda t: getattr(t, op)(*pair))


def _names(fn):
    return type(fn).__name__, [None if f is None else type(f).__name__ for f, _ in fn.next_functions]


@pytest.mark.parametrize("op", ["remainder_", "floor_divide_"])
@pytest.mark.parametrize("who", ["self", "other", "both"])
def test_inplace_division_records_torchs_node(op, who):
    def fn(t):
        a = t.full((3,), 7.0, requires_grad=who != "other")
        b = t.full((3,), 2.0, requires_grad=who != "self")
        x = a * 1
        getattr(x, op)(b)
        names = _names(x.grad_fn)
        try:
            x.sum().backward()
        except RuntimeError as e:
            return names, str(e)
        return names, a.grad, b.grad
    check(fn)


@pytest.mark.parametrize("op", ["remainder_", "floor_divide_"])
def test_inplace_division_by_a_number_records_torchs_node(op):
    def fn(t):
        x = t.full((3,), 7.0, requires_grad=True) * 1
        getattr(x, op)(2)
        return _names(x.grad_fn)
    check(fn)


@pytest.mark.parametrize("index", [
    "[t.tensor(1), t.tensor(2)]", "[t.tensor(1, dtype=t.int8), 0]", "[t.tensor(1, dtype=t.uint8), t.tensor(0, dtype=t.uint8)]",
    "[t.tensor(True), t.tensor(False)]", "[[0, 1], [1, 0]]", "[0, slice(None)]", "[0, None]", "[0, Ellipsis]",
    "[0, 1]", "[[0, 1]]", "[t.tensor([0, 1])]",
])
def test_a_list_holding_tensors_or_sequences_indexes_as_a_tuple(index):
    # torch's treatSequenceAsTuple: such a list is a tuple of indices, with a deprecation warning
    def fn(t):
        x = t.arange(16).reshape(4, 4)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = x[eval(index, {"t": t})]
        return r, sorted({str(w.message).split(" (Triggered")[0] for w in caught})
    check(fn)


def test_setitem_reads_such_a_list_as_a_tuple_too():
    def fn(t):
        x = t.arange(16).reshape(4, 4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x[[t.tensor(1), 2]] = 5
            x[[[0, 1], [1, 0]]] = t.tensor(7)
        return x
    check(fn)


def test_the_warning_points_at_the_indexing_line():
    x = reference.arange(4)
    with pytest.warns(UserWarning, match="non-tuple sequence") as caught:
        x[[reference.tensor(1)]]
    assert caught[0].filename == __file__
    assert torch  # the oracle is imported by _refcompare; this module compares nothing else against it


@pytest.mark.parametrize("call", ["x // 2", "x % 2", "x.remainder_(2)", "x.floor_divide_(2)",
                                  "x.div(2, rounding_mode='floor')", "x.div_(2, rounding_mode='trunc')"])
def test_no_division_kernel_for_complex(call):
    check(lambda t: eval(call, {"x": t.ones(2, dtype=t.complex64)}))
