"""A leaf's first grad: torch's AccumulateGrad takes over a grad nobody else holds when it obeys the leaf's layout
contract, and otherwise copies it (clone_obey_contract: new memory with the leaf's exact strides, filled by copy_,
so version 1; a non-dense leaf's is a contiguous clone, version 0). Which one happens is visible in .grad's
strides, its version counter and whether it shares memory with a gradient= tensor. Whether a backward formula
hands the grad itself on (squeeze of no size-1 dim, alias) or a new view of it (t(), expand) decides it."""
import pytest

from _refcompare import check


def _grad_state(x):
    g = x.grad
    return g.tolist(), tuple(g.stride()), g._version


FIRST_GRADS = {  # name: (leaf shape, loss of the leaf)
    "sum_of_leaf": ((2, 3), lambda x: x.sum()),  # an expand view: copied, version 1
    "sum_of_product": ((2, 3), lambda x: (x * 2).sum()),  # a new grad: taken over, version 0
    "mean": ((2, 3), lambda x: x.mean()),  # expand, then divide: a new grad
    "mean_dim": ((2, 3), lambda x: x.mean(0).sum()),
    "sum_dim_keepdim": ((2, 1), lambda x: x.sum(1, keepdim=True).sum()),
    "zero_dim_sum": ((), lambda x: x.sum()),  # an expand to (): a plain view, taken over
}


@pytest.mark.parametrize("case", sorted(FIRST_GRADS))
def test_first_grad_layout_and_version(case):
    shape, loss = FIRST_GRADS[case]

    def fn(torch):
        x = torch.ones(shape, requires_grad=True)
        loss(x).backward()
        return _grad_state(x)
    check(fn)


@pytest.mark.parametrize("make", ["t", "permute"])
def test_copied_grad_keeps_the_leafs_strides_of_size_one_dims(make):
    def fn(torch):
        base = torch.ones(1, 3)
        x = (base.t() if make == "t" else base.permute(1, 0)).requires_grad_()
        x.sum().backward()
        return _grad_state(x)
    check(fn)


def test_non_dense_leaf_gets_a_contiguous_clone_at_version_zero():
    def fn(torch):
        x = torch.ones(3, 3)[:, :2].requires_grad_()
        x.sum().backward()
        return _grad_state(x)
    check(fn)


def test_second_backward_adds_in_place_after_the_copy():
    def fn(torch):
        x = torch.ones(2, 3, requires_grad=True)
        g = torch.ones(3, 2)
        x.t().backward(gradient=g)
        x.t().backward(gradient=g)
        return _grad_state(x), g._version
    check(fn)


def test_zero_dim_t_of_the_gradient_is_taken_over():
    # t() of a 0-dim grad is a new view of the user's gradient: torch makes it the leaf's grad, so the next
    # accumulation writes the user's tensor (here the leaf itself) and regenerates the view's grad_fn
    def fn(torch):
        v1 = torch.tensor(1., requires_grad=True)
        v2 = v1.t()
        v2.backward(gradient=v1)
        first = type(v2.grad_fn).__name__
        v1.sum().backward()
        return first, v1.item(), v1.grad.item(), type(v2.grad_fn).__name__, v1._version
    check(fn)


@pytest.mark.parametrize("view", ["squeeze0", "squeeze", "alias"])
def test_grad_handed_on_unchanged_is_copied(view):
    # squeeze of no size-1 dim and an alias hand the user's gradient itself on: held by the caller, so copied
    def fn(torch):
        x = torch.ones(2, 3, requires_grad=True)
        y = {"squeeze0": lambda: x.squeeze(0), "squeeze": lambda: x.squeeze(), "alias": lambda: x[...]}[view]()
        g = torch.ones(2, 3)
        y.backward(gradient=g)
        x.sum().backward()
        return _grad_state(x), g.tolist(), g._version
    check(fn)


def test_keepdim_sum_grad_is_a_view_of_the_users_gradient():
    def fn(torch):
        x = torch.ones(2, 1, requires_grad=True)
        g = torch.ones(2, 1)
        x.sum(1, keepdim=True).backward(g)
        g.add_(1)
        return _grad_state(x), g._version
    check(fn)


@pytest.mark.parametrize("make", ["cat", "stack", "cat_gradient"])
def test_a_taken_over_view_of_a_backward_buffer_keeps_its_storage(make):
    # cat's and stack's backward narrow one grad buffer per input: torch's AccumulateGrad takes each view over as
    # it is, so b.grad sits at an offset in a storage the size of the whole buffer
    def fn(torch):
        a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
        if make == "cat":
            (torch.cat([a, b]) * 2).sum().backward()
        elif make == "stack":
            (torch.stack([a, b]) * 3).sum().backward()
        else:
            torch.cat([a, b]).backward(torch.arange(4.0))
        return [(g.storage_offset(), g.untyped_storage().nbytes(), g._version, g.tolist()) for g in (a.grad, b.grad)]
    check(fn)
