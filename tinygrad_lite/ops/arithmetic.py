"""Arithmetic, comparisons, elementwise math and activations.

Every function here is also a Tensor method (``x.exp()``) and a ``tinygrad_lite.exp``; the
operators (``+ - * / ** @ == < & ...``) are installed from the table in ``ops/__init__.py``.
"""
import numbers

import numpy as np

from .. import primitives as P
from ..arguments import ShapeError, UnsupportedDTypeError, reduce_dims
from ..tensor import Tensor
from .operands import as_tensor, binary_operands, to_float

__all__ = ["add", "sub", "mul", "div", "pow", "matmul", "neg", "eq", "ne", "lt", "le", "gt", "ge",
           "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "exp", "log", "sqrt", "abs", "sin", "cos",
           "erf", "sign", "clamp", "clip", "maximum", "minimum", "relu", "leaky_relu", "sigmoid",
           "tanh", "softmax", "log_softmax", "gelu", "silu"]


# ---------------------------------------------------------------------------------------------
# arithmetic
# ---------------------------------------------------------------------------------------------

def add(input, other, alpha=1):
    """``input + alpha * other``, broadcasting."""
    return P.Add.apply(*binary_operands(input, other if alpha == 1 else other * alpha))


def sub(input, other, alpha=1):
    """``input - alpha * other``, broadcasting."""
    return P.Sub.apply(*binary_operands(input, other if alpha == 1 else other * alpha))


def mul(input, other):
    """``input * other``, broadcasting."""
    return P.Mul.apply(*binary_operands(input, other))


def div(input, other):
    """``input / other``, broadcasting; integer operands give a float32 result."""
    return P.Div.apply(*map(to_float, binary_operands(input, other)))


def pow(input, exponent):  # noqa: A001 (PyTorch's name)
    """``input ** exponent``; a Python number as exponent takes a cheaper primitive."""
    if isinstance(exponent, numbers.Number) and not isinstance(exponent, bool):
        return P.PowScalar.apply(to_float(input) if isinstance(exponent, float) else input, p=exponent)
    return P.Pow.apply(*binary_operands(input, exponent))


def matmul(input, other):
    """Matrix product of vectors, matrices and broadcast batches of matrices (``@``)."""
    return P.Matmul.apply(as_tensor(input), as_tensor(other))


def neg(input):
    """``-input``."""
    return P.Neg.apply(input)


# ---------------------------------------------------------------------------------------------
# comparisons and logic: no gradient
# ---------------------------------------------------------------------------------------------

def _compare(fn):
    def compare(input, other):
        other = other._array if isinstance(other, Tensor) else other
        try:
            return Tensor(fn(input._array, other))
        except ValueError:
            raise ShapeError(f"{fn.__name__}: cannot compare shapes {input.shape} and "
                             f"{np.shape(other)}") from None
    compare.__name__ = compare.__qualname__ = fn.__name__
    compare.__doc__ = f"Elementwise ``{fn.__name__}`` as a bool tensor (no gradient)."
    return compare


eq, ne, lt, le, gt, ge = map(_compare, (np.equal, np.not_equal, np.less, np.less_equal,
                                        np.greater, np.greater_equal))
def _logical(fn):
    compare = _compare(fn)

    def logical(input, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"{fn.__name__}(): other must be a Tensor, got {type(other).__name__}")
        return compare(input, other)
    logical.__name__ = logical.__qualname__ = fn.__name__
    logical.__doc__ = f"Elementwise ``{fn.__name__}`` of two tensors (nonzero is true), as a bool tensor."
    return logical


logical_and, logical_or, logical_xor = map(_logical, (np.logical_and, np.logical_or, np.logical_xor))


def logical_not(input):
    """Elementwise logical not, as a bool tensor."""
    return Tensor(np.logical_not(input._array))


def _bitwise(fn, name, bools=True):
    def bitwise(input, other):
        a, b = (x._array if isinstance(x, Tensor) else x for x in (input, other))
        for v in (a, b):
            kind = v.dtype.kind if isinstance(v, np.ndarray) else ("b" if isinstance(v, bool) else
                                                                   "i" if isinstance(v, numbers.Integral) else "f")
            if kind not in ("biu" if bools else "iu"):
                raise UnsupportedDTypeError(f"{name}: needs integer{' or bool' if bools else ''} operands, got "
                                 f"{v.dtype if isinstance(v, np.ndarray) else type(v).__name__}")
        try:
            return Tensor(np.asarray(fn(a, b)))
        except ValueError:
            raise ShapeError(f"{name}: cannot combine shapes {np.shape(a)} and {np.shape(b)}") from None
    bitwise.__name__ = bitwise.__qualname__ = name
    bitwise.__doc__ = f"Elementwise ``{name}`` of integer or bool tensors (bools: the logical op)."
    return bitwise


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")
bitwise_left_shift = _bitwise(np.left_shift, "bitwise_left_shift", bools=False)
bitwise_right_shift = _bitwise(np.right_shift, "bitwise_right_shift", bools=False)


def bitwise_not(input):
    """``~x``: bitwise not of an integer tensor, logical not of a bool one.

    >>> ~Tensor([True, False]), ~Tensor([0, 5])
    (tensor([False,  True]), tensor([-1, -6]))
    """
    if input.dtype.kind not in "biu":
        raise UnsupportedDTypeError(f"bitwise_not: needs an integer or bool tensor, got {input.dtype}")
    return Tensor(np.invert(input._array))


# ---------------------------------------------------------------------------------------------
# elementwise math
# ---------------------------------------------------------------------------------------------

def exp(input):
    """Elementwise e**x."""
    return P.Exp.apply(to_float(input))


def log(input):
    """Elementwise natural logarithm."""
    return P.Log.apply(to_float(input))


def sqrt(input):
    """Elementwise square root."""
    return P.Sqrt.apply(to_float(input))


def abs(input):  # noqa: A001 (PyTorch's name)
    """Elementwise |x| (gradient 0 at 0, as PyTorch)."""
    return P.Abs.apply(input)


def sin(input):
    """Elementwise sine."""
    return P.Sin.apply(to_float(input))


def cos(input):
    """Elementwise cosine."""
    return P.Cos.apply(to_float(input))


def erf(input):
    """Elementwise error function."""
    return P.Erf.apply(to_float(input))


def sign(input):
    """Elementwise sign; its gradient is zero."""
    return P.Sign.apply(input)


def clamp(input, min=None, max=None):  # noqa: A002 (PyTorch's names)
    """Limit values to ``[min, max]``; the gradient passes where ``min <= x <= max``.

    >>> Tensor([-2.0, 0.5, 3.0]).clamp(-1, 1)
    tensor([-1. ,  0.5,  1. ])
    """
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of min and max must be given")
    x = input._array
    inside = np.ones(x.shape, bool)  # the gradient passes where lo <= x <= hi, as PyTorch
    if min is not None:
        inside &= x >= min
    if max is not None:
        inside &= x <= max
    return P.Where.apply(input, np.clip(x, min, max), cond=inside)


clip = clamp


def maximum(input, other):
    """Elementwise maximum; at ties the gradient is split evenly (as PyTorch)."""
    return P.Maximum.apply(*binary_operands(input, other))


def minimum(input, other):
    """Elementwise minimum; at ties the gradient is split evenly (as PyTorch)."""
    return P.Minimum.apply(*binary_operands(input, other))


# ---------------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------------

def relu(input):
    """max(x, 0)."""
    return P.Relu.apply(input)


def leaky_relu(input, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise."""
    return P.Where.apply(input, input * negative_slope, cond=input._array > 0)


def sigmoid(input):
    """1 / (1 + e**-x), computed without overflow for any x."""
    return P.Sigmoid.apply(to_float(input))


def tanh(input):
    """Hyperbolic tangent."""
    return P.Tanh.apply(to_float(input))


def softmax(input, dim=-1):
    """exp(x) / sum(exp(x)) along ``dim``, shifted by the max for stability."""
    return P.Softmax.apply(to_float(input), axis=reduce_dims(dim, input.ndim, "softmax"))


def log_softmax(input, dim=-1):
    """x - logsumexp(x) along ``dim``, computed stably in one op."""
    return P.LogSoftmax.apply(to_float(input), axis=reduce_dims(dim, input.ndim, "log_softmax"))


_SQRT_2_OVER_PI, _SQRT_HALF = np.sqrt(2.0 / np.pi).item(), np.sqrt(0.5).item()


def gelu(input, approximate="none"):
    """Gaussian error linear unit: x·Φ(x); ``approximate='tanh'`` uses the tanh formula."""
    if approximate == "tanh":
        return 0.5 * input * (1.0 + (_SQRT_2_OVER_PI * (input + 0.044715 * input ** 3)).tanh())
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return 0.5 * input * (1.0 + (input * _SQRT_HALF).erf())


def silu(input):
    """x * sigmoid(x)."""
    return input * input.sigmoid()
