"""Pooling layers over (N, C, H, W) input: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.

Each stores its settings and calls ``nn.functional``.

>>> from tinygrad_lite import nn
>>> nn.MaxPool2d(2)(tg.zeros(8, 16, 11, 11)).shape
torch.Size([8, 16, 5, 5])
"""
from . import functional as F
from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


class MaxPool2d(Module):
    """Maximum over each ``kernel_size`` window, moved by ``stride`` (default: the kernel size).
    Where maxima tie, the gradient goes to the first in row-major order (see ``F.max_pool2d``).

    >>> MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1):
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}")


class AvgPool2d(Module):
    """Mean over each ``kernel_size`` window, moved by ``stride`` (default: the kernel size).

    >>> AvgPool2d(2)(tg.ones(1, 1, 4, 4)).shape
    torch.Size([1, 1, 2, 2])
    """

    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad=True):
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average into a fixed ``output_size`` grid whatever the input size; ``(1, 1)`` is global
    average pooling.

    >>> AdaptiveAvgPool2d((1, 1))(tg.ones(2, 8, 7, 7)).shape
    torch.Size([2, 8, 1, 1])
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"
