"""Weight initialisation with PyTorch's formulas (``torch.nn.init``).

Every function fills its tensor in place under ``no_grad``, drawing from the global generator
(``tinygrad_lite.manual_seed`` makes it repeatable), and returns the tensor.

>>> import numpy as np
>>> from tinygrad_lite import nn
>>> w = nn.Parameter(np.empty((256, 128), dtype=np.float32))
>>> nn.init.kaiming_uniform_(w, nonlinearity="relu") is w   # U(-b, b), b = sqrt(2) * sqrt(3 / 128)
True
"""
import math
import numbers

from ..grad_mode import no_grad

__all__ = ["calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]

_LINEAR_GAINS = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
                 "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """The recommended scale of the weights before ``nonlinearity``: 1 for linear and sigmoid,
    5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope²)) for leaky_relu (slope ``param``,
    default 0.01), 3/4 for selu.

    >>> calculate_gain("relu")
    1.4142135623730951
    """
    if nonlinearity in _LINEAR_GAINS:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight (out, in, *kernel): in·k and out·k, k the kernel size."""
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out can not be computed for a tensor with fewer than 2 "
                         f"dimensions (got shape {tensor.shape})")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} not supported, please use one of 'fan_in', 'fan_out'")
    fan_in, fan_out = _fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with samples from U(a, b). ``uniform_(w, -0.1, 0.1)``"""
    with no_grad():
        return tensor.uniform_(a, b)


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with samples from N(mean, std²). ``normal_(w, std=0.02)``"""
    with no_grad():
        return tensor.normal_(mean, std)


def constant_(tensor, val):
    """Fill with ``val``. ``constant_(bias, 0.1)``"""
    with no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    """Fill with zeros. ``zeros_(bias)``"""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fill with ones. ``ones_(norm.weight)``"""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0):
    """Glorot uniform: U(-a, a) with a = gain · sqrt(6 / (fan_in + fan_out)).

    >>> xavier_uniform_(w, gain=calculate_gain("tanh"))   # doctest: +SKIP
    """
    std = gain * math.sqrt(2.0 / sum(_fan_in_and_fan_out(tensor)))
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std)


def xavier_normal_(tensor, gain=1.0):
    """Glorot normal: N(0, std²) with std = gain · sqrt(2 / (fan_in + fan_out)).
    ``xavier_normal_(w)``"""
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / sum(_fan_in_and_fan_out(tensor))))


def _kaiming_std(tensor, a, mode, nonlinearity):
    return calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """He uniform: U(-b, b) with b = gain · sqrt(3 / fan), gain from
    ``calculate_gain(nonlinearity, a)`` and fan the ``mode`` ('fan_in' or 'fan_out').
    A zero-element tensor is left as is.

    >>> kaiming_uniform_(w, a=math.sqrt(5))  # nn.Linear: b = 1/sqrt(fan_in)  # doctest: +SKIP
    """
    if tensor.numel() == 0:
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    """He normal: N(0, std²) with std = gain / sqrt(fan). A zero-element tensor is left as is.
    ``kaiming_normal_(w, nonlinearity="relu")``"""
    if tensor.numel() == 0:
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))
