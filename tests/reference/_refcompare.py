"""Run the same snippet against torch and against reference, and compare what comes out."""
import math

import numpy as np
import torch

import reference


def outcome(fn, mod):
    """('ok', value) or ('raise', exception type name, message)."""
    try:
        return ("ok", fn(mod))
    except Exception as exc:  # the point is to compare torch's and our exceptions
        return ("raise", type(exc).__name__, str(exc))


def as_plain(x):
    """Comparable Python data from a result: tensors become (dtype name, shape, values, requires_grad)."""
    if isinstance(x, (torch.Tensor, reference.Tensor)):
        t = x.detach()
        vals = t.cpu().numpy() if isinstance(x, torch.Tensor) else t.numpy()
        return ("tensor", str(x.dtype).replace("torch.", ""), tuple(x.shape), vals, x.requires_grad)
    if isinstance(x, np.ndarray):
        return ("tensor", "ndarray:" + str(x.dtype), x.shape, x, False)
    if isinstance(x, (torch.dtype, reference.dtype)):
        return ("dtype", repr(x))
    if isinstance(x, (tuple, list)):
        return type(x).__name__ if not hasattr(x, "_fields") else "tuple", [as_plain(v) for v in x]
    if isinstance(x, (torch.Size, reference.Size)):
        return ("size", tuple(x))
    return x


def assert_same(a, b, rtol=1e-6, atol=1e-6, path="result"):
    if isinstance(a, tuple) and a and a[0] == "tensor":
        assert isinstance(b, tuple) and b and b[0] == "tensor", f"{path}: torch gave a tensor, reference {b!r}"
        assert a[1] == b[1], f"{path}: dtype torch {a[1]} vs reference {b[1]}"
        assert a[2] == b[2], f"{path}: shape torch {a[2]} vs reference {b[2]}"
        assert a[4] == b[4], f"{path}: requires_grad torch {a[4]} vs reference {b[4]}"
        if a[3].dtype.kind in "fc":
            np.testing.assert_allclose(b[3], a[3], rtol=rtol, atol=atol, equal_nan=True, err_msg=path)
        else:
            np.testing.assert_array_equal(b[3], a[3], err_msg=path)
        return
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[1], list):
        assert isinstance(b, tuple) and len(b[1]) == len(a[1]), f"{path}: torch {a!r} vs reference {b!r}"
        for i, (x, y) in enumerate(zip(a[1], b[1])):
            assert_same(x, y, rtol, atol, f"{path}[{i}]")
        return
    if isinstance(a, float) and isinstance(b, float) and (math.isnan(a) or math.isnan(b)):
        assert math.isnan(a) and math.isnan(b), path
        return
    # Python scalars by type and value: `3 == 3.0 == True` must not pass for an int, a float or a bool.
    assert type(b) is type(a), f"{path}: torch {a!r} ({type(a).__name__}) vs reference {b!r} ({type(b).__name__})"
    if isinstance(a, float):
        assert b == a or (math.isfinite(a) and abs(b - a) <= atol + rtol * abs(a)), f"{path}: torch {a!r} vs reference {b!r}"
        return
    assert a == b, f"{path}: torch {a!r} vs reference {b!r}"


def check(fn, message=True, rtol=1e-6, atol=1e-6):
    """fn(mod) with mod = torch, then reference: same values/dtype/shape, or the same exception."""
    t, r = outcome(fn, torch), outcome(fn, reference)
    if t[0] == "raise":
        assert r[0] == "raise", f"torch raised {t[1]}: {t[2]!r}; reference returned {r[1]!r}"
        assert r[1] == t[1], f"torch raised {t[1]}: {t[2]!r}; reference raised {r[1]}: {r[2]!r}"
        if message:
            assert r[2] == t[2], f"message differs:\n torch:     {t[2]!r}\n reference: {r[2]!r}"
        return
    assert r[0] == "ok", f"torch returned {t[1]!r}; reference raised {r[1]}: {r[2]!r}"
    assert_same(as_plain(t[1]), as_plain(r[1]), rtol, atol)


def broadcast_grads(arrays, weight):
    """{module name: the bytes of a.grad and b.grad} after (a * b).backward(weight) in torch and in reference:
    the grads of broadcast inputs, which torch sums in its own order."""
    grads = {}
    for m in (torch, reference):
        a, b = (m.tensor(x, requires_grad=True) for x in arrays)
        (a * b).backward(m.tensor(weight))
        grads[m.__name__] = (a.grad.numpy().tobytes(), b.grad.numpy().tobytes())
    return grads
