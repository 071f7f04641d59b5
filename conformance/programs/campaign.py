"""A long program campaign that keeps going after a divergence and lists the distinct ones it found.

    python -m conformance.programs.campaign --impl=reference --minutes=10 [--themes=a,b] [--out=FILE.md]

The pytest items stop at a theme's first divergence; a backend author fixing bugs wants all of them at
once. Each divergence is cut down to its shortest program and bucketed by what differs and the calls of
the step where it shows, so one root cause found a hundred times is listed once, with a count.
"""
from __future__ import annotations

import argparse
import re
import time
import zlib

import torch
from hypothesis import seed, settings
from hypothesis.stateful import run_state_machine_as_test

from .. import profiles  # noqa: F401  (registers the profiles)
from ..backend import load
from .differential import Divergence
from .machine import THEMES, Budget, Setup, hypothesis_settings, machine_class
from .repro import minimise, render, replay

_CALLS = re.compile(r"\.(\w+)\(|torch\.(\w+)|(\[[^\]]*\]\s*=)|\.(grad_fn|grad|data|T)\b|( // | / | \* | \+ | - )")


def bucket(divergence: Divergence) -> str:
    """'stride | expand' : what differs, then the calls of the step that shows it."""
    last = divergence.steps[-1]
    code = last.code.split("#", 1)[0] if last.kind == "code" else f"{last.kind} {last.code}"
    calls = sorted({next(g for g in m.groups() if g).strip() if not m.group(3) else "x[i] = v"
                    for m in _CALLS.finditer(code)})
    return f"{divergence.signature} | {' '.join(calls) or code}"


def campaign(impl_name: str, seconds: float, themes: list[str], device: str = "cpu") -> dict:
    """Run themes round-robin with fresh seeds until `seconds` pass; bucket -> (count, repro, torch, impl)."""
    backend = load(impl_name)
    found: dict[str, list] = {}
    deadline = time.monotonic() + seconds
    plan = Budget(programs=25, steps=30, shrink=False, minimise=150)
    round_ = 0
    while time.monotonic() < deadline:
        for name in themes:
            if time.monotonic() >= deadline:
                break
            setup = Setup(THEMES[name], torch, backend.module, device, 30.0,
                          known=lambda divergence: bucket(divergence) in found)
            try:
                run_state_machine_as_test(seed(round_ * 1000 + zlib.crc32(name.encode()) % 1000)(machine_class(setup)),
                                          settings=hypothesis_settings(plan))
            except Divergence as first:
                small = minimise(first, lambda steps: replay(steps, torch, backend.module, device, 30.0),
                                 plan.minimise)
                key = bucket(small)
                entry = found.setdefault(key, [0, small, name])
                entry[0] += 1
                if len(small.steps) < len(entry[1].steps):
                    entry[1] = small
            except Exception as exc:  # a crash of the kit on this backend is itself worth listing
                entry = found.setdefault(f"kit error | {type(exc).__name__}", [0, None, name])
                entry[0] += 1
        round_ += 1
    return {key: (count, divergence, theme, backend.import_line) for key, (count, divergence, theme) in found.items()}


def report(found: dict, device: str = "cpu") -> str:
    lines = [f"# {len(found)} distinct divergences (bucket: what differs | calls of the step)", ""]
    for key, (count, divergence, theme, import_line) in sorted(found.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"## {key}  (seen {count}x, theme {theme})")
        if divergence is None:
            continue
        lines += ["```python", render(divergence.steps, import_line, divergence.probe, device), "```",
                  f"torch: {divergence.expected}", f"implementation: {divergence.actual}", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="reference")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--themes", default=",".join(THEMES))
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    settings.load_profile("dev")
    found = campaign(args.impl, args.minutes * 60, args.themes.split(","))
    text = report(found)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    print(text)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
