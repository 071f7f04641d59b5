"""Loading the implementation under test from whatever `--impl` names.

Accepted, tried in this order: a path to a `.py` file; a short name an installed package
registers in the `tutorial_conformance.backends` entry-point group; `module:attribute` (an
object that exposes the torch-like API); an importable module name (`reference`, `torch`...).
Any failure, even a SystemExit raised by the backend's import, becomes one BackendError line;
the kit never shows a traceback from its own loading code.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ENTRY_POINT_GROUP = "tutorial_conformance.backends"


class BackendError(Exception):
    """The implementation named by --impl could not be loaded."""


@dataclass
class Backend:
    name: str
    module: ModuleType
    version: str
    origin: str
    import_line: str  # how a repro snippet imports it as `torch`

    def describe(self) -> str:
        """'mini 0.1 from examples/mini_backend.py': one phrase for headers and summaries."""
        return f"{self.name} {self.version} from {self.origin}"


def load(name: str) -> Backend:
    """Import the implementation named by `name`; raise BackendError with one clear line."""
    entry = None
    try:
        if name.endswith(".py") or os.sep in name:
            module, line = _load_file(Path(name))
        else:
            entry = _entry_point(name)
            target = entry.value if entry is not None else name
            module, line = _import(target)
    except BackendError:
        raise
    except BaseException as exc:  # SystemExit or KeyboardInterrupt from a broken import included
        if isinstance(exc, KeyboardInterrupt):
            raise
        via = f" (entry point {entry.value!r})" if entry is not None else ""
        raise BackendError(f"--impl={name}{via}: cannot import it: {type(exc).__name__}: {_one_line(exc)}") from None
    version = getattr(module, "__version__", None)
    if version is None and entry is not None and entry.dist is not None:
        version = entry.dist.version
    origin = getattr(module, "__file__", None) or getattr(sys.modules.get(getattr(module, "__module__", "")), "__file__", "")
    origin = str(origin or "unknown")
    if entry is not None:
        dist = f"{entry.dist.name} " if entry.dist is not None else ""
        origin = f"{origin} (entry point {name} = {entry.value!r} of {dist}in {ENTRY_POINT_GROUP})"
    return Backend(name=name, module=module, version=str(version) if version is not None else "unknown",
                   origin=origin, import_line=line)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) < 300 else text[:300] + "..."


def _entry_point(name: str):
    """The installed entry point registered under `name`, if any (names with dots or colons are modules)."""
    if ":" in name or "." in name:
        return None
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == name:
            return entry
    return None


def _import(target: str):
    if ":" in target:
        module_name, attribute = target.split(":", 1)
        module = importlib.import_module(module_name)
        try:
            obj = getattr(module, attribute)
        except AttributeError:
            raise BackendError(f"--impl={target}: module {module_name} has no attribute {attribute!r}") from None
        return obj, f"from {module_name} import {attribute} as torch"
    module = importlib.import_module(target)
    return module, "import torch" if target == "torch" else f"import {target} as torch"


def _load_file(path: Path):
    if not path.is_file():
        raise BackendError(f"--impl={path}: no such file")
    module_name = f"_conformance_impl_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise BackendError(f"--impl={path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    line = (f"import importlib.util; _spec = importlib.util.spec_from_file_location('impl', {str(path.resolve())!r}); "
            f"torch = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(torch)")
    return module, line
