"""A tiny stand-in for the kit: a conftest wiring conformance.record, and fake conformance tests.

The fake tests set the same user_properties the kit sets (section, case, check, dtype, device,
and on failure repro/expected/actual/message), so the record and the reports are exercised
exactly as the kit will drive them, without needing the kit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

KIT_ENV = {
    "impl": "fakeimpl", "impl_version": "0.0.1", "impl_origin": "/somewhere/fakeimpl/__init__.py",
    "device": "cpu", "device_name": "Fake CPU", "profile": "ci", "seed": 1234,
}

CONFTEST = """
import json
import conformance.record as record
from conformance.schema import ENV

def pytest_addoption(parser):
    record.add_options(parser)

def pytest_configure(config):
    config.stash[ENV] = json.loads({env!r})
    record.configure(config)
"""

# Sections and checks as the kit would name them; every outcome the record knows appears.
FAKE_TESTS = '''
import os
import pytest

SECTIONS = {
    "create": ("How to create tensors?", 1),
    "add": ("Add tensors", 5),
    "transpose": ("Transpose", 7),
}

def meta(request, section, case, check, dtype="float32", device="cpu", **extra):
    title, order = SECTIONS[section]
    props = request.node.user_properties
    props += [("section", section), ("section_title", title), ("section_order", order),
              ("case", case), ("check", check), ("dtype", dtype), ("device", device)]
    props += list(extra.items())

def fail_with(request, message, repro, expected, actual):
    request.node.user_properties += [("repro", repro), ("expected", expected), ("actual", actual),
                                     ("message", message)]
    pytest.fail(message, pytrace=False)

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_create_zeros_values(request, dtype):
    meta(request, "create", "zeros", "values", dtype, tolerance={"rtol": 1.3e-6, "atol": 1e-5})

def test_create_zeros_shape(request):
    meta(request, "create", "zeros", "shape", "-")

def test_create_rand_distribution(request):
    meta(request, "create", "rand", "distribution", hypothesis_seed=42)
    pytest.skip("no RNG in this backend")

def test_add_operator_values(request):
    meta(request, "add", "add_operator", "values")

def test_add_inplace_memory(request):
    meta(request, "add", "add_inplace", "memory")
    fail_with(request, "add_ changed the storage: expected the same data_ptr",
              "import fakeimpl as torch\\nx = torch.ones(2, 2)\\nx.add_(1)",
              "tensor([[2., 2.],\\n        [2., 2.]])", "tensor([[1., 1.],\\n        [1., 1.]])")

def test_add_grad_blocked(request):
    meta(request, "add", "add_operator", "grad", blocked_by="test_fake.py::test_add_inplace_memory")
    pytest.skip("blocked by test_fake.py::test_add_inplace_memory")

@pytest.mark.xfail(reason="known printing difference, see issue 12")
def test_add_printing_xfail(request):
    meta(request, "add", "add_operator", "printing")
    assert False

@pytest.mark.xfail(reason="was broken once")
def test_add_errors_xpass(request):
    meta(request, "add", "add_shapes", "errors")

@pytest.fixture
def broken_fixture():
    raise RuntimeError("fixture exploded")

def test_transpose_setup_error(request, broken_fixture):
    meta(request, "transpose", "t", "values")

@pytest.fixture
def bad_teardown():
    yield
    raise RuntimeError("teardown exploded")

def test_transpose_teardown_error(request, bad_teardown):
    meta(request, "transpose", "t", "shape", "-")

def test_transpose_values_fail(request):
    meta(request, "transpose", "T", "values", "float64")
    fail_with(request, "values differ at index (0, 1)", "import fakeimpl as torch\\ntorch.ones(2, 3).T",
              "tensor([[1., 1.], [1., 1.], [1., 1.]])", "tensor([[1., 1., 1.], [1., 1., 1.]])")

def test_plain_without_metadata():
    assert 1 + 1 == 2

def test_plain_failure_without_metadata():
    assert [1, 2] == [1, 3]
'''

# Each expected outcome by test name (the nodeid is test_fake.py::<name>).
EXPECTED_OUTCOMES = {
    "test_create_zeros_values[float32]": "passed",
    "test_create_zeros_values[float64]": "passed",
    "test_create_zeros_shape": "passed",
    "test_create_rand_distribution": "skipped",
    "test_add_operator_values": "passed",
    "test_add_inplace_memory": "failed",
    "test_add_grad_blocked": "blocked",
    "test_add_printing_xfail": "xfailed",
    "test_add_errors_xpass": "xpassed",
    "test_transpose_setup_error": "error",
    "test_transpose_teardown_error": "error",
    "test_transpose_values_fail": "failed",
    "test_plain_without_metadata": "passed",
    "test_plain_failure_without_metadata": "failed",
}


def write_suite(folder: Path, tests: str = FAKE_TESTS, env: dict = KIT_ENV, name: str = "test_fake.py") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conftest.py").write_text(textwrap.dedent(CONFTEST.format(env=json.dumps(env))))
    (folder / name).write_text(tests)
    return folder


def run_pytest(folder: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """pytest in a subprocess, in `folder`, with the repository importable.

    Installed plugins are not autoloaded (that alone costs seconds per run); xdist is loaded
    explicitly when `-n` is given.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    plugins = ["-p", "xdist.plugin"] if "-n" in args else []
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *plugins, "-q",
           "--rootdir", str(folder), "-c", os.devnull, *args]
    return subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)


def load_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def by_name(record: dict) -> dict[str, dict]:
    return {t["nodeid"].split("::", 1)[1]: t for t in record["tests"]}


# ---------------------------------------------------------------- a hostile backend

SCRIPT = "<script>document.body.setAttribute('data-pwned', 'script')</script>"
IMG = '"><img src=x onerror="document.body.setAttribute(\'data-pwned\', \'img\')">'
CLOSE = "</pre></td></tr></tbody></table></details><script>document.title='pwned'</script>"
HOSTILE = SCRIPT + IMG + CLOSE

HOSTILE_TESTS = '''
import pytest

H = {hostile!r}

def test_hostile(request):
    request.node.user_properties += [
        ("section", H), ("section_title", H), ("section_order", 1), ("case", H), ("check", H),
        ("dtype", H), ("device", H), ("tolerance", {{H: H}}), ("hypothesis_seed", H),
        ("repro", H), ("expected", H), ("actual", H), ("message", H)]
    pytest.fail(H, pytrace=False)

def test_hostile_skip(request):
    request.node.user_properties += [("section", H), ("blocked_by", H)]
    pytest.skip(H)

@pytest.mark.xfail(reason=H)
def test_hostile_xfail():
    assert False
'''


def hostile_run(tmp_path: Path) -> tuple[dict, Path]:
    """The hostile suite run with --report: (record, html path)."""
    folder = write_suite(tmp_path, HOSTILE_TESTS.format(hostile=HOSTILE),
                         env={**KIT_ENV, "impl": HOSTILE, "impl_version": HOSTILE, "impl_origin": HOSTILE})
    html = tmp_path / "hostile.html"
    run_pytest(folder, f"--report={html}")
    return load_json(html.with_suffix(".json")), html
