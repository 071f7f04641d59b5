"""The public surface in one place: every Tensor method, operator and property the ops provide (one line
each, so `grep 'Tensor.add_'` finds it), and every torch.<name> function (with out= where torch has it).

This is the top of the import order (dtypes / device / storage -> tensor -> autograd -> ops -> factories
-> this table -> __init__). Each method runs with NumPy's float warnings off (`quiet`), as torch never warns.
"""
import functools

from . import _creation, _dtypes, _from_data, _random
from ._fp import quiet
from ._tensor import Tensor
from .autograd import register_hook, tensor_backward, tensor_numpy, views
from .autograd.function import refuse_stale_inputs
from .ops import compare, convert, elementwise, fast, index_put, indexing, linalg, reductions, shape, unary
from .ops import concat as _concat
from .ops import pow as _pow
from .ops.arguments import not_a
from .ops._common import as_number
from .ops.out import OUT_RULES, with_out


def op(fn):
    """A differentiable op: `quiet`, and when its own checks fail, torch's order (its autograd layer reads the
    inputs' grad_fn before the kernel checks anything: see autograd.function.refuse_stale_inputs). Ops without
    a derivative (comparisons, argmax ...), those that check their arguments first (indexing, casts, composite
    ops such as reshape, flatten, narrow) and in-place ops (autograd's check_inplace of self comes first, in
    `inplace`) are plain `quiet`."""
    return quiet(fn, on_error=_refuse_stale_inputs)


def _refuse_stale_inputs(args, exc):
    """refuse_stale_inputs, unless torch's argument parser refused the call (a TypeError: missing or mistyped
    arguments), which it does before autograd sees the inputs."""
    if not isinstance(exc, TypeError):
        refuse_stale_inputs(args)


def _operator(fn, wrapper=op):
    """A binary operator: NotImplemented for an operand that is neither a tensor nor a number (so Python
    tries the other side), else fn(self, other)."""
    def method(self, other):
        if not isinstance(other, Tensor) and as_number(other) is None:
            return NotImplemented
        return fn(self, other)
    method.__name__ = fn.__name__
    return wrapper(method)


def _tensor_operator(fn):
    """A binary operator defined for two tensors only (@)."""
    def method(self, other):
        return fn(self, other) if isinstance(other, Tensor) else NotImplemented
    method.__name__ = fn.__name__
    return op(method)


def _legacy_new(cls, *args, **kwargs):
    """Tensor(2, 3) and Tensor([1, 2]): torch's legacy constructor, in the default dtype."""
    return _from_data.legacy_new(cls, _dtypes.get_default_dtype(), *args, **kwargs)


# ---- Tensor: construction, autograd, pickling -----------------------------------------------------------
Tensor.__new__ = staticmethod(_legacy_new)
Tensor.__reduce_ex__ = _from_data.reduce_tensor
Tensor.grad_fn = property(views.grad_fn)
Tensor.backward = tensor_backward
Tensor.numpy = tensor_numpy  # torch refuses numpy() of a tensor that requires grad only while grad mode is on
Tensor.register_hook = register_hook

# ---- arithmetic (ops/elementwise.py, ops/pow.py) ----------------------------------------------------------
Tensor.add = op(elementwise.add)
Tensor.add_ = quiet(elementwise.add_)
Tensor.sub = Tensor.subtract = op(elementwise.sub)
Tensor.sub_ = quiet(elementwise.sub_)
Tensor.mul = Tensor.multiply = op(elementwise.mul)
Tensor.mul_ = quiet(elementwise.mul_)
Tensor.div = Tensor.divide = Tensor.true_divide = op(elementwise.div)
Tensor.div_ = quiet(elementwise.div_)
Tensor.pow = op(_pow.pow)
Tensor.pow_ = quiet(_pow.pow_)
Tensor.__add__ = Tensor.__radd__ = fast.add_operator   # the tutorial's hottest calls: see ops/fast.py
Tensor.__mul__ = Tensor.__rmul__ = fast.mul_operator
Tensor.__sub__ = _operator(elementwise.sub)
Tensor.__rsub__ = _operator(elementwise.rsub)
Tensor.__truediv__ = _operator(elementwise.div)
Tensor.__rtruediv__ = _operator(elementwise.rdiv)
Tensor.__pow__ = _operator(_pow.pow)
Tensor.__rpow__ = _operator(_pow.rpow)
Tensor.__iadd__ = quiet(elementwise.add_)
Tensor.__isub__ = quiet(elementwise.sub_)
Tensor.__imul__ = quiet(elementwise.mul_)
Tensor.__itruediv__ = quiet(elementwise.div_)
Tensor.__ipow__ = quiet(_pow.pow_)

# ---- unary math (ops/unary.py) ------------------------------------------------------------------------------
Tensor.neg = Tensor.negative = Tensor.__neg__ = op(unary.neg)
Tensor.neg_ = quiet(unary.neg_)
Tensor.abs = Tensor.absolute = Tensor.__abs__ = op(unary.abs)
Tensor.abs_ = quiet(unary.abs_)
Tensor.__pos__ = quiet(unary.positive)
Tensor.exp = op(unary.exp)
Tensor.exp_ = quiet(unary.exp_)
Tensor.log = op(unary.log)
Tensor.log_ = quiet(unary.log_)
Tensor.sqrt = op(unary.sqrt)
Tensor.sqrt_ = quiet(unary.sqrt_)
Tensor.sin = op(unary.sin)
Tensor.sin_ = quiet(unary.sin_)
Tensor.cos = op(unary.cos)
Tensor.cos_ = quiet(unary.cos_)
Tensor.tanh = op(unary.tanh)
Tensor.tanh_ = quiet(unary.tanh_)
Tensor.sigmoid = op(unary.sigmoid)
Tensor.sigmoid_ = quiet(unary.sigmoid_)
Tensor.relu = op(unary.relu)
Tensor.relu_ = quiet(unary.relu_)
Tensor.reciprocal = op(unary.reciprocal)
Tensor.reciprocal_ = quiet(unary.reciprocal_)
Tensor.floor = op(unary.floor)
Tensor.floor_ = quiet(unary.floor_)
Tensor.ceil = op(unary.ceil)
Tensor.ceil_ = quiet(unary.ceil_)
Tensor.round = op(unary.round)
Tensor.round_ = quiet(unary.round_)
Tensor.trunc = op(unary.trunc)
Tensor.trunc_ = quiet(unary.trunc_)
Tensor.sign = op(unary.sign)
Tensor.sign_ = quiet(unary.sign_)
Tensor.clamp = Tensor.clip = op(unary.clamp)
Tensor.clamp_ = Tensor.clip_ = quiet(unary.clamp_)
Tensor.square = op(unary.square)

# ---- comparisons, integer division, bitwise and logical ops (ops/compare.py) --------------------------------
Tensor.eq = quiet(compare.eq)
Tensor.eq_ = quiet(compare.eq_)
Tensor.ne_ = Tensor.not_equal_ = quiet(compare.ne_)
Tensor.lt_ = Tensor.less_ = quiet(compare.lt_)
Tensor.le_ = Tensor.less_equal_ = quiet(compare.le_)
Tensor.gt_ = Tensor.greater_ = quiet(compare.gt_)
Tensor.ge_ = Tensor.greater_equal_ = quiet(compare.ge_)
Tensor.ne = Tensor.not_equal = quiet(compare.ne)
Tensor.lt = Tensor.less = quiet(compare.lt)
Tensor.le = Tensor.less_equal = quiet(compare.le)
Tensor.gt = Tensor.greater = quiet(compare.gt)
Tensor.ge = Tensor.greater_equal = quiet(compare.ge)
Tensor.__eq__ = _operator(compare.eq, quiet)
Tensor.__ne__ = _operator(compare.ne, quiet)
Tensor.__lt__ = _operator(compare.lt, quiet)
Tensor.__le__ = _operator(compare.le, quiet)
Tensor.__gt__ = _operator(compare.gt, quiet)
Tensor.__ge__ = _operator(compare.ge, quiet)
Tensor.__hash__ = Tensor.__hash__  # defining __eq__ drops a class's hash; tensors hash by identity, as torch's
Tensor.floor_divide = op(compare.floor_divide)
Tensor.__floordiv__ = _operator(compare.floor_divide)
Tensor.floor_divide_ = Tensor.__ifloordiv__ = quiet(compare.floor_divide_)
Tensor.__rfloordiv__ = _operator(compare.rfloor_divide)
Tensor.remainder = op(compare.remainder)
Tensor.__mod__ = _operator(compare.remainder)
Tensor.__rmod__ = _operator(compare.rremainder)
Tensor.remainder_ = Tensor.__imod__ = quiet(compare.remainder_)
Tensor.logical_not = quiet(compare.logical_not)
Tensor.bitwise_not = quiet(compare.bitwise_not)
Tensor.__invert__ = quiet(compare.invert)
Tensor.bitwise_and = quiet(compare.bitwise_and)
Tensor.bitwise_or = quiet(compare.bitwise_or)
Tensor.bitwise_xor = quiet(compare.bitwise_xor)
Tensor.__and__ = Tensor.__rand__ = _operator(compare.bitwise_and, quiet)
Tensor.__or__ = Tensor.__ror__ = _operator(compare.bitwise_or, quiet)
Tensor.__xor__ = Tensor.__rxor__ = _operator(compare.bitwise_xor, quiet)
Tensor.equal = quiet(compare.equal)
Tensor.allclose = quiet(compare.allclose)
Tensor.isnan = quiet(compare.isnan)

# ---- reductions (ops/reductions.py) -------------------------------------------------------------------------
Tensor.sum = op(reductions.sum)
Tensor.mean = op(reductions.mean)
Tensor.norm = op(reductions.norm)
Tensor.prod = op(reductions.prod)
Tensor.max = op(reductions.max)
Tensor.min = op(reductions.min)
Tensor.amax = op(reductions.amax)
Tensor.amin = op(reductions.amin)
Tensor.argmax = quiet(reductions.argmax)
Tensor.argmin = quiet(reductions.argmin)
Tensor.maximum = op(reductions.maximum)
Tensor.minimum = op(reductions.minimum)
Tensor.all = quiet(reductions.all)
Tensor.any = quiet(reductions.any)

# ---- shapes and views (ops/shape.py), indexing (ops/indexing.py, ops/index_put.py) --------------------------
Tensor.view = op(shape.view)
Tensor.view_as = op(shape.view_as)
Tensor.reshape = quiet(shape.reshape)
Tensor.reshape_as = quiet(shape.reshape_as)
Tensor.flatten = quiet(shape.flatten)
Tensor.unflatten = quiet(shape.unflatten)
Tensor.t = op(shape.t)
Tensor.T = property(op(shape.T))
Tensor.mT = property(quiet(shape.mT))
Tensor.transpose = Tensor.swapaxes = Tensor.swapdims = op(shape.transpose)
Tensor.permute = op(shape.permute)
Tensor.unsqueeze = op(shape.unsqueeze)
Tensor.squeeze = op(shape.squeeze)
Tensor.expand = op(shape.expand)
Tensor.expand_as = op(shape.expand_as)
Tensor.narrow = quiet(shape.narrow)
Tensor.clone = op(shape.clone)
Tensor.contiguous = op(shape.contiguous)
Tensor.select = op(indexing.select)
Tensor.unbind = op(indexing.unbind)
Tensor.__getitem__ = quiet(indexing.getitem)
Tensor.__setitem__ = quiet(index_put.setitem)

# ---- matrix products (ops/linalg.py) --------------------------------------------------------------------------
Tensor.mm = op(linalg.mm)
Tensor.mv = op(linalg.mv)
Tensor.dot = op(linalg.dot)
Tensor.matmul = op(linalg.matmul)
Tensor.__matmul__ = _tensor_operator(linalg.matmul)
Tensor.__rmatmul__ = _tensor_operator(linalg.rmatmul)

# ---- dtype and device conversion, copies and fills (ops/convert.py, _creation.py, _from_data.py, _random.py) ---
Tensor.to = quiet(convert.to)
Tensor.cpu = quiet(convert.cpu)
Tensor.cuda = quiet(convert.cuda)
Tensor.float = quiet(convert.caster(_dtypes.float32))
Tensor.double = quiet(convert.caster(_dtypes.float64))
Tensor.half = quiet(convert.caster(_dtypes.float16))
Tensor.long = quiet(convert.caster(_dtypes.int64))
Tensor.int = quiet(convert.caster(_dtypes.int32))
Tensor.short = quiet(convert.caster(_dtypes.int16))
Tensor.char = quiet(convert.caster(_dtypes.int8))
Tensor.byte = quiet(convert.caster(_dtypes.uint8))
Tensor.bool = quiet(convert.caster(_dtypes.bool_))
Tensor.cfloat = quiet(convert.caster(_dtypes.complex64))
Tensor.cdouble = quiet(convert.caster(_dtypes.complex128))
Tensor.copy_ = quiet(convert.copy_)
Tensor.fill_ = quiet(convert.fill_)
Tensor.zero_ = quiet(convert.zero_)
Tensor.new_tensor = quiet(_from_data.new_tensor)
Tensor.new_zeros = quiet(_creation.new_zeros)
Tensor.new_ones = quiet(_creation.new_ones)
Tensor.new_empty = quiet(_creation.new_empty)
Tensor.new_full = quiet(_creation.new_full)
Tensor.uniform_ = quiet(_random.uniform_)
Tensor.normal_ = quiet(_random.normal_)


# ---- torch.<name> functions ---------------------------------------------------------------------------------
# plain `quiet` (see op): no derivative, or a composite op whose own checks come first (reshape, flatten ...)
_PLAIN = {"eq", "ne", "not_equal", "lt", "less", "le", "less_equal", "gt", "greater", "ge", "greater_equal",
          "logical_not", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor", "equal", "allclose", "isnan",
          "argmax", "argmin", "all", "any", "reshape", "flatten", "unflatten", "narrow"}


# the functions whose first argument may be something other than a tensor (a number, or a sequence of tensors);
# a comparison refuses a number there with its own error
_ANY_FIRST = {"add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide", "pow",
              "floor_divide", "remainder", "eq", "ne", "not_equal", "lt", "less", "le", "less_equal", "gt", "greater",
              "ge", "greater_equal", "cat", "concat", "concatenate", "stack"}


def _function(fn, name):
    """torch.<name>: fn with torch's out= keyword where torch has one (see ops/out.py), and torch's argument
    errors as a function call words them (ops/arguments.py: its positions count the input)."""
    plain = name in _PLAIN or name.endswith("_")  # an in-place op checks its self first (check_inplace)
    body = (quiet if plain else op)(with_out(fn, name) if name in OUT_RULES else fn)
    tensor_first = name not in _ANY_FIRST

    @functools.wraps(body)
    def function(*args, **kwargs):
        if tensor_first and args and not isinstance(args[0], Tensor):
            raise not_a(name, "input", 0, args[0]).as_function
        try:
            return body(*args, **kwargs)
        except TypeError as e:
            if hasattr(e, "as_function"):
                raise e.as_function from None
            raise
    return function


add = _function(elementwise.add, "add")
sub = _function(elementwise.sub, "sub")
subtract = _function(elementwise.sub, "subtract")
rsub = _function(elementwise.rsub, "rsub")
mul = _function(elementwise.mul, "mul")
multiply = _function(elementwise.mul, "multiply")
div = _function(elementwise.div, "div")
divide = _function(elementwise.div, "divide")
true_divide = _function(elementwise.div, "true_divide")
pow = _function(_pow.pow, "pow")
neg = _function(unary.neg, "neg")
negative = _function(unary.neg, "negative")
abs = _function(unary.abs, "abs")
absolute = _function(unary.abs, "absolute")
exp = _function(unary.exp, "exp")
log = _function(unary.log, "log")
sqrt = _function(unary.sqrt, "sqrt")
sin = _function(unary.sin, "sin")
cos = _function(unary.cos, "cos")
tanh = _function(unary.tanh, "tanh")
sigmoid = _function(unary.sigmoid, "sigmoid")
relu = _function(unary.relu, "relu")
reciprocal = _function(unary.reciprocal, "reciprocal")
floor = _function(unary.floor, "floor")
ceil = _function(unary.ceil, "ceil")
round = _function(unary.round, "round")
trunc = _function(unary.trunc, "trunc")
sign = _function(unary.sign, "sign")
clamp = _function(unary.clamp, "clamp")
clip = _function(unary.clamp, "clip")
square = _function(unary.square, "square")
# the in-place functions torch has at top level (torch.add_ does not exist, torch.exp_ does)
neg_ = _function(unary.neg_, "neg_")
abs_ = _function(unary.abs_, "abs_")
exp_ = _function(unary.exp_, "exp_")
log_ = _function(unary.log_, "log_")
sqrt_ = _function(unary.sqrt_, "sqrt_")
sin_ = _function(unary.sin_, "sin_")
cos_ = _function(unary.cos_, "cos_")
tanh_ = _function(unary.tanh_, "tanh_")
sigmoid_ = _function(unary.sigmoid_, "sigmoid_")
relu_ = _function(unary.relu_, "relu_")
reciprocal_ = _function(unary.reciprocal_, "reciprocal_")
floor_ = _function(unary.floor_, "floor_")
ceil_ = _function(unary.ceil_, "ceil_")
round_ = _function(unary.round_, "round_")
trunc_ = _function(unary.trunc_, "trunc_")
clamp_ = _function(unary.clamp_, "clamp_")
clip_ = _function(unary.clamp_, "clip_")
eq = _function(compare.eq, "eq")
ne = _function(compare.ne, "ne")
not_equal = _function(compare.ne, "not_equal")
lt = _function(compare.lt, "lt")
less = _function(compare.lt, "less")
le = _function(compare.le, "le")
less_equal = _function(compare.le, "less_equal")
gt = _function(compare.gt, "gt")
greater = _function(compare.gt, "greater")
ge = _function(compare.ge, "ge")
greater_equal = _function(compare.ge, "greater_equal")
floor_divide = _function(compare.floor_divide, "floor_divide")
remainder = _function(compare.remainder, "remainder")
logical_not = _function(compare.logical_not, "logical_not")
bitwise_not = _function(compare.bitwise_not, "bitwise_not")
bitwise_and = _function(compare.bitwise_and, "bitwise_and")
bitwise_or = _function(compare.bitwise_or, "bitwise_or")
bitwise_xor = _function(compare.bitwise_xor, "bitwise_xor")
equal = _function(compare.equal, "equal")
allclose = _function(compare.allclose, "allclose")
isnan = _function(compare.isnan, "isnan")
sum = _function(reductions.sum, "sum")
mean = _function(reductions.mean, "mean")
norm = _function(reductions.norm, "norm")
prod = _function(reductions.prod, "prod")
max = _function(reductions.max, "max")
min = _function(reductions.min, "min")
amax = _function(reductions.amax, "amax")
amin = _function(reductions.amin, "amin")
argmax = _function(reductions.argmax, "argmax")
argmin = _function(reductions.argmin, "argmin")
maximum = _function(reductions.maximum, "maximum")
minimum = _function(reductions.minimum, "minimum")
all = _function(reductions.all, "all")
any = _function(reductions.any, "any")
reshape = _function(shape.reshape, "reshape")
flatten = _function(shape.flatten, "flatten")
unflatten = _function(shape.unflatten, "unflatten")
t = _function(shape.t, "t")
transpose = _function(shape.transpose, "transpose")
swapaxes = _function(shape.transpose, "swapaxes")
permute = _function(shape.permute, "permute")
unsqueeze = _function(shape.unsqueeze, "unsqueeze")
squeeze = _function(shape.squeeze, "squeeze")
narrow = _function(shape.narrow, "narrow")
clone = _function(shape.clone, "clone")
select = _function(indexing.select, "select")
unbind = _function(indexing.unbind, "unbind")
cat = _function(_concat.cat, "cat")
concat = _function(_concat.cat, "concat")
concatenate = _function(_concat.cat, "concatenate")
stack = _function(_concat.stack, "stack")
mm = _function(linalg.mm, "mm")
mv = _function(linalg.mv, "mv")
dot = _function(linalg.dot, "dot")
matmul = _function(linalg.matmul, "matmul")

# what `from ._api import *` gives reference/__init__.py: the functions above, not the helpers or modules
__all__ = [name for name, value in globals().items() if not name.startswith("_") and getattr(value, "quiet", False)]
