"""The GPU path: device moves, autograd across devices, DLPack, and the vectorised binary kernels.

The DLPack tests run everywhere (the CPU has DLPack too); the rest needs CuPy and a GPU and is skipped
with that reason otherwise (CI has no GPU; scripts/gpu_check.sh runs this file on a lent one).
"""
import numpy as np
import pytest
import torch

import reference
from conformance.compare import device_close

GPU = reference.cuda.is_available() and torch.cuda.is_available()
needs_gpu = pytest.mark.skipif(not GPU, reason="needs CuPy and torch to see a CUDA GPU")


# ---- DLPack (any device) ----------------------------------------------------------------------------
def test_torch_views_reference_memory_through_dlpack():
    a = reference.ones(2, 3)
    torch.from_dlpack(a).add_(1)  # zero copy: the write shows in a
    assert a.tolist() == [[2.0] * 3] * 2


def test_from_dlpack_keeps_strides_dtype_and_memory():
    arr = np.arange(6.0).reshape(2, 3).T
    t = reference.from_dlpack(arr)
    assert (t.stride(), str(t.dtype), t.tolist()) == ((1, 3), "torch.float64", arr.tolist())
    arr[0, 0] = 7.0
    assert t[0, 0].item() == 7.0
    assert reference.from_dlpack(torch.arange(4, dtype=torch.int32)).tolist() == [0, 1, 2, 3]


def test_dlpack_export_refuses_tensors_that_require_grad():
    x = reference.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="require gradient"):
        torch.from_dlpack(x)
    with pytest.raises(TypeError, match="__dlpack__"):
        reference.from_dlpack([1, 2])


def test_device_close_judges_through_dlpack():
    want = torch.tensor([1.0, 2.0, float("nan")])
    assert device_close(reference.tensor([1.0, 2.0, float("nan")]), want, 1.3e-6, 1e-5) is True
    assert device_close(reference.tensor([1.0, 2.5, float("nan")]), want, 1.3e-6, 1e-5) is False
    assert device_close(reference.tensor([1.0, 2.0]), want, 1.3e-6, 1e-5) is None  # shape: the host path says it
    assert device_close([1.0, 2.0, 3.0], want, 1.3e-6, 1e-5) is None  # no DLPack at all

    class BrokenExport:
        shape, dtype = (3,), "float32"

        def __dlpack__(self, *args, **kwargs):
            raise RuntimeError("export failed")

        def __dlpack_device__(self):
            return (1, 0)

    assert device_close(BrokenExport(), want, 1.3e-6, 1e-5) is None


# ---- the GPU itself ---------------------------------------------------------------------------------
@needs_gpu
def test_moves_between_devices_copy_and_keep_values():
    a = reference.arange(6.0).reshape(2, 3)
    g = a.cuda()
    assert (str(g.device), g.is_cuda, g.to("cuda") is g) == ("cuda:0", True, True)
    assert g.cpu().tolist() == a.tolist() and g.to("cpu", reference.float64).dtype == reference.float64
    with pytest.raises(TypeError, match=r"can't convert cuda:0 device type tensor to numpy"):
        g.numpy()
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        g + a


@needs_gpu
def test_grad_flows_back_across_devices():
    x = reference.ones(2, 3, requires_grad=True)
    y = (x.cuda() * 3).cpu().sum()
    y.backward()
    assert x.grad.device.type == "cpu" and x.grad.tolist() == [[3.0] * 3] * 2
    w = reference.ones(4, device="cuda", requires_grad=True)
    v = w * w
    v.retain_grad()
    seen = []
    v.register_hook(lambda g: seen.append(str(g.device)))
    v.sum().backward()
    assert str(w.grad.device) == "cuda:0" and w.grad.cpu().tolist() == [2.0] * 4
    assert (str(v.grad.device), seen) == ("cuda:0", ["cuda:0"])


@needs_gpu
def test_gpu_tensors_are_shared_with_torch_through_dlpack():
    a = reference.zeros(3, device="cuda")
    t = torch.from_dlpack(a)
    assert t.device.type == "cuda"
    t.add_(2)
    assert a.cpu().tolist() == [2.0] * 3
    b = reference.from_dlpack(torch.ones(2, device="cuda"))
    assert str(b.device) == "cuda:0" and b.cpu().tolist() == [1.0, 1.0]


@needs_gpu
@pytest.mark.parametrize("op", ["add", "subtract", "multiply"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_vectorised_kernels_equal_cupy_bit_for_bit(op, dtype):
    import cupy
    from reference._cuda_kernels import UNROLLS, BinaryKernels

    ufunc = getattr(np, op)
    for unroll in UNROLLS:
        kernels = BinaryKernels(cupy, unroll)
        for n in (1, 3, 9, 17, 1 << 16, (1 << 16) + 3, 3 * (1 << 15) + 5, (1 << 20) + 7):
            x = cupy.asarray(np.random.default_rng(n).uniform(-1e3, 1e3, n).astype(dtype))
            y = cupy.asarray(np.random.default_rng(n + 1).uniform(-1e3, 1e3, n).astype(dtype))
            for a, b in ((x, y), (x[1:], y[1:])):  # the offset views are misaligned: CuPy's own kernel runs
                got, want = kernels(ufunc, a, b), ufunc(a, b)
                assert got.dtype == want.dtype and bool((got == want).all()), (op, dtype, n, unroll)
        assert kernels.status == "on", kernels.status


@needs_gpu
def test_tensor_add_uses_the_kernel_and_matches_torch():
    n = (1 << 20) + 5
    a, b = reference.rand(n, device="cuda"), reference.rand(n, device="cuda")
    ta, tb = torch.from_dlpack(a), torch.from_dlpack(b)
    assert torch.equal(torch.from_dlpack(a + b), ta + tb)
    assert torch.equal(torch.from_dlpack(a * b), ta * tb)
    assert reference._device.backend_for("cuda").binary.status == "on"


@needs_gpu
def test_device_moves_keep_torch_strides():
    def strides(m):
        a = m.arange(6.0).reshape(2, 3).t()
        return [t.stride() for t in (a.cuda(), a.cuda().cpu(), a.cuda().to("cpu", m.float64), a.cuda()[:, :1].cpu())]
    assert strides(reference) == strides(torch)


@needs_gpu
def test_operators_reach_the_kernels():
    # `a + b` and `a * b` have their own hot path; it must route through the backend's kernels too.
    kernels = reference._device.backend_for("cuda").binary
    calls = []
    original = kernels.__class__.__call__

    def counting(self, ufunc, x, y):
        calls.append(ufunc.__name__)
        return original(self, ufunc, x, y)

    kernels.__class__.__call__ = counting
    try:
        a = reference.ones(3, 3, device="cuda")
        a + a, a * a, a - a
    finally:
        kernels.__class__.__call__ = original
    assert calls == ["add", "multiply", "subtract"]
