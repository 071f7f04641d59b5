"""The backend scoreboard: real third-party torch-like packages judged by the kit, per tutorial section.

    python scripts/scoreboard.py [--out reports/scoreboard] [--update-readme] [--only NAME ...]

Each third-party backend is installed from the registry into its own scratch virtual environment
under /tmp (never into this interpreter's site-packages); the environment sees this interpreter's
packages (torch, the kit's test stack), so only the backend itself is installed there. Then the
kit runs on it exactly as a new user would run it (`python -m pytest conformance --impl=...`),
writing a report, its JSON record, the tutorial view and the terminal output per backend into --out. From the records
it writes the scoreboard: a Markdown table (sections x backends, like ONNX's backend scoreboard),
the comparison page, and, with --update-readme, the README section between its markers.

Not run in CI: it needs the registry and several minutes.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conformance import rootcause  # noqa: E402 - after the repository is importable
from conformance.schema import SCORED  # noqa: E402

SCRATCH = Path("/tmp/conformance-scoreboard")
README = ROOT / "README.md"
START, END = "<!-- scoreboard:start -->", "<!-- scoreboard:end -->"
TOP_CAUSES = 20


@dataclass(frozen=True)
class Backend:
    name: str                  # the label on the scoreboard
    impl: str                  # --impl
    package: str | None = None  # registry package to install in a scratch environment; None: this interpreter
    env: dict = field(default_factory=dict)
    note: str = ""


BACKENDS = (
    Backend("torch", "torch", note="the oracle itself: the spec's own check"),
    Backend("reference", "reference", note="this repository's NumPy implementation"),
    Backend("nptorch", "nptorch", "nptorch"),
    Backend("candle", "candle", "candle-python", {"USE_CANDLE": "0"}, "candle-python, its NumPy path (USE_CANDLE=0)"),
)


def _python_for(backend: Backend) -> Path:
    """An interpreter that can import the backend: this one, or a scratch venv with the package installed."""
    if backend.package is None:
        return Path(sys.executable)
    home = SCRATCH / backend.package
    python = home / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(system_site_packages=True, with_pip=True, clear=True).create(home)
    subprocess.run([str(python), "-m", "pip", "install", "-q", backend.package], check=True)
    return python


def _version(python: Path, backend: Backend) -> str:
    if backend.package is None:
        return ""
    done = subprocess.run([str(python), "-m", "pip", "show", backend.package], capture_output=True, text=True)
    return next((line.split(":", 1)[1].strip() for line in done.stdout.splitlines() if line.startswith("Version:")), "")


def run_kit(backend: Backend, out: Path, workers: str) -> dict:
    """The kit on one backend; returns its JSON record."""
    python = _python_for(backend)
    html = out / f"{backend.name}.html"
    env = {**os.environ, "CI": "true", **backend.env}
    command = [str(python), "-m", "pytest", "conformance", f"--impl={backend.impl}", "-q", "-p", "no:cacheprovider",
               f"--report={html}"] + (["-n", workers] if workers != "0" else [])
    print(f"scoreboard: {backend.name}: {' '.join(command[1:])}", flush=True)
    with open(out / f"{backend.name}.log", "w", encoding="utf-8") as log:  # the run's summary, as a user sees it
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    record = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
    record["environment"]["scoreboard_version"] = _version(python, backend)
    return record


def _section_scores(record: dict) -> dict[str, tuple[int, int, str]]:
    scores: dict[str, list] = {}
    for test in record["tests"]:
        entry = scores.setdefault(test["section"], [0, 0, test.get("section_title") or test["section"],
                                                    float(test.get("section_order") or 0)])
        entry[0] += test["outcome"] == "passed"
        entry[1] += test["outcome"] in SCORED
    return {key: (p, s, title) for key, (p, s, title, _) in sorted(scores.items(), key=lambda kv: kv[1][3])}


def _cell(passed: int, total: int) -> str:
    return f"{passed}/{total} ({100 * passed / total:.0f}%)" if total else "-"


def markdown(records: dict[str, dict]) -> str:
    """The scoreboard table: one row per section, one column per backend, then totals and root-cause coverage."""
    names = list(records)
    per = {name: _section_scores(record) for name, record in records.items()}
    sections: dict[str, str] = {}
    for scores in per.values():
        for key, (_, _, title) in scores.items():
            sections.setdefault(key, title)
    lines = ["| section | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key, title in sections.items():
        cells = [_cell(*per[name].get(key, (0, 0, ""))[:2]) for name in names]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    totals = []
    for name in names:
        counts = records[name]["counts"]
        totals.append(f"**{_cell(counts['passed'], sum(counts[o] for o in SCORED))}**")
    lines.append("| **all** | " + " | ".join(totals) + " |")
    causes = []
    for name in names:
        found = rootcause.group(records[name]["tests"])
        causes.append(f"{len(found)}; top {TOP_CAUSES}: {100 * rootcause.coverage(found, TOP_CAUSES):.0f}%" if found
                      else "none")
    lines.append("| root causes (failed + blocked explained by the top 20) | " + " | ".join(causes) + " |")
    versions = [records[n]["environment"].get("scoreboard_version") or records[n]["environment"].get("impl_version")
                or "" for n in names]
    lines.append("| version | " + " | ".join(v or "-" for v in versions) + " |")
    return "\n".join(lines)


def update_readme(table: str, command: str) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    body = f"{START}\n{table}\n\n*Regenerate with `{command}`.*\n{END}"
    README.write_text(head + body + tail, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SCRATCH / "out", help="where the reports and records go")
    parser.add_argument("--only", nargs="*", help="backend names to run (default: all)")
    parser.add_argument("-n", "--workers", default="2", help="pytest-xdist workers per run (0: none)")
    parser.add_argument("--update-readme", action="store_true", help="rewrite the README's scoreboard section")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = [b for b in BACKENDS if not args.only or b.name in args.only]
    records = {b.name: run_kit(b, args.out, args.workers) for b in chosen}
    table = markdown(records)
    (args.out / "scoreboard.md").write_text(table + "\n", encoding="utf-8")
    paths = [str(args.out / f"{b.name}.json") for b in chosen]
    if len(paths) > 1:
        subprocess.run([sys.executable, "-m", "reports", "compare", *paths, "-o", str(args.out / "scoreboard.html")],
                       cwd=ROOT, check=True)
    print(table)
    if args.update_readme:
        update_readme(table, "python scripts/scoreboard.py --update-readme")
    return 0


if __name__ == "__main__":
    sys.exit(main())
