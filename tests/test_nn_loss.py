"""Losses: forward against NumPy formulas for every reduction, gradients against finite
differences (float64, Hypothesis over shapes), target validation and numerical edge cases."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite import nn
from tinygrad_lite.nn import functional as F
from tinygrad_lite.tensor import Tensor

small = st.integers(1, 4)
REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}


def values(shape, lo=-3.0, hi=3.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False, width=64))


def leaf(array):
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def log_softmax(x, axis=1):
    m = x.max(axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))


def rng_data(seed=0, n=6, c=4):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, c)) * 2, rng.integers(0, c, n)


# ---------------------------------------------------------------------------------------------
# regression losses
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCE)
@pytest.mark.parametrize("module, fn, formula", [
    (nn.MSELoss, F.mse_loss, lambda x, y: (x - y) ** 2),
    (nn.L1Loss, F.l1_loss, lambda x, y: np.abs(x - y))])
def test_regression_losses_forward(module, fn, formula, reduction):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((3, 4)).astype(np.float32)
    expected = REDUCE[reduction](formula(x, y))
    got = fn(Tensor(x), Tensor(y), reduction=reduction)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(module(reduction=reduction)(Tensor(x), y).numpy(), expected, rtol=1e-6)


@given(st.data())
def test_regression_losses_gradients(data):
    shape = tuple(data.draw(st.lists(small, max_size=3)))
    x = data.draw(values(shape))
    signs = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    offset = data.draw(values(shape, 0.1, 2.0)) * signs
    reduction = data.draw(st.sampled_from(list(REDUCE)))
    for fn in (F.mse_loss, F.l1_loss):  # the target moves with x so |x - y| stays away from 0
        assert tg.gradcheck(lambda x, y: fn(x, y, reduction=reduction), (leaf(x), leaf(x + offset)))


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss])
def test_regression_target_validation(fn):
    x = tg.randn(3, 2)
    with pytest.raises(ValueError, match=r"target shape \(3,\) does not broadcast with input shape \(3, 2\)"):
        fn(x, tg.randn(3))
    with pytest.raises(TypeError, match="floating point target, got dtype int64"):
        fn(x, np.zeros((3, 2), dtype=np.int64))
    with pytest.raises(TypeError, match="dtype float32 \\(the input's\\), got float64"):
        fn(x, tg.randn(3, 2, dtype=tg.float64))
    with pytest.raises(ValueError, match="'avg' is not a valid value for reduction"):
        fn(x, x, reduction="avg")
    assert fn(x, np.zeros((3, 2))).dtype == np.float32  # float arrays are cast to the input dtype


# ---------------------------------------------------------------------------------------------
# cross-entropy and NLL
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCE)
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.7])
def test_cross_entropy_matches_hand_formula(reduction, smoothing):
    x, y = rng_data()
    logp = log_softmax(x)
    per_sample = (1 - smoothing) * -logp[np.arange(len(y)), y] + smoothing * -logp.mean(axis=1)
    expected = REDUCE[reduction](per_sample)
    got = F.cross_entropy(Tensor(x), Tensor(y), reduction=reduction, label_smoothing=smoothing)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)
    module = nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing)
    np.testing.assert_allclose(module(Tensor(x.astype(np.float32)), y).numpy(), expected, rtol=1e-5)


def test_cross_entropy_is_stable_for_huge_logits():
    x = Tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, [1])
    loss.backward()
    assert loss.item() == pytest.approx(2000.0)
    np.testing.assert_allclose(x.grad.numpy(), [[1.0, -1.0, 0.0]], atol=1e-6)


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_of_a_transposed_view_matches_contiguous_logits(smoothing):
    """The fused op picks each target's logit by its flat index into the logical array, so the
    logits' memory layout must not matter."""
    rng = np.random.default_rng(5)
    logits, y = rng.standard_normal((4, 6)), np.array([5, 0, 3, 3])
    a, b = Tensor(logits.copy(), requires_grad=True), Tensor(logits.T.copy().T, requires_grad=True)
    assert not b.numpy().flags.c_contiguous
    la, lb = (F.cross_entropy(t, y, label_smoothing=smoothing) for t in (a, b))
    la.backward()
    lb.backward()
    np.testing.assert_allclose(lb.numpy(), la.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_cross_entropy_extra_dims_and_single_sample():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((2, 3, 4, 5)), rng.integers(0, 3, (2, 4, 5))
    per_elem = -np.take_along_axis(log_softmax(x), y[:, None], axis=1)[:, 0]
    out = F.cross_entropy(Tensor(x), y, reduction="none")
    assert out.shape == (2, 4, 5)
    np.testing.assert_allclose(out.numpy(), per_elem, rtol=1e-10)
    np.testing.assert_allclose(F.cross_entropy(Tensor(x), y).numpy(), per_elem.mean(), rtol=1e-10)
    v = rng.standard_normal(4)
    np.testing.assert_allclose(F.cross_entropy(Tensor(v), np.array(2)).numpy(), -log_softmax(v, 0)[2])
    assert F.cross_entropy(Tensor(v), np.array(2), reduction="none").shape == ()


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_class_target_validation(fn):
    x = tg.randn(4, 3)
    with pytest.raises(TypeError, match=r"class indices must be integers \(int64\), got dtype float32"):
        fn(x, tg.Tensor([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match=r"target of shape \(4,\) for input of shape \(4, 3\), got \(4, 1\)"):
        fn(x, np.zeros((4, 1), dtype=np.int64))
    with pytest.raises(IndexError, match=r"must be in \[0, 2\] for 3 classes, got 3"):
        fn(x, [0, 1, 2, 3])
    with pytest.raises(IndexError, match=r"must be in \[0, 2\] for 3 classes, got -1"):
        fn(x, np.array([0, -1, 0, 0]))
    with pytest.raises(ValueError, match="class dimension"):
        fn(Tensor(1.0), [0])
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        fn(x, [0, 0, 0, 0], reduction="batchmean")
    fn(x, np.array([0, 1, 2, 0], dtype=np.int32))  # any integer dtype, array or list


@pytest.mark.parametrize("bad", [3, -1])
def test_cross_entropy_primitive_rejects_classes_out_of_range(bad):
    """Its flat index would otherwise read a neighbouring row's logit without a word."""
    from tinygrad_lite import primitives
    with pytest.raises(IndexError, match=rf"class indices must be in \[0, 2\] for 3 classes, got {bad}"):
        primitives.CrossEntropy.apply(tg.randn(2, 3), target=np.array([0, bad]))


def test_label_smoothing_validation():
    with pytest.raises(ValueError, match="label_smoothing must be in \\[0, 1\\]"):
        F.cross_entropy(tg.randn(2, 3), [0, 1], label_smoothing=1.5)


@given(st.data())
def test_cross_entropy_gradients(data):
    n, c = data.draw(small), data.draw(st.integers(1, 5))
    extra = tuple(data.draw(st.lists(small, max_size=1)))
    x = data.draw(values((n, c) + extra, -5, 5))
    y = data.draw(hnp.arrays(np.int64, (n,) + extra, elements=st.integers(0, c - 1)))
    reduction = data.draw(st.sampled_from(list(REDUCE)))
    smoothing = data.draw(st.sampled_from([0.0, 0.2]))
    assert tg.gradcheck(lambda x: F.cross_entropy(x, y, reduction=reduction, label_smoothing=smoothing), (leaf(x),))


@pytest.mark.parametrize("reduction", REDUCE)
def test_nll_loss_forward_and_equivalence_with_cross_entropy(reduction):
    x, y = rng_data(2)
    logp = log_softmax(x)
    expected = REDUCE[reduction](-logp[np.arange(len(y)), y])
    np.testing.assert_allclose(nn.NLLLoss(reduction=reduction)(Tensor(logp), y).numpy(), expected)
    ce = F.cross_entropy(Tensor(x), y, reduction=reduction)
    nll = F.nll_loss(Tensor(x).log_softmax(1), y, reduction=reduction)
    np.testing.assert_allclose(nll.numpy(), ce.numpy(), rtol=1e-12)


@given(st.data())
def test_nll_loss_gradients(data):
    n, c = data.draw(small), data.draw(small)
    extra = tuple(data.draw(st.lists(small, max_size=1)))
    x = data.draw(values((n, c) + extra))
    y = data.draw(hnp.arrays(np.int64, (n,) + extra, elements=st.integers(0, c - 1)))
    reduction = data.draw(st.sampled_from(list(REDUCE)))
    assert tg.gradcheck(lambda x: F.nll_loss(x, y, reduction=reduction), (leaf(x),))


# ---------------------------------------------------------------------------------------------
# binary cross-entropy
# ---------------------------------------------------------------------------------------------

def numpy_bce(p, y, weight=1.0):
    with np.errstate(divide="ignore"):
        return -weight * (y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))


@pytest.mark.parametrize("reduction", REDUCE)
def test_bce_forward(reduction):
    rng = np.random.default_rng(0)
    p, y = rng.uniform(0.01, 0.99, (4, 3)), rng.uniform(0, 1, (4, 3))
    w = rng.uniform(0.5, 2, 3)
    np.testing.assert_allclose(F.binary_cross_entropy(Tensor(p), Tensor(y), reduction=reduction).numpy(),
                               REDUCE[reduction](numpy_bce(p, y)), rtol=1e-12)
    np.testing.assert_allclose(nn.BCELoss(w, reduction=reduction)(Tensor(p), y).numpy(),
                               REDUCE[reduction](numpy_bce(p, y, w)), rtol=1e-12)


def test_bce_clamps_log_at_minus_100_with_finite_gradient():
    p = Tensor(np.array([0.0, 1.0, 0.0, 1.0, 1e-50], dtype=np.float64), requires_grad=True)
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    loss = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(loss.numpy(), [100.0, 100.0, 0.0, 0.0, 100.0])
    loss.sum().backward()
    assert np.all(np.isfinite(p.grad.numpy()))
    assert F.binary_cross_entropy(Tensor([0.0, 1.0]), Tensor([1.0, 0.0])).item() == 100.0


def test_bce_validation():
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\], got values in \[-0.5, 0.5\]"):
        F.binary_cross_entropy(Tensor([-0.5, 0.5]), Tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"target shape \(1, 2\) does not match input shape \(2,\)"):
        nn.BCELoss()(Tensor([0.5, 0.5]), np.zeros((1, 2)))
    with pytest.raises(TypeError, match="floating point target"):
        nn.BCEWithLogitsLoss()(Tensor([0.5, 0.5]), np.array([0, 1]))


@given(st.data())
def test_bce_gradients(data):
    shape = tuple(data.draw(st.lists(small, max_size=2)))
    p, y = data.draw(values(shape, 0.05, 0.95)), data.draw(values(shape, 0.0, 1.0))
    w = data.draw(values(shape[-1:], 0.5, 2.0))
    reduction = data.draw(st.sampled_from(list(REDUCE)))
    assert tg.gradcheck(lambda p, y, w: F.binary_cross_entropy(p, y, w, reduction),
                        (leaf(p), leaf(y), leaf(w)))


def numpy_bce_logits(x, y, pos_weight=1.0):
    log_sig = -np.logaddexp(0, -x)       # log(sigmoid(x))
    log_one_minus = -np.logaddexp(0, x)  # log(1 - sigmoid(x))
    return -(pos_weight * y * log_sig + (1 - y) * log_one_minus)


@pytest.mark.parametrize("reduction", REDUCE)
def test_bce_with_logits_forward(reduction):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((5, 3)) * 4, rng.uniform(0, 1, (5, 3))
    pw, w = rng.uniform(0.5, 3, 3), rng.uniform(0.5, 2, (5, 3))
    got = F.binary_cross_entropy_with_logits(Tensor(x), Tensor(y), reduction=reduction)
    np.testing.assert_allclose(got.numpy(), REDUCE[reduction](numpy_bce_logits(x, y)), rtol=1e-12)
    got = nn.BCEWithLogitsLoss(w, reduction=reduction, pos_weight=pw)(Tensor(x), y)
    np.testing.assert_allclose(got.numpy(), REDUCE[reduction](w * numpy_bce_logits(x, y, pw)),
                               rtol=1e-12)
    np.testing.assert_allclose(  # the same as BCE of the sigmoid where that is accurate
        F.binary_cross_entropy_with_logits(Tensor(x), y).numpy(),
        F.binary_cross_entropy(Tensor(x).sigmoid(), y).numpy(), rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_finite_at_plus_minus_1000(dtype):
    x = Tensor(np.array([1000.0, -1000.0, 1000.0, -1000.0], dtype=dtype), requires_grad=True)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none", pos_weight=np.array([2.0]))
    np.testing.assert_allclose(loss.numpy(), [1000.0, 2000.0, 0.0, 0.0])
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -2.0, 0.0, 0.0])
    assert loss.dtype == dtype


@given(st.data())
def test_bce_with_logits_gradients(data):
    shape = tuple(data.draw(st.lists(small, min_size=1, max_size=2)))
    x = data.draw(values(shape, -6, 6))
    x = np.where(np.abs(x) < 0.01, 0.5, x)  # |x| has a kink at 0 that finite differences straddle
    y = data.draw(values(shape, 0.0, 1.0))
    pos_weight = data.draw(st.one_of(st.none(), values(shape[-1:], 0.5, 3.0)))
    reduction = data.draw(st.sampled_from(list(REDUCE)))
    assert tg.gradcheck(lambda x, y: F.binary_cross_entropy_with_logits(
        x, y, reduction=reduction, pos_weight=pos_weight), (leaf(x), leaf(y)))


def test_weighted_losses_register_buffers():
    loss = nn.BCEWithLogitsLoss(pos_weight=[2.0, 1.0])
    assert list(loss.state_dict()) == ["pos_weight"]
    assert isinstance(loss.pos_weight, Tensor) and loss.weight is None
    assert repr(loss) == "BCEWithLogitsLoss()"
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.MSELoss(reduction="max")


def test_one_hot_and_pad_match_numpy():
    np.testing.assert_array_equal(F.one_hot(tg.Tensor([2, 0, 1]), 3).numpy(), np.eye(3, dtype=np.int64)[[2, 0, 1]])
    assert F.one_hot(tg.Tensor([[1], [3]])).shape == (2, 1, 4)
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        F.one_hot(tg.Tensor([3]), 3)
    x = tg.Tensor(np.arange(6, dtype=np.float64).reshape(2, 3))
    np.testing.assert_array_equal(F.pad(x, (1, 0, 0, 2), value=-1.0).numpy(),
                                  np.pad(x.numpy(), ((0, 2), (1, 0)), constant_values=-1.0))
