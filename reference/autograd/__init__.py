"""torch.autograd for the reference: Variable, backward, grad, and the grad-mode switches.

It also holds the Tensor methods that run the engine (`Tensor.backward`, `Tensor.register_hook`), which
reference/_api.py attaches.
"""
from .._device import backend_of
from .._dtypes import FLOAT
from .._fp import quiet
from .._tensor import Tensor, wrap, wrap_any
from .engine import NOT_DIFFERENTIABLE, accumulate, run_backward
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .grad_mode import state as grad_mode
from .node import AccumulateGrad, Node, grad_accumulator

__all__ = ["Variable", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]


def Variable(data, requires_grad=False):
    """Legacy wrapper: since torch 0.4 it returns a new Tensor sharing `data`'s memory (not `data` itself)."""
    if not isinstance(data, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    out = data.detach()
    if requires_grad:  # torch's Variable sets the flag as the setter does, with the setter's message
        out._set_requires_grad(True, "Only Tensors of floating point and complex dtype can require gradients")
    return out


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into each leaf's .grad; `grad_tensors` weight non-scalar outputs."""
    return backward_impl(tensors, grad_tensors, retain_graph, create_graph, inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None):
    """Return d(outputs)/d(inputs) without touching any .grad."""
    return grad_impl(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)


def _roots(tensors, grads, op):
    """Pair each output with its starting grad (ones for a scalar), checked as torch checks them."""
    if isinstance(tensors, Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if grads is None:
        grads = (None,) * len(tensors)
    elif isinstance(grads, Tensor):
        grads = (grads,)
    grads = tuple(grads)
    if len(grads) != len(tensors):
        raise RuntimeError(f"{op}: got {len(grads)} tensors and {len(tensors)} gradients")
    # torch checks the gradients' shapes (Python's _make_grads) before its engine looks at the outputs' history
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected Tensor outputs, got {type(t).__name__}")
        if g is not None:
            if not isinstance(g, Tensor):
                raise TypeError(f"{op}: gradient must be a Tensor or None, not {type(g).__name__}")
            if g._a.shape != t._a.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                                   f"has a shape of {t.shape}.")
    roots = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if not t._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t._a.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t.dtype.is_floating_point:
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
            arr = t._st.be.xp.empty_like(t._a)
            arr.fill(1)
        else:
            if g.device != t.device:
                raise RuntimeError(f"invalid gradient at index {i} - expected device {t.device} but got {g.device}")
            if t.dtype.category < FLOAT:  # an integer root (written in place after x[...] = t) reaches the engine
                raise RuntimeError(NOT_DIFFERENTIABLE)
            arr = g._a if g.dtype is t.dtype else g._a.astype(t._a.dtype)
        root = t.grad_fn if t.grad_fn is not None else grad_accumulator(t)
        if root is None:  # a view made under no_grad requires grad through its base, yet has no graph edge
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        roots.append((root, arr))
    return roots


def _wrap_grad(arr):
    be = backend_of(arr)  # a hook on a GPU tensor sees its grad on the GPU
    return wrap_any(arr if hasattr(arr, "ndim") else be.xp.asarray(arr), be)


def _no_create_graph(create_graph):
    if create_graph:
        raise RuntimeError("create_graph=True (higher-order gradients) is not supported by the reference")


@quiet  # the gradient= casts too (float32 1e10 into float16 is inf, silently, as in torch)
def backward_impl(tensors, grad_tensors, retain_graph, create_graph, inputs):
    _no_create_graph(create_graph)
    roots = _roots(tensors, grad_tensors, "backward")
    keep = bool(create_graph if retain_graph is None else retain_graph)
    if inputs is None:
        # the user's gradient= tensors: a leaf that takes over a view of one shares its memory and version
        owners = (grad_tensors,) if isinstance(grad_tensors, Tensor) else tuple(grad_tensors or ())
        run_backward(roots, keep, _wrap_grad, owners=[g for g in owners if isinstance(g, Tensor)])
        return
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    capture = {(t.grad_fn if t.grad_fn is not None else grad_accumulator(t)): None for t in inputs}
    run_backward(roots, keep, _wrap_grad, capture)
    for t in inputs:
        g = capture[t.grad_fn if t.grad_fn is not None else grad_accumulator(t)]
        if g is not None:
            accumulate(t, g)


@quiet
def grad_impl(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
    _no_create_graph(create_graph)
    roots = _roots(outputs, grad_outputs, "grad")
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for t in inputs:
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    nodes = [t.grad_fn if t.grad_fn is not None else grad_accumulator(t) for t in inputs]
    capture = dict.fromkeys(nodes)
    keep = bool(create_graph if retain_graph is None else retain_graph)
    run_backward(roots, keep, _wrap_grad, capture)
    out = []
    for i, (t, n) in enumerate(zip(inputs, nodes)):
        g = capture[n]
        if g is None and not allow_unused:
            raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                               "Set allow_unused=True if this is the desired behavior.")
        out.append(None if g is None else wrap(t._st.be.xp.array(g, dtype=t._a.dtype), t.dtype, t._st.be))
    return tuple(out)


# ---- Tensor methods (attached in reference/_api.py) ----------------------------------------------------
def tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(self)/d(leaf) into every leaf's .grad (gradient= weights a non-scalar self)."""
    backward_impl((self,), None if gradient is None else (gradient,), retain_graph, create_graph, inputs)


def register_hook(self, hook):
    """Call hook(grad) when this tensor's grad is computed; a returned tensor replaces the grad."""
    if not self._rg:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node = self.grad_fn if self.grad_fn is not None else grad_accumulator(self)
    node.register_prehook(hook)
    return _HookHandle(node, hook)


_plain_numpy = Tensor.numpy  # _tensor.py's method, which refuses any tensor that requires grad


def tensor_numpy(self, *, force=False):
    """Tensor.numpy: torch refuses a tensor that requires grad only while grad mode is on (tensor_numpy.cpp);
    under no_grad it hands out the memory as it would for the detached tensor."""
    if self._rg and not grad_mode.enabled:
        self = self.detach()
    return _plain_numpy(self, force=force)


class _HookHandle:
    """What register_hook returns: .remove() unregisters the hook."""

    def __init__(self, node, hook):
        self.node, self.hook = node, hook

    def remove(self):
        hooks = self.node._pre_hooks
        if self.hook in hooks:
            hooks.remove(self.hook)
