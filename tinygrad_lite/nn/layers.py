"""Layers with parameters or state: Linear, Flatten, Unflatten, Bilinear, the dropouts,
BatchNorm1d, BatchNorm2d, LayerNorm, Embedding, and the resampling layers PixelShuffle,
PixelUnshuffle and Upsample.

Each layer stores its settings and parameters and calls ``nn.functional`` in ``forward`` (Linear
calls its primitive, ``primitives.Linear``, directly); parameter names, shapes and default
initialisation are PyTorch's.

>>> from tinygrad_lite import nn
>>> nn.Linear(784, 256)
Linear(in_features=784, out_features=256, bias=True)
"""
import math
import numbers

import numpy as np

from .. import primitives as P
from ..arguments import ShapeError, normalize_dims
from ..grad_mode import no_grad
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter

__all__ = ["Linear", "Flatten", "Dropout", "Dropout2d", "BatchNorm1d", "BatchNorm2d",
           "LayerNorm", "Embedding", "Dropout1d", "Dropout3d", "AlphaDropout", "Unflatten",
           "Bilinear", "PixelShuffle", "PixelUnshuffle", "Upsample", "UpsamplingNearest2d",
           "UpsamplingBilinear2d", "ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


def _filled(shape, dtype, fill=0.0):
    return np.full(shape, fill, dtype=np.dtype(np.float32 if dtype is None else dtype))


def weight_and_bias(module, weight_shape, bias, dtype, bias_size=None):
    """Register ``weight`` of ``weight_shape`` and a bias of ``bias_size`` (default: the weight's
    first dim), or None, then call ``module.reset_parameters()``."""
    module.weight = Parameter(_filled(weight_shape, dtype))
    if bias:
        module.bias = Parameter(_filled((bias_size or weight_shape[0],), dtype))
    else:
        module.register_parameter("bias", None)
    module.reset_parameters()


def default_init(weight, bias):
    """PyTorch's default for Linear and Conv2d: kaiming_uniform_(a=sqrt(5)) weights, that is
    U(±1/sqrt(fan_in)), and a bias from the same range."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = weight.numel() // max(weight.shape[0], 1)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        init.uniform_(bias, -bound, bound)


class Linear(Module):
    """``y = x @ weight.T + bias`` for x of shape (..., in_features).

    ``weight`` has shape (out_features, in_features) and, like ``bias``, starts as
    U(-1/sqrt(in_features), 1/sqrt(in_features)) — PyTorch's kaiming_uniform_(a=sqrt(5)).

    >>> layer = Linear(3, 2)
    >>> layer(tg.ones(5, 3)).shape
    torch.Size([5, 2])
    """

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        weight_and_bias(self, (out_features, in_features), bias, dtype)

    def reset_parameters(self):
        """Draw fresh weights (and bias) with PyTorch's default scheme."""
        default_init(self.weight, self.bias)

    def forward(self, input):
        # From the registry: `self.weight` falls through to Module.__getattr__, 20 times slower;
        # the primitive itself, not F.linear: one Python call less on the hot path
        params = self._parameters
        return P.Linear.apply(input, params["weight"], params["bias"])

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Flatten(Module):
    """Flatten dimensions ``start_dim..end_dim`` into one (by default all but the batch).

    >>> Flatten()(tg.zeros(8, 1, 28, 28)).shape
    torch.Size([8, 784])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the others by
    1 / (1 - p); in evaluation mode, the identity.

    >>> drop = Dropout(p=0.2)
    >>> drop.eval()(tg.ones(3)).numpy()
    array([1., 1., 1.], dtype=float32)
    """

    function = staticmethod(F.dropout)

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p, self.inplace = F._check_probability(p), inplace

    def forward(self, input):
        return self.function(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """In training, zero whole channels of (N, C, L) or (C, L) input with probability ``p`` and
    scale the others by 1 / (1 - p); in evaluation mode, the identity.

    >>> Dropout1d(p=0.5).eval()(tg.ones(2, 3, 4)).shape
    torch.Size([2, 3, 4])
    """

    function = staticmethod(F.dropout1d)


class Dropout2d(Dropout):
    """In training, zero whole channels of (N, C, H, W) input with probability ``p`` and scale
    the others by 1 / (1 - p); in evaluation mode, the identity. A 3-D input is taken as
    (N, C, L), with a warning, as PyTorch 2.x does (see ``F.dropout2d``).

    >>> Dropout2d(p=0.5).eval()(tg.ones(1, 2, 3, 3)).shape
    torch.Size([1, 2, 3, 3])
    """

    function = staticmethod(F.dropout2d)


class Dropout3d(Dropout):
    """In training, zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with
    probability ``p`` and scale the others by 1 / (1 - p); in evaluation mode, the identity.

    >>> Dropout3d(p=0.5).eval()(tg.ones(1, 2, 3, 3, 3)).shape
    torch.Size([1, 2, 3, 3, 3])
    """

    function = staticmethod(F.dropout3d)


class AlphaDropout(Dropout):
    """Dropout that keeps the mean and variance of SELU activations (see ``F.alpha_dropout``);
    in evaluation mode, the identity.

    >>> AlphaDropout(0.2).eval()(tg.ones(3))
    tensor([1., 1., 1.])
    """

    function = staticmethod(F.alpha_dropout)


def register_running_stats(module, num_features, dtype, track):
    """The buffers ``running_mean`` (zeros), ``running_var`` (ones) and ``num_batches_tracked``
    of BatchNorm and InstanceNorm, or None each when not ``track``ing."""
    if track:
        module.register_buffer("running_mean", Tensor(_filled((num_features,), dtype, 0.0)))
        module.register_buffer("running_var", Tensor(_filled((num_features,), dtype, 1.0)))
        module.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
    else:
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            module.register_buffer(name, None)


def reset_running_stats(module):
    """Running mean 0, running variance 1, no batches counted (when tracked)."""
    if module.track_running_stats:
        init.zeros_(module.running_mean)
        init.ones_(module.running_var)
        init.zeros_(module.num_batches_tracked)


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ only in the input dims they accept."""

    input_dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, dtype=None):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(_filled((num_features,), dtype, 1.0))
            self.bias = Parameter(_filled((num_features,), dtype, 0.0))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        register_running_stats(self, num_features, dtype, track_running_stats)

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches counted."""
        reset_running_stats(self)

    def reset_parameters(self):
        """Reset the running statistics and set weight to 1, bias to 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)

    def forward(self, input):
        if input.ndim not in self.input_dims:
            dims = " or ".join(f"{d}D" for d in self.input_dims)
            raise ValueError(f"{type(self).__name__}: expected {dims} input (got {input.ndim}D input)")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:
                momentum = 1.0 / self.num_batches_tracked.item()
        return F.batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats, momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over the batch (and length) of (N, C) or (N, C, L) input.

    Training normalises with the batch mean and biased variance and updates the running
    statistics: ``running = (1 - momentum) · running + momentum · batch`` (unbiased variance;
    ``momentum=None`` gives the cumulative average). Evaluation normalises with the running
    statistics. Buffers: ``running_mean``, ``running_var``, ``num_batches_tracked``.

    >>> bn = BatchNorm1d(3)
    >>> bn(tg.randn(16, 3)).shape
    torch.Size([16, 3])
    """

    input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation per channel of (N, C, H, W) input, over the batch and both spatial
    dims; otherwise as :class:`BatchNorm1d`.

    >>> BatchNorm2d(8)(tg.randn(4, 8, 5, 5)).shape
    torch.Size([4, 8, 5, 5])
    """

    input_dims = (4,)


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` dimensions of each sample, then apply
    an elementwise scale (``weight``, starts at 1) and shift (``bias``, starts at 0).

    >>> ln = LayerNorm(4)
    >>> ln(tg.randn(2, 4)).shape
    torch.Size([2, 4])
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_filled(self.normalized_shape, dtype, 1.0))
        else:
            self.register_parameter("weight", None)
        if elementwise_affine and bias:
            self.bias = Parameter(_filled(self.normalized_shape, dtype, 0.0))
        else:
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class Embedding(Module):
    """A lookup table: integer indices of any shape → rows of ``weight`` (num_embeddings,
    embedding_dim), initialised N(0, 1). The row ``padding_idx`` starts at zero and is never
    updated by gradients; with ``max_norm`` each looked-up row is first rescaled in place to at
    most that ``norm_type``-norm. Out-of-range indices raise IndexError.

    >>> emb = Embedding(10, 3, padding_idx=0)
    >>> emb(tg.Tensor([[1, 2], [0, 9]])).shape
    torch.Size([2, 2, 3])
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, dtype=None):
        super().__init__()
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} must be within "
                                 f"num_embeddings ({num_embeddings})")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(_filled((num_embeddings, embedding_dim), dtype))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(f"Embedding: _weight of shape {tuple(_weight.shape)} does not "
                                 f"match ({num_embeddings}, {embedding_dim})")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """An Embedding whose table is ``embeddings`` (2-D), not trained when ``freeze``.

        >>> Embedding.from_pretrained(tg.Tensor([[1.0, 2.0], [3.0, 4.0]]))(tg.Tensor([1]))
        tensor([[3., 4.]])
        """
        if embeddings.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape "
                             f"{tuple(embeddings.shape)}")
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)

    def reset_parameters(self):
        """N(0, 1) weights, with the padding row zeroed."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        return text + (", sparse=True" if self.sparse else "")


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size`` (one entry may be -1).

    >>> Unflatten(1, (2, 5))(tg.zeros(3, 10)).shape
    torch.Size([3, 2, 5])
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input):
        (dim,) = normalize_dims(self.dim, input.ndim, "Unflatten")
        sizes = self.unflattened_size
        known = int(np.prod([s for s in sizes if s != -1]))
        if sizes.count(-1) > 1 or (-1 not in sizes and known != input.shape[dim]) or (
                -1 in sizes and (known == 0 or input.shape[dim] % known)):
            raise ShapeError(f"Unflatten: sizes {sizes} do not multiply to the size "
                             f"{input.shape[dim]} of dim {dim} of shape {input.shape}")
        return input.reshape(input.shape[:dim] + sizes + input.shape[dim + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Bilinear(Module):
    """y = x1ᵀ · A · x2 + b for x1 (..., in1_features) and x2 (..., in2_features): ``weight``
    (out_features, in1_features, in2_features) and ``bias`` (out_features,) start as
    U(-1/sqrt(in1_features), 1/sqrt(in1_features)), as PyTorch.

    >>> Bilinear(3, 4, 5)(tg.ones(2, 3), tg.ones(2, 4)).shape
    torch.Size([2, 5])
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        weight_and_bias(self, (out_features, in1_features, in2_features), bias, dtype)

    def reset_parameters(self):
        """Weights and bias from U(±1/sqrt(in1_features))."""
        bound = 1 / math.sqrt(self.in1_features) if self.in1_features else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class PixelShuffle(Module):
    """(*, C·r², H, W) → (*, C, H·r, W·r), r = ``upscale_factor`` (see ``F.pixel_shuffle``).

    >>> PixelShuffle(3)(tg.zeros(1, 9, 4, 4)).shape
    torch.Size([1, 1, 12, 12])
    """

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H·r, W·r) → (*, C·r², H, W), r = ``downscale_factor``.

    >>> PixelUnshuffle(3)(tg.zeros(1, 1, 12, 12)).shape
    torch.Size([1, 9, 4, 4])
    """

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class Upsample(Module):
    """Resize the spatial dims to ``size`` or by ``scale_factor`` (see ``F.interpolate`` for
    the modes).

    >>> Upsample(scale_factor=2, mode="bilinear")(tg.zeros(1, 3, 4, 4)).shape
    torch.Size([1, 3, 8, 8])
    """

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             self.recompute_scale_factor)

    def extra_repr(self):
        what = f"scale_factor={float(self.scale_factor)}" if self.scale_factor is not None and \
            isinstance(self.scale_factor, numbers.Real) else \
            (f"scale_factor={self.scale_factor}" if self.scale_factor is not None else
             f"size={self.size}")
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W) input.

    >>> UpsamplingNearest2d(scale_factor=2)(tg.zeros(1, 1, 2, 2)).shape
    torch.Size([1, 1, 4, 4])
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, "nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W) input with ``align_corners=True``.

    >>> UpsamplingBilinear2d(size=(3, 3))(tg.zeros(1, 1, 2, 2)).shape
    torch.Size([1, 1, 3, 3])
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, "bilinear", align_corners=True)


class _Pad(Module):
    """What the padding layers share: ``padding`` (an int for every side, or F.pad's tuple of
    2·nd sizes, last dim first) and the mode (the Reflection, Replication and Circular layers
    are made by :func:`_pad_layer`).

    >>> ReflectionPad2d(1)(tg.ones(1, 2, 2)).shape
    torch.Size([1, 4, 4])
    """

    nd, mode = 1, "constant"

    def __init__(self, padding, value=0.0):
        super().__init__()
        sides = 2 * self.nd
        self.padding = (padding,) * sides if isinstance(padding, numbers.Integral) \
            else tuple(padding)
        if len(self.padding) != sides:
            raise ValueError(f"{type(self).__name__}: padding must be an int or {sides} ints, got "
                             f"{padding!r}")
        self.value = value

    def forward(self, input):
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return str(self.padding)


class _ConstantPad(_Pad):
    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


def _pad_layer(name, nd, mode, base=_Pad):
    doc = (f"Pad the last {nd} dim{'s' if nd > 1 else ''} with F.pad's mode {mode!r} "
           f"(``padding``: an int for every side, or {2 * nd} sizes, last dim first).")
    return type(name, (base,), {"nd": nd, "mode": mode, "__doc__": doc,
                                "__module__": __name__})


class ZeroPad1d(_Pad):
    """Pad the last dim with zeros.

    >>> ZeroPad1d((1, 2))(tg.ones(1, 2, 3)).shape
    torch.Size([1, 2, 6])
    """

    nd = 1

    def __init__(self, padding):
        super().__init__(padding, 0.0)


class ZeroPad2d(ZeroPad1d):
    """Pad the last two dims with zeros.

    >>> ZeroPad2d((1, 0, 2, 1))(tg.ones(1, 2, 3)).shape
    torch.Size([1, 5, 4])
    """

    nd = 2


class ConstantPad1d(_ConstantPad):
    """Pad the last dim with ``value``.

    >>> ConstantPad1d(1, 3.5)(tg.zeros(1, 2))
    tensor([[3.5, 0. , 0. , 3.5]])
    """

    nd = 1


class ConstantPad2d(ConstantPad1d):
    """Pad the last two dims with ``value``.

    >>> ConstantPad2d(1, 3.5)(tg.zeros(1, 2, 2)).shape
    torch.Size([1, 4, 4])
    """

    nd = 2


class ConstantPad3d(ConstantPad1d):
    """Pad the last three dims with ``value``.

    >>> ConstantPad3d(1, 0.0)(tg.zeros(1, 2, 2, 2)).shape
    torch.Size([1, 4, 4, 4])
    """

    nd = 3


ReflectionPad1d = _pad_layer("ReflectionPad1d", 1, "reflect")
ReflectionPad2d = _pad_layer("ReflectionPad2d", 2, "reflect")
ReflectionPad3d = _pad_layer("ReflectionPad3d", 3, "reflect")
ReplicationPad1d = _pad_layer("ReplicationPad1d", 1, "replicate")
ReplicationPad2d = _pad_layer("ReplicationPad2d", 2, "replicate")
ReplicationPad3d = _pad_layer("ReplicationPad3d", 3, "replicate")
CircularPad1d = _pad_layer("CircularPad1d", 1, "circular")
CircularPad2d = _pad_layer("CircularPad2d", 2, "circular")
CircularPad3d = _pad_layer("CircularPad3d", 3, "circular")
