"""What backward finds of the tensors an op saved: torch's SavedVariable holds a saved input itself, so an input that
lost its grad_fn (detach_) fails the backward, even when the user dropped it, and a modified input is named by its
grad_fn at the time of the error. Found by the fifth thorough program run (inplace_versions)."""
import pytest

from _refcompare import check


def _saved_input_detached(torch):
    x = torch.ones(3, requires_grad=True)
    y = x + 2
    z = x * y               # saves y for x's grad
    y.detach_()
    z.sum().backward()


def _detached_and_written(torch):  # the detach_ check comes before the version check
    x = torch.ones(3, requires_grad=True)
    y = x + 2
    z = x * y
    y.detach_()
    y.add_(1)
    z.sum().backward()


def _detached_then_requires_grad_again(torch):  # a leaf now: still no grad_fn
    x = torch.ones(3, requires_grad=True)
    y = x + 2
    z = x * y
    y.detach_()
    y.requires_grad_()
    z.sum().backward()


def _detached_and_dropped(torch):
    x = torch.ones(3, requires_grad=True)
    y = x + 1
    z = y * x
    y.detach_()
    del y
    z.sum().backward()


def _detached_on_second_backward(torch):
    x = torch.ones(3, requires_grad=True)
    y = x + 2
    z = x * y
    z.sum().backward(retain_graph=True)
    y.detach_()
    z.sum().backward()


def _detached_under_autograd_grad(torch):
    x = torch.ones(3, requires_grad=True)
    y = x + 1
    z = y.pow(2)
    y.detach_()
    return torch.autograd.grad(z.sum(), x)


@pytest.mark.parametrize("program", [_saved_input_detached, _detached_and_written, _detached_then_requires_grad_again,
                                     _detached_and_dropped, _detached_on_second_backward,
                                     _detached_under_autograd_grad])
def test_a_saved_input_detached_in_place_fails_the_backward(program):
    check(program)


def _saved_leaf_detached(torch):  # a leaf had no grad_fn to lose: x just gets no grad
    x = torch.ones(3, requires_grad=True)
    w = torch.ones(3, requires_grad=True)
    z = x * w
    x.detach_()
    z.sum().backward()
    return w.grad, x.grad


def _saved_result_detached(torch):  # tanh saves its result: the node holds it, not the tensor
    x = torch.ones(3, requires_grad=True)
    y = x.tanh()
    z = y.sum()
    y.detach_()
    z.backward()
    return x.grad


def _unneeded_saved_input_detached(torch):  # y is saved only for the grad of x, which needs none
    x = torch.ones(3)
    w = torch.ones(3, requires_grad=True)
    y = w + 2
    z = x * y
    y.detach_()
    z.sum().backward()
    return w.grad


def _view_of_detached_base_saved(torch):  # the view keeps its own grad_fn
    x = torch.ones(3, requires_grad=True)
    b = x + 1
    z = b[1:] * x[1:]
    b.detach_()
    z.sum().backward()
    return x.grad


@pytest.mark.parametrize("program", [_saved_leaf_detached, _saved_result_detached, _unneeded_saved_input_detached,
                                     _view_of_detached_base_saved])
def test_other_detaches_leave_the_backward_alone(program):
    check(program)


def test_a_dropped_input_written_through_a_view_is_named_by_its_grad_fn_now():
    def program(torch):
        a = torch.ones(3, requires_grad=True)
        w = torch.ones(3, requires_grad=True)
        x = a + 1
        v = x[:2]
        z = x * w
        del x
        v.add_(1)       # x's grad_fn is CopySlices now, though only the saved input still holds x
        z.sum().backward()
    check(program)


BOTH_WRITTEN = {
    "mul": lambda t, a, b: a * b, "div": lambda t, a, b: a / b, "pow": lambda t, a, b: a.pow(b),
    "mm": lambda t, a, b: a.mm(b), "matmul": lambda t, a, b: a @ b, "mv": lambda t, a, b: a.mv(b[0]),
    "dot": lambda t, a, b: a[0].dot(b[0]), "maximum": lambda t, a, b: t.maximum(a, b),
    "minimum": lambda t, a, b: t.minimum(a, b), "remainder": lambda t, a, b: a.remainder(b),
    "mul inside exp": lambda t, a, b: (a * b).exp(),
}


@pytest.mark.parametrize("op", list(BOTH_WRITTEN))
def test_both_saved_inputs_written_names_the_one_torch_checks_first(op):
    """torch unpacks saved inputs in its argument names' order (other_ before self_): Node.unpack_reversed."""
    def program(torch):
        x = torch.ones(2, 2, requires_grad=True)
        y = torch.ones(2, 2, requires_grad=True)
        a, b = x * 1, y * 1
        out = BOTH_WRITTEN[op](torch, a, b)
        a.sub_(1)
        b.div_(1)
        out.sum().backward()
    check(program)


def test_a_saved_view_of_a_written_base_is_named_as_strided():
    def program(torch):  # the sixth thorough run's inplace_versions program
        v2 = torch.tensor([[], []], dtype=torch.float32, requires_grad=True)
        v7 = v2 / 2
        v9 = v7.view_as(v7)
        v10 = torch.mul(v7, v9)
        v14 = v10.view(-1, 2)
        v7.add_(2)
        v14.sum().backward()
    check(program)
