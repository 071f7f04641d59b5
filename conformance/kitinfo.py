"""Which kit judged a run: the tutorial-conformance version and a hash of the spec, for the record and the report."""
from __future__ import annotations

import hashlib
import importlib.metadata
import tomllib
from pathlib import Path

from .spec import shipped_dir, spec_files

DISTRIBUTION = "tutorial-conformance"
# In a clone the code that runs is the source tree's, whatever version pip last installed.
_SOURCE_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def kit_version() -> str:
    """The running kit's version: the clone's pyproject.toml, else the installed distribution's metadata."""
    if _SOURCE_PYPROJECT.is_file():
        project = tomllib.loads(_SOURCE_PYPROJECT.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == DISTRIBUTION:  # not some other project's pyproject.toml beside site-packages
            return str(project.get("version", "unknown"))
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def spec_sha256() -> str:
    """SHA-256 of the shipped spec (each file's name and bytes, in name order): same spec, same hash."""
    digest = hashlib.sha256()
    for path in spec_files(shipped_dir()):
        for part in (path.name.encode("utf-8"), path.read_bytes()):
            digest.update(len(part).to_bytes(8, "big") + part)  # length-prefixed: no two specs collide by concatenation
    return digest.hexdigest()


def identity() -> dict:
    """The record's kit fields; SpecNotFound when there is no spec to hash."""
    return {"kit": DISTRIBUTION, "kit_version": kit_version(), "spec_sha256": spec_sha256()}
