"""Stateless versions of the layers and losses (``torch.nn.functional``).

The modules in ``layers.py``, ``activation.py`` and ``loss.py`` hold their settings and
parameters and call these functions, so each computation is written once, here.

>>> import tinygrad_lite as tg
>>> from tinygrad_lite.nn import functional as F
>>> logits = tg.Tensor([[2.0, 0.5, -1.0]], requires_grad=True)
>>> F.cross_entropy(logits, tg.Tensor([0]))
tensor(0.2413, grad_fn=<NllLossBackward0>)
"""
import functools
import itertools
import numbers
import warnings

import numpy as np

from .. import kernels
from .. import primitives as P
from ..arguments import DTypeError, ShapeError, UnsupportedDTypeError, normalize_dims
from .. import grad_mode
from ..grad_mode import no_grad
from ..ops.indexing import where
from ..ops.shape import cat, stack
from ..rng import generator
from ..tensor import Tensor
from . import sliding

__all__ = ["linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu",
           "silu", "pad", "one_hot", "dropout", "dropout2d", "layer_norm", "batch_norm", "embedding",
           "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "mse_loss", "l1_loss",
           "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "smooth_l1_loss", "huber_loss", "kl_div", "margin_ranking_loss", "cosine_embedding_loss",
           "triplet_margin_loss", "multilabel_soft_margin_loss", "poisson_nll_loss",
           "gaussian_nll_loss", "ctc_loss", "scaled_dot_product_attention",
           "conv1d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "max_pool1d", "max_pool3d", "avg_pool1d", "avg_pool3d", "adaptive_avg_pool1d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "max_unpool1d", "max_unpool2d",
           "pixel_shuffle", "pixel_unshuffle", "interpolate", "upsample", "upsample_nearest",
           "upsample_bilinear", "elu", "selu", "celu", "hardtanh", "relu6", "hardsigmoid",
           "hardswish", "softplus", "mish", "softsign", "logsigmoid", "softmin", "glu", "prelu",
           "tanhshrink", "softshrink", "hardshrink", "threshold", "normalize",
           "cosine_similarity", "pairwise_distance", "bilinear", "dropout1d", "dropout3d",
           "alpha_dropout", "group_norm", "instance_norm", "rms_norm"]


# ---------------------------------------------------------------------------------------------
# linear and activations
# ---------------------------------------------------------------------------------------------

def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` for ``input`` of shape (..., in) and ``weight`` (out, in),
    as one fused op.

    >>> linear(tg.ones(2, 3), tg.ones(4, 3)).shape
    torch.Size([2, 4])
    """
    return P.Linear.apply(input, weight, bias)


def relu(input, inplace=False):
    """max(x, 0). ``F.relu(x)``"""
    out = P.Relu.apply(input)
    return _in_place(input, out, inplace) if inplace else out


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x for x > 0, ``negative_slope`` · x otherwise. ``F.leaky_relu(x, 0.2)``"""
    return _in_place(input, input.leaky_relu(negative_slope), inplace)


def sigmoid(input):
    """1 / (1 + e^-x). ``F.sigmoid(x)``"""
    return input.sigmoid()


def tanh(input):
    """Hyperbolic tangent. ``F.tanh(x)``"""
    return input.tanh()


def softmax(input, dim):
    """exp(x) normalised to sum to 1 along ``dim``. ``F.softmax(logits, dim=1)``"""
    return input.softmax(dim)


def log_softmax(input, dim):
    """log(softmax(x)) along ``dim``, computed stably. ``F.log_softmax(logits, dim=1)``"""
    return input.log_softmax(dim)


def gelu(input, approximate="none"):
    """x · Φ(x); ``approximate='tanh'`` uses the tanh formula. ``F.gelu(x)``"""
    return input.gelu(approximate=approximate)


def silu(input, inplace=False):
    """x · sigmoid(x). ``F.silu(x)``"""
    return _in_place(input, input.silu(), inplace)


def _in_place(input, out, inplace):
    """PyTorch's ``inplace=True``: the result written into ``input``, which is returned. When
    autograd would record it (``input`` requires grad) the result is a new tensor instead."""
    if inplace and not (input.requires_grad and grad_mode.is_grad_enabled()):
        return input.copy_(out)
    return out


def _float_only(input, fname):
    sliding.check_dtype(input, fname, "f")
    return input


def _masked(input, cond):
    """x where ``cond``, else 0 with no gradient: the input of a branch that ``where`` may not
    pick, so the branch can neither overflow nor turn its zero gradient into nan there."""
    return P.Where.apply(input, np.zeros((), input.dtype), cond=cond)


def _int_scalar(value, dtype, fname):
    """``value`` as a scalar of integer ``dtype`` (truncated); RuntimeError if it overflows."""
    info = np.iinfo(dtype)
    if not info.min <= int(value) <= info.max:
        raise RuntimeError(f"{fname}: value {value!r} cannot be converted to {dtype} without "
                           f"overflow")
    return int(value)


def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha·(e^x - 1) otherwise.

    >>> F.elu(tg.Tensor([-1.0, 2.0])).numpy().round(4)
    array([-0.6321,  2.    ], dtype=float32)
    """
    _float_only(input, "elu")
    negative = input._array <= 0  # nan takes the x branch, as PyTorch
    out = where(~negative, input, alpha * (_masked(input, negative).exp() - 1.0))
    return _in_place(input, out, inplace)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale · elu(x, alpha) with the self-normalising constants alpha ≈ 1.6733, scale ≈ 1.0507.

    >>> F.selu(tg.Tensor([1.0])).numpy().round(4)
    array([1.0507], dtype=float32)
    """
    _float_only(input, "selu")
    return _in_place(input, _SELU_SCALE * elu(input, _SELU_ALPHA), inplace)


def celu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha·(e^(x/alpha) - 1) otherwise.

    >>> F.celu(tg.Tensor([-1.0, 2.0]), alpha=2.0).numpy().round(4)
    array([-0.7869,  2.    ], dtype=float32)
    """
    _float_only(input, "celu")
    negative = input._array <= 0
    out = where(~negative, input, alpha * ((_masked(input, negative) / alpha).exp() - 1.0))
    return _in_place(input, out, inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clipped to [min_val, max_val]; the gradient is 1 strictly inside, 0 elsewhere.

    >>> F.hardtanh(tg.Tensor([-2.0, 0.5, 3.0]))
    tensor([-1. ,  0.5,  1. ])
    """
    sliding.check_dtype(input, "hardtanh", "fiu")
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} must not exceed max_val {max_val}")
    x = input._array
    lo, hi = (min_val, max_val) if x.dtype.kind == "f" else (
        _int_scalar(min_val, x.dtype, "hardtanh"), _int_scalar(max_val, x.dtype, "hardtanh"))
    out = P.Where.apply(input, np.clip(x, lo, hi).astype(x.dtype, copy=False),
                        cond=~((x <= lo) | (x >= hi)))  # nan passes its gradient, as PyTorch
    return _in_place(input, out, inplace)


def relu6(input, inplace=False):
    """min(max(x, 0), 6).

    >>> F.relu6(tg.Tensor([-1.0, 3.0, 8.0]))
    tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between.

    >>> F.hardsigmoid(tg.Tensor([-4.0, 0.0, 4.0]))
    tensor([0. , 0.5, 1. ])
    """
    _float_only(input, "hardsigmoid")
    x = input._array
    ramp = P.Where.apply(input + 3.0, np.clip(x + 3, 0, 6).astype(x.dtype), cond=(x > -3) & (x < 3))
    # the value is ramp / 6; the gradient uses 1/6 rounded to float32, as PyTorch's kernel
    sixth = ramp * _SIXTH_FLOAT32
    return _in_place(input, (ramp / 6.0).detach() + (sixth - sixth.detach()), inplace)


_SIXTH_FLOAT32 = float(np.float32(1.0 / 6.0))


def hardswish(input, inplace=False):
    """x · relu6(x + 3) / 6.

    >>> F.hardswish(tg.Tensor([-4.0, 1.0, 4.0])).numpy().round(4)
    array([-0.    ,  0.6667,  4.    ], dtype=float32)
    """
    _float_only(input, "hardswish")
    if input.dtype == np.float16:  # computed in float32, as PyTorch
        return _in_place(input, hardswish(input.to(np.float32)).to(np.float16), inplace)
    x = input._array
    ramp, high = (x >= -3) & (x <= 3), ~(x <= 3)  # nan is "high": value nan, gradient 1
    middle = _masked(input, ramp)
    out = where(x < -3, input * 0.0, where(ramp, middle * (middle + 3.0) / 6.0,
                                           _masked(input, high) * 6.0 / 6.0))
    return _in_place(input, out, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(beta·x)) / beta, and x itself where beta·x > threshold.

    >>> F.softplus(tg.Tensor([0.0, 30.0])).numpy().round(4)
    array([ 0.6931, 30.    ], dtype=float32)
    """
    _float_only(input, "softplus")
    scaled = input * beta
    linear = scaled._array > threshold
    return where(linear, input, _softplus(_masked(scaled, ~linear)) / beta)


def _softplus(z):
    """log(1 + e^z) without overflow, as z + log(1 + e^-z) for z > 0 (each exp of a
    non-positive number, so neither branch overflows; the gradient at 0 is 1/2)."""
    up = z._array > 0
    positive = z + (1.0 + (-_masked(z, up)).exp()).log()
    return where(up, positive, (1.0 + _masked(z, ~up).exp()).log())


def mish(input, inplace=False):
    """x · tanh(softplus(x)).

    >>> F.mish(tg.Tensor([1.0])).numpy().round(4)
    array([0.8651], dtype=float32)
    """
    _float_only(input, "mish")
    return _in_place(input, input * softplus(input).tanh(), inplace)


def softsign(input):
    """x / (1 + |x|); integers give float32.

    >>> F.softsign(tg.Tensor([-3.0, 1.0]))
    tensor([-0.75,  0.5 ])
    """
    sliding.check_dtype(input, "softsign", "fiu")
    return input / (input.abs() + 1)


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), finite for any x.

    >>> F.logsigmoid(tg.Tensor([0.0, -100.0]))
    tensor([  -0.6931, -100.    ])
    """
    _float_only(input, "logsigmoid")
    return -_softplus(-input)


def _legacy_softmax_dim(ndim):
    return 0 if ndim in (0, 1, 3) else 1


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along ``dim`` (None: PyTorch's legacy choice, 0 for 0-, 1- and 3-D input,
    else 1); ``dtype`` casts the input first.

    >>> F.softmin(tg.Tensor([1.0, 2.0]), dim=0).numpy().round(4)
    array([0.7311, 0.2689], dtype=float32)
    """
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype == np.bool_:
        raise DTypeError("softmin: negation of a bool tensor is not supported")
    if not input.numel():
        return input.clone()
    sliding.check_dtype(input, "softmin", "f")
    return (-input).softmax(_legacy_softmax_dim(input.ndim) if dim is None else dim)


def glu(input, dim=-1):
    """Gated linear unit: a · sigmoid(b), a and b the two halves of ``input`` along ``dim``.

    >>> F.glu(tg.Tensor([1.0, 2.0, 0.0, 100.0]))
    tensor([0.5, 2. ])
    """
    _float_only(input, "glu")
    if input.ndim == 0:
        raise ShapeError("glu: does not support 0-d (scalar) tensors")
    (axis,) = normalize_dims(dim, input.ndim, "glu")
    half = input.shape[axis] // 2
    if input.shape[axis] % 2:
        raise ShapeError(f"glu: halving dim {axis} needs an even size, got shape {input.shape}")
    lead = (slice(None),) * axis
    return input[lead + (slice(None, half),)] * input[lead + (slice(half, None),)].sigmoid()


def prelu(input, weight):
    """x for x > 0, weight · x otherwise, ``weight`` a single slope or one per channel (dim 1).

    >>> F.prelu(tg.Tensor([[-1.0, 2.0]]), tg.Tensor([0.25]))
    tensor([[-0.25,  2.  ]])
    """
    _float_only(input, "prelu")
    if weight.numel() != 1:
        if input.ndim < 2 or weight.ndim != 1 or weight.shape[0] != input.shape[1]:
            raise ShapeError(f"prelu: weight of shape {weight.shape} must have 1 element or one "
                             f"per channel (dim 1) of input of shape {input.shape}")
        weight = weight.reshape((-1,) + (1,) * (input.ndim - 2))
    elif weight.ndim:
        weight = weight.reshape(())
    return where(input._array > 0, input, weight * input)


def tanhshrink(input):
    """x - tanh(x); integers give float32.

    >>> F.tanhshrink(tg.Tensor([1.0])).numpy().round(4)
    array([0.2384], dtype=float32)
    """
    sliding.check_dtype(input, "tanhshrink", "fiu")
    return input - input.tanh()


def _check_lambd(lambd, fname):
    if lambd < 0:
        raise ValueError(f"{fname}: lambd must be >= 0, got {lambd}")


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between.

    >>> F.softshrink(tg.Tensor([-1.0, 0.2, 2.0]))
    tensor([-0.5,  0. ,  1.5])
    """
    _float_only(input, "softshrink")
    _check_lambd(lambd, "softshrink")
    x = input._array
    inside = (x >= -lambd) & (x <= lambd)  # nan is outside: value nan, gradient 1
    return where(inside, 0.0, input - Tensor(np.where(x > 0, lambd, -lambd).astype(x.dtype)))


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, 0 elsewhere.

    >>> F.hardshrink(tg.Tensor([-1.0, 0.2, 2.0]))
    tensor([-1.,  0.,  2.])
    """
    _float_only(input, "hardshrink")
    x = input._array
    return where((x >= -lambd) & (x <= lambd), 0.0, input)


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, ``value`` elsewhere.

    >>> F.threshold(tg.Tensor([0.5, 2.0]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    sliding.check_dtype(input, "threshold", "fiu")
    x = input._array
    if x.dtype.kind != "f":
        value = _int_scalar(value, x.dtype, "threshold")
    fill = Tensor(np.array(value).astype(x.dtype))
    return _in_place(input, where(x <= threshold, fill, input), inplace)


def _vector_norm(x, p, dim, keepdim=False):
    """The p-norm along ``dim``; its gradient at a zero vector is 0, as PyTorch's. float16 is
    summed in float32 (as PyTorch), so tiny entries do not underflow."""
    if x.dtype == np.float16:
        return _vector_norm(x.to(np.float32), p, dim, keepdim).to(np.float16)
    if p == 2:
        return P.Sqrt.apply((x * x).sum(dim, keepdim=keepdim), zero_at_zero=True)
    if p == 1:
        return x.abs().sum(dim, keepdim=keepdim)
    if p == float("inf"):
        return x.abs().amax(dim, keepdim=keepdim)
    if p == 0:
        return (x != 0).to(x.dtype).sum(dim, keepdim=keepdim)
    return (x.abs() ** p).sum(dim, keepdim=keepdim) ** (1.0 / p)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``).

    >>> F.normalize(tg.Tensor([[3.0, 4.0]]))
    tensor([[0.6, 0.8]])
    """
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported; use the returned tensor")
    sliding.check_dtype(input, "normalize", "f")
    (axis,) = normalize_dims(dim, input.ndim, "normalize")
    return input / _vector_norm(input, p, axis, keepdim=True).clamp(min=eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between ``x1`` and ``x2`` (broadcast) along ``dim``, each norm
    clamped to at least ``eps``.

    >>> F.cosine_similarity(tg.Tensor([[1.0, 0.0]]), tg.Tensor([[1.0, 1.0]])).numpy().round(4)
    array([0.7071], dtype=float32)
    """
    sliding.check_dtype(x1, "cosine_similarity", "f")
    sliding.check_dtype(x2, "cosine_similarity", "f")
    a, b = x1 + x2 * 0.0, x2 + x1 * 0.0  # broadcast both
    (axis,) = normalize_dims(dim, a.ndim, "cosine_similarity")
    unit_a = a / _vector_norm(a, 2, axis, keepdim=True).clamp(min=eps)
    unit_b = b / _vector_norm(b, 2, axis, keepdim=True).clamp(min=eps)
    return (unit_a * unit_b).sum(axis)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The ``p``-norm of x1 - x2 + eps along the last dim.

    >>> F.pairwise_distance(tg.Tensor([[0.0, 0.0]]), tg.Tensor([[3.0, 4.0]])).numpy().round(4)
    array([5.], dtype=float32)
    """
    for x in (x1, x2):
        sliding.check_dtype(x, "pairwise_distance", "fiu")
    diff = x1 - x2
    if diff.ndim == 0:
        return (diff + eps).abs()
    return _vector_norm(diff + eps, p, diff.ndim - 1, keepdim)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """``torch.cdist``: the ``p``-norm distance between each row of ``x1`` (..., P, M) and each
    row of ``x2`` (..., R, M), as (..., P, R). ``compute_mode`` is accepted; the distances are
    always computed from the differences (the exact way).

    >>> tg.cdist(tg.Tensor([[0.0, 0.0]]), tg.Tensor([[3.0, 4.0], [1.0, 0.0]]))
    tensor([[5., 1.]])
    """
    if compute_mode not in ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                            "donot_use_mm_for_euclid_dist"):
        raise ValueError(f"cdist: {compute_mode!r} is not a valid compute_mode")
    for name, x in (("x1", x1), ("x2", x2)):
        sliding.check_dtype(x, "cdist", "f")
        if x.dtype == np.float16:
            raise UnsupportedDTypeError("cdist: not implemented for dtype float16")
        if x.ndim < 2:
            raise ShapeError(f"cdist: {name} must have at least 2 dims, got shape {x.shape}")
    if x1.shape[-1] != x2.shape[-1]:
        raise ShapeError(f"cdist: x1 {x1.shape} and x2 {x2.shape} must have the same number of "
                         f"columns")
    if p < 0:
        raise ValueError(f"cdist: p must be >= 0, got {p}")
    return _vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1)


def bilinear(input1, input2, weight, bias=None):
    """y_o = x1ᵀ · weight[o] · x2 + bias_o for x1 (..., in1), x2 (..., in2) and ``weight``
    (out, in1, in2).

    >>> F.bilinear(tg.ones(2, 3), tg.ones(2, 4), tg.ones(5, 3, 4)).shape
    torch.Size([2, 5])
    """
    if weight.ndim != 3 or input1.shape[-1:] != weight.shape[1:2] \
            or input2.shape[-1:] != weight.shape[2:]:
        raise ShapeError(f"bilinear: expected inputs (..., {weight.shape[1:2]}) and (..., "
                         f"{weight.shape[2:]}) for weight (out, in1, in2), got {input1.shape}, "
                         f"{input2.shape} and weight {weight.shape}")
    sliding.check_dtype(input1, "bilinear", "fiu")
    out_features, in1, in2 = weight.shape
    mixed = input1 @ weight.permute(1, 0, 2).reshape(in1, out_features * in2)
    out = (mixed.reshape(mixed.shape[:-1] + (out_features, in2)) * input2.unsqueeze(-2))
    out = out.sum(-1).to(input1.dtype)
    return out if bias is None else out + bias


# ---------------------------------------------------------------------------------------------
# dropout, normalisation, embedding
# ---------------------------------------------------------------------------------------------

def _check_probability(p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
    return float(p)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (inverted
    dropout), so the expected value is unchanged; the identity when ``training`` is False.

    >>> F.dropout(tg.ones(4), p=0.5).numpy()   # doctest: +SKIP
    array([2., 0., 2., 2.], dtype=float32)
    """
    return _in_place(input, _dropout(input, p, training, input.shape), inplace)


def _feature_dropout(input, p, training, inplace):
    """Dropout of whole channels of (N, C, ...) input: one draw per (sample, channel)."""
    if input.ndim < 2:
        raise ShapeError(f"feature dropout needs a batch and a channel dim, got shape "
                         f"{input.shape}")
    mask_shape = input.shape[:2] + (1,) * (input.ndim - 2)
    return _in_place(input, _dropout(input, p, training, mask_shape), inplace)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input with probability ``p`` and scale the
    rest by 1 / (1 - p); the identity when ``training`` is False.

    >>> F.dropout1d(tg.ones(2, 3, 4), p=0.5)[0, :, 0].numpy()   # doctest: +SKIP
    array([2., 0., 2.], dtype=float32)
    """
    if input.ndim not in (2, 3):
        raise ShapeError(f"dropout1d: expected a 2-D (unbatched) or 3-D (batched) input, got "
                         f"shape {input.shape}")
    if input.ndim == 3:
        return _feature_dropout(input, p, training, inplace)
    return _in_place(input, _feature_dropout(input.unsqueeze(0), p, training, False).squeeze(0),
                     inplace)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) input with probability ``p`` and scale the rest by
    1 / (1 - p); the identity when ``training`` is False. As PyTorch 2.x, a 3-D input is taken
    as (N, C, L) (one draw per row; a warning says so) and other sizes warn that they are
    deprecated.

    >>> F.dropout2d(tg.ones(1, 4, 2, 2), p=0.5)[0, :, 0, 0].numpy()   # doctest: +SKIP
    array([2., 0., 0., 2.], dtype=float32)
    """
    if input.ndim == 3:
        warnings.warn("dropout2d: a 3-D input is taken as (N, C, L), channel-wise 1-D dropout, as "
                      "PyTorch does; use dropout1d for that, or add a batch dim to (C, H, W)",
                      UserWarning, stacklevel=2)
    elif input.ndim != 4:
        warnings.warn(f"dropout2d: a {input.ndim}-D input is deprecated (PyTorch expects 3-D or "
                      f"4-D input); use dropout instead", UserWarning, stacklevel=2)
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability ``p`` and
    scale the rest by 1 / (1 - p); the identity when ``training`` is False.

    >>> F.dropout3d(tg.ones(1, 2, 2, 2, 2), p=0.5).shape
    torch.Size([1, 2, 2, 2, 2])
    """
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: a {input.ndim}-D input is deprecated (PyTorch expects 4-D or "
                      f"5-D input); use dropout instead", UserWarning, stacklevel=2)
    if input.ndim == 5:
        return _feature_dropout(input, p, training, inplace)
    return _in_place(input, _feature_dropout(input.unsqueeze(0), p, training, False).squeeze(0),
                     inplace)


def _dropout(input, p, training, mask_shape):
    """Inverted dropout with one draw per element of ``mask_shape`` (broadcast over the rest)."""
    p = _check_probability(p)
    if not training or p == 0.0:
        return input
    if input.dtype.kind != "f" and input.numel() and p != 1.0:
        raise DTypeError(f"dropout: scaling by 1 / (1 - p) needs a floating-point input, got "
                         f"{input.dtype}")
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = (generator().random(mask_shape) >= p).astype(input.dtype) * input.dtype.type(scale)
    return input * Tensor(mask)


_ALPHA_PRIME = _SELU_ALPHA * _SELU_SCALE  # -selu(-inf): where selu saturates


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped elements are set to selu's saturation value and the
    result is scaled and shifted so mean and variance are kept (PyTorch's constants).

    >>> F.alpha_dropout(tg.ones(3), 0.5, training=False)
    tensor([1., 1., 1.])
    """
    p = _check_probability(p)
    if not training or p == 0.0 or not input.numel():
        return input
    sliding.check_dtype(input, "alpha_dropout", "f")
    if p == 1.0:
        return _in_place(input, input * 0.0, inplace)
    a = 1.0 / np.sqrt((_ALPHA_PRIME ** 2 * p + 1.0) * (1.0 - p))
    keep = (generator().random(input.shape) >= p).astype(input.dtype)
    shift = ((keep - 1.0) * _ALPHA_PRIME * a + _ALPHA_PRIME * a * p).astype(input.dtype)
    return _in_place(input, input * Tensor(keep * input.dtype.type(a)) + Tensor(shift), inplace)


def _moments(input, dims):
    """Mean and biased variance over ``dims``, keeping the dimensions."""
    return input.mean(dims, keepdim=True), input.var(dims, correction=0, keepdim=True)


def _normalize(input, mean, var, eps):
    return (input - mean) / (var + eps).sqrt()


def _affine(x, weight, bias, shape=None):
    """x · weight + bias, each optional, reshaped to ``shape`` to broadcast."""
    if weight is not None:
        x = x * (weight if shape is None else weight.reshape(shape))
    if bias is not None:
        x = x + (bias if shape is None else bias.reshape(shape))
    return x


def _normalized_shape(input, normalized_shape, fname):
    """``normalized_shape`` as a tuple, checked against the input's trailing dims."""
    shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) \
        else tuple(normalized_shape)
    if input.ndim < len(shape) or tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise ShapeError(f"{fname}: expected input with trailing dimensions {shape}, got "
                         f"shape {input.shape}")
    return shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last ``len(normalized_shape)`` dimensions, whose sizes must equal
    ``normalized_shape``, then scale by ``weight`` and shift by ``bias``.

    >>> F.layer_norm(tg.Tensor([[1.0, 2.0, 3.0]]), (3,)).numpy().round(4)
    array([[-1.2247,  0.    ,  1.2247]], dtype=float32)
    """
    _float_only(input, "layer_norm")
    shape = _normalized_shape(input, normalized_shape, "layer_norm")
    mean, var = _moments(input, tuple(range(input.ndim - len(shape), input.ndim)))
    return _affine(_normalize(input, mean, var, eps), weight, bias)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalisation per channel C of (N, C), (N, C, L) or (N, C, H, W) input.

    ``training=True`` normalises with the batch statistics (biased variance) and, when running
    statistics are given, updates them in place: ``running = (1 - momentum) · running +
    momentum · batch``, with the unbiased batch variance. ``training=False`` normalises with the
    running statistics.

    >>> x = tg.Tensor([[1.0], [3.0]])
    >>> F.batch_norm(x, None, None, training=True).numpy().round(3)
    array([[-1.],
           [ 1.]], dtype=float32)
    """
    _float_only(input, "batch_norm")
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected input with a batch and a channel dim, got shape "
                         f"{input.shape}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (channels,):
            raise ValueError(f"batch_norm: {name} has shape {t.shape} but the input "
                             f"{input.shape} has {channels} channels")
    if training:
        count = input.numel() // max(channels, 1)
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input of shape {input.shape}")
        stats = []  # the batch mean and biased variance
        out = P.BatchNorm.apply(input, weight, bias, eps=eps, stats=stats)
        mean, var = stats
        with no_grad():
            if running_mean is not None:
                running_mean.mul_(1.0 - momentum).add_(mean * momentum)
            if running_var is not None:
                running_var.mul_(1.0 - momentum).add_(var * (count / (count - 1)) * momentum)
        return out
    if running_mean is None or running_var is None:
        raise ValueError("batch_norm: running_mean and running_var are needed when not training")
    shape = (1, channels) + (1,) * (input.ndim - 2)
    mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    return _affine(_normalize(input, mean, var, eps), weight, bias, shape)


# ---------------------------------------------------------------------------------------------
# convolution and pooling over (N, C, *spatial) or unbatched (C, *spatial) input: the 2-D
# defaults on the fused primitives Conv2d / MaxPool2d, every other case on sliding.windows
# ---------------------------------------------------------------------------------------------

def _conv_padding(padding, kernel, stride, dilation, fname):
    """(left, right) padding per spatial dim from an int, a tuple, 'valid' or 'same'."""
    if padding == "valid":
        return [(0, 0)] * len(kernel)
    if padding == "same":
        if any(s != 1 for s in stride):
            raise ShapeError(f"{fname}: padding='same' needs stride 1, got stride {stride}")
        spans = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return [(s // 2, s - s // 2) for s in spans]  # the extra one on the right
    if isinstance(padding, str):
        raise ValueError(f"{fname}: padding must be 'valid', 'same', an int or a tuple of ints, "
                         f"got {padding!r}")
    return [(p, p) for p in sliding.ntuple(padding, len(kernel), fname, "padding", 0)]


def _flat_padding(pads):
    """Per-dim (left, right) pairs as ``F.pad``'s flat tuple (last dim first)."""
    return tuple(p for pair in reversed(pads) for p in pair)


def _out_shape(x, kernel, stride, pads, dilation, fname, ceil_mode=False):
    """The output spatial shape; ShapeError when a window does not fit the padded input."""
    shape = tuple(sliding.out_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d
                  in zip(x.shape[2:], kernel, stride, pads, dilation))
    if min(shape, default=1) < 1:
        padded = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pads))
        span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
        raise ShapeError(f"{fname}: kernel {kernel} (dilation {dilation}, spanning {span}) is "
                         f"larger than the padded input {padded} of input shape {x.shape}")
    return shape


def _convolve(x, weight, bias, stride, pads, dilation, groups, fname):
    """Cross-correlation of checked (N, C, *spatial) ``x`` with ``weight`` (O, C / groups, *k):
    the fused primitive for 2-D floats without groups, else a product with the windows."""
    kernel, nd = weight.shape[2:], weight.ndim - 2
    out_shape = _out_shape(x, kernel, stride, pads, dilation, fname)
    if nd == 2 and groups == 1 and x.dtype.kind == "f":
        window = kernels.Window(kernel, stride, tuple(p for pair in pads for p in pair), dilation)
        return P.Conv2d.apply(x, weight, bias, window=window)
    if any(lo or hi for lo, hi in pads):
        x = x.pad(_flat_padding(pads))
    n, out_channels, k = x.shape[0], weight.shape[0], int(np.prod(weight.shape[1:]))
    cols = sliding.windows(x, kernel, stride, dilation, out_shape)
    cols = cols.reshape(n, groups, k, int(np.prod(out_shape)))
    out = (weight.reshape(groups, out_channels // groups, k) @ cols)
    out = out.reshape((n, out_channels) + out_shape)
    return out if bias is None else out + bias.reshape((out_channels,) + (1,) * nd)


def _check_conv(input, weight, bias, groups, nd, fname, transposed=False):
    """``input`` batched and checked against ``weight`` and ``bias``; returns it and the
    function that removes an added batch dim."""
    for name, t in (("input", input), ("weight", weight)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fname}: expected a Tensor {name}, got {type(t).__name__}")
    x, unbatch = sliding.batched(input, nd, fname)
    if transposed:  # torch has transposed-convolution kernels for floats and int64 only
        if x.dtype.kind != "f" and x.dtype != np.int64:
            raise UnsupportedDTypeError(f"{fname}: not implemented for dtype {x.dtype}")
    else:
        sliding.check_dtype(x, fname, "fiu", empty_ok=True)
    if weight.ndim != nd + 2:
        raise ShapeError(f"{fname}: expected a {nd + 2}-D weight, got shape {weight.shape}")
    if min(weight.shape[2:]) < 1:
        raise ShapeError(f"{fname}: kernel_size must be >= 1, got {weight.shape[2:]}")
    if type(groups) is not int and (isinstance(groups, bool)
                                    or not isinstance(groups, numbers.Integral)) or groups < 1:
        raise ValueError(f"{fname}: groups must be a positive int, got {groups!r}")
    if weight.shape[0] % groups:
        raise ShapeError(f"{fname}: groups={groups} must divide dim 0 of weight {weight.shape}")
    channels = weight.shape[0] if transposed else weight.shape[1] * groups
    if x.shape[1] != channels:
        raise ShapeError(f"{fname}: expected input with {channels} channels, got input of shape "
                         f"{input.shape} (weight {weight.shape}, groups={groups})")
    out_channels = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ShapeError(f"{fname}: bias must have shape ({out_channels},) for weight "
                         f"{weight.shape}, got {bias.shape}")
    if weight.dtype != x.dtype or (bias is not None and bias.dtype != x.dtype):
        raise DTypeError(f"{fname}: input, weight and bias must have the same dtype, got "
                         f"{x.dtype}, {weight.dtype} and {None if bias is None else bias.dtype}")
    return x, unbatch


def _conv(input, weight, bias, stride, padding, dilation, groups, nd, fname):
    x, unbatch = _check_conv(input, weight, bias, groups, nd, fname)
    stride = sliding.ntuple(stride, nd, fname, "stride", 1)
    dilation = sliding.ntuple(dilation, nd, fname, "dilation", 1)
    if max(dilation) > 1 and x.dtype.kind in "iu" and x.dtype != np.int64 and x.numel():
        raise UnsupportedDTypeError(f"{fname}: dilated convolution is not implemented for dtype "
                                    f"{x.dtype}")
    pads = _conv_padding(padding, weight.shape[2:], stride, dilation, fname)
    return unbatch(_convolve(x, weight, bias, stride, pads, dilation, groups, fname))


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of (N, C, L) input with ``weight`` (O, C / groups, k); see
    :func:`conv2d`.

    >>> F.conv1d(tg.ones(1, 2, 5), tg.ones(4, 1, 3), groups=2).shape
    torch.Size([1, 4, 3])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as PyTorch) of ``input`` (N, C, H, W) with ``weight``
    (O, C / groups, kh, kw) and optional ``bias`` (O,). ``stride``, ``padding`` and ``dilation``
    are ints or (h, w) pairs; ``padding`` may also be ``'valid'`` (none) or ``'same'`` (output as
    large as the input; stride 1); ``groups`` splits the channels into independent groups
    (``groups=C`` is a depthwise convolution). Computed as one matrix product over the windows.

    >>> conv2d(tg.ones(1, 1, 4, 4), tg.ones(2, 1, 3, 3), padding=1)[0, 0]
    tensor([[4., 6., 6., 4.],
            [6., 9., 9., 6.],
            [6., 9., 9., 6.],
            [4., 6., 6., 4.]])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution of (N, C, D, H, W) input with ``weight`` (O, C / groups, kd, kh, kw); see
    :func:`conv2d`.

    >>> F.conv3d(tg.ones(1, 1, 3, 4, 4), tg.ones(2, 1, 3, 3, 3), padding="same").shape
    torch.Size([1, 2, 3, 4, 4])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _dim_padding(x, dim, lo, hi):
    """``x`` padded (or cropped, for negative sizes) by (lo, hi) along ``dim`` only."""
    widths = [0] * (2 * (x.ndim - dim))
    widths[-2:] = lo, hi
    return sliding.pad(x, widths)


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, nd,
                    fname):
    """The adjoint of the convolution: the input with stride - 1 zeros between its elements,
    padded by dilation·(k - 1) - padding (plus output_padding on the right), convolved with the
    spatially flipped weight whose in/out channels are swapped in each group."""
    x, unbatch = _check_conv(input, weight, bias, groups, nd, fname, transposed=True)
    stride = sliding.ntuple(stride, nd, fname, "stride", 1)
    dilation = sliding.ntuple(dilation, nd, fname, "dilation", 1)
    padding = sliding.ntuple(padding, nd, fname, "padding", 0)
    output_padding = sliding.ntuple(output_padding, nd, fname, "output_padding", 0)
    if any(op >= max(s, d) for op, s, d in zip(output_padding, stride, dilation)):
        raise ShapeError(f"{fname}: output padding {output_padding} must be smaller than either "
                         f"stride {stride} or dilation {dilation}")
    kernel = weight.shape[2:]
    for i, (s, k, p, d, op) in enumerate(zip(stride, kernel, padding, dilation, output_padding)):
        dim, n = 2 + i, x.shape[2 + i]
        if s > 1:  # s - 1 zeros after each element, then the trailing ones cut
            x = _dim_padding(x.unsqueeze(dim + 1), dim + 1, 0, s - 1)
            x = x.reshape(x.shape[:dim] + (n * s,) + x.shape[dim + 2:])
        edge = d * (k - 1) - p
        x = _dim_padding(x, dim, edge, edge + op - (s - 1) * (n > 0))
    c_in, c_out = weight.shape[0] // groups, weight.shape[1]
    w = weight.reshape((groups, c_in, c_out) + kernel).transpose(1, 2)
    flip = (slice(None),) * 2 + (slice(None, None, -1),) * nd
    w = w.reshape((groups * c_out, c_in) + kernel)[flip]
    out = _convolve(x, w, bias, (1,) * nd, [(0, 0)] * nd, dilation, groups, fname)
    return unbatch(out)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 1-D convolution (the gradient of :func:`conv1d` with respect to its input) of
    (N, C_in, L) input with ``weight`` (C_in, C_out / groups, k); the output length is
    (L - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1.

    >>> F.conv_transpose1d(tg.ones(1, 1, 3), tg.ones(1, 1, 2), stride=2)
    tensor([[[1., 1., 1., 1., 1., 1.]]])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 2-D convolution of (N, C_in, H, W) input with ``weight`` (C_in, C_out /
    groups, kh, kw); see :func:`conv_transpose1d`.

    >>> F.conv_transpose2d(tg.ones(1, 3, 4, 4), tg.ones(3, 2, 3, 3), stride=2, padding=1,
    ...                    output_padding=1).shape
    torch.Size([1, 2, 8, 8])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           2, "conv_transpose2d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 3-D convolution of (N, C_in, D, H, W) input; see :func:`conv_transpose1d`.

    >>> F.conv_transpose3d(tg.ones(1, 1, 2, 2, 2), tg.ones(1, 1, 2, 2, 2), stride=2).shape
    torch.Size([1, 1, 4, 4, 4])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           3, "conv_transpose3d")


def _pool_geometry(x, kernel_size, stride, padding, dilation, nd, fname):
    """Kernel, stride (default: the kernel), padding (at most half the kernel) and dilation as
    ``nd``-tuples."""
    kernel = sliding.ntuple(kernel_size, nd, fname, "kernel_size", 1)
    stride = kernel if stride is None or (not isinstance(stride, numbers.Integral) and not
                                          len(stride)) else sliding.ntuple(stride, nd, fname,
                                                                           "stride", 1)
    padding = sliding.ntuple(padding, nd, fname, "padding", 0)
    dilation = sliding.ntuple(dilation, nd, fname, "dilation", 1)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ShapeError(f"{fname}: padding {padding} must be at most half the kernel {kernel}")
    return kernel, stride, padding, dilation


def _pool_windows(x, kernel, stride, padding, dilation, ceil_mode, value, fname):
    """The windows (N, C, K, *out) of ``x`` padded with ``value`` (and, in ``ceil_mode``, on
    the right as far as the last window reaches), and the output shape."""
    pads = [(p, p) for p in padding]
    out_shape = _out_shape(x, kernel, stride, pads, dilation, fname, ceil_mode)
    reach = [(o - 1) * s + d * (k - 1) + 1
             for o, s, d, k in zip(out_shape, stride, dilation, kernel)]
    pads = [(p, max(p, r - n - p)) for p, r, n in zip(padding, reach, x.shape[2:])]
    if any(lo or hi for lo, hi in pads):
        x = x.pad(_flat_padding(pads), value)
    return sliding.windows(x, kernel, stride, dilation, out_shape), out_shape


def _flat_indices(shape, coords):
    """Row-major flat index into spatial ``shape`` of the coordinate arrays ``coords``."""
    flat = 0
    for n, c in zip(shape, coords):
        flat = flat * n + c
    return flat


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd, fname,
              kinds="fiu"):
    x, unbatch = sliding.batched(input, nd, fname)
    sliding.check_dtype(x, fname, kinds)
    kernel, stride, padding, dilation = _pool_geometry(x, kernel_size, stride, padding, dilation,
                                                       nd, fname)
    if nd == 2 and x.dtype.kind == "f" and not ceil_mode and not return_indices:
        pads = [(p, p) for p in padding]
        _out_shape(x, kernel, stride, pads, dilation, fname)
        window = kernels.Window(kernel, stride, tuple(p for pair in pads for p in pair), dilation)
        return unbatch(P.MaxPool2d.apply(x, window=window))
    lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    cols, out_shape = _pool_windows(x, kernel, stride, padding, dilation, ceil_mode, lowest, fname)
    key = None
    if x.dtype.kind != "f":  # padding must lose every tie: decide on float64 copies
        with no_grad():
            key = _pool_windows(Tensor(x.numpy().astype(np.float64)), kernel, stride, padding,
                                dilation, ceil_mode, -np.inf, fname)[0].numpy()
    out, best = sliding.first_max(cols, 2, key)
    if not return_indices:
        return unbatch(out)
    offsets = np.array(list(itertools.product(*(range(k) for k in kernel))), dtype=np.int64)
    coords = [np.arange(o).reshape((o,) + (1,) * (nd - 1 - i)) * s + offsets[best, i] * d - p
              for i, (o, s, d, p) in enumerate(zip(out_shape, stride, dilation, padding))]
    return unbatch(out), unbatch(Tensor(_flat_indices(x.shape[2:], coords)))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Maximum over each window of (N, C, L) input; see :func:`max_pool2d`.

    >>> F.max_pool1d(tg.Tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]]), 2, ceil_mode=True)
    tensor([[[3., 5., 4.]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1,
                     "max_pool1d", kinds="fiu" if return_indices else "f")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Maximum over each window (``stride`` defaults to ``kernel_size``; padding counts as -inf
    and is at most half the kernel). Where several elements of a window tie for the maximum, the
    whole gradient goes to the first of them in row-major order, as PyTorch does. ``ceil_mode``
    keeps a last partial window; ``return_indices`` also returns each maximum's flat index in
    its input plane (for :func:`max_unpool2d`).

    >>> max_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2,
                     "max_pool2d")


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Maximum over each window of (N, C, D, H, W) input; see :func:`max_pool2d`.

    >>> F.max_pool3d(tg.ones(1, 1, 4, 4, 4), 2).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3,
                     "max_pool3d")


def _window_counts(size, kernel, stride, padding, out, include_pad):
    """How many positions each of ``out`` windows along one dim averages over: PyTorch counts
    the padding (with ``include_pad``) but never a ceil-mode overhang."""
    start = np.arange(out) * stride - padding
    stop = np.minimum(start + kernel, size + padding)
    if not include_pad:
        start, stop = np.maximum(start, 0), np.minimum(stop, size)
    return stop - start


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
              nd, fname, kinds="fi"):
    x, unbatch = sliding.batched(input, nd, fname)
    if x.dtype != np.int64:
        sliding.check_dtype(x, fname, kinds)
    kernel, stride, padding, _ = _pool_geometry(x, kernel_size, stride, padding, 1, nd, fname)
    cols, out_shape = _pool_windows(x, kernel, stride, padding, (1,) * nd, ceil_mode, 0, fname)
    total = cols.sum(2)
    if divisor_override:
        divisor = np.array(divisor_override)
    else:
        counts = [_window_counts(n, k, s, p, o, count_include_pad)
                  for n, k, s, p, o in zip(x.shape[2:], kernel, stride, padding, out_shape)]
        divisor = functools.reduce(np.multiply.outer, counts)
    if x.dtype.kind != "f":  # integer means round toward zero, as PyTorch
        quotient = np.abs(total.numpy()) // divisor * np.sign(total.numpy())
        return unbatch(Tensor(quotient.astype(x.dtype)))
    return unbatch(total / Tensor(divisor.astype(x.dtype)))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over each window of (N, C, L) input; see :func:`avg_pool2d`.

    >>> F.avg_pool1d(tg.Tensor([[[1.0, 3.0, 2.0, 6.0]]]), 2)
    tensor([[[2., 4.]]])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1,
                     "avg_pool1d", kinds="f")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over each window (``stride`` defaults to ``kernel_size``); zero padding is counted
    in the mean unless ``count_include_pad=False``; ``divisor_override`` replaces the count.
    Integer inputs give integer means rounded toward zero, as PyTorch.

    >>> avg_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5,  4.5],
              [10.5, 12.5]]]])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2, "avg_pool2d", kinds="f")


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over each window of (N, C, D, H, W) input; see :func:`avg_pool2d`.

    >>> F.avg_pool3d(tg.ones(1, 1, 4, 4, 4), 2).shape
    torch.Size([1, 1, 2, 2, 2])
    """
    if input.dtype == np.float16:
        raise UnsupportedDTypeError("avg_pool3d: not implemented for dtype float16")
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 3, "avg_pool3d", kinds="f")


def _adaptive_size(output_size, spatial, fname):
    """``output_size`` (an int, or a tuple whose None entries keep the input's size) as a tuple."""
    nd = len(spatial)
    size = (output_size,) * nd if output_size is None or isinstance(
        output_size, numbers.Integral) else tuple(output_size)
    if len(size) != nd:
        raise ValueError(f"{fname}: output_size must be an int or {nd} ints, got {output_size!r}")
    return sliding.ntuple(tuple(n if s is None else s for s, n in zip(size, spatial)), nd, fname,
                          "output_size", 0)


def _adaptive_pool(input, output_size, nd, fname, return_indices=None):
    """Bin i of n over a length L covers [floor(i·L/n), ceil((i+1)·L/n)), as PyTorch; mean of
    each bin, or (when ``return_indices`` is not None) its maximum."""
    x, unbatch = sliding.batched(input, nd, fname)
    sliding.check_dtype(x, fname, "f", empty_ok=return_indices is None)
    spatial = x.shape[2:]
    if min(spatial, default=1) < 1:
        raise ShapeError(f"{fname}: expected non-empty spatial dims, got input of shape "
                         f"{input.shape}")
    size = _adaptive_size(output_size, spatial, fname)
    n, c = x.shape[:2]
    if not x.numel():  # no values to pool (an empty batch): an empty result of any dtype
        out = x.reshape((n, c) + (1,) * nd).expand((n, c) + size)
        return unbatch(out) if not return_indices else (unbatch(out), unbatch(
            Tensor(np.zeros(out.shape, np.int64))))
    if all(o and n % o == 0 for n, o in zip(spatial, size)):  # equal bins: one pooling op
        kernel = tuple(n // o for n, o in zip(spatial, size))
        if return_indices is None:
            return _avg_pool(input, kernel, None, 0, False, True, None, nd, fname, "f")
        return _max_pool(input, kernel, None, 0, 1, False, return_indices, nd, fname, "f")
    bins = [[(i * n // o, -(-(i + 1) * n // o)) for i in range(o)] for n, o in zip(spatial, size)]
    values, indices = [], []
    for box in itertools.product(*bins):
        part = x[(Ellipsis,) + tuple(slice(a, b) for a, b in box)]
        part = part.reshape(part.shape[:2] + (int(np.prod(part.shape[2:])),))
        if return_indices is None:
            values.append(part.mean(2))
            continue
        value, best = sliding.first_max(part, 2)
        values.append(value)
        local = np.unravel_index(best, tuple(b - a for a, b in box))
        indices.append(_flat_indices(spatial, [c + a for c, (a, _) in zip(local, box)]))
    out = stack(values, 2).reshape((n, c) + size) if values else x.reshape(n, c, *size)
    if not return_indices:
        return unbatch(out)
    return unbatch(out), unbatch(Tensor(np.stack(indices, 2).reshape((n, c) + size)))


def adaptive_avg_pool1d(input, output_size):
    """Average (N, C, L) input into ``output_size`` bins; see :func:`adaptive_avg_pool2d`.

    >>> F.adaptive_avg_pool1d(tg.Tensor([[[1.0, 2.0, 3.0]]]), 2)
    tensor([[[1.5, 2.5]]])
    """
    return _adaptive_pool(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input, output_size):
    """Average into an ``output_size`` (int or (h, w); None keeps that size) grid of bins, bin i
    of n over a length L covering [floor(i·L/n), ceil((i+1)·L/n)), as PyTorch.

    >>> adaptive_avg_pool2d(tg.ones(2, 3, 5, 7), 1).shape
    torch.Size([2, 3, 1, 1])
    """
    return _adaptive_pool(input, output_size, 2, "adaptive_avg_pool2d")


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Maximum of each of ``output_size`` bins of (N, C, L) input; see
    :func:`adaptive_avg_pool2d` for the bins.

    >>> F.adaptive_max_pool1d(tg.Tensor([[[1.0, 5.0, 3.0]]]), 2)
    tensor([[[5., 5.]]])
    """
    return _adaptive_pool(input, output_size, 1, "adaptive_max_pool1d", bool(return_indices))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Maximum of each bin of an ``output_size`` grid (see :func:`adaptive_avg_pool2d`), and
    with ``return_indices`` each maximum's flat index in its input plane.

    >>> F.adaptive_max_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), (1, 2))
    tensor([[[[13., 15.]]]])
    """
    return _adaptive_pool(input, output_size, 2, "adaptive_max_pool2d", bool(return_indices))


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, nd, fname):
    x, unbatch = sliding.batched(input, nd, fname)
    sliding.check_dtype(x, fname, "f")
    idx = _integer_array(indices, fname, "indices")
    if idx.shape != input.shape:
        raise ShapeError(f"{fname}: indices of shape {idx.shape} must match the input's "
                         f"{input.shape}")
    kernel, stride, padding, _ = _pool_geometry(x, kernel_size, stride, padding, 1, nd, fname)
    if output_size is None:
        size = tuple((n - 1) * s - 2 * p + k
                     for n, s, p, k in zip(x.shape[2:], stride, padding, kernel))
    else:
        size = tuple(int(s) for s in tuple(output_size)[-nd:])
    plane = int(np.prod(size))
    if idx.size and (idx.min() < 0 or idx.max() >= plane):
        raise IndexError(f"{fname}: indices must be in [0, {plane}) for output size {size}, got "
                         f"values in [{idx.min()}, {idx.max()}]")
    n, c = x.shape[:2]
    idx = idx.reshape(n, c, -1)
    grid = np.ogrid[:n, :c, :idx.shape[2]]
    out = P.IndexAdd.apply(x.reshape(n, c, -1), shape=(n, c, plane), index=(grid[0], grid[1], idx))
    return unbatch(out.reshape((n, c) + size))


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of :func:`max_pool2d` with ``return_indices=True``: each value put back at
    its index, zeros elsewhere.

    >>> out, idx = F.max_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)
    >>> F.max_unpool2d(out, idx, 2)[0, 0]
    tensor([[ 0.,  0.,  0.,  0.],
            [ 0.,  5.,  0.,  7.],
            [ 0.,  0.,  0.,  0.],
            [ 0., 13.,  0., 15.]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2, "max_unpool2d")


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of :func:`max_pool1d` with ``return_indices=True``; see :func:`max_unpool2d`.

    >>> out, idx = F.max_pool1d(tg.Tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2, return_indices=True)
    >>> F.max_unpool1d(out, idx, 2)
    tensor([[[0., 3., 2., 0.]]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1, "max_unpool1d")


def pad(input, pad, mode="constant", value=None):
    """Pad with ``pad`` = (left, right) pairs for the last dim first, as PyTorch; negative sizes
    crop. ``mode`` is 'constant' (with ``value``, default 0), 'reflect' (mirror without
    repeating the edge), 'replicate' (repeat the edge) or 'circular' (wrap around).

    >>> pad(tg.Tensor([[1.0]]), (1, 1, 0, 1)).shape
    torch.Size([2, 3])
    >>> pad(tg.Tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]])
    """
    if mode == "constant" and value is not None and input.dtype.kind in "iu":
        info = np.iinfo(input.dtype)
        if not info.min <= value <= info.max:
            raise RuntimeError(f"pad: value {value!r} cannot be converted to {input.dtype} "
                               f"without overflow")
    return sliding.pad(input, pad, mode, value)


def pixel_shuffle(input, upscale_factor):
    """Rearrange (*, C·r², H, W) into (*, C, H·r, W·r), r = ``upscale_factor``.

    >>> F.pixel_shuffle(tg.arange(4.0).reshape(1, 4, 1, 1), 2)
    tensor([[[[0., 1.],
              [2., 3.]]]])
    """
    r = int(upscale_factor)
    if input.ndim < 3 or r < 1 or input.shape[-3] % (r * r):
        raise ShapeError(f"pixel_shuffle: expected input (*, C·{r}², H, W), got shape "
                         f"{input.shape}")
    *lead, c, h, w = input.shape
    lead, k = tuple(lead), len(lead)
    x = input.reshape(lead + (c // (r * r), r, r, h, w))
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(lead + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """The inverse of :func:`pixel_shuffle`: (*, C, H·r, W·r) into (*, C·r², H, W).

    >>> F.pixel_unshuffle(tg.ones(1, 1, 4, 6), 2).shape
    torch.Size([1, 4, 2, 3])
    """
    r = int(downscale_factor)
    if input.ndim < 3 or r < 1 or input.shape[-2] % r or input.shape[-1] % r:
        raise ShapeError(f"pixel_unshuffle: expected input (*, C, H·{r}, W·{r}), got shape "
                         f"{input.shape}")
    *lead, c, h, w = input.shape
    lead, k = tuple(lead), len(lead)
    x = input.reshape(lead + (c, h // r, r, w // r, r))
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(lead + (c * r * r, h // r, w // r))


_INTERPOLATE_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of (N, C, *spatial) input to ``size``, or by ``scale_factor``
    (the size floor(n · scale)). ``mode`` is 'nearest', 'nearest-exact', 'linear' (3-D input),
    'bilinear' (4-D), 'trilinear' (5-D) or 'area' (adaptive average pooling);
    ``align_corners=True`` maps the corner pixels onto each other in the linear modes.

    >>> F.interpolate(tg.Tensor([[[1.0, 2.0]]]), scale_factor=2, mode="linear")
    tensor([[[1.  , 1.25, 1.75, 2.  ]]])
    """
    nd = input.ndim - 2
    if nd < 1 or nd > 3:
        raise NotImplementedError(f"interpolate: expected a 3-D, 4-D or 5-D input, got shape "
                                  f"{input.shape}")
    spatial = input.shape[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if size is not None:
        sizes = sliding.ntuple(size if isinstance(size, numbers.Integral) or len(size) != 1
                               else size[0], nd, "interpolate", "size", 1)
        scales = [n / o for n, o in zip(spatial, sizes)]
    else:
        factors = (scale_factor,) * nd if isinstance(scale_factor, numbers.Real) else \
            tuple(scale_factor)
        if len(factors) != nd or min(factors) <= 0:
            raise ValueError(f"interpolate: scale_factor must be a positive number or {nd} of "
                             f"them, got {scale_factor!r}")
        sizes = tuple(int(np.floor(n * f)) for n, f in zip(spatial, factors))
        scales = [n / o if recompute_scale_factor else 1.0 / f
                  for n, o, f in zip(spatial, sizes, factors)]
    linear = mode in _INTERPOLATE_DIMS
    if mode not in ("nearest", "nearest-exact", "area") and not linear:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported (use 'nearest', "
                                  f"'nearest-exact', 'linear', 'bilinear', 'trilinear' or 'area')")
    if linear and _INTERPOLATE_DIMS[mode] != nd:
        raise NotImplementedError(f"interpolate: {mode} mode needs a "
                                  f"{_INTERPOLATE_DIMS[mode] + 2}-D input, got shape {input.shape}")
    if align_corners is not None and not linear:
        raise ValueError("interpolate: align_corners can only be set with the interpolating modes "
                         "linear, bilinear and trilinear")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if linear and input.dtype == np.float16:  # weights applied in float32, as PyTorch
        return interpolate(input.to(np.float32), sizes if size is not None else None,
                           None if size is not None else scale_factor, mode, align_corners,
                           recompute_scale_factor).to(np.float16)
    sliding.check_dtype(input, f"interpolate ({mode})", "fu" if mode.startswith("nearest") else "f",
                        empty_ok=mode == "area")
    if mode == "area":
        return _adaptive_pool(input, sizes, nd, "interpolate")
    out = input
    for i, (n, o, scale) in enumerate(zip(spatial, sizes, scales)):
        dim = 2 + i
        if linear:
            out = _lerp_dim(out, dim, n, o, scale, align_corners)
        else:
            dst = np.arange(o, dtype=np.float32) + (0.5 if mode == "nearest-exact" else 0.0)
            src = np.minimum(np.floor(dst * np.float32(scale)).astype(np.int64), n - 1)
            out = out[(slice(None),) * dim + (src,)]
    return out


def _lerp_dim(x, dim, n, o, scale, align_corners):
    """``x`` resampled linearly along ``dim`` from n to o points (PyTorch's source positions)."""
    dst = np.arange(o, dtype=np.float64)
    if align_corners:
        src = dst * ((n - 1) / (o - 1)) if o > 1 else np.zeros(o)
    else:
        src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    lo = np.minimum(np.floor(src).astype(np.int64), n - 1)
    hi = np.minimum(lo + 1, n - 1)
    frac = (src - lo).astype(x.dtype).reshape((o,) + (1,) * (x.ndim - dim - 1))
    lead = (slice(None),) * dim
    below, above = x[lead + (lo,)], x[lead + (hi,)]
    return below + (above - below) * Tensor(frac)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """The old name of :func:`interpolate`.

    >>> F.upsample(tg.ones(1, 1, 2), scale_factor=2).shape
    torch.Size([1, 1, 4])
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """:func:`interpolate` with mode 'nearest'.

    >>> F.upsample_nearest(tg.ones(1, 1, 2, 2), scale_factor=2).shape
    torch.Size([1, 1, 4, 4])
    """
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """:func:`interpolate` with mode 'bilinear' and ``align_corners=True``.

    >>> F.upsample_bilinear(tg.ones(1, 1, 2, 2), size=3).shape
    torch.Size([1, 1, 3, 3])
    """
    return interpolate(input, size, scale_factor, "bilinear", align_corners=True)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding of class indices, with a trailing dim of ``num_classes`` (inferred
    as max + 1 when -1).

    >>> one_hot(tg.Tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if isinstance(tensor, Tensor) and tensor.dtype != np.int64:
        raise DTypeError(f"one_hot: class indices must be an int64 tensor, got {tensor.dtype}")
    classes = _integer_array(tensor, "one_hot", "class indices")
    if num_classes < 0:
        if not classes.size:
            raise ShapeError("one_hot: cannot infer num_classes from an empty tensor")
        num_classes = int(classes.max()) + 1
    if classes.size and (classes.min() < 0 or classes.max() >= num_classes):
        raise ShapeError(f"one_hot: class indices must be in [0, {num_classes - 1}], got values in "
                         f"[{classes.min()}, {classes.max()}]")
    return Tensor((classes[..., None] == np.arange(num_classes)).astype(np.int64))


def _integer_array(values, fname, what):
    """``values`` (Tensor, ndarray or list) as an int64 ndarray; TypeError if not integers."""
    arr = values.numpy() if isinstance(values, Tensor) else np.asarray(values)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{fname}: {what} must be integers (int64), got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer indices ``input``; the
    result has shape ``input.shape + (dim,)``. The row ``padding_idx`` receives no gradient.
    With ``max_norm``, the picked rows whose ``norm_type``-norm exceeds it are first rescaled
    to that norm in ``weight`` itself (in place, as PyTorch). ``sparse=True`` is accepted and
    gives the same (dense) gradient.

    >>> F.embedding(tg.Tensor([[0, 2]]), tg.randn(5, 3)).shape
    torch.Size([1, 2, 3])
    """
    if scale_grad_by_freq:
        raise NotImplementedError("embedding: scale_grad_by_freq=True is not supported")
    idx = _integer_array(input, "embedding", "indices")
    rows = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        bad = idx[(idx < 0) | (idx >= rows)].flat[0]
        raise IndexError(f"embedding: index {bad} is out of range for a table of {rows} rows "
                         f"(valid indices are 0..{rows - 1})")
    if max_norm is not None:
        _renorm_rows(weight, np.unique(idx), max_norm, norm_type)
    out = weight[idx]
    if padding_idx is not None:
        padding_idx = padding_idx + rows if padding_idx < 0 else padding_idx
        out = where((idx == padding_idx)[..., None], weight.detach()[idx], out)
    return out


def _renorm_rows(weight, rows, max_norm, norm_type):
    """Rescale ``weight[rows]`` in place (not recorded) so no row's norm exceeds ``max_norm``."""
    if not rows.size:
        return
    picked = weight.numpy()[rows]
    norms = np.linalg.norm(picked, ord=norm_type, axis=1, keepdims=True)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    with no_grad():
        weight[rows] = (picked * scale).astype(picked.dtype)


def _channel_shape(input):
    """The shape that broadcasts a per-channel (C,) vector over (N, C, *spatial) input."""
    return (input.shape[1],) + (1,) * (input.ndim - 2)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each of ``num_groups`` groups of channels of (N, C, *) input over its channels
    and positions, then scale by ``weight`` (C,) and shift by ``bias`` (C,).

    >>> F.group_norm(tg.Tensor([[1.0, 3.0, 0.0, 4.0]]), 2).numpy().round(3)
    array([[-1.,  1., -1.,  1.]], dtype=float32)
    """
    _float_only(input, "group_norm")
    if input.ndim < 2 or num_groups < 1 or input.shape[1] % num_groups:
        raise ShapeError(f"group_norm: expected input (N, C, *) with C divisible by num_groups="
                         f"{num_groups}, got shape {input.shape}")
    n = input.shape[0]
    grouped = input.reshape(n, num_groups, int(np.prod(input.shape[1:])) // num_groups)
    mean, var = _moments(grouped, (2,))
    out = _normalize(grouped, mean, var, eps).reshape(input.shape)
    return _affine(out, weight, bias, _channel_shape(input))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalise each channel of each sample of (N, C, *spatial) input over its positions
    (``use_input_stats``, updating the running statistics with the batch averages when given),
    or with ``running_mean`` / ``running_var``; then the optional per-channel affine.

    >>> F.instance_norm(tg.Tensor([[[1.0, 3.0], [0.0, 4.0]]])).numpy().round(3)
    array([[[-1.,  1.],
            [-1.,  1.]]], dtype=float32)
    """
    _float_only(input, "instance_norm")
    if input.ndim < 3:
        raise ShapeError(f"instance_norm: expected input (N, C, *spatial), got shape {input.shape}")
    shape = _channel_shape(input)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: running_mean and running_var are needed when "
                             "use_input_stats is False")
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
        return _affine(_normalize(input, mean, var, eps), weight, bias, shape)
    dims = tuple(range(2, input.ndim))
    count = int(np.prod(input.shape[2:]))
    if count <= 1:
        raise ValueError(f"instance_norm: expected more than 1 spatial element when training, got "
                         f"input of shape {input.shape}")
    mean, var = _moments(input, dims)
    with no_grad():
        if running_mean is not None:
            running_mean.mul_(1.0 - momentum).add_(mean.mean((0,) + dims) * momentum)
        if running_var is not None:
            unbiased = var.mean((0,) + dims) * (count / (count - 1))
            running_var.mul_(1.0 - momentum).add_(unbiased * momentum)
    return _affine(_normalize(input, mean, var, eps), weight, bias, shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x²) + eps) over the trailing ``normalized_shape`` dims, times ``weight``;
    ``eps`` defaults to the dtype's machine epsilon, as PyTorch.

    >>> F.rms_norm(tg.Tensor([[3.0, 4.0]]), (2,)).numpy().round(4)
    array([[0.8485, 1.1314]], dtype=float32)
    """
    _float_only(input, "rms_norm")
    shape = _normalized_shape(input, normalized_shape, "rms_norm")
    eps = np.finfo(input.dtype).eps.item() if eps is None else eps
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    return _affine(input / ((input * input).mean(dims, keepdim=True) + eps).sqrt(), weight, None)


# ---------------------------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------------------------

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction!r} is not a valid value for reduction; use 'mean', 'sum' "
                         f"or 'none'")
    return reduction


def _reduce(loss, reduction):
    _check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _legacy_reduction(size_average, reduce, reduction):
    """PyTorch's deprecated ``size_average``/``reduce`` flags, when given, as a reduction name."""
    if size_average is None and reduce is None:
        return _check_reduction(reduction)
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def _float_target(input, target, fname, broadcast=False):
    """Check and convert a regression/probability target: the input's shape (or, with
    ``broadcast``, any shape that broadcasts with it, with PyTorch's warning), floating point.
    Arrays and lists are cast to the input's dtype; a Tensor must already have it."""
    if not isinstance(target, Tensor):
        array = np.asarray(target)
        if array.dtype.kind != "f":
            raise TypeError(f"{fname}: expected a floating point target, got dtype {array.dtype}")
        target = Tensor(array.astype(input.dtype, copy=False))
    if target.shape != input.shape:
        if not broadcast:
            raise ValueError(f"{fname}: target shape {target.shape} does not match input shape "
                             f"{input.shape}; they must be equal (no broadcasting)")
        try:
            np.broadcast_shapes(input.shape, target.shape)
        except ValueError:
            raise ShapeError(f"{fname}: target shape {target.shape} does not broadcast with input "
                             f"shape {input.shape}") from None
        warnings.warn(f"{fname}: using a target size {target.shape} that is different to the "
                      f"input size {input.shape}; this will likely lead to incorrect results "
                      f"due to broadcasting. Please ensure they have the same size.", stacklevel=3)
    if target.dtype != input.dtype:
        raise TypeError(f"{fname}: expected target of dtype {input.dtype} (the input's), got "
                        f"{target.dtype}")
    return target


def _as_weight(weight, input):
    """An optional weight (Tensor, array or list) as a Tensor of the input's dtype."""
    if weight is None:
        return None
    if isinstance(weight, str):
        raise TypeError(f"weight must be a tensor of weights, got the string {weight!r}; pass "
                        f"reduction={weight!r} by keyword")
    weight = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight))
    return weight if weight.dtype == input.dtype else weight.to(input.dtype)


def _reduce_weighted(loss, weight, reduction, input, fname, mean_by_weight=True):
    """``loss`` times the optional elementwise ``weight`` (the input's shape), reduced; the mean
    of a weighted loss divides by the summed weights (``mean_by_weight``, PyTorch's rule for
    mse and l1) or by the count (huber)."""
    if weight is None:
        return _reduce(loss, reduction)
    weight = _as_weight(weight, input)
    if weight.shape != input.shape:
        raise ValueError(f"{fname}: weights and input must have the same size, got "
                         f"{weight.shape} and {input.shape}")
    loss = loss * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Squared error (x - y)², optionally weighted, reduced by ``reduction`` ('mean', 'sum' or
    'none').

    >>> F.mse_loss(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(2.5)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    sliding.check_dtype(input, "mse_loss", "fiu")
    if weight is None:  # PyTorch's weighted path is plain tensor arithmetic, integers included
        _float_only(input, "mse_loss")
    diff = input - _float_target(input, target, "mse_loss", broadcast=True)
    return _reduce_weighted(diff * diff, weight, reduction, input, "mse_loss")


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Absolute error |x - y|, optionally weighted, reduced by ``reduction``.

    >>> F.l1_loss(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(1.5)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    sliding.check_dtype(input, "l1_loss", "fiu")
    diff = input - _float_target(input, target, "l1_loss", broadcast=True)
    return _reduce_weighted(diff.abs(), weight, reduction, input, "l1_loss")


def _class_scores(input, target, fname):
    """Validate class-index targets for (C,), (N, C) or (N, C, d1, ...) scores and flatten both:
    returns scores (M, C), int64 targets (M,) and the per-element loss shape. The class range is
    left to the caller."""
    shape = input.shape
    if not shape:
        raise ValueError(f"{fname}: input must have a class dimension, got a 0-d tensor")
    _float_only(input, fname)
    classes = _integer_array(target, fname, "target class indices")
    loss_shape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    if classes.shape != loss_shape:
        raise ValueError(f"{fname}: expected target of shape {loss_shape} for input of shape "
                         f"{shape}, got {classes.shape}")
    num_classes = shape[0 if len(shape) == 1 else 1]
    if len(shape) == 2:
        return input, classes, loss_shape
    if len(shape) > 2:
        input = input.permute(0, *range(2, len(shape)), 1)
    return input.reshape(-1, num_classes), classes.reshape(-1), loss_shape


def _is_probability_target(target, input):
    """Class probabilities: a floating point target of the input's shape."""
    target = target if isinstance(target, Tensor) else np.asarray(target)
    return target.dtype.kind == "f" and tuple(target.shape) == tuple(input.shape)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy of logits ``input`` (N, C) [or (C,), or (N, C, d1, ...)] against
    integer class indices ``target`` (N,) [or (), or (N, d1, ...)], or against class
    probabilities of the input's shape.

    ``weight`` (C,) rescales each class; targets equal to ``ignore_index`` add nothing (the mean
    divides by the summed weights of the rest). With ``label_smoothing`` ε the loss per sample is
    (1 - ε)·(-log p_y) + ε·mean_c(-log p_c), PyTorch's formula. Without weights or ignored
    targets it is one fused op.

    >>> F.cross_entropy(tg.Tensor([[2.0, 0.5, -1.0]]), tg.Tensor([0]), label_smoothing=0.1)
    tensor(0.3913)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    if _is_probability_target(target, input):
        if ignore_index != -100:
            raise RuntimeError("cross_entropy: ignore_index is not supported for floating point "
                               "(class probability) targets")
        return _soft_cross_entropy(input, target, weight, reduction, float(label_smoothing))
    logits, classes, loss_shape = _class_scores(input, target, "cross_entropy")
    if weight is None and not (classes == ignore_index).any():
        loss = P.CrossEntropy.apply(logits, target=classes, reduction=reduction,
                                    label_smoothing=float(label_smoothing))
        return loss.reshape(loss_shape) if reduction == "none" else loss
    return _weighted_nll(logits.log_softmax(1), classes, loss_shape, weight, ignore_index,
                         reduction, float(label_smoothing), "cross_entropy")


def _soft_cross_entropy(input, target, weight, reduction, smoothing):
    """Cross-entropy against class probabilities: -Σ_c w_c·y_c·log p_c, the mean over all but the
    class dimension."""
    if input.ndim == 0:
        raise ValueError("cross_entropy: input must have a class dimension, got a 0-d tensor")
    _float_only(input, "cross_entropy")
    target = _float_target(input, target, "cross_entropy")
    class_dim = 0 if input.ndim == 1 else 1
    classes = input.shape[class_dim]
    if smoothing:
        target = target * (1 - smoothing) + smoothing / classes
    terms = input.log_softmax(class_dim) * target
    if weight is not None:
        terms = terms * _as_weight(weight, input).reshape(classes, *[1] * (input.ndim - class_dim - 1))
    if reduction == "none":
        return -terms.sum(class_dim)
    total = -terms.sum()
    if reduction == "sum":
        return total
    return total / (input.numel() // classes) if input.numel() else total * float("nan")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood: ``-weight[y]·input[n, y]`` for log-probabilities ``input``
    (N, C) [or (C,), or (N, C, d1, ...)] and class indices y, skipping ``ignore_index``; the
    mean divides by the summed weights.

    >>> F.nll_loss(tg.Tensor([[-0.1, -2.5]]), tg.Tensor([1]))
    tensor(2.5)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    log_probs, classes, loss_shape = _class_scores(input, target, "nll_loss")
    return _weighted_nll(log_probs, classes, loss_shape, weight, ignore_index, reduction, 0.0,
                         "nll_loss")


def _weighted_nll(log_probs, classes, loss_shape, weight, ignore_index, reduction, smoothing,
                  fname):
    """The weighted, smoothed negative log-likelihood of (M, C) log-probabilities at (M,) classes."""
    m, c = log_probs.shape
    keep = classes != ignore_index
    kernels.check_class_indices(classes[keep], c, f"{fname}: ")
    safe = np.where(keep, classes, 0)
    w = np.ones(c, log_probs.dtype) if weight is None else _as_weight(weight, log_probs).numpy()
    if w.shape != (c,):
        raise ShapeError(f"{fname}: weight of shape {w.shape} does not fit {c} classes; expected ({c},)")
    picked = w[safe] * keep
    loss = -log_probs[np.arange(m), safe] * Tensor(picked)
    if smoothing:
        spread = -(log_probs * Tensor(w)).sum(1) * Tensor(keep.astype(log_probs.dtype))
        loss = loss * (1 - smoothing) + spread * (smoothing / c)
    if reduction == "none":
        return loss.reshape(loss_shape)
    total = loss.sum()
    if reduction == "sum":
        return total
    count = picked.sum(dtype=np.float64)
    return total * (1.0 / count) if count else total * 0.0 + float("nan")  # nothing counted: nan


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-w·(y·log(x) + (1 - y)·log(1 - x)) for probabilities ``input`` in [0, 1] and targets of
    the same shape; each log is clamped at -100 so the loss stays finite.

    >>> F.binary_cross_entropy(tg.Tensor([0.9, 0.2]), tg.Tensor([1.0, 0.0]))
    tensor(0.1643)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    target = _float_target(input, target, "binary_cross_entropy")
    _float_only(input, "binary_cross_entropy")
    if input.numel() and not (input.numpy().min() >= 0 and input.numpy().max() <= 1):
        raise ValueError(f"binary_cross_entropy: input must be probabilities in [0, 1], got values "
                         f"in [{input.numpy().min()}, {input.numpy().max()}]; use "
                         f"binary_cross_entropy_with_logits for raw scores")
    loss = P.BinaryCrossEntropy.apply(input, target)
    return _reduce(_affine(loss, _as_weight(weight, input), None), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Sigmoid + binary cross-entropy in one stable formula, finite for logits of any size:
    max(x, 0) - x·y + log(1 + e^-|x|). ``pos_weight`` (broadcast over the last dimension)
    multiplies the loss of positive targets.

    >>> F.binary_cross_entropy_with_logits(tg.Tensor([1000.0, -1000.0]), tg.Tensor([0.0, 0.0]))
    tensor(500.)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if isinstance(target, Tensor) and target.shape != input.shape:
        raise ValueError(f"binary_cross_entropy_with_logits: target size {target.shape} must be "
                         f"the same as input size {input.shape}")
    _float_only(input, "binary_cross_entropy_with_logits")
    target = _float_target(input, target, "binary_cross_entropy_with_logits")
    softplus = input.relu() + (1.0 + (-input.abs()).exp()).log()  # log(1 + e^x), stably
    pos_weight = _as_weight(pos_weight, input)
    if pos_weight is None:
        loss = softplus - input * target
    else:  # pw·y·softplus(-x) + (1 - y)·softplus(x), with softplus(-x) = softplus(x) - x
        loss = (1.0 + (pos_weight - 1.0) * target) * softplus - pos_weight * target * input
    return _reduce(_affine(loss, _as_weight(weight, input), None), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5·d²/β where |d| < β, else |d| - 0.5·β, for d = x - y; the L1 loss when β = 0.

    >>> F.smooth_l1_loss(tg.Tensor([0.5, 3.0]), tg.Tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got {beta}")
    _float_only(input, "smooth_l1_loss")
    diff = input - _float_target(input, target, "smooth_l1_loss", broadcast=True)
    if beta == 0:
        return _reduce(diff.abs(), reduction)
    return _reduce(where(diff.abs() < beta, diff * diff * (0.5 / beta), diff.abs() - 0.5 * beta),
                   reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5·d² where |d| < δ, else δ·(|d| - 0.5·δ): ``smooth_l1_loss`` times δ.

    >>> F.huber_loss(tg.Tensor([0.5, 3.0]), tg.Tensor([0.0, 0.0]), delta=2.0)
    tensor(2.0625)
    """
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta, got {delta}")
    _float_only(input, "huber_loss")
    diff = input - _float_target(input, target, "huber_loss", broadcast=True)
    loss = where(diff.abs() < delta, diff * diff * 0.5, (diff.abs() - 0.5 * delta) * delta)
    return _reduce_weighted(loss, weight, reduction, input, "huber_loss", mean_by_weight=False)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence of the distribution ``target`` from log-probabilities ``input``: y·(log y - x)
    (0 where y = 0), or e^y·(y - x) with ``log_target``. ``reduction="batchmean"`` divides the
    sum by the batch size, the mathematically right mean.

    >>> F.kl_div(tg.Tensor([0.5, 0.5]).log(), tg.Tensor([0.5, 0.5]), reduction="batchmean")
    tensor(0.)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    elif reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(f"{reduction!r} is not a valid value for reduction; use 'mean', "
                         f"'batchmean', 'sum' or 'none'")
    _float_only(input, "kl_div")
    target = _float_target(input, target, "kl_div", broadcast=True)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        positive = target > 0
        loss = where(positive, target * where(positive, target, 1.0).log(), 0.0) - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


def _same_shape_target(target, input, fname):
    target = target if isinstance(target, Tensor) else Tensor(np.asarray(target))
    try:
        np.broadcast_shapes(input.shape, target.shape)
    except ValueError:
        raise ShapeError(f"{fname}: target of shape {target.shape} does not broadcast with the "
                         f"inputs' shape {input.shape}") from None
    return target if target.dtype == input.dtype else target.to(input.dtype)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -y·(x1 - x2) + margin) for labels y of 1 (x1 should rank higher) or -1.

    >>> F.margin_ranking_loss(tg.Tensor([1.0, 0.2]), tg.Tensor([0.5, 0.4]), tg.Tensor([1.0, 1.0]))
    tensor(0.1)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != np.ndim(target.numpy() if isinstance(target, Tensor) else target):
        raise RuntimeError(f"margin_ranking_loss: all input tensors should have the same number of "
                           f"dims, got {input1.ndim}, {input2.ndim} and the target's")
    sliding.check_dtype(input1, "margin_ranking_loss", "fiu")
    target = _same_shape_target(target, input1, "margin_ranking_loss")
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) for labels y = 1, max(0, cos(x1, x2) - margin) for y = -1; the cosine
    over the last dimension of (N, D) or (D,) inputs.

    >>> F.cosine_embedding_loss(tg.Tensor([[1.0, 0.0]]), tg.Tensor([[1.0, 1.0]]), tg.Tensor([1.0]))
    tensor(0.2929)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if input1.ndim not in (1, 2) or input1.shape != input2.shape:
        raise RuntimeError(f"cosine_embedding_loss: expected two 1D or 2D inputs of the same "
                           f"shape, got {input1.shape} and {input2.shape}")
    _float_only(input1, "cosine_embedding_loss")  # integer squares overflow in PyTorch
    target = _same_shape_target(target, input1.sum(-1), "cosine_embedding_loss")
    tiny = 1e-12  # PyTorch's EPSILON against zero vectors
    dot = (input1 * input2).sum(-1)
    cos = dot / ((input1 * input1).sum(-1) + tiny).sqrt() / ((input2 * input2).sum(-1) + tiny).sqrt()
    loss = where(target == 1, 1 - cos, 0.0)
    return _reduce(where(target == -1, (cos - margin).clamp(min=0), loss), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, d(a, p) - d(a, n) + margin) with the p-norm distance d; ``swap`` uses the smaller
    of d(a, n) and d(p, n).

    >>> a, pos, neg = tg.Tensor([[0.0, 0.0]]), tg.Tensor([[1.0, 0.0]]), tg.Tensor([[0.0, 3.0]])
    >>> F.triplet_margin_loss(a, pos, neg, margin=3.0)
    tensor(1.)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"triplet_margin_loss: the anchor, positive and negative tensors must "
                           f"have the same number of dims, got {anchor.ndim}, {positive.ndim} and "
                           f"{negative.ndim}")
    if margin <= 0:
        raise ValueError(f"triplet_margin_loss: margin must be greater than 0, got {margin}")
    sliding.check_dtype(anchor, "triplet_margin_loss", "fiu")
    d_pos, d_neg = pairwise_distance(anchor, positive, p, eps), pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = d_neg.minimum(pairwise_distance(positive, negative, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp(min=0), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """The mean over classes of -(y·log σ(x) + (1 - y)·log σ(-x)), ``weight`` per class.

    >>> F.multilabel_soft_margin_loss(tg.Tensor([[0.0, 0.0]]), tg.Tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _float_only(input, "multilabel_soft_margin_loss")
    target = _same_shape_target(target, input, "multilabel_soft_margin_loss")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * _as_weight(weight, input)
    classes = input.shape[-1] if input.ndim else 1
    return _reduce(loss.sum(-1) / classes if input.ndim else loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Poisson negative log-likelihood of ``target`` counts: e^x - y·x for log-rates x
    (``log_input``), else x - y·log(x + eps); ``full`` adds Stirling's y·log y - y + log(2πy)/2
    where y > 1.

    >>> F.poisson_nll_loss(tg.Tensor([0.0]), tg.Tensor([2.0]))
    tensor(1.)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    sliding.check_dtype(input, "poisson_nll_loss", "fiu")
    target = _same_shape_target(target, input, "poisson_nll_loss")
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        big = target > 1
        safe = where(big, target, 2.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * np.pi * safe).log()
        loss = loss + where(big, stirling, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Gaussian negative log-likelihood: 0.5·(log v + (x - y)²/v) (+ 0.5·log 2π with ``full``).
    ``var`` has the input's shape, or one dimension fewer or of size 1 (one variance shared),
    or is a float; it is clamped at ``eps`` for the value, not for the gradient, as PyTorch does.

    >>> F.gaussian_nll_loss(tg.Tensor([1.0]), tg.Tensor([1.0]), tg.Tensor([1.0]))
    tensor(0.)
    """
    _check_reduction(reduction)
    if not isinstance(var, Tensor):
        var = Tensor(np.full(input.shape, var, input.dtype))
    if var.dtype.kind != "f":
        raise DTypeError(f"gaussian_nll_loss: var must be floating point, got {var.dtype}")
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif not (var.ndim == input.ndim and
                  sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError(f"gaussian_nll_loss: var is of incorrect size {var.shape} for input "
                             f"of size {input.shape}")
    values = var.numpy()
    if (values < 0).any():
        raise ValueError("gaussian_nll_loss: var has negative entry/entries")
    var = var + Tensor(np.maximum(values, eps) - values)  # the value clamped, the gradient not
    target = _float_target(input, target, "gaussian_nll_loss", broadcast=True)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * np.log(2 * np.pi)
    return _reduce(loss, reduction)


def _integer_list(values, fname, what):
    array = values.numpy() if isinstance(values, Tensor) else np.asarray(values)
    if array.dtype.kind not in "iu":
        raise RuntimeError(f"{fname}: {what} must be integers, got dtype {array.dtype}")
    return array.astype(np.int64).reshape(-1)


def _logaddexp3(a, b, c):
    """log(e^a + e^b + e^c) elementwise, -inf (with zero gradient, not NaN) where all are -inf."""
    stacked = stack([a, b, c])
    top = stacked.numpy().max(0)
    shift = Tensor(np.where(np.isfinite(top), top, 0.0).astype(top.dtype))
    total = (stacked - shift).exp().sum(0)
    some = Tensor(total.numpy() > 0)
    return where(some, where(some, total, 1.0).log() + shift, float("-inf"))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist temporal classification: -log of the total probability of every alignment
    of each target sequence to its input frames (the forward algorithm over the targets with
    blanks between and around them).

    ``log_probs`` (T, N, C) [or (T, C)] are log-probabilities per frame; ``targets`` (N, S)
    padded or all sequences concatenated (sum(target_lengths),). 'mean' divides each loss by its
    target length, then averages; ``zero_infinity`` zeroes impossible alignments' losses.

    >>> lp = tg.Tensor([[[0.0, -100.0]], [[-100.0, 0.0]]])   # frame 0: blank, frame 1: label 1
    >>> F.ctc_loss(lp, tg.tensor([[1]]), [2], [1], reduction="sum")
    tensor(0.)
    """
    _check_reduction(reduction)
    if log_probs.dtype not in (np.float32, np.float64):
        raise UnsupportedDTypeError(f"ctc_loss: not implemented for log_probs of dtype "
                                    f"{log_probs.dtype}; use float32 or float64")
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
    if log_probs.ndim != 3:
        raise RuntimeError(f"ctc_loss: log_probs must be (T, N, C) or (T, C), got {log_probs.shape}")
    T, N, C = log_probs.shape
    lengths = _integer_list(input_lengths, "ctc_loss", "input_lengths")
    label_lengths = _integer_list(target_lengths, "ctc_loss", "target_lengths")
    labels = _integer_list(targets, "ctc_loss", "targets")
    if len(lengths) != N or len(label_lengths) != N:
        raise RuntimeError(f"ctc_loss: expected {N} input and target lengths, got {len(lengths)} "
                           f"and {len(label_lengths)}")
    if (lengths > T).any() or (lengths < 0).any():
        raise RuntimeError(f"ctc_loss: input_lengths must be in [0, {T}], got {lengths.tolist()}")
    S = int(label_lengths.max(initial=0))
    padded = np.full((N, S), blank, np.int64)
    padded_layout = unbatched or np.ndim(targets.numpy() if isinstance(targets, Tensor) else targets) == 2
    rows = labels.reshape(N, -1) if padded_layout else None
    if rows is not None and rows.shape[1] < S:
        raise RuntimeError(f"ctc_loss: padded targets of width {rows.shape[1]} are shorter than "
                           f"the target length {S}")
    start = 0
    for n, length in enumerate(label_lengths):
        if rows is not None:
            padded[n, :length] = rows[n, :length]
        else:
            padded[n, :length] = labels[start:start + length]
            start += length
    if ((padded < 0) | (padded >= C)).any() or (padded[np.arange(S)[None] < label_lengths[:, None]] == blank).any():
        raise RuntimeError(f"ctc_loss: targets must be class indices in [0, {C}) other than the "
                           f"blank ({blank})")
    states = 2 * S + 1
    extended = np.full((N, states), blank, np.int64)
    extended[:, 1::2] = padded
    skip = np.zeros((N, states), bool)  # may come from s - 2: a label unlike the one before it
    skip[:, 3::2] = padded[:, 1:] != padded[:, :-1]
    emissions = log_probs[:, np.arange(N)[:, None], extended]         # (T, N, states)
    dt = log_probs.dtype
    none = Tensor(np.full((N, 1), -np.inf, dt))
    first = np.full((N, states), -np.inf, dt)
    first[:, :2] = 0.0
    alpha = emissions[0] + Tensor(first)
    for t in range(1, T):
        one_back = cat([none, alpha[:, :-1]], 1)
        two_back = where(Tensor(skip), cat([none, none, alpha[:, :-2]], 1), float("-inf"))
        step = _logaddexp3(alpha, one_back, two_back) + emissions[t]
        alpha = where(Tensor((t < lengths)[:, None]), step, alpha)
    last = Tensor(np.arange(states)[None] == 2 * label_lengths[:, None])
    before = Tensor(np.arange(states)[None] == 2 * label_lengths[:, None] - 1)
    ends = stack([where(last, alpha, float("-inf")), where(before, alpha, float("-inf"))])
    nll = -_logaddexp3(ends[0].amax(1), ends[1].amax(1), Tensor(np.full(N, -np.inf, dt)))
    if zero_infinity:
        nll = where(Tensor(np.isinf(nll.numpy())), 0.0, nll)
    if reduction == "none":
        return nll.squeeze(0) if unbatched else nll
    if reduction == "sum":
        return nll.sum()
    return (nll / Tensor(np.maximum(label_lengths, 1).astype(dt))).mean()


# ---------------------------------------------------------------------------------------------
# attention
# ---------------------------------------------------------------------------------------------

def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
                                 scale=None, enable_gqa=False):
    """``softmax(query @ key^T * scale + mask) @ value`` over the last two dims, batched over the
    rest: query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev).

    ``attn_mask`` is boolean (True: may attend) or added to the scores; ``is_causal`` masks
    every key after the query's position instead (giving both raises, as in PyTorch). A query
    that may attend to nothing gets zeros. ``scale`` defaults to 1/sqrt(E); ``dropout_p`` drops
    attention weights (always: this function has no training flag); ``enable_gqa`` shares each
    key/value head among ``Hq / Hk`` query heads. float16 inputs are computed in float32.

    >>> q = k = v = tg.ones(1, 2, 3, 4)
    >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
    torch.Size([1, 2, 3, 4])
    """
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor) or t.ndim < 2:
            raise RuntimeError(f"scaled_dot_product_attention: {name} must be a tensor with at "
                               f"least 2 dims, got {getattr(t, 'shape', type(t).__name__)}")
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    if query.dtype == np.float16:
        out = scaled_dot_product_attention(
            query.float(), key.float(), value.float(),
            attn_mask if attn_mask is None or attn_mask.dtype == np.bool_ else attn_mask.float(),
            dropout_p, is_causal, scale, enable_gqa)
        return out.half()
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        if key.shape[-3] == 0 or query.shape[-3] % key.shape[-3]:
            raise RuntimeError(f"scaled_dot_product_attention: {query.shape[-3]} query heads are "
                               f"not a multiple of {key.shape[-3]} key/value heads")
        key, value = (_repeat_heads(t, query.shape[-3] // t.shape[-3]) for t in (key, value))
    L, S = query.shape[-2], key.shape[-2]
    scale = 1.0 / np.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * scale
    if is_causal:
        attn_mask = Tensor(np.tril(np.ones((L, S), bool)))
    if attn_mask is not None:
        if attn_mask.dtype == np.bool_:
            scores = where(attn_mask, scores, float("-inf"))
        else:
            scores = scores + attn_mask
    blocked = np.isneginf(scores.numpy()).all(-1, keepdims=True)  # rows that see no key
    if blocked.any():
        row = Tensor(blocked)
        weights = where(row, 0.0, where(row, 0.0, scores).softmax(-1))
    else:
        weights = scores.softmax(-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights @ value


def _repeat_heads(t, repeats):
    """(..., H, S, E) -> (..., H * repeats, S, E), each head repeated in place."""
    shape = t.shape
    expanded = t.unsqueeze(-3).expand(*shape[:-2], repeats, *shape[-2:])
    return expanded.reshape(*shape[:-3], shape[-3] * repeats, *shape[-2:])
