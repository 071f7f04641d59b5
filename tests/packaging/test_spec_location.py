"""Where the kit finds its spec: through importlib.resources, and a missing, empty or foreign spec is a loud
usage error (exit 4), never a green run of the four foundations alone."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import tutorial_conformance_plugin as plugin
from conformance import kitinfo
from conformance.spec import SPEC_DIR, SpecNotFound, load_all

REPO = Path(__file__).resolve().parents[2]
SECTIONS = sorted((REPO / "spec").glob("*.toml"))


def python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def kit_beside(tmp_path: Path, spec_init: str | None) -> Path:
    """A copy of the conformance package with a `spec` package of our making next to it (or none)."""
    root = tmp_path / "kit"
    shutil.copytree(REPO / "conformance", root / "conformance", ignore=shutil.ignore_patterns("__pycache__"))
    if spec_init is not None:
        (root / "spec").mkdir()
        (root / "spec" / "__init__.py").write_text(spec_init)
    return root


def run_copy(root: Path, cwd: Path) -> tuple[int, str]:
    # Plain pytest on the copy's folder, as from a clone: pytest puts the copy's root first on sys.path,
    # so its `spec` is the one the kit finds.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    done = subprocess.run([sys.executable, "-m", "pytest", str(root / "conformance"), "--impl=torch",
                           "-p", "no:cacheprovider", "-q"], cwd=cwd, env={**env, "CI": "true"},
                          capture_output=True, text=True, timeout=240)
    return done.returncode, done.stdout + done.stderr


def test_the_shipped_spec_is_found_as_a_package_resource():
    assert SPEC_DIR is not None and (REPO / "spec").samefile(SPEC_DIR)
    assert len(load_all()) == len(SECTIONS) > 0


def test_an_empty_spec_folder_is_an_error_not_an_empty_suite(tmp_path):
    with pytest.raises(SpecNotFound, match="no section files"):
        load_all(tmp_path)


def test_a_run_whose_spec_is_empty_is_a_usage_error(tmp_path):
    root = kit_beside(tmp_path, 'KIT = "tutorial-conformance"\n')
    code, output = run_copy(root, tmp_path)
    assert code == 4, output[-3000:]
    assert "has no section files" in output and " passed" not in output


def test_a_run_that_finds_another_projects_spec_package_is_a_usage_error(tmp_path):
    root = kit_beside(tmp_path, '"""Some backend\'s own spec/ folder."""\n')
    code, output = run_copy(root, tmp_path)
    assert code == 4, output[-3000:]
    assert "is another project's" in output and " passed" not in output


def test_a_spec_that_cannot_be_imported_is_reported_as_missing(tmp_path):
    done = python("import sys; sys.modules['spec'] = None\n"  # what an import of a missing package raises
                  "from conformance.spec import SPEC_DIR, SpecNotFound, load_all\n"
                  "assert SPEC_DIR is None\n"
                  "try:\n    load_all()\nexcept SpecNotFound as exc:\n    print('refused:', exc)\n", cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "refused: the kit's spec is missing: cannot import the 'spec' package" in done.stdout


def test_the_spec_loads_from_a_zip(tmp_path):
    archive = tmp_path / "spec.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in [REPO / "spec" / "__init__.py", *SECTIONS]:
            zipped.write(path, f"spec/{path.name}")
    done = python(f"import sys; sys.path.insert(0, {str(archive)!r})\n"
                  "from conformance import kitinfo\n"
                  "from conformance.spec import SPEC_DIR, load_all\n"
                  "print(type(SPEC_DIR).__module__, len(load_all()), kitinfo.spec_sha256())\n", cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["zipfile", str(len(SECTIONS)), kitinfo.spec_sha256()]


@pytest.mark.parametrize("pyargs, args, named", [
    (True, ["conformance"], True),
    (True, ["conformance.test_sections::add"], True),
    (True, ["conformance_extras"], False),  # a different package that only starts alike
    (True, ["tests"], False),
    (False, ["conformance"], False),  # a path: pytest loads that folder's conftest itself
])
def test_the_pytest11_plugin_acts_only_on_pyargs_conformance(pyargs, args, named):
    assert plugin.names_the_kit(pyargs, args) is named
