"""Functions that make new tensors, with PyTorch's names: ``zeros``, ``randn``, ``arange``, ...

Floating point results have the default dtype (float32 unless ``set_default_dtype`` changed it)
unless ``dtype`` says otherwise. ``device`` may only name the CPU; random functions draw from the
global generator unless given ``generator=``.

    >>> zeros(2, 3).shape
    torch.Size([2, 3])
    >>> arange(3)
    tensor([0, 1, 2])
"""
import numbers

import numpy as np

from . import rng
from .arguments import ShapeError, UnsupportedDTypeError, shape_from_args
from .device import check_device
from .dtypes import default_float
from .tensor import Tensor

__all__ = ["tensor", "from_numpy", "zeros", "ones", "full", "empty", "randn", "rand", "randint",
           "arange", "linspace", "eye", "zeros_like", "ones_like", "full_like", "empty_like",
           "randn_like", "rand_like", "randint_like", "randperm", "is_tensor", "numel"]


def _make(array, dtype, requires_grad, device=None, op="tensor"):
    check_device(device, op)
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return Tensor(array, requires_grad=requires_grad)


def _shape(shape, size):
    """The shape given as ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``."""
    return shape_from_args(shape if size is None else (size,))


def _float_dtype(dtype, op):
    """``dtype``, or the default float dtype; a sampler of real numbers refuses the others."""
    dtype = default_float() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise UnsupportedDTypeError(f"{op}: only floating point dtypes are supported, got {dtype}")
    return dtype


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (like ``torch.tensor``)."""
    check_device(device, "tensor")
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


def zeros(*shape, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros: ``zeros(2, 3)``, ``zeros((2, 3))`` or ``zeros(size=(2, 3))``."""
    return _make(np.zeros(_shape(shape, size), dtype=dtype or default_float()), None,
                 requires_grad, device, "zeros")


def ones(*shape, size=None, dtype=None, device=None, requires_grad=False):
    """A tensor of ones."""
    return _make(np.ones(_shape(shape, size), dtype=dtype or default_float()), None,
                 requires_grad, device, "ones")


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor filled with ``fill_value`` (default float dtype for floats, int64 for ints, as
    PyTorch)."""
    if dtype is None:
        dtype = (np.bool_ if isinstance(fill_value, bool) else
                 np.int64 if isinstance(fill_value, numbers.Integral) else default_float())
    size = (size,) if isinstance(size, numbers.Integral) else tuple(size)
    return _make(np.full(size, fill_value, dtype=dtype), None, requires_grad, device, "full")


def empty(*shape, size=None, dtype=None, device=None, requires_grad=False):
    """An uninitialized tensor."""
    return _make(np.empty(_shape(shape, size), dtype=dtype or default_float()), None,
                 requires_grad, device, "empty")


def randn(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Samples from N(0, 1), drawn from ``generator`` or the global one (``manual_seed``)."""
    dtype = _float_dtype(dtype, "randn")
    values = rng.generator(generator).standard_normal(_shape(shape, size),
                                                      dtype=np.float64 if dtype == np.float64 else np.float32)
    return _make(values, dtype, requires_grad, device, "randn")


def rand(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Samples from U[0, 1)."""
    dtype = _float_dtype(dtype, "rand")
    values = rng.generator(generator).random(_shape(shape, size),
                                             dtype=np.float64 if dtype == np.float64 else np.float32)
    return _make(values, dtype, requires_grad, device, "rand")


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers drawn uniformly from ``[low, high)``: ``randint(high, size)`` or
    ``randint(low, high, size)``; int64 unless ``dtype`` says otherwise.

    >>> randint(3, 5, (4,)).dtype
    dtype('int64')
    """
    if size is None:
        low, high, size = 0, low, high
    if size is None or isinstance(size, numbers.Number):
        raise TypeError(f"randint: size must be a tuple of ints, got {size!r}")
    dtype = np.dtype(np.int64 if dtype is None else dtype)
    _check_range(int(low), int(high), dtype, "randint")
    values = rng.generator(generator).integers(int(low), int(high), shape_from_args((size,)))
    return _make(values, dtype, requires_grad, device, "randint")


def _check_range(low, high, dtype, op):
    if low >= high:
        raise RuntimeError(f"{op}: expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.kind in "biu":
        info = np.iinfo(np.uint8 if dtype == np.bool_ else dtype)
        top = 1 if dtype == np.bool_ else info.max
        if not info.min <= low <= top or not info.min <= high - 1 <= top:
            raise RuntimeError(f"{op}: the range [{low}, {high}) is out of bounds for {dtype}")


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of ``0 .. n-1`` (int64 unless ``dtype`` says otherwise).

    >>> sorted(randperm(4).tolist())
    [0, 1, 2, 3]
    """
    dtype = np.dtype(np.int64 if dtype is None else dtype)
    if dtype == np.bool_:
        raise UnsupportedDTypeError("randperm: not implemented for bool")
    if n < 0:
        raise ShapeError(f"randperm: n must be non-negative, got {n}")
    return _make(rng.generator(generator).permutation(int(n)), dtype, requires_grad, device, "randperm")


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """``[start, end)`` in steps: int64 when all arguments are integers, else the default float
    dtype."""
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if not all(np.isfinite((start, end))):
        raise RuntimeError(f"arange: unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: upper bound {end} and lower bound {start} are inconsistent "
                           f"with the step sign ({step})")
    ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    return _make(np.arange(start, end, step, dtype=dtype or (np.int64 if ints else default_float())),
                 None, requires_grad, device, "arange")


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive; an integer ``dtype``
    truncates toward zero, as PyTorch does (whatever NumPy's version).

    >>> linspace(5, -5, 4, dtype=np.int64)
    tensor([ 5,  1, -1, -5])
    """
    dtype = default_float() if dtype is None else np.dtype(dtype)
    if dtype == np.uint8:  # PyTorch steps between the ends wrapped to uint8
        if not all(isinstance(v, numbers.Integral) or v >= 0 for v in (start, end)):
            raise RuntimeError(f"linspace: {start} or {end} cannot be converted to uint8 without overflow")
        start, end = start % 256, end % 256
    values = np.linspace(start, end, steps, dtype=np.float64)
    return _make(values.astype(dtype), None, requires_grad, device, "linspace")


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The identity matrix (n × m)."""
    return _make(np.eye(n, m, dtype=dtype or default_float()), None, requires_grad, device, "eye")


def _like(fn):
    def like(input, dtype=None, device=None, requires_grad=False):
        return fn(input.shape, dtype=input.dtype if dtype is None else dtype, device=device,
                  requires_grad=requires_grad)
    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"Like ``{fn.__name__}`` with the shape (and by default the dtype) of ``input``."
    return like


def _random_like(fn):
    def like(input, *, generator=None, dtype=None, device=None, requires_grad=False):
        return fn(input.shape, generator=generator, dtype=input.dtype if dtype is None else dtype,
                  device=device, requires_grad=requires_grad)
    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"Like ``{fn.__name__}`` with the shape (and by default the dtype) of ``input``."
    return like


zeros_like, ones_like, empty_like = map(_like, (zeros, ones, empty))
randn_like, rand_like = map(_random_like, (randn, rand))


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """Like ``full`` with the shape (and by default the dtype) of ``input``."""
    return full(input.shape, fill_value, dtype=input.dtype if dtype is None else dtype,
                device=device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, device=None,
                 requires_grad=False):
    """Like ``randint`` with the shape (and by default the dtype) of ``input``:
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``."""
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, generator=generator,
                   dtype=input.dtype if dtype is None else dtype, device=device,
                   requires_grad=requires_grad)


def is_tensor(obj):
    """Whether ``obj`` is a Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    """The number of elements of ``input``."""
    return input.numel()
