"""Storage semantics: which results alias their input (checked by writing through them), strides,
offsets, view errors and the NumPy bridge, each compared with torch."""
import warnings

import numpy as np
import pytest

from _refcompare import check


def grid(m):
    return m.arange(12.0).reshape(3, 4)


VIEWS = {
    "t": lambda m, x: x.t(), "transpose": lambda m, x: x.transpose(1, 0), "T": lambda m, x: x.T,
    "col": lambda m, x: x[:, 2], "row": lambda m, x: x[2, :], "rows": lambda m, x: x[1:3],
    "step": lambda m, x: x[::2, 1::2], "int": lambda m, x: x[1], "scalar": lambda m, x: x[1, 2],
    "none": lambda m, x: x[None, :, None], "ellipsis": lambda m, x: x[..., 1], "view": lambda m, x: x.view(-1, 6),
    "view1": lambda m, x: x.view(12), "flatten": lambda m, x: x.flatten(), "reshape": lambda m, x: x.reshape(2, 6),
    "unsqueeze": lambda m, x: x.unsqueeze(1), "squeeze": lambda m, x: x.unsqueeze(0).squeeze(),
    "expand": lambda m, x: x[:, :1].expand(3, 5), "permute": lambda m, x: x.permute(1, 0),
    "detach": lambda m, x: x.detach(), "data": lambda m, x: x.data, "narrow": lambda m, x: x.narrow(1, 1, 2),
    "select": lambda m, x: x.select(1, -1), "contiguous": lambda m, x: x.contiguous(),
    "float": lambda m, x: x.float(), "tt_view": lambda m, x: x.t().t().view(12),
    # copies
    "flatten_t": lambda m, x: x.t().flatten(), "reshape_t": lambda m, x: x.t().reshape(12),
    "clone": lambda m, x: x.clone(), "cat": lambda m, x: m.cat([x, x]),
    "contiguous_t": lambda m, x: x.t().contiguous(), "double": lambda m, x: x.double(),
    "fancy": lambda m, x: x[[0, 2]], "mask": lambda m, x: x[x > 4],
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_alias_or_copy_strides_offset_like_torch(name):
    f = VIEWS[name]

    def run(m):
        x = grid(m)
        y = f(m, x)
        before = x.clone()
        shares = y.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
        y[(0,) * y.dim()] = -100
        changed = not bool((x == before).all())
        return (tuple(y.shape), y.stride(), y.storage_offset() if changed else None, changed, y.is_contiguous(),
                x._version, y._version, bool(shares) == changed)
    check(run)


def test_view_errors():
    check(lambda m: m.ones(4, 4).view(5, 3))
    check(lambda m: m.ones(3, 4).t().view(12))
    check(lambda m: m.ones(3, 4).view(-1, -1))
    check(lambda m: m.ones(3, 4).reshape(5, -1))
    check(lambda m: m.ones(3, 4).view(2, -1, 3).stride())
    check(lambda m: m.ones(2, 3, 4).transpose(0, 1).view(3, 8))
    check(lambda m: m.ones(2, 3, 4).permute(1, 0, 2).view(3, 2, 2, 2).stride())
    check(lambda m: m.ones(2, 1, 4).transpose(0, 1).view(8).stride())
    check(lambda m: m.ones(2, 3, 4)[:, 1].view(8).stride())
    check(lambda m: m.ones(2, 2, 2).t())
    check(lambda m: m.ones(3).t().shape)
    check(lambda m: m.ones(3, 4).transpose(0, 2))
    check(lambda m: m.ones(3, 4).unsqueeze(3))
    check(lambda m: m.ones(3, 4).unsqueeze(-3).stride())
    check(lambda m: m.ones(3, 4).expand(2, 3, 4).stride())
    check(lambda m: m.ones(3, 4).expand(3, 5))
    check(lambda m: m.ones(3, 1).expand(-1, 4).stride())
    check(lambda m: m.ones(3, 4).permute(0, 0))
    check(lambda m: m.ones(3, 4).flatten(1, 0))
    check(lambda m: m.ones(3, 4).squeeze(0).shape)


def test_indexing_errors():
    check(lambda m: m.ones(3, 4)[5])
    check(lambda m: m.ones(3, 4)[:, 7])
    check(lambda m: m.ones(3, 4)[0, 0, 0])
    check(lambda m: m.ones(3, 4)[::-1])
    check(lambda m: m.ones(3, 4)[1.5])
    check(lambda m: m.ones(3, 4)[m.tensor([5])])
    check(lambda m: m.ones(3, 4)[m.tensor([1.0])])
    check(lambda m: m.ones(3, 4)[m.tensor([True, False])])
    check(lambda m: m.ones(3, 4)[-4])


@pytest.mark.parametrize("index", [(0,), (slice(1, None),), (slice(None), [0, 2]), ([0, 2], 1), ([1],),
                                   (0, [0, 1]), (slice(None), None, 1), (Ellipsis, None), ([[0, 1], [1, 2]],),
                                   (slice(None), slice(None, None, 2))])
def test_getitem_values(index):
    check(lambda m: m.arange(24).reshape(2, 3, 4)[index])
    check(lambda m: m.arange(24).reshape(2, 3, 4)[m.arange(24).reshape(2, 3, 4) % 3 == 0])


@pytest.mark.parametrize("index", [0, (0, 1), (slice(None), 2), (slice(1, 3),), ([0, 2],), (Ellipsis, 0)])
@pytest.mark.parametrize("value", [7, 2.5, "row", "bad_shape", "str"])
def test_setitem(index, value):
    def run(m):
        x = m.zeros(3, 4)
        v = {"row": m.arange(4.0), "bad_shape": m.ones(3, 2), "str": "a"}.get(value, value)
        try:
            x[index] = v
        except (RuntimeError, TypeError) as e:
            return ("raised", type(e).__name__, x, x._version)
        return x, x._version
    check(run, message=False)


def test_numpy_bridge_shares_memory_both_ways():
    def run(m):
        a = m.ones(5, 4)
        b = a.numpy()
        b = b.reshape(4, -1)
        c = m.from_numpy(b)
        c[0, 0] = 7
        b[3, 4] = 9
        return a, c, type(a.numpy()).__name__, c.dtype
    check(run)
    check(lambda m: m.from_numpy(np.arange(6.0).reshape(2, 3)))
    check(lambda m: m.from_numpy(np.arange(12.0).reshape(3, 4)[:, 1:3]).stride())
    check(lambda m: m.from_numpy(np.arange(12.0).reshape(3, 4).T).stride())
    check(lambda m: m.from_numpy(np.arange(5)[::-1]))
    check(lambda m: m.from_numpy(np.array([1, "a"], dtype=object)))
    check(lambda m: m.from_numpy([1, 2]))
    check(lambda m: m.ones(2, requires_grad=True).numpy())
    check(lambda m: m.ones(2, requires_grad=True).detach().numpy())


def test_from_numpy_of_readonly_array_warns_like_torch():
    import reference
    arr = np.arange(3.0)
    arr.flags.writeable = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reference._from_data._warned_readonly[0] = False
        t = reference.from_numpy(arr)
    assert t.tolist() == [0.0, 1.0, 2.0]
    assert [w.category for w in caught] == [UserWarning]
    assert str(caught[0].message).startswith("The given NumPy array is not writable")


def test_legacy_constructors_alias_tensors():
    def run(m):
        t = m.rand(2, 2) * 0 + 1
        f = m.FloatTensor(t)
        g = m.Tensor(t)
        f[0, 0] = 5
        return t, g, f is t, f.data_ptr() == t.data_ptr()
    check(run)
    check(lambda m: m.FloatTensor(m.ones(2, dtype=m.float64)), message=False)
    check(lambda m: m.FloatTensor([[20, 30, 40], [90, 60, 70]]))
    check(lambda m: m.LongTensor([1.7, 2]))
    check(lambda m: m.DoubleTensor(2, 3).shape)
    check(lambda m: m.Tensor(m.Size([2])).shape)
    check(lambda m: m.Tensor())
    check(lambda m: isinstance(m.ones(2), m.FloatTensor))
    check(lambda m: isinstance(m.ones(2, dtype=m.long), m.FloatTensor))


def test_version_counter():
    def run(m):
        x = m.ones(3)
        v = x[1:]
        d = x.detach()
        data = x.data
        steps = [x._version]
        x.add_(1)
        steps.append((x._version, v._version, d._version, data._version))
        v.mul_(2)
        steps.append((x._version, v._version))
        data.zero_()
        steps.append((x._version, data._version))
        x[0] = 3
        x += 1
        steps.append(x._version)
        return steps
    check(run)


def test_variable_returns_a_new_tensor_sharing_memory():
    import torch
    from torch.autograd import Variable as TV

    import reference
    from reference.autograd import Variable as RV
    for m, V in ((torch, TV), (reference, RV)):
        x = m.ones(4, 3)
        v = V(x, requires_grad=True)
        assert v is not x and v.data_ptr() == x.data_ptr() and v.requires_grad and not x.requires_grad


def test_clone_and_to_keep_empty_likes_strides_for_size_one_dims():
    # torch keeps a dense input's own strides, even the stride of a size-1 dim: (3, 1) with (1, 3).
    check(lambda m: [t.stride() for t in (m.arange(6.0).reshape(2, 3).t()[:, :1].clone(),
                                          m.arange(6.0).reshape(2, 3).t()[:, :1].to(m.float64),
                                          m.arange(6.0).reshape(2, 3).t()[::2].clone(),
                                          m.ones(3, 1).expand(3, 4).to(m.int64))])
