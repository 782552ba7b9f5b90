"""Convolution and pooling (issue 6, "Correctness"): F.conv2d, F.max_pool2d, F.avg_pool2d,
F.adaptive_avg_pool2d, F.batch_norm on 4-D input, F.dropout2d, and the layers nn.Conv2d,
nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.BatchNorm2d and nn.Dropout2d.

- gradients against central differences (float64 gradcheck) over Hypothesis geometries (batch,
  channels, sizes, non-square kernels, strides also larger than the kernel, int / pair / 'same' /
  'valid' padding, dilation), and second derivatives (gradgradcheck) on small cases;
- forward values against direct loop-based NumPy references written here; closed-form gradients
  (conv weight/input/bias, avg-pool 1/k², max-pool one-hot and its first-in-row-major tie rule);
- unbatched (C, H, W) input gives the batched result squeezed, values and gradients;
- the errors for bad arguments name the function and the offending shapes or values;
- layers: parameter shapes, default init, reprs in PyTorch's format, state_dict, BatchNorm2d
  statistics, Dropout2d channel masks;
- values and gradients against PyTorch, when it is installed;
- a tiny CNN learns a synthetic bar-orientation task.
"""
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite import Tensor, nn, optim
from tinygrad_lite.nn import functional as F

from helpers import check, distinct, leaf, rng_of, seeds, uniform

# ---------------------------------------------------------------------------------------------
# loop-based NumPy references (written independently of the library; small inputs only)
# ---------------------------------------------------------------------------------------------


def pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def explicit_padding(padding, kernel, dilation=(1, 1)):
    """(top, bottom, left, right). For 'same' the total d·(k - 1) is split with the odd pixel at
    the bottom / right, as PyTorch does."""
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        sides = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            sides += [total // 2, total - total // 2]
        return tuple(sides)
    ph, pw = pair(padding)
    return (ph, ph, pw, pw)


def pad_image(x, pads, value):
    top, bottom, left, right = pads
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=value)


def out_length(padded, kernel, stride, dilation):
    return (padded - dilation * (kernel - 1) - 1) // stride + 1


def window(xp, n, c, i, j, kernel, stride, dilation):
    """The (kh, kw) window of padded image xp read by output pixel (i, j) of image n, channel c
    (c may be a slice)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    return xp[n, c, i * sh:i * sh + dh * (kh - 1) + 1:dh, j * sw:j * sw + dw * (kw - 1) + 1:dw]


def ref_conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    stride, dilation = pair(stride), pair(dilation)
    o, c, kh, kw = w.shape
    xp = pad_image(x, explicit_padding(padding, (kh, kw), dilation), 0.0)
    n = x.shape[0]
    oh = out_length(xp.shape[2], kh, stride[0], dilation[0])
    ow = out_length(xp.shape[3], kw, stride[1], dilation[1])
    out = np.zeros((n, o, oh, ow))
    for b_ in range(n):
        for oc in range(o):
            for i in range(oh):
                for j in range(ow):
                    patch = window(xp, b_, slice(None), i, j, (kh, kw), stride, dilation)
                    out[b_, oc, i, j] = (patch * w[oc]).sum() + (0.0 if b is None else b[oc])
    return out


def _pool(x, kernel_size, stride, padding, dilation, value, reduce):
    kernel = pair(kernel_size)
    stride = kernel if stride is None else pair(stride)
    dilation = pair(dilation)
    pads = explicit_padding(padding, kernel, dilation)
    xp = pad_image(x, pads, value)
    real = pad_image(np.ones_like(x), pads, 0.0)
    n, c = x.shape[:2]
    oh = out_length(xp.shape[2], kernel[0], stride[0], dilation[0])
    ow = out_length(xp.shape[3], kernel[1], stride[1], dilation[1])
    out = np.zeros((n, c, oh, ow))
    for b_ in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    args = (b_, ch, i, j, kernel, stride, dilation)
                    out[b_, ch, i, j] = reduce(window(xp, *args), window(real, *args))
    return out


def ref_max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1):
    return _pool(x, kernel_size, stride, padding, dilation, -np.inf, lambda win, real: win.max())


def ref_avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    def mean(win, real):
        return win.sum() / (win.size if count_include_pad else real.sum())
    return _pool(x, kernel_size, stride, padding, 1, 0.0, mean)


def ref_adaptive_avg_pool2d(x, size):
    """Bin i of n over a length L covers [floor(i·L/n), ceil((i+1)·L/n))."""
    n, c, h, w = x.shape
    oh, ow = [length if s is None else s for s, length in zip(pair(size), (h, w))]
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        r0, r1 = math.floor(Fraction(i * h, oh)), math.ceil(Fraction((i + 1) * h, oh))
        for j in range(ow):
            c0, c1 = math.floor(Fraction(j * w, ow)), math.ceil(Fraction((j + 1) * w, ow))
            out[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
    return out


def close(actual, expected, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(actual.numpy() if isinstance(actual, Tensor) else actual, expected,
                               rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------------------------
# Hypothesis strategies: window geometries that fit the padded input
# ---------------------------------------------------------------------------------------------

ints_or_pairs = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))


def fitting_size(draw, span, pads, extra=2):
    """An input length at least 1 on which a window of ``span`` fits the padded length."""
    low = max(1, span - pads)
    return draw(st.integers(low, low + extra))


@st.composite
def conv_settings(draw):
    n, c, o = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = draw(st.one_of(st.integers(1, 2), st.tuples(st.integers(1, 2), st.integers(1, 2))))
    kind = draw(st.sampled_from(["int", "pair", "valid", "same"]))
    stride = draw(st.sampled_from([1, (1, 1)]) if kind == "same" else ints_or_pairs)
    padding = {"int": lambda: draw(st.integers(0, 2)),
               "pair": lambda: (draw(st.integers(0, 2)), draw(st.integers(0, 2))),
               "valid": lambda: "valid", "same": lambda: "same"}[kind]()
    top, bottom, left, right = explicit_padding(padding, kernel, pair(dilation))
    span = [d * (k - 1) + 1 for k, d in zip(kernel, pair(dilation))]
    h, w = fitting_size(draw, span[0], top + bottom), fitting_size(draw, span[1], left + right)
    return dict(x=(n, c, h, w), w=(o, c) + kernel, stride=stride, padding=padding,
                dilation=dilation, bias=draw(st.booleans()))


@st.composite
def pool_settings(draw, dilated=True):
    """kernel, stride (None: the kernel), padding of at most half the kernel, and dilation."""
    kernel = draw(ints_or_pairs)
    kh, kw = pair(kernel)
    stride = draw(st.one_of(st.none(), ints_or_pairs))
    if draw(st.booleans()):
        padding = draw(st.integers(0, min(kh, kw) // 2))
    else:
        padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    dilation = draw(st.integers(1, 2)) if dilated else 1
    ph, pw = pair(padding)
    d = pair(dilation)
    h = fitting_size(draw, d[0] * (kh - 1) + 1, 2 * ph)
    w = fitting_size(draw, d[1] * (kw - 1) + 1, 2 * pw)
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), h, w)
    return shape, dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation)


def conv_call(s):
    """F.conv2d for the settings ``s`` of conv_settings, and its reference."""
    kw = dict(stride=s["stride"], padding=s["padding"], dilation=s["dilation"])
    return (lambda x, w, b=None: F.conv2d(x, w, b, **kw),
            lambda x, w, b=None: ref_conv2d(x, w, b, **kw))


# ---------------------------------------------------------------------------------------------
# 1. gradients against central differences (float64)
# ---------------------------------------------------------------------------------------------

@given(s=conv_settings(), seed=seeds)
def test_conv2d_gradcheck(s, seed):
    fn, ref = conv_call(s)
    x, w = leaf(uniform(seed, s["x"])), leaf(uniform(seed + 1, s["w"]))
    inputs = (x, w) + ((leaf(uniform(seed + 2, s["w"][:1])),) if s["bias"] else ())
    close(fn(*inputs), ref(*(t.numpy() for t in inputs)))
    check(fn, *inputs)


@given(ps=pool_settings(), seed=seeds)
def test_max_pool2d_gradcheck(ps, seed):
    shape, kw = ps
    x = leaf(distinct(seed, shape))
    expected = ref_max_pool2d(x.numpy(), **kw)
    assume(np.isfinite(expected).all())  # a dilated window can hold only padding: -inf
    close(F.max_pool2d(x, **kw), expected, rtol=0, atol=0)
    check(lambda x: F.max_pool2d(x, **kw), x)


@given(ps=pool_settings(dilated=False), count_include_pad=st.booleans(), seed=seeds)
def test_avg_pool2d_gradcheck(ps, count_include_pad, seed):
    shape, kw = ps
    del kw["dilation"]
    x = leaf(uniform(seed, shape))
    close(F.avg_pool2d(x, count_include_pad=count_include_pad, **kw),
          ref_avg_pool2d(x.numpy(), count_include_pad=count_include_pad, **kw))
    check(lambda x: F.avg_pool2d(x, count_include_pad=count_include_pad, **kw), x)


@st.composite
def adaptive_settings(draw):
    """An input shape and an output size; equal bins when ``divisible``, otherwise any sizes
    (also larger than the input, and None to keep a dimension)."""
    if draw(st.booleans()):  # divisible
        oh, ow = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        h, w = oh * draw(st.integers(1, 2)), ow * draw(st.integers(1, 2))
    else:
        h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
        oh, ow = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    form = draw(st.sampled_from(["tuple", "int", "none_h", "none_w"]))
    size = {"tuple": (oh, ow), "int": oh, "none_h": (None, ow), "none_w": (oh, None)}[form]
    return (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w), size


@given(settings=adaptive_settings(), seed=seeds)
def test_adaptive_avg_pool2d_gradcheck(settings, seed):
    shape, size = settings
    x = leaf(uniform(seed, shape))
    out = F.adaptive_avg_pool2d(x, size)
    expected = ref_adaptive_avg_pool2d(x.numpy(), size)
    assert out.shape == expected.shape
    close(out, expected)
    check(lambda x: F.adaptive_avg_pool2d(x, size), x)


@given(n=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(1, 3), w=st.integers(1, 3),
       running=st.booleans(), seed=seeds)
def test_batch_norm_4d_training_gradcheck(n, c, h, w, running, seed):
    assume(n * h * w >= 2)
    x = leaf(distinct(seed, (n, c, h, w)))  # no channel has (near) zero variance
    weight, bias = leaf(uniform(seed + 1, (c,))), leaf(uniform(seed + 2, (c,)))
    stats = (None, None)
    if running:
        stats = (tg.zeros(c, dtype=tg.float64), tg.ones(c, dtype=tg.float64))
    out = F.batch_norm(x, *stats, weight, bias, training=True)
    mean, var = x.numpy().mean(axis=(0, 2, 3)), x.numpy().var(axis=(0, 2, 3))
    close(out, (x.numpy() - mean[:, None, None]) / np.sqrt(var[:, None, None] + 1e-5)
          * weight.numpy()[:, None, None] + bias.numpy()[:, None, None])
    check(lambda x, weight, bias: F.batch_norm(x, *stats, weight, bias, training=True),
          x, weight, bias)


@given(n=st.integers(2, 3), c=st.integers(1, 3), spatial=st.lists(st.integers(1, 3), max_size=2),
       affine=st.sampled_from(["both", "weight", "bias", "none"]), batch_last=st.booleans(),
       seed=seeds)
def test_batch_norm_training_against_the_closed_form(n, c, spatial, affine, batch_last, seed):
    """The fused batch norm against its hand-derived gradients, computed here in NumPy:
    gx = w / sqrt(var + eps) * (g - mean(g) - xhat * mean(g * xhat)), gw = sum(g * xhat),
    gb = sum(g), every mean and sum per channel. Inputs in NCHW memory or as the batch-last
    views that convolutions return; weight and bias each optional. Also a gradcheck."""
    shape = (n, c) + tuple(spatial)
    data = distinct(seed, shape)
    if batch_last:  # the same values, stored (C, ..., N) as a convolution's output is
        data = np.ascontiguousarray(np.moveaxis(data, 0, -1))
        data = np.moveaxis(data, -1, 0)
    x = Tensor(data, requires_grad=True)  # leaf() would copy it back to NCHW memory
    weight = leaf(uniform(seed + 1, (c,))) if affine in ("both", "weight") else None
    bias = leaf(uniform(seed + 2, (c,))) if affine in ("both", "bias") else None
    g = uniform(seed + 3, shape)
    out = F.batch_norm(x, None, None, weight, bias, training=True, eps=1e-3)
    out.backward(Tensor(g))
    dims, keep = (0,) + tuple(range(2, len(shape))), (1, c) + (1,) * len(spatial)
    mean, var = data.mean(dims, keepdims=True), data.var(dims, keepdims=True)
    xhat = (data - mean) / np.sqrt(var + 1e-3)
    w = weight.numpy().reshape(keep) if weight is not None else 1.0
    b = bias.numpy().reshape(keep) if bias is not None else 0.0
    close(out, xhat * w + b)
    expected = w / np.sqrt(var + 1e-3) * (g - g.mean(dims, keepdims=True)
                                          - xhat * (g * xhat).mean(dims, keepdims=True))
    close(x.grad, expected)
    if weight is not None:
        close(weight.grad, (g * xhat).sum(dims))
    if bias is not None:
        close(bias.grad, g.sum(dims))
    params = [t for t in (weight, bias) if t is not None]

    def fn(x, *params):
        rest = iter(params)
        return F.batch_norm(x, None, None, next(rest) if weight is not None else None,
                            next(rest) if bias is not None else None, training=True, eps=1e-3)
    check(fn, Tensor(data, requires_grad=True), *[leaf(t.numpy()) for t in params])


GRADGRAD = [  # id, function of the inputs, input makers (seed -> arrays)
    ("conv2d_stride2_pad1",
     lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1) ** 2,
     lambda s: (uniform(s, (1, 2, 5, 5)), uniform(s + 1, (2, 2, 3, 3)), uniform(s + 2, (2,)))),
    ("conv2d_same_even_dilated",
     lambda x, w, b: F.conv2d(x, w, b, padding="same", dilation=(1, 2)),
     lambda s: (uniform(s, (2, 1, 3, 4)), uniform(s + 1, (2, 1, 2, 2)), uniform(s + 2, (2,)))),
    ("conv2d_4_channels_no_bias",  # 4+ channels unfold through the strided view
     lambda x, w: F.conv2d(x, w, stride=(1, 2)) ** 2,
     lambda s: (uniform(s, (1, 4, 3, 4)), uniform(s + 1, (1, 4, 2, 2)))),
    ("max_pool2d_overlapping",
     lambda x: F.max_pool2d(x, 2, stride=1) ** 2,
     lambda s: (distinct(s, (1, 2, 3, 4)),)),
    ("max_pool2d_padded_dilated",
     lambda x: F.max_pool2d(x, (2, 3), stride=2, padding=1, dilation=(1, 2)) ** 2,
     lambda s: (distinct(s, (2, 1, 4, 5)),)),
    ("avg_pool2d_include_pad",
     lambda x: F.avg_pool2d(x, 2, stride=1, padding=1) ** 2,
     lambda s: (uniform(s, (1, 2, 3, 3)),)),
    ("avg_pool2d_exclude_pad_5_channels",
     lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False) ** 2,
     lambda s: (uniform(s, (1, 5, 4, 4)),)),
    ("batch_norm_4d",
     lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True) ** 2,
     lambda s: (distinct(s, (2, 2, 2, 3)), uniform(s + 1, (2,)), uniform(s + 2, (2,)))),
    ("batch_norm_2d_no_affine",
     lambda x: F.batch_norm(x, None, None, training=True, eps=1e-3) ** 3,
     lambda s: (distinct(s, (4, 3)),)),
]


@pytest.mark.parametrize("name, fn, make", GRADGRAD, ids=[g[0] for g in GRADGRAD])
def test_gradgradcheck(name, fn, make):
    assert tg.gradgradcheck(fn, [leaf(a) for a in make(11)])


@pytest.mark.parametrize("c", [4, 6])
def test_conv2d_gradcheck_many_channels(c):
    """Four or more input channels take the strided-view unfold; Hypothesis draws at most 3."""
    x, w, b = leaf(uniform(0, (2, c, 4, 5))), leaf(uniform(1, (2, c, 2, 3))), leaf(uniform(2, (2,)))
    check(lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
          x, w, b)
    check(lambda x: F.avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False), x)
    check(lambda x: F.max_pool2d(x, 2, stride=1), leaf(distinct(3, (1, c, 3, 3))))


# ---------------------------------------------------------------------------------------------
# 2. forward values against the loop references
# ---------------------------------------------------------------------------------------------

CONV_FORWARD = [  # input shape, weight shape, bias, keyword arguments
    ((2, 3, 6, 7), (4, 3, 3, 3), True, {}),
    ((1, 2, 7, 6), (3, 2, 3, 2), True, dict(stride=(2, 1), padding=(1, 2))),
    ((2, 1, 7, 8), (2, 1, 2, 2), False, dict(stride=3)),  # stride > kernel: pixels skipped
    ((1, 2, 6, 6), (2, 2, 3, 2), True, dict(padding=2, dilation=(2, 1))),
    ((1, 2, 5, 6), (3, 2, 2, 4), True, dict(padding="same")),  # even kernels
    ((2, 1, 5, 5), (1, 1, 2, 3), False, dict(padding="same", dilation=(3, 2))),
    ((1, 3, 5, 4), (2, 3, 3, 3), True, dict(padding="valid")),
    ((2, 5, 6, 5), (3, 5, 3, 2), True, dict(stride=2, padding=1)),  # 5 channels: strided view
    ((1, 4, 4, 4), (6, 4, 1, 1), True, {}),
    ((1, 8, 3, 5), (2, 8, 3, 3), False, dict(padding=(1, 0), dilation=(1, 2))),
]


@pytest.mark.parametrize("xs, ws, bias, kw", CONV_FORWARD)
def test_conv2d_forward(xs, ws, bias, kw):
    rng = rng_of(0)
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    b = b if bias else None
    expected = ref_conv2d(x, w, b, **kw)
    out = F.conv2d(Tensor(x), Tensor(w), None if b is None else Tensor(b), **kw)
    assert out.shape == expected.shape and out.dtype == np.float64
    close(out, expected)
    to32 = np.float32
    out32 = F.conv2d(Tensor(x.astype(to32)), Tensor(w.astype(to32)),
                     None if b is None else Tensor(b.astype(to32)), **kw)
    assert out32.dtype == np.float32
    close(out32, expected, rtol=1e-5, atol=1e-5)
    if kw.get("padding") == "same":
        assert out.shape[2:] == xs[2:]


def test_conv2d_same_puts_the_extra_padding_bottom_right():
    """A 2x2 kernel of ones sums x[i:i+2, j:j+2]: the extra row / column of zeros is below and
    to the right of the image, not above / left."""
    x = np.arange(1.0, 21.0).reshape(1, 1, 4, 5)
    out = F.conv2d(Tensor(x), Tensor(np.ones((1, 1, 2, 2))), padding="same").numpy()
    xp = np.pad(x[0, 0], ((0, 1), (0, 1)))
    expected = xp[:-1, :-1] + xp[1:, :-1] + xp[:-1, 1:] + xp[1:, 1:]
    np.testing.assert_array_equal(out[0, 0], expected)
    assert out[0, 0, 0, 0] == 1 + 2 + 6 + 7 and out[0, 0, -1, -1] == 20


def test_conv2d_on_a_non_contiguous_input():
    x = rng_of(1).standard_normal((2, 3, 6, 5))
    w = rng_of(2).standard_normal((2, 3, 3, 3))
    view = Tensor(x).permute(0, 1, 3, 2)
    close(F.conv2d(view, Tensor(w), stride=2, padding=1),
          ref_conv2d(x.transpose(0, 1, 3, 2), w, stride=2, padding=1))


POOL_FORWARD = [  # input shape, keyword arguments
    ((2, 2, 6, 6), dict(kernel_size=2)),
    ((1, 3, 7, 5), dict(kernel_size=(3, 2), stride=(2, 1))),
    ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    ((2, 1, 8, 8), dict(kernel_size=2, stride=3)),  # stride > kernel
    ((1, 5, 5, 6), dict(kernel_size=(2, 3), stride=1, padding=(1, 1))),  # 5 channels
    ((1, 4, 5, 5), dict(kernel_size=(1, 3), padding=(0, 1))),
]


@pytest.mark.parametrize("shape, kw", POOL_FORWARD)
@pytest.mark.parametrize("dilation", [1, (2, 1)])
def test_max_pool2d_forward(shape, kw, dilation):
    x = distinct(0, shape)
    expected = ref_max_pool2d(x, dilation=dilation, **kw)
    close(F.max_pool2d(Tensor(x), dilation=dilation, **kw), expected, rtol=0, atol=0)
    out32 = F.max_pool2d(Tensor(x.astype(np.float32)), dilation=dilation, **kw)
    assert out32.dtype == np.float32
    np.testing.assert_array_equal(out32.numpy(), expected.astype(np.float32))


def test_max_pool2d_padding_counts_as_minus_infinity():
    x = -1.0 - rng_of(0).uniform(0, 1, (1, 2, 4, 4))  # all negative: zero padding would win
    out = F.max_pool2d(Tensor(x), 3, stride=1, padding=1).numpy()
    np.testing.assert_array_equal(out, ref_max_pool2d(x, 3, stride=1, padding=1))
    assert out.max() < -1.0
    assert out[0, 0, 0, 0] == x[0, 0, :2, :2].max()


@pytest.mark.parametrize("shape, kw", POOL_FORWARD)
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool2d_forward(shape, kw, count_include_pad):
    x = rng_of(0).standard_normal(shape)
    expected = ref_avg_pool2d(x, count_include_pad=count_include_pad, **kw)
    close(F.avg_pool2d(Tensor(x), count_include_pad=count_include_pad, **kw), expected)
    close(F.avg_pool2d(Tensor(x.astype(np.float32)), count_include_pad=count_include_pad, **kw),
          expected, rtol=1e-5, atol=1e-6)


def test_avg_pool2d_count_include_pad_on_ones():
    ones = tg.ones(1, 1, 3, 3, dtype=tg.float64)
    included = F.avg_pool2d(ones, 3, stride=1, padding=1).numpy()[0, 0]
    np.testing.assert_allclose(included, [[4 / 9, 6 / 9, 4 / 9], [6 / 9, 1, 6 / 9],
                                          [4 / 9, 6 / 9, 4 / 9]], rtol=1e-15)
    excluded = F.avg_pool2d(ones, 3, stride=1, padding=1, count_include_pad=False).numpy()
    np.testing.assert_allclose(excluded, np.ones((1, 1, 3, 3)), rtol=1e-15)


@pytest.mark.parametrize("shape, size", [
    ((1, 2, 6, 6), 3), ((2, 1, 6, 4), (3, 2)), ((1, 2, 5, 7), 3), ((1, 1, 5, 7), (2, 4)),
    ((1, 3, 3, 2), (5, 4)), ((2, 2, 7, 5), (None, 3)), ((1, 5, 4, 6), (3, None)),
    ((1, 2, 5, 5), 1), ((1, 1, 1, 1), (2, 3)),
])
def test_adaptive_avg_pool2d_forward(shape, size):
    x = rng_of(0).standard_normal(shape)
    expected = ref_adaptive_avg_pool2d(x, size)
    out = F.adaptive_avg_pool2d(Tensor(x), size)
    assert out.shape == expected.shape
    close(out, expected)


def test_adaptive_avg_pool2d_bins_overlap_as_pytorch():
    """5 values into 3 bins: [0, 2), [1, 4), [3, 5)."""
    x = Tensor(np.arange(5.0).reshape(1, 1, 1, 5))
    np.testing.assert_allclose(F.adaptive_avg_pool2d(x, (1, 3)).numpy().ravel(), [0.5, 2.0, 3.5])


# closed-form gradients ------------------------------------------------------------------------

@given(s=conv_settings(), seed=seeds)
def test_conv2d_gradients_closed_form(s, seed):
    """For L = sum(conv2d(x, w, b)): dL/dw[o, c, i, j] is the sum of the (padded) x values the tap
    (i, j) meets; dL/dx[n, c, y, x] the sum of the weights of every tap landing on (y, x); dL/db
    the number of output pixels."""
    x, w = leaf(uniform(seed, s["x"])), leaf(uniform(seed + 1, s["w"]))
    b = leaf(uniform(seed + 2, s["w"][:1]))
    fn, _ = conv_call(s)
    out = fn(x, w, b)
    out.sum().backward()
    n, o, oh, ow = out.shape
    (kh, kw), (sh, sw), (dh, dw) = s["w"][2:], pair(s["stride"]), pair(s["dilation"])
    top, bottom, left, right = explicit_padding(s["padding"], (kh, kw), (dh, dw))
    xp = pad_image(x.numpy(), (top, bottom, left, right), 0.0)
    gxp = np.zeros_like(xp)
    gw = np.zeros(s["w"][1:])
    for i in range(kh):
        for j in range(kw):
            rows = [oy * sh + i * dh for oy in range(oh)]
            cols = [ox * sw + j * dw for ox in range(ow)]
            gw[:, i, j] = xp[:, :, rows][:, :, :, cols].sum(axis=(0, 2, 3))
            for r in rows:
                for q in cols:
                    gxp[:, :, r, q] += w.numpy()[:, :, i, j].sum(axis=0)
    gx = gxp[:, :, top:top + s["x"][2], left:left + s["x"][3]]
    close(w.grad, np.broadcast_to(gw, s["w"]))
    close(x.grad, gx)
    np.testing.assert_array_equal(b.grad.numpy(), np.full(o, n * oh * ow))


def test_avg_pool2d_gradient_is_one_over_k_squared_per_window():
    x = leaf(np.zeros((1, 1, 5, 5)))
    F.avg_pool2d(x, 2).sum().backward()  # non-overlapping; the last row and column are unread
    expected = np.zeros((5, 5))
    expected[:4, :4] = 1 / 4
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], expected)

    x = leaf(np.zeros((1, 1, 3, 3)))
    F.avg_pool2d(x, 2, stride=1).sum().backward()  # each pixel: (windows covering it) / 4
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], np.array([[1, 2, 1], [2, 4, 2],
                                                                  [1, 2, 1]]) / 4)

    x = leaf(np.zeros((1, 1, 2, 2)))  # four 3x3 windows, each holding all four pixels
    F.avg_pool2d(x, 3, stride=1, padding=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((1, 1, 2, 2), 4 / 9), rtol=1e-15)
    x.grad = None
    F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.ones((1, 1, 2, 2)), rtol=1e-15)


@pytest.mark.parametrize("x, kw, expected", [
    (np.zeros((4, 4)), dict(kernel_size=2),
     [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]),
    (np.zeros((3, 3)), dict(kernel_size=2, stride=1), [[1, 1, 0], [1, 1, 0], [0, 0, 0]]),
    (np.array([[1.0, 3.0], [3.0, 2.0]]), dict(kernel_size=2), [[0, 1], [0, 0]]),
    (np.zeros((2, 2)), dict(kernel_size=2, stride=1, padding=1), [[4, 2], [2, 1]]),
    (np.full((3, 4), 7.0), dict(kernel_size=(3, 2), dilation=(1, 2), stride=1),
     [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]),
], ids=["disjoint", "overlapping", "partial_tie", "padded", "dilated"])
def test_max_pool2d_tie_goes_to_first_in_row_major_order(x, kw, expected):
    """All of a window's gradient goes to its first maximum in row-major order, as PyTorch."""
    t = leaf(x[None, None])
    F.max_pool2d(t, **kw).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy()[0, 0], expected)


def test_max_pool2d_gradient_is_one_hot_per_window():
    x = leaf(distinct(5, (2, 3, 6, 8)))
    F.max_pool2d(x, (2, 4)).sum().backward()
    def by_window(a):  # (N, C, 6, 8) -> (N, C, 3, 2, 8): the 8 values of each 2x4 window
        return a.reshape(2, 3, 3, 2, 2, 4).transpose(0, 1, 2, 4, 3, 5).reshape(2, 3, 3, 2, 8)
    blocks, values = by_window(x.grad.numpy()), by_window(x.numpy())
    assert set(np.unique(blocks)) == {0.0, 1.0}
    np.testing.assert_array_equal(blocks.sum(-1), np.ones((2, 3, 3, 2)))
    np.testing.assert_array_equal(blocks.argmax(-1), values.argmax(-1))


@given(ps=pool_settings(), ties=st.booleans(), seed=seeds)
def test_max_pool2d_gradient_routes_to_window_argmax(ps, ties, seed):
    """x.grad is the sum, over windows, of the upstream gradient put on the window's first
    maximum (row-major); with integer values there are many ties."""
    shape, kw = ps
    rng = rng_of(seed)
    x = leaf(rng.integers(-2, 3, shape).astype(np.float64) if ties else distinct(seed, shape))
    out = F.max_pool2d(x, **kw)
    g = rng.integers(-3, 4, out.shape).astype(np.float64)  # integers: sums are exact
    out.backward(Tensor(g))
    kernel = pair(kw["kernel_size"])
    stride = kernel if kw["stride"] is None else pair(kw["stride"])
    dilation = pair(kw["dilation"])
    top, bottom, left, right = explicit_padding(kw["padding"], kernel)
    xp = pad_image(x.numpy(), (top, bottom, left, right), -np.inf)
    gxp = np.zeros_like(xp)
    for n, c, i, j in np.ndindex(*out.shape):
        k = int(np.argmax(window(xp, n, c, i, j, kernel, stride, dilation)))  # first maximum
        r, q = divmod(k, kernel[1])
        gxp[n, c, i * stride[0] + r * dilation[0], j * stride[1] + q * dilation[1]] += g[n, c, i, j]
    expected = gxp[:, :, top:top + shape[2], left:left + shape[3]]
    np.testing.assert_array_equal(x.grad.numpy(), expected)


# ---------------------------------------------------------------------------------------------
# 3. unbatched (C, H, W) input
# ---------------------------------------------------------------------------------------------

_W = rng_of(9).standard_normal((4, 3, 3, 2))
_B = rng_of(10).standard_normal(4)

UNBATCHED = [
    ("conv2d", lambda x: F.conv2d(x, Tensor(_W), Tensor(_B), stride=2, padding=1)),
    ("conv2d_same", lambda x: F.conv2d(x, Tensor(_W), padding="same", dilation=(1, 2))),
    ("max_pool2d", lambda x: F.max_pool2d(x, 3, stride=2, padding=1)),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False)),
    ("adaptive_avg_pool2d_divisible", lambda x: F.adaptive_avg_pool2d(x, (3, 2))),
    ("adaptive_avg_pool2d_uneven", lambda x: F.adaptive_avg_pool2d(x, (4, 5))),
]


@pytest.mark.parametrize("name, fn", UNBATCHED, ids=[u[0] for u in UNBATCHED])
def test_unbatched_input_gives_the_batched_result_squeezed(name, fn):
    data = distinct(0, (3, 6, 6))
    single, batched = leaf(data), leaf(data[None])
    out, expected = fn(single), fn(batched)
    assert out.shape == expected.shape[1:]
    np.testing.assert_array_equal(out.numpy(), expected.numpy()[0])
    g = rng_of(1).standard_normal(out.shape)
    out.backward(Tensor(g))
    expected.backward(Tensor(g[None]))
    assert single.grad.shape == (3, 6, 6)
    np.testing.assert_allclose(single.grad.numpy(), batched.grad.numpy()[0], rtol=1e-15)


# ---------------------------------------------------------------------------------------------
# 4. errors
# ---------------------------------------------------------------------------------------------

def _x(*shape, dtype=tg.float32):
    return tg.zeros(*shape, dtype=dtype)


_IMG, _WGT = (2, 3, 5, 5), (4, 3, 3, 3)

ERRORS = [  # id, call, exception, message pattern
    ("conv_wrong_channels", lambda: F.conv2d(_x(*_IMG), _x(4, 2, 3, 3)), ValueError,
     r"conv2d: expected input with 2 channels, got input of shape \(2, 3, 5, 5\)"),
    ("conv_kernel_too_big", lambda: F.conv2d(_x(1, 1, 5, 5), _x(1, 1, 7, 3), padding=(0, 1)),
     ValueError, r"conv2d: kernel \(7, 3\) .*larger than the padded input \(5, 7\) of input "
                 r"shape \(1, 1, 5, 5\)"),
    ("conv_dilated_kernel_too_big", lambda: F.conv2d(_x(1, 1, 4, 4), _x(1, 1, 2, 2), dilation=4),
     ValueError, r"conv2d: kernel \(2, 2\) \(dilation \(4, 4\), spanning \(5, 5\)\) is larger"),
    ("conv_same_stride_2", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), padding="same", stride=2),
     ValueError, r"conv2d: padding='same' needs stride 1, got stride \(2, 2\)"),
    ("conv_stride_0", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), stride=0), ValueError,
     r"conv2d: stride must be an int or a pair of ints >= 1, got 0"),
    ("conv_stride_negative", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), stride=(1, -2)), ValueError,
     r"conv2d: stride .* got \(1, -2\)"),
    ("conv_stride_3_tuple", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), stride=(1, 1, 1)), ValueError,
     r"conv2d: stride .* got \(1, 1, 1\)"),
    ("conv_padding_negative", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), padding=-1), ValueError,
     r"conv2d: padding must be an int or a pair of ints >= 0, got -1"),
    ("conv_padding_1_tuple", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), padding=(1,)), ValueError,
     r"conv2d: padding .* got \(1,\)"),
    ("conv_padding_unknown_string", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), padding="full"),
     ValueError, r"conv2d: padding .* got 'full'"),
    pytest.param(
        "conv_padding_float", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), padding=1.5), ValueError,
        r"conv2d: padding .* got 1\.5"),
    ("conv_dilation_0", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), dilation=0), ValueError,
     r"conv2d: dilation must be an int or a pair of ints >= 1, got 0"),
    ("conv_kernel_0", lambda: F.conv2d(_x(*_IMG), _x(4, 3, 0, 3)), ValueError,
     r"conv2d: kernel_size .* got \(0, 3\)"),
    ("conv_weight_3d", lambda: F.conv2d(_x(*_IMG), _x(4, 3, 3)), ValueError,
     r"conv2d: expected a 4-D weight, got shape \(4, 3, 3\)"),
    ("conv_weight_5d", lambda: F.conv2d(_x(*_IMG), _x(4, 3, 3, 3, 1)), ValueError,
     r"conv2d: .*weight, got shape \(4, 3, 3, 3, 1\)"),
    ("conv_bias_shape", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), _x(3)), ValueError,
     r"conv2d: bias must have shape \(4,\) for weight \(4, 3, 3, 3\), got \(3,\)"),
    ("conv_bias_2d", lambda: F.conv2d(_x(*_IMG), _x(*_WGT), _x(1, 4)), ValueError,
     r"conv2d: bias must have shape \(4,\) .* got \(1, 4\)"),
    ("conv_input_2d", lambda: F.conv2d(_x(5, 5), _x(*_WGT)), ValueError,
     r"conv2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got shape \(5, 5\)"),
    ("conv_input_5d", lambda: F.conv2d(_x(1, 2, 3, 5, 5), _x(*_WGT)), ValueError,
     r"conv2d: .*shape \(1, 2, 3, 5, 5\)"),
    ("conv_input_int", lambda: F.conv2d(_x(*_IMG, dtype=tg.int64), _x(*_WGT)),
     TypeError, r"conv2d: input, weight and bias must have the same dtype, got int64, float32"),
    ("conv_input_bool", lambda: F.conv2d(_x(*_IMG, dtype=tg.bool), _x(*_WGT, dtype=tg.bool)),
     NotImplementedError, r"conv2d: not implemented for dtype bool"),
    ("conv_input_ndarray", lambda: F.conv2d(np.zeros(_IMG), _x(*_WGT)), TypeError,
     r"conv2d: expected a Tensor input, got ndarray"),
    ("max_kernel_0", lambda: F.max_pool2d(_x(*_IMG), 0), ValueError,
     r"max_pool2d: kernel_size must be an int or a pair of ints >= 1, got 0"),
    ("max_kernel_negative", lambda: F.max_pool2d(_x(*_IMG), (2, -1)), ValueError,
     r"max_pool2d: kernel_size .* got \(2, -1\)"),
    ("max_kernel_3_tuple", lambda: F.max_pool2d(_x(*_IMG), (2, 2, 2)), ValueError,
     r"max_pool2d: kernel_size .* got \(2, 2, 2\)"),
    pytest.param(
        "max_kernel_float", lambda: F.max_pool2d(_x(*_IMG), 2.0), ValueError,
        r"max_pool2d: kernel_size .* got 2\.0"),
    ("max_stride_0", lambda: F.max_pool2d(_x(*_IMG), 2, stride=0), ValueError,
     r"max_pool2d: stride .* got 0"),
    ("max_padding_negative", lambda: F.max_pool2d(_x(*_IMG), 3, padding=-1), ValueError,
     r"max_pool2d: padding .* got -1"),
    ("max_padding_over_half", lambda: F.max_pool2d(_x(*_IMG), 3, padding=2), ValueError,
     r"max_pool2d: padding \(2, 2\) must be at most half the kernel \(3, 3\)"),
    ("max_padding_over_half_width", lambda: F.max_pool2d(_x(*_IMG), (4, 3), padding=(2, 2)),
     ValueError, r"max_pool2d: padding \(2, 2\) must be at most half the kernel \(4, 3\)"),
    pytest.param(
        "max_padding_over_half_dilated",
        lambda: F.max_pool2d(_x(1, 1, 1, 1), (1, 2), stride=1, padding=(0, 2), dilation=(1, 4)),
        ValueError, r"max_pool2d: padding \(0, 2\) must be at most half the kernel \(1, 2\)"),
    ("max_kernel_too_big", lambda: F.max_pool2d(_x(*_IMG), 6), ValueError,
     r"max_pool2d: kernel \(6, 6\) .*larger than the padded input \(5, 5\)"),
    ("max_input_2d", lambda: F.max_pool2d(_x(5, 5), 2), ValueError,
     r"max_pool2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got shape \(5, 5\)"),
    ("max_input_5d", lambda: F.max_pool2d(_x(1, 1, 1, 5, 5), 2), ValueError,
     r"max_pool2d: .*shape \(1, 1, 1, 5, 5\)"),
    ("max_input_bool", lambda: F.max_pool2d(_x(*_IMG, dtype=tg.bool), 2), TypeError, r"max_pool2d: .*bool"),
    ("avg_kernel_0", lambda: F.avg_pool2d(_x(*_IMG), (0, 2)), ValueError,
     r"avg_pool2d: kernel_size .* got \(0, 2\)"),
    ("avg_stride_negative", lambda: F.avg_pool2d(_x(*_IMG), 2, stride=-1), ValueError,
     r"avg_pool2d: stride .* got -1"),
    ("avg_padding_3_tuple", lambda: F.avg_pool2d(_x(*_IMG), 2, padding=(0, 0, 0)), ValueError,
     r"avg_pool2d: padding .* got \(0, 0, 0\)"),
    ("avg_padding_over_half", lambda: F.avg_pool2d(_x(*_IMG), 3, padding=(2, 1)), ValueError,
     r"avg_pool2d: padding \(2, 1\) must be at most half the kernel \(3, 3\)"),
    ("avg_kernel_too_big", lambda: F.avg_pool2d(_x(*_IMG), (2, 8), padding=1), ValueError,
     r"avg_pool2d: kernel \(2, 8\) .*larger than the padded input \(7, 7\)"),
    ("avg_input_2d", lambda: F.avg_pool2d(_x(5, 5), 2), ValueError,
     r"avg_pool2d: .*shape \(5, 5\)"),
    ("avg_input_int", lambda: F.avg_pool2d(_x(*_IMG, dtype=tg.int32), 2), TypeError,
     r"avg_pool2d: .*int32"),
    ("adaptive_size_negative", lambda: F.adaptive_avg_pool2d(_x(*_IMG), (2, -1)), ValueError,
     r"adaptive_avg_pool2d: output_size .* got \(2, -1\)"),
    pytest.param(
        "adaptive_size_3_tuple", lambda: F.adaptive_avg_pool2d(_x(*_IMG), (2, 2, 2)), ValueError,
        r"adaptive_avg_pool2d: output_size .*\(2, 2, 2\)"),
    ("adaptive_input_2d", lambda: F.adaptive_avg_pool2d(_x(5, 5), 2), ValueError,
     r"adaptive_avg_pool2d: .*shape \(5, 5\)"),
    ("adaptive_input_int", lambda: F.adaptive_avg_pool2d(_x(*_IMG, dtype=tg.int64), 2),
     TypeError, r"adaptive_avg_pool2d: .*int64"),
    ("batch_norm_running_mean_shape",
     lambda: F.batch_norm(_x(2, 3, 4, 4), _x(4), _x(3), training=True), ValueError,
     r"batch_norm: running_mean has shape \(4,\) but the input \(2, 3, 4, 4\) has 3 channels"),
    ("batch_norm_one_value_per_channel", lambda: F.batch_norm(_x(1, 3, 1, 1), None, None,
                                                              training=True),
     ValueError, r"batch_norm: expected more than 1 value per channel .*\(1, 3, 1, 1\)"),
    ("dropout1d_input_4d", lambda: F.dropout1d(_x(1, 2, 4, 4)), ValueError,
     r"dropout1d: expected a 2-D \(unbatched\) or 3-D \(batched\) input, got shape \(1, 2, 4, 4\)"),
    ("Conv2d_kernel_0", lambda: nn.Conv2d(1, 2, 0), ValueError,
     r"Conv2d: kernel_size .* got 0"),
    ("Conv2d_padding_string", lambda: nn.Conv2d(1, 2, 3, padding="full"), ValueError,
     r"Conv2d: padding must be 'same', 'valid', an int or a tuple, got 'full'"),
    ("Conv2d_wrong_channels", lambda: nn.Conv2d(2, 4, 3)(_x(1, 3, 5, 5)), ValueError,
     r"conv2d: expected input with 2 channels, got input of shape \(1, 3, 5, 5\)"),
    ("Conv2d_same_with_stride", lambda: nn.Conv2d(1, 2, 3, stride=2, padding="same"), ValueError,
     r"Conv2d: padding='same' needs stride 1, got stride \(2, 2\)"),
    ("conv_dtype_mismatch", lambda: F.conv2d(_x(*_IMG), _x(*_WGT, dtype=tg.float64)), TypeError,
     r"conv2d: input, weight and bias must have the same dtype, got float32, float64 and None"),
    ("max_padding_string", lambda: F.max_pool2d(_x(*_IMG), 3, padding="same"), ValueError,
     r"max_pool2d: padding must be an int or a pair of ints >= 0, got 'same'"),
]


def _error_id(case):
    return case.values[0] if hasattr(case, "values") else case[0]


@pytest.mark.parametrize("name, call, exc, match", ERRORS, ids=[_error_id(e) for e in ERRORS])
def test_errors_name_the_function_and_values(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("fn", [
    pytest.param(lambda x: F.conv2d(x, tg.ones(2, 3, 2, 2)), id="conv2d"),
    pytest.param(lambda x: F.avg_pool2d(x, 2), id="avg_pool2d"),
    pytest.param(lambda x: F.max_pool2d(x, 2), id="max_pool2d"),
    pytest.param(lambda x: F.adaptive_avg_pool2d(x, 3), id="adaptive_avg_pool2d"),
])
def test_empty_batch_gives_an_empty_result(fn):
    """As in PyTorch, a batch of zero images is valid input."""
    out = fn(tg.zeros(0, 3, 4, 4))
    assert out.shape[0] == 0 and out.ndim == 4


# ---------------------------------------------------------------------------------------------
# 5. layers
# ---------------------------------------------------------------------------------------------

def test_conv2d_layer_parameters_and_default_init():
    tg.manual_seed(0)
    conv = nn.Conv2d(16, 256, (3, 5))
    assert conv.weight.shape == (256, 16, 3, 5) and conv.bias.shape == (256,)
    assert conv.weight.dtype == np.float32 and conv.weight.requires_grad
    bound = 1 / math.sqrt(16 * 3 * 5)
    w, b = conv.weight.numpy(), conv.bias.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert np.abs(b).max() <= bound and np.abs(b).max() > 0.9 * bound
    assert list(conv.state_dict()) == ["weight", "bias"]
    no_bias = nn.Conv2d(2, 3, 1, bias=False, dtype=tg.float64)
    assert no_bias.bias is None and list(no_bias.state_dict()) == ["weight"]
    assert no_bias.weight.dtype == np.float64 and no_bias.weight.shape == (3, 2, 1, 1)


def test_conv2d_layer_forward_matches_reference():
    conv = nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), dtype=tg.float64)
    x = rng_of(0).standard_normal((2, 3, 7, 6))
    expected = ref_conv2d(x, conv.weight.numpy(), conv.bias.numpy(), stride=(2, 1), padding=1,
                          dilation=(1, 2))
    close(conv(Tensor(x)), expected)
    conv(Tensor(x)).sum().backward()
    assert conv.weight.grad.shape == conv.weight.shape and conv.bias.grad.shape == (4,)


@pytest.mark.parametrize("kernel, dilation",
                         [(3, 1), (4, 1), ((2, 5), 1), (3, 2), ((2, 3), (3, 2))])
@pytest.mark.parametrize("size", [(6, 6), (5, 8)])
def test_conv2d_layer_same_padding_keeps_height_and_width(kernel, dilation, size):
    tg.manual_seed(0)
    conv = nn.Conv2d(2, 3, kernel, padding="same", dilation=dilation)
    assert conv(tg.randn(2, 2, *size)).shape == (2, 3) + size


@pytest.mark.parametrize("layer, text", [
    (lambda: nn.Conv2d(1, 8, 3), "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))"),
    (lambda: nn.Conv2d(3, 16, (3, 5), stride=2),
     "Conv2d(3, 16, kernel_size=(3, 5), stride=(2, 2))"),
    (lambda: nn.Conv2d(2, 4, 3, padding=1), "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), "
                                            "padding=(1, 1))"),
    (lambda: nn.Conv2d(1, 8, 3, padding="same"),
     "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=same)"),
    (lambda: nn.Conv2d(2, 4, (3, 5), stride=2, padding=(1, 2), dilation=2, bias=False),
     "Conv2d(2, 4, kernel_size=(3, 5), stride=(2, 2), padding=(1, 2), dilation=(2, 2), "
     "bias=False)"),
    (lambda: nn.Conv2d(1, 1, 1, bias=False), "Conv2d(1, 1, kernel_size=(1, 1), stride=(1, 1), "
                                             "bias=False)"),
    (lambda: nn.MaxPool2d(2), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)"),
    (lambda: nn.MaxPool2d((2, 3), 1, 1, 2),
     "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=2)"),
    (lambda: nn.AvgPool2d(2), "AvgPool2d(kernel_size=2, stride=2, padding=0)"),
    (lambda: nn.AvgPool2d(3, 1, 1), "AvgPool2d(kernel_size=3, stride=1, padding=1)"),
    (lambda: nn.AdaptiveAvgPool2d((1, 1)), "AdaptiveAvgPool2d(output_size=(1, 1))"),
    (lambda: nn.AdaptiveAvgPool2d(5), "AdaptiveAvgPool2d(output_size=5)"),
    (lambda: nn.BatchNorm2d(4), "BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, "
                                "track_running_stats=True)"),
    (lambda: nn.Dropout2d(0.3), "Dropout2d(p=0.3, inplace=False)"),
])
def test_layer_reprs(layer, text):
    assert repr(layer()) == text


@pytest.mark.parametrize("layer, shape, out_shape", [
    (lambda: nn.MaxPool2d(2), (8, 16, 11, 11), (8, 16, 5, 5)),
    (lambda: nn.MaxPool2d(3, stride=2, padding=1), (1, 2, 7, 8), (1, 2, 4, 4)),
    (lambda: nn.MaxPool2d(2, stride=1, dilation=2), (2, 1, 5, 6), (2, 1, 3, 4)),
    (lambda: nn.MaxPool2d(2), (3, 6, 6), (3, 3, 3)),
    (lambda: nn.AvgPool2d(2), (2, 3, 4, 5), (2, 3, 2, 2)),
    (lambda: nn.AvgPool2d((3, 1), stride=(1, 2), padding=(1, 0)), (1, 2, 4, 5), (1, 2, 4, 3)),
    (lambda: nn.AdaptiveAvgPool2d((1, 1)), (2, 8, 7, 7), (2, 8, 1, 1)),
    (lambda: nn.AdaptiveAvgPool2d((None, 3)), (2, 3, 5, 7), (2, 3, 5, 3)),
    (lambda: nn.AdaptiveAvgPool2d(4), (1, 2, 6, 9), (1, 2, 4, 4)),
])
def test_pool_layer_shapes_and_values(layer, shape, out_shape):
    tg.manual_seed(0)
    module = layer()
    x = tg.randn(*shape)
    out = module(x)
    assert out.shape == out_shape and out.dtype == np.float32
    assert list(module.state_dict()) == [] and list(module.parameters()) == []
    batched = x.numpy() if x.ndim == 4 else x.numpy()[None]
    if isinstance(module, nn.MaxPool2d):
        expected = ref_max_pool2d(batched, module.kernel_size, module.stride, module.padding,
                                  module.dilation)
    elif isinstance(module, nn.AvgPool2d):
        expected = ref_avg_pool2d(batched, module.kernel_size, module.stride, module.padding)
    else:
        expected = ref_adaptive_avg_pool2d(batched, module.output_size)
    close(out, expected.reshape(out_shape), rtol=1e-5, atol=1e-6)


def test_avg_pool2d_layer_count_include_pad():
    ones = tg.ones(1, 1, 3, 3)
    np.testing.assert_allclose(nn.AvgPool2d(3, 1, 1, count_include_pad=False)(ones).numpy(), 1.0)
    assert nn.AvgPool2d(3, 1, 1)(ones).numpy()[0, 0, 0, 0] == pytest.approx(4 / 9)


def test_batchnorm2d_train_uses_batch_stats_and_updates_running_stats():
    rng = rng_of(0)
    bn = nn.BatchNorm2d(3)
    with tg.no_grad():
        bn.weight.copy_(rng.standard_normal(3))
        bn.bias.copy_(rng.standard_normal(3))
    shape, axes = (4, 3, 5, 6), (0, 2, 3)
    count = 4 * 5 * 6
    running_mean, running_var = np.zeros(3), np.ones(3)
    w, b = bn.weight.numpy()[:, None, None], bn.bias.numpy()[:, None, None]
    for step in range(3):
        scale = (1 + np.arange(3))[:, None, None]  # a different spread per channel
        x = (rng.standard_normal(shape) * scale + step).astype(np.float32)
        out = bn(Tensor(x)).numpy()
        mean, biased = x.mean(axis=axes), x.var(axis=axes)
        expected = (x - mean[:, None, None]) / np.sqrt(biased[:, None, None] + 1e-5) * w + b
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
        running_mean = 0.9 * running_mean + 0.1 * mean
        running_var = 0.9 * running_var + 0.1 * biased * count / (count - 1)  # unbiased
        np.testing.assert_allclose(bn.running_mean.numpy(), running_mean, rtol=1e-5)
        np.testing.assert_allclose(bn.running_var.numpy(), running_var, rtol=1e-5)
    assert bn.num_batches_tracked.item() == 3
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]

    bn.eval()
    x = rng.standard_normal(shape).astype(np.float32)
    mean, var = running_mean[:, None, None], running_var[:, None, None]
    expected = (x - mean) / np.sqrt(var + 1e-5) * w + b
    np.testing.assert_allclose(bn(Tensor(x)).numpy(), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn(Tensor(x[:1, :, :1, :1])).numpy(), expected[:1, :, :1, :1],
                               rtol=1e-4, atol=1e-5)  # one value per channel is fine in eval
    assert bn.num_batches_tracked.item() == 3


@pytest.mark.parametrize("ndim", [2, 3, 5])
def test_batchnorm2d_rejects_other_input_dims(ndim):
    with pytest.raises(ValueError, match=rf"BatchNorm2d: expected 4D input \(got {ndim}D input\)"):
        nn.BatchNorm2d(3)(tg.randn(*(2, 3, 4, 4, 4)[:ndim]))


def test_dropout2d_zeros_whole_channels():
    tg.manual_seed(0)
    p = 0.3
    y = nn.Dropout2d(p)(tg.ones(10, 1000, 2, 3)).numpy().reshape(10, 1000, 6)
    planes = y[:, :, 0]
    np.testing.assert_array_equal(y, np.repeat(planes[:, :, None], 6, axis=2))  # whole planes
    kept = planes != 0
    np.testing.assert_allclose(planes[kept], 1 / (1 - p), rtol=1e-6)
    assert abs((~kept).mean() - p) < 0.02
    assert 0 < (~kept).sum(axis=1).min() and kept.sum(axis=1).min() > 0  # per image, not per batch


def test_dropout2d_of_3d_input_drops_rows_as_pytorch_2_eval_and_gradient():
    """PyTorch 2.x takes a 3-D input to dropout2d as (N, C, L), with a warning."""
    tg.manual_seed(1)
    x = tg.randn(50, 3, 3, requires_grad=True)
    with pytest.warns(UserWarning, match="3-D input is taken as"):
        y = F.dropout2d(x, 0.5)
    mask = y.numpy() != 0
    assert np.all(mask.all(axis=2) | ~mask.any(axis=2)) and 0 < mask[:, :, 0].sum() < 150
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), mask * 2.0)
    drop = nn.Dropout2d(0.5)
    assert drop.eval()(x) is x
    with pytest.warns(UserWarning):
        assert F.dropout2d(x, 0.5, training=False) is x and F.dropout2d(x, 0.0) is x
        assert np.all(F.dropout2d(x, 1.0).numpy() == 0)


# ---------------------------------------------------------------------------------------------
# 6. against PyTorch (skipped when torch is not installed)
# ---------------------------------------------------------------------------------------------

TORCH = [  # id, input shapes (all require grad), call(functional module, *tensors)
    ("conv2d", [(2, 3, 7, 6), (4, 3, 3, 2), (4,)], lambda f, x, w, b: f.conv2d(x, w, b)),
    ("conv2d_stride_padding", [(2, 5, 8, 7), (3, 5, 3, 3), (3,)],
     lambda f, x, w, b: f.conv2d(x, w, b, stride=(2, 3), padding=(1, 2))),
    ("conv2d_stride_over_kernel", [(1, 2, 9, 8), (2, 2, 2, 2)],
     lambda f, x, w: f.conv2d(x, w, stride=3)),
    ("conv2d_dilation", [(1, 4, 9, 9), (2, 4, 3, 3), (2,)],
     lambda f, x, w, b: f.conv2d(x, w, b, padding=2, dilation=(2, 3))),
    ("conv2d_same_even", [(2, 3, 6, 5), (2, 3, 4, 2), (2,)],
     lambda f, x, w, b: f.conv2d(x, w, b, padding="same")),
    ("conv2d_same_dilated", [(1, 2, 5, 7), (3, 2, 2, 3)],
     lambda f, x, w: f.conv2d(x, w, padding="same", dilation=(3, 2))),
    ("conv2d_valid_1x1", [(2, 8, 4, 4), (5, 8, 1, 1), (5,)],
     lambda f, x, w, b: f.conv2d(x, w, b, padding="valid")),
    ("conv2d_unbatched", [(3, 6, 6), (2, 3, 3, 3), (2,)],
     lambda f, x, w, b: f.conv2d(x, w, b, stride=2, padding=1)),
    ("max_pool2d", [(2, 3, 6, 6)], lambda f, x: f.max_pool2d(x, 2)),
    ("max_pool2d_overlap_pad", [(1, 5, 7, 8)], lambda f, x: f.max_pool2d(x, 3, 2, 1)),
    ("max_pool2d_rect_dilated", [(2, 2, 8, 9)],
     lambda f, x: f.max_pool2d(x, (2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 2))),
    ("max_pool2d_stride_over_kernel", [(1, 2, 9, 9)], lambda f, x: f.max_pool2d(x, 2, 3)),
    ("avg_pool2d", [(2, 3, 6, 7)], lambda f, x: f.avg_pool2d(x, 2)),
    ("avg_pool2d_pad_include", [(1, 4, 7, 7)],
     lambda f, x: f.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True)),
    ("avg_pool2d_pad_exclude", [(1, 4, 7, 7)],
     lambda f, x: f.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)),
    ("avg_pool2d_rect", [(2, 2, 5, 8)],
     lambda f, x: f.avg_pool2d(x, (2, 4), stride=(1, 3), padding=(1, 2), count_include_pad=False)),
    ("adaptive_divisible", [(2, 3, 8, 6)], lambda f, x: f.adaptive_avg_pool2d(x, (4, 3))),
    ("adaptive_uneven", [(2, 3, 7, 5)], lambda f, x: f.adaptive_avg_pool2d(x, (3, 4))),
    ("adaptive_larger", [(1, 2, 3, 4)], lambda f, x: f.adaptive_avg_pool2d(x, (5, 6))),
    ("adaptive_none", [(1, 2, 5, 7)], lambda f, x: f.adaptive_avg_pool2d(x, (None, 3))),
    ("adaptive_global", [(2, 4, 5, 5)], lambda f, x: f.adaptive_avg_pool2d(x, 1)),
    ("batch_norm_4d", [(4, 3, 5, 5), (3,), (3,)],
     lambda f, x, w, b: f.batch_norm(x, None, None, w, b, training=True)),
    ("batch_norm_4d_no_affine", [(2, 5, 3, 4)],
     lambda f, x: f.batch_norm(x, None, None, training=True, eps=1e-3)),
]


@pytest.mark.parametrize("name, shapes, call", TORCH, ids=[t[0] for t in TORCH])
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_against_torch(name, shapes, call):
    torch = pytest.importorskip("torch")
    rng = rng_of(2024)
    arrays = [rng.standard_normal(s) for s in shapes]
    ours = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = call(F, *ours), call(torch.nn.functional, *theirs)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(out.shape)
    out.backward(Tensor(g))
    expected.backward(torch.tensor(g))
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=f"gradient of input {i}")


def test_max_pool2d_ties_against_torch():
    torch = pytest.importorskip("torch")
    x = rng_of(3).integers(-1, 2, (2, 3, 7, 7)).astype(np.float64)  # many ties
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1),
               dict(kernel_size=(2, 3), stride=(2, 1), dilation=(2, 1))):
        ours, theirs = leaf(x), torch.tensor(x, requires_grad=True)
        F.max_pool2d(ours, **kw).sum().backward()
        torch.nn.functional.max_pool2d(theirs, **kw).sum().backward()
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy(), err_msg=str(kw))


def test_batchnorm2d_running_stats_against_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.BatchNorm2d(3, dtype=tg.float64), torch.nn.BatchNorm2d(3).double()
    rng = rng_of(4)
    for _ in range(3):
        x = rng.standard_normal((4, 3, 3, 5)) * 2 + 1
        np.testing.assert_allclose(ours(Tensor(x)).numpy(),
                                   theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10, atol=1e-12)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(ours, name).numpy(), getattr(theirs, name).numpy(),
                                   rtol=1e-12)
    ours.eval(), theirs.eval()
    x = rng.standard_normal((2, 3, 4, 4))
    np.testing.assert_allclose(ours(Tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("args, kwargs", [
    ((1, 8, 3), {}), ((3, 16, (3, 5)), dict(stride=2)), ((2, 4, 3), dict(padding=1)),
    ((1, 8, 3), dict(padding="same")), ((2, 4, (3, 5)), dict(stride=2, padding=(1, 2), dilation=2,
                                                             bias=False)),
])
def test_conv2d_repr_matches_torch(args, kwargs):
    torch = pytest.importorskip("torch")
    assert repr(nn.Conv2d(*args, **kwargs)) == repr(torch.nn.Conv2d(*args, **kwargs))


# ---------------------------------------------------------------------------------------------
# 7. training: a tiny CNN learns bar orientation
# ---------------------------------------------------------------------------------------------

def bars(n, seed):
    """8x8 noisy images with one bright bar: label 0 horizontal, 1 vertical, anywhere."""
    rng = rng_of(seed)
    x = rng.normal(0.0, 0.2, (n, 1, 8, 8))
    y = np.arange(n) % 2
    for i, where in enumerate(rng.integers(0, 8, n)):
        if y[i] == 0:
            x[i, 0, where, :] += 1.0
        else:
            x[i, 0, :, where] += 1.0
    return Tensor(x.astype(np.float32)), Tensor(y)


def test_tiny_cnn_learns_bar_orientation():
    tg.manual_seed(0)
    x, y = bars(64, seed=0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(4 * 4 * 4, 2))
    opt = optim.Adam(model.parameters(), lr=0.03)
    losses = []
    for _ in range(40):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with tg.no_grad():
        accuracy = (model(x).argmax(1) == y).float().mean().item()
    assert accuracy == 1.0
    assert losses[-1] < 0.2 * losses[0]
