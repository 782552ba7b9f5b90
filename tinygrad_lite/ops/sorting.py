"""Sorting and selection: ``sort``, ``argsort``, ``topk``, ``kthvalue``, ``msort``, ``unique``,
``unique_consecutive``, ``searchsorted``, ``bucketize``, ``histc``.

The order is computed in NumPy (a stable sort: equal values keep their index order, NaN counts
as the largest value, as in PyTorch); the values are then picked from the input with a
differentiable gather, so their gradient goes back to the indices they came from. Among equal
values, ``topk`` and ``kthvalue`` return the first indices in that order (PyTorch's choice
depends on its selection algorithm).
"""
from collections import namedtuple

import numpy as np

from ..arguments import UnsupportedDTypeError, normalize_dims
from ..tensor import Tensor
from .operands import is_float
from .reduction import no_bools, take_along, write_out

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive",
           "searchsorted", "bucketize", "histc"]

SortResult, TopkResult, KthvalueResult = (namedtuple(name, ["values", "indices"])
                                          for name in ("SortResult", "TopkResult", "KthvalueResult"))


def _order(a, axis, descending):
    """Stable argsort of ``a`` along ``axis``; descending keeps equal values in index order (a
    stable sort of the reversed values, reversed)."""
    keys = np.flip(a, axis) if descending else a
    order = _stable_argsort(keys, axis)
    return np.flip(a.shape[axis] - 1 - order, axis) if descending else order


def _stable_argsort(a, axis):
    """NumPy's stable sort is several times slower than its default one on floats, which gives
    the same order where no two values are equal (NaNs count as equal): the default sort, then
    the stable one for the slices that have ties."""
    if a.dtype.kind != "f":
        return np.argsort(a, axis=axis, kind="stable")
    rows = np.moveaxis(a, axis, -1)
    order = np.argsort(rows, axis=-1)
    s = np.take_along_axis(rows, order, -1)
    later, earlier = s[..., 1:], s[..., :-1]
    tied = ((later == earlier) | np.isnan(later) & np.isnan(earlier)).any(-1)
    if tied.any():
        order[tied] = np.argsort(rows[tied], axis=-1, kind="stable")
    return np.moveaxis(order, -1, axis)


def _axis(input, dim, name):
    (axis,) = normalize_dims(dim, input.ndim, name)
    return axis


def _size(input, axis, name):
    """The size of ``axis`` (1 for a 0-d tensor); IndexError if it is 0, as PyTorch."""
    n = input.shape[axis] if input.ndim else 1
    if n == 0:
        raise IndexError(f"{name}(): expected reduction dim {axis} to have non-zero size "
                         f"(input shape {input.shape})")
    return n


def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """``(values, indices)`` sorted along ``dim``; always stable. The gradient of the values goes
    to the elements they came from.

    >>> Tensor([3., 1., 2.]).sort(descending=True)
    SortResult(values=tensor([3., 2., 1.]), indices=tensor([0, 2, 1]))
    """
    axis = _axis(input, dim, "sort")
    idx = None if input.ndim == 0 else _order(input._array, axis, descending)
    return write_out(take_along(SortResult, input, idx, axis), out, "sort")


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort ``input`` along ``dim`` (stable).

    >>> Tensor([3, 1, 2]).argsort(descending=True)
    tensor([0, 2, 1])
    """
    axis = _axis(input, dim, "argsort")
    if input.ndim == 0:
        return Tensor(np.zeros((), np.int64))
    return Tensor(_order(input._array, axis, descending).astype(np.int64))


def msort(input, *, out=None):
    """``input`` sorted along its first dimension (the values of ``sort(input, 0)``).

    >>> tg.msort(Tensor([[3, 1], [2, 4]]))
    tensor([[2, 1],
            [3, 4]])
    """
    return write_out(sort(input, 0).values, out, "msort")


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002 (PyTorch's name)
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices, largest first
    (smallest first when ``largest=False``).

    >>> Tensor([1., 5., 3., 4.]).topk(2)
    TopkResult(values=tensor([5., 4.]), indices=tensor([1, 3]))
    """
    axis = _axis(input, dim, "topk")
    no_bools(input, "topk")
    n = input.shape[axis] if input.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk(): k = {k} out of range for dimension {axis} of size {n}")
    if input.ndim == 0:
        return write_out(take_along(TopkResult, input, None, 0), out, "topk")
    idx = np.take(_order(input._array, axis, largest), np.arange(k), axis=axis)
    return write_out(take_along(TopkResult, input, idx, axis), out, "topk")


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The ``k``-th smallest element along ``dim`` (k counts from 1) and its index.

    >>> Tensor([3., 1., 2.]).kthvalue(2)
    KthvalueResult(values=tensor(2.), indices=tensor(2))
    """
    axis = _axis(input, dim, "kthvalue")
    n = _size(input, axis, "kthvalue")
    no_bools(input, "kthvalue")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k = {k} out of range for dimension {axis} "
                           f"of size {n}")
    if input.ndim == 0:
        return write_out(take_along(KthvalueResult, input, None, 0), out, "kthvalue")
    idx = np.take(_order(input._array, axis, False), [k - 1], axis=axis)
    return write_out(take_along(KthvalueResult, input, idx, axis, keepdim), out, "kthvalue")


# ---------------------------------------------------------------------------------------------
# distinct values (not differentiable)
# ---------------------------------------------------------------------------------------------

def _with_extras(values, inverse, counts, return_inverse, return_counts):
    extras = [Tensor(inverse.astype(np.int64))] * return_inverse
    extras += [Tensor(counts.astype(np.int64))] * return_counts
    return tuple([Tensor(values)] + extras) if extras else Tensor(values)


def _slices_axis(input, dim, name):
    axis = _axis(input, dim, name)
    if input.ndim == 0:
        raise IndexError(f"{name}(): dim given for a 0-d tensor")
    if any(n == 0 for a, n in enumerate(input.shape) if a != axis):
        raise RuntimeError(f"{name}(): there are 0 sized dimensions other than dim {axis} "
                           f"(shape {input.shape}), so it cannot be applied")
    return axis


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements (or slices along ``dim``), sorted; optionally also where each
    element of ``input`` went (``return_inverse``) and how often each occurs (``return_counts``).

    >>> tg.unique(Tensor([3, 1, 3]), return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    """
    a = input._array
    if dim is None:
        values, inverse, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True,
                                            equal_nan=False)
        inverse = inverse.reshape(a.shape)
    else:
        axis = _slices_axis(input, dim, "unique")
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=axis)
        inverse = inverse.reshape(-1)
    return _with_extras(values, inverse, counts, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive elements (or slices along ``dim``) to one.

    >>> tg.unique_consecutive(Tensor([1, 1, 2, 2, 1]))
    tensor([1, 2, 1])
    """
    a = input._array
    if dim is None:
        rows, shape = a.reshape(-1, 1), a.shape
    else:
        axis = _slices_axis(input, dim, "unique_consecutive")
        moved = np.moveaxis(a, axis, 0)
        rows, shape = moved.reshape(moved.shape[0], int(np.prod(moved.shape[1:]))), moved.shape[:1]
    starts = np.concatenate([[True], (rows[1:] != rows[:-1]).any(axis=1)]) if len(rows) else \
        np.zeros(0, bool)
    first = np.flatnonzero(starts)
    if dim is None:
        values = a.reshape(-1)[first]
    else:
        values = np.moveaxis(np.take(moved, first, axis=0), 0, axis)
    inverse = (np.cumsum(starts) - 1).reshape(shape)
    counts = np.diff(np.append(first, len(rows)))
    return _with_extras(values, inverse, counts, return_inverse, return_counts)


# ---------------------------------------------------------------------------------------------
# searching sorted sequences, histograms
# ---------------------------------------------------------------------------------------------

def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None,
                 out=None):
    """Where each value of ``input`` would be inserted into ``sorted_sequence`` (sorted along its
    last dimension) to keep it sorted: the first such place, or the last with ``right=True``
    (``side="right"``). ``sorter`` holds indices that sort an unsorted sequence.

    >>> tg.searchsorted(Tensor([1, 3, 5]), Tensor([3, 6]))
    tensor([1, 3])
    """
    if side is not None:
        if side not in ("left", "right") or (right and side == "left"):
            raise RuntimeError(f"searchsorted(): side must be 'left' or 'right' and agree with "
                               f"right={right}, got side={side!r}")
        right = side == "right"
    seq = sorted_sequence._array
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._array
    if seq.dtype == values.dtype == np.bool_ and values.size:
        no_bools(sorted_sequence, "searchsorted")
    if seq.ndim == 0:
        raise RuntimeError("searchsorted(): sorted_sequence must have at least one dimension")
    if seq.ndim > 1 and (scalar or values.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(f"searchsorted(): the leading dimensions of sorted_sequence "
                           f"{seq.shape} and input {values.shape} must match")
    if sorter is not None:
        sorter = sorter._array if isinstance(sorter, Tensor) else np.asarray(sorter)
        if sorter.shape != seq.shape or sorter.dtype.kind not in "iu":
            raise RuntimeError(f"searchsorted(): sorter must be an integer tensor of the "
                               f"sequence's shape {seq.shape}")
        seq = np.take_along_axis(seq, sorter, axis=-1)
    out_dtype = np.int32 if out_int32 else np.int64
    side = "right" if right else "left"
    if seq.ndim == 1:
        found = np.searchsorted(seq, values, side=side)
    else:
        found = np.empty(values.shape, np.int64)
        for i in np.ndindex(seq.shape[:-1]):
            found[i] = np.searchsorted(seq[i], values[i], side=side)
    return write_out(Tensor(np.asarray(found, dtype=out_dtype)), out, "searchsorted")


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value of ``input`` among the sorted 1-d ``boundaries``: ``i`` with
    ``boundaries[i-1] < x <= boundaries[i]`` (``<= x <`` with ``right=True``).

    >>> tg.bucketize(Tensor([0.5, 1., 2.5]), Tensor([1., 2.]))
    tensor([0, 0, 2])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"bucketize(): boundaries must be 1-d, got shape {boundaries.shape}")
    return write_out(searchsorted(boundaries, input, out_int32=out_int32, right=right), out,
                     "bucketize")


def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002 (PyTorch's names)
    """Histogram of ``input`` in ``bins`` equal bins over ``[min, max]`` (the data's range when
    both are 0); elements outside are ignored. Floating point only, as PyTorch.

    >>> tg.histc(Tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    if not is_float(input.dtype):
        raise UnsupportedDTypeError(f"histc(): needs a floating point tensor, got {input.dtype}")
    if bins <= 0:
        raise RuntimeError(f"histc(): bins must be > 0, got {bins}")
    a = input._array.reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi:
        raise RuntimeError(f"histc(): range of [{lo}, {hi}] is not finite or not increasing")
    counts, _ = np.histogram(a[(a >= lo) & (a <= hi)], bins=bins, range=(lo, hi))
    return write_out(Tensor(counts.astype(input.dtype)), out, "histc")
