"""Random sampling from tensors (``bernoulli``, ``multinomial``, ``poisson``, ``normal``) and the
in-place fills (``normal_``, ``uniform_``, ``bernoulli_``, ``exponential_``, ``random_``,
``geometric_``, ``log_normal_``, ``cauchy_``). Each draws from ``generator`` (a
``tinygrad_lite.Generator``) or the global generator. Samples carry no gradient.

    >>> _ = tg.manual_seed(0)
    >>> tg.bernoulli(tg.tensor([0.0, 1.0]))
    tensor([0., 1.])
"""
import numbers

import numpy as np

from .. import rng
from ..arguments import DTypeError, UnsupportedDTypeError
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor

__all__ = ["bernoulli", "multinomial", "poisson", "normal", "normal_", "uniform_", "bernoulli_",
           "exponential_", "random_", "geometric_", "log_normal_", "cauchy_"]
FUNCTIONS_ONLY = {"poisson", "normal"}
METHODS_ONLY = {"normal_", "uniform_", "bernoulli_", "exponential_", "random_", "geometric_",
                "log_normal_", "cauchy_"}


def _array(x):
    return x._array if isinstance(x, Tensor) else x


def _need_float(input, op, error=UnsupportedDTypeError, empty_ok=False):
    """Refuse non-float ``input`` (except, where PyTorch lets them pass, empty ones)."""
    if input._array.dtype.kind != "f" and not (empty_ok and input._array.size == 0):
        raise error(f"{op}: not implemented for dtype {input.dtype} (floating point only)")


def _sampled(values, dtype, *inputs):
    """The samples as a tensor of ``dtype``; like PyTorch, it depends on the inputs that require
    grad with a zero gradient (through an empty slice, so even inf inputs give 0)."""
    out = Tensor(np.asarray(values).astype(dtype))
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad and is_grad_enabled():
            out = out + x.reshape(-1)[:0].sum()
    return out


def _probabilities(p, op):
    p = np.asarray(_array(p), dtype=np.float64)
    if np.any(~((p >= 0) & (p <= 1))):
        raise RuntimeError(f"{op}: expects every probability p to be in [0, 1]")
    return p


def bernoulli(input, p=None, *, generator=None):
    """0/1 samples (the dtype of ``input``) that are 1 with probability ``input`` (or ``p``)."""
    if p is None:  # with p, input only gives the shape and dtype
        _need_float(input, "bernoulli")
    draws = rng.generator(generator).random(input.shape) < _probabilities(input if p is None else p,
                                                                          "bernoulli")
    return _sampled(draws, input.dtype, input if p is None else None)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Indices (int64) drawn from the categories of each row of ``input`` (1-D or 2-D weights,
    not necessarily normalised), with or without replacement.

    >>> tg.multinomial(tg.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
    tensor([1, 1])
    """
    _need_float(input, "multinomial", DTypeError)
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: expected 1-D or 2-D probabilities, got shape {input.shape}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample {num_samples} <= 0 samples")
    weights = np.atleast_2d(input._array.astype(np.float64))
    categories = weights.shape[1]
    if not replacement and num_samples > categories:
        raise RuntimeError(f"multinomial: cannot sample {num_samples} > {categories} categories "
                           f"without replacement")
    if not np.all(np.isfinite(weights) & (weights >= 0)):
        raise RuntimeError("multinomial: probability tensor contains either inf, nan or element < 0")
    totals = weights.sum(1, keepdims=True)
    if np.any(totals <= 0):
        raise RuntimeError("multinomial: invalid distribution (sum of probabilities <= 0)")
    u = rng.generator(generator).random((len(weights), num_samples if replacement else categories))
    if replacement:  # the inverse of each row's cumulative distribution
        cdf = np.cumsum(weights / totals, 1)
        cdf[:, -1] = 1.0
        out = np.stack([np.searchsorted(c, row, side="right") for c, row in zip(cdf, u)])
    else:  # Efraimidis-Spirakis: the largest keys u ** (1 / w) are a weighted sample
        with np.errstate(divide="ignore"):
            keys = np.log(u) / weights
        out = np.argsort(-keys, 1, kind="stable")[:, :num_samples]
    return Tensor(out.astype(np.int64).reshape(input.shape[:-1] + (num_samples,)))


def poisson(input, generator=None):
    """Samples from Poisson distributions with rates ``input`` (same dtype)."""
    _need_float(input, "poisson")
    if np.any(~(input._array >= 0)):
        raise RuntimeError("poisson: invalid Poisson rate, expected rate to be non-negative")
    return _sampled(rng.generator(generator).poisson(input._array), input.dtype, input)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False):
    """Samples from N(mean, std²): ``normal(mean_tensor, std_tensor)`` (broadcast),
    ``normal(mean_tensor, std=1.0)``, ``normal(mean_float, std_tensor)`` or
    ``normal(mean_float, std_float, size)``.

    >>> tg.normal(0.0, 1.0, (2, 3)).shape
    torch.Size([2, 3])
    """
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal: give a tensor mean or std, or a size")
        from ..creation import randn
        return randn(size, generator=generator, dtype=dtype, device=device).mul_(std).add_(mean) \
            .requires_grad_(requires_grad)
    like = mean if isinstance(mean, Tensor) else std
    _need_float(like, "normal", empty_ok=True)
    if np.any(~(np.asarray(_array(std)) >= 0)):
        raise RuntimeError("normal: expects all elements of std >= 0.0")
    m, s = np.broadcast_arrays(_array(mean), _array(std))
    return _sampled(rng.generator(generator).normal(m, s), like.dtype, mean, std)


# --- in-place fills ---------------------------------------------------------------------------

def _fill(input, op, values):
    return input._assign(op, values)


def normal_(input, mean=0.0, std=1.0, *, generator=None):
    """Fill in place with samples from N(mean, std²)."""
    _need_float(input, "normal_", empty_ok=True)
    if std < 0:
        raise RuntimeError(f"normal_: expects std >= 0.0, but found std {std}")
    return _fill(input, "normal_", rng.generator(generator).normal(mean, std, input.shape))


def uniform_(input, from_=0.0, to=1.0, *, generator=None):
    """Fill in place with samples from U(from_, to) (PyTorch's ``from``, a Python keyword)."""
    _need_float(input, "uniform_")
    if from_ > to:
        raise RuntimeError(f"uniform_: expects a [from, to) range, but found from={from_} > to={to}")
    return _fill(input, "uniform_", rng.generator(generator).uniform(from_, to, input.shape))


def bernoulli_(input, p=0.5, *, generator=None):
    """Fill in place with 0/1 samples that are 1 with probability ``p`` (a number or a tensor)."""
    if isinstance(p, Tensor):
        _need_float(p, "bernoulli_")
    p = _probabilities(p, "bernoulli_")
    return _fill(input, "bernoulli_", rng.generator(generator).random(input.shape) < p)


def exponential_(input, lambd=1.0, *, generator=None):
    """Fill in place with samples from the exponential distribution of rate ``lambd``."""
    _need_float(input, "exponential_", DTypeError, empty_ok=True)
    if not lambd > 0:
        raise RuntimeError(f"exponential_: expects lambda > 0.0, but found lambda={lambd}")
    return _fill(input, "exponential_", rng.generator(generator).exponential(1 / lambd, input.shape))


def geometric_(input, p, *, generator=None):
    """Fill in place with the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
    if input._array.dtype == np.bool_ and input._array.size:
        raise UnsupportedDTypeError("geometric_: not implemented for dtype bool")
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_: expects p to be in (0, 1), but got p={p}")
    return _fill(input, "geometric_", rng.generator(generator).geometric(p, input.shape))


def log_normal_(input, mean=1.0, std=2.0, *, generator=None):
    """Fill in place with exp of samples from N(mean, std²)."""
    _need_float(input, "log_normal_", empty_ok=True)
    if not std > 0:
        raise RuntimeError(f"log_normal_: expects std > 0.0, but found std={std}")
    return _fill(input, "log_normal_", rng.generator(generator).lognormal(mean, std, input.shape))


def cauchy_(input, median=0.0, sigma=1.0, *, generator=None):
    """Fill in place with samples from the Cauchy distribution."""
    _need_float(input, "cauchy_", DTypeError)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_: expects sigma > 0.0, but found sigma={sigma}")
    values = median + sigma * rng.generator(generator).standard_cauchy(input.shape)
    return _fill(input, "cauchy_", values)


def random_(input, from_=0, to=None, *, generator=None):
    """Fill in place with integers uniform in ``[from_, to)``: ``random_(to)``,
    ``random_(from_, to)``, or by default ``[0, 2**mantissa]`` for floats and ``[0, max]`` for
    integers, as PyTorch."""
    dtype = input._array.dtype
    if to is None and from_ != 0 and isinstance(from_, numbers.Integral):
        from_, to = 0, from_
    if to is None:
        to = (2 ** (np.finfo(dtype).nmant + 1) + 1 if dtype.kind == "f" else
              2 if dtype == np.bool_ else int(np.iinfo(dtype).max) + 1)
    if from_ >= to:
        raise RuntimeError(f"random_: expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    low, high = (0, 1) if dtype == np.bool_ else (np.iinfo(dtype).min, np.iinfo(dtype).max) \
        if dtype.kind in "iu" else (-np.inf, np.inf)
    if not (low <= from_ and to - 1 <= high):
        raise RuntimeError(f"random_: the range [{from_}, {to}) is out of bounds for {dtype}")
    values = rng.generator(generator).integers(from_, to, input.shape, dtype=np.int64
                                               if to <= 2 ** 63 else np.uint64)
    return _fill(input, "random_", values)
