"""Stateless versions of the layers and losses (``torch.nn.functional``).

The modules in ``layers.py``, ``activation.py`` and ``loss.py`` hold their settings and
parameters and call these functions, so each computation is written once, here.

>>> import tinygrad_lite as tg
>>> from tinygrad_lite.nn import functional as F
>>> logits = tg.Tensor([[2.0, 0.5, -1.0]], requires_grad=True)
>>> F.cross_entropy(logits, tg.Tensor([0]))
tensor(0.2413, grad_fn=<CrossEntropyBackward>)
"""
import numbers
import warnings

import numpy as np

from .. import kernels
from .. import primitives as P
from ..arguments import DTypeError, ShapeError, UnsupportedDTypeError, int_pair
from ..grad_mode import no_grad
from ..ops.indexing import where
from ..ops.shape import cat, stack
from ..rng import generator
from ..tensor import Tensor

__all__ = ["linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu",
           "silu", "pad", "one_hot", "dropout", "dropout2d", "layer_norm", "batch_norm", "embedding",
           "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "mse_loss", "l1_loss",
           "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "smooth_l1_loss", "huber_loss", "kl_div", "margin_ranking_loss", "cosine_embedding_loss",
           "triplet_margin_loss", "multilabel_soft_margin_loss", "poisson_nll_loss",
           "gaussian_nll_loss", "ctc_loss", "scaled_dot_product_attention"]


# ---------------------------------------------------------------------------------------------
# linear and activations
# ---------------------------------------------------------------------------------------------

def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` for ``input`` of shape (..., in) and ``weight`` (out, in),
    as one fused op.

    >>> linear(tg.ones(2, 3), tg.ones(4, 3)).shape
    (2, 4)
    """
    return P.Linear.apply(input, weight, bias)


def relu(input):
    """max(x, 0). ``F.relu(x)``"""
    return P.Relu.apply(input)


def leaky_relu(input, negative_slope=0.01):
    """x for x > 0, ``negative_slope`` · x otherwise. ``F.leaky_relu(x, 0.2)``"""
    return input.leaky_relu(negative_slope)


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


def silu(input):
    """x · sigmoid(x). ``F.silu(x)``"""
    return input.silu()


# ---------------------------------------------------------------------------------------------
# dropout, normalisation, embedding
# ---------------------------------------------------------------------------------------------

def _check_probability(p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
    return float(p)


def dropout(input, p=0.5, training=True):
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (inverted
    dropout), so the expected value is unchanged; the identity when ``training`` is False.

    >>> F.dropout(tg.ones(4), p=0.5).numpy()   # doctest: +SKIP
    array([2., 0., 2., 2.], dtype=float32)
    """
    return _dropout(input, p, training, input.shape)


def dropout2d(input, p=0.5, training=True):
    """Zero whole channels of (N, C, H, W) or (C, H, W) input with probability ``p`` and scale
    the rest by 1 / (1 - p); the identity when ``training`` is False.

    >>> F.dropout2d(tg.ones(1, 4, 2, 2), p=0.5)[0, :, 0, 0].numpy()   # doctest: +SKIP
    array([2., 0., 0., 2.], dtype=float32)
    """
    if input.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected input of shape (N, C, H, W) or (C, H, W), got "
                         f"{input.shape}")
    return _dropout(input, p, training, input.shape[:-2] + (1, 1))


def _dropout(input, p, training, mask_shape):
    """Inverted dropout with one draw per element of ``mask_shape`` (broadcast over the rest)."""
    p = _check_probability(p)
    if not training or p == 0.0:
        return input
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = (generator().random(mask_shape) >= p).astype(input.dtype) * input.dtype.type(scale)
    return input * Tensor(mask)


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


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last ``len(normalized_shape)`` dimensions, whose sizes must equal
    ``normalized_shape``, then scale by ``weight`` and shift by ``bias``.

    >>> F.layer_norm(tg.Tensor([[1.0, 2.0, 3.0]]), (3,)).numpy().round(4)
    array([[-1.2247,  0.    ,  1.2247]], dtype=float32)
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) \
        else tuple(normalized_shape)
    if input.ndim < len(shape) or tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise ValueError(f"layer_norm: expected input with trailing dimensions {shape}, got "
                         f"shape {input.shape}")
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
# convolution and pooling (NCHW; built on the sliding-window primitives Unfold / Fold)
# ---------------------------------------------------------------------------------------------

def _image(input, fname, channels=None):
    """``input`` as a 4-D NCHW float tensor (a 3-D CHW input gets a batch of one), checked."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise ValueError(f"{fname}: expected input of shape (N, C, H, W) or (C, H, W), got "
                         f"shape {input.shape}")
    if input.dtype.kind != "f":
        raise TypeError(f"{fname}: expected a floating-point input, got {input.dtype}")
    image = input if input.ndim == 4 else input.unsqueeze(0)
    if channels is not None and image.shape[1] != channels:
        raise ValueError(f"{fname}: expected input with {channels} channels, got input of shape "
                         f"{input.shape}")
    return image


def _window(image, fname, kernel, stride, padding, dilation, pooling=False):
    """The :class:`kernels.Window` for ``image``; raises when the window does not fit. Convolutions
    also take padding 'valid' and 'same'; pooling pads at most half the kernel."""
    kernel = int_pair(kernel, fname, "kernel_size", 1)
    stride = kernel if stride is None else int_pair(stride, fname, "stride", 1)
    dilation = int_pair(dilation, fname, "dilation", 1)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if padding == "valid" and not pooling:
        padding = (0, 0, 0, 0)
    elif padding == "same" and not pooling:
        if stride != (1, 1):
            raise ValueError(f"{fname}: padding='same' needs stride 1, got stride {stride}")
        padding = tuple(p for s in span for p in ((s - 1) // 2, s // 2))  # extra on bottom/right
    else:
        ph, pw = int_pair(padding, fname, "padding", 0)
        if pooling and (ph > kernel[0] // 2 or pw > kernel[1] // 2):
            raise ValueError(f"{fname}: padding {(ph, pw)} must be at most half the kernel "
                             f"{kernel}")
        padding = (ph, ph, pw, pw)
    window = kernels.Window(kernel, stride, padding, dilation)
    h, w = image.shape[2:]
    if min(window.out_size(h, w)) < 1:
        padded = (h + padding[0] + padding[1], w + padding[2] + padding[3])
        raise ShapeError(f"{fname}: kernel {kernel} (dilation {dilation}, spanning {span}) is "
                         f"larger than the padded input {padded} of input shape {image.shape}")
    return window


def _windows(image, window):
    """Unfolded windows reshaped to (N, kh*kw, C, OH, OW)."""
    rows = P.Unfold.apply(image, window=window)
    n, _, oh, ow = rows.shape
    return rows.reshape(n, window.kernel[0] * window.kernel[1], image.shape[1], oh, ow)


def _unbatched(out, input):
    return out if input.ndim == 4 else out.squeeze(0)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    """2-D convolution (cross-correlation, as PyTorch) of ``input`` (N, C, H, W) with ``weight``
    (O, C, kh, kw) and optional ``bias`` (O,). ``stride``, ``padding`` and ``dilation`` are ints or
    (h, w) pairs; ``padding`` may also be ``'valid'`` (none) or ``'same'`` (output as large as the
    input; stride 1). Computed as one matrix product over the unfolded windows.

    >>> conv2d(tg.ones(1, 1, 4, 4), tg.ones(2, 1, 3, 3), padding=1)[0, 0]
    tensor([[4., 6., 6., 4.],
            [6., 9., 9., 6.],
            [6., 9., 9., 6.],
            [4., 6., 6., 4.]])
    """
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must have shape (out_channels, in_channels, kh, kw), "
                         f"got {weight.shape}")
    out_channels, in_channels = weight.shape[:2]
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(f"conv2d: bias must have shape ({out_channels},) for weight "
                         f"{weight.shape}, got {bias.shape}")
    image = _image(input, "conv2d", in_channels)
    if weight.dtype != image.dtype or (bias is not None and bias.dtype != image.dtype):
        raise TypeError(f"conv2d: input, weight and bias must have the same dtype, got "
                        f"{image.dtype}, {weight.dtype} and "
                        f"{None if bias is None else bias.dtype}")
    window = _window(image, "conv2d", weight.shape[2:], stride, padding, dilation)
    return _unbatched(P.Conv2d.apply(image, weight, bias, window=window), input)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1):
    """Maximum over each window (``stride`` defaults to ``kernel_size``; padding counts as -inf
    and is at most half the kernel). Where several elements of a window tie for the maximum, the
    whole gradient goes to the first of them in row-major order, as PyTorch does.

    >>> max_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    image = _image(input, "max_pool2d")
    window = _window(image, "max_pool2d", kernel_size, stride, padding, dilation,
                     pooling=True)
    return _unbatched(P.MaxPool2d.apply(image, window=window), input)


def avg_pool2d(input, kernel_size, stride=None, padding=0, count_include_pad=True):
    """Mean over each window (``stride`` defaults to ``kernel_size``); zero padding is counted
    in the mean unless ``count_include_pad=False``.

    >>> avg_pool2d(tg.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5,  4.5],
              [10.5, 12.5]]]])
    """
    image = _image(input, "avg_pool2d")
    window = _window(image, "avg_pool2d", kernel_size, stride, padding, 1, pooling=True)
    windows = _windows(image, window)
    if count_include_pad or not any(window.padding):
        out = windows.mean(1)
    else:
        ones = np.ones((1, 1) + image.shape[2:], dtype=image.dtype)
        counts = kernels.columns(ones, window).sum(0)[:, :, 0]  # real pixels per window, (OH, OW)
        out = windows.sum(1) / Tensor(counts)
    return _unbatched(out, input)


def adaptive_avg_pool2d(input, output_size):
    """Average into an ``output_size`` (int or (h, w); None keeps that size) grid of bins, bin i
    of n over a length L covering [floor(i·L/n), ceil((i+1)·L/n)), as PyTorch.

    >>> adaptive_avg_pool2d(tg.ones(2, 3, 5, 7), 1).shape
    (2, 3, 1, 1)
    """
    image = _image(input, "adaptive_avg_pool2d")
    h, w = image.shape[2:]
    size = (output_size, output_size) if output_size is None or isinstance(
        output_size, numbers.Integral) else tuple(output_size)
    if len(size) != 2:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be an int or a pair, got "
                         f"{output_size!r}")
    oh, ow = int_pair(tuple(s if s is not None else d for s, d in zip(size, (h, w))),
                      "adaptive_avg_pool2d", "output_size", 1)
    if h % oh == 0 and w % ow == 0:  # equal bins: one pooling op
        return avg_pool2d(input, (h // oh, w // ow))
    bins = [[image[:, :, (i * h) // oh:-(-(i + 1) * h // oh), (j * w) // ow:-(-(j + 1) * w // ow)]
             .mean((2, 3)) for j in range(ow)] for i in range(oh)]
    return _unbatched(stack([stack(row, -1) for row in bins], -2), input)


def pad(input, pad, mode="constant", value=0.0):
    """Pad with a constant: ``pad`` holds (left, right) pairs for the last dim first, as PyTorch.

    >>> pad(tg.Tensor([[1.0]]), (1, 1, 0, 1)).shape
    (2, 3)
    """
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is supported, got {mode!r}")
    return input.pad(pad, value)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding of class indices, with a trailing dim of ``num_classes`` (inferred
    as max + 1 when -1).

    >>> one_hot(tg.Tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    classes = _integer_array(tensor, "one_hot", "class indices")
    if num_classes < 0:
        num_classes = int(classes.max()) + 1 if classes.size else 0
    if classes.size and (classes.min() < 0 or classes.max() >= num_classes):
        raise ValueError(f"one_hot: class indices must be in [0, {num_classes - 1}], got values in "
                         f"[{classes.min()}, {classes.max()}]")
    return Tensor((classes[..., None] == np.arange(num_classes)).astype(np.int64))


def _integer_array(values, fname, what):
    """``values`` (Tensor, ndarray or list) as an int64 ndarray; TypeError if not integers."""
    arr = values.numpy() if isinstance(values, Tensor) else np.asarray(values)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{fname}: {what} must be integers (int64), got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def embedding(input, weight, padding_idx=None):
    """Rows of ``weight`` (num_embeddings, dim) picked by the integer indices ``input``; the
    result has shape ``input.shape + (dim,)``. The row ``padding_idx`` receives no gradient.

    >>> F.embedding(tg.Tensor([[0, 2]]), tg.randn(5, 3)).shape
    (1, 2, 3)
    """
    idx = _integer_array(input, "embedding", "indices")
    rows = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        bad = idx[(idx < 0) | (idx >= rows)].flat[0]
        raise IndexError(f"embedding: index {bad} is out of range for a table of {rows} rows "
                         f"(valid indices are 0..{rows - 1})")
    out = weight[idx]
    if padding_idx is not None:
        padding_idx = padding_idx + rows if padding_idx < 0 else padding_idx
        out = where((idx == padding_idx)[..., None], weight.detach()[idx], out)
    return out


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


def _check_float_input(input, fname):
    if input.dtype.kind != "f":
        raise UnsupportedDTypeError(f"{fname}: not implemented for input of dtype {input.dtype}; "
                                    f"the input must be floating point")


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


def _refuse_bool(input, fname):
    if input.dtype == np.bool_:
        raise UnsupportedDTypeError(f"{fname}: not implemented for bool inputs")


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
    _refuse_bool(input, "mse_loss")
    if weight is None:  # PyTorch's weighted path is plain tensor arithmetic, integers included
        _check_float_input(input, "mse_loss")
    diff = input - _float_target(input, target, "mse_loss", broadcast=True)
    return _reduce_weighted(diff * diff, weight, reduction, input, "mse_loss")


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Absolute error |x - y|, optionally weighted, reduced by ``reduction``.

    >>> F.l1_loss(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(1.5)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _refuse_bool(input, "l1_loss")
    diff = input - _float_target(input, target, "l1_loss", broadcast=True)
    return _reduce_weighted(diff.abs(), weight, reduction, input, "l1_loss")


def _class_scores(input, target, fname):
    """Validate class-index targets for (C,), (N, C) or (N, C, d1, ...) scores and flatten both:
    returns scores (M, C), int64 targets (M,) and the per-element loss shape. The class range is
    left to the caller."""
    shape = input.shape
    if not shape:
        raise ValueError(f"{fname}: input must have a class dimension, got a 0-d tensor")
    _check_float_input(input, fname)
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
    _check_float_input(input, "cross_entropy")
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
    _check_float_input(input, "binary_cross_entropy")
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
    _check_float_input(input, "binary_cross_entropy_with_logits")
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
    _check_float_input(input, "smooth_l1_loss")
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
    _check_float_input(input, "huber_loss")
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
    _check_float_input(input, "kl_div")
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
    _refuse_bool(input1, "margin_ranking_loss")
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
    _check_float_input(input1, "cosine_embedding_loss")  # integer squares overflow in PyTorch
    target = _same_shape_target(target, input1.sum(-1), "cosine_embedding_loss")
    tiny = 1e-12  # PyTorch's EPSILON against zero vectors
    dot = (input1 * input2).sum(-1)
    cos = dot / ((input1 * input1).sum(-1) + tiny).sqrt() / ((input2 * input2).sum(-1) + tiny).sqrt()
    loss = where(target == 1, 1 - cos, 0.0)
    return _reduce(where(target == -1, (cos - margin).clamp(min=0), loss), reduction)


def _distance(x1, x2, p, eps):
    """The p-norm of x1 - x2 + eps over the last dimension (PyTorch's pairwise_distance)."""
    diff = (x1 - x2 + eps).abs()
    if p == float("inf"):
        return diff.amax(-1)
    return (diff ** p).sum(-1) ** (1.0 / p)


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
    _refuse_bool(anchor, "triplet_margin_loss")
    d_pos, d_neg = _distance(anchor, positive, p, eps), _distance(anchor, negative, p, eps)
    if swap:
        d_neg = d_neg.minimum(_distance(positive, negative, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp(min=0), reduction)


def _log_sigmoid(x):
    """log(sigmoid(x)) = -(max(-x, 0) + log(1 + e^-|x|)), finite for any x."""
    return -((-x).relu() + (1.0 + (-x.abs()).exp()).log())


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """The mean over classes of -(y·log σ(x) + (1 - y)·log σ(-x)), ``weight`` per class.

    >>> F.multilabel_soft_margin_loss(tg.Tensor([[0.0, 0.0]]), tg.Tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_float_input(input, "multilabel_soft_margin_loss")
    target = _same_shape_target(target, input, "multilabel_soft_margin_loss")
    loss = -(target * _log_sigmoid(input) + (1 - target) * _log_sigmoid(-input))
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
    _refuse_bool(input, "poisson_nll_loss")
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
    (1, 2, 3, 4)
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
