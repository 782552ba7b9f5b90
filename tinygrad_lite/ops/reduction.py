"""Reductions: sums, means, variances, extremes and their indices."""
import builtins
from collections import namedtuple

import numpy as np

from .. import primitives as P
from ..arguments import normalize_dims, reduce_dims
from ..tensor import Tensor
from .operands import along_axis, is_float, to_float

__all__ = ["sum", "mean", "var", "std", "amax", "amin", "max", "min", "argmax", "argmin",
           "logsumexp"]

MaxResult = namedtuple("MaxResult", ["values", "indices"])


def _count(input, axis):
    """How many elements a reduction over ``axis`` (normalized) combines."""
    return input._array.size if axis is None else int(np.prod([input.shape[a] for a in axis]))


def sum(input, dim=None, keepdim=False, dtype=None):  # noqa: A001 (PyTorch's name)
    """Sum over ``dim`` (an int, a tuple of ints, or None for all)."""
    x = input if dtype is None else input.to(dtype)
    return P.Sum.apply(x, axis=reduce_dims(dim, input.ndim, "sum"), keepdims=keepdim)


def mean(input, dim=None, keepdim=False):
    """Mean over ``dim`` (an int, a tuple of ints, or None for all)."""
    if not is_float(input.dtype):
        raise TypeError(f"mean: needs a floating point tensor, got {input.dtype}")
    axis = reduce_dims(dim, input.ndim, "mean")
    n = _count(input, axis)
    return P.Sum.apply(input, axis=axis, keepdims=keepdim, scale=1.0 / n if n else float("nan"))


def var(input, dim=None, correction=1, keepdim=False, unbiased=None):
    """Variance over ``dim`` with Bessel's ``correction`` (1 = unbiased, as PyTorch's default)."""
    if unbiased is not None:
        correction = builtins.int(unbiased)
    axis = reduce_dims(dim, input.ndim, "var")
    d = input - input.mean(axis, keepdim=True)
    return (d * d).sum(axis, keepdim=keepdim) / builtins.max(_count(input, axis) - correction, 0)


def std(input, dim=None, correction=1, keepdim=False, unbiased=None):
    """Standard deviation: ``sqrt(var(...))``, with gradient 0 where it is 0 (as PyTorch)."""
    return P.Sqrt.apply(input.var(dim, correction, keepdim, unbiased), zero_at_zero=True)


def amax(input, dim=None, keepdim=False):
    """Maximum over ``dim``; the gradient is split evenly between ties."""
    return P.Max.apply(input, axis=reduce_dims(dim, input.ndim, "amax"), keepdims=keepdim)


def amin(input, dim=None, keepdim=False):
    """Minimum over ``dim``; the gradient is split evenly between ties."""
    return P.Min.apply(input, axis=reduce_dims(dim, input.ndim, "amin"), keepdims=keepdim)


def max(input, dim=None, keepdim=False):  # noqa: A001 (PyTorch's name)
    """``max()`` is the overall maximum (gradient split evenly between ties);
    ``max(dim)`` returns ``(values, indices)`` as PyTorch, the gradient going to the index.

    >>> Tensor([[1., 5.], [7., 2.]]).max(dim=1)
    MaxResult(values=tensor([5., 7.]), indices=tensor([1, 0]))
    """
    if dim is None:
        return input.amax()
    if isinstance(dim, Tensor):
        return input.maximum(dim)
    return _select_extreme(input, dim, keepdim, np.argmax)


def min(input, dim=None, keepdim=False):  # noqa: A001 (PyTorch's name)
    """Like :func:`max` for the minimum."""
    if dim is None:
        return input.amin()
    if isinstance(dim, Tensor):
        return input.minimum(dim)
    return _select_extreme(input, dim, keepdim, np.argmin)


def _select_extreme(input, dim, keepdim, argfn):
    name = argfn.__name__[3:]
    (axis,) = normalize_dims(dim, input.ndim, name)
    if input.ndim == 0:
        return MaxResult(input, Tensor(np.array(0)))
    if input.shape[axis] == 0:
        raise IndexError(f"{name}(): cannot take the {name} along dimension {axis} of size 0 "
                         f"(input shape {input.shape})")
    idx = np.expand_dims(argfn(input._array, axis=axis), axis)
    values = P.Getitem.apply(input, index=along_axis(idx, axis))
    if not keepdim:
        values, idx = values.squeeze(axis), np.squeeze(idx, axis)
    return MaxResult(values, Tensor(idx))


def argmax(input, dim=None, keepdim=False):
    """Index of the maximum (of the flattened tensor when ``dim`` is None)."""
    return _arg(input, np.argmax, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """Index of the minimum (of the flattened tensor when ``dim`` is None)."""
    return _arg(input, np.argmin, dim, keepdim)


def _arg(input, fn, dim, keepdim):
    dims = normalize_dims(dim, input.ndim, fn.__name__)
    if input._array.size == 0 and (dims is None or input.shape[dims[0]] == 0):
        raise IndexError(f"{fn.__name__}(): cannot take it over no elements (shape {input.shape}, "
                         f"dim {dim})")
    if dims is None or input.ndim == 0:
        return Tensor(np.array(fn(input._array), dtype=np.int64))
    (axis,) = dims
    return Tensor(fn(input._array, axis=axis, keepdims=keepdim).astype(np.int64))


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(x))) over ``dim``, shifted by the max so it never overflows."""
    axis = reduce_dims(dim, input.ndim, "logsumexp")
    input = to_float(input)
    m = np.max(input._array, axis=axis, keepdims=True)
    m = Tensor(np.where(np.isfinite(m), m, 0).astype(input.dtype))
    out = (input - m).exp().sum(axis, keepdim=True).log() + m
    return out if keepdim else out.squeeze(axis)
