"""The kit's pytest11 entry point: lets `pytest --pyargs conformance --impl=...` run from any directory.

A top-level module, not part of the conformance package: pytest imports every pytest11 plugin in
every run, and importing the conformance package there would shadow a clone's own copy of it.

pytest reads the options of a conftest.py before parsing the command line only when an argument
is that conftest's folder; `--pyargs conformance` names a module instead, so outside a clone
`--impl` would be an unknown option. When, and only when, the command line names the conformance
package under --pyargs, this registers conformance/conftest.py early, under the name pytest gives
a conftest (its path), so pytest's own conftest discovery reuses it instead of loading it twice.
Every other pytest run, in any project, sees no option, hook or import of the kit.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

PACKAGE = "conformance"


def names_the_kit(pyargs: bool, args: list[str]) -> bool:
    """True when a --pyargs command line collects the conformance package or one of its modules."""
    if not pyargs:
        return False
    targets = (str(arg).split("::")[0] for arg in args)
    return any(target == PACKAGE or target.startswith(PACKAGE + ".") for target in targets)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Register conformance/conftest.py before the command line is parsed, when --pyargs names the kit."""
    known = early_config.known_args_namespace
    targets = list(known.file_or_dir or ())
    if known.noconftest or not names_the_kit(known.pyargs, targets):
        return
    here = early_config.invocation_params.dir
    if any((here / str(arg).split("::")[0]).exists() for arg in targets):
        return  # a folder named conformance here (a clone): pytest loads its conftest itself
    try:
        # Imported only now, and by name: a run that does not collect the kit must not pay for
        # (or break on) torch, Hypothesis and the kit's modules.
        conftest = importlib.import_module(f"{PACKAGE}.conftest")
    except ImportError as exc:
        raise pytest.UsageError(f"conformance: cannot load the kit ({exc}); install it with its extras: "
                                "pip install 'tutorial-conformance[kit]'") from None
    name = str(Path(conftest.__file__))
    if early_config.pluginmanager.get_plugin(name) is None:
        early_config.pluginmanager.register(conftest, name)
