"""The kit's pytest entry point: options, loading the implementation and the oracle, collection."""
from __future__ import annotations

import platform
from dataclasses import dataclass
from types import ModuleType

import pytest
from hypothesis import settings

from . import profiles, record
from .backend import Backend, BackendError, load
from .items import SpecSuite


@dataclass
class Kit:
    backend: Backend
    oracle: ModuleType
    skip_reason: str | None = None


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "tutorial conformance kit")
    group.addoption("--impl", dest="conformance_impl", default="reference",
                    help="implementation under test: reference, torch, a module, module:attr, or path/to/file.py")
    group.addoption("--device", dest="conformance_device", default="cpu", choices=("cpu", "cuda"),
                    help="device for both the implementation and the torch oracle")
    record.add_options(parser)


def pytest_configure(config):
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(profiles.default_profile())
    try:
        backend = load(config.getoption("conformance_impl"))
    except BackendError as exc:
        raise pytest.UsageError(str(exc)) from None
    import torch  # the oracle: real PyTorch, always

    device = config.getoption("conformance_device")
    skip = None
    if device == "cuda" and not torch.cuda.is_available():
        skip = "no CUDA device: torch.cuda.is_available() is False here"
    config._conformance = Kit(backend=backend, oracle=torch, skip_reason=skip)
    config._conformance_env = {
        "impl": backend.name, "impl_version": backend.version, "impl_origin": backend.origin,
        "device": device, "device_name": _device_name(torch, device) if not skip else "unavailable",
        "profile": settings.get_current_profile_name(), "seed": config.getoption("hypothesis_seed", None),
    }
    record.configure(config)


def _device_name(torch, device: str) -> str:
    if device == "cuda":
        return torch.cuda.get_device_name(0)
    return platform.processor() or platform.machine()


def pytest_report_header(config):
    kit = getattr(config, "_conformance", None)
    if kit is not None:
        b = kit.backend
        return [f"conformance: impl={b.name} version={b.version} from {b.origin}; oracle torch {kit.oracle.__version__}; "
                f"device={config.getoption('conformance_device')}; hypothesis profile {settings.get_current_profile_name()}"]


def pytest_pycollect_makemodule(module_path, parent):
    if module_path.name == "test_sections.py":
        return SpecSuite.from_parent(parent, path=module_path)
