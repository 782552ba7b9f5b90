"""N-dimensional sliding windows behind ``nn.functional``'s convolutions, pooling, padding and
resampling, written as composites of existing ops (slices, index arrays, stack, matmul), so
every gradient follows from the primitives'. The 2-D defaults keep their fused primitives
(``primitives.Conv2d`` and ``MaxPool2d``); these helpers serve every other case.

>>> windows(tg.arange(5.0).reshape(1, 1, 5), (2,), (2,), (1,), (2,))
tensor([[[[0., 2.],
          [1., 3.]]]])
"""
import itertools
import numbers

import numpy as np

from ..arguments import ShapeError, UnsupportedDTypeError
from ..ops.shape import stack

__all__ = []


def ntuple(value, n, fname, name, minimum):
    """An int or a sequence of ``n`` ints, each >= ``minimum``, as an n-tuple.

    >>> ntuple(3, 2, "conv2d", "stride", 1), ntuple([1, 2, 1], 3, "conv3d", "stride", 1)
    ((3, 3), (1, 2, 1))
    """
    if type(value) is int and value >= minimum:  # the common cases, quickly
        return (value,) * n
    if type(value) is tuple and len(value) == n and all(type(v) is int and v >= minimum
                                                        for v in value):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        items = (int(value),) * n
    else:
        try:
            items = tuple(value)
        except TypeError:
            items = ()
    if len(items) != n or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                  and v >= minimum for v in items):
        what = "a pair of ints" if n == 2 else f"{n} ints"
        raise ValueError(f"{fname}: {name} must be an int or {what} >= {minimum}, got {value!r}")
    return tuple(int(v) for v in items)


def check_dtype(input, fname, kinds, empty_ok=False):
    """Refuse ``input`` unless its dtype kind is in ``kinds`` ('f' floats, 'i' signed ints, 'u'
    uint8, 'b' bool), as PyTorch refuses a dtype it has no kernel for (``empty_ok``: except an
    empty input, which some of its ops return before choosing a kernel)."""
    if input.dtype.kind not in kinds and not (empty_ok and not input.numel()):
        raise UnsupportedDTypeError(f"{fname}: not implemented for dtype {input.dtype}")


def batched(input, nd, fname):
    """``input`` with ``nd`` spatial dims as (N, C, *spatial), adding a batch of one to an
    unbatched (C, *spatial) input; returns it and a function that undoes that on a result."""
    if input.ndim == nd + 2:
        return input, lambda out: out
    if input.ndim == nd + 1:
        return input.unsqueeze(0), lambda out: out.squeeze(0)
    raise ShapeError(f"{fname}: expected a {nd + 1}-D (unbatched) or {nd + 2}-D (batched) input, "
                     f"got shape {input.shape}")


# ---------------------------------------------------------------------------------------------
# padding
# ---------------------------------------------------------------------------------------------

def _source(mode, n, lo, hi):
    """The input positions that padded positions -lo .. n+hi-1 of a length-n dim copy."""
    i = np.arange(-lo, n + hi)
    if mode == "reflect":
        return np.abs(n - 1 - np.abs(n - 1 - np.abs(i)))
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    return i % n  # circular


def pad(input, pad, mode="constant", value=None):
    """PyTorch's ``F.pad``: (left, right) pairs for the last dim first; negative sizes crop."""
    pad = tuple(int(p) for p in pad)
    pairs = len(pad) // 2
    if len(pad) % 2 or pairs > input.ndim:
        raise ShapeError(f"pad: needs (left, right) pairs for at most {input.ndim} dims, got {pad}")
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"pad: mode must be 'constant', 'reflect', 'replicate' or "
                                  f"'circular', got {mode!r}")
    if mode != "constant":
        if value:
            raise ValueError(f"pad: padding mode {mode!r} does not take a value, got {value!r}")
        if input.ndim not in (pairs + 1, pairs + 2):
            raise NotImplementedError(f"pad: mode {mode!r} pads {pairs} dims of a {pairs + 1}-D "
                                      f"or {pairs + 2}-D input, got shape {input.shape}")
        check_dtype(input, f"pad (mode {mode!r})", "fiu" if mode != "circular" else "fiub")
    dims = [(input.ndim - 1 - i, pad[2 * i], pad[2 * i + 1]) for i in range(pairs)]
    crop = [slice(None)] * input.ndim
    for dim, lo, hi in dims:
        n = input.shape[dim]
        start, stop = max(-lo, 0), n - max(-hi, 0)
        if stop < start or (mode == "constant" and n + lo + hi < 0):
            raise ShapeError(f"pad: padding ({lo}, {hi}) removes more than the {n} elements of "
                             f"dim {dim} of shape {input.shape}")
        crop[dim] = slice(start, stop)
    x = input[tuple(crop)] if any(p < 0 for p in pad) else input
    if mode == "constant":
        return x.pad(tuple(max(p, 0) for p in pad), 0 if value is None else value)
    for dim, lo, hi in dims:
        n, lo, hi = x.shape[dim], max(lo, 0), max(hi, 0)
        if (mode == "reflect" and max(lo, hi) >= n) or (mode == "circular" and max(lo, hi) > n):
            raise ShapeError(f"pad: {mode} padding ({lo}, {hi}) must be smaller than"
                             f"{' or equal to' if mode == 'circular' else ''} the size {n} of "
                             f"dim {dim} of shape {input.shape}")
        if n == 0 and lo + hi:
            raise ShapeError(f"pad: cannot {mode}-pad the empty dim {dim} of shape {input.shape}")
        if lo or hi:
            x = x[(slice(None),) * dim + (_source(mode, n, lo, hi),)]
    return x


# ---------------------------------------------------------------------------------------------
# windows
# ---------------------------------------------------------------------------------------------

def out_size(size, kernel, stride, padding, dilation, ceil_mode=False):
    """Output length of a window sliding over ``size`` elements padded by ``padding`` (left,
    right); with ``ceil_mode`` a last partial window counts if it starts inside the input or
    the left padding (PyTorch's rule)."""
    room = size + padding[0] + padding[1] - dilation * (kernel - 1) - 1
    if not ceil_mode:
        return room // stride + 1
    out = -(-room // stride) + 1
    return out - 1 if (out - 1) * stride >= size + padding[0] else out


def windows(x, kernel, stride, dilation, out_shape):
    """The windows of (N, C, *spatial) ``x`` as (N, C, K, *out_shape), K = prod(kernel) kernel
    offsets in row-major order: one strided view per offset, stacked."""
    views = [x[(Ellipsis,) + tuple(slice(o * d, o * d + s * (n - 1) + 1, s) for o, d, s, n
                                   in zip(offset, dilation, stride, out_shape))]
             for offset in itertools.product(*(range(k) for k in kernel))]
    return stack(views, 2)


def first_max(x, dim, key=None):
    """Maximum along ``dim`` and its (first) index; the gradient goes to that element only, as
    PyTorch's pooling does. NaN counts as the maximum. ``key`` (an array of x's shape) decides
    instead of x's values where they cannot (integer padding)."""
    index = np.expand_dims(np.argmax(x.numpy() if key is None else key, axis=dim), dim)
    return x.gather(dim, index).squeeze(dim), index.squeeze(dim)
