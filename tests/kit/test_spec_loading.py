"""conformance.spec: the shipped spec loads, and every malformed spec fails with file, case and field named."""
from __future__ import annotations

from pathlib import Path

import pytest

from conformance.spec import CHECK_KINDS, SPEC_DIR, SpecError, load_all, load_section

HEADER = '''\
section = "demo"
title = "Demo"
order = 1
tutorial = "## Demo"
summary = "a section for the loader's tests"
'''

CASE = '''
[[case]]
id = "plus"
summary = "x + y"
call = "x + y"
inputs = { x = { shape = ["m", "n"] }, y = { shape = ["m", "n"] } }
checks = ["values", "grad"]
differentiable = ["x", "y"]
'''


def write(tmp_path: Path, text: str, name: str = "demo.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(SpecError) as caught:
        load_section(path)
    message = str(caught.value)
    assert "\n" not in message.strip(), "a spec error is one line"
    assert str(path) in message
    return message


@pytest.mark.parametrize("path", sorted(SPEC_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_spec_file_loads(path):
    section = load_section(path)
    assert section.cases or section.walkthrough
    assert all(check in CHECK_KINDS for case in section.cases for check in case.checks)


def test_shipped_sections_have_unique_ids_and_orders():
    sections = load_all()
    assert len({s.id for s in sections}) == len(sections) == len(list(SPEC_DIR.glob("*.toml")))
    assert [s.order for s in sections] == sorted({s.order for s in sections})


def test_the_minimal_valid_spec_loads(tmp_path):
    # The base every malformed variant below starts from must itself be valid.
    section = load_section(write(tmp_path, HEADER + CASE))
    assert [case.id for case in section.cases] == ["plus"]
    assert section.cases[0].differentiable == ("x", "y")


def test_bad_toml_names_the_file(tmp_path):
    message = load_error(write(tmp_path, HEADER + CASE + "\nchecks = [values\n"))
    assert "not valid TOML" in message


# (what is wrong, edit applied to the valid case, the field the message must name)
MALFORMED = [
    ("unknown field", ('differentiable', 'share = ["x"]\ndifferentiable'), "share"),
    ("missing required field", ('call = "x + y"\n', ''), "call"),
    ("wrong type", ('checks = ["values", "grad"]', 'checks = "values"'), "checks"),
    ("unknown check kind", ('checks = ["values", "grad"]', 'checks = ["value", "grad"]'), "checks"),
    ("unknown input in shares", ('differentiable', 'shares = ["z"]\ndifferentiable'), "shares"),
    ("grad check without differentiable", ('differentiable = ["x", "y"]\n', ''), "differentiable"),
    ("bad call expression", ('call = "x + y"', 'call = "x +"'), "call"),
    ("bad setup code", ('call = "x + y"', 'call = "x + y"\nsetup = "y = = 1"'), "setup"),
    ("unknown input field", ('x = { shape = ["m", "n"] }', 'x = { shap = ["m", "n"] }'), "inputs.x.shap"),
    ("bad value range", ('x = { shape = ["m", "n"] }', 'x = { shape = ["m", "n"], values = [3, 1] }'),
     "inputs.x.values"),
    ("unknown dtype", ('checks =', 'dtypes = ["float33"]\nchecks ='), "dtypes"),
    ("unknown exception type", ('checks = ["values", "grad"]', 'checks = ["errors"]\nraises = "OopsError"'),
     "raises"),
    ("errors check without raises", ('checks = ["values", "grad"]', 'checks = ["errors"]'), "raises"),
    ("dims symbol used by no input", ('checks =', 'dims = { k = [1, 3] }\nchecks ='), "dims"),
    ("example missing an input", ('checks =', 'example = { x = [[1.0]] }\nchecks ='), "example"),
    ("in-place receiver not an input", ('checks =', 'inplace = "z"\nchecks ='), "inplace"),
    ("distribution of an unknown kind", ('checks = ["values", "grad"]',
                                         'checks = ["distribution"]\ndistribution = { kind = "poisson" }'),
     "distribution.kind"),
    ("layout check on a python result", ('checks = ["values", "grad"]',
                                         'checks = ["values", "grad", "layout"]\nresult = "python"'), "checks"),
    ("unknown result kind", ('checks =', 'result = "scalar"\nchecks ='), "result"),
    ("exact without a values check", ('checks = ["values", "grad"]', 'checks = ["grad"]\nexact = true'), "exact"),
    ("unknown layout", ('x = { shape = ["m", "n"] }', 'x = { shape = ["m", "n"], layouts = ["diagonal"] }'),
     "inputs.x.layouts"),
    ("sliced 0-dim input", ('x = { shape = ["m", "n"] }', 'x = { shape = [], layouts = ["sliced"] }'),
     "inputs.x.layouts"),
    ("index input without a bound", ('y = { shape = ["m", "n"] }', 'y = { kind = "index", shape = ["m"] }'),
     "inputs.y.bound"),
    ("bound on a tensor input", ('y = { shape = ["m", "n"] }', 'y = { shape = ["m", "n"], bound = "m" }'),
     "inputs.y.bound"),
    ("index bound that is no dim symbol", ('y = { shape = ["m", "n"] }',
                                           'y = { kind = "index", shape = [2], bound = "k" }'), "inputs.y.bound"),
    ("unknown scalar type", ('y = { shape = ["m", "n"] }', 'y = { kind = "scalar", type = "decimal" }'),
     "inputs.y.type"),
]


def test_layout_check_is_derived_for_tensor_results(tmp_path):
    case = load_section(write(tmp_path, HEADER + CASE)).cases[0]
    assert case.checks == ("values", "grad", "layout")
    python = load_section(write(tmp_path, HEADER + CASE.replace("checks =", 'result = "python"\nchecks ='))).cases[0]
    assert "layout" not in python.checks


@pytest.mark.parametrize("problem, edit, field_name", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_case_names_file_case_and_field(tmp_path, problem, edit, field_name):
    old, new = edit
    assert old in CASE
    message = load_error(write(tmp_path, HEADER + CASE.replace(old, new, 1)))
    assert "case 'plus'" in message, message
    assert f"field '{field_name}'" in message, message


def test_duplicate_case_id_names_the_case(tmp_path):
    message = load_error(write(tmp_path, HEADER + CASE + CASE))
    assert "case 'plus'" in message and "field 'id'" in message and "duplicate" in message


def test_unknown_section_field_names_the_field(tmp_path):
    message = load_error(write(tmp_path, HEADER + 'colour = "red"\n' + CASE))
    assert "field 'colour'" in message


def test_walkthrough_step_that_is_not_python_names_the_step(tmp_path):
    walk = '\n[walkthrough]\nsummary = "steps"\nsteps = ["x = torch.ones(2)", "print(x"]\n'
    message = load_error(write(tmp_path, HEADER + CASE + walk))
    assert "case 'walkthrough'" in message and "field 'steps[1]'" in message


def test_cases_given_as_one_table_not_a_list(tmp_path):
    message = load_error(write(tmp_path, HEADER + CASE.replace("[[case]]", "[case]")))
    assert "field 'case'" in message


def test_duplicate_section_ids_across_files(tmp_path):
    write(tmp_path, HEADER + CASE, "a.toml")
    write(tmp_path, HEADER.replace("order = 1", "order = 2") + CASE, "b.toml")
    with pytest.raises(SpecError, match="section"):
        load_all(tmp_path)


# Malformed values that would otherwise fail later, while the suite runs; the schema rejects them.
SCHEMA_GAPS = [
    ("zero grid", ('x = { shape = ["m", "n"] }', 'x = { shape = ["m", "n"], grid = 0.0 }'),
     "draws divide by the grid: ZeroDivisionError inside conformance/inputs.py"),
    ("invalid match regex", ('checks = ["values", "grad"]',
                             'checks = ["warnings"]\nwarns = "UserWarning"\nmatch = "("'),
     "re.compile raises inside conformance/checks/errors.py"),
    ("sample that is not Python", ('checks = ["values", "grad"]',
                                   'checks = ["distribution"]\ndistribution = { kind = "normal" }\n'
                                   'sample = "torch.randn("'), "eval raises SyntaxError inside the check"),
    ("unknown output_dtype rule", ('checks =', 'output_dtype = "float33"\nchecks ='),
     "reported only at run time, as a spec disagreement"),
]


@pytest.mark.parametrize("problem, edit, consequence", SCHEMA_GAPS, ids=[g[0] for g in SCHEMA_GAPS])
def test_schema_gaps(tmp_path, problem, edit, consequence):
    old, new = edit
    try:
        load_section(write(tmp_path, HEADER + CASE.replace(old, new, 1)))
    except SpecError:
        return
    pytest.fail(f"{problem} loads without a SpecError; later {consequence}")
