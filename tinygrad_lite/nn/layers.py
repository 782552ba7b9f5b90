"""Layers with parameters or state: Linear, Conv2d, Flatten, Dropout, Dropout2d, BatchNorm1d,
BatchNorm2d, LayerNorm, Embedding.

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
from ..arguments import int_pair
from ..grad_mode import no_grad
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter

__all__ = ["Linear", "Conv2d", "Flatten", "Dropout", "Dropout2d", "BatchNorm1d", "BatchNorm2d",
           "LayerNorm", "Embedding"]


def _filled(shape, dtype, fill=0.0):
    return np.full(shape, fill, dtype=np.dtype(np.float32 if dtype is None else dtype))


def _weight_and_bias(module, weight_shape, bias, dtype):
    """Register ``weight`` of ``weight_shape`` and a bias of its first dim (or None), then call
    ``module.reset_parameters()``."""
    module.weight = Parameter(_filled(weight_shape, dtype))
    if bias:
        module.bias = Parameter(_filled(weight_shape[:1], dtype))
    else:
        module.register_parameter("bias", None)
    module.reset_parameters()


def _default_init(weight, bias):
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
        _weight_and_bias(self, (out_features, in_features), bias, dtype)

    def reset_parameters(self):
        """Draw fresh weights (and bias) with PyTorch's default scheme."""
        _default_init(self.weight, self.bias)

    def forward(self, input):
        # From the registry: `self.weight` falls through to Module.__getattr__, 20 times slower;
        # the primitive itself, not F.linear: one Python call less on the hot path
        params = self._parameters
        return P.Linear.apply(input, params["weight"], params["bias"])

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Conv2d(Module):
    """2-D convolution of (N, C_in, H, W) input (see ``F.conv2d``).

    ``weight`` has shape (out_channels, in_channels, kh, kw) and, like ``bias``, starts as
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels·kh·kw, as PyTorch.

    >>> conv = Conv2d(1, 8, 3, padding="same")
    >>> conv(tg.ones(2, 1, 28, 28)).shape
    torch.Size([2, 8, 28, 28])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 bias=True, dtype=None):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = int_pair(kernel_size, "Conv2d", "kernel_size", 1)
        self.stride = int_pair(stride, "Conv2d", "stride", 1)
        self.dilation = int_pair(dilation, "Conv2d", "dilation", 1)
        if isinstance(padding, str) and padding not in ("same", "valid"):
            raise ValueError(f"Conv2d: padding must be 'same', 'valid', an int or a pair, got "
                             f"{padding!r}")
        if padding == "same" and self.stride != (1, 1):
            raise ValueError(f"Conv2d: padding='same' needs stride 1, got stride {self.stride}")
        self.padding = padding if isinstance(padding, str) else int_pair(padding, "Conv2d",
                                                                         "padding", 0)
        _weight_and_bias(self, (out_channels, in_channels) + self.kernel_size, bias, dtype)

    def reset_parameters(self):
        """Draw fresh weights (and bias) with PyTorch's default scheme."""
        _default_init(self.weight, self.bias)

    def forward(self, input):
        params = self._parameters  # as in Linear.forward
        return F.conv2d(input, params["weight"], params["bias"], self.stride, self.padding,
                        self.dilation)

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding not in ((0, 0), "valid"):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        return text + ("" if self.bias is not None else ", bias=False")


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

    def __init__(self, p=0.5):
        super().__init__()
        self.p = F._check_probability(p)

    def forward(self, input):
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}"


class Dropout2d(Dropout):
    """In training, zero whole channels of (N, C, H, W) input with probability ``p`` and scale
    the others by 1 / (1 - p); in evaluation mode, the identity.

    >>> Dropout2d(p=0.5).eval()(tg.ones(1, 2, 3, 3)).shape
    torch.Size([1, 2, 3, 3])
    """

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training)


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
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(_filled((num_features,), dtype, 0.0)))
            self.register_buffer("running_var", Tensor(_filled((num_features,), dtype, 1.0)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches counted."""
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

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
                f"elementwise_affine={self.elementwise_affine}")


class Embedding(Module):
    """A lookup table: integer indices of any shape → rows of ``weight`` (num_embeddings,
    embedding_dim), initialised N(0, 1). The row ``padding_idx`` starts at zero and is never
    updated by gradients. Out-of-range indices raise IndexError.

    >>> emb = Embedding(10, 3, padding_idx=0)
    >>> emb(tg.Tensor([[1, 2], [0, 9]])).shape
    torch.Size([2, 2, 3])
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, dtype=None):
        super().__init__()
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} must be within "
                                 f"num_embeddings ({num_embeddings})")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        self.weight = Parameter(_filled((num_embeddings, embedding_dim), dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """N(0, 1) weights, with the padding row zeroed."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else f"{text}, padding_idx={self.padding_idx}"
