"""Every differentiable op: forward values against NumPy and gradients against central differences
(float64 gradcheck) over Hypothesis shapes, broadcasts, dims and keepdim; second derivatives
(gradgradcheck); closed-form Jacobians; the tie rules of max/min; numerical stability at ±1000."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite import Tensor, kernels, primitives
from tinygrad_lite.autograd import grad
from tinygrad_lite.tensor import Function

from helpers import (away, check, const, distinct, interleaved, leaf, np_axis, positive, reduced_size,
                     rng_of, seeds, shape_and_dims, shapes, sides, uniform)

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _gelu_tanh(a):
    return 0.5 * a * (1 + np.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a ** 3)))


def _log_softmax(a, axis):
    m = a.max(axis=axis, keepdims=True)
    return a - m - np.log(np.exp(a - m).sum(axis=axis, keepdims=True))


DOMAINS = {
    "any": lambda seed, shape: uniform(seed, shape),
    "positive": positive,
    "nonzero": lambda seed, shape: away(seed, shape, (0.0,)),
    "clamp": lambda seed, shape: away(seed, shape, (-0.5, 0.5)),
    "near_0.3": lambda seed, shape: away(seed, shape, (0.3,)),
    "distinct": distinct,
    "even": lambda seed, shape: interleaved(seed, shape, 0),
    "odd": lambda seed, shape: interleaved(seed, shape, 1),
}

# ---------------------------------------------------------------------------------------------
# elementwise, one tensor (Python scalars on either side)
# ---------------------------------------------------------------------------------------------

UNARY = [
    ("neg", lambda x: -x, lambda a: -a, "any"),
    ("neg_method", lambda x: x.neg(), lambda a: -a, "any"),
    ("exp", lambda x: x.exp(), np.exp, "any"),
    ("log", lambda x: x.log(), np.log, "positive"),
    ("sqrt", lambda x: x.sqrt(), np.sqrt, "positive"),
    ("abs", lambda x: x.abs(), np.abs, "nonzero"),
    ("sin", lambda x: x.sin(), np.sin, "any"),
    ("cos", lambda x: x.cos(), np.cos, "any"),
    ("erf", lambda x: x.erf(), _erf, "any"),
    ("relu", lambda x: x.relu(), lambda a: np.maximum(a, 0), "nonzero"),
    ("sigmoid", lambda x: x.sigmoid(), _sigmoid, "any"),
    ("tanh", lambda x: x.tanh(), np.tanh, "any"),
    ("silu", lambda x: x.silu(), lambda a: a * _sigmoid(a), "any"),
    ("gelu", lambda x: x.gelu(), lambda a: 0.5 * a * (1 + _erf(a / math.sqrt(2))), "any"),
    ("gelu_tanh", lambda x: x.gelu(approximate="tanh"), _gelu_tanh, "any"),
    ("clamp", lambda x: x.clamp(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), "clamp"),
    ("clamp_min", lambda x: x.clamp(min=0.3), lambda a: np.maximum(a, 0.3), "near_0.3"),
    ("clamp_max", lambda x: x.clamp(max=0.3), lambda a: np.minimum(a, 0.3), "near_0.3"),
    ("pow_2", lambda x: x ** 2, lambda a: a ** 2, "any"),
    ("pow_3", lambda x: x ** 3, lambda a: a ** 3, "any"),
    ("pow_half", lambda x: x ** 0.5, np.sqrt, "positive"),
    ("pow_neg_float", lambda x: x ** -1.5, lambda a: a ** -1.5, "positive"),
    ("pow_neg_int", lambda x: x ** -1, lambda a: 1 / a, "nonzero"),
    ("rpow", lambda x: 2.5 ** x, lambda a: 2.5 ** a, "any"),
    ("add_scalar", lambda x: x + 2.5, lambda a: a + 2.5, "any"),
    ("radd_scalar", lambda x: 2.5 + x, lambda a: 2.5 + a, "any"),
    ("sub_scalar", lambda x: x - 2.5, lambda a: a - 2.5, "any"),
    ("rsub_scalar", lambda x: 2.5 - x, lambda a: 2.5 - a, "any"),
    ("mul_scalar", lambda x: x * -1.5, lambda a: a * -1.5, "any"),
    ("rmul_scalar", lambda x: -1.5 * x, lambda a: -1.5 * a, "any"),
    ("mul_int_scalar", lambda x: x * 3, lambda a: a * 3, "any"),
    ("div_scalar", lambda x: x / 2.5, lambda a: a / 2.5, "any"),
    ("rdiv_scalar", lambda x: 2.5 / x, lambda a: 2.5 / a, "nonzero"),
    ("maximum_scalar", lambda x: x.maximum(Tensor(0.3)), lambda a: np.maximum(a, 0.3), "near_0.3"),
    ("minimum_scalar", lambda x: x.minimum(Tensor(0.3)), lambda a: np.minimum(a, 0.3), "near_0.3"),
    ("where_scalar_other", lambda x: tg.where(x > 0, x, 0.5), lambda a: np.where(a > 0, a, 0.5), "nonzero"),
    ("where_scalar_input", lambda x: tg.where(x > 0, 0.5, x), lambda a: np.where(a > 0, 0.5, a), "nonzero"),
    ("clone", lambda x: x.clone(), lambda a: a, "any"),
    ("sign", lambda x: x.sign() * x, lambda a: np.abs(a), "nonzero"),  # sign's gradient is 0
]


@pytest.mark.parametrize("name, fn, ref, domain", UNARY, ids=[u[0] for u in UNARY])
@given(shape=shapes(), seed=seeds)
def test_elementwise(name, fn, ref, domain, shape, seed):
    x = leaf(DOMAINS[domain](seed, shape))
    out = fn(x)
    assert out.shape == shape
    np.testing.assert_allclose(out.numpy(), ref(x.numpy()), rtol=1e-7, atol=1e-12)
    check(fn, x)


@given(shape=shapes(), seed=seeds, slope=st.floats(0.0, 1.0))
def test_leaky_relu(shape, seed, slope):
    x = leaf(away(seed, shape))
    np.testing.assert_allclose(x.leaky_relu(slope).numpy(), np.where(x.numpy() > 0, x.numpy(), slope * x.numpy()))
    check(lambda x: x.leaky_relu(negative_slope=slope), x)


@pytest.mark.parametrize("p, expected", [(0, 0.0), (1, 1.0), (2, 0.0), (3, 0.0), (0.0, 0.0), (1.0, 1.0)])
def test_pow_scalar_gradient_at_zero(p, expected):
    """d/dx x**p at x = 0: 0 for p = 0 (x**0 is the constant 1), 1 for p = 1, 0 for p >= 2."""
    x = leaf([0.0, 2.0])
    with warnings.catch_warnings(), np.errstate(divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        (x ** p).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [expected, p * 2.0 ** (p - 1)])


@pytest.mark.parametrize("size", [1, kernels._ZERO_ROW - 1, kernels._ZERO_ROW, 2 * kernels._ZERO_ROW + 5])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "reversed", "strided"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_relu_in_every_memory_layout(size, layout, dtype):
    """ReLU compares contiguous memory row by row against a row of zeros (sizes around that
    row's length); other layouts take NumPy's plain path. Values (NaN stays NaN), the output's
    memory layout and the gradient match np.maximum's everywhere."""
    base = np.random.default_rng(size).standard_normal((2, size, 3)).astype(dtype)
    base.flat[::7] = 0.0
    base.flat[1] = np.nan
    base.flat[2] = -0.0
    x = {"contiguous": base, "transposed": base.transpose(2, 0, 1), "reversed": base[:, ::-1],
         "strided": base[:, ::2]}[layout]
    t = Tensor(x, requires_grad=True)
    out = t.relu()
    expected = np.maximum(x, 0)
    np.testing.assert_array_equal(out.numpy(), expected)  # NaN where x is NaN
    assert out.dtype == dtype
    if layout == "transposed":
        assert out.numpy().strides == np.empty_like(x).strides  # keeps the input's memory order
    g = np.random.default_rng(1).standard_normal(x.shape).astype(dtype)
    out.backward(Tensor(g))
    np.testing.assert_array_equal(t.grad.numpy(), g * (expected > 0))


def test_relu_of_integers_and_scalars():
    np.testing.assert_array_equal(Tensor(np.array([-2, 0, 3])).relu().numpy(), [0, 0, 3])
    assert Tensor(np.float32(-2.0)).relu().item() == 0.0


@pytest.mark.parametrize("shape, axis", [((5, 3), (0,)), ((5, 3), 0), ((2, 4, 3), (0, 1)),
                                         ((2, 4, 3), (-3, -2)), ((4, 3), (1,)), ((0, 3), (0,)),
                                         ((3, 0), (0,)), ((2, 3, 4), (0, 2))])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("layout", ["contiguous", "channels_last"])
def test_np_sum_matches_numpy(shape, axis, keepdims, layout):
    """kernels.sum takes a product with ones for per-channel sums (every axis but one summed);
    it must agree with ndarray.sum for every axis choice and memory layout."""
    x = np.random.default_rng(0).standard_normal(shape)
    if layout == "channels_last" and len(shape) > 2:
        x = np.moveaxis(np.ascontiguousarray(np.moveaxis(x, 1, -1)), -1, 1)
    np.testing.assert_allclose(kernels.sum(x, axis, keepdims), x.sum(axis=axis, keepdims=keepdims),
                               rtol=1e-12, atol=1e-12)


def test_np_sum_rejects_repeated_axes_like_numpy():
    x = np.ones((2, 3, 4))
    with pytest.raises(ValueError):
        kernels.sum(x, (0, 0))


def test_leaky_relu_default_slope_is_0_01():
    x = leaf([-2.0, 3.0])
    x.leaky_relu().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.01, 1.0])


# ---------------------------------------------------------------------------------------------
# elementwise, two tensors with broadcasting
# ---------------------------------------------------------------------------------------------

BINARY = [
    ("add", lambda a, b: a + b, np.add, "any", "any"),
    ("sub", lambda a, b: a - b, np.subtract, "any", "any"),
    ("mul", lambda a, b: a * b, np.multiply, "any", "any"),
    ("div", lambda a, b: a / b, np.divide, "any", "nonzero"),
    ("pow", lambda a, b: a ** b, np.power, "positive", "any"),
    ("maximum", lambda a, b: a.maximum(b), np.maximum, "even", "odd"),
    ("minimum", lambda a, b: a.minimum(b), np.minimum, "even", "odd"),
    ("max_tensor", lambda a, b: a.max(b), np.maximum, "even", "odd"),
    ("min_tensor", lambda a, b: a.min(b), np.minimum, "even", "odd"),
]


@pytest.mark.parametrize("name, fn, ref, dom_a, dom_b", BINARY, ids=[b[0] for b in BINARY])
@given(bs=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4), seed=seeds,
       needs=st.sampled_from(["both", "left", "right"]))
def test_binary_broadcast(name, fn, ref, dom_a, dom_b, bs, seed, needs):
    """Both operands, or only one of them, require grad (the other is a constant tensor)."""
    sa, sb = bs.input_shapes
    a_arr, b_arr = DOMAINS[dom_a](seed, sa), DOMAINS[dom_b](seed + 1, sb)
    a = leaf(a_arr) if needs != "right" else const(a_arr)
    b = leaf(b_arr) if needs != "left" else const(b_arr)
    out = fn(a, b)
    assert out.shape == bs.result_shape
    np.testing.assert_allclose(out.numpy(), ref(a_arr, b_arr), rtol=1e-12)
    check(fn, a, b)


@given(bs=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4), seed=seeds)
def test_where_broadcast(bs, seed):
    sc, sa, sb = bs.input_shapes
    cond = rng_of(seed).random(sc) < 0.5
    a, b = leaf(uniform(seed + 1, sa)), leaf(uniform(seed + 2, sb))
    fn = lambda a, b: tg.where(Tensor(cond), a, b)  # noqa: E731
    np.testing.assert_array_equal(fn(a, b).numpy(), np.where(cond, a.numpy(), b.numpy()))
    np.testing.assert_array_equal(a.where(Tensor(cond), b).numpy(), np.where(cond, a.numpy(), b.numpy()))
    check(fn, a, b)


# ---------------------------------------------------------------------------------------------
# matmul
# ---------------------------------------------------------------------------------------------

MATMUL_KINDS = {
    "vector_vector": lambda m, n, p, ba, bb: ((n,), (n,)),
    "matrix_vector": lambda m, n, p, ba, bb: ((m, n), (n,)),
    "vector_matrix": lambda m, n, p, ba, bb: ((n,), (n, p)),
    "matrix_matrix": lambda m, n, p, ba, bb: ((m, n), (n, p)),
    "batched": lambda m, n, p, ba, bb: (ba + (m, n), bb + (n, p)),
    "batched_vector": lambda m, n, p, ba, bb: (ba + (m, n), (n,)),
    "vector_batched": lambda m, n, p, ba, bb: ((n,), bb + (n, p)),
}


@pytest.mark.parametrize("kind", MATMUL_KINDS)
@given(m=sides, n=sides, p=sides, seed=seeds, needs=st.sampled_from(["both", "left", "right"]),
       batch=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2, max_side=3))
def test_matmul(kind, m, n, p, batch, seed, needs):
    sa, sb = MATMUL_KINDS[kind](m, n, p, *batch.input_shapes)
    a = (leaf if needs != "right" else const)(uniform(seed, sa))
    b = (leaf if needs != "left" else const)(uniform(seed + 1, sb))
    np.testing.assert_allclose((a @ b).numpy(), np.matmul(a.numpy(), b.numpy()), rtol=1e-12)
    np.testing.assert_allclose(a.matmul(b).numpy(), np.matmul(a.numpy(), b.numpy()), rtol=1e-12)
    check(lambda a, b: a @ b, a, b)


# ---------------------------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------------------------

def _np_logsumexp(a, axis, keepdims):
    m = a.max(axis=axis, keepdims=True)
    out = np.log(np.exp(a - m).sum(axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


REDUCTIONS = [  # name, tinygrad call, NumPy reference, domain, smallest reduced size
    ("sum", lambda x, d, k: x.sum(d, keepdim=k), lambda a, d, k: a.sum(d, keepdims=k), "any", 1),
    ("mean", lambda x, d, k: x.mean(d, keepdim=k), lambda a, d, k: a.mean(d, keepdims=k), "any", 1),
    ("amax", lambda x, d, k: x.amax(d, keepdim=k), lambda a, d, k: a.max(d, keepdims=k), "distinct", 1),
    ("amin", lambda x, d, k: x.amin(d, keepdim=k), lambda a, d, k: a.min(d, keepdims=k), "distinct", 1),
    ("var", lambda x, d, k: x.var(d, keepdim=k), lambda a, d, k: a.var(d, ddof=1, keepdims=k), "any", 2),
    ("var_correction_0", lambda x, d, k: x.var(d, correction=0, keepdim=k),
     lambda a, d, k: a.var(d, keepdims=k), "any", 1),
    ("var_unbiased_false", lambda x, d, k: x.var(d, keepdim=k, unbiased=False),
     lambda a, d, k: a.var(d, keepdims=k), "any", 1),
    ("std", lambda x, d, k: x.std(d, keepdim=k), lambda a, d, k: a.std(d, ddof=1, keepdims=k), "distinct", 2),
    ("std_correction_0", lambda x, d, k: x.std(d, correction=0, keepdim=k),
     lambda a, d, k: a.std(d, keepdims=k), "distinct", 2),
    ("logsumexp", lambda x, d, k: x.logsumexp(d, keepdim=k), _np_logsumexp, "any", 1),
]


@pytest.mark.parametrize("name, fn, ref, domain, min_n", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@given(sd=shape_and_dims(), keepdim=st.booleans(), seed=seeds)
def test_reduction(name, fn, ref, domain, min_n, sd, keepdim, seed):
    shape, dim = sd
    assume(reduced_size(shape, dim) >= min_n)
    x = leaf(DOMAINS[domain](seed, shape))
    out = fn(x, dim, keepdim)
    expected = np.asarray(ref(x.numpy(), np_axis(dim), keepdim))
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10, atol=1e-12)
    check(lambda x: fn(x, dim, keepdim), x)


@pytest.mark.parametrize("which", ["max", "min"])
@given(shape=shapes(), seed=seeds)
def test_max_min_without_dim(which, shape, seed):
    x = leaf(distinct(seed, shape))
    out = getattr(x, which)()
    assert out.shape == () and out.item() == getattr(np, which)(x.numpy())
    check(lambda x: getattr(x, which)(), x)


@pytest.mark.parametrize("which", ["max", "min"])
@given(sd=shape_and_dims(allow_none=False, allow_tuple=False), keepdim=st.booleans(), seed=seeds)
def test_max_min_with_dim(which, sd, keepdim, seed):
    shape, dim = sd
    x = leaf(distinct(seed, shape))
    values, indices = getattr(x, which)(dim, keepdim=keepdim)
    np.testing.assert_array_equal(values.numpy(), getattr(np, which)(x.numpy(), axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(indices.numpy(),
                                  getattr(np, "arg" + which)(x.numpy(), axis=dim, keepdims=keepdim))
    assert indices.dtype == np.int64 and not indices.requires_grad
    check(lambda x: getattr(x, which)(dim=dim, keepdim=keepdim).values, x)


@pytest.mark.parametrize("name, fn, ref", [
    ("softmax", lambda x, d: x.softmax(d), lambda a, d: np.exp(_log_softmax(a, d))),
    ("log_softmax", lambda x, d: x.log_softmax(d), _log_softmax),
    ("softmax_function", lambda x, d: tg.softmax(x, dim=d), lambda a, d: np.exp(_log_softmax(a, d))),
])
@given(sd=shape_and_dims(allow_none=False, allow_tuple=False), seed=seeds)
def test_softmax_family(name, fn, ref, sd, seed):
    shape, dim = sd
    x = leaf(uniform(seed, shape, -3, 3))
    np.testing.assert_allclose(fn(x, dim).numpy(), ref(x.numpy(), dim), rtol=1e-10, atol=1e-12)
    check(lambda x: fn(x, dim), x)


# ---------------------------------------------------------------------------------------------
# shape ops
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["reshape", "view"])
@given(shape=shapes(), data=st.data(), seed=seeds)
def test_reshape_view(method, shape, data, seed):
    target = list(data.draw(st.permutations(shape)))
    if target and data.draw(st.booleans()):
        target[data.draw(st.integers(0, len(target) - 1))] = -1
    x = leaf(uniform(seed, shape))
    np.testing.assert_array_equal(getattr(x, method)(*target).numpy(), x.numpy().reshape(target))
    np.testing.assert_array_equal(getattr(x, method)(tuple(target)).numpy(), x.numpy().reshape(target))
    check(lambda x: getattr(x, method)(tuple(target)), x)


@given(shape=shapes(min_dims=2), data=st.data(), seed=seeds)
def test_flatten(shape, data, seed):
    nd = len(shape)
    start = data.draw(st.integers(0, nd - 2))
    end = data.draw(st.integers(start + 1, nd - 1))
    start -= nd * data.draw(st.booleans())
    end -= nd * data.draw(st.booleans())
    x = leaf(uniform(seed, shape))
    s, e = start % nd, end % nd
    expected = shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:]
    np.testing.assert_array_equal(x.flatten(start, end).numpy(), x.numpy().reshape(expected))
    check(lambda x: x.flatten(start, end), x)


@given(shape=shapes(min_dims=2), data=st.data(), seed=seeds)
def test_transpose(shape, data, seed):
    nd = len(shape)
    d0, d1 = data.draw(st.lists(st.integers(-nd, nd - 1), min_size=2, max_size=2,
                                unique_by=lambda d: d % nd))
    x = leaf(uniform(seed, shape))
    np.testing.assert_array_equal(x.transpose(d0, d1).numpy(), np.swapaxes(x.numpy(), d0, d1))
    check(lambda x: x.transpose(d0, d1), x)


@given(shape=shapes(), data=st.data(), seed=seeds)
def test_permute_and_T(shape, data, seed):
    perm = tuple(data.draw(st.permutations(range(len(shape)))))
    x = leaf(uniform(seed, shape))
    if perm:  # x.permute() with no dims raises TypeError, as in PyTorch
        np.testing.assert_array_equal(x.permute(*perm).numpy(), np.transpose(x.numpy(), perm))
    np.testing.assert_array_equal(x.permute(perm).numpy(), np.transpose(x.numpy(), perm))
    np.testing.assert_array_equal(x.T.numpy(), x.numpy().T)
    check(lambda x: x.permute(perm), x)
    check(lambda x: x.T, x)


@given(shape=shapes(max_side=2), data=st.data(), seed=seeds)
def test_squeeze(shape, data, seed):
    nd = len(shape)
    dims = data.draw(st.none() | (st.integers(-nd, nd - 1) if nd else st.none())
                     | st.lists(st.integers(0, max(nd - 1, 0)), unique=True, max_size=nd).map(tuple))
    x = leaf(uniform(seed, shape))
    wanted = (range(nd) if dims is None else [dims % nd] if isinstance(dims, int)
              else [d % nd for d in dims])
    expected = tuple(s for i, s in enumerate(shape) if not (i in wanted and s == 1))
    out = x.squeeze() if dims is None else x.squeeze(dims)
    assert out.shape == expected
    np.testing.assert_array_equal(out.numpy(), x.numpy().reshape(expected))
    check(lambda x: x.squeeze() if dims is None else x.squeeze(dims), x)


@given(shape=shapes(), data=st.data(), seed=seeds)
def test_unsqueeze(shape, data, seed):
    nd = len(shape)
    dim = data.draw(st.integers(-nd - 1, nd))
    x = leaf(uniform(seed, shape))
    np.testing.assert_array_equal(x.unsqueeze(dim).numpy(), np.expand_dims(x.numpy(), dim))
    check(lambda x: x.unsqueeze(dim), x)


@given(shape=shapes(max_side=3), data=st.data(), seed=seeds)
def test_expand(shape, data, seed):
    lead = data.draw(st.lists(st.integers(1, 3), max_size=2))
    target = lead + [data.draw(st.integers(1, 3)) if s == 1 else data.draw(st.sampled_from([s, -1]))
                     for s in shape]
    full = tuple(lead) + tuple(t if t != -1 else s for t, s in zip(target[len(lead):], shape))
    x = leaf(uniform(seed, shape))
    np.testing.assert_array_equal(x.expand(*target).numpy(), np.broadcast_to(x.numpy(), full))
    np.testing.assert_array_equal(x.expand_as(Tensor(np.zeros(full))).numpy(), np.broadcast_to(x.numpy(), full))
    check(lambda x: x.expand(target), x)


@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_cat(shape, data, seed):
    nd = len(shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    sizes = data.draw(st.lists(sides, min_size=1, max_size=3))
    parts = [leaf(uniform(seed + i, shape[:dim % nd] + (n,) + shape[dim % nd + 1:]))
             for i, n in enumerate(sizes)]
    expected = np.concatenate([p.numpy() for p in parts], axis=dim)
    np.testing.assert_array_equal(tg.cat(parts, dim).numpy(), expected)
    np.testing.assert_array_equal(tg.cat(parts, dim=dim).numpy(), expected)
    check(lambda *ps: tg.cat(list(ps), dim), *parts)


@given(shape=shapes(), data=st.data(), seed=seeds)
def test_stack(shape, data, seed):
    nd = len(shape)
    dim = data.draw(st.integers(-nd - 1, nd))
    parts = [leaf(uniform(seed + i, shape)) for i in range(data.draw(st.integers(1, 3)))]
    expected = np.stack([p.numpy() for p in parts], axis=dim)
    np.testing.assert_array_equal(tg.stack(parts, dim).numpy(), expected)
    check(lambda *ps: tg.stack(list(ps), dim), *parts)


@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_pad(shape, data, seed):
    nd = len(shape)
    k = data.draw(st.integers(1, nd))
    pad = data.draw(st.lists(st.integers(0, 2), min_size=2 * k, max_size=2 * k))
    value = data.draw(st.floats(-2, 2))
    widths = [(0, 0)] * nd
    for i in range(k):  # PyTorch's F.pad order: the last dimension first
        widths[nd - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    x = leaf(uniform(seed, shape))
    expected = np.pad(x.numpy(), widths, constant_values=value)
    np.testing.assert_array_equal(x.pad(tuple(pad), value).numpy(), expected)
    check(lambda x: x.pad(tuple(pad), value=value), x)


# ---------------------------------------------------------------------------------------------
# indexing and gather
# ---------------------------------------------------------------------------------------------

@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_getitem_basic(shape, data, seed):
    """ints, slices (any step), None and Ellipsis."""
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    x = leaf(uniform(seed, shape))
    expected = x.numpy()[index]
    np.testing.assert_array_equal(x[index].numpy(), expected)
    check(lambda x: x[index], x)


def _np_index(index):
    items = index if isinstance(index, tuple) else (index,)
    items = tuple(i.numpy() if isinstance(i, Tensor) else np.asarray(i) if isinstance(i, list) else i
                  for i in items)
    return items if isinstance(index, tuple) else items[0]


def _index_grad(shape, index, w):
    """The gradient of sum(w * x[index]): each element of x collects the weights of every output
    position it was picked for (found by indexing an array of flat positions)."""
    n = int(np.prod(shape, dtype=int))
    picked = np.arange(n).reshape(shape)[_np_index(index)]
    return np.bincount(np.ravel(picked), weights=np.ravel(w), minlength=n).reshape(shape)


@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_getitem_integer_arrays_accumulate(shape, data, seed):
    """Integer-array indices (with repeats, negative entries): the gradient is the weight summed
    over every place an element was picked."""
    index = data.draw(hnp.integer_array_indices(shape, result_shape=shapes(1, 2)))
    x = leaf(uniform(seed, shape))
    np.testing.assert_array_equal(x[index].numpy(), x.numpy()[index])
    w = uniform(seed + 1, x.numpy()[index].shape)
    (x[index] * Tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), _index_grad(shape, index, w), rtol=1e-12, atol=1e-15)
    check(lambda x: x[index], x)


ADVANCED = {  # name: index for an array of shape (3, 4, 2), made from a random generator
    "list_with_repeats": lambda r: [0, 2, 0, 0],
    "negative_list": lambda r: [-1, 0, -1],
    "tensor_index": lambda r: Tensor(np.array([1, 1, 2])),
    "2d_index_array": lambda r: np.array([[0, 1], [1, 1]]),
    "second_dim": lambda r: (slice(None), [3, 3, 0]),
    "pair_of_arrays": lambda r: ([0, 2, 2], [1, 1, 3]),
    "ellipsis_array": lambda r: (Ellipsis, [1, 1]),
    "array_none_slice": lambda r: ([2, 0, 2], None, slice(1, 3)),
    "split_arrays": lambda r: ([0, 1], slice(None), [1, 1]),
    "bool_mask_full": lambda r: r.random((3, 4, 2)) < 0.5,
    "bool_mask_rows": lambda r: np.array([True, False, True]),
    "bool_mask_as_tensor": lambda r: Tensor(r.random((3, 4)) < 0.5),
    "bool_mask_then_int": lambda r: (r.random((3, 4)) < 0.5, 1),
    "bool_mask_from_comparison": lambda r: "x>0",
}


@pytest.mark.parametrize("name", ADVANCED)
@given(seed=seeds)
def test_getitem_advanced(name, seed):
    x = leaf(uniform(seed, (3, 4, 2)))
    index = ADVANCED[name](rng_of(seed + 1))
    index = x > 0 if isinstance(index, str) else index
    expected = x.numpy()[_np_index(index)]
    np.testing.assert_array_equal(x[index].numpy(), expected)
    w = uniform(seed + 2, expected.shape)
    (x[index] * Tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), _index_grad(x.shape, index, w), rtol=1e-12, atol=1e-15)
    check(lambda x: x[index], x)


def test_repeated_index_counts():
    x = leaf([1.0, 2.0, 3.0])
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0])


@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_gather(shape, data, seed):
    nd = len(shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    ishape = tuple(data.draw(st.integers(1, 4)) if i == dim % nd else data.draw(st.integers(1, s))
                   for i, s in enumerate(shape))
    index = rng_of(seed).integers(0, shape[dim], ishape)
    x = leaf(uniform(seed + 1, shape))
    expected = np.empty(ishape)
    for pos in np.ndindex(*ishape):
        src = list(pos)
        src[dim % nd] = index[pos]
        expected[pos] = x.numpy()[tuple(src)]
    np.testing.assert_array_equal(x.gather(dim, Tensor(index)).numpy(), expected)
    np.testing.assert_array_equal(tg.gather(x, dim, Tensor(index)).numpy(), expected)
    check(lambda x: x.gather(dim, Tensor(index)), x)


# ---------------------------------------------------------------------------------------------
# fused layers: Linear and CrossEntropy
# ---------------------------------------------------------------------------------------------

@given(batch=shapes(0, 2), n_in=sides, n_out=sides, bias=st.booleans(), seed=seeds)
def test_linear(batch, n_in, n_out, bias, seed):
    x = leaf(uniform(seed, batch + (n_in,)))
    w = leaf(uniform(seed + 1, (n_out, n_in)))
    args = (x, w) + ((leaf(uniform(seed + 2, (n_out,))),) if bias else ())
    expected = x.numpy() @ w.numpy().T + (args[2].numpy() if bias else 0)
    np.testing.assert_allclose(primitives.Linear.apply(*args).numpy(), expected, rtol=1e-12)
    check(lambda *a: primitives.Linear.apply(*a), *args)


def _np_cross_entropy(x, target, reduction, smoothing):
    logp = _log_softmax(x, 1)
    n, c = x.shape
    loss = -(1 - smoothing) * logp[np.arange(n), target] - smoothing / c * logp.sum(1)
    return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]


@given(n=sides, c=st.integers(1, 5), reduction=st.sampled_from(["mean", "sum", "none"]),
       smoothing=st.sampled_from([0.0, 0.1, 0.3]), seed=seeds)
def test_cross_entropy(n, c, reduction, smoothing, seed):
    x = leaf(uniform(seed, (n, c), -3, 3))
    target = rng_of(seed).integers(0, c, n).astype(np.int64)
    fn = lambda x: primitives.CrossEntropy.apply(x, target=target, reduction=reduction,  # noqa: E731
                                          label_smoothing=smoothing)
    np.testing.assert_allclose(fn(x).numpy(), _np_cross_entropy(x.numpy(), target, reduction, smoothing),
                               rtol=1e-10, atol=1e-12)
    check(fn, x)


# ---------------------------------------------------------------------------------------------
# second derivatives
# ---------------------------------------------------------------------------------------------

def _u(*shape):
    return lambda rng: rng.uniform(-1.5, 1.5, shape)


def _p(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def _nz(*shape):
    return lambda rng: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 1.5, shape)


def _d(*shape):
    return lambda rng: distinct(int(rng.integers(2 ** 31)), shape)


_TARGET = np.array([2, 0])

GRADGRAD = [  # name, function, input makers
    ("add", lambda a, b: (a + b) ** 2, [_u(2, 3), _u(3)]),
    ("sub", lambda a, b: (a - b) ** 2, [_u(2, 3), _u(2, 1)]),
    ("mul", lambda a, b: a * b, [_u(2, 3), _u(3)]),
    ("div", lambda a, b: a / b, [_u(2, 3), _p(2, 1)]),
    ("pow_tensor", lambda a, b: a ** b, [_p(2, 3), _u(3)]),
    ("pow_scalar", lambda a: a ** 3 + a ** -1.5 + a ** 0.5, [_p(2, 3)]),
    ("rpow", lambda a: 2.0 ** a, [_u(2, 3)]),
    ("rdiv", lambda a: 1.5 / a, [_p(2, 3)]),
    ("exp", lambda a: a.exp(), [_u(2, 3)]),
    ("log", lambda a: a.log(), [_p(2, 3)]),
    ("sqrt", lambda a: a.sqrt(), [_p(2, 3)]),
    ("sin", lambda a: a.sin(), [_u(2, 3)]),
    ("cos", lambda a: a.cos(), [_u(2, 3)]),
    ("erf", lambda a: a.erf(), [_u(2, 3)]),
    ("tanh", lambda a: a.tanh(), [_u(2, 3)]),
    ("sigmoid", lambda a: a.sigmoid(), [_u(2, 3)]),
    ("silu", lambda a: a.silu(), [_u(2, 3)]),
    ("gelu", lambda a: a.gelu(), [_u(2, 3)]),
    ("gelu_tanh", lambda a: a.gelu(approximate="tanh"), [_u(2, 3)]),
    ("softmax", lambda a: a.softmax(-1), [_u(2, 3)]),
    ("log_softmax", lambda a: a.log_softmax(0), [_u(2, 3)]),
    ("logsumexp", lambda a: a.logsumexp(1), [_u(2, 3)]),
    ("sum", lambda a: a.sum(0) ** 2, [_u(2, 3)]),
    ("mean", lambda a: a.mean(1, keepdim=True) ** 2, [_u(2, 3)]),
    ("var", lambda a: a.var(1), [_u(2, 3)]),
    ("std", lambda a: a.std(), [_u(2, 3)]),
    ("amax", lambda a: a.amax(1) ** 2, [_d(2, 3)]),
    ("max_dim", lambda a: a.max(0).values ** 2, [_d(2, 3)]),
    ("matmul", lambda a, b: a @ b, [_u(2, 3), _u(3, 2)]),
    ("matmul_batched_vector", lambda a, b: (a @ b) ** 2, [_u(2, 2, 3), _u(3)]),
    ("linear", lambda x, w, b: primitives.Linear.apply(x, w, b) ** 2, [_u(2, 3), _u(2, 3), _u(2)]),
    ("cross_entropy", lambda x: primitives.CrossEntropy.apply(x, target=_TARGET, label_smoothing=0.1),
     [_u(2, 3)]),
    ("linear_no_bias", lambda x, w: primitives.Linear.apply(x, w) ** 2, [_u(3), _u(2, 3)]),
    ("cross_entropy_sum", lambda x: primitives.CrossEntropy.apply(x, target=_TARGET, reduction="sum"), [_u(2, 3)]),
    ("cross_entropy_none", lambda x: primitives.CrossEntropy.apply(x, target=_TARGET, reduction="none"),
     [_u(2, 3)]),
    ("getitem", lambda a: a[[0, 0, 1], 1:] ** 2, [_u(2, 3)]),
    ("getitem_mask", lambda a: a[Tensor(np.array([[True, False, True], [False, True, True]]))] ** 2,
     [_u(2, 3)]),
    ("gather", lambda a: a.gather(1, Tensor(np.array([[0, 0], [2, 1]]))) ** 2, [_u(2, 3)]),
    ("cat_stack", lambda a, b: tg.cat([a, b], 1) ** 2 + tg.stack([a, a]).sum(0).sum(1, keepdim=True) ** 2,
     [_u(2, 3), _u(2, 1)]),
    ("pad_expand_permute", lambda a: a.pad((1, 0)).expand(2, 2, 4).permute(2, 0, 1).reshape(-1) ** 2,
     [_u(2, 3)]),
    ("relu", lambda a: a.relu() ** 2, [_nz(2, 3)]),
    ("leaky_relu", lambda a: a.leaky_relu(0.2) ** 2, [_nz(2, 3)]),
    ("abs", lambda a: a.abs() ** 3, [_nz(2, 3)]),
    ("clamp", lambda a: a.clamp(-0.1, 0.1) ** 2 + a, [_nz(2, 3)]),
    ("maximum", lambda a, b: a.maximum(b) ** 2, [lambda r: interleaved(1, (2, 3), 0),
                                                  lambda r: interleaved(2, (3,), 1)]),
    ("minimum", lambda a, b: a.minimum(b) ** 2, [lambda r: interleaved(1, (2, 3), 0),
                                                  lambda r: interleaved(2, (3,), 1)]),
    ("where", lambda a, b: tg.where(Tensor(np.array([True, False, True])), a, b) ** 2, [_u(2, 3), _u(3)]),
]


@pytest.mark.parametrize("name, fn, makers", GRADGRAD, ids=[g[0] for g in GRADGRAD])
def test_gradgradcheck(name, fn, makers):
    rng = np.random.default_rng(7)
    inputs = [leaf(make(rng)) for make in makers]
    assert tg.gradgradcheck(fn, inputs)


# ---------------------------------------------------------------------------------------------
# closed-form derivatives
# ---------------------------------------------------------------------------------------------

@given(shape=shapes(), seed=seeds)
def test_sigmoid_and_tanh_derivatives(shape, seed):
    x = leaf(uniform(seed, shape, -4, 4))
    s, t = x.sigmoid(), x.tanh()
    (s + t).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), s.numpy() * (1 - s.numpy()) + (1 - t.numpy() ** 2), rtol=1e-12)


def _jacobian_rows(fn, x):
    """Row i of the Jacobian of fn at the vector x: the gradient with a one-hot grad_outputs."""
    out = fn(x)
    rows = [grad(out, x, grad_outputs=Tensor(np.eye(out.shape[0])[i]), retain_graph=True)[0].numpy()
            for i in range(out.shape[0])]
    return out.numpy(), np.stack(rows)


@given(n=st.integers(1, 6), seed=seeds)
def test_softmax_jacobian(n, seed):
    s, jac = _jacobian_rows(lambda x: x.softmax(0), leaf(uniform(seed, (n,), -3, 3)))
    np.testing.assert_allclose(jac, np.diag(s) - np.outer(s, s), atol=1e-14)


@given(n=st.integers(1, 6), seed=seeds)
def test_log_softmax_jacobian(n, seed):
    x = leaf(uniform(seed, (n,), -3, 3))
    _, jac = _jacobian_rows(lambda x: x.log_softmax(-1), x)
    s = np.exp(x.numpy() - x.numpy().max()) / np.exp(x.numpy() - x.numpy().max()).sum()
    np.testing.assert_allclose(jac, np.eye(n) - np.outer(np.ones(n), s), atol=1e-14)


@given(m=sides, n=sides, p=sides, seed=seeds)
def test_matmul_gradients_closed_form(m, n, p, seed):
    a, b = leaf(uniform(seed, (m, n))), leaf(uniform(seed + 1, (n, p)))
    g = uniform(seed + 2, (m, p))
    (a @ b).backward(Tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), g @ b.numpy().T, rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), a.numpy().T @ g, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# ties: the documented gradient rules
# ---------------------------------------------------------------------------------------------

TIED = np.array([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]])

TIES = [  # name, function, expected gradient of sum(function(x))
    ("amax_all", lambda x: x.amax(), [[0.5, 0, 0.5], [0, 0, 0]]),
    ("max_no_dim", lambda x: x.max(), [[0.5, 0, 0.5], [0, 0, 0]]),
    ("amax_dim", lambda x: x.amax(1), [[0.5, 0, 0.5], [1 / 3, 1 / 3, 1 / 3]]),
    ("amax_dims_keepdim", lambda x: x.amax((0, 1), keepdim=True), [[0.5, 0, 0.5], [0, 0, 0]]),
    ("amin_all", lambda x: (-x).amin(), [[-0.5, 0, -0.5], [0, 0, 0]]),
    ("min_no_dim", lambda x: (-x).min(), [[-0.5, 0, -0.5], [0, 0, 0]]),
    ("amin_dim", lambda x: x.amin(1), [[0, 1, 0], [1 / 3, 1 / 3, 1 / 3]]),
    ("amin_dim0", lambda x: x.T.amin(0), [[0, 1, 0], [1 / 3, 1 / 3, 1 / 3]]),
    ("max_dim_first_index", lambda x: x.max(1).values, [[1, 0, 0], [1, 0, 0]]),
    ("max_dim_keepdim", lambda x: x.max(1, keepdim=True).values, [[1, 0, 0], [1, 0, 0]]),
    ("min_dim_first_index", lambda x: x.min(1).values, [[0, 1, 0], [1, 0, 0]]),
    ("max_dim0", lambda x: x.T.max(0).values, [[1, 0, 0], [1, 0, 0]]),
]


@pytest.mark.parametrize("name, fn, expected", TIES, ids=[t[0] for t in TIES])
def test_tie_gradients(name, fn, expected):
    x = leaf(TIED)
    fn(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), expected, atol=1e-15)


def test_max_min_dim_indices_are_first_occurrence():
    x = Tensor(TIED)
    np.testing.assert_array_equal(x.max(1).indices.numpy(), [0, 0])
    np.testing.assert_array_equal(x.min(1).indices.numpy(), [1, 0])
    np.testing.assert_array_equal(x.argmax(1).numpy(), [0, 0])


@pytest.mark.parametrize("which, grad_x, grad_y", [
    ("maximum", [0.0, 0.5, 1.0], [1.0, 0.5, 0.0]),
    ("minimum", [1.0, 0.5, 0.0], [0.0, 0.5, 1.0]),
])
@pytest.mark.parametrize("y_kind", ["tensor", "constant_tensor", "zero_dim"])
def test_maximum_minimum_ties_split_evenly(which, grad_x, grad_y, y_kind):
    x = leaf([1.0, 2.0, 3.0])
    y = {"tensor": leaf([2.0, 2.0, 2.0]), "constant_tensor": Tensor(np.full(3, 2.0)),
         "zero_dim": Tensor(2.0, dtype=np.float64)}[y_kind]  # PyTorch refuses a Python number
    getattr(x, which)(y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), grad_x)
    if y_kind == "tensor":
        np.testing.assert_allclose(y.grad.numpy(), grad_y)


# ---------------------------------------------------------------------------------------------
# numerical stability: ±1000 give no warnings and no NaN, in float32 and float64
# ---------------------------------------------------------------------------------------------

BIG = [-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0]

STABLE = [  # name, function, expected values at BIG (None: only finiteness)
    ("sigmoid", lambda x: x.sigmoid(), [0, _sigmoid(-30.0), _sigmoid(-1.0), 0.5, _sigmoid(1.0), 1, 1]),
    ("tanh", lambda x: x.tanh(), np.tanh(BIG)),
    ("softmax", lambda x: x.softmax(-1), None),
    ("log_softmax", lambda x: x.log_softmax(-1), None),
    ("logsumexp", lambda x: x.logsumexp(-1), 1000.0),
    ("silu", lambda x: x.silu(), [0, -30 * _sigmoid(-30.0), -_sigmoid(-1.0), 0, _sigmoid(1.0), 30, 1000]),
    ("gelu", lambda x: x.gelu(), None),
    ("gelu_tanh", lambda x: x.gelu(approximate="tanh"), None),
    ("cross_entropy_target_big", lambda x: primitives.CrossEntropy.apply(x.reshape(1, -1), target=np.array([6])),
     0.0),
    ("cross_entropy_target_small", lambda x: primitives.CrossEntropy.apply(
        x.reshape(1, -1), target=np.array([0]), label_smoothing=0.1), None),
    ("cross_entropy_none", lambda x: primitives.CrossEntropy.apply(
        tg.cat([x.reshape(-1, 1), -x.reshape(-1, 1)], 1), target=np.zeros(7, np.int64),
        reduction="none"), None),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, fn, expected", STABLE, ids=[s[0] for s in STABLE])
def test_stable_at_plus_minus_1000(name, fn, expected, dtype):
    """Underflow to 0 (e.g. exp(-2000)) is the correct result and NumPy ignores it by default; an
    overflow, a division by zero or an invalid operation would raise here."""
    x = Tensor(np.array(BIG, dtype=dtype), requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        out = fn(x)
        out.backward(Tensor(np.ones(out.shape, dtype)))
    assert np.all(np.isfinite(out.numpy())) and np.all(np.isfinite(x.grad.numpy()))
    assert out.dtype == dtype and x.grad.dtype == dtype
    if expected is not None:
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)


def test_log_softmax_and_cross_entropy_values_at_1000():
    x = Tensor(np.array([[1000.0, -1000.0]], np.float32), requires_grad=True)
    np.testing.assert_allclose(x.log_softmax(-1).numpy(), [[0.0, -2000.0]])
    np.testing.assert_allclose(x.softmax(-1).numpy(), [[1.0, 0.0]])
    loss = primitives.CrossEntropy.apply(x, target=np.array([1]))
    loss.backward()
    np.testing.assert_allclose(loss.numpy(), 2000.0)
    np.testing.assert_allclose(x.grad.numpy(), [[1.0, -1.0]])


# ---------------------------------------------------------------------------------------------
# gradcheck itself: it must be able to fail
# ---------------------------------------------------------------------------------------------

class _WrongSquare(Function):
    def forward(self, x):
        return x * x

    def backward(self, g, out, x):
        return (g * x,)  # should be 2x


def test_gradcheck_catches_a_wrong_backward():
    x = leaf([0.5, -1.0, 2.0])
    with pytest.raises(tg.GradcheckError, match="input 0"):
        tg.gradcheck(lambda x: _WrongSquare.apply(x), (x,))
    assert tg.gradcheck(lambda x: _WrongSquare.apply(x), (x,), raise_exception=False) is False


def test_gradgradcheck_catches_a_wrong_second_derivative():
    class WrongCube(Function):  # the first derivative is right; the recorded one treats x as constant
        def forward(self, x):
            return x ** 3

        def backward(self, g, out, x):
            return (g * 3 * Tensor(x.numpy()) ** 2 if isinstance(x, Tensor) else g * 3 * x ** 2,)

    x = leaf([0.5, -1.0, 2.0])
    assert tg.gradcheck(lambda x: WrongCube.apply(x), (x,))
    with pytest.raises(tg.GradcheckError):
        tg.gradgradcheck(lambda x: WrongCube.apply(x), (x,))


def test_gradcheck_needs_float64():
    with pytest.raises(TypeError, match="float64"):
        tg.gradcheck(lambda x: x * 2, (Tensor(np.ones(2, np.float32), requires_grad=True),))


def test_gradcheck_works_on_non_contiguous_inputs():
    x = Tensor(np.arange(1.0, 7.0).reshape(2, 3).T, requires_grad=True)  # a transposed view
    assert tg.gradcheck(lambda x: x * x, (x,))


def test_gradcheck_fails_when_the_numerical_derivative_is_nan():
    """sqrt(x - 1) just above 1: the analytic derivative is finite, but x - eps < 1 makes the
    finite difference NaN, so nothing was verified and gradcheck must not report success."""
    x = leaf([1.0 + 1e-7])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert tg.gradcheck(lambda x: (x - 1.0).sqrt(), (x,), raise_exception=False) is False


@given(shape=shapes(min_dims=2, max_dims=2), seed=seeds, transposed=st.booleans())
def test_binary_cross_entropy_gradient(shape, seed, transposed):
    """Fused BCE against central differences in both arguments, also on transposed
    (non-contiguous) inputs, and against its closed form."""
    rng = rng_of(seed)
    p, y = rng.uniform(0.05, 0.95, shape), rng.uniform(0, 1, shape)
    if transposed:
        p, y = p.T, y.T  # leaves that share the transposed memory
    inputs = [Tensor(a, requires_grad=True) for a in (p, y)]
    assert inputs[0].numpy().flags.c_contiguous != transposed or min(shape) == 1
    check(lambda p, y: tg.nn.functional.binary_cross_entropy(p, y, reduction="none"), *inputs)
    pt = Tensor(p, requires_grad=True)
    tg.nn.functional.binary_cross_entropy(pt, Tensor(y), reduction="sum").backward()
    np.testing.assert_allclose(pt.grad.numpy(), (p - y) / (p * (1 - p)), rtol=1e-12)
