"""Reductions, scans, sorting and selection (ops/reduction.py, ops/sorting.py): gradients against
central differences (float64 gradcheck) over Hypothesis shapes and dims in contiguous, transposed
and strided layouts; closed forms (prod with zeros, cumsum, var at inf); second derivatives;
values against NumPy; the tie and NaN rules; out=, keepdims= and the errors PyTorch raises."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite import Tensor

from helpers import check, const, distinct, leaf, positive, seeds, shapes, uniform

LAYOUTS = ("C", "T", "strided")


def laid_out(array, layout):
    """A leaf holding ``array`` in ``layout`` and the view that shows it with ``array``'s shape:
    ``(leaf, view)``, where ``view(leaf)`` is contiguous, a transpose or every other column."""
    if layout == "T" and array.ndim >= 2:
        return leaf(np.swapaxes(array, -1, -2)), lambda x: x.transpose(-1, -2)
    if layout == "strided" and array.ndim >= 1:
        wide = np.repeat(array, 2, axis=-1)
        return leaf(wide), lambda x: x[..., ::2]
    return leaf(array), lambda x: x


@st.composite
def shape_and_dim(draw, min_dims=1, max_dims=3, max_side=4):
    shape = draw(shapes(min_dims, max_dims, max_side))
    return shape, draw(st.integers(-len(shape), len(shape) - 1))


# ---------------------------------------------------------------------------------------------
# gradients against central differences
# ---------------------------------------------------------------------------------------------

DIFFERENTIABLE = [  # name, fn(x, dim), input domain
    ("prod_dim", lambda x, d: x.prod(d), uniform),
    ("prod_keepdim", lambda x, d: tg.prod(x, d, keepdims=True), uniform),
    ("prod_all", lambda x, d: x.prod(), uniform),
    ("cumsum", lambda x, d: x.cumsum(d), uniform),
    ("cumprod", lambda x, d: tg.cumprod(x, d), uniform),
    ("logcumsumexp", lambda x, d: x.logcumsumexp(d), uniform),
    ("cummax", lambda x, d: x.cummax(d).values, distinct),
    ("cummin", lambda x, d: tg.cummin(x, d).values, distinct),
    ("median_all", lambda x, d: x.median(), distinct),
    ("median_dim", lambda x, d: x.median(d, keepdim=True).values, distinct),
    ("kthvalue", lambda x, d: x.kthvalue(1, d).values, distinct),
    ("topk", lambda x, d: x.topk(1, d, largest=False).values, distinct),
    ("sort", lambda x, d: x.sort(d, descending=True).values, distinct),
    ("msort", lambda x, d: tg.msort(x), distinct),
    ("nansum", lambda x, d: x.nansum(d), uniform),
    ("nanmean", lambda x, d: tg.nanmean(x, d), uniform),
    ("std_mean", lambda x, d: tg.std_mean(x, d, correction=0), uniform),
    ("var_mean", lambda x, d: tg.var_mean(x, d, keepdim=True, unbiased=x.shape[d] > 1), uniform),
    ("var_correction", lambda x, d: x.var(d, correction=min(2, x.shape[d] - 1)), uniform),
    ("aminmax", lambda x, d: tuple(x.aminmax(dim=d)), distinct),
]


@pytest.mark.parametrize("name, fn, domain", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
@given(sd=shape_and_dim(), layout=st.sampled_from(LAYOUTS), seed=seeds)
def test_gradient(name, fn, domain, sd, layout, seed):
    shape, dim = sd
    x, view = laid_out(domain(seed, shape), layout)
    check(lambda x: fn(view(x), dim), x)


@pytest.mark.parametrize("zeros", [1, 2, 3])
@given(n=st.integers(3, 7), seed=seeds)
def test_prod_and_cumprod_with_zeros(zeros, n, seed):
    """prod is multilinear, so central differences are exact even at the zeros."""
    a = uniform(seed, (2, n))
    a[:, np.random.default_rng(seed).choice(n, zeros, replace=False)] = 0.0
    x = leaf(a)
    check(lambda x: x.prod(1), x)
    check(lambda x: x.cumprod(1), x)
    check(lambda x: x.prod(), x)


def test_prod_gradient_closed_form():
    """d prod / d x_i is the product of the others: prod/x_i without zeros; with one zero only
    the zero gets a gradient; with two, nothing does."""
    for a, expected in [([2., 3., 4.], [12., 8., 6.]), ([2., 0., 4.], [0., 8., 0.]),
                        ([0., 3., 0.], [0., 0., 0.])]:
        x = leaf(a)
        x.prod().backward()
        np.testing.assert_array_equal(x.grad.numpy(), expected)


@given(sd=shape_and_dim(), seed=seeds)
def test_cumsum_gradient_is_the_reversed_cumsum(sd, seed):
    shape, dim = sd
    x, g = leaf(uniform(seed, shape)), uniform(seed + 1, shape)
    x.cumsum(dim).backward(Tensor(g))
    expected = np.flip(np.cumsum(np.flip(g, dim), dim), dim)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12, atol=1e-12)


SECOND = [
    ("prod", lambda x: x.prod(1)),
    ("cumprod", lambda x: x.cumprod(1)),
    ("cumsum", lambda x: (x.cumsum(0) ** 2).sum()),
    ("logcumsumexp", lambda x: x.logcumsumexp(1)),
    ("var", lambda x: x.var(1)),
    ("std_mean", lambda x: tg.std_mean(x, 0)),
    ("sort", lambda x: x.sort(1).values ** 2),
]


@pytest.mark.parametrize("name, fn", SECOND, ids=[c[0] for c in SECOND])
def test_gradgradcheck(name, fn):
    x = leaf(distinct(7, (3, 4)) / 4)
    assert tg.gradgradcheck(fn, (x,))


# ---------------------------------------------------------------------------------------------
# NaN, inf and ties
# ---------------------------------------------------------------------------------------------

def test_nansum_and_nanmean_ignore_nans_and_give_them_no_gradient():
    a = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    x = leaf(a)
    (x.nansum() + tg.nanmean(x, 1).nansum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1.5, 0, 1.5], [0, 0, 0]])
    assert np.isnan(tg.nanmean(const(a), 1).numpy()[1])


def test_max_and_median_send_the_gradient_to_the_nans():
    a = [1.0, np.nan, 3.0, np.nan]
    for fn in (lambda x: x.max(), lambda x: x.min(), lambda x: x.median()):
        x = leaf(a)
        y = fn(x)
        y.backward()
        assert np.isnan(y.item())
        np.testing.assert_array_equal(x.grad.numpy(), [0, 0.5, 0, 0.5])


def test_median_all_splits_the_gradient_between_ties_and_takes_the_lower_median():
    x = leaf([3.0, 1.0, 3.0, 1.0, 2.0, 1.0])
    m = x.median()
    m.backward()
    assert m.item() == 1.0
    np.testing.assert_allclose(x.grad.numpy(), [0, 1 / 3, 0, 1 / 3, 0, 1 / 3])


def test_median_dim_picks_the_first_nan_or_the_lower_median():
    values, indices = const([[1.0, np.nan, 3.0, np.nan], [4.0, 1.0, 3.0, 2.0]]).median(1)
    np.testing.assert_array_equal(values.numpy(), [np.nan, 2.0])
    np.testing.assert_array_equal(indices.numpy(), [1, 3])


def test_var_gradient_at_inf_is_pytorchs_formula():
    """2(x - mean)/(n - 1): -inf for the finite elements, NaN for inf itself (not NaN everywhere)."""
    x = leaf([[1.0, np.inf, 2.0], [1.0, 2.0, 6.0]])
    x.var(1).sum().backward()
    g = x.grad.numpy()
    np.testing.assert_array_equal(g[0], [-np.inf, np.nan, -np.inf])
    np.testing.assert_allclose(g[1], [-2, -1, 3])


def test_cummax_indices_follow_the_latest_tie_and_nan():
    v, i = Tensor([1, 1, 3, 3, 2]).cummax(0)
    np.testing.assert_array_equal(i.numpy(), [0, 1, 2, 3, 3])
    v, i = Tensor([1.0, np.nan, 0.0, np.nan]).cummin(0)
    np.testing.assert_array_equal(i.numpy(), [0, 1, 1, 3])
    x = leaf([1.0, 3.0, 2.0, 5.0])
    x.cummax(0).values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 2, 0, 1])


def test_sort_is_stable_both_ways_with_nan_largest():
    a = np.array([2.0, 1.0, np.nan, 2.0, 1.0])
    np.testing.assert_array_equal(Tensor(a).argsort().numpy(), [1, 4, 0, 3, 2])
    np.testing.assert_array_equal(Tensor(a).sort(descending=True).indices.numpy(), [2, 0, 3, 1, 4])
    np.testing.assert_array_equal(Tensor(a).topk(2).indices.numpy(), [2, 0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_sort_of_many_ties_matches_numpys_stable_sort(dtype):
    """Long slices (NumPy's default sort is not stable there), ties in some slices only."""
    a = np.random.default_rng(0).integers(0, 40, (3, 200)).astype(dtype)
    a[0] = np.arange(200)
    if dtype != np.int64:
        a[1, ::7] = np.nan
    for axis in (0, 1):
        expected = np.argsort(a, axis, kind="stable")
        np.testing.assert_array_equal(Tensor(a).argsort(axis).numpy(), expected)
        backwards = np.flip(a.shape[axis] - 1 - np.argsort(np.flip(a, axis), axis, kind="stable"), axis)
        np.testing.assert_array_equal(Tensor(a).sort(axis, descending=True).indices.numpy(), backwards)


def test_sort_values_gradient_goes_to_the_source_positions():
    x = leaf([[3.0, 1.0, 2.0]])
    (x.sort(1).values * Tensor([[1.0, 10.0, 100.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[100.0, 1.0, 10.0]])


# ---------------------------------------------------------------------------------------------
# values against NumPy
# ---------------------------------------------------------------------------------------------

@given(sd=shape_and_dim(), seed=seeds)
def test_scans_and_products_match_numpy(sd, seed):
    shape, dim = sd
    a = uniform(seed, shape)
    x = const(a)
    np.testing.assert_allclose(x.cumsum(dim).numpy(), np.cumsum(a, dim), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.cumprod(dim).numpy(), np.cumprod(a, dim), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.prod(dim).numpy(), np.prod(a, dim), rtol=1e-12)
    np.testing.assert_allclose(x.logcumsumexp(dim).numpy(), np.logaddexp.accumulate(a, dim),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.cummax(dim).values.numpy(), np.maximum.accumulate(a, dim))


def test_logcumsumexp_is_stable_at_large_magnitudes():
    y = Tensor([1000.0, 1000.0, -1000.0]).logcumsumexp(0).numpy()
    np.testing.assert_allclose(y, [1000.0, 1000.0 + np.log(2), 1000.0 + np.log(2)], rtol=1e-6)


def test_integer_results_are_int64_and_dtype_casts_first():
    i = Tensor(np.array([[1, 2], [3, 4]], dtype=np.int32))
    assert i.prod().dtype == i.cumsum(0).dtype == i.cumprod(1).dtype == tg.int64
    assert i.sum(dtype=tg.float64).dtype == tg.float64 and i.mean(dtype=tg.float32).item() == 2.5
    assert Tensor([True, False]).all().dtype == tg.bool
    assert Tensor(np.array([1, 0], np.uint8)).any().dtype == tg.uint8
    assert tg.count_nonzero(i - 1, (0, 1)).item() == 3


@given(shape=shapes(1, 3), seed=seeds)
def test_median_kthvalue_topk_match_numpy(shape, seed):
    a = distinct(seed, shape)
    x = const(a)
    n = shape[-1]
    srt = np.sort(a, -1)
    np.testing.assert_array_equal(x.median(-1).values.numpy(), srt[..., (n - 1) // 2])
    np.testing.assert_array_equal(x.kthvalue(n, -1).values.numpy(), srt[..., -1])
    np.testing.assert_array_equal(x.topk(n, -1, largest=False).values.numpy(), srt)
    np.testing.assert_array_equal(x.median().item(), np.sort(a, None)[(a.size - 1) // 2])


def test_unique_and_unique_consecutive():
    x = Tensor([[2, 1, 2], [2, 1, 2], [0, 5, 5]])
    values, inverse, counts = tg.unique(x, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(values.numpy(), [0, 1, 2, 5])
    np.testing.assert_array_equal(inverse.numpy(), [[2, 1, 2], [2, 1, 2], [0, 3, 3]])
    np.testing.assert_array_equal(counts.numpy(), [1, 2, 4, 2])
    rows, inverse = x.unique(dim=0, return_inverse=True)
    np.testing.assert_array_equal(rows.numpy(), [[0, 5, 5], [2, 1, 2]])
    np.testing.assert_array_equal(inverse.numpy(), [1, 1, 0])
    rows, counts = x.unique_consecutive(dim=0, return_counts=True)
    np.testing.assert_array_equal(rows.numpy(), [[2, 1, 2], [0, 5, 5]])
    np.testing.assert_array_equal(counts.numpy(), [2, 1])
    values, inverse = tg.unique_consecutive(Tensor([1, 1, 2, 1]), return_inverse=True)
    np.testing.assert_array_equal(inverse.numpy(), [0, 0, 1, 2])


def test_searchsorted_bucketize_and_histc():
    seq = Tensor([1.0, 3.0, 3.0, 5.0])
    v = Tensor([[0.0, 3.0], [4.0, 9.0]])
    np.testing.assert_array_equal(tg.searchsorted(seq, v).numpy(), [[0, 1], [3, 4]])
    np.testing.assert_array_equal(tg.searchsorted(seq, v, side="right").numpy(), [[0, 3], [3, 4]])
    unsorted = Tensor([5.0, 1.0, 3.0])
    assert tg.searchsorted(unsorted, 4.0, sorter=unsorted.argsort()).item() == 2
    rows = Tensor([[1.0, 2.0], [10.0, 20.0]])
    np.testing.assert_array_equal(tg.searchsorted(rows, Tensor([[1.5], [25.0]])).numpy(), [[1], [2]])
    assert tg.searchsorted(seq, v, out_int32=True).dtype == tg.int32
    np.testing.assert_array_equal(tg.bucketize(Tensor([1, 3, 6]), Tensor([1, 3, 5])).numpy(), [0, 1, 3])
    np.testing.assert_array_equal(tg.bucketize(Tensor([1, 3, 6]), Tensor([1, 3, 5]), right=True).numpy(),
                                  [1, 2, 3])
    np.testing.assert_array_equal(Tensor([1.0, 2.0, 1.0, 7.0]).histc(4, min=0, max=4).numpy(), [0, 2, 1, 0])
    np.testing.assert_array_equal(tg.histc(Tensor([2.0, 2.0]), 2).numpy(), [0, 2])  # range 1..3


# ---------------------------------------------------------------------------------------------
# arguments and errors
# ---------------------------------------------------------------------------------------------

def test_keepdims_alias_and_named_results():
    x = const(uniform(0, (2, 3)))
    assert x.sum(1, keepdims=True).shape == (2, 1) and x.amax(0, keepdims=True).shape == (1, 3)
    r = x.max(0, keepdims=True)
    assert r.values.shape == r.indices.shape == (1, 3)
    mn, mx = tg.aminmax(x, dim=1)
    assert (mn.numpy() <= mx.numpy()).all()
    assert type(x.sort()).__name__ == "SortResult" and x.sort()._fields == ("values", "indices")


def test_var_spellings():
    x = const(uniform(1, (3, 4)))
    a = x.numpy()
    np.testing.assert_allclose(x.var(False).item(), a.var())
    np.testing.assert_allclose(x.var(1, False).numpy(), a.var(1))
    np.testing.assert_allclose(x.std(0, correction=2).numpy(), a.std(0, ddof=2))
    np.testing.assert_allclose(tg.var_mean(x, 1, unbiased=True)[0].numpy(), a.var(1, ddof=1))


def test_out_writes_into_the_given_tensors():
    x = Tensor([[3, 1], [2, 5]])
    out = tg.zeros(0, dtype=tg.int64)
    assert tg.cumsum(x, 1, out=out) is out
    np.testing.assert_array_equal(out.numpy(), [[3, 4], [2, 7]])
    values, indices = tg.zeros(2, dtype=tg.int64), tg.zeros(2, dtype=tg.int64)
    r = tg.sort(Tensor([2, 1]), out=(values, indices))
    assert r.values is values and values.tolist() == [1, 2] and indices.tolist() == [1, 0]
    with pytest.raises(RuntimeError, match="out="):
        tg.sum(leaf([1.0]), out=tg.zeros(()))
    with pytest.raises(RuntimeError, match="cast"):
        tg.sum(Tensor([1.5]), out=tg.zeros((), dtype=tg.int64))


@pytest.mark.parametrize("call, error", [
    (lambda: Tensor([1, 2]).mean(), RuntimeError),
    (lambda: Tensor([1, 2]).var(), RuntimeError),
    (lambda: tg.nanmean(Tensor([1, 2])), RuntimeError),
    (lambda: Tensor([True]).argmax(), RuntimeError),
    (lambda: tg.zeros(0, 3).amax(0), IndexError),
    (lambda: tg.zeros(0, 3).median(0), IndexError),
    (lambda: Tensor([1.0, 2.0]).topk(3), RuntimeError),
    (lambda: Tensor([1.0, 2.0]).kthvalue(0), RuntimeError),
    (lambda: Tensor([True, False]).median(), NotImplementedError),
    (lambda: Tensor([1, 2]).logcumsumexp(0), NotImplementedError),
    (lambda: Tensor([1, 2]).histc(), NotImplementedError),
    (lambda: tg.searchsorted(Tensor([1.0]), Tensor([1.0]), right=True, side="left"), RuntimeError),
    (lambda: tg.unique(tg.zeros(0, 3), dim=1), RuntimeError),
    (lambda: Tensor([1.0]).cumsum(1), IndexError),
])
def test_errors_are_pytorchs(call, error):
    with pytest.raises(error):
        call()


def test_empty_inputs():
    e = tg.zeros(3, 0, requires_grad=True)
    np.testing.assert_array_equal(e.logsumexp(1).numpy(), [-np.inf] * 3)
    np.testing.assert_array_equal(e.prod(1).numpy(), [1, 1, 1])
    assert e.cumsum(1).shape == (3, 0) and np.isnan(e.median().item())
    e.prod(1).sum().backward()
    assert e.grad.shape == (3, 0)


def test_logcumsumexp_of_logs_is_the_log_of_the_cumsum():
    """logcumsumexp of logs is the log of the cumulative sum."""
    a = positive(3, (5,))
    np.testing.assert_allclose(Tensor(np.log(a)).logcumsumexp(0).numpy(), np.log(np.cumsum(a)))
