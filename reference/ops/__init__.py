"""The ops, one module per family; `bind` attaches them to Tensor as methods and operators."""
from .._fp import quiet
from . import compare, concat, convert, elementwise, indexing, linalg, reductions, shape, unary
from .out import OUT_RULES, with_out

_MODULES = (elementwise, unary, compare, reductions, shape, indexing, concat, linalg, convert)


def bind(tensor_cls, extra_methods=()):
    """Attach the ops as methods, operators and properties; each runs with NumPy's float warnings off."""
    for mod in _MODULES:
        for name, fn in getattr(mod, "METHODS", {}).items():
            setattr(tensor_cls, name, quiet(fn))
        for name, fn in getattr(mod, "OPERATORS", {}).items():
            setattr(tensor_cls, name, quiet(fn))
        for name, fn in getattr(mod, "PROPERTIES", {}).items():
            setattr(tensor_cls, name, property(quiet(fn)))
    for methods in extra_methods:
        for name, fn in methods.items():
            setattr(tensor_cls, name, quiet(fn))
    # Comparison operators return tensors, so hashing must be declared again (by identity, as torch).
    tensor_cls.__hash__ = lambda self: id(self)


def functions():
    """The torch.<name> functions the ops provide (with out= where torch has it)."""
    out = {}
    for mod in _MODULES:
        out.update(getattr(mod, "FUNCTIONS", {}))
    return {name: quiet(with_out(fn, name) if name in OUT_RULES else fn) for name, fn in out.items()}
