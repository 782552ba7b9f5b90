"""Argument checks and normalisation shared by the ops, creation functions and layers."""
import numbers

__all__ = ["ShapeError", "DTypeError", "UnsupportedDTypeError", "normalize_dims", "reduce_dims", "shape_from_args", "int_pair",
           "can_cast"]


class ShapeError(ValueError, RuntimeError):
    """Operands whose shapes do not fit the operation. Catchable as ValueError or as
    RuntimeError (PyTorch's type for it)."""


class DTypeError(TypeError, RuntimeError):
    """Operands whose dtypes do not fit the operation. Catchable as TypeError or as RuntimeError
    (PyTorch's type for it)."""


class UnsupportedDTypeError(DTypeError, NotImplementedError):
    """An operation that has no kernel for this dtype (PyTorch's NotImplementedError)."""


def normalize_dims(dim, ndim, op, unique=True):
    """``dim`` (None, an int or a sequence of ints, negative counting from the end) as None or a
    tuple of non-negative ints; a 0-d tensor accepts dim 0 and -1, as in PyTorch.

    >>> normalize_dims(-1, 3, "sum")
    (2,)
    """
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    out = []
    for d in dims:
        d = int(d)
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"{op}: dimension {d} out of range for a tensor with {ndim} dims")
        out.append(d % max(ndim, 1))
    if unique and len(set(out)) != len(out):
        raise ShapeError(f"{op}: repeated dimension in {dims}")
    return tuple(out)


def reduce_dims(dim, ndim, op):
    """:func:`normalize_dims` for reductions and softmax: a 0-d tensor accepts dim 0 or -1 and
    has nothing to reduce, so it gets the empty tuple.

    >>> reduce_dims(0, 0, "sum"), reduce_dims((0, 1), 2, "sum")
    ((), (0, 1))
    """
    dims = normalize_dims(dim, ndim, op)
    return () if ndim == 0 and dims is not None else dims


def shape_from_args(shape):
    """A shape given as ``f(2, 3)`` or ``f((2, 3))`` as a tuple of ints.

    >>> shape_from_args(((2, 3),)), shape_from_args((2, 3))
    ((2, 3), (2, 3))
    """
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def int_pair(value, fname, name, minimum):
    """An int or a pair of ints, each >= ``minimum``, as a (height, width) tuple.

    >>> int_pair(3, "conv2d", "kernel_size", 1)
    (3, 3)
    """
    pair = (value, value) if type(value) is int else value
    if (type(pair) is tuple and len(pair) == 2 and type(pair[0]) is type(pair[1]) is int
            and pair[0] >= minimum and pair[1] >= minimum):  # the common cases, quickly
        return pair
    try:
        pair = (value, value) if isinstance(value, numbers.Integral) else tuple(value)
    except TypeError:  # a float, None, ...
        pair = ()
    if len(pair) != 2 or not all(isinstance(v, numbers.Integral) and v >= minimum for v in pair):
        raise ValueError(f"{fname}: {name} must be an int or a pair of ints >= {minimum}, "
                         f"got {value!r}")
    return int(pair[0]), int(pair[1])


class DeviceUnavailableError(AssertionError, RuntimeError):
    """A device other than the CPU was asked for (PyTorch without CUDA raises AssertionError)."""


def check_cpu_device(device, fname):
    """Accept a device meaning the CPU (``"cpu"``, ``"cpu:0"``, an object whose ``type`` is
    ``"cpu"``); raise :class:`DeviceUnavailableError` for another device, RuntimeError for a
    string that names none.

    >>> check_cpu_device("cpu", "to")
    """
    name = getattr(device, "type", device)
    if isinstance(name, int) and not isinstance(name, bool):
        name = "cuda"  # a bare index means a CUDA device, as in PyTorch
    if not isinstance(name, str):
        raise TypeError(f"{fname}: expected a device (a string such as 'cpu'), got {type(device).__name__}")
    kind, _, index = name.partition(":")
    known = ("cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "mtia")
    if kind not in known or (index and not index.isdigit()):
        raise RuntimeError(f"{fname}: Invalid device string: {name!r}")
    if kind != "cpu":
        raise DeviceUnavailableError(f"{fname}: device {name!r} is not available: tinygrad_lite "
                                     f"computes on the CPU only (Torch not compiled with CUDA enabled)")


def can_cast(src, dst):
    """Whether an in-place op or ``out=`` may write a result of dtype ``src`` into a tensor of
    dtype ``dst`` (PyTorch's ``canCast``: never floating into integer or bool, nor integer into
    bool).

    >>> can_cast(np.dtype(np.int64), np.dtype(np.uint8)), can_cast(np.dtype(np.float32), np.dtype(np.int64))
    (True, False)
    """
    if src.kind in "fc":
        return dst.kind in "fc"
    return src.kind == "b" or dst.kind != "b"
