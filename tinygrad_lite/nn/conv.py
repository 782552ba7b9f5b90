"""Convolution layers: Conv1d, Conv2d, Conv3d and the transposed ConvTranspose1d/2d/3d.

Parameter names, shapes and default initialisation are PyTorch's, so state_dicts move between
the two: ``weight`` is (out_channels, in_channels / groups, *kernel_size) for a convolution and
(in_channels, out_channels / groups, *kernel_size) for a transposed one.

>>> from tinygrad_lite import nn
>>> nn.Conv1d(4, 8, 3, padding=1, groups=2, padding_mode="circular")
Conv1d(4, 8, kernel_size=(3,), stride=(1,), padding=(1,), groups=2, padding_mode=circular)
"""
from . import functional as F
from .layers import default_init, weight_and_bias
from .module import Module
from .sliding import ntuple

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What the convolutions share: settings, parameters and the repr."""

    nd, transposed = 2, False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", output_padding=0, dtype=None):
        super().__init__()
        name, nd = type(self).__name__, self.nd
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: groups={groups} must divide in_channels={in_channels} and "
                             f"out_channels={out_channels}")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {_PADDING_MODES}, got "
                             f"{padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = ntuple(kernel_size, nd, name, "kernel_size", 1)
        self.stride = ntuple(stride, nd, name, "stride", 1)
        self.dilation = ntuple(dilation, nd, name, "dilation", 1)
        self.output_padding = ntuple(output_padding, nd, name, "output_padding", 0)
        if isinstance(padding, str):
            if padding not in ("same", "valid") or self.transposed:
                raise ValueError(f"{name}: padding must be 'same', 'valid', an int or a tuple, got "
                                 f"{padding!r}")
            if padding == "same" and self.stride != (1,) * nd:
                raise ValueError(f"{name}: padding='same' needs stride 1, got stride {self.stride}")
            self.padding = padding
        else:
            self.padding = ntuple(padding, nd, name, "padding", 0)
        self.padding_mode = padding_mode
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported, as in PyTorch")
        channels = (in_channels, out_channels // groups) if self.transposed else \
            (out_channels, in_channels // groups)
        weight_and_bias(self, channels + self.kernel_size, bias, dtype, out_channels)

    def reset_parameters(self):
        """Draw fresh weights (and bias) with PyTorch's default scheme."""
        default_init(self.weight, self.bias)

    def _mode_padding(self):
        """``F.pad``'s tuple for a padding_mode other than zeros (then the conv pads nothing)."""
        if self.padding == "valid":
            return (0,) * (2 * self.nd)
        if self.padding == "same":
            total = [d * (k - 1) for k, d in zip(self.kernel_size, self.dilation)]
            return tuple(p for t in reversed(total) for p in (t // 2, t - t // 2))
        return tuple(p for p in reversed(self.padding) for _ in range(2))

    def extra_repr(self):
        nd = self.nd
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding not in ((0,) * nd, "valid"):
            text += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, 0, dtype)

    def forward(self, input):
        params = self._parameters  # from the registry: faster than Module.__getattr__
        padding = self.padding
        if self.padding_mode != "zeros":
            input, padding = F.pad(input, self._mode_padding(), self.padding_mode), 0
        return self.function(input, params["weight"], params["bias"], self.stride, padding,
                             self.dilation, self.groups)


class Conv1d(_Conv):
    """1-D convolution of (N, C_in, L) input (see ``F.conv1d``); ``padding_mode`` 'zeros',
    'reflect', 'replicate' or 'circular'.

    >>> Conv1d(2, 4, 3, padding="same")(tg.ones(1, 2, 10)).shape
    torch.Size([1, 4, 10])
    """

    nd, function = 1, staticmethod(F.conv1d)


class Conv2d(_Conv):
    """2-D convolution of (N, C_in, H, W) input (see ``F.conv2d``).

    ``weight`` has shape (out_channels, in_channels / groups, kh, kw) and, like ``bias``, starts
    as U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels / groups · kh · kw, as
    PyTorch. ``padding_mode`` is 'zeros', 'reflect', 'replicate' or 'circular'.

    >>> conv = Conv2d(1, 8, 3, padding="same")
    >>> conv(tg.ones(2, 1, 28, 28)).shape
    torch.Size([2, 8, 28, 28])
    """

    nd, function = 2, staticmethod(F.conv2d)


class Conv3d(_Conv):
    """3-D convolution of (N, C_in, D, H, W) input (see ``F.conv3d``).

    >>> Conv3d(1, 2, 3, padding=1)(tg.ones(1, 1, 4, 4, 4)).shape
    torch.Size([1, 2, 4, 4, 4])
    """

    nd, function = 3, staticmethod(F.conv3d)


class _ConvTranspose(_ConvNd):
    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, output_padding, dtype)

    def forward(self, input, output_size=None):
        output_padding = self.output_padding
        if output_size is not None:  # the output_padding that reaches this size
            spatial = tuple(output_size)[-self.nd:]
            smallest = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in zip(
                input.shape[-self.nd:], self.stride, self.padding, self.dilation, self.kernel_size)]
            output_padding = tuple(int(o) - m for o, m in zip(spatial, smallest))
        params = self._parameters
        return self.function(input, params["weight"], params["bias"], self.stride, self.padding,
                             output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """Transposed 1-D convolution (see ``F.conv_transpose1d``): ``weight`` is (in_channels,
    out_channels / groups, k). ``forward(input, output_size)`` picks the output_padding that
    gives that size.

    >>> ConvTranspose1d(2, 4, 3, stride=2)(tg.ones(1, 2, 5)).shape
    torch.Size([1, 4, 11])
    """

    nd, function = 1, staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """Transposed 2-D convolution (see ``F.conv_transpose2d``), e.g. to upsample by 2.

    >>> up = ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)
    >>> up(tg.ones(1, 8, 7, 7)).shape
    torch.Size([1, 4, 14, 14])
    """

    nd, function = 2, staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """Transposed 3-D convolution (see ``F.conv_transpose3d``).

    >>> ConvTranspose3d(1, 1, 2, stride=2)(tg.ones(1, 1, 2, 2, 2)).shape
    torch.Size([1, 1, 4, 4, 4])
    """

    nd, function = 3, staticmethod(F.conv_transpose3d)
