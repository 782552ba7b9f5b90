"""Operand handling shared by the ops: PyTorch's type promotion for binary operands, float
results for integer inputs, index conversion."""
import numpy as np

from ..tensor import Tensor

__all__ = ["is_float", "to_float", "as_tensor", "binary_operands", "along_axis", "numpy_index"]


def is_float(dtype):
    return dtype.kind in "fc"


def to_float(x):
    """Integer and bool tensors become float32 for ops whose result is real (as PyTorch)."""
    if isinstance(x, Tensor) and x._array.dtype.kind not in "fc":
        return x.to(np.float32)
    return x


def as_tensor(x):
    """``x`` if it is a Tensor, else ``Tensor(x)``."""
    return x if isinstance(x, Tensor) else Tensor(x)


def binary_operands(a, b):
    """Make binary operands compatible: Python numbers stay Python numbers (so float32 stays
    float32), NumPy scalars become Python numbers, and integer tensors meeting floats are cast
    to the float dtype as PyTorch does."""
    ta, tb = type(a), type(b)  # fast path first: the common cases need no conversion
    if ta is Tensor and (tb is Tensor and a._array.dtype is b._array.dtype
                         or (tb is float or tb is int) and a._array.dtype.kind == "f"):
        return a, b
    if tb is Tensor and (ta is float or ta is int) and b._array.dtype.kind == "f":
        return a, b
    a, b = _operand(a), _operand(b)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        da, db = a._array.dtype, b._array.dtype
        if da is not db and da.kind != db.kind:
            if not is_float(da) and is_float(db):
                a = a.to(db)
            elif not is_float(db) and is_float(da):
                b = b.to(da)
    elif isinstance(a, Tensor):
        if isinstance(b, float) and not is_float(a._array.dtype):
            a = a.to(np.float32)
    elif isinstance(a, float) and not is_float(b._array.dtype):
        b = b.to(np.float32)
    return a, b


def _operand(x):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.generic):
        x = x.item()
    return x if isinstance(x, (float, int)) else Tensor(x)


def along_axis(index, axis):
    """The advanced index that picks ``index`` along ``axis`` (``take_along_axis`` as an index)."""
    grids = list(np.ix_(*[np.arange(n) for n in index.shape]))
    grids[axis] = index
    return tuple(grids)


def numpy_index(index):
    """Turn Tensors and lists inside an index into NumPy arrays."""
    if isinstance(index, tuple):
        return tuple(_index_item(i) for i in index)
    return _index_item(index)


def _index_item(i):
    if isinstance(i, Tensor):
        return i._array
    if isinstance(i, list):
        return np.asarray(i)
    return i
