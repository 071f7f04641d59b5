"""Powers: `a ** b` for tensors and numbers on either side, with torch's three nodes (PowBackward0: number
exponent, PowBackward1: tensor exponent, PowBackward2: number base) and torch's integer rules (no negative
integer exponent of an integer tensor; 1, -1 and 0 results for a negative exponent tensor), each forward beside
its backward. The shared binary-op machinery (dtypes, layout, recording) is ops/elementwise.py's.
"""
import math

import numpy as np

from .. import _dtypes
from .._dtypes import INT
from .._tensor import Tensor, wrap
from ..autograd.function import record
from ..autograd.node import Node
from ._common import as_number, broadcast_shapes, check_out_shape, formula_of, geometry, torch_layout
from .arguments import no_overload
from .elementwise import _binary, _binary_, _src, prepared


class PowBackward0(Node):
    """out = a ** e, e a number"""

    one_input = True
    saved_inputs = (0, 1)

    def forward(self, a, e):
        return power(a, e)

    def backward(self, g):
        a, e = self.saved
        if e == 0:
            return np.zeros_like(g), None
        return formula_of(g * (e * a ** (e - 1)), g, a), None


class PowBackward1(Node):
    """out = a ** b, both tensors"""

    unpack_reversed = True  # torch checks `other` (mat2, exponent) before `self`
    saved_inputs = (0, 1)
    saves_result = True

    def forward(self, a, b):
        return power(a, b)

    def backward(self, g):
        a, b, out = self.saved
        ga = np.where(b == 0, 0, g * (b * a ** (b - 1)))
        gb = None
        if self.next_functions[1][0] is not None:
            gb = g * np.where((a == 0) & (b >= 0), 0, out * np.log(a))
        return ga, gb


class PowBackward2(Node):
    """out = s ** b, s a number: the tensor is the exponent"""

    one_input = True
    saved_inputs = (0, 1)
    saves_result = True

    def forward(self, b, s):
        return power(s, b)

    def backward(self, g):
        b, s, out = self.saved
        if s == 0:  # d/db 0**b is 0 where b >= 0 (torch masks the log(0) there)
            return np.where(b >= 0, 0, g * out * -np.inf).astype(g.dtype), None
        return g * out * math.log(s), None


def pow(input, exponent):
    """input ** exponent; a Python number as `input` gives PowBackward2 (grad w.r.t. the exponent)."""
    if not isinstance(input, Tensor):
        if not isinstance(exponent, Tensor):
            raise no_overload("pow", (input, exponent))
        return rpow(exponent, input)
    if isinstance(exponent, Tensor):
        if _dtypes.result_type(input, exponent) is _dtypes.bool_:
            broadcast_shapes(input._a.shape, exponent._a.shape)  # TensorIterator's shape check comes before the kernel's
            raise NotImplementedError("\"pow\" not implemented for 'Bool'")
        return _binary(input, exponent, power, PowBackward1(), "pow")
    x, e, dt, _ = prepared(input, exponent, "pow")
    if dt.category <= INT and e < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    node = PowBackward0()
    be = input._st.be
    # pow(Tensor, Scalar) is a unary TensorIterator over the input: the exponent is no operand of its layout
    r = torch_layout(node.forward(x, e).astype(dt.np, copy=False), be, (geometry(_src(input, x)),))
    return record(wrap(r, dt, be), (input, None), node, (x, e))


def power(base, exp, out=None, casting="same_kind"):
    """NumPy's power, except for integer exponents below 0, which NumPy refuses: torch gives 1 for base 1,
    +-1 for base -1 and 0 for any other base."""
    if np.result_type(base, exp).kind not in "iu" or not np.any(np.less(exp, 0)):
        return np.power(base, exp, out=out, casting=casting)
    negative = np.less(exp, 0)
    r = np.power(base, np.where(negative, 0, exp))
    minus_one = np.where(np.bitwise_and(exp, 1) == 1, -1, 1)
    r = np.where(negative, np.where(base == 1, 1, np.where(base == -1, minus_one, 0)), r).astype(r.dtype)
    if out is None:
        return r
    np.copyto(out, r, casting=casting)
    return out


def rpow(t, s):
    """s ** t for a number s (the operator `s ** t`)."""
    x, s_, dt, _ = prepared(t, s, "pow")
    if dt is _dtypes.bool_:
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    node = PowBackward2()
    # torch allocates pow(Scalar, Tensor)'s result contiguous, whatever the exponent's strides
    r = node.forward(x, s_)
    r = r if r.flags.c_contiguous else r.copy(order="C")
    return record(wrap(r, dt, t._st.be), (t, None), node, (x, s_))


def pow_(self, exponent):
    if isinstance(exponent, Tensor) and _dtypes.result_type(self, exponent) is _dtypes.bool_:
        check_out_shape(self._a.shape, exponent._a.shape)  # TensorIterator's shape checks come before the kernel's
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    if not isinstance(exponent, Tensor) and self.dtype.category <= INT and as_number(exponent) is not None \
            and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if isinstance(exponent, Tensor):
        return _binary_(self, exponent, PowBackward1(), "pow_")
    return _binary_(self, exponent, PowBackward0(), "pow_")
