"""The fast paths, kept apart from the readable ones: `a + b` and `a * b`, the tutorial's hottest calls.

When both operands are tensors of one dtype on one device and nothing is recorded, the operator is one
kernel and a wrap; anything else falls through to the readable `elementwise.add` / `elementwise.mul`.
tests/reference/test_fast_paths.py checks that each fast path gives what the readable path gives (values,
dtype, strides, autograd state). NumPy's float warnings are switched off inline: a `quiet` wrapper would
cost a third of a 3x3 add.
"""
import numpy as np

from .._device import CPU
from .._fp import IGNORE, quiet_inline, reset_state, set_state
from .._tensor import Tensor, wrap
from ..autograd.function import refuse_stale_inputs
from ..autograd.grad_mode import state as grad_mode
from ._common import as_number, broadcast_error, iterator_layout
from .elementwise import add, mul

__all__ = ["add_operator", "mul_operator"]


def _fast_operator(ufunc, readable):
    def method(self, other):
        token = set_state(IGNORE)
        try:
            be = self._st.be
            if other.__class__ is Tensor and self.dtype is other.dtype and be is other._st.be \
                    and not (grad_mode.enabled and (self._rg or other._rg)):
                x, y = self._a, other._a
                try:
                    r = ufunc(x, y) if be is CPU else be.binary(ufunc, x, y)  # the CPU's binary is the ufunc
                except ValueError:
                    raise broadcast_error(x.shape, y.shape) from None
                # TensorIterator's fast setup: C-contiguous operands of one shape give a C-contiguous result, as
                # NumPy's. One shape, read off ints (building the shape tuples costs more): operands of equal ndim
                # whose sizes equal the broadcast result's, which is not empty.
                n = r.size
                if not (n and x.size == n and y.size == n and x.ndim == y.ndim
                        and x.flags.c_contiguous and y.flags.c_contiguous):
                    r = iterator_layout(r, x, y, be)
                return wrap(r, self.dtype, be)
            if not isinstance(other, Tensor) and as_number(other) is None:
                return NotImplemented
            return readable(self, other)
        except Exception:
            refuse_stale_inputs((self, other))  # torch's order, as for every differentiable op (see _api.op)
            raise
        finally:
            reset_state(token)
    method.__name__ = f"__{readable.__name__}__"
    return quiet_inline(method)


add_operator = _fast_operator(np.add, add)
mul_operator = _fast_operator(np.multiply, mul)
