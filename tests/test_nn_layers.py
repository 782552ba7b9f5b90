"""Layers, activation modules and nn.init: forward against NumPy, gradients against finite
differences (float64, Hypothesis over shapes), running statistics against hand formulas."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite import nn
from tinygrad_lite.nn import functional as F
from tinygrad_lite.tensor import Tensor

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

small = st.integers(1, 4)


def values(shape, lo=-3.0, hi=3.0):
    """float64 arrays of ``shape`` with bounded elements."""
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False, width=64))


def away_from_zero(a, gap=0.05):
    """Move elements out of (-gap, gap), so kinks (relu, abs) are never straddled by the
    finite differences."""
    return np.where(np.abs(a) < gap, np.where(a < 0, a - gap, a + gap), a)


def leaf(array):
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def check_grad(fn, *arrays):
    assert tg.gradcheck(fn, tuple(leaf(a) for a in arrays))


# ---------------------------------------------------------------------------------------------
# Linear
# ---------------------------------------------------------------------------------------------

def test_linear_forward_matches_numpy():
    layer = nn.Linear(5, 3)
    x = np.random.default_rng(0).standard_normal((7, 5)).astype(np.float32)
    expected = x @ layer.weight.numpy().T + layer.bias.numpy()
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,)
    assert layer(Tensor(x)).dtype == np.float32


def test_linear_without_bias_and_batched_input():
    layer = nn.Linear(4, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    x = np.random.default_rng(1).standard_normal((2, 3, 4)).astype(np.float32)
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), x @ layer.weight.numpy().T, rtol=1e-5,
                               atol=1e-6)


def test_linear_default_init_is_pytorch_uniform():
    tg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.numpy()).max() <= bound
    assert abs(layer.weight.numpy().std() - bound / math.sqrt(3)) < 0.02 * bound
    assert abs(layer.weight.numpy().mean()) < 0.01 * bound
    assert np.abs(layer.bias.numpy()).max() > 0.9 * bound


def test_linear_init_is_reproducible_and_dtype_selectable():
    tg.manual_seed(3)
    a = nn.Linear(3, 2)
    tg.manual_seed(3)
    b = nn.Linear(3, 2)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    assert nn.Linear(3, 2, dtype=tg.float64).weight.dtype == np.float64


@given(st.data())
def test_linear_gradients(data):
    batch = data.draw(st.lists(small, min_size=0, max_size=2), label="batch")
    fan_in, fan_out = data.draw(small), data.draw(small)
    bias = data.draw(st.booleans())
    x = data.draw(values(tuple(batch) + (fan_in,)))
    w = data.draw(values((fan_out, fan_in)))
    b = data.draw(values((fan_out,)))
    if bias:
        check_grad(F.linear, x, w, b)
    else:
        check_grad(F.linear, x, w)


def test_linear_rejects_wrong_feature_size():
    with pytest.raises(ValueError, match="do not match"):
        nn.Linear(3, 2)(tg.randn(4, 5))


# ---------------------------------------------------------------------------------------------
# Flatten, Identity-like shape layers
# ---------------------------------------------------------------------------------------------

def test_flatten():
    x = tg.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, -1)(x).shape == (120,)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    np.testing.assert_array_equal(nn.Flatten()(x).numpy(), x.numpy().reshape(2, -1))


# ---------------------------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", True])
def test_dropout_validates_p(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(tg.ones(2), p)


def test_dropout_training_statistics():
    tg.manual_seed(0)
    x = tg.ones(200_000)
    y = nn.Dropout(0.3)(x).numpy()
    kept = y != 0
    assert abs(1 - kept.mean() - 0.3) < 0.005
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert abs(y.mean() - 1) < 0.01 and y.dtype == np.float32


def test_dropout_eval_p0_p1_and_gradient():
    x = tg.randn(50, 4, requires_grad=True)
    drop = nn.Dropout(0.5)
    assert drop.eval()(x) is x
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.9, training=False) is x
    assert np.all(F.dropout(x, 1.0).numpy() == 0)
    y = drop.train()(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (y.numpy() != 0) * 2.0)


def test_dropout_is_reproducible():
    tg.manual_seed(7)
    a = F.dropout(tg.ones(100)).numpy()
    tg.manual_seed(7)
    np.testing.assert_array_equal(a, F.dropout(tg.ones(100)).numpy())


# ---------------------------------------------------------------------------------------------
# BatchNorm1d
# ---------------------------------------------------------------------------------------------

def numpy_batch_norm(x, mean, var, weight, bias, eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * weight.reshape(shape) \
        + bias.reshape(shape)


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)])
def test_batchnorm_train_forward_and_running_stats(shape):
    rng = np.random.default_rng(0)
    bn = nn.BatchNorm1d(3)
    with tg.no_grad():
        bn.weight.copy_(rng.standard_normal(3))
        bn.bias.copy_(rng.standard_normal(3))
    axes = (0,) if len(shape) == 2 else (0, 2)
    n = np.prod([shape[a] for a in axes])
    running_mean, running_var = np.zeros(3), np.ones(3)
    for step in range(3):
        x = (rng.standard_normal(shape) * 2 + step).astype(np.float32)
        out = bn(Tensor(x)).numpy()
        mean, biased = x.mean(axis=axes), x.var(axis=axes)
        expected = numpy_batch_norm(x, mean, biased, bn.weight.numpy(), bn.bias.numpy())
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
        running_mean = 0.9 * running_mean + 0.1 * mean
        running_var = 0.9 * running_var + 0.1 * biased * n / (n - 1)  # unbiased
        np.testing.assert_allclose(bn.running_mean.numpy(), running_mean, rtol=1e-5)
        np.testing.assert_allclose(bn.running_var.numpy(), running_var, rtol=1e-5)
    assert bn.num_batches_tracked.item() == 3 and bn.num_batches_tracked.dtype == np.int64

    bn.eval()
    x = rng.standard_normal(shape).astype(np.float32)
    expected = numpy_batch_norm(x, running_mean, running_var, bn.weight.numpy(), bn.bias.numpy())
    np.testing.assert_allclose(bn(Tensor(x)).numpy(), expected, rtol=1e-4, atol=1e-5)
    assert bn.num_batches_tracked.item() == 3  # evaluation does not count


def test_batchnorm_momentum_none_is_cumulative_average():
    bn = nn.BatchNorm1d(2, momentum=None)
    batches = [np.random.default_rng(i).standard_normal((5, 2)).astype(np.float32) for i in range(4)]
    for x in batches:
        bn(Tensor(x))
    expected = np.mean([x.mean(axis=0) for x in batches], axis=0)
    np.testing.assert_allclose(bn.running_mean.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_batchnorm_without_running_stats_and_affine():
    bn = nn.BatchNorm1d(2, affine=False, track_running_stats=False)
    assert list(bn.state_dict()) == [] and list(bn.parameters()) == []
    x = np.random.default_rng(0).standard_normal((6, 2)).astype(np.float32)
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(bn.eval()(Tensor(x)).numpy(), expected, rtol=1e-4, atol=1e-5)


def test_batchnorm_state_dict_keys_and_reset():
    bn = nn.BatchNorm1d(3)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    bn(tg.randn(4, 3))
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0 and np.all(bn.running_var.numpy() == 1)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match="expected 2D or 3D input \\(got 4D input\\)"):
        nn.BatchNorm1d(3)(tg.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(tg.randn(1, 3))
    with pytest.raises(ValueError, match="has 4 channels"):
        nn.BatchNorm1d(3)(tg.randn(2, 4))
    nn.BatchNorm1d(3).eval()(tg.randn(1, 3))  # a single sample is fine in evaluation


@given(st.data())
def test_batchnorm_gradients(data):
    n, c = data.draw(st.integers(2, 4)), data.draw(small)
    shape = (n, c) + tuple(data.draw(st.lists(small, max_size=1)))
    x = data.draw(values(shape))
    if np.ptp(x.reshape(n, c, -1).transpose(1, 0, 2).reshape(c, -1), axis=1).min() < 0.5:
        x = x + np.random.default_rng(0).standard_normal(shape)  # avoid near-zero variance
    w, b = data.draw(values((c,))), data.draw(values((c,)))
    bn = nn.BatchNorm1d(c).double()
    check_grad(lambda x, w, b: F.batch_norm(x, bn.running_mean, bn.running_var, w, b,
                                            training=True), x, w, b)
    check_grad(lambda x, w, b: F.batch_norm(x, bn.running_mean, bn.running_var, w, b), x, w, b)


# ---------------------------------------------------------------------------------------------
# LayerNorm
# ---------------------------------------------------------------------------------------------

def numpy_layer_norm(x, k, weight, bias, eps=1e-5):
    axes = tuple(range(x.ndim - k, x.ndim))
    return (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps) * weight \
        + bias


@pytest.mark.parametrize("shape, normalized", [((4, 6), 6), ((2, 3, 4), (3, 4)), ((5,), (5,))])
def test_layernorm_forward(shape, normalized):
    rng = np.random.default_rng(0)
    ln = nn.LayerNorm(normalized)
    with tg.no_grad():
        ln.weight.copy_(rng.standard_normal(ln.weight.shape))
        ln.bias.copy_(rng.standard_normal(ln.bias.shape))
    x = rng.standard_normal(shape).astype(np.float32)
    k = len(ln.normalized_shape)
    np.testing.assert_allclose(ln(Tensor(x)).numpy(),
                               numpy_layer_norm(x, k, ln.weight.numpy(), ln.bias.numpy()),
                               rtol=1e-4, atol=1e-5)


def test_layernorm_options_and_errors():
    ln = nn.LayerNorm(3, elementwise_affine=False)
    assert list(ln.parameters()) == []
    x = tg.randn(2, 3)
    np.testing.assert_allclose(ln(x).numpy(), numpy_layer_norm(x.numpy(), 1, 1.0, 0.0), atol=1e-5)
    assert [n for n, _ in nn.LayerNorm(3, bias=False).named_parameters()] == ["weight"]
    with pytest.raises(ValueError, match=r"trailing dimensions \(4,\), got shape \(2, 3\)"):
        nn.LayerNorm(4)(x)


@given(st.data())
def test_layernorm_gradients(data):
    lead = tuple(data.draw(st.lists(small, max_size=2)))
    norm = tuple(data.draw(st.lists(st.integers(2, 4), min_size=1, max_size=2)))
    x = data.draw(values(lead + norm)) + np.linspace(0, 1, int(np.prod(norm))).reshape(norm)
    w, b = data.draw(values(norm)), data.draw(values(norm))
    check_grad(lambda x, w, b: F.layer_norm(x, norm, w, b), x, w, b)


# ---------------------------------------------------------------------------------------------
# Embedding
# ---------------------------------------------------------------------------------------------

def test_embedding_forward_and_init():
    tg.manual_seed(0)
    emb = nn.Embedding(1000, 64)
    assert abs(emb.weight.numpy().std() - 1) < 0.02 and abs(emb.weight.numpy().mean()) < 0.02
    idx = np.array([[1, 5, 5], [999, 0, 3]])
    for given_idx in (idx, Tensor(idx), idx.tolist()):
        out = emb(given_idx)
        assert out.shape == (2, 3, 64)
        np.testing.assert_array_equal(out.numpy(), emb.weight.numpy()[idx])


def test_embedding_gradient_accumulates_repeated_indices():
    emb = nn.Embedding(4, 2)
    emb(Tensor([1, 1, 3])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[0, 0], [2, 2], [0, 0], [1, 1]])


def test_embedding_padding_idx_starts_zero_and_gets_no_gradient():
    emb = nn.Embedding(5, 3, padding_idx=-1)
    assert emb.padding_idx == 4 and np.all(emb.weight.numpy()[4] == 0)
    with tg.no_grad():
        emb.weight[4] = 2.0  # a loaded padding row is still returned as is
    out = emb(Tensor([[4, 1], [4, 4]]))
    np.testing.assert_array_equal(out.numpy()[0, 0], [2.0, 2.0, 2.0])
    (out * 3).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy()[4], 0)
    np.testing.assert_array_equal(emb.weight.grad.numpy()[1], 3)


@pytest.mark.parametrize("bad", [[0, 5], [-1], [[2, 7]]])
def test_embedding_rejects_out_of_range(bad):
    with pytest.raises(IndexError, match=r"out of range for a table of 5 rows \(valid .* 0..4\)"):
        nn.Embedding(5, 2)(Tensor(bad))


def test_embedding_rejects_float_indices_and_bad_padding():
    with pytest.raises(TypeError, match="indices must be integers.*float32"):
        nn.Embedding(5, 2)(Tensor([1.0]))
    with pytest.raises(ValueError, match="padding_idx"):
        nn.Embedding(5, 2, padding_idx=5)


@given(st.data())
def test_embedding_gradients(data):
    rows, dim = data.draw(st.integers(1, 5)), data.draw(small)
    idx = data.draw(hnp.arrays(np.int64, tuple(data.draw(st.lists(small, max_size=2))),
                               elements=st.integers(0, rows - 1)))
    check_grad(lambda w: F.embedding(idx, w), data.draw(values((rows, dim))))


# ---------------------------------------------------------------------------------------------
# activation modules
# ---------------------------------------------------------------------------------------------

def _softmax(x, axis):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _erf(x):
    return np.vectorize(math.erf)(x)


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.Softmax(dim=1), lambda x: _softmax(x, 1)),
    (nn.Softmax(dim=0), lambda x: _softmax(x, 0)),
    (nn.LogSoftmax(dim=1), lambda x: np.log(_softmax(x, 1))),
    (nn.GELU(), lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2)))),
    (nn.GELU("tanh"),
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
]
IDS = [repr(m) for m, _ in ACTIVATIONS]


@pytest.mark.parametrize("module, reference", ACTIVATIONS, ids=IDS)
def test_activation_forward(module, reference):
    x = np.random.default_rng(0).standard_normal((4, 5)) * 3
    np.testing.assert_allclose(module(Tensor(x)).numpy(), reference(x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(module(Tensor(x.astype(np.float32))).numpy(), reference(x),
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("module", [m for m, _ in ACTIVATIONS], ids=IDS)
@given(data=st.data())
def test_activation_gradients(module, data):
    x = data.draw(values((data.draw(small), data.draw(small))))
    check_grad(module, away_from_zero(x))


def test_activation_modules_equal_functional():
    x = tg.randn(3, 4)
    np.testing.assert_array_equal(nn.GELU()(x).numpy(), F.gelu(x).numpy())
    np.testing.assert_array_equal(nn.LogSoftmax(1)(x).numpy(), F.log_softmax(x, 1).numpy())
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")


# ---------------------------------------------------------------------------------------------
# nn.init
# ---------------------------------------------------------------------------------------------

def big(*shape):
    return nn.Parameter(np.zeros(shape, dtype=np.float32))


@pytest.mark.parametrize("name, param, gain", [
    ("linear", None, 1.0), ("conv2d", None, 1.0), ("sigmoid", None, 1.0), ("tanh", None, 5 / 3),
    ("relu", None, math.sqrt(2)), ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)), ("leaky_relu", 0, math.sqrt(2)), ("selu", None, 0.75)])
def test_calculate_gain(name, param, gain):
    assert nn.init.calculate_gain(name, param) == pytest.approx(gain)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        nn.init.calculate_gain("leaky_relu", "0.1")


@pytest.mark.parametrize("shape, mode, nonlinearity, a", [
    ((300, 500), "fan_in", "leaky_relu", 0), ((300, 500), "fan_out", "relu", 0),
    ((200, 100, 3), "fan_in", "leaky_relu", math.sqrt(5)), ((400, 600), "fan_in", "tanh", 0)])
def test_kaiming(shape, mode, nonlinearity, a):
    fan = (shape[1] if mode == "fan_in" else shape[0]) * int(np.prod(shape[2:]))
    std = nn.init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    w = big(*shape)
    assert nn.init.kaiming_uniform_(w, a=a, mode=mode, nonlinearity=nonlinearity) is w
    bound = math.sqrt(3) * std
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.99 * bound
    assert w.numpy().std() == pytest.approx(std, rel=0.02)
    nn.init.kaiming_normal_(w, a=a, mode=mode, nonlinearity=nonlinearity)
    assert w.numpy().std() == pytest.approx(std, rel=0.02)
    assert abs(w.numpy().mean()) < 0.02 * std


def test_xavier():
    w = big(300, 500)
    std = math.sqrt(2 / 800)
    nn.init.xavier_uniform_(w, gain=2.0)
    assert np.abs(w.numpy()).max() <= 2 * math.sqrt(3) * std
    assert w.numpy().std() == pytest.approx(2 * std, rel=0.02)
    assert nn.init.xavier_normal_(w) is w
    assert w.numpy().std() == pytest.approx(std, rel=0.02)


def test_simple_fills():
    w = big(200, 300)
    nn.init.normal_(w, mean=1.0, std=0.5)
    assert w.numpy().mean() == pytest.approx(1.0, abs=0.01)
    assert w.numpy().std() == pytest.approx(0.5, rel=0.02)
    nn.init.uniform_(w, -2, 3)
    assert w.numpy().min() >= -2 and w.numpy().max() <= 3
    assert w.numpy().mean() == pytest.approx(0.5, abs=0.02)
    assert np.all(nn.init.zeros_(w).numpy() == 0)
    assert np.all(nn.init.ones_(w).numpy() == 1)
    assert np.all(nn.init.constant_(w, 0.25).numpy() == 0.25)
    assert w.requires_grad and w.dtype == np.float32


def test_init_is_reproducible_and_validates():
    a, b = big(3, 4), big(3, 4)
    tg.manual_seed(11)
    nn.init.kaiming_uniform_(a)
    tg.manual_seed(11)
    nn.init.kaiming_uniform_(b)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(big(5))
    with pytest.raises(ValueError, match="mode 'fan_avg' not supported"):
        nn.init.kaiming_normal_(big(2, 2), mode="fan_avg")
    assert nn.init.kaiming_uniform_(big(0, 3)).shape == (0, 3)
