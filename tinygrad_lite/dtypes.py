"""Dtypes, with PyTorch's names: NumPy's dtypes (``float32`` is ``numpy.dtype('float32')``), the
default float dtype, ``finfo``/``iinfo``, and the dtypes NumPy has no kernels for (``bfloat16``,
the complex types), which raise a TypeError naming them wherever they are used.

    >>> get_default_dtype()
    dtype('float32')
    >>> finfo(tg.float16).eps, iinfo(tg.int8).max
    (0.0009765625, 127)
"""
import numpy as np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "finfo", "iinfo", "bfloat16",
           "complex32", "complex64", "complex128", "chalf", "cfloat", "cdouble", "short"]

dtype = np.dtype  # isinstance(tg.float32, tg.dtype)
short = np.dtype(np.int16)
_default = np.dtype(np.float32)


def default_float():
    """The dtype of float tensors made from Python floats (float32 unless set otherwise)."""
    return _default


def get_default_dtype():
    """The default floating point dtype (float32 unless changed by :func:`set_default_dtype`)."""
    return _default


def set_default_dtype(d):
    """Make ``d`` (float16, float32 or float64) the dtype of new float tensors: ``tensor(1.5)``,
    ``zeros(2)``, ``rand(2)``, ``arange(0, 1, 0.5)``, ..., as PyTorch does."""
    global _default
    d = np.dtype(d)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default "
                        f"type, got {d}")
    _default = d


class _Unsupported:
    """A PyTorch dtype that NumPy has no kernels for: any use raises a TypeError naming it (NumPy
    asks for ``.dtype`` when converting an object to a dtype)."""

    def __init__(self, name):
        self.name = name

    @property
    def dtype(self):
        raise TypeError(f"torch.{self.name} is not supported by tinygrad_lite (NumPy has no "
                        f"{self.name} arithmetic); use float32 or float16")

    def __repr__(self):
        return f"torch.{self.name}"


bfloat16 = _Unsupported("bfloat16")
complex32 = chalf = _Unsupported("complex32")
complex64 = cfloat = _Unsupported("complex64")
complex128 = cdouble = _Unsupported("complex128")


def is_dtype(obj):
    """Whether ``obj`` names a dtype (a NumPy dtype or scalar type, or an unsupported PyTorch
    dtype) rather than, say, a size: ``x.view(tg.int32)``."""
    return isinstance(obj, (np.dtype, type, _Unsupported))


def _number(value):
    """A NumPy scalar as the Python number PyTorch's finfo/iinfo hold."""
    return value.item() if isinstance(value, np.generic) else value


class finfo:
    """Machine limits of a float dtype: ``bits eps max min tiny smallest_normal resolution dtype``.

    >>> finfo(tg.float32).max
    3.4028234663852886e+38
    """

    def __init__(self, type=None):
        d = np.dtype(_default if type is None else type)
        if d.kind != "f":
            raise TypeError(f"torch.finfo() requires a floating point input type, got {d}; use "
                            f"torch.iinfo for integer types")
        info = np.finfo(d)
        self.bits, self.dtype = info.bits, d.name
        self.eps, self.max, self.min = _number(info.eps), _number(info.max), _number(info.min)
        self.tiny = self.smallest_normal = _number(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype: ``bits max min dtype``.

    >>> iinfo(tg.uint8)
    iinfo(min=0, max=255, dtype=uint8)
    """

    def __init__(self, type):
        d = np.dtype(type)
        if d.kind not in "iu":
            raise TypeError(f"torch.iinfo() requires an integer input type, got {d}; use "
                            f"torch.finfo for floating point types")
        info = np.iinfo(d)
        self.bits, self.min, self.max, self.dtype = info.bits, int(info.min), int(info.max), d.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"  # %g, as PyTorch
