"""Pooling layers over (N, C, *spatial) input: MaxPool1d/2d/3d, AvgPool1d/2d/3d, MaxUnpool1d/2d,
AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d.

Each stores its settings and calls ``nn.functional``.

>>> from tinygrad_lite import nn
>>> nn.MaxPool2d(2)(tg.zeros(8, 16, 11, 11)).shape
torch.Size([8, 16, 5, 5])
"""
from . import functional as F
from .module import Module
from .sliding import ntuple

__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "MaxUnpool1d", "MaxUnpool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
           "AdaptiveMaxPool1d", "AdaptiveMaxPool2d"]


class _MaxPool(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return self.function(input, self.kernel_size, self.stride, self.padding, self.dilation,
                             self.ceil_mode, self.return_indices)

    def extra_repr(self):
        text = (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}")
        return text + (", ceil_mode=True" if self.ceil_mode else "")


class MaxPool1d(_MaxPool):
    """Maximum over each window of (N, C, L) input (see ``F.max_pool1d``).

    >>> MaxPool1d(2)(tg.ones(1, 3, 9)).shape
    torch.Size([1, 3, 4])
    """

    function = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPool):
    """Maximum over each ``kernel_size`` window, moved by ``stride`` (default: the kernel size).
    Where maxima tie, the gradient goes to the first in row-major order (see ``F.max_pool2d``).

    >>> MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)
    """

    function = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPool):
    """Maximum over each window of (N, C, D, H, W) input (see ``F.max_pool3d``).

    >>> MaxPool3d(2)(tg.ones(1, 1, 4, 4, 4)).shape
    torch.Size([1, 1, 2, 2, 2])
    """

    function = staticmethod(F.max_pool3d)


class _AvgPool(Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return self.function(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                             self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPool):
    """Mean over each window of (N, C, L) input (see ``F.avg_pool1d``).

    >>> AvgPool1d(3, stride=1, padding=1)(tg.ones(1, 2, 5)).shape
    torch.Size([1, 2, 5])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        kernel_size = ntuple(kernel_size, 1, "AvgPool1d", "kernel_size", 1)
        stride = kernel_size if stride is None else ntuple(stride, 1, "AvgPool1d", "stride", 1)
        super().__init__(kernel_size, stride, ntuple(padding, 1, "AvgPool1d", "padding", 0),
                         ceil_mode, count_include_pad)

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class AvgPool2d(_AvgPool):
    """Mean over each ``kernel_size`` window, moved by ``stride`` (default: the kernel size).

    >>> AvgPool2d(2)(tg.ones(1, 1, 4, 4)).shape
    torch.Size([1, 1, 2, 2])
    """

    function = staticmethod(F.avg_pool2d)


class AvgPool3d(_AvgPool):
    """Mean over each window of (N, C, D, H, W) input (see ``F.avg_pool3d``).

    >>> AvgPool3d(2)(tg.ones(1, 1, 4, 4, 4)).shape
    torch.Size([1, 1, 2, 2, 2])
    """

    function = staticmethod(F.avg_pool3d)


class _MaxUnpool(Module):
    nd = 2

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        name = type(self).__name__
        self.kernel_size = ntuple(kernel_size, self.nd, name, "kernel_size", 1)
        self.stride = self.kernel_size if stride is None else ntuple(stride, self.nd, name,
                                                                     "stride", 1)
        self.padding = ntuple(padding, self.nd, name, "padding", 0)

    def forward(self, input, indices, output_size=None):
        return self.function(input, indices, self.kernel_size, self.stride, self.padding,
                             output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpool):
    """Undo ``MaxPool1d(return_indices=True)``: values back at their indices, zeros elsewhere.

    >>> pool, unpool = MaxPool1d(2, return_indices=True), MaxUnpool1d(2)
    >>> unpool(*pool(tg.Tensor([[[1.0, 3.0, 2.0, 0.0]]])))
    tensor([[[0., 3., 2., 0.]]])
    """

    nd, function = 1, staticmethod(F.max_unpool1d)


class MaxUnpool2d(_MaxUnpool):
    """Undo ``MaxPool2d(return_indices=True)`` (see ``F.max_unpool2d``); ``output_size`` in
    ``forward`` resolves the size an uneven pooling lost.

    >>> pool, unpool = MaxPool2d(2, return_indices=True), MaxUnpool2d(2)
    >>> out, idx = pool(tg.ones(1, 1, 5, 5))
    >>> unpool(out, idx, output_size=(5, 5)).shape
    torch.Size([1, 1, 5, 5])
    """

    function = staticmethod(F.max_unpool2d)


class _Adaptive(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return self.function(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_Adaptive):
    """Average (N, C, L) input into ``output_size`` bins whatever L.

    >>> AdaptiveAvgPool1d(4)(tg.ones(2, 3, 10)).shape
    torch.Size([2, 3, 4])
    """

    function = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_Adaptive):
    """Average into a fixed ``output_size`` grid whatever the input size; ``(1, 1)`` is global
    average pooling.

    >>> AdaptiveAvgPool2d((1, 1))(tg.ones(2, 8, 7, 7)).shape
    torch.Size([2, 8, 1, 1])
    """

    function = staticmethod(F.adaptive_avg_pool2d)


class _AdaptiveMax(_Adaptive):
    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return self.function(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMax):
    """Maximum of each of ``output_size`` bins of (N, C, L) input.

    >>> AdaptiveMaxPool1d(2)(tg.Tensor([[[1.0, 5.0, 3.0]]]))
    tensor([[[5., 5.]]])
    """

    function = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMax):
    """Maximum of each bin of a fixed ``output_size`` grid (see ``F.adaptive_max_pool2d``).

    >>> AdaptiveMaxPool2d((2, 2))(tg.ones(1, 3, 5, 5)).shape
    torch.Size([1, 3, 2, 2])
    """

    function = staticmethod(F.adaptive_max_pool2d)
