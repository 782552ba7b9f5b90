"""Stateless versions of the layers and losses (``torch.nn.functional``).

The modules in ``layers.py``, ``activation.py`` and ``loss.py`` hold their settings and
parameters and call these functions, so each computation is written once, here.

>>> import tinygrad_lite as tg
>>> from tinygrad_lite.nn import functional as F
>>> logits = tg.Tensor([[2.0, 0.5, -1.0]], requires_grad=True)
>>> F.cross_entropy(logits, tg.Tensor([0]))
tensor(0.2413, grad_fn=<NllLossBackward0>)
"""
import numbers

import numpy as np

from .. import kernels
from .. import primitives as P
from ..arguments import ShapeError, int_pair
from ..grad_mode import no_grad
from ..ops.indexing import where
from ..ops.shape import stack
from ..rng import generator
from ..tensor import Tensor

__all__ = ["linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "gelu",
           "silu", "pad", "one_hot", "dropout", "dropout2d", "layer_norm", "batch_norm", "embedding",
           "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "mse_loss", "l1_loss",
           "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"]


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
    window = _window(image, "conv2d", weight._array.shape[2:], stride, padding, dilation)
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
    torch.Size([2, 3, 1, 1])
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
    torch.Size([2, 3])
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
    torch.Size([1, 2, 3])
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


def _float_target(input, target, fname):
    """Check and convert a regression/probability target: floating point, same shape as the
    input. Arrays and lists are cast to the input's dtype; a Tensor must already have it."""
    if isinstance(target, Tensor):
        if target.dtype != input.dtype:
            raise TypeError(f"{fname}: expected target of dtype {input.dtype} (the input's), got "
                            f"{target.dtype}")
    else:
        array = np.asarray(target)
        if array.dtype.kind != "f":
            raise TypeError(f"{fname}: expected a floating point target, got dtype {array.dtype}")
        target = Tensor(array.astype(input.dtype, copy=False))
    if target.shape != input.shape:
        raise ValueError(f"{fname}: target shape {target.shape} does not match input shape "
                         f"{input.shape}; they must be equal (no broadcasting)")
    return target


def _as_weight(weight, input):
    """An optional weight (Tensor, array or list) as a Tensor of the input's dtype."""
    if weight is None:
        return None
    weight = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight))
    return weight if weight.dtype == input.dtype else weight.to(input.dtype)


def mse_loss(input, target, reduction="mean"):
    """Squared error (x - y)², reduced by ``reduction`` ('mean', 'sum' or 'none').

    >>> F.mse_loss(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(2.5)
    """
    diff = input - _float_target(input, target, "mse_loss")
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):
    """Absolute error |x - y|, reduced by ``reduction``.

    >>> F.l1_loss(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(1.5)
    """
    return _reduce((input - _float_target(input, target, "l1_loss")).abs(), reduction)


def _class_scores(input, target, fname, check_range=True):
    """Validate class-index targets for (C,), (N, C) or (N, C, d1, ...) scores and flatten both:
    returns scores (M, C), int64 targets (M,) and the per-element loss shape. ``check_range=False``
    leaves the class range to the caller (primitives.CrossEntropy checks it itself)."""
    shape = input.shape
    if not shape:
        raise ValueError(f"{fname}: input must have a class dimension, got a 0-d tensor")
    classes = _integer_array(target, fname, "target class indices")
    loss_shape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    if classes.shape != loss_shape:
        raise ValueError(f"{fname}: expected target of shape {loss_shape} for input of shape "
                         f"{shape}, got {classes.shape}")
    num_classes = shape[0 if len(shape) == 1 else 1]
    if check_range:
        kernels.check_class_indices(classes, num_classes, f"{fname}: ")
    if len(shape) == 2:
        return input, classes, loss_shape
    if len(shape) > 2:
        input = input.permute(0, *range(2, len(shape)), 1)
    return input.reshape(-1, num_classes), classes.reshape(-1), loss_shape


def cross_entropy(input, target, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy of logits ``input`` (N, C) [or (C,), or (N, C, d1, ...)] against
    integer class indices ``target`` (N,) [or (), or (N, d1, ...)], as one stable fused op.

    With ``label_smoothing`` ε the loss per sample is (1 - ε)·(-log p_y) + ε·mean_c(-log p_c),
    PyTorch's formula.

    >>> F.cross_entropy(tg.Tensor([[2.0, 0.5, -1.0]]), tg.Tensor([0]), label_smoothing=0.1)
    tensor(0.3913)
    """
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    logits, classes, loss_shape = _class_scores(input, target, "cross_entropy", check_range=False)
    loss = P.CrossEntropy.apply(logits, target=classes, reduction=reduction,
                                  label_smoothing=float(label_smoothing))
    return loss.reshape(loss_shape) if reduction == "none" else loss


def nll_loss(input, target, reduction="mean"):
    """Negative log-likelihood: ``-input[n, target[n]]`` for log-probabilities ``input``
    (N, C) [or (C,), or (N, C, d1, ...)], reduced by ``reduction``.

    >>> F.nll_loss(tg.Tensor([[-0.1, -2.5]]), tg.Tensor([1]))
    tensor(2.5)
    """
    _check_reduction(reduction)
    log_probs, classes, loss_shape = _class_scores(input, target, "nll_loss")
    flat_index = np.arange(classes.size) * log_probs.shape[1] + classes
    return _reduce(-log_probs.reshape(-1)[flat_index].reshape(loss_shape), reduction)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-w·(y·log(x) + (1 - y)·log(1 - x)) for probabilities ``input`` in [0, 1] and targets of
    the same shape; each log is clamped at -100 so the loss stays finite.

    >>> F.binary_cross_entropy(tg.Tensor([0.9, 0.2]), tg.Tensor([1.0, 0.0]))
    tensor(0.1643)
    """
    target = _float_target(input, target, "binary_cross_entropy")
    if input.numel() and not (input.numpy().min() >= 0 and input.numpy().max() <= 1):
        raise ValueError(f"binary_cross_entropy: input must be probabilities in [0, 1], got values "
                         f"in [{input.numpy().min()}, {input.numpy().max()}]; use "
                         f"binary_cross_entropy_with_logits for raw scores")
    loss = P.BinaryCrossEntropy.apply(input, target)
    return _reduce(_affine(loss, _as_weight(weight, input), None), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """Sigmoid + binary cross-entropy in one stable formula, finite for logits of any size:
    max(x, 0) - x·y + log(1 + e^-|x|). ``pos_weight`` (broadcast over the last dimension)
    multiplies the loss of positive targets.

    >>> F.binary_cross_entropy_with_logits(tg.Tensor([1000.0, -1000.0]), tg.Tensor([0.0, 0.0]))
    tensor(500.)
    """
    target = _float_target(input, target, "binary_cross_entropy_with_logits")
    softplus = input.relu() + (1.0 + (-input.abs()).exp()).log()  # log(1 + e^x), stably
    pos_weight = _as_weight(pos_weight, input)
    if pos_weight is None:
        loss = softplus - input * target
    else:  # pw·y·softplus(-x) + (1 - y)·softplus(x), with softplus(-x) = softplus(x) - x
        loss = (1.0 + (pos_weight - 1.0) * target) * softplus - pos_weight * target * input
    return _reduce(_affine(loss, _as_weight(weight, input), None), reduction)
