"""Bad implementations: an --impl that names nothing importable, and backends that break the rules.

The first kind must stop the run with one clear line; the second must give readable test
failures (the kit's `<id>: message` reports), never a traceback from inside the kit.
"""
from __future__ import annotations

import pytest

from tests.kit.backends import broken
from tests.kit.suite import ForkedRun, Outcome, Runs, _reports, run_suite, selected_params

# What a backend author might mistype, each with a word the one-line error must contain.
UNLOADABLE = {
    "missing module": ("no_such_module_xyz", "no_such_module_xyz"),
    "missing file": ("tests/kit/backends/no_such_file.py", "no such file"),
    "missing attribute": ("tests.kit.backends.broken:no_such_backend", "no_such_backend"),
    "file that raises on import": ("{tmp}/boom.py", "boom at import"),
}


@pytest.mark.parametrize("impl, needle", UNLOADABLE.values(), ids=UNLOADABLE.keys())
def test_unloadable_impl_gives_one_clear_line(tmp_path, impl, needle):
    (tmp_path / "boom.py").write_text("raise RuntimeError('boom at import')\n")
    outcome = run_suite(impl.format(tmp=tmp_path), None, "-p", "no:xdist")
    lines = [line for line in outcome.output.splitlines() if line.strip()]
    assert outcome.returncode not in (0, 1), outcome.summary()  # not "passed", not "tests failed"
    assert "Traceback" not in outcome.output, outcome.summary()
    assert len(lines) == 1 and needle in lines[0] and "--impl=" in lines[0], outcome.summary()


SELECT = "(add and operator) or foundation"
BROKEN = ["add_raises", "add_returns_list", "add_returns_none", "tensor_returns_list", "repr_raises",
          "grad_fn_missing", "numpy_raises", "size_raises", "backward_raises"]


@pytest.fixture(scope="module")
def runs(request):
    runs = Runs(lambda name: ForkedRun(f"tests.kit.backends.broken:{name}", SELECT),
                sorted(selected_params(request, "name")))
    yield runs
    runs.close()


@pytest.mark.parametrize("name", BROKEN)
def test_broken_backend_gives_readable_failures(runs, name):
    outcome = runs[name]
    what = getattr(broken, name).__doc__
    assert outcome.returncode == 1 and outcome.failed, f"{name} ({what}) not reported:\n{outcome.summary()}"
    assert outcome.kit_errors() == {}, f"{name} ({what}): failures that are not readable kit reports"


def test_kit_error_detection_sees_a_traceback():
    # The checks above are only as good as kit_errors(): it must flag a kit traceback and pass a report.
    output = ("_____ add::a[values-float32-cpu] _____\nadd::a[values-float32-cpu]: output differs\n"
              "_____ add::b[grad-float32-cpu] _____\n    def runtest(self):\n"
              "conformance/items.py:120: in runtest\nE   AttributeError: 'list' object has no attribute 'grad'\n"
              "=========== short test summary info ===========\n"
              "FAILED add::a[values-float32-cpu] - add::a[values-float32-cpu]: output differs\n"
              "FAILED add::b[grad-float32-cpu] - AttributeError: 'list' object has no attribute 'grad'\n")
    outcome = Outcome(1, output, ["add::a[values-float32-cpu]", "add::b[grad-float32-cpu]"], _reports(output))
    assert list(outcome.kit_errors()) == ["add::b[grad-float32-cpu]"]
    assert outcome.failed_kinds() == {"values", "grad"}
