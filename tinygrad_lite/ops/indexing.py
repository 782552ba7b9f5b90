"""Indexing: ``x[...]``, ``x[...] = v``, gather and where."""
import numbers

import numpy as np

from .. import grad_mode
from .. import primitives as P
from ..arguments import ShapeError, normalize_dims
from ..tensor import Tensor
from .operands import along_axis, as_tensor, binary_operands, numpy_index

__all__ = ["getitem", "setitem", "gather", "where"]


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


def setitem(input, index, value):
    """``input[index] = value``, in place (not recorded), with :func:`getitem`'s rules."""
    input._check_inplace("__setitem__")
    if isinstance(value, Tensor) and value.requires_grad and grad_mode.state.enabled:
        raise RuntimeError("__setitem__: assigning a tensor that requires grad is not recorded, so its "
                           "gradient would be lost; build the result with where() or cat() instead")
    index = numpy_index(index)
    split = split_index(index, input.ndim)
    try:
        target, index = (input._array, index) if split is None else (input._array[split[0]], split[1])
        target[index] = value._array if isinstance(value, Tensor) else value
    except (ValueError, IndexError) as e:
        raise ShapeError(f"__setitem__ on shape {input.shape}: {e}") from None
    input._vc[0] += 1


def gather(input, dim, index):
    """Pick values along ``dim`` at the positions in ``index`` (PyTorch's gather)."""
    (axis,) = normalize_dims(dim, input.ndim, "gather")
    index = index._array if isinstance(index, Tensor) else np.asarray(index)
    if (index.ndim != input.ndim or index.dtype.kind not in "iu"
            or any(i > s for d, (i, s) in enumerate(zip(index.shape, input.shape)) if d != axis)):
        raise ShapeError(f"gather: index must be an integer tensor of {input.ndim} dims no larger "
                         f"than input shape {input.shape} outside dim {axis}, got {index.dtype} "
                         f"of shape {index.shape}")
    return P.Getitem.apply(input, index=along_axis(index, axis))


def where(condition, input, other):
    """``input`` where ``condition`` is true, ``other`` elsewhere (both broadcast).

    >>> where(Tensor([True, False]), Tensor([1., 2.]), 0.0)
    tensor([1., 0.])
    """
    cond = condition._array if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got {cond.dtype}")
    a, b = binary_operands(input, other)
    a, b = as_tensor(a) if not isinstance(b, Tensor) else a, b
    return P.Where.apply(a, b, cond=cond)
