"""Activation functions as modules, for use inside ``Sequential``.

Each calls the function of the same name in ``nn.functional``.

>>> from tinygrad_lite import nn
>>> nn.Sequential(nn.Linear(4, 4), nn.GELU(), nn.Linear(4, 2), nn.LogSoftmax(dim=1))[1]
GELU(approximate='none')
"""
from . import functional as F
from .module import Module

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "GELU", "SiLU"]


class ReLU(Module):
    """max(x, 0). ``nn.ReLU()(x)``"""

    forward = staticmethod(F.relu)  # F.relu itself: no extra Python call per use


class LeakyReLU(Module):
    """x for x > 0, ``negative_slope`` · x otherwise. ``nn.LeakyReLU(0.2)(x)``"""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1 / (1 + e^-x). ``nn.Sigmoid()(x)``"""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """Hyperbolic tangent. ``nn.Tanh()(x)``"""

    def forward(self, input):
        return F.tanh(input)


class Softmax(Module):
    """Softmax along ``dim``. ``nn.Softmax(dim=1)(logits)``"""

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log-softmax along ``dim``, computed stably. ``nn.LogSoftmax(dim=1)(logits)``"""

    def forward(self, input):
        return F.log_softmax(input, self.dim)


class GELU(Module):
    """x · Φ(x); ``approximate='tanh'`` uses the tanh formula. ``nn.GELU()(x)``"""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x · sigmoid(x), also called swish. ``nn.SiLU()(x)``"""

    def forward(self, input):
        return F.silu(input)
