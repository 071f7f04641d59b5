"""Matrix products: mm, mv, dot, and matmul's dispatch over them (batched via NumPy's matmul)."""
import numpy as np

from .. import _dtypes
from .._dtypes import CPP_NAMES
from .._tensor import wrap
from ..autograd.function import record
from ..autograd.node import Node
from ._common import device_mismatch
from .arguments import tensor_argument
from .shape import UnsafeViewBackward0


class MmBackward0(Node):
    """out = a @ b for matrices"""

    unpack_reversed = True  # torch checks `other` (mat2, exponent) before `self`
    saved_inputs = (0, 1)

    def forward(self, a, b):
        return a @ b

    def backward(self, g):
        a, b = self.saved
        return g @ b.T, a.T @ g


class MvBackward0(Node):
    """out = A @ v"""

    saved_inputs = (0, 1)

    def forward(self, a, v):
        return a @ v

    def backward(self, g):
        a, v = self.saved
        return np.outer(g, v), a.T @ g


class DotBackward0(Node):
    """out = sum(a * b) for vectors"""

    saved_inputs = (0, 1)

    def forward(self, a, b):
        return np.dot(a, b)

    def backward(self, g):
        a, b = self.saved
        return g * b, g * a


class BmmBackward0(Node):
    """out = a @ b for stacks of matrices (broadcast batch dims are summed by the engine)"""

    saved_inputs = (0, 1)

    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, g):
        a, b = self.saved
        return np.matmul(g, np.swapaxes(b, -1, -2)), np.matmul(np.swapaxes(a, -1, -2), g)


def _check(a, b, op, name):
    tensor_argument(op, name, 1, b)
    if a._st.be is not b._st.be:
        raise device_mismatch(a, b)
    _check_dtypes(a, b)


def _check_dtypes(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {CPP_NAMES[a.dtype.name]} != "
                           f"{CPP_NAMES[b.dtype.name]}")


# The CPU kernel behind each product, which has no bool version; torch calls none when the result is empty or the
# products have no terms (it fills zeros), except dot, which always runs its kernel.
_KERNELS = {MmBackward0: "addmm_impl_cpu_", MvBackward0: "addmv_impl_cpu", BmmBackward0: "bmm", DotBackward0: "dot"}


def _run(node_cls, a, b, kernel=None):
    """The product of a and b by `node_cls`; `kernel` names the CPU kernel torch runs, where it is not the node's."""
    terms = a._a.shape[-1] if a._a.ndim else 0
    if a.dtype is _dtypes.bool_ and a._st.be.is_host and (node_cls is DotBackward0 or terms and a._a.size
                                                          and b._a.size):
        raise NotImplementedError(f"\"{kernel or _KERNELS[node_cls]}\" not implemented for 'Bool'")
    node = node_cls()
    return record(wrap(node.forward(a._a, b._a), a.dtype, a._st.be), (a, b), node, (a._a, b._a))


def mm(input, mat2):
    """Matrix product of two 2-D tensors (torch checks the shapes before the dtypes)."""
    tensor_argument("mm", "mat2", 1, mat2)
    if input._st.be is not mat2._st.be:
        raise device_mismatch(input, mat2)
    if input._a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._a.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    (n, k), (k2, m) = input._a.shape, mat2._a.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{k} and {k2}x{m})")
    _check_dtypes(input, mat2)
    return _run(MmBackward0, input, mat2)


def mv(input, vec):
    """Matrix times vector. torch's addmv checks the dims, then the sizes, then the dtypes (of its result, made
    like vec, of the matrix and of vec)."""
    tensor_argument("mv", "vec", 1, vec)
    if input._st.be is not vec._st.be:
        raise device_mismatch(input, vec)
    if input._a.ndim != 2 or vec._a.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._a.ndim}, {vec._a.ndim}")
    (n, k), k2 = input._a.shape, vec._a.shape[0]
    if k != k2:
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k}), vec ({k2})")
    if input.dtype is not vec.dtype:
        v, m = vec.dtype.c10_name, input.dtype.c10_name
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {v}, {m}, and {v}")
    return _run(MvBackward0, input, vec)


def dot(input, other):
    tensor_argument("dot", "tensor", 1, other)
    if input._st.be is not other._st.be:
        raise device_mismatch(input, other)
    if input._a.ndim != 1 or other._a.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._a.ndim}D and {other._a.ndim}D tensors")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {input.dtype.c10_name} and "
                           f"{other.dtype.c10_name}")
    n, m = input._a.shape[0], other._a.shape[0]
    if n != m:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number "
                           f"of elements, but got {n} and {m} elements respectively")
    return _run(DotBackward0, input, other)


def _unsafe_view(t):
    """torch reshapes a batched product back with _unsafe_view, so its grad_fn is UnsafeViewBackward0."""
    if not t._rg:
        return t
    out = wrap(t._a, t.dtype, t._st.be)
    out._st = t._st
    return record(out, (t,), UnsafeViewBackward0(t._a.shape), (t._a,))


def matmul(input, other):
    """`@`: dot for vectors, mv / mm for matrices, batched matmul (broadcasting) above that."""
    tensor_argument("matmul", "other", 1, other)
    da, db = input._a.ndim, other._a.ndim
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(input, other)
    if da == 2 and db == 1:
        return mv(input, other)
    if da == 1 and db == 2:
        return mm(input.unsqueeze(0), other).squeeze(0)
    if da == 2 and db == 2:
        return mm(input, other)
    _check(input, other, "matmul", "other")
    a = input.unsqueeze(0) if da == 1 else input
    b = other.unsqueeze(-1) if db == 1 else other
    if a._a.shape[-1] != b._a.shape[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b._a.shape[0]}, {a._a.shape[-1]}] but got: [{b._a.shape[0]}, {b._a.shape[-2]}].")
    # torch folds a batch times a matrix or vector into one mm or mv, whose kernel refuses bool
    folded = None if da < 3 or db > 2 else ("addmv_impl_cpu" if db == 1 else "addmm_impl_cpu_")
    out = _unsafe_view(_run(BmmBackward0, a, b, folded))
    if da == 1:
        out = out.squeeze(-2)
    if db == 1:
        out = out.squeeze(-1)
    return out


def rmatmul(self, other):
    """other @ self (Tensor.__rmatmul__; _api answers NotImplemented for a non-tensor other)."""
    return matmul(other, self)
