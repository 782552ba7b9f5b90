"""Gradient clipping: ``clip_grad_norm_`` scales all gradients together so that their joint norm
is at most ``max_norm``; ``clip_grad_value_`` clamps each element.

>>> p = nn.Parameter(tg.tensor([3.0, 4.0])); p.grad = tg.tensor([3.0, 4.0])
>>> clip_grad_norm_(p, max_norm=1.0), p.grad
(tensor(5.), tensor([0.6, 0.8]))
"""
import math

import numpy as np

from ...grad_mode import no_grad
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm"]


def _tensors(values):
    return [values] if isinstance(values, Tensor) else list(values)


def _grads(parameters):
    return [p.grad for p in _tensors(parameters) if p.grad is not None]


def _vector_norm(a, p):
    """The ``p``-norm of all elements of the array ``a``, in float64."""
    a = np.abs(a.astype(np.float64, copy=False)).ravel()
    if abs(p) == math.inf:
        if not a.size:
            raise RuntimeError("cannot compute the infinity norm on an empty tensor because the "
                               "operation does not have an identity")
        return a.max() if p > 0 else a.min()
    if p == 0:
        return float(np.count_nonzero(a))
    return float(np.sum(a ** p) ** (1.0 / p))


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type``-norm of the norms of ``tensors`` (as if they were one vector), a 0-d
    Tensor of their dtype; 0 for no tensors. ``error_if_nonfinite`` raises for a NaN or
    infinite result.

    >>> get_total_norm([tg.tensor([3.0]), tg.tensor([4.0])]), get_total_norm([tg.tensor([-3.0, 2.0])], "inf")
    (tensor(5.), tensor(3.))
    """
    tensors = _tensors(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return Tensor(0.0)
    norms = [_vector_norm(t.numpy(), norm_type) for t in tensors]
    dtype = np.result_type(*(t.dtype for t in tensors))
    total = np.asarray(_vector_norm(np.asarray(norms), norm_type), dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is "
                           f"non-finite, so it cannot be clipped. To disable this error and scale the "
                           f"gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return Tensor._wrap(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients of ``parameters`` by ``min(1, max_norm / (total_norm + 1e-6))``."""
    grads = _grads(parameters)
    if not grads:
        return
    total = float(total_norm.item() if isinstance(total_norm, Tensor) else total_norm)
    with np.errstate(invalid="ignore", divide="ignore"):
        coef = min(float(max_norm) / (total + 1e-6), 1.0) if not math.isnan(total) else math.nan
    with no_grad():
        for g in grads:
            g.mul_(np.asarray(coef, dtype=g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Clip the gradients of ``parameters`` (a Tensor or an iterable) in place so that their
    total ``norm_type``-norm (``inf`` for the largest magnitude) is at most ``max_norm``; returns
    the total norm before clipping, a 0-d Tensor."""
    parameters = _tensors(parameters)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element of ``parameters`` to ``[-clip_value, clip_value]`` in place.

    >>> p = nn.Parameter(tg.zeros(3)); p.grad = tg.tensor([-5.0, 0.5, 5.0])
    >>> clip_grad_value_(p, 1.0); p.grad
    tensor([-1. ,  0.5,  1. ])
    """
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)
