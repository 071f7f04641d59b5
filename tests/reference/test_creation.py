"""Factories, tensor() inference, legacy constructors, *_like, random draws and devices, against torch."""
import numpy as np
import pytest

from _refcompare import check

import reference


@pytest.mark.parametrize("data", [1, 2.5, True, 1j, [], [[]], [1, 2], [1, 2.0], [True, False], [True, 2],
                                  [[1, 2], [3, 4]], ((1, 2), (3, 4)), [[1, 2], [3]], [[1], []], [[1, 2], 3],
                                  [1, [2, 3]], "a", None, [1, "a"], [[], []], np.float64(1.5), [np.int32(3)]])
def test_tensor_infers_shape_and_dtype(data):
    check(lambda m: m.tensor(data), message=False)


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool", "float16", "uint8", "complex64"])
def test_tensor_with_dtype(dtype):
    check(lambda m: m.tensor([[1.7, -2.2], [0.0, 3.9]], dtype=getattr(m, dtype)))


def test_tensor_from_tensor_and_ndarray_copies():
    def run(m):
        src = m.ones(3)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = m.tensor(src)
        arr = np.arange(3.0)
        u = m.tensor(arr)
        arr[0] = 9
        t[0] = 5
        return src, t, u, m.tensor([m.tensor(1.5), 2])
    check(run)
    check(lambda m: m.tensor([m.ones(2), m.ones(2)]))


SIZES = [(2, 3), ((2, 3),), ([2, 3],), (0,), (), ((),)]


# torch reads nested data in three passes (sizes down the first items, the dtype over every item, then each item
# stored): which pass refuses bad data decides the error, and each pass reads what the others skip
BAD_DATA = ["['a']", "[{}]", "[object()]", "[1, 'a']", "[[1], 'a']", "{}", "{1}", "None", "[None]", "[1, None]",
            "[1, [2]]", "[[1, 2], 3]", "[[1, 2], [3]]", "['ab', 'cd']", "[range(2)]", "range(3)", "[[], [1]]",
            "[[np.array(1)]]", "[1, t.ones(2)]", "[np.bool_(True), 2]", "[[1, 2], {3: 1, 4: 1}]", "[[1, 2], 'ab']",
            "[2 ** 63]", "[bytearray(b'a')]", "[1.5, t.tensor(2.0, dtype=t.float64)]", "[t.tensor(3, dtype=t.int8), 1000]",
            "[t.tensor([1, 2]), [3, 4]]", "[np.array([1.0, 2]), [3, 4]]", "[True, 2]", "[[True], [2.5]]"]
BAD_DATA_WITH_DTYPE = [("[1.5]", "int64"), ("[1.5]", "bool"), ("[None]", "float32"), ("[None]", "int64"),
                       ("[1, 'a']", "float32"), ("[1, 'a']", "int64"), ("[t.tensor(1.5)]", "int64"), ("[3j]", "float32"),
                       ("[3j]", "int64"), ("[np.bool_(True)]", "int64"), ("[np.bool_(True)]", "float32"),
                       ("[[1, 2], {3, 4}]", "float32"), ("None", "float32"), ("[2 ** 63]", "bool"), ("[-1]", "uint8")]


@pytest.mark.parametrize("data", BAD_DATA)
def test_tensor_of_odd_data(data):
    check(lambda t: t.tensor(eval(data, {"t": t, "np": np})))


@pytest.mark.parametrize("data, dtype", BAD_DATA_WITH_DTYPE, ids=str)
def test_tensor_of_odd_data_with_a_dtype(data, dtype):
    check(lambda t: t.tensor(eval(data, {"t": t, "np": np}), dtype=getattr(t, dtype)))


@pytest.mark.parametrize("factory", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("size", SIZES)
def test_factories_and_size_forms(factory, size):
    def run(m):
        t = getattr(m, factory)(*size)
        return (tuple(t.shape), t.dtype, t.stride(), t.is_contiguous(),
                t if factory != "empty" else None, t.requires_grad)
    check(run)


@pytest.mark.parametrize("call", [
    lambda m: m.zeros(2, dtype=m.int32), lambda m: m.ones(2, 2, dtype=m.float64, requires_grad=True),
    lambda m: m.zeros(-1, 3), lambda m: m.ones(2, dtype=m.long, requires_grad=True), lambda m: m.zeros(2.5),
    lambda m: m.eye(3), lambda m: m.eye(2, 4), lambda m: m.eye(3, dtype=m.int64), lambda m: m.eye(-1),
    lambda m: m.full((2, 2), 7), lambda m: m.full((2,), 2.5), lambda m: m.full((2,), True),
    lambda m: m.full((2,), 3, dtype=m.float32), lambda m: m.arange(5), lambda m: m.arange(1, 4, 0.5),
    lambda m: m.arange(0, 1, 0.1), lambda m: m.arange(5.0), lambda m: m.arange(10, 0, -3),
    lambda m: m.arange(0, 5, 0), lambda m: m.arange(0, 5, -1), lambda m: m.linspace(0, 1, 5),
    lambda m: m.linspace(-3, 7, 11), lambda m: m.linspace(0, 1, 1),
    lambda m: m.zeros_like(m.ones(2, 3, dtype=m.int64)), lambda m: m.ones_like(m.ones(2, 3), dtype=m.float64),
    lambda m: m.full_like(m.ones(2), 4), lambda m: m.empty_like(m.ones(2, 3)).shape,
    lambda m: m.ones(2).new_zeros(3), lambda m: m.ones(2, dtype=m.int64).new_ones((2, 2)),
    lambda m: m.ones(2).new_full((2,), 3), lambda m: m.ones(2).new_tensor([1, 2]),
])
def test_factory_calls(call):
    check(call)


def test_legacy_constructors():
    check(lambda m: m.Tensor(3, 3).shape)
    check(lambda m: m.Tensor([[1, 2], [3, 4]]))
    check(lambda m: m.FloatTensor([[20, 30, 40], [90, 60, 70]]))
    check(lambda m: m.DoubleTensor([1, 2]))
    check(lambda m: m.LongTensor([1, 2]))
    check(lambda m: m.LongTensor(2).dtype)
    check(lambda m: m.Tensor("a"), message=False)
    check(lambda m: repr(m.Tensor))
    check(lambda m: repr(m.FloatTensor))
    check(lambda m: type(m.ones(1)).__name__)


@pytest.mark.parametrize("draw", [
    lambda m: m.rand(3, 3), lambda m: m.randn(4, 4), lambda m: m.randn(17), lambda m: m.rand(2, dtype=m.float64),
    lambda m: m.randint(0, 10, (3, 2)), lambda m: m.randint(5, (4,)), lambda m: m.randperm(6),
    lambda m: m.rand_like(m.ones(2, 2)), lambda m: m.randn_like(m.ones(3)), lambda m: m.ones(5).uniform_(-2, 3),
    lambda m: m.ones(20).normal_(2, 3), lambda m: m.rand(2, dtype=m.int64),
    lambda m: m.rand(3, generator=m.Generator().manual_seed(7)),
])
def test_random_draws_match_torch_after_seeding(draw):
    def run(m):
        m.manual_seed(0)
        return draw(m)
    check(run, rtol=0, atol=0)


def test_rng_state_round_trip():
    def run(m):
        m.manual_seed(3)
        state = m.get_rng_state()
        a = m.rand(4)
        m.set_rng_state(state)
        return a, m.rand(4), state.dtype, tuple(state.shape), m.initial_seed()
    check(run)


def test_version_compares_like_torchversion():
    v = reference.__version__
    assert isinstance(v, str) and v == "2.13.0"
    assert v > "1.9" and v >= "2.13" and v < "3" and v >= (2, 0) and not v < (2, 13)


def test_size():
    check(lambda m: repr(m.Size([3, 3])))
    check(lambda m: str(m.ones(2, 3).size()))
    check(lambda m: m.ones(2, 3).size().numel())
    check(lambda m: m.ones(2, 3).size(1))
    check(lambda m: m.ones(2, 3).size(-3))
    check(lambda m: m.ones(2, 3).shape[1:])
    check(lambda m: isinstance(m.ones(2).shape, tuple))


def test_devices_without_a_gpu():
    import torch
    check(lambda m: repr(m.device("cpu")))
    check(lambda m: repr(m.device("cuda:0")))
    check(lambda m: repr(m.device("cuda", 1)))
    check(lambda m: str(m.device("cuda:1")))
    check(lambda m: m.device("foo"))
    check(lambda m: m.device("cpu") == m.device("cpu"))
    check(lambda m: m.ones(2).device.type)
    check(lambda m: m.ones(2).to("cpu").is_cuda)
    if torch.cuda.is_available() or reference.cuda.is_available():
        pytest.skip("a GPU is present: the no-GPU errors do not apply")
    assert reference.cuda.is_available() is False
    for make in (lambda: reference.ones(2, device="cuda"), lambda: reference.ones(2).cuda(),
                 lambda: reference.ones(2).to("cuda:0"), lambda: reference.zeros(2, device=reference.device("cuda"))):
        with pytest.raises(RuntimeError, match="CUDA"):
            make()


def test_device_mismatch_message_shape():
    from reference.ops._common import device_mismatch
    a = reference.ones(1)
    assert "Expected all tensors to be on the same device" in str(device_mismatch(a, a))


def test_pickle_and_copy_keep_dtype_and_flags():
    import copy
    import pickle

    def run(m):
        a = m.arange(3, dtype=m.int32)
        b = m.ones(2, requires_grad=True)
        return pickle.loads(pickle.dumps(a)), copy.deepcopy(b), pickle.loads(pickle.dumps(b))
    check(run)
