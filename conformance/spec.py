"""Load and validate the spec: one TOML file per tutorial section (see spec/README.md).

Validation is strict and its errors name the file, the case and the field, because a spec author
who mistypes `shares` as `share` must learn it from one line, not from a traceback three layers down.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.resources
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The spec ships as the top-level package `spec` (the spec/ folder of a clone), found through
# importlib.resources: a clone, an installed wheel, an editable install and a zip alike.
SPEC_PACKAGE = "spec"
SPEC_OWNER = "tutorial-conformance"  # spec/__init__.py's KIT: tells the kit's spec from a namesake


class SpecNotFound(Exception):
    """The shipped spec is missing, empty or shadowed: a usage error, never a run of zero sections."""


def _find_spec() -> tuple[Any, str | None]:
    """(the shipped spec's folder, None), or (None, why there is none)."""
    try:
        package = importlib.import_module(SPEC_PACKAGE)
    except ImportError as exc:
        return None, f"cannot import the {SPEC_PACKAGE!r} package that holds it ({exc})"
    if getattr(package, "KIT", None) != SPEC_OWNER:
        where = list(getattr(package, "__path__", [])) or getattr(package, "__file__", "?")
        return None, f"the {SPEC_PACKAGE!r} package at {where} is another project's, and comes first on sys.path"
    return importlib.resources.files(package), None


SPEC_DIR, _SPEC_MISSING = _find_spec()

CHECK_KINDS = (
    "values", "shape", "dtype", "memory", "grad", "graph", "errors", "warnings",
    "printing", "distribution", "rng", "walkthrough", "layout", "program",
)
DTYPES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")
FLOAT_DTYPES = ("float16", "float32", "float64")
DEVICES = ("cpu", "cuda")
INPUT_KINDS = ("tensor", "ndarray", "list", "scalar", "dim", "literal", "index")
LAYOUTS = ("contiguous", "transposed", "sliced", "expanded")
SCALAR_TYPES = ("float", "int", "bool", "complex")
RESULTS = ("tensor", "python")
# Checks that look at the call's result: a case with one of them (and a tensor result) also gets the
# derived `layout` check, so no tensor-returning case can forget its strides.
RESULT_CHECKS = ("values", "shape", "rng")
EXCEPTIONS = ("RuntimeError", "TypeError", "ValueError", "IndexError")
WARNINGS = ("UserWarning", "DeprecationWarning")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_RESERVED = {"torch", "np", "device"}  # names every call's scope binds
_IMPORTS_TORCH = re.compile(r"^\s*(import\s+torch|from\s+torch[\s.])", re.MULTILINE)
_DIM_RANGE = (1, 5)


class SpecError(Exception):
    """A malformed spec file; the message names the file, the case and the field."""

    def __init__(self, path: Path | str, case: str | None, field_name: str | None, problem: str):
        where = str(path)
        if case:
            where += f", case {case!r}"
        if field_name:
            where += f", field {field_name!r}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class InputSpec:
    name: str
    kind: str
    shape: tuple = ()            # ints and dim symbols, for tensor/ndarray/list inputs
    values: tuple = (-10, 10)    # inclusive value range
    dtype: str | None = None     # fixed dtype; None means the case's dtype
    layouts: tuple = ("contiguous",)
    scalar_type: str = "float"   # for scalar inputs: "float" or "int"
    value: Any = None            # for literal inputs
    grid: float | None = None    # values restricted to multiples of this, when set
    requires_grad: bool = False  # built with requires_grad=True in every check
    special: bool = False        # floats may be nan, +-inf and -0.0 (the `special` value regime)
    bound: Any = None            # for index inputs: the size (int or dim symbol) the indices index into


@dataclass(frozen=True)
class Distribution:
    kind: str                    # "uniform" or "normal"
    low: float = 0.0
    high: float = 1.0
    mean: float = 0.0
    std: float = 1.0


@dataclass(frozen=True)
class Case:
    section: str
    id: str
    summary: str
    call: str
    inputs: tuple[InputSpec, ...]
    checks: tuple[str, ...]
    dtypes: tuple[str, ...]
    devices: tuple[str, ...]
    dims: dict = field(default_factory=dict)
    example: dict | None = None
    setup: str = ""
    shares: tuple[str, ...] = ()
    inplace: str | None = None
    differentiable: tuple[str, ...] = ()
    grad_fn: str | None = None
    output_dtype: str | None = None
    raises: str | None = None
    warns: str | None = None
    match: str | None = None
    unchanged: tuple[str, ...] = ()
    distribution: Distribution | None = None
    sample: str | None = None
    seeded: bool = False         # the call draws random numbers: seed both sides before it
    exact: bool = False          # values compare bit for bit (nan == nan, -0.0 != 0.0), not within a tolerance
    result: str = "tensor"       # "python": the call returns no tensor, so it has no derived layout check

    def input(self, name: str) -> InputSpec:
        return next(spec for spec in self.inputs if spec.name == name)


@dataclass(frozen=True)
class Walkthrough:
    summary: str
    steps: tuple[str, ...]
    data: dict
    dtypes: tuple[str, ...]
    devices: tuple[str, ...]
    seeded: bool = False
    shape_only: tuple[str, ...] = ()  # uninitialised or random values: compare shape and dtype only


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    order: int
    tutorial: str
    summary: str
    path: Path
    cases: tuple[Case, ...]
    walkthrough: Walkthrough | None
    devices: tuple[str, ...]


_SECTION_FIELDS = {"section", "title", "order", "tutorial", "summary", "devices", "case", "walkthrough"}
_CASE_FIELDS = {
    "id", "summary", "call", "inputs", "checks", "dtypes", "devices", "dims", "example", "setup",
    "shares", "inplace", "differentiable", "grad_fn", "output_dtype", "raises", "warns", "match",
    "unchanged", "distribution", "sample", "seeded", "exact", "result",
}
_INPUT_FIELDS = {"kind", "shape", "values", "dtype", "layouts", "type", "value", "grid", "requires_grad",
                 "special", "bound"}
_WALK_FIELDS = {"summary", "steps", "data", "dtypes", "devices", "seeded", "shape_only"}


class _Reader:
    """Typed field access that turns every mistake into a SpecError naming file, case and field."""

    def __init__(self, path: Path, case: str | None, table: dict, allowed: set, prefix: str = ""):
        self.path, self.case, self.table, self.prefix = path, case, table, prefix
        unknown = sorted(set(table) - allowed)
        if unknown:
            self.fail(unknown[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def fail(self, name: str, problem: str):
        raise SpecError(self.path, self.case, self.prefix + name, problem)

    def get(self, name: str, kind, default=..., choices=None):
        if name not in self.table:
            if default is ...:
                self.fail(name, "required field is missing")
            return default
        value = self.table[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            self.fail(name, f"expected {' or '.join(k.__name__ for k in kinds)}, got {type(value).__name__} {value!r}")
        if choices is not None:
            items = value if isinstance(value, list) else [value]
            for item in items:
                if item not in choices:
                    self.fail(name, f"{item!r} is not one of {', '.join(map(str, choices))}")
        return value


def _input_spec(path: Path, case: str, name: str, table: Any) -> InputSpec:
    if not isinstance(table, dict):
        raise SpecError(path, case, f"inputs.{name}", f"expected a table, got {type(table).__name__}")
    if not _IDENT.match(name) or name in _RESERVED:
        raise SpecError(path, case, f"inputs.{name}",
                        f"input names must be lower-case identifiers other than {', '.join(sorted(_RESERVED))}")
    r = _Reader(path, case, table, _INPUT_FIELDS, prefix=f"inputs.{name}.")
    kind = r.get("kind", str, "tensor", INPUT_KINDS)
    shape = tuple(r.get("shape", list, []))
    for dim in shape:
        if not (isinstance(dim, int) and dim >= 0) and not (isinstance(dim, str) and _IDENT.match(dim)):
            r.fail("shape", f"dimension {dim!r} is neither a size nor a dim symbol")
    values = r.get("values", list, [-10, 10])
    if len(values) != 2 or not all(isinstance(v, (int, float)) for v in values) or values[0] > values[1]:
        r.fail("values", f"expected [low, high] with low <= high, got {values!r}")
    layouts = tuple(r.get("layouts", list, ["contiguous"], LAYOUTS))
    if "transposed" in layouts and len(shape) != 2:
        r.fail("layouts", "a transposed layout needs a 2-d shape")
    if set(layouts) & {"sliced", "expanded"} and not shape:
        r.fail("layouts", "sliced and expanded layouts need at least one dimension")
    if kind == "index":
        bound = table.get("bound")
        if not ((isinstance(bound, int) and not isinstance(bound, bool) and bound > 0)
                or (isinstance(bound, str) and _IDENT.match(bound))):
            r.fail("bound", "an index input needs the size it indexes into: a positive int or a dim symbol")
    elif "bound" in table:
        r.fail("bound", "only index inputs have a bound")
    if kind == "literal" and "value" not in table:
        r.fail("value", "a literal input needs a value")
    if "grid" in table and not r.get("grid", float) > 0:
        r.fail("grid", "the grid step must be positive")
    return InputSpec(
        name=name, kind=kind, shape=shape, values=tuple(values),
        dtype=r.get("dtype", str, None, DTYPES), layouts=layouts,
        scalar_type=r.get("type", str, "float", SCALAR_TYPES),
        value=table.get("value"), grid=r.get("grid", float, None),
        requires_grad=r.get("requires_grad", bool, False), special=r.get("special", bool, False),
        bound=table.get("bound"),
    )


def _case(path: Path, section: str, table: Any, index: int, section_devices: tuple) -> Case:
    if not isinstance(table, dict):
        raise SpecError(path, f"#{index}", None, "a case must be a table")
    case_id = table.get("id", f"#{index}")
    r = _Reader(path, str(case_id), table, _CASE_FIELDS)
    case_id = r.get("id", str)
    if not _IDENT.match(case_id):
        r.fail("id", "case ids are lower-case identifiers (they become test ids)")
    inputs_table = r.get("inputs", dict, {})
    inputs = tuple(_input_spec(path, case_id, name, spec) for name, spec in inputs_table.items())
    names = {spec.name for spec in inputs}
    checks = tuple(r.get("checks", list, choices=CHECK_KINDS))
    if not checks:
        r.fail("checks", "a case needs at least one check")
    dtypes = tuple(r.get("dtypes", list, ["float32"], DTYPES + ("any",)))

    def names_field(name: str) -> tuple:
        listed = tuple(r.get(name, list, []))
        for item in listed:
            if item not in names:
                r.fail(name, f"{item!r} is not an input of this case (inputs: {', '.join(sorted(names)) or 'none'})")
        return listed

    dims = r.get("dims", dict, {})
    for symbol, bounds in dims.items():
        if not (isinstance(bounds, list) and len(bounds) == 2
                and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
                and 0 <= bounds[0] <= bounds[1]):
            r.fail(f"dims.{symbol}", f"expected [low, high] sizes, got {bounds!r}")
    inplace = r.get("inplace", str, None)
    if inplace is not None and inplace not in names:
        r.fail("inplace", f"{inplace!r} is not an input of this case")
    example = r.get("example", dict, None)
    if example is not None:
        missing = sorted(names - set(example) - {s.name for s in inputs if s.kind == "literal"})
        extra = sorted(set(example) - names)
        if missing or extra:
            r.fail("example", f"must give every non-literal input exactly once (missing {missing}, unknown {extra})")
    distribution = None
    if "distribution" in table:
        d = _Reader(path, case_id, r.get("distribution", dict), {"kind", "low", "high", "mean", "std"}, "distribution.")
        distribution = Distribution(
            kind=d.get("kind", str, choices=("uniform", "normal")),
            low=d.get("low", float, 0.0), high=d.get("high", float, 1.0),
            mean=d.get("mean", float, 0.0), std=d.get("std", float, 1.0),
        )
    case = Case(
        section=section, id=case_id, summary=r.get("summary", str), call=r.get("call", str),
        inputs=inputs, checks=checks, dtypes=dtypes,
        devices=tuple(r.get("devices", list, list(section_devices), DEVICES)),
        dims=dims, example=example, setup=r.get("setup", str, ""),
        shares=names_field("shares"), inplace=inplace, differentiable=names_field("differentiable"),
        grad_fn=r.get("grad_fn", str, None), output_dtype=r.get("output_dtype", str, None),
        raises=r.get("raises", str, None, EXCEPTIONS), warns=r.get("warns", str, None, WARNINGS),
        match=r.get("match", str, None), unchanged=names_field("unchanged"),
        distribution=distribution, sample=r.get("sample", str, None), seeded=r.get("seeded", bool, False),
        exact=r.get("exact", bool, False), result=r.get("result", str, "tensor", RESULTS),
    )
    _check_consistency(r, case)
    if case.result == "tensor" and set(case.checks) & set(RESULT_CHECKS) and "layout" not in case.checks:
        case = dataclasses.replace(case, checks=case.checks + ("layout",))
    return case


def _check_consistency(r: _Reader, case: Case) -> None:
    """Cross-field rules: each check kind needs the fields that drive it."""
    needs = {
        "errors": ("raises", case.raises), "warnings": ("warns", case.warns),
        "distribution": ("distribution", case.distribution), "grad": ("differentiable", case.differentiable),
    }
    for check, (name, value) in needs.items():
        if check in case.checks and not value:
            r.fail(name, f"the {check!r} check needs this field")
    if "layout" in case.checks and case.result != "tensor":
        r.fail("checks", "the 'layout' check needs a tensor result (this case says result = \"python\")")
    if case.exact and "values" not in case.checks:
        r.fail("exact", "exact comparison applies to the 'values' check, which this case lacks")
    expanded = [s.name for s in case.inputs if "expanded" in s.layouts]
    if expanded and ("memory" in case.checks or case.inplace):
        r.fail("inputs", f"{expanded[0]!r}: an expanded input cannot be written, so it cannot be in a memory or "
                         "in-place case")
    if case.raises and set(case.checks) - {"errors"}:
        r.fail("checks", "a case that raises can only have the 'errors' check")
    if "grad" in case.checks and not set(case.dtypes) & set(FLOAT_DTYPES):
        r.fail("dtypes", "the 'grad' check needs at least one floating dtype")
    try:
        compile(case.call, f"{case.id}.call", "eval")
    except SyntaxError as exc:
        r.fail("call", f"not a Python expression: {exc.msg}")
    try:
        compile(case.setup, f"{case.id}.setup", "exec")
    except SyntaxError as exc:
        r.fail("setup", f"not valid Python: {exc.msg}")
    if _IMPORTS_TORCH.search(case.setup):
        r.fail("setup", "must not import torch: `torch` is already bound to the module under test")
    if case.sample is not None:
        try:
            compile(case.sample, f"{case.id}.sample", "eval")
        except SyntaxError as exc:
            r.fail("sample", f"not a Python expression: {exc.msg}")
    if case.match is not None:
        try:
            re.compile(case.match)
        except re.error as exc:
            r.fail("match", f"not a regular expression: {exc}")
    rule = case.output_dtype
    if rule is not None and rule not in DTYPES and rule != "default":
        if not (rule.startswith("same:") and rule[5:] in {spec.name for spec in case.inputs}):
            r.fail("output_dtype", f"{rule!r} is not a dtype name, 'default' or 'same:<input>'")
    symbols = {d for spec in case.inputs for d in spec.shape if isinstance(d, str)}
    symbols |= {spec.name for spec in case.inputs if spec.kind == "dim"}
    for spec in case.inputs:
        if isinstance(spec.bound, str) and spec.bound not in symbols:
            r.fail(f"inputs.{spec.name}.bound", f"{spec.bound!r} is no dim symbol of this case")
    unknown = sorted(set(case.dims) - symbols)
    if unknown:
        r.fail("dims", f"symbol {unknown[0]!r} is used by no input")


def _walkthrough(path: Path, table: Any) -> Walkthrough:
    if not isinstance(table, dict):
        raise SpecError(path, "walkthrough", None, "must be a table")
    r = _Reader(path, "walkthrough", table, _WALK_FIELDS)
    steps = tuple(r.get("steps", list))
    for i, step in enumerate(steps):
        if not isinstance(step, str):
            r.fail(f"steps[{i}]", "each step is a string of Python code")
        try:
            compile(step, f"walkthrough step {i}", "exec")
        except SyntaxError as exc:
            r.fail(f"steps[{i}]", f"not valid Python: {exc.msg}")
        if _IMPORTS_TORCH.search(step):
            # `torch` is bound to the module under test; an import would reach real torch instead.
            r.fail(f"steps[{i}]", "must not import torch; use the bound name, e.g. `Variable = torch.autograd.Variable`")
    return Walkthrough(
        summary=r.get("summary", str), steps=steps, data=r.get("data", dict, {}),
        dtypes=tuple(r.get("dtypes", list, ["any"], DTYPES + ("any",))),
        # Walkthroughs replay the tutorial's own spellings, which create CPU tensors: CPU unless stated.
        devices=tuple(r.get("devices", list, ["cpu"], DEVICES)),
        seeded=r.get("seeded", bool, False), shape_only=tuple(r.get("shape_only", list, [])),
    )


def load_section(path: Path) -> Section:
    """Parse and validate one spec file."""
    path = Path(path) if isinstance(path, str) else path  # a Traversable stays one (a spec inside a zip)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path, None, None, f"not valid TOML: {exc}") from None
    r = _Reader(path, None, table, _SECTION_FIELDS)
    section_id = r.get("section", str)
    if not _IDENT.match(section_id):
        r.fail("section", "section ids are lower-case identifiers")
    devices = tuple(r.get("devices", list, list(DEVICES), DEVICES))
    raw_cases = r.get("case", list, [])
    cases = tuple(_case(path, section_id, c, i, devices) for i, c in enumerate(raw_cases))
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise SpecError(path, case.id, "id", "duplicate case id")
        seen.add(case.id)
    walk = _walkthrough(path, table["walkthrough"]) if "walkthrough" in table else None
    if not cases and walk is None:
        r.fail("case", "a section needs cases or a walkthrough")
    return Section(
        id=section_id, title=r.get("title", str), order=r.get("order", int),
        tutorial=r.get("tutorial", str), summary=r.get("summary", str), path=path,
        cases=cases, walkthrough=walk, devices=devices,
    )


def load_all(spec_dir: Path | None = None) -> tuple[Section, ...]:
    """Every section, in tutorial order (default: the shipped spec); section ids and orders must be unique.

    The shipped spec is parsed once per process: collection and the stale-entry check of the gate
    both walk it, and the files do not change during a run. Other folders (tests) are read afresh.
    A missing or empty spec raises SpecNotFound.
    """
    if spec_dir is None or spec_dir == SPEC_DIR:
        return _shipped_spec()
    return _load_dir(Path(spec_dir) if isinstance(spec_dir, str) else spec_dir)


def shipped_dir() -> Any:
    """The shipped spec's folder (a Path, or a Traversable inside a zip); SpecNotFound says why there is none."""
    if SPEC_DIR is None:
        raise SpecNotFound(f"the kit's spec is missing: {_SPEC_MISSING}; reinstall tutorial-conformance")
    return SPEC_DIR


def spec_files(spec_dir: Any) -> list:
    """A spec folder's section files (*.toml), by name; a folder without any raises SpecNotFound."""
    files = sorted((f for f in spec_dir.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    if not files:
        raise SpecNotFound(f"the spec at {spec_dir} has no section files (*.toml): nothing to judge by")
    return files


@functools.cache
def _shipped_spec() -> tuple[Section, ...]:
    return _load_dir(shipped_dir())


def _load_dir(spec_dir: Any) -> tuple[Section, ...]:
    sections = sorted((load_section(p) for p in spec_files(spec_dir)), key=lambda s: s.order)
    ids: dict[str, Path] = {}
    for section in sections:
        if section.id in ids:
            raise SpecError(section.path, None, "section", f"id {section.id!r} is also used by {ids[section.id]}")
        ids[section.id] = section.path
    return tuple(sections)
