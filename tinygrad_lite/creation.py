"""Functions that make new tensors, with PyTorch's names: ``zeros``, ``randn``, ``arange``, ...

Floating point results are float32 unless ``dtype`` says otherwise.

    >>> zeros(2, 3).shape
    (2, 3)
    >>> arange(3)
    tensor([0, 1, 2])
"""
import numbers

import numpy as np

from . import rng
from .arguments import shape_from_args
from .tensor import Tensor

__all__ = ["tensor", "from_numpy", "zeros", "ones", "full", "empty", "randn", "rand", "randint",
           "arange", "linspace", "eye", "zeros_like", "ones_like", "full_like", "empty_like",
           "randn_like", "rand_like"]


def _make(array, dtype, requires_grad):
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return Tensor(array, requires_grad=requires_grad)


def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (like ``torch.tensor``)."""
    return Tensor(np.array(data.numpy() if isinstance(data, Tensor) else data, copy=True) if
                  isinstance(data, (np.ndarray, Tensor)) else data, requires_grad, dtype)


def from_numpy(array):
    """A tensor sharing memory with the NumPy array ``array`` (no copy, no conversion).

    >>> from_numpy(np.array([1, 2], dtype=np.int32))
    tensor([1, 2], dtype=int32)
    """
    if type(array) is not np.ndarray:
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"from_numpy: unsupported dtype {array.dtype}")
    return Tensor._wrap(array)


def zeros(*size, dtype=None, requires_grad=False):
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _make(np.zeros(shape_from_args(size), dtype=dtype or np.float32), None, requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    """A tensor of ones."""
    return _make(np.ones(shape_from_args(size), dtype=dtype or np.float32), None, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """A tensor filled with ``fill_value`` (float32 for floats, int64 for ints, as PyTorch)."""
    if dtype is None:
        dtype = (np.bool_ if isinstance(fill_value, bool) else
                 np.int64 if isinstance(fill_value, numbers.Integral) else np.float32)
    size = (size,) if isinstance(size, numbers.Integral) else tuple(size)
    return _make(np.full(size, fill_value, dtype=dtype), None, requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    """An uninitialized tensor."""
    return _make(np.empty(shape_from_args(size), dtype=dtype or np.float32), None, requires_grad)


def randn(*size, dtype=None, requires_grad=False):
    """Samples from N(0, 1), drawn from the generator seeded by ``manual_seed``."""
    return _make(rng.generator().standard_normal(shape_from_args(size), dtype=np.float32), dtype, requires_grad)


def rand(*size, dtype=None, requires_grad=False):
    """Samples from U[0, 1)."""
    return _make(rng.generator().random(shape_from_args(size), dtype=np.float32), dtype, requires_grad)


def randint(low, high, size, dtype=None):
    """Integers drawn uniformly from ``[low, high)`` (int64)."""
    return _make(rng.generator().integers(low, high, size, dtype=np.int64), dtype, False)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """``[start, end)`` in steps: int64 when all arguments are integers, else float32."""
    if end is None:
        start, end = 0, start
    ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    return _make(np.arange(start, end, step, dtype=dtype or (np.int64 if ints else np.float32)),
                 None, requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive; an integer ``dtype``
    truncates toward zero, as PyTorch does (whatever NumPy's version).

    >>> linspace(5, -5, 4, dtype=np.int64)
    tensor([ 5,  1, -1, -5])
    """
    values = np.linspace(start, end, steps, dtype=np.float64)
    return _make(values.astype(dtype or np.float32), None, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    """The identity matrix (n × m)."""
    return _make(np.eye(n, m, dtype=dtype or np.float32), None, requires_grad)


def _like(fn):
    def like(input, dtype=None, requires_grad=False):
        return fn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)
    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"Like ``{fn.__name__}`` with the shape (and by default the dtype) of ``input``."
    return like


zeros_like, ones_like, empty_like, randn_like, rand_like = map(_like, (zeros, ones, empty, randn, rand))


def full_like(input, fill_value, dtype=None, requires_grad=False):
    """Like ``full`` with the shape (and by default the dtype) of ``input``."""
    return full(input.shape, fill_value, dtype=dtype or input.dtype, requires_grad=requires_grad)
