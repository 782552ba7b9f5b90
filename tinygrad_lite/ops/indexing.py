"""Indexing: ``x[...]``, ``x[...] = v``, gather and where."""
import numpy as np

from .. import grad_mode
from .. import primitives as P
from ..arguments import ShapeError, normalize_dims
from ..tensor import Tensor
from .operands import along_axis, as_tensor, binary_operands, numpy_index

__all__ = ["getitem", "setitem", "gather", "where"]


def getitem(input, index):
    """``input[index]``: ints, slices, None, ..., bool masks and integer arrays, as NumPy."""
    return P.Getitem.apply(input, index=numpy_index(index))


def setitem(input, index, value):
    """``input[index] = value``, in place (not recorded)."""
    input._check_inplace("__setitem__")
    if isinstance(value, Tensor) and value.requires_grad and grad_mode.state.enabled:
        raise RuntimeError("__setitem__: assigning a tensor that requires grad is not recorded, so its "
                           "gradient would be lost; build the result with where() or cat() instead")
    try:
        input.data[numpy_index(index)] = value.data if isinstance(value, Tensor) else value
    except (ValueError, IndexError) as e:
        raise ShapeError(f"__setitem__ on shape {input.shape}: {e}") from None
    input._vc[0] += 1


def gather(input, dim, index):
    """Pick values along ``dim`` at the positions in ``index`` (PyTorch's gather)."""
    (axis,) = normalize_dims(dim, input.ndim, "gather")
    index = index.data if isinstance(index, Tensor) else np.asarray(index)
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
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got {cond.dtype}")
    a, b = binary_operands(input, other)
    a, b = as_tensor(a) if not isinstance(b, Tensor) else a, b
    return P.Where.apply(a, b, cond=cond)
