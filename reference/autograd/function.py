"""How an op takes part in autograd: `record`, the one place a node joins the graph, and `inplace`, the one
path of every in-place write.

An op in reference/ops/ computes its result (often with its Node's `forward`) and hands it to `record`:

    node = MulBackward0()
    out = wrap(node.forward(x, y), dtype, device)
    return record(out, (a, b), node, (x, y))

`record` does nothing unless grad mode is on and an input requires grad. Otherwise it saves what the
node declares (`saved_inputs`, `saves_result`) with the version counters of the tensors they belong to,
and links one edge per input. An in-place op calls `inplace`, which runs torch's sequence in torch's order.
"""
from .._dtypes import FLOAT
from .._tensor import Tensor, sync_views, wrap
from .grad_mode import state as grad_mode
from .node import grad_accumulator, set_grad_fn
from .views import grad_fn, rebase_view, refuse_view_rebase

__all__ = ["recording", "record", "unsupported_dtype", "inplace", "check_inplace", "refuse_stale_inputs",
           "primitive"]


def recording(*inputs):
    """Would an op over `inputs` record a node? Grad mode is on and some input (tensor) requires grad."""
    if not grad_mode.enabled:
        return False
    for t in inputs:
        if getattr(t, "_rg", False):
            return True
    return False


def unsupported_dtype(dt):
    """torch's set_history refusal of a new output with history whose dtype cannot carry a grad (an integer)."""
    return RuntimeError(f"Autograd not support dtype: {dt.c10_name}")


def record(out, inputs, node, args=(), states=None, kept=()):
    """Make `node` out's grad_fn when autograd records this call; return out.

    `inputs` are the op's operands (tensors, or None/numbers, which get no edge); `args` are the arrays the
    node's forward read, one per input, of which backward keeps the ones `node.saved_inputs` names.
    `states`: the inputs' `_state`s when they were read before out was written (only `inplace` passes them:
    out is then written in place, and may be of any dtype; a new output must be floating or complex).
    `kept`: tensors backward reads that are no operands (the index tensors of x[idx]): saved as torch saves
    them, so writing one in place fails the backward, and freed with the rest after it.
    """
    if not recording(*inputs):
        return out
    if states is None and out.dtype.category < FLOAT:
        # torch's set_history of an op's new output (an in-place write, which passes `states`, rebases instead)
        raise unsupported_dtype(out.dtype)
    if node.one_input:
        inputs = inputs[:1]
    if states is None:
        states = [_state(t) for t in inputs]
    if node.requiring_only:
        linked = [i for i, t in enumerate(inputs) if getattr(t, "_rg", False)]
        inputs, states = tuple(inputs[i] for i in linked), [states[i] for i in linked]
    edges = [s[0] for s in states[:len(inputs)]]
    node.next_functions = tuple([(e, 0) for e in edges])
    node._meta = [None if e is None else (t._a.shape, t._a.dtype) for t, e in zip(inputs, edges)]
    if node.saved_inputs or node.saves_result or kept:
        _save(node, inputs, args, out, states, kept)
    out._rg = True
    set_grad_fn(out, node)
    if out._base is not None:
        out._attr_version = out._st.version  # the node describes this version of a view's memory
    return out


def _state(t):
    """What the graph keeps of an input: its edge (grad_fn, or the leaf's accumulator), its grad_fn and its
    version. Reading grad_fn refreshes a view written in place, which may make it require grad."""
    if not isinstance(t, Tensor):
        return _NO_STATE
    fn = grad_fn(t)
    edge = grad_accumulator(t) if fn is None and t._rg else fn
    return edge, fn, t._st.version


_NO_STATE = (None, None, None)  # a Python number or None among the operands: no edge


def _save(node, inputs, args, out, states, kept=()):
    """Keep the arrays backward reads, and the versions the engine checks before it reads them.

    A saved input that only the grads of absent edges read (`node.saved_for`) is neither kept nor checked:
    torch saves it only when a gradient that needs it will be computed, so a later in-place write to it is
    no error. A saved input is checked through the tensor itself, which torch's SavedVariable holds too: its error
    names the input's grad_fn at the time of the error, and a saved input that lost its grad_fn (detach_) fails;
    a saved result keeps the node that made it (holding the result would be a cycle, in torch as here)."""
    saved, checks = [], []
    linked = {e for e, (fn, _) in enumerate(node.next_functions) if fn is not None} if node.saved_for else None
    for i in node.saved_inputs:
        if linked is not None and not _keeps_input(node, i, linked):
            saved.append(None)
            continue
        saved.append(args[i])
        t = inputs[i] if i < len(inputs) else None
        if isinstance(t, Tensor):
            _, fn, version = states[i]
            checks.append((t._st, version, t._a.shape, t.dtype, fn, t._base is not None, t))
    if node.unpack_reversed:
        checks.reverse()
    if node.saves_result:
        saved.append(out._a)
        checks.append((out._st, out._st.version, out._a.shape, out.dtype, node, out._base is not None, None))
    for t in kept:
        saved.append(t._a)
        checks.append((t._st, t._st.version, t._a.shape, t.dtype, t.grad_fn, t._base is not None, t))
    node.saved = tuple(saved)
    node._checks = checks


def _keeps_input(node, i, linked):
    """Whether backward keeps saved input i: unless `node.saved_for` names the grads that read it and none of
    them is among the `linked` edges (a set of edge indices, see _save)."""
    users = node.saved_for.get(i) if node.saved_for else None
    return users is None or not linked.isdisjoint(users)


def inplace(t, others, node, args_of, check=None, index=Ellipsis, check_autograd=True, kept=()):
    """Write `node.forward(*args_of(old values of t))` into t (into `t[index]`), in torch's order:

    1. autograd's check_inplace and the operands' edges (not for out=, which torch refuses earlier when anything
    requires grad);
    2. the op's own checks (`check`: TensorIterator's overlap, shape and dtype rules), so that a refused op
    leaves t unchanged; 3. when recording, a snapshot of t's old identity (and values, if backward reads
    them) and the operands' edges; 4. the write and the version bump; 5. when recording, the node, whose
    history a view hands on to its base. `node=None` writes without history (the random fills). `kept`: see
    `record`.
    """
    if check_autograd:
        check_inplace(t, *others)
        refuse_stale_inputs(others)  # then autograd collects the operands' edges, before the kernel checks
    if check is not None:
        check()
    if node is None or not recording(t, *others):
        args = args_of(t._a)
        t._a[index] = args[0] if node is None else node.forward(*args)
        t._st.version += 1
        return t
    inputs = (t,) + tuple(others)
    if t.dtype.category < FLOAT and 0 in node.saved_inputs and \
            _keeps_input(node, 0, {e for e, o in enumerate(inputs) if getattr(o, "_rg", False)}):
        # torch saves a clone of the old self, an op of its own whose new output would carry history
        raise unsupported_dtype(t.dtype)
    old = snapshot(t, copy=0 in node.saved_inputs)
    inputs = (old,) + tuple(others)
    # torch links the edges and saves the operands before the write: an operand that the write changes (t
    # itself, or a view of t's memory) keeps its old grad_fn as edge and, if saved, fails the version check
    states = [_state(o) for o in inputs]
    args = args_of(old._a)
    t._a[index] = node.forward(*args)
    t._st.version += 1
    record(t, inputs, node, args, states, kept)
    if t._base is not None:
        rebase_view(t)
    elif t.__dict__.get("_views"):
        sync_views(t)  # the write made t require grad, and with it its views
    return t


def refuse_stale_inputs(args):
    """torch's autograd layer collects a differentiable op's edges (reads each input's grad_fn) before the
    kernel checks its arguments. So when an op's own checks fail, a tensor argument whose grad_fn may not be
    regenerated (a view made under no_grad, or one of several outputs, whose memory was written since: see
    views.refuse_view_rebase) refuses first, with torch's error instead of the op's."""
    tensors = [a for a in args if isinstance(a, Tensor)]
    tensors += [t for a in args if isinstance(a, (list, tuple)) for t in a if isinstance(t, Tensor)]
    if not recording(*tensors):
        return
    for t in tensors:
        try:
            grad_fn(t)
        except RuntimeError as refusal:
            raise refusal from None  # torch's error, not one raised while handling the op's


def primitive(fn, *args):
    """fn(*args), an autograd op that a composite op (reshape, which checks its own arguments first) hands over
    to: it reads its inputs' grad_fn before its own checks, as an op of the public API does (_api.op)."""
    try:
        return fn(*args)
    except Exception:
        refuse_stale_inputs(args)
        raise


def check_inplace(t, *others, through_view=False):
    """torch's checks before an in-place write is recorded (its check_inplace, in its order): only when grad
    mode is on and something requires grad; a view must be allowed a new history and may not be a view of a
    leaf; a leaf that requires grad may not be written. `through_view`: the write goes through a view of t
    (t[1:] = v writes t[1:] in place)."""
    if not recording(t, *others):
        return
    rg, base = t._rg, t._base
    if base is not None or through_view:
        if base is not None:
            refuse_view_rebase(t, indirect=False)
        if rg and (t if base is None else base).grad_fn is None:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    if rg and t._fn is None:  # torch's is_leaf() reads the stored grad_fn: a view never given one counts as a leaf
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def snapshot(t, copy):
    """The pre-write identity of a tensor about to be written in place: its old grad_fn and, when backward
    reads the old values, a copy of them."""
    old = wrap(t._a.copy() if copy else t._a, t.dtype, t._st.be)
    old._rg = t._rg
    old._fn = t.grad_fn
    if t._acc is not None:
        old._acc = t._acc
    return old
