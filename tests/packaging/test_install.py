"""The kit as a backend author gets it: the sdist and the wheel built from this tree, the wheel installed
(not editable) into a fresh virtual environment without the system's site-packages, and every command
run from an empty directory, where no clone can help.

The sdist is built by setuptools' own PEP 517 hook (what `python -m build` calls, without adding that
tool as a dependency or fetching setuptools for an isolated build), and the wheel is built from the
sdist by pip, so a file the sdist forgets is missing from the wheel too. Deselect with
`-m "not packaging"`: it installs torch into the new environment (about a minute on 2 cores).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance import kitinfo

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
MINI = REPO / "examples" / "mini_backend.py"
# Environment variables of the calling test run that would reach into the new environment.
LEAKS = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_PLUGINS",
         "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_CURRENT_TEST")


@dataclass
class Dists:
    sdist: Path
    wheel: Path


@dataclass
class Venv:
    root: Path

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")

    def run(self, *args: str, cwd: Path, env: dict | None = None, timeout: float = 300):
        """Run a command with this environment's bin/ first on PATH; (returncode, stdout + stderr)."""
        clean = {k: v for k, v in os.environ.items() if k not in LEAKS and not k.startswith("HYPOTHESIS")}
        clean.update({"CI": "true", "COLUMNS": "200", "PATH": f"{self.root / 'bin'}{os.pathsep}{clean['PATH']}",
                      **(env or {})})
        done = subprocess.run(args, cwd=cwd, env=clean, capture_output=True, text=True, timeout=timeout)
        return done.returncode, done.stdout + done.stderr


def shipped_packages() -> list[str]:
    """Every package folder of the source tree that must ship, found as setuptools finds them."""
    found = ["spec"]
    for top in ("reference", "conformance", "reports"):
        found += [str(init.parent.relative_to(REPO)) for init in (REPO / top).rglob("__init__.py")
                  if "__pycache__" not in init.parts]
    return sorted(found)


def shipped_data() -> list[str]:
    """The data files the kit reads at run time: the spec, the report templates, the kit's pytest config."""
    files = [REPO / "conformance" / "kit.ini", *(REPO / "spec").glob("*.toml"), *(REPO / "reports" / "templates").iterdir()]
    return sorted(str(path.relative_to(REPO)) for path in files)


def expected_files() -> set[str]:
    return {f"{package}/__init__.py" for package in shipped_packages()} | set(shipped_data()) | {
        "tutorial_conformance_plugin.py", "conformance/__main__.py", "conformance/_cli.py"}


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> Dists:
    work = tmp_path_factory.mktemp("build")
    # A copy: building writes build/ and *.egg-info into the tree, which other tests are reading.
    tree = work / "tree"
    shutil.copytree(REPO, tree, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".hypothesis", ".pytest_cache", "out", ".venv"))
    out = work / "dist"
    hook = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    done = subprocess.run([sys.executable, "-c", hook, str(out)], cwd=tree, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    sdist = out / done.stdout.strip().splitlines()[-1]
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                           "-w", str(out), str(sdist)], cwd=work, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return Dists(sdist=sdist, wheel=next(out.glob("*.whl")))


@pytest.fixture(scope="module")
def venv(dists, tmp_path_factory) -> Venv:
    root = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    env = Venv(root)
    # pip of the running interpreter installs into the new environment (pip >= 22.3); --no-compile
    # skips byte-compiling torch's thousands of modules, which an import compiles as needed anyway.
    code, output = env.run(sys.executable, "-m", "pip", "--python", env.python, "install", "-q", "--no-compile",
                           "-c", str(REPO / ".ci" / "constraints.txt"), f"{dists.wheel}[kit]",
                           cwd=root.parent, timeout=900)
    assert code == 0, output[-4000:]
    return env


def test_the_sdist_ships_every_package_the_spec_and_the_templates(dists):
    with tarfile.open(dists.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert not expected_files() - names, f"missing from the sdist: {sorted(expected_files() - names)}"
    assert {"pyproject.toml", "README.md"} <= names


def test_the_wheel_ships_every_package_the_spec_and_the_templates_and_no_tests(dists):
    names = set(zipfile.ZipFile(dists.wheel).namelist())
    assert not expected_files() - names, f"missing from the wheel: {sorted(expected_files() - names)}"
    assert not [name for name in names if name.startswith(("tests/", "examples/", "benchmarks/"))]
    entry_points = zipfile.ZipFile(dists.wheel).read(
        f"tutorial_conformance-{VERSION}.dist-info/entry_points.txt").decode()
    assert "tutorial-conformance = conformance._cli:main" in entry_points
    assert "tutorial_conformance = tutorial_conformance_plugin" in entry_points


def tutorial_runs_as_torch_does(venv: Venv, empty: Path) -> None:
    # The cells and the notebook-style runner are the replay test's (tests/reference); the reference
    # that runs them is the wheel's, in the new environment.
    script = (f"import json, sys; sys.path.insert(0, {str(REPO / 'tests' / 'reference')!r})\n"
              "import reference\n"
              "from test_tutorial_replay import _for_reference, _replay\n"
              "from tutorial_cells import CELLS\n"
              "print(json.dumps({'file': reference.__file__, 'kinds': [kind for kind, _ in CELLS],\n"
              "                  'ours': _replay(_for_reference), 'torch': _replay(lambda code: code)}))\n")
    code, output = venv.run(venv.python, "-c", script, cwd=empty)
    assert code == 0, output[-3000:]
    replay = json.loads(output.strip().splitlines()[-1])
    assert replay["file"].startswith(str(venv.root)), replay["file"]
    exact = [(ours, torch) for kind, ours, torch in zip(replay["kinds"], replay["ours"], replay["torch"])
             if kind == "exact"]
    assert len(exact) > 10 and all(ours == torch for ours, torch in exact)


def python_m_conformance_judges_the_reference(venv: Venv, empty: Path) -> None:
    code, output = venv.run(venv.python, "-m", "conformance", "--impl=reference", "-n", "2", "-k",
                            "special_matrices", "--report=out/reference.html", cwd=empty)
    assert code == 0, output[-4000:]
    assert "verdict   PASS (exit 0)" in output and "PytestAssertRewriteWarning" not in output
    assert sorted(os.listdir(empty)) == ["out"]  # no cache, no Hypothesis database: the CI profile
    assert (empty / "out" / "reference.html").stat().st_size > 10_000
    record = json.loads((empty / "out" / "reference.json").read_text())
    env = record["environment"]
    assert env["impl_origin"].startswith(str(venv.root)), env["impl_origin"]
    assert (env["kit"], env["kit_version"], env["spec_sha256"]) == ("tutorial-conformance", VERSION,
                                                                    kitinfo.spec_sha256())
    outcomes = {test["nodeid"]: test["outcome"] for test in record["tests"]}
    assert len(outcomes) > 20 and set(outcomes.values()) == {"passed"}
    assert all(nodeid.startswith(("special_matrices::", "foundation::")) for nodeid in outcomes)
    assert env["spec_sha256"][:12] in (empty / "out" / "reference.html").read_text()


def console_script_gates_the_mini_backend_with_its_xfails(venv: Venv, empty: Path) -> None:
    code, output = venv.run("tutorial-conformance", f"--impl={MINI}", f"--xfails-file={MINI.with_suffix('.xfails')}",
                            "-k", "special_matrices", "--report=out/mini.html", cwd=empty)
    assert code == 0, output[-4000:]
    record = json.loads((empty / "out" / "mini.json").read_text())
    outcomes = {test["nodeid"]: test["outcome"] for test in record["tests"]}
    xfailed = sorted(nodeid for nodeid, outcome in outcomes.items() if outcome == "xfailed")
    assert xfailed and all(nodeid.startswith("special_matrices::eye_rectangular[") for nodeid in xfailed)
    assert "failed" not in outcomes.values()
    assert (empty / "out" / "mini.html").is_file()


def console_script_fails_the_mini_backend_without_them(venv: Venv, empty: Path) -> None:
    code, output = venv.run("tutorial-conformance", f"--impl={MINI}", "-k", "eye_rectangular", cwd=empty)
    assert code == 1, output[-4000:]
    # Test ids as a clone prints them, not relative to site-packages.
    assert "\nFAILED special_matrices::eye_rectangular[values-any-cpu] - " in output


def pytest_pyargs_finds_the_kit(venv: Venv, empty: Path) -> None:
    code, output = venv.run(venv.python, "-m", "pytest", "--pyargs", "conformance", "--impl=reference",
                            "-p", "no:cacheprovider", "-k", "getting_started", cwd=empty)
    assert code == 0, output[-4000:]
    assert "conformance: kit tutorial-conformance" in output and " passed" in output


def other_projects_pytest_runs_are_unchanged(venv: Venv, project: Path) -> None:
    # A project whose own conftest defines --impl and --device: any option the kit registered
    # globally would clash with them ("option names already added").
    (project / "conftest.py").write_text(
        "def pytest_addoption(parser):\n"
        "    parser.addoption('--impl', default='theirs')\n"
        "    parser.addoption('--device', default='cpu')\n")
    (project / "test_theirs.py").write_text(
        "import sys\n\n"
        "def test_their_options_and_no_kit(request):\n"
        "    assert request.config.getoption('--impl') == 'mine'\n"
        "    loaded = {m.split('.')[0] for m in sys.modules}\n"
        "    assert not loaded & {'conformance', 'reference', 'spec', 'reports', 'torch'}, loaded\n")
    code, output = venv.run(venv.python, "-m", "pytest", "-p", "no:cacheprovider", "--impl=mine", cwd=project)
    assert code == 0, output[-3000:]
    assert "1 passed" in output


# One test, so that pytest-xdist runs every step in the worker that built the environment.
STEPS = (tutorial_runs_as_torch_does, python_m_conformance_judges_the_reference,
         console_script_gates_the_mini_backend_with_its_xfails, console_script_fails_the_mini_backend_without_them,
         pytest_pyargs_finds_the_kit, other_projects_pytest_runs_are_unchanged)


def test_the_installed_wheel_from_an_empty_directory(venv, tmp_path):
    for step in STEPS:
        empty = tmp_path / step.__name__
        empty.mkdir()
        step(venv, empty)
