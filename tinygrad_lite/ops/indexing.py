"""Indexing: ``x[...]``, ``x[...] = v`` (recorded as index_put), masks, index_select and
index_add/copy/fill along a dim, scatter and gather, take, nonzero and where. Everything is
composed from Getitem, IndexAdd (scatter-add), Where, Cat and the reductions; the ``_`` variants
update in place through ``Tensor._update`` (recorded in the graph as PyTorch does)."""
import numbers

import numpy as np

from .. import primitives as P
from ..arguments import DTypeError, ShapeError, UnsupportedDTypeError, normalize_dims
from ..tensor import Tensor
from .operands import along_axis, as_tensor, binary_operands, numpy_index

__all__ = ["getitem", "setitem", "gather", "where", "index_put", "index_put_", "masked_fill",
           "masked_fill_", "masked_select", "masked_scatter", "masked_scatter_", "index_select",
           "index_add", "index_add_", "index_copy", "index_copy_", "index_fill", "index_fill_",
           "scatter", "scatter_", "scatter_add", "scatter_add_", "scatter_reduce", "scatter_reduce_",
           "take", "take_along_dim", "nonzero", "argwhere"]


def _is_int(item):
    return isinstance(item, numbers.Integral) and not isinstance(item, (bool, np.bool_))


def split_index(index, ndim):
    """PyTorch's order for an index that mixes ints with index arrays: the ints select first,
    as basic indexing, then the arrays index what is left. (NumPy instead counts the ints as
    index arrays, which moves the result's dimensions when a slice separates them.) Returns
    ``(ints first, the rest)``, or None when NumPy's rule gives PyTorch's answer anyway.

    >>> split_index((0, slice(None), np.array([1, 2])), 3)
    ((0, slice(None, None, None), slice(None, None, None)), (slice(None, None, None), array([1, 2])))
    """
    items = index if isinstance(index, tuple) else (index,)
    if not (any(map(_is_int, items)) and any(isinstance(i, np.ndarray) and i.ndim for i in items)):
        return None
    used = sum(i.ndim if isinstance(i, np.ndarray) and i.dtype == np.bool_ else 0 if i is None else 1
               for i in items if i is not Ellipsis)
    first, rest = [], []
    for item in items:
        if item is Ellipsis:
            first += [slice(None)] * (ndim - used)
            rest.append(Ellipsis)
        elif _is_int(item):
            first.append(item)
        elif item is None:
            rest.append(None)
        else:
            first += [slice(None)] * (item.ndim if isinstance(item, np.ndarray) and item.dtype == np.bool_ else 1)
            rest.append(item)
    return tuple(first), tuple(rest)


def getitem(input, index):
    """``input[index]``: ints, slices, None, ..., bool masks and integer index tensors, with
    PyTorch's rule for where the dimensions of index tensors go (see :func:`split_index`).

    >>> tg.arange(24).reshape(2, 3, 4)[0, :, Tensor([1, 2])]
    tensor([[ 1,  2],
            [ 5,  6],
            [ 9, 10]])
    """
    index = numpy_index(index)
    split = split_index(index, input.ndim)
    if split is None:
        return P.Getitem.apply(input, index=index)
    return P.Getitem.apply(P.Getitem.apply(input, index=split[0]), index=split[1])


def _scalar(value, dtype, op):
    """A Python number as a 0-d array of ``dtype``, converted as PyTorch does: floats truncate
    toward zero, negative ints wrap into unsigned types, and a value out of the type's range is a
    RuntimeError.

    >>> _scalar(-2, np.dtype(np.uint8), "fill"), _scalar(-2.7, np.dtype(np.int8), "fill")
    (array(254, dtype=uint8), array(-2, dtype=int8))
    """
    if dtype.kind in "iu" and isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        info = np.iinfo(dtype)
        low = -2 ** 63 if dtype.kind == "u" and _is_int(value) else info.min
        if not low - 1 < value < info.max + 1:  # also refuses nan
            raise RuntimeError(f"{op}: value {value} cannot be converted to type {dtype} without overflow")
        value = int(value) % 2 ** info.bits if dtype.kind == "u" else int(value)
    with np.errstate(over="ignore"):
        return np.asarray(value, dtype=dtype)


def _value(value, dtype, op):
    """A fill value (a number or a 0-d tensor) as a 0-d Tensor of ``dtype``."""
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"{op} only supports a 0-dimensional value tensor, but got tensor "
                               f"with {value.ndim} dimension(s)")
        return value.to(dtype)
    return Tensor._wrap(_scalar(value, dtype, op))


def _pick(array, index, op):
    """``array[index]`` on a NumPy array with PyTorch's rules (see :func:`split_index`)."""
    index = numpy_index(index)
    split = split_index(index, array.ndim)
    try:
        return array[index] if split is None else array[split[0]][split[1]]
    except IndexError as e:
        raise IndexError(f"{op} on shape {array.shape}: {e}") from None


def _positions(input, index, op):
    """The flat positions in ``input`` that ``input[index]`` picks, shaped as that result."""
    return _pick(np.arange(input._array.size).reshape(input.shape), index, op)


def _put(input, positions, values, accumulate=False, op="index_put"):
    """``input`` with ``values`` (a Tensor, broadcast to the shape of ``positions``) written at the
    flat ``positions``, or added there with ``accumulate`` (repeated positions add up; without
    it, the last write wins). Differentiable for both."""
    try:
        fits = np.broadcast_shapes(values.shape, positions.shape) == positions.shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: shape mismatch: value tensor of shape {values.shape} cannot be "
                         f"broadcast to indexing result of shape {positions.shape}")
    values = values.to(input.dtype)
    if values.shape != positions.shape:
        values = values.expand(*positions.shape)
    values, pos, flat = values.reshape(-1), positions.reshape(-1), input.reshape(-1)
    if accumulate:
        return (flat + P.IndexAdd.apply(values, shape=flat.shape, index=pos)).reshape(input.shape)
    last = len(pos) - 1 - np.unique(pos[::-1], return_index=True)[1]
    if len(last) < len(pos):  # repeated positions: the last value wins, as in NumPy
        values, pos = P.Getitem.apply(values, index=last), pos[last]
    cover = np.zeros(flat.shape, bool)
    cover[pos] = True
    return P.Where.apply(P.IndexAdd.apply(values, shape=flat.shape, index=pos), flat,
                         cond=cover).reshape(input.shape)


def setitem(input, index, value):
    """``input[index] = value`` in place, with :func:`getitem`'s rules. While recording, on a
    tensor that requires grad or with a ``value`` that does, it is recorded (PyTorch's index_put):
    the gradient reaches ``value`` and, except at the overwritten positions, ``input``.

    >>> x = tg.zeros(2, 3); x[0, 1:] = 5; x
    tensor([[0., 5., 5.],
            [0., 0., 0.]])
    """
    if input._records(value):
        positions = _positions(input, index, "__setitem__")
        value = value if isinstance(value, Tensor) else _value(value, input.dtype, "__setitem__")
        input._rebase("__setitem__", lambda old: _put(old, positions, value, op="__setitem__"))
        return
    value = value._array if isinstance(value, Tensor) else _scalar(value, input.dtype, "__setitem__")
    index = numpy_index(index)
    split = split_index(index, input.ndim)
    try:
        target, index = (input._array, index) if split is None else (input._array[split[0]], split[1])
        target[index] = value
    except IndexError as e:
        raise IndexError(f"__setitem__ on shape {input.shape}: {e}") from None
    except ValueError as e:
        raise ShapeError(f"__setitem__ on shape {input.shape}: {e}") from None
    input._vc[0] += 1


def index_put(input, indices, values, accumulate=False):
    """``input`` with ``values`` written at ``input[indices]`` (a tuple of index tensors), or added
    there with ``accumulate=True`` (repeated indices add up).

    >>> tg.index_put(tg.zeros(3), (Tensor([0, 0, 2]),), Tensor(1.0), accumulate=True)
    tensor([2., 0., 1.])
    """
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' must be Tensor, not {type(values).__name__}")
    if values.dtype != input.dtype:
        raise DTypeError(f"index_put requires the source and destination dtypes match, got "
                         f"{input.dtype} for the destination and {values.dtype} for the source")
    indices = tuple(indices)
    for i, index in enumerate(indices):
        if not isinstance(index, Tensor):
            raise TypeError(f"index_put(): expected Tensor as element {i} in argument 0 (indices), "
                            f"but got {type(index).__name__}")
    positions = _positions(input, indices, "index_put")
    return _put(input, positions, values, accumulate)


def index_put_(input, indices, values, accumulate=False):
    """In place :func:`index_put`."""
    return input._update("index_put_", index_put, indices, values, accumulate)


# ---------------------------------------------------------------------------------------------
# masks
# ---------------------------------------------------------------------------------------------

def _mask(mask, op):
    m = mask._array if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise DTypeError(f"{op}: expected a bool mask, got dtype {m.dtype}")
    return m


def _broadcast(input, shape, op):
    try:
        shape = np.broadcast_shapes(input.shape, shape)
    except ValueError:
        raise ShapeError(f"{op}: shapes {input.shape} and {shape} do not broadcast") from None
    return input if input.shape == shape else input.expand(*shape)


def masked_fill(input, mask, value):
    """``value`` (a number or a 0-d tensor) where the bool ``mask`` is True, ``input`` elsewhere.

    >>> Tensor([1., 2., 3.]).masked_fill(Tensor([True, False, True]), 0.0)
    tensor([0., 2., 0.])
    """
    m = _mask(mask, "masked_fill")
    value = _value(value, input.dtype, "masked_fill_")
    return P.Where.apply(value, _broadcast(input, m.shape, "masked_fill"), cond=m)


def masked_fill_(input, mask, value):
    """In place :func:`masked_fill`."""
    return input._update("masked_fill_", masked_fill, mask, value)


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` is True (both broadcast), as a 1-d tensor.

    >>> Tensor([[1., 2.], [3., 4.]]).masked_select(Tensor([True, False]))
    tensor([1., 3.])
    """
    m = _mask(mask, "masked_select")
    x = _broadcast(input, m.shape, "masked_select")
    return P.Getitem.apply(x.reshape(-1), index=np.broadcast_to(m, x.shape).reshape(-1))


def masked_scatter(input, mask, source):
    """``input`` with the positions where ``mask`` is True filled, in order, by the first elements
    of ``source``.

    >>> tg.zeros(4).masked_scatter(Tensor([True, False, False, True]), Tensor([7., 8., 9.]))
    tensor([7., 0., 0., 8.])
    """
    m = _mask(mask, "masked_scatter")
    if source.dtype != input.dtype:
        raise DTypeError(f"masked_scatter: expected self and source to have the same dtype, got "
                         f"{input.dtype} and {source.dtype}")
    x = _broadcast(input, m.shape, "masked_scatter")
    where = np.flatnonzero(np.broadcast_to(m, x.shape))
    if len(where) > source.numel():
        raise RuntimeError(f"masked_scatter: source has {source.numel()} elements, fewer than the "
                           f"{len(where)} True values of the mask")
    values = P.Getitem.apply(source.reshape(-1), index=slice(0, len(where)))
    return _put(x, where, values)


def masked_scatter_(input, mask, source):
    """In place :func:`masked_scatter`."""
    return input._update("masked_scatter_", masked_scatter, mask, source)


# ---------------------------------------------------------------------------------------------
# along a dimension: index_select, index_add, index_copy, index_fill
# ---------------------------------------------------------------------------------------------

class IndexRangeError(IndexError, RuntimeError):
    """An index out of range, or of the wrong rank. PyTorch raises IndexError or RuntimeError
    for these, by op and even by dim; this is both."""


def _indices(index, op, size, dtypes=(np.int64, np.int32), dtype_error=DTypeError,
             negative=False, bound_error=IndexRangeError, dim=0):
    """An index tensor as an int array, checked: its dtype, and each value in [0, size) (or in
    [-size, size) with ``negative``). PyTorch's exception types differ by op, hence the options."""
    idx = index._array if isinstance(index, Tensor) else np.asarray(index)
    if idx.dtype not in dtypes:
        raise dtype_error(f"{op}: expected an index tensor of dtype "
                          f"{' or '.join(str(np.dtype(d)) for d in dtypes)}, got {idx.dtype}")
    if idx.size:
        bad = idx[(idx < (-size if negative else 0)) | (idx >= size)]
        if bad.size:
            raise bound_error(f"{op}: index {bad[0]} is out of bounds for dimension {dim} with size {size}")
    return idx


def _along(input, dim, op):
    """(axis, input as at least 1-d): the dim-wise ops treat a 0-d tensor as one element."""
    (axis,) = normalize_dims(dim, input.ndim, op)
    return axis, input.reshape(1) if input.ndim == 0 else input


def _vector(idx, op):
    if idx.ndim > 1:
        raise IndexRangeError(f"{op}: the index must be a vector (0-d or 1-d), got shape {idx.shape}")
    return idx.reshape(-1)


def index_select(input, dim, index):
    """The slices of ``input`` along ``dim`` at the positions in the 1-d ``index``.

    >>> Tensor([[1, 2, 3], [4, 5, 6]]).index_select(1, Tensor([2, 0]))
    tensor([[3, 1],
            [6, 4]])
    """
    axis, x = _along(input, dim, "index_select")
    idx = _vector(_indices(index, "index_select", x.shape[axis], dim=axis), "index_select")
    out = P.Getitem.apply(x, index=(slice(None),) * axis + (idx,))
    return out.reshape(()) if input.ndim == 0 else out


def _source_fits(x, source, axis, count, op, error=RuntimeError):
    s = source.reshape(1) if source.ndim == 0 else source
    want = x.shape[:axis] + (count,) + x.shape[axis + 1:]
    if s.shape != want:
        raise error(f"{op}: source of shape {source.shape} does not fit: expected {want} (the "
                    f"input's shape with {count} indices along dim {axis})")
    return s


def index_add(input, dim, index, source, *, alpha=1):
    """``input`` plus ``alpha * source`` added along ``dim`` at the positions in ``index``
    (repeated positions add up).

    >>> tg.zeros(3).index_add(0, Tensor([0, 2, 0]), Tensor([1., 2., 3.]))
    tensor([4., 0., 2.])
    """
    if source.dtype != input.dtype:
        raise DTypeError(f"index_add_(): self ({input.dtype}) and source ({source.dtype}) must "
                         f"have the same dtype")
    axis, x = _along(input, dim, "index_add")
    idx = _vector(_indices(index, "index_add", x.shape[axis], dim=axis), "index_add")
    s = _source_fits(x, source, axis, len(idx), "index_add_()")
    if alpha != 1:
        s = (s * alpha).to(input.dtype)
    out = x + P.IndexAdd.apply(s, shape=x.shape, index=(slice(None),) * axis + (idx,))
    return out.reshape(()) if input.ndim == 0 else out


def index_add_(input, dim, index, source, *, alpha=1):
    """In place :func:`index_add`."""
    return input._update("index_add_", index_add, dim, index, source, alpha=alpha)


def index_copy(input, dim, index, source):
    """``input`` with its slices along ``dim`` at the positions in ``index`` replaced by the
    slices of ``source``.

    >>> tg.zeros(2, 3).index_copy(1, Tensor([2]), Tensor([[1.], [2.]]))
    tensor([[0., 0., 1.],
            [0., 0., 2.]])
    """
    if source.dtype != input.dtype:
        raise DTypeError(f"index_copy_(): self and source expected to have the same dtype, got "
                         f"{input.dtype} and {source.dtype}")
    axis, x = _along(input, dim, "index_copy")
    idx = _vector(_indices(index, "index_copy_()", x.shape[axis], (np.int64,), dim=axis), "index_copy")
    s = _source_fits(x, source, axis, len(idx), "index_copy_()", IndexError)
    out = _put(x, _positions(x, (slice(None),) * axis + (idx,), "index_copy"), s, op="index_copy")
    return out.reshape(()) if input.ndim == 0 else out


def index_copy_(input, dim, index, source):
    """In place :func:`index_copy`."""
    return input._update("index_copy_", index_copy, dim, index, source)


def index_fill(input, dim, index, value):
    """``input`` with its slices along ``dim`` at the positions in ``index`` set to ``value``
    (a number or a 0-d tensor).

    >>> tg.zeros(2, 3).index_fill(1, Tensor([0, 2]), -1)
    tensor([[-1.,  0., -1.],
            [-1.,  0., -1.]])
    """
    axis, x = _along(input, dim, "index_fill")
    idx = _indices(index, "index_fill_()", x.shape[axis], (np.int64,), IndexError, negative=True,
                   dim=axis)
    mask = np.zeros(x.shape[axis], bool)
    mask[_vector(idx, "index_fill")] = True
    value = _value(value, input.dtype, "index_fill_")
    out = P.Where.apply(value, x, cond=mask.reshape((-1,) + (1,) * (x.ndim - axis - 1)))
    return out.reshape(()) if input.ndim == 0 else out


def index_fill_(input, dim, index, value):
    """In place :func:`index_fill`."""
    return input._update("index_fill_", index_fill, dim, index, value)


# ---------------------------------------------------------------------------------------------
# scatter and gather: index tensors of the input's rank
# ---------------------------------------------------------------------------------------------

def _scatter_positions(input, dim, index, src, op):
    """The checked flat positions ``scatter`` writes to, and the part of ``src`` it reads
    (None when ``src`` is not a Tensor)."""
    axis, x = _along(input, dim, op)
    idx = index._array if isinstance(index, Tensor) else np.asarray(index)
    if idx.ndim != input.ndim and idx.size:
        raise RuntimeError(f"{op}: index tensor must have the same number of dimensions as self, "
                           f"got {idx.ndim} and {input.ndim}")
    idx = _indices(idx.reshape(-1) if input.ndim == 0 else idx, op, x.shape[axis], dim=axis)
    s = None
    if isinstance(src, Tensor):
        if src.dtype != input.dtype:
            raise DTypeError(f"{op}: expected self.dtype to be equal to src.dtype, got {input.dtype} "
                             f"and {src.dtype}")
        s = src.reshape(1) if src.ndim == 0 else src
    outside = [i > n for d, (i, n) in enumerate(zip(idx.shape, x.shape)) if d != axis]
    if idx.size and (any(outside) or s is not None and any(i > n for i, n in zip(idx.shape, s.shape))):
        raise RuntimeError(f"{op}: expected index {idx.shape} to be no larger than self {input.shape} "
                           f"apart from dimension {axis}, and no larger than src")
    if not idx.size:
        return x, np.zeros(0, np.int64), None if s is None else s.reshape(-1)[:0]
    positions = np.arange(x.numel()).reshape(x.shape)[along_axis(idx, axis)]
    if s is not None:
        s = P.Getitem.apply(s, index=tuple(slice(0, n) for n in idx.shape))
    return x, positions, s


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """``input`` with ``src[i][j]`` (or ``value``) written at ``[index[i][j]][j]`` (for dim 0; in
    general along ``dim``). ``reduce='add'`` or ``'multiply'`` combines instead of replacing.

    >>> tg.zeros(2, 3).scatter(0, Tensor([[1, 0, 1]]), Tensor([[1., 2., 3.]]))
    tensor([[0., 2., 0.],
            [1., 0., 3.]])
    """
    if src is None and value is None or src is not None and value is not None:
        raise TypeError("scatter(): give exactly one of src (a tensor) and value (a number)")
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    if reduce not in (None, "add", "multiply"):
        raise RuntimeError(f"scatter(): reduce argument must be either add or multiply, got {reduce!r}")
    x, positions, s = _scatter_positions(input, dim, index, src, "scatter")
    if s is None:
        s = _value(value, input.dtype, "scatter")
    if reduce == "multiply":
        out = _reduce_at(x, positions, s.expand(*positions.shape), "prod", True)
    else:
        out = _put(x, positions, s, accumulate=reduce == "add", op="scatter")
    return out.reshape(input.shape)


def scatter_(input, dim, index, src=None, *, value=None, reduce=None):
    """In place :func:`scatter`."""
    return input._update("scatter_", scatter, dim, index, src, value=value, reduce=reduce)


def scatter_add(input, dim, index, src):
    """``input`` with ``src`` added along ``dim`` at the positions in ``index`` (repeated
    positions add up): ``scatter(..., reduce='add')``.

    >>> tg.zeros(3).scatter_add(0, Tensor([0, 0, 2]), Tensor([1., 2., 3.]))
    tensor([3., 0., 3.])
    """
    x, positions, s = _scatter_positions(input, dim, index, src, "scatter_add")
    return _put(x, positions, s, accumulate=True, op="scatter_add").reshape(input.shape)


def scatter_add_(input, dim, index, src):
    """In place :func:`scatter_add`."""
    return input._update("scatter_add_", scatter_add, dim, index, src)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """``input`` with the values of ``src`` reduced into the positions ``index`` gives along
    ``dim``: ``reduce`` is "sum", "prod", "mean", "amax" or "amin"; with ``include_self`` the
    value already there takes part. Gradients as PyTorch (amax/amin: split between ties).

    >>> tg.zeros(3).scatter_reduce(0, Tensor([0, 0, 2]), Tensor([1., 5., 3.]), "amax", include_self=False)
    tensor([5., 0., 3.])
    """
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"scatter_reduce(): reduce must be one of {', '.join(_REDUCTIONS)}, got {reduce!r}")
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce(): argument 'src' must be Tensor, not {type(src).__name__}")
    if reduce == "mean" and input.dtype == np.bool_:
        raise UnsupportedDTypeError("scatter_reduce: reduce='mean' is not implemented for bool")
    x, positions, s = _scatter_positions(input, dim, index, src, "scatter_reduce")
    return _reduce_at(x, positions, s, reduce, include_self).reshape(input.shape)


def scatter_reduce_(input, dim, index, src, reduce, *, include_self=True):
    """In place :func:`scatter_reduce`."""
    return input._update("scatter_reduce_", scatter_reduce, dim, index, src, reduce,
                         include_self=include_self)


def _identity(reduce, dtype):
    """The value that leaves a reduction unchanged (pads the rows of :func:`_reduce_at`)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dtype.kind == "f" else True if dtype.kind == "b" else np.iinfo(dtype).max
    low = -np.inf if dtype.kind == "f" else False if dtype.kind == "b" else np.iinfo(dtype).min
    return low if reduce == "amax" else big


def _reduce_at(x, positions, values, reduce, include_self):
    """``x`` with ``values`` reduced into the flat ``positions``: the values of each position
    (and its own, with ``include_self``) form one row of a table, padded with the reduction's
    identity, and the row is reduced by differentiable primitives."""
    flat, pos = x.reshape(-1), positions.reshape(-1)
    if not len(pos):
        return x.clone()
    targets, group, counts = np.unique(pos, return_inverse=True, return_counts=True)
    group = group.reshape(-1)
    order = np.argsort(group, kind="stable")
    slot = np.empty(len(pos), np.int64)
    slot[order] = np.arange(len(pos)) - (np.cumsum(counts) - counts)[group[order]]
    n, t = len(pos), len(targets)
    rows = np.full((t, counts.max() + include_self), n + t)  # the padding element by default
    rows[group, slot] = np.arange(n)
    if include_self:
        rows[:, -1] = n + np.arange(t)
    pad = Tensor._wrap(np.array([_identity(reduce, x.dtype)], dtype=x.dtype))
    table = P.Getitem.apply(P.Cat.apply(values.reshape(-1), P.Getitem.apply(flat, index=targets), pad,
                                        axis=0), index=rows)
    if reduce in ("sum", "mean"):
        out = P.Sum.apply(table, axis=(1,), keepdims=False)
        if reduce == "mean":
            count = counts + include_self
            out = (out / Tensor._wrap(count.astype(x.dtype)) if x.dtype.kind == "f"
                   else Tensor._wrap(np.floor_divide(out._array.astype(x.dtype), count)))  # sums wrap
    elif reduce == "prod":
        out = P.Getitem.apply(table, index=(slice(None), 0))
        for j in range(1, table.shape[1]):
            out = out * P.Getitem.apply(table, index=(slice(None), j))
    else:
        out = (P.Max if reduce == "amax" else P.Min).apply(table, axis=(1,), keepdims=False)
    cover = np.zeros(flat.shape, bool)
    cover[targets] = True
    out = P.IndexAdd.apply(out.to(x.dtype), shape=flat.shape, index=targets)
    return P.Where.apply(out, flat, cond=cover).reshape(x.shape)


def gather(input, dim, index):
    """Pick values along ``dim`` at the positions in ``index`` (PyTorch's gather).

    >>> Tensor([[1, 2], [3, 4]]).gather(1, Tensor([[1], [0]]))
    tensor([[2],
            [3]])
    """
    axis, x = _along(input, dim, "gather")
    index = index._array if isinstance(index, Tensor) else np.asarray(index)
    if (index.ndim != input.ndim or index.dtype.kind not in "iu"
            or any(i > s for d, (i, s) in enumerate(zip(index.shape, input.shape)) if d != axis)):
        raise ShapeError(f"gather: index must be an integer tensor of {input.ndim} dims no larger "
                         f"than input shape {input.shape} outside dim {axis}, got {index.dtype} "
                         f"of shape {index.shape}")
    idx = _indices(index.reshape(-1) if input.ndim == 0 else index, "gather", x.shape[axis],
                   (index.dtype,), dim=axis)
    out = P.Getitem.apply(x, index=along_axis(idx, axis))
    return out.reshape(index.shape) if input.ndim == 0 else out


def take(input, index):
    """The elements of ``input``, read as 1-d, at the positions in ``index`` (any shape;
    negative positions count from the end).

    >>> Tensor([[1, 2], [3, 4]]).take(Tensor([[3, 0]]))
    tensor([[4, 1]])
    """
    idx = _indices(index, "take", input.numel(), (np.int64,), negative=True)
    return P.Getitem.apply(input.reshape(-1), index=idx)


def take_along_dim(input, indices, dim=None):
    """:func:`gather` with ``input`` and ``indices`` broadcast against each other outside ``dim``;
    without ``dim``, on both read as 1-d.

    >>> tg.take_along_dim(Tensor([[10, 30, 20]]), Tensor([[1, 2]]), 1)
    tensor([[30, 20]])
    """
    idx = _indices(indices, "take_along_dim", max(input.numel(), 1), (np.int64,), negative=True)
    if dim is None:
        return take(input, Tensor._wrap(idx.reshape(-1)))
    axis, x = _along(input, dim, "take_along_dim")
    if idx.ndim != input.ndim:
        raise RuntimeError(f"take_along_dim(): input and indices should have the same number of "
                           f"dimensions, got {input.ndim} and {idx.ndim}")
    idx = idx.reshape(-1) if input.ndim == 0 else idx
    try:
        outer = np.broadcast_shapes(_at(x.shape, axis, 1), _at(idx.shape, axis, 1))
    except ValueError:
        raise ShapeError(f"take_along_dim: shapes {input.shape} and {idx.shape} do not broadcast "
                         f"outside dim {axis}") from None
    x = _broadcast(x, _at(outer, axis, x.shape[axis]), "take_along_dim")
    idx = np.broadcast_to(idx, _at(outer, axis, idx.shape[axis]))
    out = gather(x, axis, Tensor._wrap(np.where(idx < 0, idx + x.shape[axis], idx)))
    return out.reshape(()) if input.ndim == 0 else out


def _at(shape, axis, n):
    """``shape`` with ``n`` at ``axis``."""
    return shape[:axis] + (n,) + shape[axis + 1:]


# ---------------------------------------------------------------------------------------------
# positions of the nonzero elements
# ---------------------------------------------------------------------------------------------

def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: an int64 tensor (count, ndim), or with
    ``as_tuple=True`` one 1-d tensor per dimension.

    >>> Tensor([[0, 1], [2, 0]]).nonzero()
    tensor([[0, 1],
            [1, 0]])
    """
    x = input._array if isinstance(input, Tensor) else np.asarray(input)
    if not as_tuple:
        return Tensor._wrap(np.argwhere(x).astype(np.int64))
    if x.ndim == 0:
        return (Tensor._wrap(np.zeros(int(x != 0), np.int64)),)
    return tuple(Tensor._wrap(i.astype(np.int64)) for i in np.nonzero(x))


def argwhere(input):
    """The indices of the nonzero elements as an int64 tensor (count, ndim): ``nonzero()``."""
    return nonzero(input)


def where(condition, input=None, other=None):
    """``input`` where ``condition`` is true, ``other`` elsewhere (both broadcast). With only
    ``condition``: ``nonzero(condition, as_tuple=True)``.

    >>> where(Tensor([True, False]), Tensor([1., 2.]), 0.0)
    tensor([1., 0.])
    """
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() takes a condition alone, or a condition, input and other")
    cond = condition._array if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got {cond.dtype}")
    a, b = binary_operands(input, other)
    a, b = as_tensor(a) if not isinstance(b, Tensor) else a, b
    return P.Where.apply(a, b, cond=cond)
