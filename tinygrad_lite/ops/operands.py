"""Operand handling shared by the ops: PyTorch's type promotion for binary operands, float
results for integer inputs, index conversion."""
import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor

__all__ = ["is_float", "to_float", "as_tensor", "binary_operands", "along_axis", "numpy_index",
           "promote_types", "result_type", "cast_operand"]


def is_float(dtype):
    return dtype.kind in "fc"


def to_float(x):
    """Integer and bool tensors become the default float dtype (float32 unless
    ``set_default_dtype`` changed it) for ops whose result is real (as PyTorch)."""
    if isinstance(x, Tensor) and x._array.dtype.kind not in "fc":
        return x.to(get_default_dtype())
    return x


def as_tensor(x):
    """``x`` if it is a Tensor, else ``Tensor(x)``."""
    return x if isinstance(x, Tensor) else Tensor(x)


def binary_operands(a, b):
    """Make binary operands compatible: both tensors get PyTorch's result dtype
    (:func:`result_type`); Python numbers stay Python numbers (so float32 stays float32), except
    integers out of an integer dtype's range, which wrap around as in PyTorch; NumPy scalars
    become Python numbers."""
    ta, tb = type(a), type(b)  # fast path first: the common cases need no conversion
    if ta is Tensor and (tb is Tensor and a._array.dtype is b._array.dtype
                         or (tb is float or tb is int) and a._array.dtype.kind == "f"):
        return a, b
    if tb is Tensor and (ta is float or ta is int) and b._array.dtype.kind == "f":
        return a, b
    a, b = _operand(a), _operand(b)
    dtype = result_type(a, b)
    return cast_operand(a, dtype), cast_operand(b, dtype)


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


# ---------------------------------------------------------------------------------------------
# PyTorch's type promotion
# ---------------------------------------------------------------------------------------------

_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}  # bool < integer < floating < complex
_SCALAR_DTYPES = {bool: np.dtype(np.bool_), int: np.dtype(np.int64), float: np.dtype(np.float32),
                  complex: np.dtype(np.complex64)}


def promote_types(a, b):
    """``torch.promote_types`` on NumPy dtypes: the higher category wins (an integer meeting
    float16 gives float16, not NumPy's float32); within one category, NumPy's rule.

    >>> promote_types(np.dtype(np.int16), np.dtype(np.float16)), promote_types(np.dtype(np.uint8), np.dtype(np.int8))
    (dtype('float16'), dtype('int16'))
    """
    if a == b:
        return a
    ra, rb = _RANK[a.kind], _RANK[b.kind]
    if ra != rb:
        return a if ra > rb else b
    return np.promote_types(a, b)


def _combine(higher, lower):
    """PyTorch's ``combine_categories``: a lower-priority group (0-d tensors, then Python numbers)
    changes the dtype only when it brings a higher category."""
    if higher is None:
        return lower
    if lower is None or _RANK[higher.kind] >= _RANK[lower.kind]:
        return higher
    return promote_types(higher, lower)


def result_type(*operands):
    """PyTorch's result dtype of tensors and Python numbers: tensors with dimensions decide,
    0-d tensors and Python numbers (bool, int64, float32) count only when they bring a higher
    category (bool < integer < floating).

    >>> result_type(Tensor([1, 2], dtype=np.uint8), -2), result_type(Tensor([1, 2]), 2.5)
    (dtype('uint8'), dtype('float32'))
    >>> result_type(Tensor([1], dtype=np.int8), Tensor(1.0, dtype=np.float64))
    dtype('float64')
    """
    groups = [None, None, None]  # tensors with dimensions, 0-d tensors, Python numbers
    for x in operands:
        if isinstance(x, Tensor):
            i, d = (0 if x._array.ndim else 1), x._array.dtype
        elif x is None:
            continue
        elif isinstance(x, (np.ndarray, np.generic)):  # a Python number already cast (wrapped)
            i, d = 2, x.dtype
        elif type(x) is float:  # a Python float has the default dtype, as in PyTorch
            i, d = 2, get_default_dtype()
        else:
            i, d = 2, _SCALAR_DTYPES[type(x)] if type(x) in _SCALAR_DTYPES else _scalar_dtype(x)
        groups[i] = d if groups[i] is None else promote_types(groups[i], d)
    return _combine(groups[0], _combine(groups[1], groups[2]))


def _scalar_dtype(x):
    for kind, dtype in _SCALAR_DTYPES.items():  # bool before int: bool is an int subclass
        if isinstance(x, kind):
            return dtype
    raise TypeError(f"expected a Tensor or a Python number, got {type(x).__name__}")


def cast_operand(x, dtype):
    """A tensor cast to ``dtype``; a Python int that ``dtype`` (an integer type) cannot hold
    as the wrapped-around NumPy value, as PyTorch does (``uint8 - 2`` counts modulo 256)."""
    if isinstance(x, Tensor):
        return x if x._array.dtype == dtype else x.to(dtype)
    if dtype.kind in "iu" and type(x) is int:
        info = np.iinfo(dtype)
        if not info.min <= x <= info.max:
            return np.array(x, np.int64).astype(dtype)
    return x

