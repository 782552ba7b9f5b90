"""Devices, dtypes, randomness and conveniences (issue 16): what the parity table cannot see.

Random values cannot match PyTorch's generator, so the samplers are checked by their moments
over many draws (fixed seeds, tolerances of about five standard errors) and by reproducibility
under ``Generator`` seeds.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite as tg
from helpers import check, leaf, seeds, shapes, uniform

N = 40_000  # draws per moment check: standard error of a mean ~ 0.005 * std


@pytest.fixture
def default_float64():
    tg.set_default_dtype(tg.float64)
    yield
    tg.set_default_dtype(tg.float32)


# --- devices -----------------------------------------------------------------------------------

def test_device_spellings_agree():
    assert tg.device("cpu:0") == tg.device("cpu", 0) == tg.device(tg.device("cpu", 0))
    assert tg.device("cpu") != tg.device("cpu", 0) and tg.device("cpu") != "cpu"
    assert {tg.device("cpu"), tg.device("cpu")} == {tg.device("cpu")}
    d = tg.device("cuda:1")  # can be named; only using it raises
    assert (d.type, d.index, str(d), repr(d)) == ("cuda", 1, "cuda:1", "device(type='cuda', index=1)")


@pytest.mark.parametrize("spec", ["gpu", "cpu:x", "cpu:-1", ("cpu", -1), ("cpu:0", 1)])
def test_bad_devices_raise_runtime_error(spec):
    with pytest.raises(RuntimeError):
        tg.device(*spec) if isinstance(spec, tuple) else tg.device(spec)


CREATORS = [lambda d: tg.zeros(2, device=d), lambda d: tg.ones(2, device=d),
            lambda d: tg.full((2,), 1.0, device=d), lambda d: tg.empty(2, device=d),
            lambda d: tg.tensor([1.0], device=d), lambda d: tg.arange(3, device=d),
            lambda d: tg.linspace(0, 1, 3, device=d), lambda d: tg.eye(2, device=d),
            lambda d: tg.rand(2, device=d), lambda d: tg.randn(2, device=d),
            lambda d: tg.randint(0, 3, (2,), device=d), lambda d: tg.randperm(3, device=d),
            lambda d: tg.normal(0.0, 1.0, (2,), device=d), lambda d: tg.zeros_like(tg.ones(2), device=d),
            lambda d: tg.rand_like(tg.ones(2), device=d), lambda d: tg.randint_like(tg.ones(2), 3, device=d),
            lambda d: tg.ones(2).new_zeros(2, device=d), lambda d: tg.ones(2).new_tensor([1], device=d),
            lambda d: tg.ones(2).to(d), lambda d: tg.Generator(device=d)]


@pytest.mark.parametrize("make", CREATORS)
def test_every_creation_function_takes_the_cpu_and_refuses_other_devices(make):
    for cpu in ("cpu", "cpu:0", tg.device("cpu"), None):
        make(cpu)
    for other in ("cuda", "cuda:0", "mps", tg.device("meta")):
        with pytest.raises(RuntimeError, match=str(tg.device(other)).split(":")[0]):
            make(other)


def test_cpu_cuda_and_device_attributes():
    x = tg.ones(2)
    assert x.cpu() is x and x.to("cpu") is x and x.device == tg.device("cpu")
    assert x.is_cpu and not x.is_cuda
    with pytest.raises(RuntimeError, match="CPU only"):
        x.cuda()
    assert not tg.cuda.is_available() and tg.cuda.device_count() == 0
    tg.cuda.manual_seed_all(0)
    assert not tg.backends.mps.is_available() and not tg.backends.cudnn.is_available()
    tg.backends.cudnn.benchmark, tg.backends.cudnn.deterministic = True, True
    assert tg.backends.cudnn.benchmark
    tg.backends.cudnn.benchmark, tg.backends.cudnn.deterministic = False, False


def test_to_forms():
    x = tg.tensor([1.5, -2.5], requires_grad=True)
    assert x.to(tg.float64).dtype == tg.float64 and x.to("cpu", tg.float16).dtype == tg.float16
    assert x.to(tg.zeros(1, dtype=tg.int32)).dtype == tg.int32
    assert x.to(dtype=tg.float16, device="cpu", non_blocking=True).dtype == tg.float16
    assert x.to(x.dtype) is x and x.to(x.dtype, copy=True) is not x
    y = x.to(tg.float32, False, True)  # positional non_blocking, copy
    assert y is not x and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


# --- dtypes ------------------------------------------------------------------------------------

def test_default_dtype_reaches_every_float_creation(default_float64):
    made = [tg.tensor(1.5), tg.tensor([1.0, 2]), tg.Tensor([0.5]), tg.zeros(2), tg.ones(2),
            tg.empty(2), tg.full((2,), 0.5), tg.rand(2), tg.randn(2), tg.arange(0.0, 1, 0.5),
            tg.linspace(0, 1, 3), tg.eye(2), tg.normal(0.0, 1.0, (2,))]
    assert [t.dtype for t in made] == [tg.float64] * len(made)
    assert tg.tensor([1, 2]).dtype == tg.int64 and tg.full((1,), 2).dtype == tg.int64
    assert tg.tensor(np.ones(2, np.float32)).dtype == tg.float32  # NumPy arrays keep their dtype
    assert tg.get_default_dtype() == tg.float64 and tg.finfo().bits == 64


def test_default_dtype_refuses_non_floats():
    with pytest.raises(TypeError):
        tg.set_default_dtype(tg.int64)
    assert tg.get_default_dtype() == tg.float32


def test_finfo_and_iinfo_match_numpy():
    for dt in (tg.float16, tg.float32, tg.float64):
        f = tg.finfo(dt)
        assert (f.bits, f.eps, f.max, f.min, f.tiny) == (np.finfo(dt).bits, float(np.finfo(dt).eps), float(np.finfo(dt).max),
                                                         float(np.finfo(dt).min), float(np.finfo(dt).tiny))
        assert f.smallest_normal == f.tiny and f.dtype == dt.name
    assert (tg.iinfo(tg.int16).min, tg.iinfo(tg.uint8).max, tg.iinfo(tg.int64).bits) == (-32768, 255, 64)
    for bad in (lambda: tg.finfo(tg.int32), lambda: tg.iinfo(tg.float32), lambda: tg.iinfo(tg.bool)):
        with pytest.raises(TypeError):
            bad()


@pytest.mark.parametrize("name", ["bfloat16", "complex64", "cfloat", "complex128", "chalf"])
def test_unsupported_dtypes_raise_a_type_error_naming_them(name):
    dt = getattr(tg, name)
    for use in (lambda: tg.zeros(2, dtype=dt), lambda: tg.ones(2).to(dt), lambda: tg.tensor([1.0], dtype=dt),
                lambda: tg.ones(2).view(dt), lambda: tg.finfo(dt)):
        with pytest.raises(TypeError, match=dt.name):
            use()


def test_float16_wherever_float32_works():
    h = tg.float16
    made = [tg.zeros(2, dtype=h), tg.ones(2, dtype=h), tg.full((2,), 1.5, dtype=h), tg.empty(2, dtype=h),
            tg.rand(2, dtype=h), tg.randn(2, dtype=h), tg.arange(3, dtype=h), tg.linspace(0, 1, 3, dtype=h),
            tg.eye(2, dtype=h), tg.tensor([1.5], dtype=h), tg.ones(2).half(), tg.ones(2).to(h),
            tg.ones(2).type(h), tg.randint(0, 3, (2,), dtype=h), tg.randn_like(tg.ones(2, dtype=h)),
            tg.normal(tg.zeros(2, dtype=h), 1.0), tg.ones(2, dtype=h).new_tensor([1, 2])]
    assert all(t.dtype == h for t in made)
    assert tg.ones(2, dtype=h).type() == "torch.HalfTensor" and tg.ones(2, dtype=h).element_size() == 2


def test_view_dtype_reinterprets_the_same_memory():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    bits = x.view(tg.int32)
    assert bits.tolist() == x.numpy().view(np.int32).tolist()
    assert x.view(tg.int16).shape == (2, 4) and x.view(tg.float64).shape == (2, 1)
    assert tg.tensor([1, 2, 3, 4], dtype=tg.int8).view(tg.int32).tolist() == [0x04030201]
    with tg.no_grad():
        bits.fill_(0)
    assert x.tolist() == [[0.0, 0.0], [0.0, 0.0]] and x._version == bits._version == 1
    for bad in (lambda: x.view(tg.int8)[:, ::2].view(tg.int32), lambda: tg.tensor(1.0).view(tg.int16),
                lambda: tg.zeros(2, 3).view(tg.float64), lambda: tg.zeros(3, 2).T.view(tg.int16)):
        with pytest.raises(RuntimeError):
            bad()


def test_dtype_questions():
    assert isinstance(tg.float32, tg.dtype) and tg.is_floating_point(tg.ones(1))
    assert not tg.ones(1).long().is_floating_point() and not tg.is_complex(tg.ones(1))
    x = tg.zeros(3, 4, dtype=tg.float64)
    assert (x.element_size(), x.itemsize, x.nbytes, x.nelement()) == (8, 8, 96, 12)
    assert [tg.zeros(1, dtype=d).type() for d in (tg.uint8, tg.int8, tg.int16, tg.int32, tg.long, tg.bool)] == \
        ["torch.ByteTensor", "torch.CharTensor", "torch.ShortTensor", "torch.IntTensor", "torch.LongTensor",
         "torch.BoolTensor"]
    assert x.type("torch.FloatTensor").dtype == tg.float32 and x.type(tg.float64) is x
    with pytest.raises(ValueError, match="torch.Float"):
        x.type("torch.Float")


# --- generators --------------------------------------------------------------------------------

def _draws(fn, seed):
    return fn(tg.Generator().manual_seed(seed)).numpy().copy()


SAMPLERS = {
    "rand": lambda g: tg.rand(50, generator=g), "randn": lambda g: tg.randn(50, generator=g),
    "randint": lambda g: tg.randint(0, 100, (50,), generator=g), "randperm": lambda g: tg.randperm(50, generator=g),
    "rand_like": lambda g: tg.rand_like(tg.ones(50), generator=g),
    "randn_like": lambda g: tg.randn_like(tg.ones(50), generator=g),
    "randint_like": lambda g: tg.randint_like(tg.ones(50), 100, generator=g),
    "normal": lambda g: tg.normal(tg.zeros(50), tg.ones(50), generator=g),
    "normal_size": lambda g: tg.normal(0.0, 1.0, (50,), generator=g),
    "bernoulli": lambda g: tg.bernoulli(tg.full((50,), 0.5), generator=g),
    "multinomial": lambda g: tg.multinomial(tg.ones(50), 50, generator=g),
    "poisson": lambda g: tg.poisson(tg.full((50,), 3.0), generator=g),
    "normal_": lambda g: tg.zeros(50).normal_(generator=g), "uniform_": lambda g: tg.zeros(50).uniform_(generator=g),
    "bernoulli_": lambda g: tg.zeros(50).bernoulli_(generator=g),
    "exponential_": lambda g: tg.zeros(50).exponential_(generator=g),
    "geometric_": lambda g: tg.zeros(50).geometric_(0.2, generator=g),
    "log_normal_": lambda g: tg.zeros(50).log_normal_(generator=g),
    "cauchy_": lambda g: tg.zeros(50).cauchy_(generator=g), "random_": lambda g: tg.zeros(50).random_(generator=g),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_every_sampler_follows_its_generator(name):
    fn = SAMPLERS[name]
    np.testing.assert_array_equal(_draws(fn, 7), _draws(fn, 7))
    assert not np.array_equal(_draws(fn, 7), _draws(fn, 8))
    tg.manual_seed(3)
    first = fn(None).numpy().copy()
    tg.manual_seed(3)
    g = tg.Generator().manual_seed(99)
    fn(g)  # a separate generator leaves the global one alone
    np.testing.assert_array_equal(fn(None).numpy(), first)


def test_generator_state_round_trips():
    g = tg.Generator()
    assert g.initial_seed() == 67280421310721 and g.manual_seed(5) is g and g.initial_seed() == 5
    tg.randn(3, generator=g)
    state = g.get_state()
    assert state.dtype == tg.uint8
    a = tg.randn(4, generator=g)
    g.manual_seed(11)
    assert g.set_state(state) is g and g.initial_seed() == 5
    assert tg.randn(4, generator=g).tolist() == a.tolist()
    with pytest.raises(TypeError):
        g.set_state(tg.zeros(3))
    assert tg.manual_seed(-1).initial_seed() == 2 ** 64 - 1 and tg.manual_seed(2.7).initial_seed() == 2
    with pytest.raises(ValueError):
        tg.manual_seed(2 ** 64)


def test_global_rng_state_and_seed():
    state = tg.get_rng_state()
    a = tg.rand(5)
    tg.set_rng_state(state)
    assert tg.rand(5).tolist() == a.tolist()
    s = tg.seed()
    assert isinstance(s, int) and tg.initial_seed() == s == tg.default_generator.initial_seed()
    assert tg.manual_seed(4) is tg.default_generator


# --- distributions (moments) -------------------------------------------------------------------

def _moments(t):
    a = np.asarray(t.numpy(), np.float64).ravel()
    return a.mean(), a.std()


@pytest.mark.parametrize("name, make, mean, std", [
    ("rand", lambda g: tg.rand(N, generator=g), 0.5, (1 / 12) ** 0.5),
    ("randn", lambda g: tg.randn(N, generator=g), 0.0, 1.0),
    ("randint", lambda g: tg.randint(-3, 7, (N,), generator=g), 1.5, ((10 ** 2 - 1) / 12) ** 0.5),
    ("normal_tensors", lambda g: tg.normal(tg.full((N,), 2.0), tg.full((N,), 3.0), generator=g), 2.0, 3.0),
    ("normal_float_mean", lambda g: tg.normal(-1.0, tg.full((N,), 0.5), generator=g), -1.0, 0.5),
    ("normal_float_std", lambda g: tg.normal(tg.full((N,), 4.0), 2.0, generator=g), 4.0, 2.0),
    ("normal_size", lambda g: tg.normal(1.0, 0.1, (N,), generator=g), 1.0, 0.1),
    ("bernoulli", lambda g: tg.bernoulli(tg.full((N,), 0.3), generator=g), 0.3, (0.3 * 0.7) ** 0.5),
    ("bernoulli_p", lambda g: tg.bernoulli(tg.zeros(N), 0.8, generator=g), 0.8, 0.4),
    ("poisson", lambda g: tg.poisson(tg.full((N,), 4.0), generator=g), 4.0, 2.0),
    ("normal_", lambda g: tg.empty(N).normal_(3.0, 0.5, generator=g), 3.0, 0.5),
    ("uniform_", lambda g: tg.empty(N).uniform_(-2, 4, generator=g), 1.0, 6 / 12 ** 0.5),
    ("bernoulli_", lambda g: tg.empty(N).bernoulli_(0.25, generator=g), 0.25, (0.25 * 0.75) ** 0.5),
    ("bernoulli_tensor_p", lambda g: tg.empty(N, dtype=tg.int64).bernoulli_(tg.full((N,), 0.6), generator=g),
     0.6, (0.6 * 0.4) ** 0.5),
    ("exponential_", lambda g: tg.empty(N).exponential_(4.0, generator=g), 0.25, 0.25),
    ("geometric_", lambda g: tg.empty(N).geometric_(0.25, generator=g), 4.0, (0.75 / 0.25 ** 2) ** 0.5),
    ("log_normal_", lambda g: tg.empty(N, dtype=tg.float64).log_normal_(0.0, 0.5, generator=g),
     np.exp(0.125), ((np.exp(0.25) - 1) * np.exp(0.25)) ** 0.5),
    ("random_range", lambda g: tg.empty(N).random_(2, 6, generator=g), 3.5, (15 / 12) ** 0.5),
    ("random_to", lambda g: tg.empty(N, dtype=tg.int8).random_(10, generator=g), 4.5, (99 / 12) ** 0.5),
])
def test_moments_of_the_samplers(name, make, mean, std):
    m, s = _moments(make(tg.Generator().manual_seed(1)))
    assert abs(m - mean) < 5 * std / N ** 0.5 + 1e-9, (name, m, mean)
    assert abs(s - std) < 0.03 * std, (name, s, std)


def test_cauchy_quartiles():
    a = tg.empty(N, dtype=tg.float64).cauchy_(1.0, 2.0, generator=tg.Generator().manual_seed(2)).numpy()
    q1, median, q3 = np.percentile(a, [25, 50, 75])  # quartiles of Cauchy(m, s): m -+ s
    assert abs(median - 1.0) < 0.05 and abs(q1 + 1.0) < 0.07 and abs(q3 - 3.0) < 0.07


def test_random_default_ranges():
    g = tg.Generator().manual_seed(0)
    f = tg.empty(N).random_(generator=g).numpy()
    assert f.min() >= 0 and f.max() <= 2 ** 24 and f.max() > 2 ** 23 and np.all(f == np.round(f))
    i8 = tg.empty(N, dtype=tg.int8).random_(generator=g).numpy()
    assert i8.min() == 0 and i8.max() == 127
    b = tg.empty(N, dtype=tg.bool).random_(generator=g).numpy()
    assert 0.45 < b.mean() < 0.55
    with pytest.raises(RuntimeError):
        tg.empty(2, dtype=tg.uint8).random_(0, 300)


def test_randint_and_randperm():
    g = tg.Generator().manual_seed(0)
    r = tg.randint(5, (N,), generator=g)
    assert r.dtype == tg.int64 and set(np.unique(r.numpy())) == set(range(5))
    assert tg.randint(2, 5, size=(3,), dtype=tg.int32).dtype == tg.int32
    assert sorted(tg.randperm(20, generator=g).tolist()) == list(range(20))
    assert tg.randperm(0).shape == (0,)
    for bad in (lambda: tg.randint(5, 5, (2,)), lambda: tg.randint(-1, 5, (2,), dtype=tg.uint8),
                lambda: tg.randperm(-1)):
        with pytest.raises(RuntimeError):
            bad()
    with pytest.raises(TypeError):
        tg.randint(0, 5, 3)


def test_multinomial_with_replacement_follows_the_weights():
    weights = tg.tensor([[1.0, 0.0, 3.0, 4.0], [0.0, 0.0, 5.0, 0.0]])
    draws = tg.multinomial(weights, N, replacement=True, generator=tg.Generator().manual_seed(3)).numpy()
    assert draws.shape == (2, N) and draws.dtype == np.int64
    freq = np.bincount(draws[0], minlength=4) / N
    np.testing.assert_allclose(freq, [0.125, 0.0, 0.375, 0.5], atol=0.012)
    assert np.all(draws[1] == 2)


def test_multinomial_without_replacement():
    g = tg.Generator().manual_seed(4)
    w = tg.tensor([0.1, 0.0, 0.6, 0.3])
    rows = np.stack([tg.multinomial(w, 3, generator=g).numpy() for _ in range(3000)])
    assert all(len(set(r)) == 3 and 1 not in r for r in rows)  # distinct, never a zero weight
    np.testing.assert_allclose(np.bincount(rows[:, 0], minlength=4) / 3000, [0.1, 0, 0.6, 0.3], atol=0.03)
    assert sorted(tg.multinomial(w, 4, generator=g).tolist()) == [0, 1, 2, 3]  # zeros come last
    for bad in (lambda: tg.multinomial(w, 5), lambda: tg.multinomial(-w, 1), lambda: tg.multinomial(w * 0, 1),
                lambda: tg.multinomial(tg.ones(2, 2, 2), 1), lambda: tg.multinomial(w, 0)):
        with pytest.raises(RuntimeError):
            bad()
    with pytest.raises(TypeError):
        tg.multinomial(tg.tensor([1, 2]), 1)


def test_sampler_errors():
    for bad in (lambda: tg.bernoulli(tg.tensor([1.5])), lambda: tg.poisson(tg.tensor([-1.0])),
                lambda: tg.normal(tg.zeros(2), -1.0), lambda: tg.zeros(2).uniform_(3, 1),
                lambda: tg.zeros(2).normal_(0, -1), lambda: tg.zeros(2).exponential_(0),
                lambda: tg.zeros(2).geometric_(1.0), lambda: tg.zeros(2).bernoulli_(1.5)):
        with pytest.raises(RuntimeError):
            bad()
    for bad in (lambda: tg.rand(2, dtype=tg.int64), lambda: tg.zeros(2, dtype=tg.int32).normal_(),
                lambda: tg.bernoulli(tg.tensor([1, 0])), lambda: tg.poisson(tg.tensor([1]))):
        with pytest.raises(NotImplementedError):
            bad()
    with pytest.raises(TypeError):
        tg.normal(0.0, 1.0)


def test_samples_give_zero_gradients_to_their_inputs():
    mean, std = tg.zeros(3, requires_grad=True), tg.ones(3, requires_grad=True)
    p = tg.full((3,), 0.5, requires_grad=True)
    rate = tg.tensor([1.0, 2.0, float("inf")], requires_grad=True)
    total = tg.normal(mean, std).sum() + tg.bernoulli(p).sum() + tg.normal(2.0, std).sum()
    total.backward()
    tg.poisson(rate[:2]).sum().backward()
    for t in (mean, std, p, rate):
        assert t.grad.tolist() == [0.0] * 3
    assert not tg.multinomial(p, 1).requires_grad


def test_fills_refuse_a_leaf_that_requires_grad():
    w = tg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="normal_"):
        w.normal_()
    with tg.no_grad():
        assert w.normal_() is w and w.uniform_() is w and w.cauchy_() is w


# --- conveniences ------------------------------------------------------------------------------

def test_format_and_truth():
    loss = tg.tensor(0.123456, requires_grad=True) * 1
    assert f"{loss:.4f}" == "0.1235" and f"{tg.tensor(7):03d}" == "007" and f"{tg.tensor(2.5):>5}" == "  2.5"
    assert f"{tg.tensor([1, 2])}" == str(tg.tensor([1, 2]))
    with pytest.raises(TypeError):
        f"{tg.tensor([1.0, 2.0]):.2f}"
    assert bool(tg.tensor([3])) and not tg.tensor(0.0)
    for many in (tg.tensor([1, 2]), tg.zeros(0)):
        with pytest.raises(RuntimeError):
            bool(many)
        with pytest.raises(ValueError):
            many.item()


def test_len_iter_array_and_index():
    x = tg.tensor([[1, 2], [3, 4], [5, 6]])
    assert len(x) == 3 and [r.tolist() for r in x] == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(TypeError):
        len(tg.tensor(1))
    assert np.asarray(x).dtype == np.int64 and np.asarray(x, dtype=np.float32).dtype == np.float32
    assert np.asarray(x) is x.numpy() and not np.shares_memory(np.array(x), x.numpy())
    assert [10, 20, 30][tg.tensor(2)] == 30 and [10, 20][tg.tensor(True)] == 20
    for bad in (tg.tensor([1, 2]), tg.tensor(1.0)):
        with pytest.raises(TypeError):
            [1, 2, 3][bad]


def test_new_tensors_take_the_dtype_of_self():
    x = tg.zeros(2, dtype=tg.float64)
    assert x.new_zeros(2, 3).shape == (2, 3) and x.new_zeros((2, 3)).dtype == tg.float64
    assert x.new_ones(4, dtype=tg.int8).dtype == tg.int8 and x.new_empty(1).dtype == tg.float64
    assert x.long().new_full((2,), 3.7).tolist() == [3, 3] and x.new_tensor([1, 2]).dtype == tg.float64
    assert x.new_zeros(2, requires_grad=True).requires_grad
    assert tg.is_tensor(x) and not tg.is_tensor(x.numpy()) and tg.numel(tg.zeros(2, 3)) == 6


def test_size():
    x = tg.zeros(2, 3, 4)
    assert isinstance(x.shape, tuple) and isinstance(x.size(), tg.Size) and x.shape == (2, 3, 4)
    assert repr(x.shape) == str(x.size()) == "torch.Size([2, 3, 4])" and repr(tg.Size()) == "torch.Size([])"
    assert x.shape.numel() == 24 and tg.Size([]).numel() == 1 and x.size(1) == 3
    assert repr(x.shape[1:]) == "torch.Size([3, 4])" and x.shape[-1] == 4 and type(x.shape[0]) is int
    assert repr(x.shape + (5,)) == "torch.Size([2, 3, 4, 5])"
    assert f"{x.shape}" == "(2, 3, 4)"  # error messages keep the tuple form
    assert tg.zeros(x.shape[1:]).shape == (3, 4) and tg.rand(size=x.shape).shape == tg.ones(size=[2, 3, 4]).shape


def test_grad_fn_is_named_as_pytorch():
    a, b = tg.ones(2, requires_grad=True), tg.ones(2)
    y = (a * 2 + b).exp().sum()
    assert y.grad_fn.name() == "SumBackward0" and type(y.grad_fn).__name__ == "SumBackward0"
    assert repr(y.grad_fn).startswith("<SumBackward0 object at 0x")
    assert "grad_fn=<SumBackward0>" in repr(y)
    (exp, _), = y.grad_fn.next_functions
    (add, _), = exp.next_functions
    assert exp.name() == "ExpBackward0" and add.name() == "AddBackward0"
    (mul, _), (none, _) = add.next_functions
    assert none is None and mul.name() == "MulBackward0"
    (acc, _), (scalar, _) = mul.next_functions
    assert acc.variable is a and acc.name() == "torch::autograd::AccumulateGrad" and scalar is None
    assert y.grad_fn == y.grad_fn and a.grad_fn is None and (a * 1).detach().grad_fn is None
    names = {"matmul": (tg.ones(2, 2, requires_grad=True) @ tg.ones(2, 2)).grad_fn.name(),
             "float": a.double().grad_fn.name(), "reshape": a.reshape(2, 1).grad_fn.name(),
             "pow": (a ** 2).grad_fn.name()}
    assert names == {"matmul": "MmBackward0", "float": "ToCopyBackward0", "reshape": "ViewBackward0",
                     "pow": "PowBackward0"}


def test_is_contiguous_and_contiguous():
    x = tg.arange(12.0).reshape(3, 4)
    assert x.is_contiguous() and x.contiguous() is x
    for view in (x.T, x[:, ::2], x.expand(2, 3, 4)):
        assert not view.is_contiguous()
        c = view.contiguous()
        assert c.is_contiguous() and c.tolist() == view.tolist()


@given(shape=shapes(min_dims=2), seed=seeds, layout=st.sampled_from(["T", "strided"]))
def test_contiguous_gradient(shape, seed, layout):
    x = leaf(uniform(seed, shape))
    check(lambda t: (t.T if layout == "T" else t[..., ::2]).contiguous() * 2, x)


@given(shape=shapes(), seed=seeds)
def test_to_copy_gradient(shape, seed):
    check(lambda t: t.to(tg.float64, copy=True) ** 2, leaf(uniform(seed, shape)))


# --- issue 15: creation edge cases -------------------------------------------------------------

def test_arange_refuses_what_pytorch_refuses():
    for bad in (lambda: tg.arange(3, 1), lambda: tg.arange(0, 3, 0), lambda: tg.arange(0, 5, -1),
                lambda: tg.arange(0, float("inf"))):
        with pytest.raises(RuntimeError):
            bad()
    assert tg.arange(1, 1).shape == (0,) and tg.arange(5, 0, -1.5).tolist() == [5.0, 3.5, 2.0, 0.5]
    assert tg.arange(tg.tensor(3)).tolist() == [0, 1, 2]


def test_linspace_uint8_wraps_its_ends_as_pytorch():
    assert tg.linspace(5, -5, 5, dtype=tg.uint8).tolist() == [5, 66, 128, 189, 251]
    with pytest.raises(RuntimeError):
        tg.linspace(2.5, -3.5, 3, dtype=tg.uint8)


def test_tensor_with_an_integer_dtype_refuses_overflow():
    assert tg.tensor([1.7, -2.7, 0.0], dtype=tg.int8).tolist() == [1, -2, 0]
    assert tg.tensor([-1, 255], dtype=tg.uint8).tolist() == [255, 255]  # negative ints wrap
    for data, dt in (([1.7, -2.7], tg.uint8), ([300], tg.uint8), ([127.5], tg.int8), ([float("nan")], tg.int64)):
        with pytest.raises(RuntimeError, match="overflow"):
            tg.tensor(data, dtype=dt)
