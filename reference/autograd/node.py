"""Graph nodes. Each differentiable op is a Node subclass named as torch names it (AddBackward0 ...),
holding its forward and backward a few lines apart (see reference/ops/). This file has the base class
and the leaf accumulator; reference/autograd/function.py links nodes into the graph.
"""
import itertools
import math

from .._dtypes import type_string

__all__ = ["Node", "AccumulateGrad", "grad_accumulator", "set_grad_fn"]


_SEQUENCE = itertools.count()


class _NodeMeta(type):
    # torch's node classes live in no Python module: `type(y.grad_fn)` prints <class 'AddBackward0'>.
    # We keep a truthful __module__ and only print the name the way torch does.
    def __repr__(cls):
        return f"<class '{cls.__name__}'>"


class Node(metaclass=_NodeMeta):
    """One step of the backward graph: grads in for the op's output, grads out for each input.

    Subclasses define `forward(self, *arrays) -> array` and `backward(self, grad) -> tuple` with one
    grad (or None) per input. What backward reads is declared, not assigned: `saved_inputs` names the
    forward's arguments (by position) and `saves_result` the output; `function.record` stores them in
    `self.saved` (in that order) with their version counters, which the engine checks before backward.
    `saved_for` says which edges' grads read a saved input: one no linked edge needs is stored as None.
    """

    saved = ()            # arrays backward reads; None once released after backward
    saved_inputs = ()
    saved_for = None      # {saved input: the edges whose grads read it}; kept only if one of them is linked
    saves_result = False
    next_functions = ()
    _checks = ()          # (storage, version, what describe_saved names) of every saved tensor
    _pre_hooks = ()
    _retain = None        # the non-leaf output tensor that asked for retain_grad()
    _seq = -1             # torch's sequence number: the engine runs the latest-made ready node first
    one_input = False     # True when torch's node has no edge for a Python-number operand
    requiring_only = False  # True when torch links only the inputs that require grad (its NotImplemented node)
    # backward is written for real numbers, g * f'(x); for a complex grad the engine turns it into torch's
    # convention, g * conj(f'(z)) (the conjugate Wirtinger derivative), as conj(backward(conj(g))). A node whose
    # backward already is torch's complex formula (abs: g * z / |z|) sets this False.
    holomorphic = True
    # torch unpacks saved inputs in the alphabetical order of their argument names (other_ before self_), so when
    # both were written in place, the error names the second input: such nodes set this True
    unpack_reversed = False

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
            self._checks = ()  # and the saved inputs themselves


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds incoming grads into `variable.grad`."""

    _seq = math.inf  # torch's UINT64_MAX: a leaf takes its grad as soon as it is ready

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"  # torch's C++ node keeps its namespace in name()


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


def set_grad_fn(t, fn):
    """Give t (a tensor that already had a history: written in place, or a view regenerated) the grad_fn fn.
    torch moves a retain_grad() to the new grad_fn, so .grad is the gradient of t's new value."""
    if fn._seq < 0:  # numbered when it joins the graph: after the nodes of its inputs, as torch numbers them
        fn._seq = next(_SEQUENCE)
    old = t._fn
    if t._retains and old is not fn:
        if old is not None and old._retain is t:
            old._retain = None
        fn._retain = t
    t._fn = fn


def short_name(fn):
    """A node as torch's errors name it: SqueezeBackward1 is "Squeeze1", ViewBackward0 "View"."""
    op, _, overload = fn.name().rpartition("Backward")
    return op + ("" if overload == "0" else overload)


def describe_saved(check):
    """torch's text for a saved tensor in the 'modified by an inplace operation' error."""
    st, _version, shape, dt, fn, is_view, t = check
    if t is not None and not is_view:
        fn = t._fn  # a saved input is named by its grad_fn now (CopySlices after a write through a view)
    dims = ", ".join(str(n) for n in shape)
    text = f"[{type_string(dt, st.be.is_host)} [{dims}]]"
    if fn is not None:
        # torch regenerates a modified view's grad_fn as AsStridedBackward0 before it reports it.
        name = "AsStrided" if is_view else short_name(fn)
        text += f", which is output 0 of {name},"
    return text
