"""Wall time of the conformance suite (ci profile) serial vs `-n 2`, measured in the same run.

    python benchmarks/kit_speed.py [--impl torch] [--repeat 1]

The issue's target: `-n 2` finishes in at most 60 s on a 2-core machine and is at least 1.6x
faster than serial. Prints a markdown table; exit status is pytest's if any run failed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(impl: str, workers: int | None) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "pytest", "conformance", f"--impl={impl}", "-q", "-p", "no:cacheprovider"]
    if workers:
        command += ["-n", str(workers)]
    env = dict(os.environ, CI="true")
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-200:]
    return elapsed, done.returncode, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="torch")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    rows, status = [], 0
    for _ in range(args.repeat):
        for label, workers in (("serial", None), ("-n 2", 2)):
            elapsed, code, last = run(args.impl, workers)
            status = status or code
            rows.append((label, elapsed, last))
    serial = min(e for label, e, _ in rows if label == "serial")
    parallel = min(e for label, e, _ in rows if label == "-n 2")
    print(f"| run (--impl={args.impl}, ci profile) | wall s | pytest says |\n|---|---|---|")
    for label, elapsed, last in rows:
        print(f"| {label} | {elapsed:.1f} | {last} |")
    print(f"\nspeed-up -n 2 vs serial: {serial / parallel:.2f}x (target >= 1.6x); -n 2 wall {parallel:.1f} s (target <= 60 s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
