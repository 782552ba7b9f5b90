"""Dtype conversion and copies. (The functions are named after the dtypes they convert to, as
the Tensor methods are: ``x.float()``.)"""
import numpy as np

from .. import primitives as P
from ..tensor import Tensor
from .operands import is_float

__all__ = ["to", "float", "double", "half", "long", "int", "bool", "clone", "contiguous"]


def to(input, dtype):
    """A copy with another dtype (differentiable between float types); ``x.to(tg.float64)``."""
    dtype = np.dtype(dtype)
    if dtype == input.dtype:
        return input
    if not is_float(dtype):  # integer and bool results carry no gradient
        return Tensor(input._array.astype(dtype))
    return P.Cast.apply(input, dtype=dtype)


def _cast(dtype, name):
    def cast(input):
        return to(input, dtype)
    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = f"Cast to {dtype}."
    return cast


float = _cast(np.float32, "float")  # noqa: A001 (the Tensor methods' names)
double = _cast(np.float64, "double")
half = _cast(np.float16, "half")
long = _cast(np.int64, "long")
int = _cast(np.int32, "int")  # noqa: A001
bool = _cast(np.bool_, "bool")  # noqa: A001


def clone(input):
    """A differentiable copy."""
    return P.Cast.apply(input, dtype=input.dtype)


def contiguous(input):
    """``input`` itself if its memory is in row-major order, else a row-major copy (which
    ``view`` accepts in any shape)."""
    if input._array.flags.c_contiguous:
        return input
    flat = clone(P.Reshape.apply(input, shape=(-1,)))  # a copy of its own, in row-major order
    return P.Reshape.apply(flat, shape=input.shape)
