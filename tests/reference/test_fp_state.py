"""Part 5 of issue 12: importing or using the reference leaves NumPy's process-wide floating-point error state
alone, and its ops still warn as torch does (never)."""
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import reference

_ROOT = __file__.rsplit("/tests/", 1)[0]


def test_import_keeps_numpy_error_state():
    code = ("import numpy as np; before = np.geterr(); import reference as r; x = r.tensor([0.0, 3e38]); "
            "(x / 0, x * x, x.log()); print(before == np.geterr())")
    out = subprocess.run([sys.executable, "-c", code], cwd=_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True", out.stderr


CASES = {
    "divide by zero": lambda m: m.tensor([0.0, 1.0]) / 0,
    "overflow add": lambda m: m.tensor([3e38]) + m.tensor([3e38]),
    "overflow mul": lambda m: m.tensor([3e38]) * m.tensor([3e38]),
    "log of zero": lambda m: m.tensor([0.0, -1.0]).log(),
    "sqrt of negative": lambda m: m.tensor([-1.0]).sqrt(),
    "inf minus inf": lambda m: m.tensor([float("inf")]) - m.tensor([float("inf")]),
    "float16 cast overflow": lambda m: m.tensor([1e10], dtype=m.float16),
    "backward through log(0)": lambda m: _backward_log0(m),
    "print inf and nan": lambda m: str(m.tensor([float("inf"), float("nan"), 1.0])),
    "mean of empty": lambda m: m.empty(0).mean(),
    "integer floor division by zero": lambda m: m.tensor([1, 2]) // m.tensor([1, 1]),
}


def _backward_log0(m):
    x = m.tensor([0.0, 1.0], requires_grad=True)
    (x.log() * 0).sum().backward()
    return x.grad


@pytest.mark.parametrize("case", CASES)
def test_warnings_match_torch(case):
    def warned(mod):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            CASES[case](mod)
        return sorted({(w.category.__name__, str(w.message)) for w in caught})
    assert warned(reference) == warned(torch)
