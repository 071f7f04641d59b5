"""The backward pass: a topological walk from the roots that hands each node the sum of its
incoming grads, and undoes broadcasting in one place (`_fit`) instead of in every backward rule. It ends in
`accumulate`, torch's AccumulateGrad, which makes a leaf's .grad.
"""
import heapq
import itertools
import sys

import numpy as np

from .._device import backend_of
from .._layout import elementwise_strides, empty_laid_out, is_dense
from .._tensor import wrap, wrap_copy
from ..kernels.accumulate import TORCH_ORDER, sum_in
from .node import AccumulateGrad, describe_saved

__all__ = ["run_backward", "accumulate", "NOT_DIFFERENTIABLE"]

# torch's engine asserts (validate_outputs) that every grad it hands on, cast to its input's dtype, is differentiable:
# an integer tensor that requires grad (x[...] = t makes one) fails it, as a root or as an input. Its own internal
# assertion, worded as the CPU wheel of torch 2.13 words it (the kit compares it without the location).
NOT_DIFFERENTIABLE = ('isDifferentiableType(grad.scalar_type()) INTERNAL ASSERT FAILED at '
                      '"/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp":998, please report a bug to PyTorch. ')

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call .backward() "
          "or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time "
          "or if you need to access saved tensors after calling backward.")
_MODIFIED = ("one of the variables needed for gradient computation has been modified by an inplace operation: "
             "{what} is at version {now}; expected version {then} instead. Hint: enable anomaly detection to find "
             "the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, "
             "check_nan=False).")
_DETACHED = ("Trying to use a saved tensor that has been detached in-place, i.e. with .detach_().This is not "
             "supported, please use out-of-place `.detach()` instead")


def _fit(g, meta):
    """Bring an input's grad back to the input's shape and dtype, as torch's validate_outputs: first
    sum_to (one sum over the broadcast dims), then the cast."""
    shape, dt = meta
    if g.shape != shape:
        g = _sum_to(g, shape)
    if g.dtype != dt:
        if g.dtype.kind == "c" and np.dtype(dt).kind != "c":
            g = g.real  # a real input of an op with a complex result gets the real part (torch's handle_r_to_c)
        g = g.astype(dt)
    return g


def _sum_to(g, shape):
    """torch's sum_to: ONE sum over the leading dims and the dims `shape` has as 1 (keepdim), so that a
    broadcast input's grad adds up in the order torch's sum kernel uses (kernels/accumulate.py)."""
    lead = g.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    if not dims:  # a scalar-shaped grad meeting a bigger input (from expand)
        return np.broadcast_to(g, shape)
    if isinstance(g, np.ndarray) and g.dtype in TORCH_ORDER:
        g = sum_in(g, dims, True, g.dtype)
    elif g.dtype == np.float16:  # torch accumulates half in float
        g = g.sum(axis=dims, keepdims=True, dtype=np.float32).astype(np.float16)
    else:
        g = g.sum(axis=dims, keepdims=True)
    return g.reshape(shape)


def _add_grads(old, new):
    """A second grad for the same input, added to the first as torch's InputBuffer::accumulate does: into the first
    one in place when it is dense and no other tensor shares its memory (torch: a storage use count of 1), so the
    sum keeps its strides (of size-1 dims too, which NumPy's sum does not), else into a new tensor laid out as
    TensorIterator lays out old + new (cat's grads are views of one buffer: their sum is new memory)."""
    total = old + new
    if total.strides == old.strides or not total.size:
        return total
    item = total.itemsize
    shape, strides = old.shape, tuple(s // item for s in old.strides)
    # NumPy points a view's base at the array that owns the memory: held by old and getrefcount's argument only,
    # no other view shares it
    alone = old.base is None or sys.getrefcount(old.base) <= 2
    if not (total.shape == shape and alone and is_dense(shape, strides)):
        strides = elementwise_strides(total.shape, ((shape, strides), (new.shape, tuple(s // item for s in new.strides))))
    out = empty_laid_out(backend_of(total), total.shape, strides, total.dtype)
    out[...] = total
    return out


def _check_saved(node):
    if node.saved is None:
        raise RuntimeError(_FREED)
    for check in node._checks:
        # torch's SavedVariable::unpack: a saved input that had a grad_fn and lost it (detach_) comes first
        if check[4] is not None and check[6] is not None and check[6]._fn is None:
            raise RuntimeError(_DETACHED)
        if check[0].version != check[1]:
            raise RuntimeError(_MODIFIED.format(what=describe_saved(check), now=check[0].version, then=check[1]))


def _run_hooks(node, g, wrap):
    for hook in node._pre_hooks:
        out = hook(wrap(g))
        if out is not None:
            g = out._a
    if node._retain is not None:
        accumulate(node._retain, g)
    return g


def run_backward(roots, keep_graph, wrap, capture=None, owners=()):
    """roots: list of (node, grad array). `wrap(array)` makes a Tensor for hooks. Its callers (backward_impl,
    grad_impl) run it `quiet`.

    With `capture` (a dict keyed by nodes) the grads reaching those nodes are stored there and no
    leaf's .grad is touched: that is autograd.grad. `owners`: the user's gradient= tensors (see accumulate).
    """
    # Count, for every node reachable from the roots, how many edges point at it.
    deps = {}
    stack = [n for n, _ in roots]
    seen = set(stack)
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is not None:
                deps[nxt] = deps.get(nxt, 0) + 1
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    grads = {}
    for n, g in roots:
        grads[n] = _add_grads(grads[n], g) if n in grads else g
    # A node runs once all its consumers ran, so its grad is complete. Of the ready nodes, torch's engine runs the one
    # made last first (its sequence number; leaves' accumulators first of all): that order decides which error a
    # broken graph raises first and in which order grads add up.
    ready, order = [], itertools.count()
    for n in dict.fromkeys(n for n, _ in roots):
        if not deps.get(n):
            heapq.heappush(ready, (-n._seq, next(order), n))
    while ready:
        node = heapq.heappop(ready)[2]
        g = grads.pop(node, None)
        if g is not None and (node._pre_hooks or node._retain is not None):
            g = _run_hooks(node, g, wrap)
        if capture is not None and node in capture and g is not None:
            capture[node] = g
        if node.__class__ is AccumulateGrad:
            # a leaf that stopped requiring grad (requires_grad_(False), detach_()) after the graph was built
            # gets nothing, as in torch
            if g is not None and capture is None and node.variable._rg:
                if node.variable._fn is not None:  # written in place since: no longer the leaf this edge reached
                    raise RuntimeError("leaf variable has been moved into the graph interior")
                if g.__class__ is not np.ndarray and isinstance(g, np.generic):
                    g = np.asarray(g)  # NumPy hands a 0-dim result back as a scalar; torch, a tensor
                # torch's AccumulateGrad takes over a grad nobody else holds (use count 1) instead of copying
                # it: here, no reference but this frame's `g` (and getrefcount's argument)
                steal = sys.getrefcount(g) <= 2
                accumulate(node.variable, g, steal, owners)
            continue
        outs = ()
        if g is not None:
            if node.saved is None or node._checks:
                _check_saved(node)
            if g.dtype.kind == "c" and node.holomorphic:
                outs = tuple(None if o is None else o.conj() for o in node.backward(g.conj()))
            else:
                outs = node.backward(g)
        meta = node._meta
        for i, (nxt, _) in enumerate(node.next_functions):
            if nxt is None:
                continue
            gi = outs[i] if outs else None
            if gi is not None:
                shape, dt = meta[i]
                if gi.shape != shape or (gi.dtype is not dt and gi.dtype != dt):
                    gi = _fit(gi, meta[i])
                if dt.kind not in "fc":
                    raise RuntimeError(NOT_DIFFERENTIABLE)
                if nxt in grads:
                    grads[nxt] = _add_grads(grads[nxt], gi)
                else:
                    grads[nxt] = gi
            left = deps[nxt] - 1
            deps[nxt] = left
            if not left:
                heapq.heappush(ready, (-nxt._seq, next(order), nxt))
        if g is not None and not keep_graph:
            node.release()  # after its grads passed torch's validate_outputs: a failed backward can run again
        outs = gi = None  # hold no grad past its node: a leaf may take over one nobody holds (see above)


# ---- torch's AccumulateGrad: how a grad arriving at a leaf (or a tensor that asked for retain_grad) becomes its
# .grad: taken over when nobody else holds it and it obeys the leaf's layout contract, copied into the leaf's
# layout otherwise, added in place from the second backward on
def accumulate(t, g, steal=False, owners=()):
    """Add a grad array into .grad: a leaf's first one is copied in (or taken over), later ones are added in
    place (a retained non-leaf's, see below, are not).

    `steal`: nobody but the caller holds g. torch's AccumulateGrad then makes g itself the leaf's .grad
    when it obeys the leaf's layout contract, so .grad keeps g's strides (of size-1 dims too) and, when g
    is a view of a user's gradient= tensor, its memory."""
    if not isinstance(g, type(t._a)):
        g = t._st.be.from_host(g)  # a device leaf: the engine's broadcast sums replay on the host
    cur = t._grad
    if steal and cur is None and not t._retains and _stealable(t, g):
        # torch's new_grad.detach(): g's memory and version counter, no history. A view of a user's gradient= tensor
        # stays one (later accumulations write its memory and bump its version); a view of a buffer of the backward
        # pass (cat's grad narrowed per input) keeps that buffer as its storage, and its offset in it.
        root = _root_array(g)
        owner = next((o for o in owners if _root_array(o._st.base) is root), None) if owners else None
        if owner is None and root is g:
            t._grad = wrap(g, t.dtype, t._st.be)
        else:
            t._grad = (owner if owner is not None else wrap(root, t.dtype, t._st.be)).detach()
            t._grad._a = g
    elif t._retains:
        # torch's retain_grad hook stores a contiguous clone of the first grad, then grad + new one (a new
        # tensor each time, not an in-place add)
        xp = t._st.be.xp
        arr = xp.array(g, dtype=t._a.dtype, order="C") if cur is None else xp.add(cur._a, g, order="C")
        t._grad = wrap(arr, t.dtype, t._st.be)
    elif cur is None:
        # torch's layout contract (clone_obey_contract): a dense leaf's grad is new memory with the leaf's very
        # strides (of size-1 dims too), filled by copy_, so it starts at version 1; any other leaf's is a
        # contiguous clone, at version 0.
        strides = t.stride()
        dense = is_dense(t._a.shape, strides)
        if dense:
            arr = empty_laid_out(t._st.be, t._a.shape, strides, t._a.dtype)
            arr[...] = g
        else:
            arr = t._st.be.xp.array(g, dtype=t._a.dtype, order="C")
        t._grad = wrap_copy(arr, t.dtype, t._st.be)  # an empty leaf's all-zero strides stay too
        t._grad._st.version = int(dense)
    else:
        cur._a += g
        cur._st.version += 1


def _stealable(t, g):
    """torch's obeys_layout_contract for a grad g of this leaf (and an array we may write to): for a dense
    leaf, g has the leaf's strides in every dim of size > 1 and no zero stride in a dim of size 1; for
    any other leaf, g is contiguous."""
    a = t._a
    if not (isinstance(g, type(a)) and g.dtype == a.dtype and g.shape == a.shape
            and getattr(g.flags, "writeable", True)):  # CuPy's flags have no writeable
        return False
    if g.strides == a.strides and 0 not in g.strides and a.flags.c_contiguous:
        return True  # the common case, decided without the loop below: a contiguous leaf, a grad laid out as it
    strides = t.stride()
    if not is_dense(a.shape, strides):
        return g.flags.c_contiguous
    item = g.itemsize
    for n, s, own in zip(g.shape, g.strides, strides):
        if (s == 0) if n == 1 else (s != own * item):
            return False
    return True


def _root_array(a):
    """The array at the end of NumPy's chain of bases: the memory a view of it shares."""
    while a.base is not None:
        a = a.base
    return a
