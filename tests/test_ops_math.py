"""Elementwise math (issue 16): values against NumPy and hand-derived results, gradients against
central differences (float64 gradcheck) over Hypothesis shapes, broadcasts and non-contiguous
inputs, closed-form derivatives, PyTorch's dtype rules (promotion, wrap-around, integer division,
refused dtypes), in-place variants and ``out=``."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite import Tensor
from tinygrad_lite.arguments import DTypeError, UnsupportedDTypeError
from tinygrad_lite.ops.operands import promote_types, result_type

from helpers import away, check, leaf, positive, rng_of, seeds, shapes, uniform

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _in(lo, hi):
    return lambda seed, shape: uniform(seed, shape, lo, hi)


DOMAINS = {
    "any": _in(-2.0, 2.0), "unit": _in(-0.9, 0.9), "above1": _in(1.1, 3.0), "prob": _in(0.05, 0.95),
    "positive": positive, "nonzero": lambda seed, shape: away(seed, shape, (0.0,)),
    "fractional": lambda seed, shape: away(seed, shape, (-2.0, -1.0, 0.0, 1.0, 2.0), gap=0.1, lo=-2.5, hi=2.5),
}

# name, function, NumPy reference, input domain
UNARY = [
    ("tan", lambda x: x.tan(), np.tan, "unit"),
    ("asin", lambda x: tg.asin(x), np.arcsin, "unit"),
    ("acos", lambda x: x.acos(), np.arccos, "unit"),
    ("atan", lambda x: tg.atan(x), np.arctan, "any"),
    ("sinh", lambda x: x.sinh(), np.sinh, "any"),
    ("cosh", lambda x: tg.cosh(x), np.cosh, "any"),
    ("asinh", lambda x: x.asinh(), np.arcsinh, "any"),
    ("acosh", lambda x: tg.acosh(x), np.arccosh, "above1"),
    ("atanh", lambda x: x.atanh(), np.arctanh, "unit"),
    ("log2", lambda x: tg.log2(x), np.log2, "positive"),
    ("log10", lambda x: x.log10(), np.log10, "positive"),
    ("log1p", lambda x: tg.log1p(x), np.log1p, "positive"),
    ("exp2", lambda x: x.exp2(), np.exp2, "any"),
    ("expm1", lambda x: tg.expm1(x), np.expm1, "any"),
    ("rsqrt", lambda x: x.rsqrt(), lambda a: 1 / np.sqrt(a), "positive"),
    ("reciprocal", lambda x: tg.reciprocal(x), lambda a: 1 / a, "nonzero"),
    ("square", lambda x: x.square(), np.square, "any"),
    ("frac", lambda x: tg.frac(x), lambda a: a - np.trunc(a), "fractional"),
    ("logit", lambda x: x.logit(), lambda a: np.log(a / (1 - a)), "prob"),
    ("logit_eps", lambda x: tg.logit(x, eps=0.01), lambda a: np.log(a / (1 - a)), "prob"),
    ("erfinv", lambda x: x.erfinv(), None, "unit"),
    ("nan_to_num", lambda x: tg.nan_to_num(x), lambda a: a, "any"),
    ("silu", lambda x: x.silu(), lambda a: a / (1 + np.exp(-a)), "any"),
    ("clamp_min", lambda x: tg.clamp_min(x, 0.3), lambda a: np.maximum(a, 0.3),
     lambda seed, shape: away(seed, shape, (0.3,))),
    ("clamp_max", lambda x: x.clamp_max(0.3), lambda a: np.minimum(a, 0.3),
     lambda seed, shape: away(seed, shape, (0.3,))),
]


def _domain(domain):
    return DOMAINS[domain] if isinstance(domain, str) else domain


@pytest.mark.parametrize("name, fn, ref, domain", UNARY, ids=[u[0] for u in UNARY])
@given(shape=shapes(), seed=seeds)
def test_unary_values_and_gradients(name, fn, ref, domain, shape, seed):
    x = leaf(_domain(domain)(seed, shape))
    out = fn(x)
    assert out.shape == shape and out.dtype == np.float64
    if ref is not None:
        np.testing.assert_allclose(out.numpy(), ref(x.numpy()), rtol=1e-12, atol=1e-12)
    check(fn, x)


@pytest.mark.parametrize("name, fn, ref, domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_non_contiguous(name, fn, ref, domain):
    base = _domain(domain)(3, (4, 6))
    for view in (leaf(base).T, leaf(base)[:, ::2]):  # transposed and strided leaves' views
        check(fn, view)


@given(shape=shapes(), seed=seeds)
def test_erfinv_inverts_erf(shape, seed):
    y = uniform(seed, shape, -0.999, 0.999)
    x = tg.erfinv(Tensor(y))
    np.testing.assert_allclose(_erf(x.numpy()), y, rtol=0, atol=1e-15)
    x32 = tg.erfinv(Tensor(y.astype(np.float32)))
    assert x32.dtype == np.float32
    np.testing.assert_allclose(x32.numpy(), x.numpy(), rtol=1e-6, atol=1e-6)


def test_erfinv_edges():
    np.testing.assert_array_equal(tg.erfinv(Tensor([1.0, -1.0, 0.0, 1.5])).numpy(), [np.inf, -np.inf, 0.0, np.nan])


@given(shape=shapes(), seed=seeds)
def test_closed_form_derivatives(shape, seed):
    """erfinv' = sqrt(pi)/2 exp(erfinv²), logit' = 1 / (x (1 - x)), atanh' = 1 / (1 - x²)."""
    y = uniform(seed, shape, -0.9, 0.9)
    for fn, derivative in ((tg.erfinv, lambda a, out: math.sqrt(math.pi) / 2 * np.exp(out ** 2)),
                           (tg.atanh, lambda a, out: 1 / (1 - a * a)),
                           (lambda t: tg.logit(t * 0.5 + 0.5), lambda a, out: 0.5 / ((a * 0.5 + 0.5) * (0.5 - a * 0.5)))):
        x = leaf(y)
        out = fn(x)
        out.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), derivative(y, out.numpy()), rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# functions of two tensors, broadcast
# ---------------------------------------------------------------------------------------------

BINARY = [
    ("atan2", lambda a, b: tg.atan2(a, b), np.arctan2, "any", "nonzero"),
    ("arctan2", lambda a, b: a.arctan2(b), np.arctan2, "nonzero", "any"),
    ("hypot", lambda a, b: a.hypot(b), np.hypot, "nonzero", "nonzero"),
    ("logaddexp", lambda a, b: tg.logaddexp(a, b), np.logaddexp, "any", "any"),
    ("copysign", lambda a, b: tg.copysign(a, b), np.copysign, "nonzero", "nonzero"),
    ("xlogy", lambda a, b: a.xlogy(b), lambda a, b: a * np.log(b), "any", "positive"),
    ("lerp", lambda a, b: tg.lerp(a, b, 0.3), lambda a, b: a + 0.3 * (b - a), "any", "any"),
    ("lerp_above_half", lambda a, b: a.lerp(b, 0.8), lambda a, b: a + 0.8 * (b - a), "any", "any"),
]


@pytest.mark.parametrize("name, fn, ref, dom_a, dom_b", BINARY, ids=[b[0] for b in BINARY])
@given(bs=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3),
       seed=seeds)
def test_binary_broadcast(name, fn, ref, dom_a, dom_b, bs, seed):
    sa, sb = bs.input_shapes
    a, b = leaf(DOMAINS[dom_a](seed, sa)), leaf(DOMAINS[dom_b](seed + 1, sb))
    out = fn(a, b)
    assert out.shape == bs.result_shape
    np.testing.assert_allclose(out.numpy(), ref(a.numpy(), b.numpy()), rtol=1e-12, atol=1e-12)
    check(fn, a, b)


@pytest.mark.parametrize("name, fn", [("fmod", tg.fmod), ("remainder", tg.remainder)])
@given(shape=shapes(min_dims=1), seed=seeds)
def test_fmod_remainder_values_and_gradients(name, fn, shape, seed):
    """Values against NumPy; gradients 1 and -trunc(a / b) (fmod) or -floor(a / b) (remainder)."""
    rng = rng_of(seed)
    b = rng.uniform(1.0, 2.0, shape) * rng.choice([-1, 1], shape)
    a = (rng.integers(-3, 4, shape) + rng.uniform(0.2, 0.8, shape)) * b  # a / b away from integers
    ta, tb = leaf(a), leaf(b)
    out = fn(ta, tb)
    np.testing.assert_allclose(out.numpy(), np.fmod(a, b) if name == "fmod" else np.remainder(a, b), rtol=1e-12)
    out.sum().backward()
    np.testing.assert_allclose(ta.grad.numpy(), np.ones(shape))
    rounded = np.trunc(a / b) if name == "fmod" else np.floor(a / b)
    np.testing.assert_allclose(tb.grad.numpy(), -rounded)
    check(fn, leaf(a), leaf(b))
    check(lambda x, y: fn(x.T, y.T), leaf(a.T.copy()), leaf(b.T.copy()))  # non-contiguous


@given(shape=shapes(), seed=seeds)
def test_lerp_tensor_weight_gradients(shape, seed):
    """lerp's gradients: 1 - w for start, w for end, end - start for the weight."""
    s, e, w = (leaf(uniform(seed + i, shape)) for i in range(3))
    tg.lerp(s, e, w).sum().backward()
    np.testing.assert_allclose(s.grad.numpy(), 1 - w.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(e.grad.numpy(), w.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), e.numpy() - s.numpy(), rtol=1e-12, atol=1e-12)
    check(lambda a, b, c: a.lerp(b, c), *(leaf(uniform(seed + i, shape)) for i in range(3)))


def test_lerp_is_exact_at_the_ends():
    start, end = Tensor([0.1, 1e8]), Tensor([0.7, -3.0])
    np.testing.assert_array_equal(tg.lerp(start, end, 1.0).numpy(), end.numpy())
    np.testing.assert_array_equal(tg.lerp(start, end, 0.0).numpy(), start.numpy())


@given(shape=shapes(), seed=seeds)
def test_logaddexp_gradients_are_softmax_weights(shape, seed):
    a, b = leaf(uniform(seed, shape, -5, 5)), leaf(uniform(seed + 1, shape, -5, 5))
    tg.logaddexp(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 1 / (1 + np.exp(b.numpy() - a.numpy())), rtol=1e-12)
    np.testing.assert_allclose(a.grad.numpy() + b.grad.numpy(), 1.0, rtol=1e-12)


def test_logaddexp_is_stable():
    np.testing.assert_allclose(tg.logaddexp(Tensor([1000.0, -1000.0]), Tensor([1000.0, -1000.0])).numpy(),
                               [1000 + math.log(2), -1000 + math.log(2)], rtol=1e-6)


def test_xlogy_at_zero():
    """0 · log(y) is 0 (even for y = 0), except for y NaN; its gradient for x is log(y), 0 where
    x = 0 and y <= 0 (PyTorch's rule), and x / y for y."""
    x, y = leaf([0.0, 0.0, 0.0, 2.0]), leaf([0.0, 3.0, np.nan, 4.0])
    out = tg.xlogy(x, y)
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0, np.nan, 2 * math.log(4)])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, math.log(3), np.nan, math.log(4)])
    np.testing.assert_allclose(y.grad.numpy(), [np.nan, 0.0, np.nan, 0.5])


def test_copysign_gradient_is_zero_where_input_is_zero():
    x = leaf([0.0, 2.0, -3.0])
    tg.copysign(x, Tensor([-1.0, -1.0, -1.0], dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, -1.0, 1.0])


GRADGRAD = [
    ("tan", lambda a: a.tan(), "unit"), ("asinh", lambda a: a.asinh(), "any"),
    ("erfinv", lambda a: a.erfinv(), "unit"), ("silu", lambda a: a.silu(), "any"),
    ("logit", lambda a: a.logit(), "prob"), ("rsqrt", lambda a: a.rsqrt(), "positive"),
]


@pytest.mark.parametrize("name, fn, domain", GRADGRAD, ids=[g[0] for g in GRADGRAD])
def test_second_derivatives(name, fn, domain):
    assert tg.gradgradcheck(fn, [leaf(DOMAINS[domain](5, (2, 3)))])


def test_second_derivatives_of_binary_functions():
    a, b = leaf(uniform(1, (2, 3))), leaf(positive(2, (3,)))
    for fn in (tg.atan2, tg.hypot, tg.logaddexp, tg.xlogy, lambda x, y: tg.lerp(x, y, 0.3)):
        assert tg.gradgradcheck(fn, [a, b])


# ---------------------------------------------------------------------------------------------
# rounding and division: zero gradients, PyTorch's integer semantics
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [tg.floor, tg.ceil, tg.trunc, tg.round, lambda x: x.round(decimals=2),
                                lambda x: x // 0.7, lambda x: tg.div(x, 0.7, rounding_mode="trunc")],
                         ids=["floor", "ceil", "trunc", "round", "round_decimals", "floordiv", "div_trunc"])
def test_rounding_has_zero_gradient(fn):
    x = leaf(uniform(0, (3, 4), -3, 3))
    fn(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((3, 4)))


def test_rounding_values():
    x = Tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.567])
    np.testing.assert_array_equal(tg.round(x).numpy(), np.float32([-2, -2, -0, 0, 2, 3]))  # halves to even
    np.testing.assert_allclose(x.round(decimals=1).numpy(), np.float32([-2.5, -1.5, -0.5, 0.5, 1.5, 2.6]))
    np.testing.assert_array_equal(tg.round(Tensor([1234.5]), decimals=-2).numpy(), [1200.0])
    np.testing.assert_array_equal(x.floor().numpy(), np.floor(x.numpy()))
    np.testing.assert_array_equal(x.frac().numpy(), x.numpy() - np.trunc(x.numpy()))
    ints = Tensor([3, -7], dtype=np.int8)
    assert tg.floor(ints).dtype == np.int8 and tg.round(ints).tolist() == [3, -7]


@pytest.mark.parametrize("a, b", [(7, 2), (-7, 2), (7, -2), (-7, -2), (6, 3), (-6, 4), (0, -5)])
def test_integer_division_as_python_and_c(a, b):
    """// and remainder round toward -inf (Python); div 'trunc' and fmod toward zero (C)."""
    ta, tb = Tensor([a]), Tensor([b])
    assert (ta // tb).tolist() == [a // b] and (ta % tb).tolist() == [a % b]
    assert tg.div(ta, tb, rounding_mode="trunc").tolist() == [int(a / b)]
    assert tg.fmod(ta, tb).tolist() == [int(math.fmod(a, b))]
    assert (ta // tb).dtype == np.int64


def test_integer_division_by_zero_raises():
    for fn in (lambda: Tensor([1, 2]) // Tensor([1, 0]), lambda: Tensor([1]) % 0, lambda: tg.fmod(Tensor([1]), 0),
               lambda: tg.div(Tensor([4]), 0, rounding_mode="trunc")):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn()
    assert (Tensor([1.0]) // 0).tolist() == [np.inf]  # floats answer with inf and NaN


def test_float_remainder_takes_the_divisor_sign():
    np.testing.assert_allclose((Tensor([5.5, -5.5]) % Tensor([-2.0, 2.0])).numpy(), [-0.5, 0.5])
    np.testing.assert_allclose(tg.fmod(Tensor([5.5, -5.5]), Tensor([-2.0, 2.0])).numpy(), [1.5, -1.5])
    assert (5 % Tensor([3, -3])).tolist() == [2, -1]


# ---------------------------------------------------------------------------------------------
# dtypes: PyTorch's promotion and refusals
# ---------------------------------------------------------------------------------------------

D = np.dtype


@pytest.mark.parametrize("a, b, expected", [
    (Tensor([1], dtype=np.int8), Tensor(5), "int8"),                        # 0-d of the same category
    (Tensor([1], dtype=np.int8), Tensor(5.0, dtype=np.float64), "float64"),  # 0-d of a higher category
    (Tensor([1.0], dtype=np.float16), Tensor(5.0, dtype=np.float64), "float16"),
    (Tensor([1], dtype=np.uint8), -2, "uint8"), (Tensor([True]), 2, "int64"), (Tensor([True]), 2.5, "float32"),
    (Tensor([1], dtype=np.int16), Tensor([1.0], dtype=np.float16), "float16"),
    (Tensor([1], dtype=np.uint8), Tensor([1], dtype=np.int8), "int16"), (Tensor(1, dtype=np.int8), 2.5, "float32"),
])
def test_result_type(a, b, expected):
    assert result_type(a, b) == D(expected)
    assert (a + b).dtype == D(expected)


def test_promote_types_by_category():
    assert promote_types(D(np.int64), D(np.float16)) == D(np.float16)
    assert promote_types(D(np.bool_), D(np.uint8)) == D(np.uint8)


def test_python_ints_wrap_around_as_in_pytorch():
    u = Tensor([0, 1, 200], dtype=np.uint8)
    assert (u + -2).tolist() == [254, 255, 198] and (u + -2).dtype == np.uint8
    assert (u < -2).tolist() == [True, True, True]  # -2 is 254 in uint8, as PyTorch compares
    assert (u & -2).tolist() == [0, 0, 200]
    assert u.clamp(-1, 1).tolist() == [1, 1, 1]  # the -1 bound is 255 > 1: everything becomes 1
    assert (u / -2).tolist() == [-0.0, -0.5, -100.0]  # true division is on numbers: no wrap


def test_integer_powers():
    assert (Tensor([True, False]) ** 2).dtype == np.int64
    assert (Tensor([True, False]) ** True).tolist() == [True, False]
    assert (Tensor([2, 1, -1, -1, 0]) ** Tensor([-1, -3, -3, -2, -1])).tolist() == [0, 1, -1, 1, 0]
    assert (2 ** Tensor([3, -1])).tolist() == [8, 0]
    with pytest.raises(RuntimeError, match="negative integer powers"):
        Tensor([2, 3]) ** -1
    with pytest.raises(NotImplementedError):
        Tensor([True]) ** Tensor([True])


def test_pow_half_is_sqrt_in_float32():
    """PyTorch computes x ** 0.5 as sqrt in float32/float64 (NaN at -inf, -0.0 stays -0.0)."""
    x = leaf([-np.inf, -0.0, 4.0])
    out = x ** 0.5
    np.testing.assert_array_equal(out.numpy(), [np.nan, -0.0, 2.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [np.nan, -np.inf, 0.25])


@pytest.mark.parametrize("fn", [tg.gelu, tg.silu, tg.softmax, tg.log_softmax, tg.leaky_relu, tg.frac,
                                lambda x: tg.hypot(x, x), lambda x: tg.logaddexp(x, x),
                                lambda x: tg.lerp(x, x, 0.5)],
                         ids=["gelu", "silu", "softmax", "log_softmax", "leaky_relu", "frac", "hypot",
                              "logaddexp", "lerp"])
@pytest.mark.parametrize("dtype", [np.int64, np.bool_])
def test_float_only_ops_refuse_integers(fn, dtype):
    with pytest.raises(NotImplementedError):
        fn(Tensor([1, 0], dtype=dtype))


def test_integer_inputs_give_float32():
    for fn in (tg.tan, tg.log2, tg.expm1, tg.erfinv, tg.rsqrt, tg.reciprocal, tg.logit, tg.sigmoid,
               lambda x: tg.atan2(x, x), lambda x: tg.xlogy(x, x), lambda x: tg.copysign(x, -1)):
        assert fn(Tensor([1, 0])).dtype == np.float32


@pytest.mark.parametrize("fn", [lambda x: -x, lambda x: +x, lambda x: x - x, lambda x: x - 1, lambda x: abs(x),
                                lambda x: tg.clamp(x, Tensor([False]), Tensor([True]))],
                         ids=["neg", "pos", "sub", "sub_number", "abs", "clamp"])
def test_bool_arithmetic_pytorch_refuses(fn):
    with pytest.raises(RuntimeError):
        fn(Tensor([True, False]))


def test_nan_and_inf_tests():
    x = Tensor([np.nan, np.inf, -np.inf, 1.0])
    assert tg.isnan(x).tolist() == [True, False, False, False]
    assert x.isinf().tolist() == [False, True, True, False]
    assert tg.isfinite(x).tolist() == [False, False, False, True]
    assert tg.isnan(Tensor([1, 2])).tolist() == [False, False]
    y = leaf([np.nan, np.inf, -np.inf, 1.0])
    out = tg.nan_to_num(y, nan=0.5)
    np.testing.assert_array_equal(out.numpy(), [0.5, np.finfo(np.float64).max, np.finfo(np.float64).min, 1.0])
    out.sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, 0.0, 0.0, 1.0])


def test_isclose_allclose_equal():
    a, b = Tensor([1.0, np.nan, 2.0]), Tensor([1.0 + 1e-9, np.nan, 2.1])
    assert tg.isclose(a, b).tolist() == [True, False, False]
    assert a.isclose(b, equal_nan=True).tolist() == [True, True, False]
    assert tg.isclose(a, b, atol=0.2, equal_nan=True).tolist() == [True, True, True]
    assert tg.allclose(a, b, atol=0.2, equal_nan=True) is True and tg.allclose(a, b) is False
    assert tg.equal(Tensor([1, 2]), Tensor([1, 2])) is True and tg.equal(Tensor([1, 2]), Tensor([1])) is False
    with pytest.raises(RuntimeError):
        tg.isclose(Tensor([1]), Tensor([1.0]))


def test_clamp_with_tensor_bounds_routes_the_gradient():
    x, lo, hi = leaf([-2.0, 0.5, 3.0]), leaf([-1.0, -1.0, -1.0]), leaf([1.0, 1.0, 1.0])
    out = tg.clamp(x, lo, hi)
    np.testing.assert_array_equal(out.numpy(), [-1.0, 0.5, 1.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(lo.grad.numpy(), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(hi.grad.numpy(), [0.0, 0.0, 1.0])
    assert tg.clamp(Tensor([1, 5]), 0.5, 2.5).dtype == np.float32  # int tensor, float bounds


def test_maximum_gradient_at_nan_goes_to_both_sides():
    a, b = leaf([np.nan, 1.0, 2.0]), leaf([0.0, 1.0, 1.0])
    tg.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 0.5, 1.0])
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 0.5, 0.0])


def test_gradients_at_non_finite_inputs():
    x = leaf([np.nan, 0.0])
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])  # abs: 0 at NaN and at 0, as PyTorch
    y = leaf([np.finfo(np.float64).max, -40.0])
    y.silu().sum().backward()  # finite: sigmoid(x)·(1 + x·(1 - sigmoid(x)))
    np.testing.assert_allclose(y.grad.numpy(), [1.0, -39 * math.exp(-40)], rtol=1e-6, atol=1e-300)


# ---------------------------------------------------------------------------------------------
# in place and out=
# ---------------------------------------------------------------------------------------------

def test_in_place_ops_write_back_and_bump_the_version():
    x = Tensor([1.5, -2.5])
    view = x[1:]
    for op, expected in (("floor_", [1.0, -3.0]), ("abs_", [1.0, 3.0]), ("square_", [1.0, 9.0])):
        version = x._version
        assert getattr(x, op)() is x
        assert x.tolist() == expected and x._version == version + 1
    assert view.tolist() == [9.0]  # the memory is updated, views see it
    x.lerp_(Tensor([3.0, 3.0]), 0.5)
    assert x.tolist() == [2.0, 6.0]
    x.clamp_min_(3.0).pow_(2)
    assert x.tolist() == [9.0, 36.0]


def test_in_place_keeps_the_dtype_rules():
    with pytest.raises(RuntimeError, match="can't be cast"):
        Tensor([1, 2]).exp_()  # a float result does not go into an int64 tensor
    with pytest.raises(RuntimeError, match="can't be cast"):
        Tensor([True]).add_(1)
    with pytest.raises(RuntimeError, match="shape"):
        Tensor([1.0, 2.0]).add_(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    u = Tensor([1, 2], dtype=np.uint8)
    assert u.sub_(3).tolist() == [254, 255] and u.dtype == np.uint8
    h = Tensor([1.0], dtype=np.float16)
    assert h.add_(Tensor([2.0], dtype=np.float64)).dtype == np.float16  # float into float16: cast


def test_in_place_refuses_tensors_that_require_grad():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="in-place"):
        x.exp_()
    with tg.no_grad():
        x.exp_()
    np.testing.assert_allclose(x.numpy(), np.exp([1.0, 2.0]))


def test_out_argument():
    out = tg.zeros(2)
    assert tg.exp(Tensor([0.0, 1.0]), out=out) is out
    np.testing.assert_allclose(out.numpy(), [1.0, math.e], rtol=1e-6)
    resized = tg.zeros(5, dtype=tg.float64)
    tg.atan2(Tensor([[1.0], [2.0]]), Tensor([1.0]), out=resized)
    assert resized.shape == (2, 1) and resized.dtype == np.float64
    assert tg.add(Tensor([1]), 2, out=tg.zeros(1, dtype=tg.int8)).tolist() == [3]
    with pytest.raises(RuntimeError, match="can't be cast"):
        tg.floor(Tensor([1.5]), out=tg.zeros(1, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="automatic differentiation"):
        tg.sin(leaf([1.0]), out=tg.zeros(1, dtype=tg.float64))


def test_division_operators_in_place():
    x = Tensor([7.0, -7.0])
    x.div_(2, rounding_mode="floor")
    assert x.tolist() == [3.0, -4.0]
    x.remainder_(3)
    assert x.tolist() == [0.0, 2.0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        Tensor([7, 8]).div_(2)  # true division of integers is float


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtypes_are_kept(dtype):
    x = Tensor(np.array([0.25, 0.5], dtype=dtype))
    for fn in (tg.tan, tg.erfinv, tg.logit, tg.rsqrt, tg.frac, tg.floor, lambda t: tg.atan2(t, t),
               lambda t: tg.hypot(t, t), lambda t: t % 0.3, lambda t: t // 0.3, lambda t: tg.lerp(t, t, 0.5)):
        assert fn(x).dtype == dtype


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(0.5, 1e3))
def test_floor_divide_and_remainder_recombine(a, b):
    """a == (a // b) * b + a % b, in float64."""
    q, r = Tensor(a, dtype=np.float64) // b, Tensor(a, dtype=np.float64) % b
    assert math.isclose(q.item() * b + r.item(), a, rel_tol=1e-12, abs_tol=1e-9)
    assert 0 <= r.item() <= b  # == b only by rounding, as Python's %


def test_augmented_assignment_is_in_place():
    """``x //= y``, ``x %= y``, ``x **= y``, ``x &= y``, ... update x itself, as in PyTorch."""
    x = Tensor([7, -7])
    alias = x
    x //= 2
    x %= 3
    x **= 2
    x &= 6
    x <<= 1
    assert x is alias and x.tolist() == [0, 8]  # [3, -4] -> [0, 2] -> [0, 4] -> [0, 4] -> [0, 8]
