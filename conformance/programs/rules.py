"""The explicit step generators: each reads torch's world to pick live variables and returns one Step.

A generator is `(machine, draw) -> Step | None` (None: nothing it applies to right now). Choices are
drawn simplest first, so Hypothesis shrinks towards plain float32 tensors, valid dims and small values.
Argument ranges deliberately run a little past what is valid: torch's error for a bad dim is API too.
"""
from __future__ import annotations

import math

from hypothesis import strategies as st

from .worlds import Step

FLOAT_VALUES = ("1.0", "0.0", "-2.0", "0.5", "3.25", "-1.75", "-0.0", "0.1", "100.0", "1e10")
SPECIAL_VALUES = ("float('nan')", "float('inf')", "-float('inf')")
INT_VALUES = ("1", "0", "-1", "2", "3", "7", "-5", "100", "127")
INT_OUT_OF_RANGE = ("-128", "255", "300")
SHAPES = ((2, 3), (3,), (), (2, 2), (3, 2), (1, 3), (0,), (2, 0), (2, 1, 3), (4,))
COMMON_DTYPES = ("float32", "float64", "int64", "float32")
ALL_DTYPES = ("float32", "float64", "int64", "float16", "int32", "int8", "uint8", "bool")
SCALARS = ("2", "0.5", "-1", "1.5", "0", "True", "-0.0", "float('nan')")


def _choose(draw, options):
    return draw(st.sampled_from(options))


def _literal(draw, dtype: str, shape: tuple, special: bool) -> str:
    """A nested-list literal of `shape` whose elements suit `dtype` (sometimes nan/inf or out of range)."""
    if dtype == "bool":
        pool = ("True", "False")
    elif dtype.startswith(("int", "uint")):
        pool = INT_VALUES + (INT_OUT_OF_RANGE if special else ())
        if dtype == "uint8" and not special:
            pool = tuple(v for v in pool if not v.startswith("-"))
    else:
        pool = FLOAT_VALUES + (SPECIAL_VALUES if special else ())

    def build(dims):
        if not dims:
            return _choose(draw, pool)
        return "[" + ", ".join(build(dims[1:]) for _ in range(dims[0])) + "]"
    return build(shape)


def _dim(draw, ndim: int) -> int:
    """A dim argument: mostly valid (negative ones included), now and then one past the end."""
    high = max(ndim, 1)
    return draw(st.integers(-high, high - 1) | st.integers(-high - 1, high))


def create(m, draw) -> Step:
    """A fresh tensor: torch.tensor(literal), zeros/ones, arange().reshape(); any shape, 0-dim and empty too."""
    dtype = _choose(draw, m.theme.dtypes)
    shape = _choose(draw, SHAPES)
    grad = dtype.startswith("float") and draw(st.integers(0, 3)) > 0
    special = draw(st.integers(0, 3)) == 3 or m.theme.special_values
    form = draw(st.integers(0, 4))
    extra = ", requires_grad=True" if grad else ""
    device = "" if m.device == "cpu" else ", device=device"
    if form == 1:
        code = f"torch.zeros({shape}, dtype=torch.{dtype}{device}{extra})"
    elif form == 2 and dtype != "bool":
        code = f"torch.arange({math.prod(shape)}, dtype=torch.{dtype}{device}).reshape({shape})"
    elif form == 3:
        code = f"torch.tensor({_literal(draw, dtype, shape, special)}{device}{extra})"  # dtype inferred
    else:
        code = f"torch.tensor({_literal(draw, dtype, shape, special)}, dtype=torch.{dtype}{device}{extra})"
    return Step(f"{m.new_name()} = {code}")


def view(m, draw) -> Step | None:
    """A view (or a copy where torch copies): t, transpose, view, reshape, indexing, squeeze, expand..."""
    x = m.pick(draw, m.tensors(), m.tracked)
    if x is None:
        return None
    shape = m.shape(x)
    nd, numel = len(shape), math.prod(shape)
    sizes = [(-1,), (numel,), (1, -1), (-1, 1)] + ([(2, -1), (-1, 2)] if numel % 2 == 0 else [])
    sizes += [tuple(reversed(shape))] if nd >= 2 else []
    sizes += [(numel + 1,)]
    indices = ["0", "-1", "1:", ":1", "::2", "None", "..., 0"] + ([":, 0", ":, 1:", "0, 0", "1:, ::2"] if nd >= 2 else []) + ["5"]
    forms = [
        lambda: f"{x}.t()",
        lambda: f"{x}.transpose({_dim(draw, nd)}, {_dim(draw, nd)})",
        lambda: f"{x}.view({', '.join(map(str, _choose(draw, sizes)))})",
        lambda: f"{x}.reshape({', '.join(map(str, _choose(draw, sizes)))})",
        lambda: f"{x}[{_choose(draw, indices)}]",
        lambda: f"{x}.squeeze()",
        lambda: f"{x}.unsqueeze({draw(st.integers(-nd - 1, nd))})",
        lambda: f"{x}.flatten()",
        lambda: f"{x}.squeeze({_dim(draw, nd)})",
        lambda: f"{x}.permute({', '.join(map(str, draw(st.permutations(range(nd)))))})",
        lambda: f"{x}.expand({', '.join(map(str, (2, *shape)))})",
        lambda: f"{x}.narrow({_dim(draw, nd)}, 0, 1)",
        lambda: f"{x}.select({_dim(draw, nd)}, 0)",
        lambda: f"{x}.contiguous()",
        lambda: f"{x}.view_as({x})",
    ]
    return Step(f"{m.new_name()} = {_choose(draw, forms)()}")


def _operand(m, draw, shape: tuple, prefer_tensor: bool = False) -> str:
    """A second argument: a Python scalar, another live variable (any dtype, any shape, but mostly
    `shape`), a 0-dim tensor or a reduction of a live variable."""
    kind = draw(st.integers(0, 3))
    if kind == 1 or prefer_tensor:
        other = m.pick(draw, m.tensors(), lambda name: m.shape(name) == shape)
        if other is not None:
            return other
    if kind == 2:
        return f"torch.tensor({_choose(draw, SCALARS)})"
    if kind == 3:  # a reduction's 0-dim result: it promotes differently from a dimensioned tensor
        other = m.pick(draw, m.tensors(), lambda name: m.dtype(name) != "bool")
        if other is not None:
            return f"{other}.sum()"
    return _choose(draw, SCALARS)


def inplace(m, draw) -> Step | None:
    """An in-place method on a live tensor (a view or a base alike), with a scalar or tensor operand."""
    x = m.pick(draw, m.tensors(), m.tracked_view)
    if x is None:
        return None
    shape = m.shape(x)
    forms = [
        lambda: f"{x}.add_({_operand(m, draw, shape)})",
        lambda: f"{x}.mul_({_operand(m, draw, shape)})",
        lambda: f"{x}.sub_({_operand(m, draw, shape)})",
        lambda: f"{x}.div_({_operand(m, draw, shape)})",
        lambda: f"{x}.add_({_operand(m, draw, shape, True)}, alpha=2)",
        lambda: f"{x}.zero_()",
        lambda: f"{x}.fill_({_choose(draw, SCALARS)})",
        lambda: f"{x}.clamp_(-1, 1)",
        lambda: f"{x}.neg_()",
        lambda: f"{x}.copy_({_operand(m, draw, shape, True)})",
    ]
    return Step(_choose(draw, forms)())


def setitem(m, draw) -> Step | None:
    """`x[idx] = value` with int, slice, Ellipsis, bool-mask and index-tensor indices."""
    x = m.pick(draw, m.tensors(), m.tracked)
    if x is None:
        return None
    nd = len(m.shape(x))
    indices = ["...", "0", "-1", "1:", "::2"] + ([":, 0", "0, 1:"] if nd >= 2 else [])
    # Repeated indices ([1, 1], or [0, -1] on a dim of size 1) write in an unspecified order on CUDA.
    repeats = ["torch.tensor([0, -1])", "torch.tensor([1, 1])"] if m.device == "cpu" else ["torch.tensor([0])"]
    indices += [f"{x} > 0", *repeats, "torch.tensor([], dtype=torch.int64)", "5"]
    masks = [name for name in m.tensors() if m.dtype(name) == "bool" and m.shape(name) == m.shape(x)]
    if masks:
        indices.append(m.pick(draw, masks))
    value = _choose(draw, SCALARS + ("OTHER",))
    if value == "OTHER":
        value = _operand(m, draw, (), True)
    return Step(f"{x}[{_choose(draw, indices)}] = {value}")


def binary(m, draw) -> Step | None:
    """An arithmetic result from two live variables or a variable and a scalar: promotion, broadcasting."""
    x = m.pick(draw, m.tensors(), m.tracked)
    if x is None:
        return None
    y = _operand(m, draw, m.shape(x))
    op = _choose(draw, ("+", "*", "-", "/", "//"))
    form = draw(st.integers(0, 2))
    if form == 1:
        code = f"{y} {op} {x}"
    elif form == 2:
        code = f"torch.{_choose(draw, ('add', 'mul', 'sub', 'div'))}({x}, {y})"
    else:
        code = f"{x} {op} {y}"
    return Step(f"{m.new_name()} = {code}")


def reduce(m, draw) -> Step | None:
    """sum, mean and norm (whole or along a dim), and reading values back with item()/tolist()."""
    x = m.pick(draw, m.tensors())
    if x is None:
        return None
    nd = len(m.shape(x))
    form = _choose(draw, ("sum()", "mean()", "norm()", "sum({d})", "mean({d})", "sum({d}, keepdim=True)",
                          "item()", "tolist()"))
    return Step(f"{m.new_name()} = {x}.{form.format(d=_dim(draw, nd))}")


def convert(m, draw) -> Step | None:
    """dtype conversions (a copy, or the tensor itself when nothing changes) and clone()."""
    x = m.pick(draw, m.tensors())
    if x is None:
        return None
    dtype = _choose(draw, ALL_DTYPES)
    form = _choose(draw, (f"to(torch.{dtype})", "float()", "double()", "long()", "int()", "half()", "bool()",
                          f"to({x}.dtype)", "clone()"))
    return Step(f"{m.new_name()} = {x}.{form}")


def grad_flags(m, draw) -> Step | None:
    """requires_grad_() / requires_grad_(False) / `requires_grad =`, detach(), detach_(), .data, retain_grad()."""
    x = m.pick(draw, m.tensors(), m.tracked_result)
    if x is None:
        return None
    forms = [
        lambda: Step(f"{x}.requires_grad_()"),
        lambda: Step(f"{x}.requires_grad_(False)"),
        lambda: Step(f"{x}.requires_grad = {_choose(draw, ('True', 'False'))}"),
        lambda: Step(f"{m.new_name()} = {x}.detach()"),
        lambda: Step(f"{x}.detach_()"),
        lambda: Step(f"{m.new_name()} = {x}.data"),
        lambda: Step(f"{x}.retain_grad()"),
    ]
    return _choose(draw, forms)()


def backward(m, draw) -> Step | None:
    """backward() on a result, with and without gradient=, and with retain_graph=True."""
    x = m.pick(draw, m.tensors(), m.tracked)
    if x is None:
        return None
    shape = m.shape(x)
    retain = _choose(draw, ("", "retain_graph=True"))
    forms = [
        lambda: f"{x}.sum().backward({retain})",
        lambda: f"{x}.backward({retain})",
        lambda: f"{x}.backward(torch.ones_like({x}){', ' + retain if retain else ''})",
        lambda: f"{x}.backward(gradient={_operand(m, draw, shape, True)}{', ' + retain if retain else ''})",
        lambda: f"{x}.mean().backward({retain})",
    ]
    return Step(_choose(draw, forms)())


def grad_read(m, draw) -> Step | None:
    """Reading .grad (a warning on a non-leaf) and grad_fn; resetting .grad to None."""
    x = m.pick(draw, m.tensors())
    if x is None:
        return None
    form = _choose(draw, ("grad", "grad_fn", "RESET"))
    if form == "RESET":
        return Step(f"{x}.grad = None")
    return Step(f"{m.new_name()} = {x}.{form}")


def grad_mode(m, draw) -> Step:
    """Enter torch.no_grad() (or enable_grad() inside it), or leave the innermost block."""
    open_blocks = m.open_blocks()
    # Nested blocks are the point (leaving the inner one must restore the outer one's mode): at depth 1 enter
    # again twice as often as leave; from depth 3 on, only leave.
    if open_blocks and (len(open_blocks) >= 3 or draw(st.integers(0, 2)) == 0):
        return Step("", kind="exit", name=open_blocks[-1])
    manager = "torch.enable_grad()" if open_blocks and draw(st.integers(0, 3)) == 3 else "torch.no_grad()"
    return Step(manager, kind="enter", name=m.new_name("_g"))


def numpy_bridge(m, draw) -> Step | None:
    """numpy() and from_numpy(), shared memory both ways, and writes made on the NumPy side."""
    arrays = m.arrays()
    forms = ["numpy", "detach_numpy", "from_literal"] + (["from_numpy", "write", "augmented", "array_view"] if arrays else [])
    form = _choose(draw, forms)
    if form in ("numpy", "detach_numpy"):
        x = m.pick(draw, m.tensors())
        if x is None:
            return None
        return Step(f"{m.new_name()} = {x}.{'detach().' if form == 'detach_numpy' else ''}numpy()")
    if form == "from_literal":
        dtype = _choose(draw, m.theme.dtypes)
        shape = _choose(draw, SHAPES)
        literal = _literal(draw, dtype, shape, draw(st.integers(0, 3)) == 3)
        return Step(f"{m.new_name()} = torch.from_numpy(np.array({literal}, dtype=np.{dtype}))")
    a = m.pick(draw, arrays)
    ndim = m.scope_value(a).ndim
    if form == "from_numpy":
        return Step(f"{m.new_name()} = torch.from_numpy({a})")
    if form == "write":
        index = _choose(draw, ("...", "0", "-1", "1:") + ((":, 0",) if ndim >= 2 else ()))
        return Step(f"{a}[{index}] = {_choose(draw, ('7', '-1.5', '0', 'True'))}")
    if form == "augmented":
        return Step(f"{a} {_choose(draw, ('+=', '*=', '-='))} {_choose(draw, ('1', '2', '0.5'))}")
    return Step(f"{m.new_name()} = {a}{_choose(draw, ('.T', '.reshape(-1)', '[::-1]', '[1:]'))}")
