"""torch's argument parser errors for arguments of the wrong type (reference/ops/arguments.py): a method counts
its arguments after self, a torch.<name> function counts its input too, and ops with a Tensor and a Number
overload list both. These used to be one generic message, or an AttributeError from inside the reference."""
import pytest

from _refcompare import check

CALLS = {
    "x.add('a')": lambda t, x, m: x.add("a"),
    "torch.add(x, 'a')": lambda t, x, m: t.add(x, "a"),
    "x.sub(None)": lambda t, x, m: x.sub(None),
    "x.mul([1])": lambda t, x, m: x.mul([1]),
    "torch.div(x, 'a')": lambda t, x, m: t.div(x, "a"),
    "torch.mul('a', x)": lambda t, x, m: t.mul("a", x),
    "x.add_('a')": lambda t, x, m: x.add_("a"),
    "x.eq('a')": lambda t, x, m: x.eq("a"),
    "torch.eq(x, 'a')": lambda t, x, m: t.eq(x, "a"),
    "x.lt(None)": lambda t, x, m: x.lt(None),
    "x.lt_('a')": lambda t, x, m: x.lt_("a"),
    "torch.lt(x, None)": lambda t, x, m: t.lt(x, None),
    "x.pow('a')": lambda t, x, m: x.pow("a"),
    "torch.pow(x, 'a')": lambda t, x, m: t.pow(x, "a"),
    "x.remainder('a')": lambda t, x, m: x.remainder("a"),
    "torch.remainder(x, 'a')": lambda t, x, m: t.remainder(x, "a"),
    "x.floor_divide('a')": lambda t, x, m: x.floor_divide("a"),
    "torch.floor_divide(x, 'a')": lambda t, x, m: t.floor_divide(x, "a"),
    "x.fill_('a')": lambda t, x, m: x.fill_("a"),
    "x.copy_('a')": lambda t, x, m: x.copy_("a"),
    "x.copy_(2)": lambda t, x, m: x.copy_(2),
    "x.view('a')": lambda t, x, m: x.view("a"),
    "x.view(2.5)": lambda t, x, m: x.view(2.5),
    "x.view(2, 'a')": lambda t, x, m: x.view(2, "a"),
    "x.reshape('a')": lambda t, x, m: x.reshape("a"),
    "torch.reshape(x, 'a')": lambda t, x, m: t.reshape(x, "a"),
    "x.reshape(2, 'a')": lambda t, x, m: x.reshape(2, "a"),
    "x.expand('a')": lambda t, x, m: x.expand("a"),
    "x.expand(2, 'a')": lambda t, x, m: x.expand(2, "a"),
    "x.permute('a')": lambda t, x, m: x.permute("a"),
    "x.permute(0, 'a')": lambda t, x, m: x.permute(0, "a"),
    "torch.ones('a')": lambda t, x, m: t.ones("a"),
    "x.maximum(2)": lambda t, x, m: x.maximum(2),
    "torch.maximum(x, 2)": lambda t, x, m: t.maximum(x, 2),
    "torch.maximum(2, x)": lambda t, x, m: t.maximum(2, x),
    "x.dot(2)": lambda t, x, m: x.dot(2),
    "torch.dot(x, 2)": lambda t, x, m: t.dot(x, 2),
    "torch.dot(2, x)": lambda t, x, m: t.dot(2, x),
    "m.mm(2)": lambda t, x, m: m.mm(2),
    "torch.mm(m, 2)": lambda t, x, m: t.mm(m, 2),
    "torch.mm(2, m)": lambda t, x, m: t.mm(2, m),
    "x.matmul(2)": lambda t, x, m: x.matmul(2),
    "torch.matmul(x, 2)": lambda t, x, m: t.matmul(x, 2),
    "m.mv(2)": lambda t, x, m: m.mv(2),
    "torch.mv(m, 2)": lambda t, x, m: t.mv(m, 2),
    "x.expand_as(2)": lambda t, x, m: x.expand_as(2),
    "x.view_as(2)": lambda t, x, m: x.view_as(2),
    "x.reshape_as(2)": lambda t, x, m: x.reshape_as(2),
    "torch.sum(2)": lambda t, x, m: t.sum(2),
    "torch.exp(2)": lambda t, x, m: t.exp(2),
    "torch.abs('a')": lambda t, x, m: t.abs("a"),
    "torch.mean([1.0])": lambda t, x, m: t.mean([1.0]),
    "torch.clone(2)": lambda t, x, m: t.clone(2),
    "torch.t(2)": lambda t, x, m: t.t(2),
    "torch.cat(x)": lambda t, x, m: t.cat(x),
}


@pytest.mark.parametrize("call", list(CALLS))
def test_argument_of_the_wrong_type(call):
    check(lambda t: CALLS[call](t, t.ones(2), t.ones(2, 2)))
