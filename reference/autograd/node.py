"""Graph nodes. Each differentiable op is a Node subclass named as torch names it (AddBackward0 ...),
holding its forward and backward a few lines apart (see reference/ops/). This file has the base class,
the leaf accumulator and `record`, which links a new node into the graph.
"""
import re

__all__ = ["Node", "AccumulateGrad", "record", "grad_accumulator"]


class _NodeMeta(type):
    # torch's node classes live in no Python module: `type(y.grad_fn)` prints <class 'AddBackward0'>.
    # We keep a truthful __module__ and only print the name the way torch does.
    def __repr__(cls):
        return f"<class '{cls.__name__}'>"


class Node(metaclass=_NodeMeta):
    """One step of the backward graph: grads in for the op's output, grads out for each input.

    Subclasses define `forward(self, *arrays_and_args) -> array` (saving what backward needs in
    `self.saved`) and `backward(self, grad) -> tuple` with one grad (or None) per input.
    `saved_inputs` names the inputs (by position) whose values backward reads and `saves_result`
    whether it reads the output: the engine checks their version counters before backward runs.
    """

    saved = ()            # arrays backward reads; None once released after backward
    saved_inputs = ()
    saves_result = False
    next_functions = ()
    _checks = ()          # (storage, version, description) of every saved tensor
    _pre_hooks = ()
    _retain = None        # the non-leaf output tensor that asked for retain_grad()
    one_input = False     # True when torch's node has no edge for a Python-number operand

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def name(self):
        return type(self).__name__

    @property
    def metadata(self):
        d = self.__dict__.get("_metadata")
        if d is None:
            d = self._metadata = {}
        return d

    def register_prehook(self, fn):
        if not self._pre_hooks:
            self._pre_hooks = []
        self._pre_hooks.append(fn)

    def release(self):
        """Drop saved arrays after a backward without retain_graph (torch frees them too)."""
        if self.saved != ():
            self.saved = None


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds incoming grads into `variable.grad`."""

    def __init__(self, variable):
        self.variable = variable


def grad_accumulator(t):
    """The one AccumulateGrad of a leaf (shared, so graphs show the same node for the same leaf), or None for
    a view that requires grad only through its base: torch gives such a view (one made under no_grad) no
    accumulator, so gradients reaching it are dropped."""
    if t._base is not None and not t.__dict__.get("_own_rg"):
        return None
    acc = t._acc
    if acc is None:
        acc = t._acc = AccumulateGrad(t)
    return acc


def describe_saved(check):
    """torch's text for a saved tensor in the 'modified by an inplace operation' error."""
    st, _version, shape, dt, fn, is_view = check
    dims = ", ".join(str(n) for n in shape)
    place = "torch." if st.be.is_host else "torch.cuda."
    text = f"[{place}{dt.legacy_name} [{dims}]]"
    if fn is not None:
        # torch regenerates a modified view's grad_fn as AsStridedBackward0 before it reports it.
        name = "AsStrided" if is_view else re.sub(r"Backward[0-9]*$", "", fn.name())
        text += f", which is output 0 of {name},"
    return text


def record(node, inputs, out):
    """Link `node` (already run forward) as `out.grad_fn`, with an edge per input (None where no grad)."""
    edges = []
    meta = []
    if node.one_input:
        inputs = inputs[:1]
    for t in inputs:
        # None and Python numbers have no _rg. Reading grad_fn first refreshes a view written in place,
        # which may make it require grad.
        fn = t.grad_fn if getattr(t, "_rg", None) is not None else None
        if fn is None and getattr(t, "_rg", False):
            fn = grad_accumulator(t)
        if fn is not None:
            edges.append((fn, 0))
            meta.append((t._a.shape, t._a.dtype))
        else:
            edges.append((None, 0))
            meta.append(None)
    node.next_functions = tuple(edges)
    node._meta = meta
    out._rg = True
    out._fn = node
    if out._base is not None:
        out._attr_version = out._st.version  # the node describes this version of a view's memory
    if node.saved_inputs or node.saves_result:
        checks = []
        for i in node.saved_inputs:
            t = inputs[i]
            if hasattr(t, "_st"):
                checks.append((t._st, t._st.version, t._a.shape, t.dtype, t.grad_fn, t._base is not None))
        if node.saves_result:
            checks.append((out._st, out._st.version, out._a.shape, out.dtype, node, out._base is not None))
        node._checks = checks
    return out
