"""dtype objects, torch's type-promotion table and its category rule for scalars.

A dtype wraps one NumPy dtype. Promotion between two tensors is a table lookup
(`promote_types`); Python scalars and 0-dim tensors only move the result to a
higher *category* (bool < integer < floating < complex), which is `result_type`.
"""
import numpy as np

__all__ = ["dtype", "promote_types", "result_type", "can_cast", "get_default_dtype", "set_default_dtype"]

BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3  # categories, ordered


class dtype:
    """A tensor element type; prints as torch prints it (`torch.float32`)."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "category", "c10_name", "legacy_name", "index")

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):  # pickle/copy by name: dtypes are singletons
        return (_by_name, (self.name,))

    def to_complex(self):
        return {"float32": complex64, "float64": complex128, "float16": complex64}.get(self.name, self)

    def to_real(self):
        return {"complex64": float32, "complex128": float64}.get(self.name, self)


def _make(name, np_dtype, category, c10_name, legacy_name, index):
    d = dtype.__new__(dtype)
    d.name, d.np, d.category = name, np.dtype(np_dtype), category
    d.itemsize = d.np.itemsize
    d.is_floating_point = category == FLOAT
    d.is_complex = category == COMPLEX
    d.is_signed = category != BOOL and name != "uint8"
    d.c10_name, d.legacy_name, d.index = c10_name, legacy_name, index
    return d


# name, numpy dtype, category, c10 name (used in error texts), legacy tensor type name
_SPECS = [
    ("bool", np.bool_, BOOL, "Bool", "BoolTensor"),
    ("uint8", np.uint8, INT, "Byte", "ByteTensor"),
    ("int8", np.int8, INT, "Char", "CharTensor"),
    ("int16", np.int16, INT, "Short", "ShortTensor"),
    ("int32", np.int32, INT, "Int", "IntTensor"),
    ("int64", np.int64, INT, "Long", "LongTensor"),
    ("float16", np.float16, FLOAT, "Half", "HalfTensor"),
    ("float32", np.float32, FLOAT, "Float", "FloatTensor"),
    ("float64", np.float64, FLOAT, "Double", "DoubleTensor"),
    ("complex64", np.complex64, COMPLEX, "ComplexFloat", "ComplexFloatTensor"),
    ("complex128", np.complex128, COMPLEX, "ComplexDouble", "ComplexDoubleTensor"),
]
ALL = tuple(_make(*spec, i) for i, spec in enumerate(_SPECS))
(bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128) = ALL
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update(bool=bool_, half=float16, float=float32, double=float64, short=int16,
                int=int32, long=int64, cfloat=complex64, cdouble=complex128)
FROM_NUMPY = {d.np: d for d in ALL}


def _by_name(name):
    return _BY_NAME[name]


# torch.promote_types for every pair, as in c10/core/ScalarType.cpp (rows and columns in ALL order).
_CODES = {"b1": bool_, "u1": uint8, "i1": int8, "i2": int16, "i4": int32, "i8": int64,
          "f2": float16, "f4": float32, "f8": float64, "c8": complex64, "c16": complex128}
_TABLE_TEXT = """
      b1   u1   i1   i2   i4   i8   f2   f4   f8   c8  c16
b1    b1   u1   i1   i2   i4   i8   f2   f4   f8   c8  c16
u1    u1   u1   i2   i2   i4   i8   f2   f4   f8   c8  c16
i1    i1   i2   i1   i2   i4   i8   f2   f4   f8   c8  c16
i2    i2   i2   i2   i2   i4   i8   f2   f4   f8   c8  c16
i4    i4   i4   i4   i4   i4   i8   f2   f4   f8   c8  c16
i8    i8   i8   i8   i8   i8   i8   f2   f4   f8   c8  c16
f2    f2   f2   f2   f2   f2   f2   f2   f4   f8   c8  c16
f4    f4   f4   f4   f4   f4   f4   f4   f4   f8   c8  c16
f8    f8   f8   f8   f8   f8   f8   f8   f8   f8  c16  c16
c8    c8   c8   c8   c8   c8   c8   c8   c8  c16   c8  c16
c16  c16  c16  c16  c16  c16  c16  c16  c16  c16  c16  c16
"""
_PROMOTE = {}
_rows = [line.split() for line in _TABLE_TEXT.strip().splitlines()]
for _row in _rows[1:]:
    for _col, _code in zip(_rows[0], _row[1:]):
        _PROMOTE[_CODES[_row[0]], _CODES[_col]] = _CODES[_code]

_default = [float32]  # the default floating dtype (a list so the hot path reads one cell)


def get_default_dtype():
    """The dtype of `tensor(1.5)` and `ones(2)`: float32 unless changed."""
    return _default[0]


def set_default_dtype(d):
    """Set the default floating dtype (float32 or float64, as torch allows; float16 too)."""
    if not isinstance(d, dtype) or d.category != FLOAT:
        raise TypeError(f"only floating-point types are supported as the default type")
    _default[0] = d


def default_complex():
    return complex128 if _default[0] is float64 else complex64


def promote_types(a, b):
    """The smallest dtype both `a` and `b` cast to safely: promote_types(int32, float16) -> float16."""
    if a is b:
        return a
    return _PROMOTE[a, b]


def scalar_dtype(value):
    """The dtype torch gives a Python number when it stands alone: bool, int64, default float/complex."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    if isinstance(value, float):
        return _default[0]
    return default_complex()


def _combine(higher, lower):
    """torch's category rule: `lower` (from 0-dim tensors or scalars) only wins with a higher category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == COMPLEX:
        return higher
    if lower.category == COMPLEX:
        return higher.to_complex() if higher.category == FLOAT else lower
    if higher.category == FLOAT:
        return higher
    if higher is bool_ or lower.category == FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """dtype of an op over tensors and Python scalars, by torch's three-level rule."""
    dim_res = zero_res = wrapped_res = None
    for op in operands:
        d = getattr(op, "dtype", None)
        if isinstance(d, dtype):
            if op.dim() == 0:
                zero_res = d if zero_res is None else promote_types(zero_res, d)
            else:
                dim_res = d if dim_res is None else promote_types(dim_res, d)
        else:
            if isinstance(op, (bool, int, float, complex, np.number, np.bool_)):
                s = scalar_dtype(op.item() if isinstance(op, (np.number, np.bool_)) else op)
            else:
                raise TypeError(f"result_type(): expected Tensor or Number, got {type(op).__name__}")
            wrapped_res = s if wrapped_res is None else promote_types(wrapped_res, s)
    return _combine(dim_res, _combine(zero_res, wrapped_res))


def type_string(dt, host=True):
    """How torch's C++ errors name a tensor's type: torch.FloatTensor (torch.cuda.FloatTensor on a GPU). Bool and
    the complex dtypes have no legacy tensor type there and are named by dispatch key: CPUBoolType,
    CPUComplexFloatType (Python's tensor.type() still says torch.BoolTensor)."""
    if dt is bool_ or dt.is_complex:
        return ("CPU" if host else "CUDA") + dt.c10_name + "Type"
    return ("torch." if host else "torch.cuda.") + dt.legacy_name


def can_cast(from_, to):
    """torch.can_cast: no float->int, complex->real or non-bool->bool downgrade of category."""
    if from_.category == COMPLEX and to.category != COMPLEX:
        return False
    if from_.category == FLOAT and to.category < FLOAT:
        return False
    if from_ is not bool_ and to is bool_:
        return False
    return True


def as_dtype(d, what="dtype"):
    """Accept a reference dtype, or the Python types float/int/bool/complex like torch does."""
    if isinstance(d, dtype):
        return d
    py = {float: float64, int: int64, bool: bool_, complex: complex128}.get(d)
    if py is not None:
        return py
    raise TypeError(f"{what} must be torch.dtype, not {type(d).__name__}")


# The C++ type names torch prints in its dtype errors (mm's "same dtype", out=, TensorOptions, ...).
CPP_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int",
             "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
             "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
