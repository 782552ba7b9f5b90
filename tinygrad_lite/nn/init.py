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
import warnings

import numpy as np

from .. import rng
from ..grad_mode import no_grad
from ..tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "zeros_",
           "ones_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_", "uniform", "normal", "constant",
           "eye", "dirac", "xavier_uniform", "xavier_normal", "kaiming_uniform",
           "kaiming_normal", "orthogonal", "sparse"]

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


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with samples from U(a, b). ``uniform_(w, -0.1, 0.1)``"""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with samples from N(mean, std²). ``normal_(w, std=0.02)``"""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def _fill(tensor, values):
    """Copy the NumPy array ``values`` into ``tensor`` in place (cast to its dtype)."""
    with no_grad():
        return tensor.copy_(Tensor(np.asarray(values).astype(tensor.dtype, copy=False)))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with samples from N(mean, std²) truncated to [a, b] (absolute bounds, as PyTorch),
    drawn by inverting the normal CDF.

    >>> w = tg.empty(1000)
    >>> bool(trunc_normal_(w, std=0.02, a=-0.04, b=0.04).abs().max() <= 0.04)
    True
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    cdf = lambda x: (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0  # noqa: E731
    low, high = cdf((a - mean) / std), cdf((b - mean) / std)
    u = rng.generator(generator).uniform(2 * low - 1, 2 * high - 1, tensor.shape)
    values = np.clip(Tensor(u).erfinv().numpy() * std * math.sqrt(2.0) + mean, a, b)
    return _fill(tensor, values)


def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal, as far as it goes).

    >>> eye_(tg.empty(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported, got shape {tensor.shape}")
    return _fill(tensor, np.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """Fill a 3-, 4- or 5-D convolution weight (out, in, *kernel) with the Dirac delta, so the
    convolution passes its input through (per group: the first ``in`` channels of each group's
    outputs copy the input channels).

    >>> dirac_(tg.empty(2, 2, 3))[:, :, 1]
    tensor([[1., 0.],
            [0., 1.]])
    """
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"Only tensors with 3, 4, or 5 dimensions are supported, got shape "
                         f"{tensor.shape}")
    out_channels = tensor.shape[0]
    if out_channels % groups:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = out_channels // groups
    values = np.zeros(tensor.shape)
    centre = tuple(k // 2 for k in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(per_group, tensor.shape[1])):
            values[(g * per_group + d, d) + centre] = 1
    return _fill(tensor, values)


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


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain · sqrt(6 / (fan_in + fan_out)).

    >>> xavier_uniform_(w, gain=calculate_gain("tanh"))   # doctest: +SKIP
    """
    std = gain * math.sqrt(2.0 / sum(_fan_in_and_fan_out(tensor)))
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std²) with std = gain · sqrt(2 / (fan_in + fan_out)).
    ``xavier_normal_(w)``"""
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / sum(_fan_in_and_fan_out(tensor))), generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    return calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-b, b) with b = gain · sqrt(3 / fan), gain from
    ``calculate_gain(nonlinearity, a)`` and fan the ``mode`` ('fan_in' or 'fan_out').
    A zero-element tensor is left as is.

    >>> kaiming_uniform_(w, a=math.sqrt(5))  # nn.Linear: b = 1/sqrt(fan_in)  # doctest: +SKIP
    """
    if tensor.numel() == 0:
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std²) with std = gain / sqrt(fan). A zero-element tensor is left as is.
    ``kaiming_normal_(w, nonlinearity="relu")``"""
    if tensor.numel() == 0:
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix: the Q of the QR decomposition of a normal sample,
    its signs fixed by R's diagonal, times ``gain``; higher dims are flattened to (rows, -1).

    >>> w = orthogonal_(tg.empty(3, 3, dtype=tg.float64))
    >>> np.allclose(w.numpy() @ w.numpy().T, np.eye(3))
    True
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = rng.generator(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.shape))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor with N(0, std²) values and zero ``ceil(sparsity * rows)`` random rows
    of each column.

    >>> w = sparse_(tg.empty(10, 4), sparsity=0.3)
    >>> [int((w.numpy()[:, j] == 0).sum()) for j in range(4)]
    [3, 3, 3, 3]
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    zeros = int(math.ceil(sparsity * rows))
    gen = rng.generator(generator)
    values = gen.normal(0.0, std, (rows, cols))
    for j in range(cols):
        values[gen.permutation(rows)[:zeros], j] = 0
    return _fill(tensor, values)


def _deprecated(new):
    """The old name of ``new`` (without the trailing underscore): warns, then calls it."""
    def old(*args, **kwargs):
        warnings.warn(f"nn.init.{new.__name__[:-1]} is now deprecated in favor of "
                      f"nn.init.{new.__name__}.", FutureWarning, stacklevel=2)
        return new(*args, **kwargs)
    old.__name__ = old.__qualname__ = new.__name__[:-1]
    old.__doc__ = f"Deprecated alias of :func:`{new.__name__}`."
    return old


uniform, normal, constant = _deprecated(uniform_), _deprecated(normal_), _deprecated(constant_)
eye, dirac = _deprecated(eye_), _deprecated(dirac_)
orthogonal, sparse = _deprecated(orthogonal_), _deprecated(sparse_)
xavier_uniform, xavier_normal = _deprecated(xavier_uniform_), _deprecated(xavier_normal_)
kaiming_uniform, kaiming_normal = _deprecated(kaiming_uniform_), _deprecated(kaiming_normal_)
