"""Normalisation layers beside BatchNorm and LayerNorm: GroupNorm, InstanceNorm1d/2d/3d, RMSNorm.

Parameter and buffer names are PyTorch's, so state_dicts move between the two.

>>> from tinygrad_lite import nn
>>> nn.GroupNorm(2, 6)(tg.randn(4, 6, 5)).shape
torch.Size([4, 6, 5])
"""
import numbers

import numpy as np

from . import functional as F
from . import init
from .layers import register_running_stats, reset_running_stats
from .module import Module, Parameter

__all__ = ["GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm"]


def _full(shape, dtype, fill):
    return np.full(shape, fill, dtype=np.float32 if dtype is None else dtype)


def _affine_parameters(module, shape, affine, dtype, bias=True):
    """``weight`` (ones) and ``bias`` (zeros) of ``shape``, or None when not ``affine``."""
    if affine:
        module.weight = Parameter(_full(shape, dtype, 1.0))
    else:
        module.register_parameter("weight", None)
    if affine and bias:
        module.bias = Parameter(_full(shape, dtype, 0.0))
    else:
        module.register_parameter("bias", None)


def _reset_affine(module):
    """Weight 1 and bias 0, those that exist."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class GroupNorm(Module):
    """Normalise each of ``num_groups`` groups of channels of (N, C, *) input, then a
    per-channel scale ``weight`` (ones) and shift ``bias`` (zeros) when ``affine``.

    >>> GroupNorm(3, 6)
    GroupNorm(3, 6, eps=1e-05, affine=True, bias=True)
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, dtype=None, *, bias=True):
        super().__init__()
        if num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels={num_channels} must be divisible by "
                             f"num_groups={num_groups}")
        self.num_groups, self.num_channels, self.eps, self.affine = (num_groups, num_channels,
                                                                     eps, affine)
        _affine_parameters(self, (num_channels,), affine, dtype, bias)

    def reset_parameters(self):
        """Weight 1, bias 0."""
        _reset_affine(self)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(Module):
    """What InstanceNorm1d/2d/3d share; they differ in the input dims they accept."""

    nd = 1

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, (num_features,), affine, dtype, bias)
        register_running_stats(self, num_features, dtype, track_running_stats)

    def reset_parameters(self):
        """Running statistics back to 0 and 1, weight 1, bias 0."""
        reset_running_stats(self)
        _reset_affine(self)

    def forward(self, input):
        name, nd = type(self).__name__, self.nd
        if input.ndim not in (nd + 1, nd + 2):
            raise ValueError(f"{name}: expected {nd + 1}D (unbatched) or {nd + 2}D (batched) "
                             f"input, got shape {input.shape}")
        batched = input if input.ndim == nd + 2 else input.unsqueeze(0)
        if batched.shape[1] != self.num_features and self.affine:
            raise ValueError(f"{name}: expected {self.num_features} channels, got input of shape "
                             f"{input.shape}")
        use_input_stats = self.training or not self.track_running_stats
        momentum = 0.1 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                momentum = 1.0 / self.num_batches_tracked.item()
        out = F.instance_norm(batched, self.running_mean, self.running_var, self.weight,
                              self.bias, use_input_stats, momentum, self.eps)
        return out if input.ndim == nd + 2 else out.squeeze(0)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Normalise each channel of each sample of (N, C, L) or (C, L) input over its length;
    optional per-channel affine (``affine=True``) and running statistics
    (``track_running_stats=True``, then used in evaluation mode).

    >>> InstanceNorm1d(3)(tg.randn(2, 3, 8)).shape
    torch.Size([2, 3, 8])
    """

    nd = 1


class InstanceNorm2d(_InstanceNorm):
    """Normalise each channel of each image of (N, C, H, W) or (C, H, W) input over its
    pixels; see :class:`InstanceNorm1d`.

    >>> InstanceNorm2d(3, affine=True)(tg.randn(2, 3, 4, 4)).shape
    torch.Size([2, 3, 4, 4])
    """

    nd = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or (C, D, H, W) input; see
    :class:`InstanceNorm1d`.

    >>> InstanceNorm3d(2)(tg.randn(1, 2, 3, 3, 3)).shape
    torch.Size([1, 2, 3, 3, 3])
    """

    nd = 3


class RMSNorm(Module):
    """x / sqrt(mean(x²) + eps) over the trailing ``normalized_shape`` dims, times ``weight``
    (ones) when ``elementwise_affine``; ``eps`` None is the dtype's machine epsilon.

    >>> RMSNorm(4)
    RMSNorm((4,), eps=None, elementwise_affine=True)
    """

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_full(self.normalized_shape, dtype, 1.0))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self):
        """Weight 1."""
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, input):
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
