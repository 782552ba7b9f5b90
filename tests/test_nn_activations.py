"""Activations of issue 17 (ELU ... Threshold, PReLU) as functions and modules: values against
closed forms in NumPy, gradients against finite differences in float64 (broadcast weights and
non-contiguous inputs included), stability at large |x|, and the modules against PyTorch."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
from helpers import away, check, seeds
from tinygrad_lite import Tensor, nn
from tinygrad_lite.nn import functional as F

ALPHA, SCALE = 1.6732632423543772, 1.0507009873554805


def _softplus(x):
    return np.logaddexp(0.0, x)


# name: (tinygrad_lite function, NumPy closed form, kinks to keep away from)
ACTIVATIONS = {
    "elu": (lambda x: F.elu(x, 0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)), (0.0,)),
    "selu": (F.selu, lambda x: SCALE * np.where(x > 0, x, ALPHA * np.expm1(x)), (0.0,)),
    "celu": (lambda x: F.celu(x, 2.0), lambda x: np.where(x > 0, x, 2.0 * np.expm1(x / 2)), (0.0,)),
    "relu6": (F.relu6, lambda x: np.clip(x, 0, 6), (0.0, 6.0)),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 1.5), lambda x: np.clip(x, -0.5, 1.5), (-0.5, 1.5)),
    "hardsigmoid": (F.hardsigmoid, lambda x: np.clip(x + 3, 0, 6) / 6, (-3.0, 3.0)),
    "hardswish": (F.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6, (-3.0, 3.0)),
    "mish": (F.mish, lambda x: x * np.tanh(_softplus(x)), ()),
    "softplus": (lambda x: F.softplus(x, 2.0, 3.0),
                 lambda x: np.where(2 * x > 3, x, _softplus(2 * x) / 2), (1.5,)),
    "softsign": (F.softsign, lambda x: x / (1 + np.abs(x)), (0.0,)),
    "logsigmoid": (F.logsigmoid, lambda x: -_softplus(-x), ()),
    "tanhshrink": (F.tanhshrink, lambda x: x - np.tanh(x), ()),
    "softshrink": (lambda x: F.softshrink(x, 0.5),
                   lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)), (-0.5, 0.5)),
    "hardshrink": (lambda x: F.hardshrink(x, 0.5), lambda x: np.where(np.abs(x) > 0.5, x, 0),
                   (-0.5, 0.5)),
    "threshold": (lambda x: F.threshold(x, 0.3, -2.0), lambda x: np.where(x > 0.3, x, -2.0), (0.3,)),
    "softmin": (lambda x: F.softmin(x, dim=-1),
                lambda x: np.exp(-x) / np.exp(-x).sum(-1, keepdims=True), ()),
    "glu": (lambda x: F.glu(x, 0), lambda x: x[:len(x) // 2] / (1 + np.exp(-x[len(x) // 2:])), ()),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@settings(max_examples=10)
@given(seed=seeds, layout=st.sampled_from(["C", "T", "strided"]))
def test_values_and_gradients(name, seed, layout):
    fn, reference, kinks = ACTIVATIONS[name]
    base = away(seed, (4, 6), points=kinks, lo=-4.0, hi=4.0)
    array = {"C": base, "T": np.ascontiguousarray(base.T).T, "strided": np.repeat(base, 2, 1)[:, ::2]}[layout]
    x = Tensor(array, requires_grad=True)
    np.testing.assert_allclose(fn(x).numpy(), reference(array), rtol=1e-12, atol=1e-14)
    check(fn, x)


@settings(max_examples=10)
@given(seed=seeds, per_channel=st.booleans())
def test_prelu_gradient_for_input_and_broadcast_weight(seed, per_channel):
    x = Tensor(away(seed, (2, 3, 4)), requires_grad=True)
    w = Tensor(np.random.default_rng(seed).uniform(0.1, 0.5, 3 if per_channel else 1), requires_grad=True)
    slopes = w.numpy().reshape(-1, 1) if per_channel else w.numpy()
    np.testing.assert_allclose(F.prelu(x, w).numpy(), np.where(x.numpy() > 0, x.numpy(), slopes * x.numpy()))
    check(F.prelu, x, w)


@settings(max_examples=10)
@given(seed=seeds)
def test_distances_against_numpy(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    np.testing.assert_allclose(tg.cdist(Tensor(a), Tensor(b)).numpy(),
                               np.linalg.norm(a[:, None] - b[None], axis=-1), rtol=1e-12)
    np.testing.assert_allclose(F.pairwise_distance(Tensor(a), Tensor(a[::-1].copy())).numpy(),
                               np.linalg.norm(a - a[::-1] + 1e-6, axis=-1), rtol=1e-12)
    cos = (a * a[::-1]).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(a[::-1], axis=1)
    np.testing.assert_allclose(F.cosine_similarity(Tensor(a), Tensor(a[::-1].copy())).numpy(), cos,
                               rtol=1e-12)
    np.testing.assert_allclose(F.normalize(Tensor(a), dim=1).numpy(),
                               a / np.linalg.norm(a, axis=1, keepdims=True), rtol=1e-12)


def test_distance_gradients_at_equal_points_are_zero_not_nan():
    a = Tensor([[1.0, 2.0]], requires_grad=True)
    tg.cdist(a, Tensor([[1.0, 2.0]])).sum().backward()
    assert a.grad.tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("fn", [F.elu, F.selu, F.celu, F.softplus, F.logsigmoid, F.mish,
                                F.hardswish, F.hardsigmoid, F.softsign, F.tanhshrink])
def test_stable_and_finite_gradients_at_large_magnitudes(fn):
    x = Tensor([-1000.0, -60.0, 60.0, 1000.0], dtype=tg.float32, requires_grad=True)
    fn(x).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy())), fn.__name__


def test_softplus_threshold_is_linear_and_nan_flows_like_pytorch():
    assert F.softplus(Tensor([25.0])).item() == 25.0
    x = Tensor([np.nan, 1.0], requires_grad=True)
    F.elu(x).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]  # the x branch, as PyTorch


def test_integer_inputs_follow_pytorch():
    ints = Tensor([-3, 0, 7])
    assert F.relu6(ints).tolist() == [0, 0, 6] and F.relu6(ints).dtype == np.int64
    assert F.threshold(ints, 1, 5).tolist() == [5, 5, 7]
    assert F.softsign(ints).dtype == np.float32
    for fn in (F.elu, F.mish, F.softplus, F.logsigmoid, F.hardswish):
        with pytest.raises(NotImplementedError, match="int64"):
            fn(ints)


def test_modules_match_pytorch():
    torch = pytest.importorskip("torch")
    pairs = [(nn.ELU(0.5), torch.nn.ELU(0.5)), (nn.CELU(2.0), torch.nn.CELU(2.0)),
             (nn.SELU(), torch.nn.SELU()), (nn.ReLU6(), torch.nn.ReLU6()),
             (nn.Hardtanh(-2.0, 1.0), torch.nn.Hardtanh(-2.0, 1.0)),
             (nn.Hardsigmoid(), torch.nn.Hardsigmoid()), (nn.Hardswish(), torch.nn.Hardswish()),
             (nn.Mish(), torch.nn.Mish()), (nn.Softplus(3.0, 2.0), torch.nn.Softplus(3.0, 2.0)),
             (nn.Softsign(), torch.nn.Softsign()), (nn.LogSigmoid(), torch.nn.LogSigmoid()),
             (nn.Tanhshrink(), torch.nn.Tanhshrink()), (nn.Softmin(0), torch.nn.Softmin(0)),
             (nn.GLU(), torch.nn.GLU()), (nn.Softshrink(0.3), torch.nn.Softshrink(0.3)),
             (nn.Hardshrink(0.3), torch.nn.Hardshrink(0.3)),
             (nn.Threshold(0.2, -1.0), torch.nn.Threshold(0.2, -1.0)), (nn.PReLU(), torch.nn.PReLU()),
             (nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
             (nn.LeakyReLU(0.2, inplace=True), torch.nn.LeakyReLU(0.2, inplace=True)),
             (nn.SiLU(), torch.nn.SiLU())]
    x = np.random.default_rng(0).uniform(-5, 5, (4, 6)).astype(np.float32)
    for mine, theirs in pairs:
        assert repr(mine) == repr(theirs)
        np.testing.assert_allclose(mine(Tensor(x.copy())).numpy(), theirs(torch.from_numpy(x.copy())).detach().numpy(),
                                   rtol=1e-6, atol=1e-6, err_msg=repr(mine))
    assert list(nn.PReLU(3).state_dict()) == ["weight"] and nn.PReLU(3, init=0.1).weight.tolist() == \
        pytest.approx([0.1] * 3)
