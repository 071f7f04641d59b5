"""Elementwise ops, reductions, matmul and cat: values, dtypes and errors compared with torch."""
import pytest

from _refcompare import check

DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]


def data(m, dtype="float32", shape=(2, 3), offset=0.0):
    base = m.tensor([[1.5, -2.0, 3.25], [0.5, 4.0, -1.0]]) + offset
    t = base.reshape(shape) if shape != (2, 3) else base
    return t.to(getattr(m, dtype))


BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b, "ge": lambda a, b: a >= b, "ne": lambda a, b: a != b,
    "floordiv": lambda a, b: a // b, "mod": lambda a, b: a % b,
}


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("da", DTYPES)
@pytest.mark.parametrize("db", ["bool", "int64", "float32", "float64"])
def test_binary_tensor_tensor(op, da, db):
    f = BINARY[op]
    check(lambda m: f(data(m, da), data(m, db, offset=1.0).abs() + 1 if db != "bool" else data(m, db)),
          message=False, rtol=2e-3 if "float16" in (da, db) else 1e-6)


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("da", DTYPES)
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_binary_tensor_scalar_both_sides(op, da, scalar):
    f = BINARY[op]
    tol = 2e-3 if da == "float16" else 1e-6
    check(lambda m: f(data(m, da), scalar), message=False, rtol=tol)
    check(lambda m: f(scalar, data(m, da).abs() + 1 if da != "bool" else data(m, da)), message=False, rtol=tol)


def test_broadcasting_and_its_error():
    check(lambda m: m.ones(3, 1) + m.arange(4.0))
    check(lambda m: m.ones(3, 4) + m.ones(4, 3))
    check(lambda m: m.ones(2, 3) * m.ones(5, 1, 3))


@pytest.mark.parametrize("name", ["add_", "sub_", "mul_", "div_"])
@pytest.mark.parametrize("dtype", ["int64", "float32", "float64"])
@pytest.mark.parametrize("other", [2, 2.5, "tensor_f64", "tensor_i64", "wide"])
def test_inplace_dtype_rules_and_untouched_receiver_on_error(name, dtype, other):
    def run(m):
        t = data(m, dtype)
        o = {"tensor_f64": data(m, "float64"), "tensor_i64": data(m, "int64").abs() + 1,
             "wide": m.ones(4, 2, 3)}.get(other, other)
        try:
            r = getattr(t, name)(o)
        except RuntimeError as e:
            return ("raised", str(e), t, t._version)
        return (r is t, t, t._version)
    check(run)


def test_add_alpha_and_int_alpha_error():
    check(lambda m: m.add(m.ones(2), m.ones(2), alpha=3))
    check(lambda m: m.ones(2).sub(m.ones(2), alpha=0.5))
    check(lambda m: m.ones(2, dtype=m.int64).add(m.ones(2, dtype=m.int64), alpha=0.5))


def test_bool_arithmetic_errors():
    check(lambda m: m.tensor([True]) - m.tensor([False]))
    check(lambda m: -m.tensor([True]))
    check(lambda m: m.tensor([True]) + m.tensor([True]))


def test_integer_negative_power_error():
    check(lambda m: m.tensor([1, 2]) ** -1)
    check(lambda m: m.tensor([1, 2]) ** 2)
    check(lambda m: 2 ** m.tensor([1, 2]))


UNARY = ["neg", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "reciprocal", "floor",
         "ceil", "round", "trunc", "sign", "square"]


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("dtype", ["int64", "float32", "float64"])
def test_unary(op, dtype):
    check(lambda m: getattr(data(m, dtype), op)(), message=False, rtol=1e-5)
    if op not in ("square",):
        check(lambda m: getattr(m, op)(data(m, dtype)), message=False, rtol=1e-5)


@pytest.mark.parametrize("op", ["exp_", "neg_", "abs_", "sqrt_"])
@pytest.mark.parametrize("dtype", ["int64", "float32"])
def test_unary_inplace(op, dtype):
    def run(m):
        t = data(m, dtype)
        try:
            getattr(t, op)()
        except RuntimeError as e:
            return ("raised", str(e), t)
        return t
    check(run, rtol=1e-5)


def test_clamp():
    check(lambda m: data(m).clamp(-1, 2))
    check(lambda m: data(m).clamp(min=0))
    check(lambda m: data(m).clamp())


REDUCTIONS = {
    "sum": lambda t: t.sum(), "sum0": lambda t: t.sum(0), "sum1k": lambda t: t.sum(1, keepdim=True),
    "sum_tuple": lambda t: t.sum((0, 1)), "sum_neg": lambda t: t.sum(-1), "mean": lambda t: t.mean(),
    "mean0": lambda t: t.mean(0), "mean1k": lambda t: t.mean(dim=1, keepdim=True), "norm": lambda t: t.norm(),
    "norm_dim": lambda t: t.norm(dim=1), "norm_p1": lambda t: t.norm(p=1), "max": lambda t: t.max(),
    "min": lambda t: t.min(), "max0": lambda t: t.max(0), "min1k": lambda t: t.min(1, keepdim=True),
    "amax": lambda t: t.amax(1), "argmax": lambda t: t.argmax(), "argmin1": lambda t: t.argmin(1),
    "prod": lambda t: t.prod(), "sum_bad_dim": lambda t: t.sum(2), "mean_dup": lambda t: t.mean((0, 0)),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("dtype", ["bool", "int32", "int64", "float32", "float64"])
def test_reductions(name, dtype):
    f = REDUCTIONS[name]
    check(lambda m: f(data(m, dtype)), rtol=1e-5)


def test_empty_reduction_errors():
    check(lambda m: m.ones(0).max())
    check(lambda m: m.ones(0).sum())
    check(lambda m: m.ones(2, 0).mean(1))


def test_norm_matches_torch_on_random_data():
    import numpy as np
    rng = np.random.default_rng(0)
    for n in (3, 4, 16, 1000):
        v = (rng.standard_normal(n) * 500).astype(np.float32)
        check(lambda m: m.from_numpy(v.copy()).norm(), rtol=2e-7)


@pytest.mark.parametrize("shapes", [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)),
                                    ((2, 2, 3), (3, 4)), ((5, 2, 3), (5, 3, 1)), ((2, 3), (2, 3)),
                                    ((3,), (2,)), ((), (3,))])
def test_matmul_shapes(shapes):
    sa, sb = shapes
    check(lambda m: m.arange(float(max(1, _numel(sa)))).reshape(sa) @ m.arange(float(max(1, _numel(sb)))).reshape(sb))


def _numel(s):
    n = 1
    for d in s:
        n *= d
    return n


def test_mm_errors():
    check(lambda m: m.ones(2, 3).mm(m.ones(2, 3)))
    check(lambda m: m.ones(2, 3) @ m.ones(3, 2, dtype=m.float64))
    check(lambda m: m.ones(3) @ m.ones(2))
    check(lambda m: m.mm(m.ones(3), m.ones(3, 2)))


def test_cat_and_stack():
    check(lambda m: m.cat((data(m), data(m, offset=1)), 0))
    check(lambda m: m.cat((data(m), data(m, offset=1)), 1))
    check(lambda m: m.cat([data(m), data(m, "float64")], -1))
    check(lambda m: m.cat([m.ones(2, 3), m.ones(2, 4)]))
    check(lambda m: m.cat([m.ones(2, 3), m.ones(3)]))
    check(lambda m: m.cat([]))
    check(lambda m: m.cat([m.ones(2, 3), m.ones(2, 3)], 2))
    check(lambda m: m.cat([m.ones(0), m.ones(2, 3)]))
    check(lambda m: m.stack([m.ones(2), m.zeros(2)], 1))
    check(lambda m: m.stack([m.ones(2), m.zeros(3)]))


def test_cat_copies():
    import reference as r
    a = r.ones(2)
    c = r.cat([a, a])
    c[0] = 5
    assert a[0].item() == 1.0


def test_scalar_conversions():
    check(lambda m: m.tensor(2.5).item())
    check(lambda m: m.tensor([3]).item())
    check(lambda m: m.ones(3).item())
    check(lambda m: float(m.tensor([1.5])))
    check(lambda m: int(m.tensor(7.9)))
    check(lambda m: bool(m.tensor([0.0])))
    check(lambda m: bool(m.ones(2)))
    check(lambda m: data(m).tolist())
    check(lambda m: len(m.ones(4, 2)))
    check(lambda m: len(m.tensor(1.0)))
    check(lambda m: [t.tolist() for t in m.arange(6).reshape(3, 2)])
    check(lambda m: f"{m.tensor(2.5):.3f}")


def test_comparisons_with_non_numbers():
    check(lambda m: m.ones(2) == None)  # noqa: E711
    check(lambda m: m.ones(2) + "a", message=False)


def test_fill_zero_copy():
    check(lambda m: m.ones(2, 3).fill_(7))
    check(lambda m: m.ones(2, 3, dtype=m.int64).fill_(2.7))
    check(lambda m: m.ones(2, 3).zero_())
    check(lambda m: m.ones(2, 3).copy_(m.arange(3)))
    check(lambda m: m.ones(2, 3).copy_(m.ones(4)))
    check(lambda m: m.ones(2, 3).fill_(m.ones(2)))


def test_conversions():
    for name in ["float", "double", "long", "int", "bool", "half"]:
        check(lambda m: getattr(data(m), name)())
    check(lambda m: data(m).to(m.float64))
    check(lambda m: data(m).to("cpu", m.int32))
    check(lambda m: data(m).type())
    check(lambda m: data(m).type(m.float64))
    check(lambda m: data(m).type("torch.LongTensor"))
    check(lambda m: data(m).float() is not None)
