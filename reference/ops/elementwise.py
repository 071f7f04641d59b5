"""Elementwise arithmetic: each op's forward sits next to its backward.

A binary op (1) resolves the result dtype with torch's promotion rule (`operands`, from _dtypes' table),
(2) computes with one NumPy ufunc (the Node's `forward` where it has a parameter such as alpha) and
(3) hands the result to autograd's `record`, which links the Node when grad mode is on and an input requires
grad. In-place forms go through autograd's `inplace`. Broadcasting is undone by the engine, so backward
rules return full-shape grads. The operators `a + b` and `a * b` have a fast path in ops/fast.py.
"""
import math

import numpy as np

from .. import _dtypes
from ..kernels.half_alpha import half_add_scaled
from ..rng import capability
from ..rng.fma import fma32, fma64
from .._dtypes import FLOAT, INT, _combine, scalar_dtype
from .._tensor import Tensor, wrap
from ..autograd.function import inplace, record
from ..autograd.node import Node
from ._common import (as_number, broadcast_error, cast_operand, check_cast, check_out_shape, device_mismatch,
                      has_zero, iterator_layout, no_division_kernel, product, refuse_overlap,
                      refuse_partial_overlap, unary_formula, wrapped_number)
from .convert import converted
from .arguments import SIGNATURES, invalid_arguments, invalid_combination, not_a
from .unary import reciprocal


# ---- the dtype rule of a binary op: torch's promotion (reference/_dtypes.py) applied to the operands ----
def operands(a, b, op):
    """Cast a binary op's operands to its result dtype: (x, y, dtype); y may stay a Python number.

    Returns None when `b` is neither a tensor nor a number (so operators can return NotImplemented).
    """
    if isinstance(b, Tensor):
        if a._st.be is not b._st.be:
            raise device_mismatch(a, b)
        if a.dtype is b.dtype:
            return a._a, b._a, a.dtype
        dt = _dtypes.result_type(a, b)
        return cast_operand(a, dt), cast_operand(b, dt), dt
    s = as_number(b)
    if s is None:
        return None
    dt = scalar_result(a.dtype, s)
    if dt.category < FLOAT and s.__class__ is int and not _fits(s, dt):
        # torch wraps an out-of-range integer scalar into the dtype; a NumPy scalar, as CuPy takes no host array
        s = np.array(s).astype(dt.np)[()]
    return cast_operand(a, dt), s, dt



def prepared(a, b, op):
    """(x, y, dtype, tensor): the operands in call order, cast to the result dtype, and the tensor among them
    (whose device computes). A Python number as the first operand (torch.sub(2, t), 2 // t) is torch's
    wrapped number: it promotes as a scalar does, never as a 0-dim tensor."""
    if isinstance(a, Tensor):
        prep = operands(a, b, op)
        if prep is None:
            raise bad_operand(op, a, b)
        return prep + (a,)
    prep = operands(b, a, op) if isinstance(b, Tensor) else None
    if prep is None:
        raise bad_operand(op, a, b)
    y, x, dt = prep
    return x, y, dt, b


def _fits(s, dt):
    info = np.iinfo(dt.np) if dt.np.kind in "iu" else None
    return info is None or info.min <= s <= info.max


def scalar_result(dt, s):
    """dtype of (tensor of dtype dt) op (Python scalar s): the tensor wins unless s is of a higher category."""
    cls = s.__class__
    if cls is float:
        return dt if dt.category >= FLOAT else _dtypes.get_default_dtype()
    if cls is int:
        return dt if dt.category >= INT else _dtypes.int64
    return _combine(dt, scalar_dtype(s))


def bad_operand(op, a, b):
    """torch's argument parser error for an operand that is neither a tensor nor a number."""
    if not isinstance(a, Tensor) and as_number(a) is None:
        return not_a(op, "input", 0, a)
    if op.rstrip("_") in SIGNATURES:
        return invalid_combination(op, a, b)
    return not_a(op, "other", 1, b)


class AddBackward0(Node):
    """out = a + alpha * b"""

    def __init__(self, alpha=1):
        self.alpha = alpha

    def forward(self, a, b):
        return a + b if self.alpha == 1 else add_scaled(a, b, self.alpha)

    def backward(self, g):
        return g, (g if self.alpha == 1 else product(g, self.alpha))


class SubBackward0(Node):
    """out = a - alpha * b"""

    def __init__(self, alpha=1):
        self.alpha = alpha

    def forward(self, a, b):
        return a - b if self.alpha == 1 else add_scaled(a, b, -self.alpha)

    def backward(self, g):
        return g, _negated(g, self.alpha)


class RsubBackward1(Node):
    """out = b - alpha * a, for `number - tensor`"""

    one_input = True

    def __init__(self, alpha=1):
        self.alpha = alpha

    def forward(self, a, b):
        return b - a if self.alpha == 1 else add_scaled(b, a, -self.alpha)

    def backward(self, g):
        return _negated(g, self.alpha), None


class MulBackward0(Node):
    """out = a * b"""

    unpack_reversed = True  # torch checks `other` (mat2, exponent) before `self`
    saved_inputs = (0, 1)
    saved_for = {0: (1,), 1: (0,)}  # torch saves a only for b's grad and b only for a's

    def forward(self, a, b):
        return a * b

    def backward(self, g):
        a, b = self.saved  # None where no linked edge needs it (saved_for)
        return (None if b is None else product(g, b)), (None if a is None else product(g, a))


class DivBackward0(Node):
    """out = a / b"""

    unpack_reversed = True  # torch checks `other` (mat2, exponent) before `self`
    saved_inputs = (0, 1)
    saved_for = {0: (1,), 1: (0, 1)}  # torch saves a only for b's grad, b for either grad

    def forward(self, a, b):
        return a / b

    def backward(self, g):
        a, b = self.saved  # None where no linked edge needs it (saved_for)
        # ATen: grad_other = -grad * ((self / other) / other), rounded in that order
        grad_other = None
        if a is not None:
            quotient = iterator_layout(a / b, a, b)
            grad_other = product(-g, iterator_layout(quotient / b, quotient, b))
        return (None if b is None else iterator_layout(g / b, g, b)), grad_other


class DivBackward2(Node):
    """out = a / b, rounded ('trunc' or 'floor'): a step function, so both grads are zero. torch saves the
    operands as for true division all the same (its formulas name them), so writing one fails the backward."""

    unpack_reversed = True
    saved_inputs = (0, 1)
    saved_for = {0: (1,), 1: (0, 1)}

    def __init__(self, rounding_mode):
        self.rounding_mode = rounding_mode

    def forward(self, a, b):
        return rounded_quotient(a, b, self.rounding_mode)

    def backward(self, g):
        return np.zeros_like(g), np.zeros_like(g)


def _negated(g, alpha):
    """Sub's grad for the subtracted operand: ATen's -grad, times alpha unless it is 1, laid out as torch lays them."""
    minus = unary_formula(-g, g)
    return minus if alpha == 1 else product(minus, alpha)


def add_scaled(a, b, alpha):
    """a + alpha * b as torch's CPU kernel rounds it: alpha in the result dtype (integers wrap) and, for
    floats, one fused multiply-add (vec::fmadd) where torch's build fuses; float16 as kernels/half_alpha.py."""
    dt = np.result_type(a, b)
    if dt.kind in "iub":
        return a + b * np.array(alpha).astype(dt)[()]
    on_host = all(isinstance(v, (np.ndarray, np.generic, int, float)) for v in (a, b))  # no device arrays
    if dt == np.float16 and on_host:
        return half_add_scaled(a, b, alpha)
    if dt.kind != "f" or not capability.fuses_multiply_add() or not on_host \
            or not (type(a) is np.ndarray or type(b) is np.ndarray):
        return a + b * alpha
    if dt == np.float64:
        return fma64(b, alpha, a)
    wide = fma32(np.asarray(b, dt).astype(np.float32), np.float32(dt.type(alpha)), np.asarray(a, dt).astype(np.float32))
    return wide if dt == np.float32 else wide.astype(dt)


def _src(b, y):
    """An operand as TensorIterator lays the result out by it: on the CPU what it computes from (`y`: the tensor,
    or its cast copy, see _cast), on CUDA the tensor's own array (the kernel casts as it reads); a number as is."""
    if b.__class__ is not Tensor or b._st.be.is_host:
        return y
    return b._a


def _check_broadcast(a, b):
    """TensorIterator's shape check, which comes before the kernel's own checks (alpha_check)."""
    if b.__class__ is Tensor and a.__class__ is Tensor and b._a.shape != a._a.shape:
        try:
            np.broadcast_shapes(a._a.shape, b._a.shape)
        except ValueError:
            raise broadcast_error(a._a.shape, b._a.shape) from None


def _binary(a, b, ufunc, node, op, alpha=1, layout=None, inputs=None):
    """a `op` b by `ufunc` (by `node.forward` when there is none, or an alpha to fuse), recording `node`.
    `layout`: the arrays whose strides the result follows, when a and b are already promoted copies (div),
    and `inputs` the operands they were cast from (the node's edges: torch's kernel casts, unrecorded).
    `a` may be a Python number (torch.sub(2, t)): a wrapped number, the op's first operand all the same."""
    x, y, dt, t = prepared(a, b, op)
    be = t._st.be
    _check_broadcast(a, b)
    fused = False
    if alpha.__class__ is not int or alpha != 1:
        node.alpha = checked_alpha(dt, alpha)
        fused = node.alpha != 1
    r = node.forward(x, y) if ufunc is None or fused else be.binary(ufunc, x, y)
    ax, ay = layout or (_src(a, x), _src(b, y))
    return record(wrap(iterator_layout(r, ax, ay, be), dt, be), inputs or (a, b), node, (x, y))


def _binary_(a, b, node, op, alpha=1, first=None, floating=False):
    """The in-place form: every check runs before the write, so a failed op leaves `a` untouched. `first`: the
    op's own check that torch runs before TensorIterator's (sub_'s bool check), after autograd's check_inplace.
    `floating`: the result is floating even for integer operands (true division)."""
    x, y, dt, _ = prepared(a, b, op)

    def check():  # TensorIterator's checks, in its order: overlap, shape, the result's cast, then alpha
        if first is not None:
            first()
        refuse_overlap(a._a)
        if isinstance(b, Tensor):
            refuse_partial_overlap(b, a)
            if b._a.shape != a._a.shape:
                check_out_shape(a._a.shape, b._a.shape)
        check_cast(_dtypes.get_default_dtype() if floating and dt.category < FLOAT else dt, a.dtype)
        if alpha.__class__ is not int or alpha != 1:
            node.alpha = checked_alpha(dt, alpha)

    return inplace(a, (b,), node, lambda old: (old if a.dtype is dt else old.astype(dt.np), y), check)


def checked_alpha(dt, alpha):
    """torch's alpha_check against the result dtype; a bool result takes alpha as a bool (a or b)."""
    if isinstance(alpha, (bool, np.bool_)):
        if dt is not _dtypes.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, (float, np.floating)) and dt.category < FLOAT:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    elif isinstance(alpha, complex) and dt.category < _dtypes.COMPLEX:
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")
    return bool(alpha) if dt is _dtypes.bool_ else alpha


def _no_bool_sub(a, b):
    a_bool = getattr(a, "dtype", None) is _dtypes.bool_ or a.__class__ is bool
    b_bool = getattr(b, "dtype", None) is _dtypes.bool_ or b.__class__ is bool
    if a_bool and b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if a_bool or b_bool:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


# ---- public functions and methods ---------------------------------------------------------------
def add(input, other, *, alpha=1):
    """input + alpha * other, broadcasting, with torch's type promotion."""
    return _binary(wrapped_number(input, other), other, np.add, AddBackward0(), "add", alpha)


def add_(self, other, *, alpha=1):
    return _binary_(self, other, AddBackward0(), "add_", alpha)


def sub(input, other, *, alpha=1):
    input = wrapped_number(input, other)
    _no_bool_sub(input, other)
    return _binary(input, other, np.subtract, SubBackward0(), "sub", alpha)


def sub_(self, other, *, alpha=1):
    return _binary_(self, other, SubBackward0(), "sub_", alpha, first=lambda: _no_bool_sub(self, other))


def rsub(input, other, *, alpha=1):
    """other - alpha * input (torch.rsub)."""
    if not isinstance(input, Tensor):  # rsub is not among the ops whose arguments take a number for a tensor
        raise invalid_arguments("rsub", (input, other), ("Tensor input, Tensor other, *, Number alpha = 1",
                                                         "Tensor input, Number other, Number alpha = 1"))
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    x, y, dt, _ = prepared(input, other, "rsub")
    _no_bool_sub(other, input)
    node = RsubBackward1(checked_alpha(dt, alpha))
    be = input._st.be
    return record(wrap(iterator_layout(node.forward(x, y), input._a, y, be), dt, be), (input, None), node, (x, y))


def mul(input, other):
    """Elementwise product, broadcasting."""
    return _binary(wrapped_number(input, other), other, np.multiply, MulBackward0(), "mul")


def mul_(self, other):
    return _binary_(self, other, MulBackward0(), "mul_")


def _true_div_operands(a, b):
    """Division always gives a floating result: int / int is float32 (the default dtype). Either operand
    may be a Python number (torch.div(3, t)). The casts are copies without history: the node's edges are the
    operands themselves."""
    d = _dtypes.get_default_dtype()
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.dtype.category < FLOAT and b.dtype.category < FLOAT:
            return converted(a, d, a._st.be), converted(b, d, b._st.be)
    elif isinstance(a, Tensor):
        if a.dtype.category < FLOAT and not isinstance(b, (float, complex)):
            return converted(a, d, a._st.be), b
    elif isinstance(b, Tensor) and b.dtype.category < FLOAT and not isinstance(a, (float, complex)):
        return a, converted(b, d, b._st.be)
    return a, b


def div(input, other, *, rounding_mode=None):
    """input / other (true division unless rounding_mode is 'trunc' or 'floor')."""
    input = wrapped_number(input, other)
    if rounding_mode is not None:
        return _binary(input, other, None, DivBackward2(rounding_mode), _rounding(rounding_mode))
    a, b = _true_div_operands(input, other)
    # on the CPU the result is laid out by the cast copies, on a device by the operands themselves (as _src says)
    on_host = all(t.__class__ is not Tensor or t._st.be.is_host for t in (input, other))
    layout = None if on_host else (_src(input, input), _src(other, other))
    return _binary(a, b, np.true_divide, DivBackward0(), "div", layout=layout, inputs=(input, other))


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is not None:
        return _binary_(self, other, DivBackward2(rounding_mode), _rounding(rounding_mode) + "_")
    # int / int is a float in torch, which an integer tensor cannot hold: the cast check refuses it
    return _binary_(self, other, DivBackward0(), "div_", floating=True)


def _rounding(mode):
    """The op name a rounding mode's errors use (div_floor ...); torch's argument check comes first."""
    if mode not in ("trunc", "floor"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    return "div"


def rounded_quotient(x, y, mode):
    """x / y rounded toward zero ('trunc') or down ('floor'), in x's and y's common dtype; the kernel's own
    checks (no bool or complex kernel, integer division by zero) come after TensorIterator's."""
    dt = _dtypes.FROM_NUMPY[np.result_type(*(getattr(v, "dtype", v) for v in (x, y)))]  # a device array too
    no_division_kernel(f"div_{mode}", dt)  # bool and complex
    if dt.category < FLOAT:
        if has_zero(y) and math.prod(np.broadcast_shapes(np.shape(x), np.shape(y))):  # no element, no division
            raise RuntimeError("ZeroDivisionError")
        q = np.floor_divide(x, y) if mode == "floor" else np.trunc(np.true_divide(x, y)).astype(dt.np)
    else:
        q = np.floor(x / y) if mode == "floor" else np.trunc(x / y)
    return q.astype(dt.np, copy=False)


def rdiv(self, other):
    """number / tensor, which torch computes as reciprocal(tensor) * number (hence MulBackward0)."""
    return mul(reciprocal(self), other)
