"""When a --device=cuda run skips everything, and why: no CUDA for torch, or a backend that declares none."""
from types import SimpleNamespace

try:
    import cupy
except ImportError:  # the CPU machines: no CuPy, so no GPU for the reference either
    cupy = None

from conformance.backend import Backend
from conformance.conftest import cuda_skip_reason


def _backend(cuda):
    module = SimpleNamespace(cuda=cuda) if cuda is not None else SimpleNamespace()
    return Backend(name="mini", module=module, version="0", origin="here", import_line="import mini as torch")


def _says(value):
    def is_available():
        if isinstance(value, Exception):
            raise value
        return value
    return SimpleNamespace(is_available=is_available)


def test_no_cuda_for_the_oracle_skips_whatever_the_backend_says():
    assert "torch.cuda.is_available() is False" in cuda_skip_reason(False, _backend(_says(True)))


def test_a_backend_that_declares_no_cuda_is_skipped_with_its_name():
    reason = cuda_skip_reason(True, _backend(_says(False)))
    assert reason.startswith("mini.cuda.is_available() is False")


def test_backends_that_claim_cuda_or_say_nothing_are_judged():
    for cuda in (_says(True), None, SimpleNamespace(), _says(RuntimeError("driver")), _says(0)):
        assert cuda_skip_reason(True, _backend(cuda)) is None


def _gpu_really_there() -> bool:
    """Independently of the reference's own answer: CuPy imports and its runtime counts a device."""
    if cupy is None:
        return False
    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no driver or no device: no GPU for the reference
        return False


def test_the_reference_declares_its_cuda_honestly():
    import reference
    there = _gpu_really_there()
    assert reference.cuda.is_available() is there  # judged against the machine, not against itself
    reason = cuda_skip_reason(True, Backend("reference", reference, "", "", "import reference as torch"))
    assert (reason is None) is there
