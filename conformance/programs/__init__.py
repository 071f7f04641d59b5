"""Program tests: random sequences of tutorial API steps, run in real torch and in the implementation.

Each program is straight-line Python text (`v3 = v1.t()`, `v3.add_(1)`, `with torch.no_grad():`...), so
the program that diverges is its own repro. After every step both worlds are compared variable by variable
(worlds.py); the steps come from the spec's call spellings and from explicit rules (rules.py, spec_rules.py);
a divergence is cut down to the shortest program that still shows it (repro.py); collector.py turns each
theme into one pytest item, `programs::<theme>[program-any-<device>]`.
"""
