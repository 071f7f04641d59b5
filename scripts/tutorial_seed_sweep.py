"""Replay every tutorial cell with torch and with the reference for many seeds; count the printed lines that differ.

tests/reference/test_tutorial_replay.py replays the cells once, seeded with 0. This replays them for seeds
0..N-1 (NumPy's global generator, torch and the reference all seeded with the same seed), cell by cell as a
notebook prints them, and compares line by line: 'exact' and 'random' cells must print the same text;
'structure' cells (uninitialised memory, object addresses) the same text with numbers and addresses masked;
the 'version' cell the same version without torch's build tag.

    python scripts/tutorial_seed_sweep.py [--seeds 300]
Exit status 1 if any line differs.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import reference  # noqa: E402
from test_tutorial_replay import _for_reference, _run_cell, _structure  # noqa: E402
from tutorial_cells import CELLS  # noqa: E402


def replay(seed, for_reference):
    """Each cell's printed output, the whole tutorial run in one namespace from one seed."""
    namespace, outputs = {}, []
    np.random.seed(seed)
    torch.manual_seed(seed)
    reference.manual_seed(seed)
    for _kind, code in CELLS:
        outputs.append(_run_cell(_for_reference(code) if for_reference else code, namespace))
    return outputs


def differing_lines(kind, want, got):
    """The (torch line, reference line) pairs that differ in one cell's output."""
    if kind == "version":
        want = want.split("+")[0].rstrip("'\n") + "'\n" if "+" in want else want
    w, g = want.splitlines(), got.splitlines()
    w += [""] * (len(g) - len(w))
    g += [""] * (len(w) - len(g))
    if kind == "structure":
        return [(a, b) for a, b in zip(w, g) if _structure(a) != _structure(b)]
    return [(a, b) for a, b in zip(w, g) if a != b]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=300, help="seeds 0..N-1")
    args = parser.parse_args()
    start = time.time()
    lines = differing = 0
    examples = []
    for seed in range(args.seeds):
        want, got = replay(seed, False), replay(seed, True)
        for (kind, code), w, g in zip(CELLS, want, got):
            lines += len(w.splitlines())
            bad = differing_lines(kind, w, g)
            differing += len(bad)
            examples += [f"seed {seed}, cell ending `{code.splitlines()[-1][:40]}`: torch {a!r} / reference {b!r}"
                         for a, b in bad][:max(0, 10 - len(examples))]
    print(f"torch {torch.__version__}; seeds 0..{args.seeds - 1}, {len(CELLS)} cells each: "
          f"{lines} printed lines, {differing} differ ({time.time() - start:.0f} s)")
    for line in examples:
        print("  " + line)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
