"""The gate's building blocks in-process: the xfails/skips format, tolerance files, timeouts, loading."""
from __future__ import annotations

import time

import pytest

from conformance import backend as backend_mod
from conformance.compare import TOLERANCES
from conformance.gate import GateFileError, read_entries, read_tolerances
from conformance.items import all_test_ids
from conformance.timeouts import CaseTimeout, _with_thread, run_with_timeout

from ._kit import BACKENDS, REPO


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_entries_format_comments_links_and_longest_match(tmp_path):
    path = write(tmp_path, "x.xfails", "\n".join([
        "# a comment line",
        "",
        "add::  # the whole section  https://example.org/issues/1",
        "add::inplace[memory-float32-cpu]   # add_ allocates",
        "   view::view_row[  # indented entries are fine",
    ]))
    listing = read_entries(path, "xfails")
    assert [e.pattern for e in listing.entries] == ["add::", "add::inplace[memory-float32-cpu]", "view::view_row["]
    assert listing.entries[0].reason == "the whole section"
    assert listing.entries[0].link == "https://example.org/issues/1"
    assert listing.entries[1].link is None and listing.entries[1].line == 4
    assert listing.match("add::inplace[memory-float32-cpu]").reason == "add_ allocates"
    assert listing.match("add::operator[values-int64-cpu]").reason == "the whole section"
    assert listing.match("multiply::scalar[values-int64-cpu]") is None


def test_entries_need_a_reason_and_one_id(tmp_path):
    with pytest.raises(GateFileError, match=r"x.xfails:2: 'add::operator\[' has no reason"):
        read_entries(write(tmp_path, "x.xfails", "# ok\nadd::operator[\n"), "xfails")
    with pytest.raises(GateFileError, match="one test id or id prefix per line"):
        read_entries(write(tmp_path, "x.xfails", "add::operator[ view::view_row[  # two ids\n"), "xfails")
    with pytest.raises(GateFileError, match="cannot read it"):
        read_entries(str(tmp_path / "missing.xfails"), "xfails")


def test_stale_entries_are_judged_against_every_generated_id(tmp_path):
    ids = all_test_ids("cpu")
    assert "foundation::tensor_from_data[cpu]" in ids and "add::operator[values-float32-cpu]" in ids
    listing = read_entries(write(tmp_path, "x", "add::operator[  # real\nadd::no_such_case  # stale\n"), "xfails")
    assert [e.pattern for e in listing.stale(ids)] == ["add::no_such_case"]


def test_tolerances_resolve_per_dtype_then_longest_case_prefix(tmp_path):
    path = write(tmp_path, "tol.toml", """
[dtypes.float32]
rtol = 1e-4
atol = 1e-5

[[cases]]
id = "add::"
rtol = 1e-3

[[cases]]
id = "add::function["
dtypes = ["float64"]
atol = 0.5
reason = "sloppy kernel"
""")
    tol = read_tolerances(path)
    assert tol.for_dtype("multiply::scalar[values-float32-cpu]", "float32") == (1e-4, 1e-5)
    assert tol.for_dtype("multiply::scalar[values-float64-cpu]", "float64") == TOLERANCES["float64"]
    assert tol.for_dtype("add::operator[values-float32-cpu]", "float32") == (1e-3, 1e-5)
    assert tol.for_dtype("add::function[values-float64-cpu]", "float64") == (TOLERANCES["float64"][0], 0.5)
    assert tol.for_dtype("add::function[values-int64-cpu]", "int64") == (0.0, 0.0)  # integers stay exact


@pytest.mark.parametrize("text, problem", [
    ("[dtypes.int64]\nrtol = 1\natol = 1\n", "only floating dtypes"),
    ("[dtypes.float32]\nrtol = 1e-3\n", "atol is missing"),
    ("[[cases]]\nrtol = 1e-3\n", "needs id"),
    ("[[cases]]\nid = 'add::'\nrtol = -1\n", "must be a number >= 0"),
    ("[[cases]]\nid = 'add::'\n", "give rtol, atol or both"),
    ("[[cases]]\nid = 'add::'\nrtoll = 1\n", "unknown key"),
    ("[global]\nrtol = 1\n", "unknown table"),
    ("rtol = = 1", "not valid TOML"),
])
def test_tolerance_file_errors_name_the_place(tmp_path, text, problem):
    with pytest.raises(GateFileError, match=problem):
        read_tolerances(write(tmp_path, "tol.toml", text))


def test_timeout_interrupts_a_busy_loop_and_names_the_line():
    def spin():
        while True:
            pass

    started = time.perf_counter()
    with pytest.raises(CaseTimeout) as info:
        run_with_timeout(spin, 0.2)
    assert time.perf_counter() - started < 5
    assert "timed out after 0.2 s" in str(info.value) and "in spin" in info.value.where


def test_timeout_thread_fallback_abandons_the_hang_and_passes_results_through():
    with pytest.raises(CaseTimeout):
        _with_thread(lambda: time.sleep(30), 0.2)
    with pytest.raises(ZeroDivisionError):
        _with_thread(lambda: 1 / 0, 5)
    _with_thread(lambda: None, 5)


@pytest.mark.parametrize("source, shown", [
    ("raise ImportError('libmine.so: cannot open shared object file')", "ImportError: libmine.so"),
    ("def broken(:\n    pass\n", "SyntaxError"),
    ("raise SystemExit('this backend needs a GPU')", "SystemExit: this backend needs a GPU"),
    ("raise RuntimeError('bad\\nmultiline\\nmessage')", "RuntimeError: bad multiline message"),
])
def test_import_failures_become_one_backend_error(tmp_path, source, shown):
    path = write(tmp_path, "mine.py", source)
    with pytest.raises(backend_mod.BackendError) as info:
        backend_mod.load(path)
    assert shown in str(info.value) and "\n" not in str(info.value)


def test_load_names_version_and_origin():
    mini = backend_mod.load(str(REPO / "examples" / "mini_backend.py"))
    assert (mini.version, mini.origin) == ("1.0.0", str(REPO / "examples" / "mini_backend.py"))
    with pytest.raises(backend_mod.BackendError, match="has no attribute 'nope'"):
        backend_mod.load("conformance:nope")
    with pytest.raises(backend_mod.BackendError, match="ModuleNotFoundError"):
        backend_mod.load("no_such_backend_module")
    assert (BACKENDS / "broken_import.py").exists()
