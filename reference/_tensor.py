"""The Tensor class: a strided window (`_a`, a NumPy/CuPy view) on a Storage, plus autograd state.

`_a` is kept as a real strided view of the storage's memory, so shape, strides and storage offset
are read off it, elementwise ops are one array call, and writes through any view show in all others.
This module sits below autograd and the ops: every method that needs them (the ops, grad_fn, backward,
register_hook, the legacy constructor) is attached in reference/_api.py, one line per method.
"""
import weakref

from . import _dtypes
from ._dtypes import FROM_NUMPY
from ._printing import format_tensor
from ._storage import Storage
from ._warn import warn

__all__ = ["Tensor", "Size"]

_new = object.__new__

_NONLEAF_GRAD = ("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                 "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                 "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
                 "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
                 "for more information.")
_NONLEAF_FLAG = ("you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                 "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")

_DETACH_VIEW = ("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
                "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and "
                "hence detach_() cannot be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")


class Size(tuple):
    """torch.Size: a tuple of ints that prints as `torch.Size([3, 3])`."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size([{', '.join(str(n) for n in self)}])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __reduce__(self):
        return (Size, (tuple(self),))


class _TensorMeta(type):
    # The tutorial prints type(a) and expects <class 'torch.Tensor'>. Only the class's printed name
    # changes; __module__ stays 'reference._tensor' so tracebacks and introspection stay truthful.
    def __repr__(cls):
        return "<class 'torch.Tensor'>" if cls is Tensor else type.__repr__(cls)


def wrap(a, dtype, be):
    """A new tensor owning a freshly computed array `a` (the one private constructor of results)."""
    if not a.ndim:  # NumPy turns 0-dim results into scalars; keep an array
        a = be.xp.asarray(a)
    elif not a.size and not any(a.strides):
        a = contiguous_strides(a, be.xp)
    st = _new(Storage)  # fresh_storage(), inlined: this is the hot path of every op
    st.base = a
    st.be = be
    st.version = 0
    st._flat = None
    t = _new(Tensor)
    t._a = a
    t._st = st
    t.dtype = dtype
    t._rg = False
    t._fn = None
    return t


def wrap_copy(arr, dt, be):
    """wrap() for a copy laid out as torch's empty_like lays it out (to(), clone(), a leaf's first grad): kept as it is. wrap()
    gives an empty array with all-zero strides contiguous ones (NumPy's fresh empty arrays have them), but
    these are the input's own strides (from_numpy of an empty array), which torch keeps."""
    out = wrap(arr, dt, be)
    if arr.ndim and not arr.size:
        out._a = out._st.base = arr
    return out


def _real_part(v, c_type):
    """float() or int() of a complex element: torch converts one without an imaginary part, and no other."""
    if isinstance(v, complex):
        if v.imag:
            raise RuntimeError(f"value cannot be converted to type {c_type} without overflow")
        return v.real
    return v


def contiguous_strides(a, xp):
    """An empty array with torch's contiguous strides (NumPy gives new empty arrays zero strides), so that its
    views (t(), permute ...) derive their strides from them as torch's do."""
    strides, step = [], a.itemsize
    for n in reversed(a.shape):
        strides.append(step)
        step *= max(n, 1)
    return xp.lib.stride_tricks.as_strided(a, a.shape, tuple(reversed(strides)))


def wrap_any(a, be):
    """Like wrap, reading the dtype off the array (for slow paths)."""
    return wrap(a, FROM_NUMPY[a.dtype], be)


def view_of(src, a):
    """A tensor that is a view `a` of src's memory (shares storage and version counter)."""
    t = _new(Tensor)
    t._a = a
    t._st = src._st
    t.dtype = src.dtype
    t._rg = False
    t._fn = None
    base = src._base
    root = t._base = src if base is None else base
    t._attr_version = src._st.version  # the storage version its grad_fn describes
    views = root.__dict__.get("_views")
    if views is None:
        views = root._views = weakref.WeakSet()
    views.add(t)
    return t


def sync_views(root):
    """torch derives a view's requires_grad from its base (`own flag or grad_fn or base.requires_grad`):
    pass a change of the base's on to the views made of it."""
    for v in root.__dict__.get("_views", ()):
        v._rg = root._rg or v._fn is not None or v.__dict__.get("_own_rg", False)


def check_grad_dtype(dtype, msg="only Tensors of floating point and complex dtype can require gradients"):
    if dtype.category < _dtypes.FLOAT:
        raise RuntimeError(msg)


class Tensor(metaclass=_TensorMeta):
    """A multi-dimensional array with autograd. `Tensor(2, 3)` is the legacy (uninitialised) constructor."""

    __slots__ = ("_a", "_st", "dtype", "_rg", "_fn", "__dict__", "__weakref__")
    # Rarely set state lives in the instance dict; these class attributes are the defaults.
    _base = None
    _grad = None
    _acc = None
    _retains = False
    __array_priority__ = 1000  # make ndarray (op) Tensor defer to Tensor's reflected op

    # ---- metadata -------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._a.shape)

    def size(self, dim=None):
        """size() -> torch.Size; size(d) -> int."""
        if dim is None:
            return Size(self._a.shape)
        return self._a.shape[self._dim(dim)]

    def dim(self):
        return self._a.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._a.ndim

    def numel(self):
        return self._a.size

    nelement = numel

    def stride(self, dim=None):
        """Strides in elements, as torch reports them."""
        a = self._a
        item = a.itemsize
        strides = tuple(s // item for s in a.strides)
        return strides if dim is None else strides[self._dim(dim)]

    def storage_offset(self):
        be = self._st.be
        return (be.address(self._a) - self._st.address()) // self._a.itemsize

    def data_ptr(self):
        return self._st.be.address(self._a)

    def untyped_storage(self):
        return self._st

    def element_size(self):
        return self._a.itemsize

    @property
    def itemsize(self):
        return self._a.itemsize

    @property
    def nbytes(self):
        return self._a.nbytes

    def is_contiguous(self, memory_format=None):
        return self._a.flags.c_contiguous

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    @property
    def device(self):
        return self._st.be.device

    @property
    def is_cuda(self):
        return not self._st.be.is_host

    @property
    def is_cpu(self):
        return self._st.be.is_host

    @property
    def _version(self):
        return self._st.version

    @property
    def layout(self):
        return "torch.strided"

    def _dim(self, dim, ndim=None):
        """Wrap a possibly negative dim; IndexError in torch's words when out of range."""
        n = self._a.ndim if ndim is None else ndim
        lo, hi = (-1, 0) if n == 0 else (-n, n - 1)
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise TypeError(f"dim must be an int, got {type(dim).__name__}")
        if dim < lo or dim > hi:
            raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
        return dim + (n if dim < 0 else 0) if n else 0

    # ---- autograd state ---------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        if not isinstance(flag, bool):
            raise TypeError(f"requires_grad must be a bool, got {type(flag).__name__}")
        # torch's C++ is_leaf() reads the stored grad_fn here: a stale view's is not regenerated (or refused)
        if self._fn is not None and flag:  # unlike requires_grad_(True), the setter refuses it, tersely
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        self._set_requires_grad(flag, "only Tensors of floating point and complex dtype can require gradients")

    def requires_grad_(self, requires_grad=True):
        """Turn gradient tracking on (or off) for a leaf, in place; returns self."""
        self._set_requires_grad(bool(requires_grad), "only Tensors of floating point dtype can require gradients")
        return self

    def _set_requires_grad(self, flag, dtype_msg):
        if self._fn is not None and not flag:
            raise RuntimeError(_NONLEAF_FLAG)
        if flag:  # also for a non-leaf, which already requires grad (an integer one can: x[...] = t)
            check_grad_dtype(self.dtype, dtype_msg)
        if self._fn is not None:
            return
        base = self._base
        if base is None:
            self._rg = flag
            sync_views(self)
        else:  # a leaf view keeps requiring grad while its base does
            self._own_rg = flag
            self._rg = flag or base._rg

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        # torch's getter looks at the stored grad_fn only: no refresh of a view written in place (which
        # raises for a no_grad view), and no warning once a grad is there
        if self._fn is not None and not self._retains and self._grad is None:
            warn(_NONLEAF_GRAD)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value.device != self.device:
                raise RuntimeError("assigned grad has data located on a different device")
            if value._a.shape != self._a.shape:
                raise RuntimeError("assigned grad has data of a different size")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def retains_grad(self):
        return self._retains

    def retain_grad(self):
        """Keep .grad for this non-leaf after backward (a no-op on leaves)."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._fn is None:  # torch's is_leaf() here reads the stored grad_fn: no regeneration of a view
            return
        if self.grad_fn is not None and not self._retains:
            self._retains = True
            self.grad_fn._retain = self

    def detach(self):
        """Same memory and version counter, no history."""
        t = _new(Tensor)
        t._a = self._a.view()
        t._st = self._st
        t.dtype = self.dtype
        t._rg = False
        t._fn = None
        return t

    def detach_(self):
        """Drop this tensor's history and requires_grad in place (not allowed on views)."""
        if self._base is not None:
            raise RuntimeError(_DETACH_VIEW)
        self._fn = None
        self._rg = False
        sync_views(self)
        return self

    @property
    def data(self):
        """An alias without history and with its own version counter (writes through it go untracked)."""
        t = _new(Tensor)
        t._a = self._a.view()
        t._st = self._st.alias()
        t.dtype = self.dtype
        t._rg = False
        t._fn = None
        return t

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(other).__name__}")
        st = other._st.alias()
        st.version = self._st.version
        self._a, self._st, self.dtype = other._a, st, other.dtype

    # ---- conversion to Python and NumPy -----------------------------------------------------------
    def numpy(self, *, force=False):
        """The NumPy array sharing this tensor's memory (CPU only; not for tensors that require grad)."""
        if not force:
            if self._rg:
                raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                                   "Use tensor.detach().numpy() instead.")
            if not self._st.be.is_host:
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. "
                                f"Use Tensor.cpu() to copy the tensor to host memory first.")
            a = self._a
            if not a.size:  # NumPy zeroes an empty array's strides when torch hands it over
                return self._st.be.xp.lib.stride_tricks.as_strided(a, a.shape, (0,) * a.ndim)
            return a.view()
        return self._st.be.to_host(self._a.view())

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()  # the same refusals as numpy(): requires_grad, non-CPU
        return a if dtype is None else a.astype(dtype, copy=False)

    def __dlpack__(self, *args, **kwargs):
        """Export the memory (no copy) to any DLPack consumer: torch.from_dlpack(t), np.from_dlpack(t)."""
        if self._rg:
            raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
        return self._a.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()

    def _host(self):
        return self._st.be.to_host(self._a)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        n = self._a.size
        if n != 1:
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        return self._host().reshape(()).item()

    def tolist(self):
        return self._host().tolist()

    def _scalar_for(self, kind):
        n = self._a.size
        if n != 1:
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        return self.item()

    def __bool__(self):
        n = self._a.size
        if n != 1:
            if n == 0:
                raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __float__(self):
        return float(_real_part(self._scalar_for(float), "double"))

    def __int__(self):
        return int(_real_part(self._scalar_for(int), "int64_t"))

    def __complex__(self):
        return complex(self._scalar_for(complex))

    def __index__(self):
        if self.dtype.category != _dtypes.INT or self._a.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __len__(self):
        if self._a.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._a.shape[0]

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))  # as torch: the slices share torch's UnbindBackward0 history

    def __hash__(self):
        return id(self)

    def __format__(self, spec):
        if self._a.ndim == 0 and type(self) is Tensor:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents=None):
        try:
            fn = self.grad_fn
            fn_name = None if fn is None else fn.name().rsplit("::", 1)[-1]  # torch prints C++ nodes unqualified
        except RuntimeError:  # a no_grad view written through its base: torch's printer shows <Invalid>
            fn_name = "Invalid"
        return format_tensor(
            self._host(), self.dtype.name,
            grad_fn=fn_name,
            requires_grad=self._rg and fn_name is None,
            device=None if self._st.be.is_host else str(self.device),
            default_dtype=_dtypes.get_default_dtype().name)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        out = self.clone().detach()
        out.requires_grad_(self._rg and self.grad_fn is None)
        memo[id(self)] = out
        return out

    def type(self, dtype=None, non_blocking=False):
        """type() -> 'torch.FloatTensor'; type(dtype or its string) -> converted tensor."""
        if dtype is None:
            prefix = "torch." if self._st.be.is_host else "torch.cuda."
            return prefix + self.dtype.legacy_name
        if isinstance(dtype, str):
            name = dtype.rsplit(".", 1)[-1]
            match = [d for d in _dtypes.ALL if d.legacy_name == name]
            if not match:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = match[0]
        elif not isinstance(dtype, _dtypes.dtype):
            dtype = getattr(dtype, "_dtype", dtype)
        return self.to(dtype)
