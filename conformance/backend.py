"""Loading the implementation under test from whatever `--impl` names.

Accepted: `reference`, `torch`, an importable module name, `module:attribute` (an object that
exposes the torch-like API), or a path to a `.py` file. Any failure becomes one BackendError
line; the kit never shows a traceback from its own loading code.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


class BackendError(Exception):
    """The implementation named by --impl could not be loaded."""


@dataclass
class Backend:
    name: str
    module: ModuleType
    version: str
    origin: str
    import_line: str  # how a repro snippet imports it as `torch`


def load(name: str) -> Backend:
    """Import the implementation named by `name`; raise BackendError with one clear line."""
    try:
        if name.endswith(".py") or os.sep in name:
            module, line = _load_file(Path(name))
        elif ":" in name:
            module_name, attribute = name.split(":", 1)
            module = getattr(importlib.import_module(module_name), attribute)
            line = f"from {module_name} import {attribute} as torch"
        else:
            module = importlib.import_module(name)
            line = "import torch" if name == "torch" else f"import {name} as torch"
    except BackendError:
        raise
    except BaseException as exc:  # SystemExit or KeyboardInterrupt from a broken import included
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise BackendError(f"--impl={name}: cannot import it: {type(exc).__name__}: {exc}") from None
    version = getattr(module, "__version__", None)
    origin = getattr(module, "__file__", None) or getattr(sys.modules.get(getattr(module, "__module__", "")), "__file__", "")
    return Backend(name=name, module=module, version=str(version) if version is not None else "unknown",
                   origin=str(origin or "unknown"), import_line=line)


def _load_file(path: Path):
    if not path.is_file():
        raise BackendError(f"--impl={path}: no such file")
    module_name = f"_conformance_impl_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise BackendError(f"--impl={path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    line = (f"import importlib.util; _spec = importlib.util.spec_from_file_location('impl', {str(path.resolve())!r}); "
            f"torch = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(torch)")
    return module, line
