"""The losses beyond the MNIST path: class weights, ignore_index, label smoothing and class
probabilities in cross-entropy; smooth L1, Huber, KL divergence, ranking, embedding, triplet,
multi-label, Poisson, Gaussian and CTC losses. Gradients against central differences (float64,
Hypothesis, non-contiguous inputs), closed forms, errors, and, with PyTorch, values and gradients
equal to PyTorch's."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import nn

from helpers import check, rng_of, seeds

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def leaf(array, layout="C"):
    """A float64 leaf; "T" builds it transposed (non-contiguous), "strided" every other column."""
    if layout == "T" and array.ndim >= 2:
        return tg.Tensor(np.ascontiguousarray(array.T), requires_grad=True).T
    if layout == "strided" and array.ndim >= 1:
        wide = np.repeat(array, 2, axis=-1)
        return tg.Tensor(wide, requires_grad=True)[..., ::2]
    return tg.Tensor(array, requires_grad=True)


LAYOUTS = st.sampled_from(["C", "T", "strided"])


# --- gradients -----------------------------------------------------------------------------------

@given(seed=seeds, reduction=REDUCTIONS, smoothing=st.sampled_from([0.0, 0.3]), layout=LAYOUTS,
       spatial=st.booleans())
def test_cross_entropy_with_weight_and_ignore_index_gradients(seed, reduction, smoothing, layout, spatial):
    rng = rng_of(seed)
    shape = (3, 4, 2) if spatial else (5, 4)
    target = rng.integers(0, 4, shape[:1] + shape[2:])
    target.flat[0] = 2  # at least one ignored
    weight = rng.uniform(0.5, 2.0, 4)
    x = rng.uniform(-2, 2, shape)
    layout = layout if not spatial else "C"
    check(lambda x: F.cross_entropy(x, tg.tensor(target), weight=tg.tensor(weight), ignore_index=2,
                                    reduction=reduction, label_smoothing=smoothing), leaf(x, layout))
    check(lambda x: F.nll_loss(x, tg.tensor(target), weight=tg.tensor(weight), ignore_index=2,
                               reduction=reduction), leaf(x, layout))


@given(seed=seeds, reduction=REDUCTIONS, layout=LAYOUTS)
def test_cross_entropy_with_probability_targets_gradients(seed, reduction, layout):
    rng = rng_of(seed)
    probs = rng.uniform(0.1, 1, (3, 5))
    probs /= probs.sum(1, keepdims=True)
    check(lambda x, p: F.cross_entropy(x, p, weight=tg.tensor(rng_of(1).uniform(0.5, 2, 5)),
                                       reduction=reduction, label_smoothing=0.1),
          leaf(rng.uniform(-2, 2, (3, 5)), layout), leaf(probs))


PAIRED = [
    ("smooth_l1_loss", lambda x, y, r: F.smooth_l1_loss(x, y, reduction=r, beta=0.7)),
    ("huber_loss", lambda x, y, r: F.huber_loss(x, y, reduction=r, delta=0.6)),
    ("mse_loss_weight", lambda x, y, r: F.mse_loss(x, y, reduction=r, weight=tg.ones(3, 4, dtype=tg.float64) * 0.5)),
    ("l1_loss_weight", lambda x, y, r: F.l1_loss(x, y, reduction=r, weight=tg.ones(3, 4, dtype=tg.float64) * 2)),
    ("kl_div_log_target", lambda x, y, r: F.kl_div(x, y, reduction=r, log_target=True)),
    ("poisson_nll_loss", lambda x, y, r: F.poisson_nll_loss(x, y.abs(), reduction=r)),
    ("poisson_nll_loss_rates", lambda x, y, r: F.poisson_nll_loss(x.abs() + 0.1, y.abs(), log_input=False, reduction=r)),
]


@pytest.mark.parametrize("name, fn", PAIRED, ids=[p[0] for p in PAIRED])
@given(seed=seeds, reduction=REDUCTIONS, layout=LAYOUTS)
def test_elementwise_loss_gradients(name, fn, seed, reduction, layout):
    rng = rng_of(seed)
    x = leaf(rng.uniform(-2, 2, (3, 4)), layout)
    y = leaf(rng.uniform(-2, 2, (3, 4)) + 0.05)  # away from the kinks at |x - y| = beta
    check(lambda x, y: fn(x, y, reduction), x, y)


@given(seed=seeds, reduction=REDUCTIONS)
def test_kl_div_gradients(seed, reduction):
    rng = rng_of(seed)
    p = rng.uniform(0.1, 1, (3, 4))
    p /= p.sum(1, keepdims=True)
    check(lambda x, y: F.kl_div(x, y, reduction=reduction), leaf(np.log(p[::-1].copy())), leaf(p))


@given(seed=seeds, reduction=REDUCTIONS, layout=LAYOUTS)
def test_pairwise_loss_gradients(seed, reduction, layout):
    rng = rng_of(seed)
    y = tg.tensor(rng.choice([-1.0, 1.0], 3))
    arrays = [rng.uniform(-2, 2, (3, 4)) for _ in range(3)]

    def inputs(count):
        return [leaf(a, layout) for a in arrays[:count]]

    check(lambda a, b: F.margin_ranking_loss(a[:, 0], b[:, 0], y, margin=0.1, reduction=reduction), *inputs(2))
    check(lambda a, b: F.cosine_embedding_loss(a, b, y, margin=-0.5, reduction=reduction), *inputs(2))
    check(lambda a, b, c: F.triplet_margin_loss(a, b, c, margin=5.0, reduction=reduction), *inputs(3))
    check(lambda a, b, c: F.triplet_margin_loss(a, b, c, margin=5.0, p=3, swap=True, reduction=reduction),
          *inputs(3))


@given(seed=seeds, reduction=REDUCTIONS, layout=LAYOUTS)
def test_multilabel_and_gaussian_gradients(seed, reduction, layout):
    rng = rng_of(seed)
    labels = tg.tensor((rng.random((3, 4)) < 0.5).astype(np.float64))
    check(lambda x: F.multilabel_soft_margin_loss(x, labels, weight=tg.tensor(rng_of(2).uniform(0.5, 2, 4)),
                                                  reduction=reduction), leaf(rng.uniform(-3, 3, (3, 4)), layout))
    check(lambda x, y, v: F.gaussian_nll_loss(x, y, v, full=True, reduction=reduction),
          leaf(rng.uniform(-2, 2, (3, 4)), layout), leaf(rng.uniform(-2, 2, (3, 4))), leaf(rng.uniform(0.5, 2, (3, 1))))


@settings(max_examples=10)  # a time loop per check
@given(seed=seeds, reduction=REDUCTIONS, layout=st.sampled_from(["C", "T"]))
def test_ctc_loss_gradients(seed, reduction, layout):
    rng = rng_of(seed)
    x = leaf(rng.uniform(-2, 2, (5, 2, 4)), layout)
    targets = tg.tensor(np.array([[1, 1], [2, 3]]))
    check(lambda x: F.ctc_loss(x.log_softmax(2), targets, [5, 4], [2, 1], reduction=reduction), x)


# --- closed forms ---------------------------------------------------------------------------------

def test_ignored_targets_and_class_weights_by_hand():
    x = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [1.0, -1.0, 0.0]])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    w = np.array([1.0, 2.0, 0.5])
    got = F.cross_entropy(tg.tensor(x), tg.tensor([0, 1, 2]), weight=tg.tensor(w), ignore_index=1)
    expected = -(w[0] * logp[0, 0] + w[2] * logp[2, 2]) / (w[0] + w[2])
    assert math.isclose(got.item(), expected, rel_tol=1e-12)
    assert math.isnan(F.cross_entropy(tg.tensor(x), tg.tensor([1, 1, 1]), ignore_index=1).item())


def test_probability_targets_by_hand():
    x = np.array([[1.0, 2.0, 3.0]])
    p = np.array([[0.2, 0.3, 0.5]])
    logp = x - np.log(np.exp(x).sum())
    assert math.isclose(F.cross_entropy(tg.tensor(x), tg.tensor(p)).item(), -(p * logp).sum(), rel_tol=1e-12)
    one_hot = np.array([[0.0, 0.0, 1.0]])
    assert math.isclose(F.cross_entropy(tg.tensor(x), tg.tensor(one_hot)).item(),
                        F.cross_entropy(tg.tensor(x), tg.tensor([2])).item(), rel_tol=1e-12)


def test_smooth_l1_huber_and_kl_by_hand():
    d = np.array([0.25, -2.0])
    assert math.isclose(F.smooth_l1_loss(tg.tensor(d), tg.zeros(2, dtype=tg.float64), beta=0.5).item(),
                        (0.5 * 0.25 ** 2 / 0.5 + 2.0 - 0.25) / 2)
    assert math.isclose(F.huber_loss(tg.tensor(d), tg.zeros(2, dtype=tg.float64), delta=0.5).item(),
                        (0.5 * 0.25 ** 2 + 0.5 * (2.0 - 0.25)) / 2)
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])
    assert math.isclose(F.kl_div(tg.tensor(np.log(q)), tg.tensor(p), reduction="sum").item(),
                        0.5 * np.log(2) * 2)


def test_ctc_by_enumerating_alignments():
    """Two frames, one label: the alignments of "a" are (a, a), (a, blank) and (blank, a)."""
    rng = rng_of(0)
    x = rng.uniform(-1, 1, (2, 1, 3))
    p = np.exp(x) / np.exp(x).sum(2, keepdims=True)
    total = p[0, 0, 1] * p[1, 0, 1] + p[0, 0, 1] * p[1, 0, 0] + p[0, 0, 0] * p[1, 0, 1]
    got = F.ctc_loss(tg.tensor(x).log_softmax(2), tg.tensor([[1]]), [2], [1], reduction="sum")
    assert math.isclose(got.item(), -math.log(total), rel_tol=1e-12)
    impossible = F.ctc_loss(tg.tensor(x).log_softmax(2), tg.tensor([[1, 1]]), [2], [2], reduction="sum")
    assert impossible.item() == math.inf
    assert F.ctc_loss(tg.tensor(x).log_softmax(2), tg.tensor([[1, 1]]), [2], [2], zero_infinity=True).item() == 0


def test_gaussian_variance_is_clamped_for_the_value_only():
    v = tg.tensor(np.array([0.0, 1.0]), requires_grad=True)
    loss = F.gaussian_nll_loss(tg.zeros(2, dtype=tg.float64), tg.zeros(2, dtype=tg.float64), v, eps=1e-3,
                               reduction="sum")
    assert math.isclose(loss.item(), 0.5 * math.log(1e-3))
    loss.backward()
    np.testing.assert_allclose(v.grad.numpy(), [0.5 / 1e-3, 0.5])


def test_legacy_size_average_and_reduce():
    x, y = tg.tensor([1.0, 3.0]), tg.tensor([0.0, 0.0])
    assert F.mse_loss(x, y, size_average=False).item() == 10.0
    assert F.mse_loss(x, y, reduce=False).shape == (2,)
    assert nn.L1Loss(size_average=False)(x, y).item() == 4.0


def test_loss_modules_keep_their_options_and_weights():
    loss = nn.CrossEntropyLoss(weight=tg.tensor([1.0, 2.0]), ignore_index=0, label_smoothing=0.1)
    assert list(loss.state_dict()) == ["weight"]
    assert loss.ignore_index == 0 and loss.label_smoothing == 0.1
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    assert nn.NLLLoss().state_dict() == {}


# --- errors -------------------------------------------------------------------------------------

def test_errors_name_what_is_wrong():
    x = tg.randn(3, 4)
    with pytest.raises(RuntimeError, match="ignore_index is not supported"):
        F.cross_entropy(x, tg.rand(3, 4), ignore_index=0)
    with pytest.raises(IndexError, match="must be in"):
        F.cross_entropy(x, tg.tensor([0, 1, 9]), ignore_index=1)
    with pytest.raises(TypeError, match="reduction='sum' by keyword"):
        F.nll_loss(x, tg.tensor([0, 1, 2]), "sum")
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(x, x, beta=-1)
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, x, tg.ones(2))
    with pytest.raises(ValueError, match="negative"):
        F.gaussian_nll_loss(x, x, -tg.ones(3, 4))
    with pytest.raises(ValueError, match="batchmean"):
        F.kl_div(x, x, reduction="average")
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        nn.TripletMarginLoss(margin=0)
    with pytest.raises(NotImplementedError, match="float32 or float64"):
        F.ctc_loss(tg.zeros(3, 1, 2, dtype=tg.float16), tg.tensor([[1]]), [3], [1])
    with pytest.raises(RuntimeError, match="other than the blank"):
        F.ctc_loss(tg.zeros(3, 1, 2), tg.tensor([[0]]), [3], [1])
    with pytest.raises(ValueError, match="weights and input must have the same size"):
        F.mse_loss(x, x, weight=tg.ones(4))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.mse_loss(x, tg.randn(4))
    assert "different to the input size" in str(caught[0].message)


# --- PyTorch --------------------------------------------------------------------------------------

def _torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed: nothing to compare with")


CASES = [
    ("cross_entropy", lambda r: [r.standard_normal((4, 5)), r.integers(0, 5, 4)],
     dict(weight=np.array([0.5, 1.0, 2.0, 1.5, 0.7]), ignore_index=1, label_smoothing=0.3), (0,)),
    ("cross_entropy", lambda r: [r.standard_normal((2, 5, 3)), r.integers(0, 5, (2, 3))],
     dict(weight=np.array([0.5, 1.0, 2.0, 1.5, 0.7]), ignore_index=0, reduction="none"), (0,)),
    ("cross_entropy", lambda r: [r.standard_normal((4, 5)), r.dirichlet(np.ones(5), 4)],
     dict(weight=np.array([0.5, 1.0, 2.0, 1.5, 0.7]), label_smoothing=0.2), (0, 1)),
    ("nll_loss", lambda r: [r.standard_normal((4, 5)), r.integers(0, 5, 4)],
     dict(weight=np.array([0.5, 1.0, 2.0, 1.5, 0.7]), ignore_index=3, reduction="sum"), (0,)),
    ("smooth_l1_loss", lambda r: [r.standard_normal((3, 4)), r.standard_normal((3, 4))], dict(beta=0.7), (0, 1)),
    ("huber_loss", lambda r: [r.standard_normal((3, 4)), r.standard_normal((3, 4))],
     dict(delta=0.6, weight=np.full((3, 4), 2.0)), (0, 1)),
    ("mse_loss", lambda r: [r.standard_normal((3, 4)), r.standard_normal((3, 4))], dict(weight=np.full((3, 4), 0.5)), (0, 1)),
    ("kl_div", lambda r: [np.log(r.dirichlet(np.ones(4), 3)), r.dirichlet(np.ones(4), 3)], dict(reduction="batchmean"), (0, 1)),
    ("margin_ranking_loss", lambda r: [r.standard_normal(4), r.standard_normal(4), r.choice([-1.0, 1.0], 4)],
     dict(margin=0.3), (0, 1)),
    ("cosine_embedding_loss", lambda r: [r.standard_normal((4, 3)), r.standard_normal((4, 3)), r.choice([-1.0, 1.0], 4)],
     dict(margin=0.2), (0, 1)),
    ("triplet_margin_loss", lambda r: [r.standard_normal((4, 3)), r.standard_normal((4, 3)), r.standard_normal((4, 3))],
     dict(margin=1.0, p=1, swap=True), (0, 1, 2)),
    ("multilabel_soft_margin_loss", lambda r: [r.standard_normal((4, 3)), (r.random((4, 3)) < 0.5) * 1.0],
     dict(weight=np.array([0.5, 1.0, 2.0])), (0,)),
    ("poisson_nll_loss", lambda r: [r.standard_normal((3, 4)), r.integers(0, 5, (3, 4)) * 1.0], dict(full=True), (0,)),
    ("gaussian_nll_loss", lambda r: [r.standard_normal((3, 4)), r.standard_normal((3, 4)), r.uniform(0.5, 2, 3)],
     dict(full=True), (0, 2)),
]


@pytest.mark.parametrize("name, make, kwargs, grads", CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(CASES)])
def test_losses_match_pytorch(name, make, kwargs, grads):
    torch = _torch()
    arrays = make(rng_of(0))
    mine = [tg.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    theirs = [torch.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    conv = lambda lib, v: lib.tensor(v) if isinstance(v, np.ndarray) else v  # noqa: E731
    out_m = getattr(F, name)(*mine, **{k: conv(tg, v) for k, v in kwargs.items()})
    out_t = getattr(torch.nn.functional, name)(*theirs, **{k: conv(torch, v) for k, v in kwargs.items()})
    np.testing.assert_allclose(out_m.detach().numpy(), out_t.detach().numpy(), rtol=1e-10)
    w = rng_of(1).standard_normal(tuple(out_t.shape))
    (out_m * tg.tensor(w)).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    for i in grads:
        np.testing.assert_allclose(mine[i].grad.numpy(), theirs[i].grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("layout", ["padded", "concatenated", "unbatched"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_ctc_loss_matches_pytorch(layout, reduction):
    torch = _torch()
    rng = rng_of(0)
    x = rng.standard_normal((7, 3, 5))
    targets = np.array([[1, 1, 2], [3, 4, 0], [2, 0, 0]])
    lengths, target_lengths = np.array([7, 5, 6]), np.array([3, 2, 1])
    if layout == "concatenated":
        targets = np.concatenate([row[:n] for row, n in zip(targets, target_lengths)])
    elif layout == "unbatched":
        x, targets, lengths, target_lengths = x[:, 0], targets[0], lengths[:1], target_lengths[:1]
    outs = []
    for lib in (tg, torch):
        xt = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.ctc_loss(xt.log_softmax(-1), lib.tensor(targets), lib.tensor(lengths),
                                         lib.tensor(target_lengths), reduction=reduction)
        out.sum().backward()
        outs.append((out.detach().numpy(), xt.grad.numpy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-10)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-8, atol=1e-12)
