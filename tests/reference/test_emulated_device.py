"""The device-discipline check: the whole conformance suite against the reference running on a strict
CuPy stand-in (tests/reference/emulated_device/), judged by torch on the CPU. CI has no GPU, and this is
how it still catches op code that only works on NumPy arrays; scripts/gpu_check.sh checks real GPUs."""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "emulated_device"


def test_reference_passes_the_suite_on_the_strict_cupy_stand_in():
    cmd = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
           f"--impl={HERE / 'backend.py'}", f"--skips-file={HERE / 'skips.txt'}"]
    env = dict(os.environ, CI="true")  # the derandomised profile: the same cases every run
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    tail = "\n".join(done.stdout.splitlines()[-40:])
    assert done.returncode == 0 and " 0 failed, 0 error" in done.stdout, tail
    passed = int(re.search(r"counts +(\d+) passed", done.stdout).group(1))
    assert passed >= 400, tail  # the run really exercised the suite, not only skips


def test_the_stand_in_refuses_what_cupy_refuses():
    sys.path.insert(0, str(HERE))
    try:
        import numpy as np
        import pytest
        import strict_cupy as cp
    finally:
        sys.path.remove(str(HERE))
    a = cp.asarray(np.arange(3.0))
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(a)
    with pytest.raises(TypeError, match="Unsupported type"):
        np.add(a, np.ones(3))
    with pytest.raises(TypeError):
        np.delete(a, 0)
    assert type(a.sum()) is cp.ndarray and float(a.sum()) == 3.0  # reductions stay on the device
