"""The kit's pytest entry point: options, loading the implementation and the oracle, the gate, collection."""
from __future__ import annotations

import atexit
import gc
import importlib.metadata
import platform
from dataclasses import dataclass, field
from types import ModuleType

import pytest
from hypothesis import settings

from . import kitinfo, profiles, record
from .backend import Backend, BackendError, load
from .blocking import Probes
from .gate import EntryList, GateFileError, Tolerances, read_entries, read_tolerances
from .items import SpecSuite, all_test_ids
from .spec import SpecNotFound
from .summary import EXIT_BACKEND_IMPORT, GateSummary
from .schema import ENV, KIT

DEFAULT_CASE_TIMEOUT = 60.0


@dataclass
class Kit:
    backend: Backend
    oracle_version: str
    skip_reason: str | None = None
    xfails: EntryList = field(default_factory=lambda: EntryList("xfails"))
    skips: EntryList = field(default_factory=lambda: EntryList("skips"))
    tolerances: Tolerances = field(default_factory=Tolerances)
    case_timeout: float | None = DEFAULT_CASE_TIMEOUT
    probes: Probes | None = None
    stale: list = field(default_factory=list)

    @property
    def oracle(self) -> ModuleType:
        """Real PyTorch, imported where tests run (an xdist controller never needs it)."""
        import torch

        return torch


def pytest_addoption(parser):
    group = parser.getgroup("conformance", "tutorial conformance kit")
    group.addoption("--impl", dest="conformance_impl", default="reference",
                    help="implementation under test: reference, torch, a module, module:attr, path/to/file.py, "
                         "or a name registered in the tutorial_conformance.backends entry-point group")
    group.addoption("--device", dest="conformance_device", default="cpu", choices=("cpu", "cuda"),
                    help="device for both the implementation and the torch oracle")
    group.addoption("--xfails-file", dest="conformance_xfails", metavar="PATH", default=None,
                    help="expected failures: one test id or id prefix per line, then `# reason [link]`")
    group.addoption("--skips-file", dest="conformance_skips", metavar="PATH", default=None,
                    help="tests to skip (unsupported features): same format as --xfails-file")
    group.addoption("--tolerances-file", dest="conformance_tolerances", metavar="PATH.toml", default=None,
                    help="per-dtype and per-case (rtol, atol) overrides for value comparisons")
    group.addoption("--strict-xfails", dest="conformance_strict_xfails", action="store_true", default=False,
                    help="an expected failure that passes (XPASS) fails the gate with exit code 1")
    group.addoption("--case-timeout", dest="conformance_case_timeout", metavar="SECONDS", type=float,
                    default=DEFAULT_CASE_TIMEOUT,
                    help=f"fail a test that runs longer than this (default {DEFAULT_CASE_TIMEOUT:g}; 0 disables)")
    record.add_options(parser)


def pytest_configure(config):
    # At interpreter exit Python collects every object torch and the run created: ~0.9 s per process
    # on a 2-core machine, paid by every xdist worker. Freezing them first (at exit only, so an
    # in-process pytest.main() keeps collecting) skips that work.
    atexit.register(gc.freeze)
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(profiles.default_profile())
    try:
        backend = load(config.getoption("conformance_impl"))
    except BackendError as exc:
        # One line and a code of our own, so CI can tell "the backend is broken" from "tests failed".
        pytest.exit(f"conformance: backend failed to import: {exc}", returncode=EXIT_BACKEND_IMPORT)
    try:
        xfails = read_entries(config.getoption("conformance_xfails"), "xfails")
        skips = read_entries(config.getoption("conformance_skips"), "skips")
        tolerances = read_tolerances(config.getoption("conformance_tolerances"))
    except GateFileError as exc:
        raise pytest.UsageError(str(exc)) from None
    device = config.getoption("conformance_device")
    # An xdist controller runs no test: on the CPU it skips importing torch (seconds of a 2-core
    # machine's time that the workers, each importing their own, would otherwise wait for).
    torch = None if device == "cpu" and _distributes(config) else _oracle()
    skip = cuda_skip_reason(torch.cuda.is_available(), backend) if device == "cuda" else None
    timeout = config.getoption("conformance_case_timeout") or None
    kit = Kit(backend=backend, oracle_version=torch.__version__ if torch else _oracle_version(),
              skip_reason=skip, xfails=xfails, skips=skips, tolerances=tolerances,
              case_timeout=timeout, probes=Probes(backend.module, device, timeout))
    config.stash[KIT] = kit
    config.stash[ENV] = {
        "impl": backend.name, "impl_version": backend.version, "impl_origin": backend.origin,
        "device": device, "device_name": _device_name(device) if not skip else "unavailable",
        "profile": settings.get_current_profile_name(), "seed": config.getoption("hypothesis_seed", None),
        "xfails_file": config.getoption("conformance_xfails"), "skips_file": config.getoption("conformance_skips"),
        "tolerances_file": config.getoption("conformance_tolerances"),
        "strict_xfails": config.getoption("conformance_strict_xfails"), "case_timeout_s": timeout,
    }
    try:  # a missing or empty spec would collect only the foundations and pass: refuse the run instead
        config.stash[ENV].update(kitinfo.identity())
    except SpecNotFound as exc:
        raise pytest.UsageError(f"conformance: {exc}") from None
    record.configure(config)
    if not hasattr(config, "workerinput"):  # the controller: it alone judges entries and prints the summary
        ids = all_test_ids(device)
        kit.stale = xfails.stale(ids) + skips.stale(ids)
        config.stash[ENV]["stale_entries"] = [f"{e.where()}: {e.pattern}  # {e.text()}" for e in kit.stale]
        files = {"xfails": config.getoption("conformance_xfails"),
                 "skips": config.getoption("conformance_skips"),
                 "tolerances": config.getoption("conformance_tolerances")}
        config.pluginmanager.register(GateSummary(config, backend, kit.oracle_version, kit.stale, files),
                                      "conformance-gate-summary")


def cuda_skip_reason(oracle_has_cuda: bool, backend: Backend) -> str | None:
    """Why a --device=cuda run cannot judge anything here, or None. A backend that says it has no CUDA
    (its cuda.is_available() returns False: the reference without CuPy or a GPU) is skipped, not failed;
    one that says nothing, or says True, is judged."""
    if not oracle_has_cuda:
        return "no CUDA device: torch.cuda.is_available() is False here"
    probe = getattr(getattr(backend.module, "cuda", None), "is_available", None)
    try:
        says = probe() if callable(probe) else None
    except Exception:  # a broken probe is not a declaration: judge the backend
        return None
    if says is False:
        return f"{backend.name}.cuda.is_available() is False: this implementation declares no CUDA support here"
    return None


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    if hasattr(session.config, "workerinput"):
        # An xdist worker exits right after this; pytest's end-of-session gc passes would walk every
        # object torch created (~1 s). A worker process is never reused, so freezing them costs nothing.
        gc.freeze()


def _oracle() -> ModuleType:
    import torch  # the oracle: real PyTorch, always

    return torch


def _distributes(config) -> bool:
    """True in an xdist controller that hands every test to workers (xdist has resolved -n by now)."""
    if hasattr(config, "workerinput"):
        return False
    return bool(getattr(config.option, "numprocesses", None)) and getattr(config.option, "dist", "no") != "no"


def _oracle_version() -> str:
    """torch's version without importing it: the installed distribution's metadata."""
    try:
        return importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:  # a source build: ask the module itself
        return _oracle().__version__


def _device_name(device: str) -> str:
    if device == "cuda":
        return _oracle().cuda.get_device_name(0)
    return platform.processor() or platform.machine()


def pytest_report_header(config):
    kit = config.stash.get(KIT, None)
    if kit is None:
        return None
    lines = [f"conformance: impl={kit.backend.name} version={kit.backend.version} from {kit.backend.origin}",
             f"conformance: oracle torch {kit.oracle_version}; device={config.getoption('conformance_device')}; "
             f"hypothesis profile {settings.get_current_profile_name()}; case timeout "
             f"{f'{kit.case_timeout:g} s' if kit.case_timeout else 'off'}"]
    env = config.stash[ENV]
    lines.append(f"conformance: kit {env['kit']} {env['kit_version']}; spec sha256 {env['spec_sha256'][:12]}")
    for listing in (kit.xfails, kit.skips):
        if listing.entries:
            lines.append(f"conformance: --{listing.kind}-file: {len(listing.entries)} entries")
    if kit.tolerances.path:
        lines.append(f"conformance: --tolerances-file={kit.tolerances.path}")
    lines += [f"conformance: WARNING {entry.where()}: {entry.pattern!r} matches no test" for entry in kit.stale]
    return lines


def pytest_pycollect_makemodule(module_path, parent):
    if module_path.name == "test_sections.py":
        return SpecSuite.from_parent(parent, path=module_path)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Apply the skips and expected-failure files: skip wins over xfail, the longest entry gives the reason."""
    kit = config.stash.get(KIT, None)
    if kit is None:
        return
    for item in items:
        skip = kit.skips.match(item.nodeid)
        if skip is not None:
            item.add_marker(pytest.mark.skip(reason=f"skips-file {skip.where()}: {skip.text()}"))
            continue
        xfail = kit.xfails.match(item.nodeid)
        if xfail is not None and hasattr(item, "expected_failure"):
            item.expected_failure = xfail
            item.add_marker(pytest.mark.xfail(reason=f"xfails-file {xfail.where()}: {xfail.text()}", strict=False))
