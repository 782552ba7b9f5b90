"""Activation functions as modules, for use inside ``Sequential``.

Each calls the function of the same name in ``nn.functional``.

>>> from tinygrad_lite import nn
>>> nn.Sequential(nn.Linear(4, 4), nn.GELU(), nn.Linear(4, 2), nn.LogSoftmax(dim=1))[1]
GELU(approximate='none')
"""
import numpy as np

from . import functional as F
from . import init as nn_init
from .module import Module, Parameter

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "GELU", "SiLU",
           "ELU", "CELU", "SELU", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish", "Mish",
           "Softplus", "Softsign", "LogSigmoid", "Tanhshrink", "Softmin", "GLU", "Softshrink",
           "Hardshrink", "Threshold", "PReLU"]


class ReLU(Module):
    """max(x, 0). ``nn.ReLU()(x)``"""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """x for x > 0, ``negative_slope`` · x otherwise. ``nn.LeakyReLU(0.2)(x)``"""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


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

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class _Inplace(Module):
    """An activation without settings but PyTorch's ``inplace`` flag."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return self.function(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class _Plain(Module):
    """An activation without settings."""

    def forward(self, input):
        return self.function(input)


class ELU(Module):
    """x for x > 0, alpha·(e^x - 1) otherwise. ``nn.ELU(alpha=1.0)(x)``"""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class CELU(ELU):
    """x for x > 0, alpha·(e^(x/alpha) - 1) otherwise. ``nn.CELU(alpha=1.0)(x)``"""

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class SELU(_Inplace):
    """scale · elu(x, alpha) with the self-normalising constants. ``nn.SELU()(x)``"""

    function = staticmethod(F.selu)


class Hardtanh(Module):
    """x clipped to [min_val, max_val]. ``nn.Hardtanh(-1.0, 1.0)(x)``"""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val {min_val} must not exceed max_val {max_val}")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return (f"min_val={self.min_val}, max_val={self.max_val}"
                + (", inplace=True" if self.inplace else ""))


class ReLU6(_Inplace):
    """min(max(x, 0), 6). ``nn.ReLU6()(x)``"""

    function = staticmethod(F.relu6)


class Hardsigmoid(_Inplace):
    """relu6(x + 3) / 6. ``nn.Hardsigmoid()(x)``"""

    function = staticmethod(F.hardsigmoid)


class Hardswish(_Inplace):
    """x · relu6(x + 3) / 6. ``nn.Hardswish()(x)``"""

    function = staticmethod(F.hardswish)


class Mish(_Inplace):
    """x · tanh(softplus(x)). ``nn.Mish()(x)``"""

    function = staticmethod(F.mish)


class Softplus(Module):
    """log(1 + e^(beta·x)) / beta, linear above ``threshold``. ``nn.Softplus(beta=1.0)(x)``"""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softsign(_Plain):
    """x / (1 + |x|). ``nn.Softsign()(x)``"""

    function = staticmethod(F.softsign)


class LogSigmoid(_Plain):
    """log(sigmoid(x)), finite for any x. ``nn.LogSigmoid()(x)``"""

    function = staticmethod(F.logsigmoid)


class Tanhshrink(_Plain):
    """x - tanh(x). ``nn.Tanhshrink()(x)``"""

    function = staticmethod(F.tanhshrink)


class Softmin(Module):
    """softmax(-x) along ``dim``. ``nn.Softmin(dim=1)(x)``"""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmin(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class GLU(Module):
    """a · sigmoid(b) for the halves a, b of the input along ``dim``. ``nn.GLU()(x)``"""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softshrink(Module):
    """x ∓ lambd outside [-lambd, lambd], 0 inside. ``nn.Softshrink(0.5)(x)``"""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.softshrink(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class Hardshrink(Softshrink):
    """x outside [-lambd, lambd], 0 inside. ``nn.Hardshrink(0.5)(x)``"""

    def forward(self, input):
        return F.hardshrink(input, self.lambd)


class Threshold(Module):
    """x where x > ``threshold``, ``value`` elsewhere. ``nn.Threshold(0.1, 20.0)(x)``"""

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return (f"threshold={self.threshold}, value={self.value}"
                + (", inplace=True" if self.inplace else ""))


class PReLU(Module):
    """x for x > 0, a · x otherwise, with a learnt slope ``weight`` of ``num_parameters``
    entries (1, or one per channel) starting at ``init``.

    >>> PReLU(3).weight.shape
    torch.Size([3])
    """

    def __init__(self, num_parameters=1, init=0.25, dtype=None):
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(np.full((num_parameters,), init,
                                        dtype=np.float32 if dtype is None else dtype))

    def reset_parameters(self):
        """Every slope back to ``init``."""
        nn_init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"
