"""torch's Python argument parser errors: what `x.add('a')` or `torch.eq(x, None)` raises.

torch words them after how the op was called. A method counts its arguments after self (x.add('a'): 'other' is
position 1), a torch.<name> function counts its input too ('other' is position 2). So an error is raised in the
method's words, and carries the function's words in `as_function`; reference/_api.py's torch.<name> wrappers raise
those instead.
"""
from .._tensor import Tensor
from ._common import as_number

__all__ = ["not_a", "tensor_argument", "invalid_arguments", "invalid_combination", "no_overload", "SIGNATURES"]


def not_a(op, name, position, value, kind="Tensor"):
    """`op(): argument 'name' (position N) must be Tensor, not str`, where an op takes one signature.
    `position`: the argument's place after self (0 for the input itself, which only a function call can get
    wrong)."""
    def error(at):
        return TypeError(f"{op}(): argument '{name}' (position {at}) must be {kind}, not {type(value).__name__}")
    err = error(position)
    err.as_function = error(position + 1)
    return err


def tensor_argument(op, name, position, value):
    """value, when it is a tensor; else not_a's error (see there for `position`)."""
    if not isinstance(value, Tensor):
        raise not_a(op, name, position, value)
    return value


def invalid_arguments(op, args, signatures, explained=()):
    """torch's TypeError for a call that matches none of an op's signatures. `explained`: the signatures torch
    explains the mismatch of (those without keyword-only arguments), marking the arguments that do not fit them."""
    got = ", ".join(type(a).__name__ for a in args)
    text = "".join(f" * ({s})\n" + (f"      didn't match because some of the arguments have invalid types: "
                                     f"({_marked(args, s)})\n" if s in explained else "")
                   for s in signatures)
    return TypeError(f"{op}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     + text)


def _marked(args, signature):
    """The arguments as torch lists them under a signature, !marked! where they do not fit its parameter. A
    parameter named self is marked whatever it gets (torch.remainder(2, 3) marks its 2 under `Number self`)."""
    params = [p.rsplit(" ", 1) for p in signature.split(", ") if p and p != "*" and "=" not in p]
    out = []
    for a, (kind, name) in zip(args, params):
        # the calls that reach here fit no other kind of parameter (a dtype, a tuple of ints) either
        fits = isinstance(a, Tensor) if kind == "Tensor" else kind == "Number" and as_number(a) is not None
        out.append(type(a).__name__ if fits and name != "self" else f"!{type(a).__name__}!")
    return ", ".join(out)


_OUT = ", *, Tensor out = None"
_COMPARISON = (f"Tensor input, Tensor other{_OUT}", f"Tensor input, Number other{_OUT}")
# op -> (the argument's name, the torch.<op> function's signatures, the ones torch explains): ops with a Tensor
# and a Number overload, whose methods list (Tensor name) and (Number name), both explained
SIGNATURES = {
    **{op: ("other", _COMPARISON, ()) for op in ("eq", "ne", "lt", "le", "gt", "ge")},
    "pow": ("exponent", (f"Tensor input, Tensor exponent{_OUT}", f"Number self, Tensor exponent{_OUT}",
                         f"Tensor input, Number exponent{_OUT}"), ()),
    "remainder": ("other", (f"Tensor input, Tensor other{_OUT}", "Number self, Tensor other",
                            f"Tensor input, Number other{_OUT}"), ("Number self, Tensor other",)),
    "floor_divide": ("other", (f"Tensor input, Tensor other{_OUT}", "Tensor input, Number other"),
                     ("Tensor input, Number other",)),
    "fill": ("value", ("Tensor input, Tensor value", "Tensor input, Number value"),
              ("Tensor input, Tensor value", "Tensor input, Number value")),
}


def invalid_combination(op, input, value):
    """The error of an op of SIGNATURES (or its in-place form) given a `value` that is neither a Tensor nor a number."""
    name, functions, explained = SIGNATURES[op.rstrip("_")]
    method = (f"Tensor {name}", f"Number {name}")
    err = invalid_arguments(op, (value,), method, explained=method)
    err.as_function = invalid_arguments(op, (input, value), functions, explained)
    return err


def no_overload(op, args):
    """The error of torch.<op>(*args) for an op of SIGNATURES when no overload takes these arguments at all (two
    numbers, or a number first for a comparison)."""
    _, functions, explained = SIGNATURES[op]
    return invalid_arguments(op, args, functions, explained)
