"""Repros that reproduce: each failing test's snippet run once under each module, and where its case is written.

A repro is only useful if running it shows the difference. After the run, the controller runs
every failing test's snippet in a fresh interpreter, once with the backend's import line and
once with `import torch`, each snippet in its own namespace under a per-snippet alarm. What a
snippet shows is its printed text, the exception it raised (type and message), and the exact
values, dtype and shape of every tensor and array it left bound. Where the two modules show
something different the repro is "verified"; where they show the same it "does not
reproduce" (the failure needed the kit's own comparison, e.g. a tolerance, or state the
snippet does not rebuild), and the record says so next to it.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .schema import KIT, NOT_REPRODUCED, NOT_RUN, VERIFIED  # noqa: F401 - the verdicts, re-exported for callers

SNIPPET_TIMEOUT_S = 20
NO_SNIPPET = ("no snippet: the check's evidence is its message (a foundation probe, a distribution test over "
              "thousands of draws, or a failure outside a check's body)")
_CASE_ID = re.compile(r'^\s*id\s*=\s*"(\w+)"', re.M)
_WALKTHROUGH = re.compile(r"^\s*\[walkthrough\]", re.M)

# Runs in the subprocess: argv[1] is a JSON file {"import": the line to use, "written": the line the snippets
# carry, "snippets": {nodeid: code}, "timeout": seconds}; prints {nodeid: what it showed} as JSON.
_HARNESS = r'''
import contextlib, io, json, signal, sys, traceback, warnings
import numpy as np

def shown(value):
    if hasattr(value, "shape") and hasattr(value, "dtype") and callable(getattr(value, "numpy", None)):
        try:
            held = value.detach() if callable(getattr(value, "detach", None)) else value
            held = held.cpu() if str(getattr(held, "device", "cpu")).split(":")[0] != "cpu" else held
            array = np.asarray(held.numpy())
            return ["tensor", str(value.dtype), list(array.shape), repr(array.tolist())]
        except Exception as exc:
            return ["tensor", "unreadable", type(exc).__name__]
    if isinstance(value, np.ndarray):
        return ["ndarray", str(value.dtype), list(value.shape), repr(value.tolist())]
    if plain(value):
        return ["python", type(value).__name__, repr(value)]
    return None

def plain(value):
    if isinstance(value, (tuple, list)):
        return len(value) < 100 and all(plain(v) for v in value)
    return value is None or type(value) in (bool, int, float, complex, str)

def alarm(signum, frame):
    raise TimeoutError("the snippet ran past its time limit")

job = json.load(open(sys.argv[1]))
signal.signal(signal.SIGALRM, alarm)
results = {}
for nodeid, code in job["snippets"].items():
    code = code.replace(job["written"], job["import"], 1)
    scope, out, warned = {"__name__": "__repro__"}, io.StringIO(), []
    signal.alarm(job["timeout"])
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                exec(compile(code, nodeid, "exec"), scope)
            finally:
                warned = [f"{w.category.__name__}: {w.message}" for w in caught]
        error = None
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
    values = {k: s for k, v in scope.items() if not k.startswith("__") and (s := shown(v)) is not None}
    results[nodeid] = {"stdout": out.getvalue(), "error": error, "values": values, "warnings": warned}
print(json.dumps(results))
'''


def spec_location(section, case_id: str) -> tuple[str, int | None]:
    """(file, line) where the case (or the section's walkthrough) is written in its spec file."""
    path = Path(section.path)
    try:
        shown = str(path.relative_to(path.parent.parent))
    except ValueError:
        shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return shown, None
    if case_id == "walkthrough":
        match = _WALKTHROUGH.search(text)
    else:
        match = next((m for m in _CASE_ID.finditer(text) if m.group(1) == case_id), None)
    return shown, (text.count("\n", 0, match.start()) + 1 if match else None)


def _run(import_line: str, written: str, snippets: dict[str, str], workdir: Path, timeout: float) -> dict | str:
    job = workdir / f"repro-job-{os.getpid()}-{abs(hash(import_line))}.json"
    job.write_text(json.dumps({"import": import_line, "written": written, "snippets": snippets,
                               "timeout": SNIPPET_TIMEOUT_S}))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), *filter(None, [os.environ.get("PYTHONPATH")])])}
    try:
        done = subprocess.run([sys.executable, "-c", _HARNESS, str(job)], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=os.getcwd())
    except subprocess.TimeoutExpired:
        return f"the repro run under `{import_line}` took longer than {timeout:g} s"
    finally:
        job.unlink(missing_ok=True)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        tail = " ".join((done.stderr or done.stdout).split())[-300:]
        return f"the repro run under `{import_line}` crashed (exit {done.returncode}): {tail}"


def _difference(torch_side: dict, impl_side: dict) -> str | None:
    """What the two runs of one snippet show differently, or None."""
    if torch_side["error"] != impl_side["error"]:
        return f"torch: {torch_side['error'] or 'no exception'}; implementation: {impl_side['error'] or 'no exception'}"
    if torch_side["stdout"] != impl_side["stdout"]:
        return "the printed text differs"
    if torch_side["warnings"] != impl_side["warnings"]:
        return "the warnings differ"
    for name in sorted(set(torch_side["values"]) | set(impl_side["values"])):
        if torch_side["values"].get(name) != impl_side["values"].get(name):
            return f"`{name}` differs (values, dtype or shape)"
    return None


def verify(import_line: str, snippets: dict[str, str], workdir: Path) -> dict[str, tuple[str, str]]:
    """{nodeid: (verdict, note)} for each snippet, run once under each module."""
    if not snippets:
        return {}
    timeout = 60 + 2 * SNIPPET_TIMEOUT_S * len(snippets) ** 0.5
    torch_run = _run("import torch", import_line, snippets, workdir, timeout)
    impl_run = _run(import_line, import_line, snippets, workdir, timeout) if import_line != "import torch" else torch_run
    verdicts = {}
    for nodeid in snippets:
        for run in (torch_run, impl_run):
            if isinstance(run, str):
                verdicts[nodeid] = (NOT_RUN, run)
                break
        else:
            difference = _difference(torch_run[nodeid], impl_run[nodeid])
            verdicts[nodeid] = ((VERIFIED, difference) if difference else
                                (NOT_REPRODUCED, "the snippet prints and holds the same under both modules: "
                                                 "the difference is below what it shows (e.g. within printing "
                                                 "precision) or needs the kit's own comparison"))
    return verdicts


def enabled(config) -> bool:
    """--verify-repros: yes, no, or auto (when a record is written)."""
    choice = config.getoption("verify_repros", "auto")
    if choice == "auto":
        return bool(config.getoption("report", None) or config.getoption("report_json", None))
    return choice == "yes"


VERDICTS = pytest.StashKey[dict]()


def verify_entries(config, entries: list[dict]) -> None:
    """Mark each failed entry's repro verified or not (each snippet runs once per session, whoever asks first)."""
    kit = config.stash.get(KIT, None)
    if kit is None or not enabled(config):
        return
    done = config.stash.setdefault(VERDICTS, {})
    todo = {e["nodeid"]: e["repro"] for e in entries
            if e.get("outcome") in ("failed", "error") and e.get("repro") and e["nodeid"] not in done}
    if todo:
        done.update(verify(kit.backend.import_line, todo, Path(tempfile.gettempdir())))
    for entry in entries:
        if entry["nodeid"] in done and entry.get("repro"):
            entry["repro_verified"], entry["repro_note"] = done[entry["nodeid"]]
        elif entry.get("outcome") in ("failed", "error") and not entry.get("repro"):
            entry["repro_verified"], entry["repro_note"] = NOT_RUN, NO_SNIPPET
