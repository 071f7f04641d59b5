"""Autograd divergences found by the program-test campaign (issue 12, D2-D46): each test runs the same snippet
under torch and under reference (`check`), so torch computes the expectation in the same run."""
from _refcompare import check


def _names(fn):
    return [None if f is None else type(f).__name__ for f, _ in fn.next_functions]


# ---- D2: numpy() of a tensor that requires grad is refused only while grad mode is on -------------------------
def test_d2_numpy_under_no_grad():
    def fn(torch):
        x = torch.ones(2, requires_grad=True)
        with torch.no_grad():
            return x.numpy().copy()
    check(fn)


def test_d2_numpy_with_grad_mode_still_refused():
    check(lambda torch: torch.ones(2, requires_grad=True).numpy())


# ---- D22: an operand that the in-place write changes keeps its pre-write edge and version -------------------
def test_d22_view_times_itself_links_old_view_node():
    def fn(torch):
        x = torch.zeros(2, 1, 3, requires_grad=True)
        y = x - 0.0
        v = y.squeeze()
        v.mul_(v)
        return type(y.grad_fn).__name__, _names(y.grad_fn)
    check(fn)


def test_d22_sibling_view_operand_links_its_own_node():
    def fn(torch):
        y = torch.ones(4, requires_grad=True) * 2
        a, b = y[:2], y[2:]
        a.add_(b)
        names = _names(y.grad_fn)
        y.sum().backward()
        return names
    check(fn)


def test_d22_self_times_self_then_backward_is_refused():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x * 2
        y.mul_(y)
        y.sum().backward()
        return x.grad
    check(fn)


def test_d22_view_times_itself_then_backward_is_refused():
    def fn(torch):
        x = torch.zeros(2, 1, 3, requires_grad=True)
        v = (x - 0.0).squeeze()
        v.mul_(v)
        v.sum().backward()
        return x.grad
    check(fn)


# ---- D26: Mul/Div save (and version-check) an input only for the gradient that reads it ---------------------
def test_d26_mul_by_constant_does_not_save_self():
    def fn(torch):
        x = torch.zeros(3, requires_grad=True)
        y = x * 1
        z = torch.mul(y, torch.tensor(True))
        y.add_(1)
        z.sum().backward()
        return x.grad
    check(fn)


def test_d26_constant_times_tensor_does_not_save_tensor():
    def fn(torch):
        x = torch.zeros(3, requires_grad=True)
        y = x * 1
        z = torch.tensor([1.0, 2.0, 3.0]) * y
        y.add_(1)
        z.sum().backward()
        return x.grad
    check(fn)


def test_d26_mul_of_two_grad_tensors_still_checked():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x * 1
        z = y * x
        y.add_(1)
        z.sum().backward()
        return x.grad
    check(fn)


def test_d26_div_by_constant_does_not_save_self():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x * 1
        z = y / torch.tensor([2.0, 4.0, 8.0])
        y.mul_(3)
        z.sum().backward()
        return x.grad
    check(fn)


def test_d26_constant_over_tensor_saves_divisor():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x * 2
        z = torch.tensor([2.0, 4.0, 8.0]) / y
        w = torch.div(torch.tensor([1.0, 1.0, 1.0]), y)
        y.mul_(3)
        (z + w).sum().backward()
        return x.grad
    check(fn)


def test_d26_div_divisor_modified_with_self_requiring_grad():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        d = torch.full((3,), 2.0)
        z = x / d
        d.add_(1)
        z.sum().backward()
        return x.grad
    check(fn)


# ---- D27: the version error names a saved input's grad_fn at the time of the error --------------------------
def test_d27_input_written_through_a_view_is_named_copyslices():
    def fn(torch):
        x = torch.ones(1, 3, requires_grad=True)
        y = torch.div(x, x)
        z = y / x
        y[::2] = 0
        (z * x).sum().backward()
    check(fn)


def test_d27_input_written_in_place_is_named_by_its_new_node():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x * 2
        z = y * y
        y.add_(1)
        z.sum().backward()
    check(fn)


def test_d27_saved_result_keeps_its_node():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x.exp()
        y[:2].add_(1)
        (y * 1).sum().backward()
    check(fn)


# ---- D28, D45, D46: a second backward through CopySlices is refused -----------------------------------------
def test_d28_second_backward_through_copyslices():
    def fn(torch):
        x = torch.zeros(2, 3, requires_grad=True)
        y = torch.add(x, x.sum())
        y[:, 0] = 0.5
        y.backward(torch.ones_like(y))
        y.sum().backward()
    check(fn)


def test_d28_retain_graph_allows_a_second_backward():
    def fn(torch):
        x = torch.zeros(2, 3, requires_grad=True)
        y = torch.add(x, x.sum())
        y[:, 0] = 0.5
        y.backward(torch.ones_like(y), retain_graph=True)
        y.sum().backward()
        return x.grad
    check(fn)


def test_d28_copyslices_checks_the_saved_tensors_of_its_op():
    def fn(torch):
        x = torch.zeros(3, requires_grad=True)
        w = torch.ones(2, requires_grad=True)
        y = x * 1
        y[:2].mul_(w)
        with torch.no_grad():
            w.add_(1)
        y.sum().backward()
        return x.grad
    check(fn)


def test_d45_freed_graph_reported_before_version():
    def fn(torch):
        x = torch.tensor([-0.0, 0.1, 0.0], requires_grad=True)
        y = -1 * x
        v = y.reshape(3)
        z = v * torch.tensor(float("nan"))
        v.zero_()
        y.backward(gradient=torch.ones(3))
        z.t().mean().backward()
    check(fn)


def test_d46_view_of_mean_multiplied_in_place():
    def fn(torch):
        x = torch.zeros(2, 0, requires_grad=True)
        m = x.mean()
        v = m.view_as(m)
        v.mul_(x.sum())
        m.mean().backward()
        v.contiguous().backward(retain_graph=True)
    check(fn)


# ---- D42: backward(gradient=) checks the gradient's shape before the output's history -----------------------
def test_d42_shape_checked_before_requires_grad():
    check(lambda torch: torch.zeros(2, 2).backward(gradient=torch.zeros(1, 3)))


def test_d42_no_grad_output_with_right_shape():
    check(lambda torch: torch.zeros(2, 2).backward(gradient=torch.zeros(2, 2)))


# ---- D30: a retained non-leaf grad is a contiguous clone, then grad + new grad (a new tensor) ----------------
def test_d30_retained_grad_of_transposed_view_is_contiguous():
    def fn(torch):
        x = torch.zeros(3, 2, requires_grad=True)
        v = x.t()
        w = v * v
        v.retain_grad()
        w.sum().backward()
        return v.grad.stride(), v.grad
    check(fn)


def test_d30_second_retained_grad_is_a_new_tensor():
    def fn(torch):
        x = torch.ones(3, 2, requires_grad=True)
        v = x.t()
        w = v * v
        v.retain_grad()
        w.sum().backward(retain_graph=True)
        first = v.grad
        (w * 2).sum().backward()
        return v.grad is first, first._version, first, v.grad, v.grad.stride()
    check(fn)


# ---- D32: retain_grad() follows the tensor to the grad_fn an in-place write gives it ------------------------
def test_d32_retain_grad_then_in_place():
    def fn(torch):
        x = torch.ones(2, requires_grad=True)
        y = x + 0.5
        y.retain_grad()
        y.neg_()
        y.backward(torch.ones(2))
        return y.grad
    check(fn)


def test_d32_retain_grad_then_two_in_place_ops():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x * 1
        y.retain_grad()
        z = y * 4
        y.mul_(2)
        y.mul_(3)
        (y + z).sum().backward()
        return y.grad, y.retains_grad
    check(fn)


def test_d32_retain_grad_on_base_written_through_view():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x + 0.5
        y.retain_grad()
        y[:2].mul_(3)
        y.backward(torch.ones(3))
        return y.grad
    check(fn)


def test_d32_retain_grad_on_view_whose_base_is_written():
    def fn(torch):
        x = torch.ones(3, requires_grad=True)
        y = x + 0.5
        v = y[:2]
        v.retain_grad()
        y.mul_(3)
        (v * 2).sum().backward()
        return v.grad
    check(fn)


# ---- D43: a view regenerated after its base was detach_()ed links no edge -----------------------------------
def test_d43_view_of_detached_base_written_under_no_grad():
    def fn(torch):
        x = torch.zeros(1, 3, requires_grad=True)
        y = 2 + x
        v = y.t()
        y.detach_()
        with torch.no_grad():
            v.add_(1)
        return type(v.grad_fn).__name__, _names(v.grad_fn), v.requires_grad, v.is_leaf
    check(fn)


# ---- D20 (fix-q2's request): retain_grad() tests the stored grad_fn, so a no_grad view is a leaf there -------
def test_d20_retain_grad_of_no_grad_view_written_in_place():
    def fn(torch):
        x = torch.zeros(0, dtype=torch.float16, requires_grad=True)
        with torch.no_grad():
            v = x.t()
            v.add_(x)
            v.retain_grad()
        return v.retains_grad
    check(fn)


def test_d20_retain_grad_of_no_grad_view_whose_base_was_written():
    def fn(torch):
        x = torch.tensor([[-2.0, -0.0, 0.1], [-2.0, 0.1, 1.0]], dtype=torch.float64, requires_grad=True)
        with torch.no_grad():
            v10 = x.t()
            v11 = x.view(-1, 1)
            v10.div_(torch.tensor(2))
            v11.retain_grad()
        return v11.retains_grad, v11.requires_grad
    check(fn)


# ---- D29, D31: AccumulateGrad takes over a grad nobody else holds when it obeys the leaf's layout contract ---
def test_d29_grad_of_a_view_of_the_users_gradient_aliases_it():
    def fn(torch):
        x = torch.tensor(3.25, dtype=torch.float64, requires_grad=True)
        v = x.flatten()
        v.backward(gradient=v)
        alias = x.grad.data_ptr() == x.data_ptr()
        (x * 2).backward()
        return alias, x.detach().clone()
    check(fn)


def test_d29_second_backward_accumulates_into_the_taken_over_grad():
    def fn(torch):
        x = torch.tensor([[0.0, 1e10, 100.0]], requires_grad=True)
        s = x.squeeze()
        r = x.reshape(3, 1)
        r.backward(gradient=r, retain_graph=True)
        s.mean().backward()
        return x.detach().clone(), x.grad
    check(fn)


def test_d29_users_gradient_given_to_a_leaf_is_copied():
    def fn(torch):
        x = torch.zeros(3, requires_grad=True)
        g = torch.ones(3)
        x.backward(g)
        g.mul_(5)
        return x.grad, x.grad.data_ptr() == g.data_ptr()
    check(fn)


def test_d29_grad_shared_by_two_leaves_is_not_aliased():
    def fn(torch):
        x = torch.zeros(3, requires_grad=True)
        y = torch.zeros(3, requires_grad=True)
        ((x + y) * 2).sum().backward()
        same = x.grad.data_ptr() == y.grad.data_ptr()
        (x * 3).sum().backward()
        return same, x.grad, y.grad
    check(fn)


def test_d31_leaf_grad_keeps_the_size_one_stride_of_a_taken_over_grad():
    def fn(torch):
        x = torch.ones(1, 3, requires_grad=True)
        x.permute(1, 0).mean().backward()
        return x.grad.stride(), x.grad
    check(fn)


def test_d31_expanded_grad_is_copied_in_the_leafs_strides():
    def fn(torch):
        x = torch.ones(3, 2, requires_grad=True)
        x.t().sum().backward()
        return x.grad.stride(), x.grad
    check(fn)
