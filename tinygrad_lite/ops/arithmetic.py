"""Arithmetic, comparisons, elementwise math and activations.

Every function here is also a Tensor method (``x.exp()``) and a ``tinygrad_lite.exp``; the
operators (``+ - * / // % ** @ == < & ...``) are installed from the table in ``ops/__init__.py``.
Dtypes follow PyTorch: binary operands meet in :func:`~.operands.result_type`, functions with
real results (exp, tan, atan2, ...) turn integers and bools into float32, and the dtypes PyTorch
has no kernel for raise :class:`UnsupportedDTypeError`. The in-place variants ``x.op_()`` (at
the end) compute ``op`` and write it back; ``out=`` works as in PyTorch where noted.
"""
import functools
import math
import numbers

import numpy as np

from .. import primitives as P
from ..arguments import DTypeError, ShapeError, UnsupportedDTypeError, can_cast, reduce_dims
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from .operands import as_tensor, binary_operands, cast_operand, result_type, to_float

__all__ = ["add", "sub", "mul", "div", "pow", "matmul", "neg", "eq", "ne", "lt", "le", "gt", "ge",
           "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift", "exp", "log", "sqrt", "abs", "sin", "cos",
           "erf", "sign", "clamp", "clip", "maximum", "minimum", "relu", "leaky_relu", "sigmoid",
           "tanh", "softmax", "log_softmax", "gelu", "silu",
           # issue 16: elementwise math
           "positive", "floor_divide", "remainder", "fmod", "true_divide",
           "floor", "ceil", "round", "trunc", "frac", "rsqrt", "reciprocal", "square", "tan",
           "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2", "log10",
           "log1p", "exp2", "expm1", "erfinv", "logit", "sgn", "atan2", "arctan2", "hypot",
           "copysign", "logaddexp", "xlogy", "lerp", "isnan", "isinf", "isfinite", "nan_to_num",
           "isclose", "allclose", "equal", "clamp_min", "clamp_max"]


# ---------------------------------------------------------------------------------------------
# helpers: dtype checks, out=
# ---------------------------------------------------------------------------------------------

_TORCH_NAMES = {"b": "Bool", "u": "Byte", "i": "Long", "f": "Float"}


def _refuse(name, dtype):
    raise UnsupportedDTypeError(f"{name}: not implemented for {dtype} tensors (as in PyTorch, "
                                f'"{name}" has no {_TORCH_NAMES.get(dtype.kind, dtype)} kernel)')


def _float_only(input, name):
    """PyTorch's floating-point-only ops (gelu, softmax, hypot, ...) refuse integers and bools."""
    if input.dtype.kind != "f":
        _refuse(name, input.dtype)


def _no_bool(input, name):
    if input.dtype.kind == "b":
        _refuse(name, input.dtype)


def _write_out(result, out, name):
    """``out=``: ``result`` written into the tensor ``out`` (resized if its shape differs), which
    is returned; a result dtype ``out`` cannot hold raises, as in PyTorch."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): out must be a Tensor, got {type(out).__name__}")
    if result.requires_grad or (out.requires_grad and is_grad_enabled()):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad")
    if not can_cast(result.dtype, out.dtype):
        raise DTypeError(f"{name}(): result type {result.dtype} can't be cast to the desired "
                         f"output type {out.dtype}")
    if out.shape != result.shape:
        out._array = np.empty(result.shape, out.dtype)
    return out.copy_(result)


def _with_out(fn):
    """``fn`` with PyTorch's ``out=`` keyword."""
    @functools.wraps(fn)
    def with_out(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        return result if out is None else _write_out(result, out, fn.__name__)
    return with_out


# ---------------------------------------------------------------------------------------------
# arithmetic
# ---------------------------------------------------------------------------------------------

def _scaled(input, other, alpha, name):
    """``alpha * other`` in the dtype of ``input + other`` (PyTorch's ``alpha=``)."""
    dtype = result_type(input, _number(other))
    if isinstance(alpha, Tensor) or not isinstance(alpha, numbers.Number):
        raise TypeError(f"{name}(): alpha must be a number, got {type(alpha).__name__}")
    if dtype.kind in "biu" and not isinstance(alpha, numbers.Integral):
        raise DTypeError(f"{name}(): for integral input tensors, argument alpha must not be a "
                         f"floating point number (got {alpha!r})")
    if dtype.kind == "b":
        alpha = bool(alpha)
    return mul(cast_operand(other, dtype), alpha) if isinstance(other, Tensor) else other * alpha


def _number(x):
    return x.item() if isinstance(x, np.generic) else x


def add(input, other, alpha=1, out=None):
    """``input + alpha * other``, broadcasting.

    >>> tg.add(Tensor([1, 2]), Tensor([10, 20]), alpha=2)
    tensor([21, 42])
    """
    if alpha != 1:
        other = _scaled(input, other, alpha, "add")
    r = P.Add.apply(*binary_operands(input, other))
    return r if out is None else _write_out(r, out, "add")


def sub(input, other, alpha=1, out=None):
    """``input - alpha * other``, broadcasting (not for bools, as in PyTorch).

    >>> tg.sub(Tensor([1.0, 2.0]), 1.5)
    tensor([-0.5,  0.5])
    """
    if _kind(input) == "b" or _kind(other) == "b":
        raise DTypeError("sub: subtraction, the `-` operator, with a bool tensor is not supported "
                         "(as in PyTorch); use `^`, `~`, logical_xor() or logical_not() instead")
    if alpha != 1:
        other = _scaled(input, other, alpha, "sub")
    r = P.Sub.apply(*binary_operands(input, other))
    return r if out is None else _write_out(r, out, "sub")


def _float_operands(input, other):
    """:func:`binary_operands` for ops with a real result: integers and bools meet as float32,
    so a Python int is a number here, never wrapped into an integer dtype."""
    if result_type(input, _number(other)).kind != "f":
        input, other = to_float(input), to_float(other)
    return binary_operands(input, other)


def _kind(x):
    """The dtype kind of a tensor or a number ('b' for bool)."""
    return x._array.dtype.kind if isinstance(x, Tensor) else "b" if isinstance(x, (bool, np.bool_)) else ""


def mul(input, other, out=None):
    """``input * other``, broadcasting."""
    r = P.Mul.apply(*binary_operands(input, other))
    return r if out is None else _write_out(r, out, "mul")


_ROUNDING = {"trunc": (lambda a, b: np.trunc(a / b), "div_trunc"),
             "floor": (np.floor_divide, "div_floor")}


def div(input, other, rounding_mode=None, out=None):
    """``input / other``, broadcasting; integer operands give a float32 result. ``rounding_mode``
    ``'trunc'`` or ``'floor'`` rounds the quotient (integers stay integers; zero gradient).

    >>> tg.div(Tensor([7, -7]), 2), tg.div(Tensor([7, -7]), 2, rounding_mode="floor")
    (tensor([ 3.5, -3.5]), tensor([ 3, -4]))
    """
    if rounding_mode is None:
        r = P.Div.apply(*_float_operands(input, other))
    elif rounding_mode in _ROUNDING:
        fn, name = _ROUNDING[rounding_mode]
        r = _rounded_quotient(input, other, fn, name, rounding_mode)
    else:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                           f"found {rounding_mode!r}")
    return r if out is None else _write_out(r, out, "div")


@_with_out
def true_divide(input, other):
    """``input / other`` (:func:`div` without rounding)."""
    return div(input, other)


def _integer_operands(input, other, name):
    """Operands of the quotient ops (//, %, fmod): bools refused; for integers a zero divisor
    raises, as in PyTorch (no NaN to answer with)."""
    a, b = binary_operands(input, other)
    kind = result_type(a, b).kind
    if kind == "b":
        _refuse(name, np.dtype(bool))
    if kind in "iu":
        try:
            size = np.broadcast_shapes(np.shape(_data(a)), np.shape(_data(b)))
        except ValueError:
            raise ShapeError(f"{name}: cannot combine shapes {np.shape(_data(a))} and "
                             f"{np.shape(_data(b))}") from None
        if math.prod(size) and np.any(np.asarray(_data(b)) == 0):
            raise RuntimeError(f"{name}: ZeroDivisionError (an integer divisor is zero)")
    return a, b, kind


def _data(x):
    return x._array if isinstance(x, Tensor) else x


def _rounded_quotient(input, other, fn, name, mode):
    a, b, kind = _integer_operands(input, other, name)
    if kind in "iu":
        q = np.floor_divide(_data(a), _data(b))
        if mode == "trunc":  # floor rounds the other way when the signs differ and b does not divide a
            r = np.remainder(_data(a), _data(b))
            q = q + ((r != 0) & ((np.asarray(_data(a)) < 0) != (np.asarray(_data(b)) < 0)))
        return Tensor(np.asarray(q, result_type(a, b)))
    return P.Elementwise2.apply(a, b, fn=fn, grads=(_zero2, _zero2))


def floor_divide(input, other, out=None):
    """``input // other``: the quotient rounded down (zero gradient).

    >>> Tensor([7, -7]) // 2
    tensor([ 3, -4])
    """
    r = div(input, other, rounding_mode="floor")
    return r if out is None else _write_out(r, out, "floor_divide")


def _zero2(a, b, out):
    return 0.0


def _one2(a, b, out):
    return 1.0


def _remainder_db(a, b, out):
    """-floor(a / b), as the floor division (NaN where a is infinite, as in PyTorch)."""
    return -(a // b) if isinstance(a, Tensor) or isinstance(b, Tensor) else -np.floor_divide(a, b)


_trunc = P._unary(np.trunc, "trunc")


@_with_out
def remainder(input, other):
    """``input % other`` with the sign of ``other`` (Python's %); gradients 1 and
    ``-floor(input / other)``.

    >>> Tensor([5.0, -5.0]) % 3
    tensor([2., 1.])
    """
    a, b, kind = _integer_operands(input, other, "remainder")
    if kind in "iu":
        return Tensor(np.asarray(np.remainder(_data(a), _data(b)), result_type(a, b)))
    return P.Elementwise2.apply(a, b, fn=np.remainder, grads=(_one2, _remainder_db))


@_with_out
def fmod(input, other):
    """The remainder of ``input / other`` with the sign of ``input`` (C's fmod); gradients 1 and
    ``-trunc(input / other)``.

    >>> tg.fmod(Tensor([5.0, -5.0]), 3)
    tensor([ 2., -2.])
    """
    a, b, kind = _integer_operands(input, other, "fmod")
    if kind in "iu":
        return Tensor(np.asarray(np.fmod(_data(a), _data(b)), result_type(a, b)))
    return P.Elementwise2.apply(a, b, fn=np.fmod, grads=(_one2, lambda a, b, out: -_trunc(a / b)))


def pow(input, exponent, out=None):  # noqa: A001 (PyTorch's name)
    """``input ** exponent`` with PyTorch's dtypes: ``bool ** 2`` is int64, integers to negative
    powers are 0, 1 or -1 for tensor exponents and an error for a Python exponent.

    >>> Tensor([2, 3]) ** 2, Tensor([2.0, 4.0]) ** 0.5
    (tensor([4, 9]), tensor([1.4142, 2.    ]))
    """
    exponent = _number(exponent)
    if isinstance(input, Tensor) and isinstance(exponent, numbers.Number):
        r = _pow_scalar(input, exponent)
    else:
        a, b = binary_operands(input, exponent)
        kind = result_type(a, b).kind
        if kind == "b":
            _refuse("pow", np.dtype(bool))
        if kind in "iu":
            try:
                r = Tensor(_integer_power(a, b))
            except ValueError:
                raise ShapeError(f"pow: cannot combine shapes {np.shape(_data(a))} and "
                                 f"{np.shape(_data(b))}") from None
        else:
            r = P.Pow.apply(a, b)
    return r if out is None else _write_out(r, out, "pow")


def _pow_scalar(input, p):
    dtype = result_type(input, p)
    if dtype.kind in "iu" and p < 0:
        raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
    if dtype.kind == "b":  # bool ** bool: x ** True is x, x ** False is True
        return Tensor(input._array | (not p))
    return P.PowScalar.apply(cast_operand(input, dtype), p=int(p) if isinstance(p, bool) else p)


def _integer_power(a, b):
    """``a ** b`` on integers as PyTorch: wrapping around on overflow; a negative power is 1 for
    base 1, +-1 for base -1 and 0 otherwise."""
    dtype = result_type(a, b)
    a, b = np.asarray(_data(a), dtype), np.asarray(_data(b), dtype)
    negative = b < 0
    out = np.power(a, np.where(negative, 0, b))
    if negative.any():
        small = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
        out = np.where(negative, small, out)
    return out.astype(dtype)


def matmul(input, other):
    """Matrix product of vectors, matrices and broadcast batches of matrices (``@``)."""
    return P.Matmul.apply(as_tensor(input), as_tensor(other))


def neg(input):
    """``-input`` (not for bools, as in PyTorch)."""
    if input._array.dtype.kind == "b":
        raise DTypeError("neg: negation, the `-` operator, on a bool tensor is not supported "
                         "(as in PyTorch); use `~` or logical_not() instead")
    return P.Neg.apply(input)


def positive(input):
    """``+input``: ``input`` itself (not for bools, as in PyTorch)."""
    if input._array.dtype.kind == "b":
        raise DTypeError("positive: the `+` operator on a bool tensor is not supported (as in PyTorch)")
    return input


# ---------------------------------------------------------------------------------------------
# comparisons and logic: no gradient
# ---------------------------------------------------------------------------------------------

def _operand_arrays(input, other):
    """The arrays of two operands in their PyTorch result dtype (see binary_operands)."""
    a, b = binary_operands(input, other)
    return _data(a), _data(b)


def _compare(fn):
    def compare(input, other):
        if isinstance(other, (Tensor, numbers.Number, np.generic)):
            a, b = _operand_arrays(input, other)
        else:  # lists, arrays, None: NumPy's rules
            a, b = input._array, other
        try:
            return Tensor(np.asarray(fn(a, b)))
        except ValueError:
            raise ShapeError(f"{fn.__name__}: cannot compare shapes {input.shape} and "
                             f"{np.shape(b)}") from None
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
        try:
            a, b = binary_operands(input, other)
        except TypeError:
            raise UnsupportedDTypeError(f"{name}: needs integer{' or bool' if bools else ''} operands, "
                                        f"got {type(other).__name__}") from None
        dtype = result_type(a, b)
        if dtype.kind not in ("biu" if bools else "iu"):
            raise UnsupportedDTypeError(f"{name}: needs integer{' or bool' if bools else ''} "
                                        f"operands, got {dtype}")
        try:
            return Tensor(np.asarray(fn(_data(a), _data(b)), dtype))
        except ValueError:
            raise ShapeError(f"{name}: cannot combine shapes {np.shape(_data(a))} and "
                             f"{np.shape(_data(b))}") from None
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

@_with_out
def exp(input):
    """Elementwise e**x."""
    return P.Exp.apply(to_float(input))


@_with_out
def log(input):
    """Elementwise natural logarithm."""
    return P.Log.apply(to_float(input))


@_with_out
def sqrt(input):
    """Elementwise square root."""
    return P.Sqrt.apply(to_float(input))


@_with_out
def abs(input):  # noqa: A001 (PyTorch's name)
    """Elementwise |x| (gradient 0 at 0, as PyTorch; not for bools)."""
    _no_bool(input, "abs")
    return P.Abs.apply(input)


@_with_out
def sin(input):
    """Elementwise sine."""
    return P.Sin.apply(to_float(input))


@_with_out
def cos(input):
    """Elementwise cosine."""
    return P.Cos.apply(to_float(input))


@_with_out
def erf(input):
    """Elementwise error function."""
    return P.Erf.apply(to_float(input))


@_with_out
def sign(input):
    """Elementwise sign (-1, 0 or 1; 0 for NaN; a bool tensor is its own sign); zero gradient."""
    if input._array.dtype.kind == "b":
        return Tensor(input._array.copy())
    return P.Sign.apply(input)


@_with_out
def sgn(input):
    """The sign of real tensors (:func:`sign`; PyTorch's sgn also covers complex numbers)."""
    return sign(input)


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_cosh, _sinh = P._unary(np.cosh, "cosh"), P._unary(np.sinh, "sinh")
_rsqrt = P._unary(lambda v: 1 / np.sqrt(v), "rsqrt")


def _float_function(name, np_fn, grad, doc):
    """An elementwise function with a real result: integers and bools become float32."""
    def fn(input):
        return P.Elementwise.apply(to_float(input), fn=np_fn, grad=grad)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return _with_out(fn)


def _erfinv(y):
    """The inverse error function: Giles' single-precision approximation, then two Newton steps
    on math.erf in float64 (NumPy has no erfinv)."""
    y64 = np.asarray(y, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - y64) * (1.0 + y64))
        small = w - 2.5
        big = np.sqrt(np.where(w < 5, 5.0, w)) - 3.0
        p_small = np.polyval([2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                              0.00021858087, -0.00125372503, -0.00417768164, 0.246640727,
                              1.50140941], small)
        p_big = np.polyval([-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                            0.00573950773, -0.0076224613, 0.00943887047, 1.00167406,
                            2.83297682], big)
        x = np.where(w < 5, p_small, p_big) * y64
        erf = np.frompyfunc(math.erf, 1, 1)
        for _ in range(2):
            finite = np.isfinite(x)
            step = (np.asarray(erf(np.where(finite, x, 0.0)), np.float64) - y64) / (
                2 / math.sqrt(math.pi) * np.exp(-np.where(finite, x, 0.0) ** 2))
            x = np.where(finite, x - step, x)
        x = np.where(np.abs(y64) == 1, np.copysign(np.inf, y64), x)
        x = np.where(np.abs(y64) > 1, np.nan, x)
    return x.astype(np.result_type(y))


tan = _float_function("tan", np.tan, lambda x, out: 1 + out * out, "Elementwise tangent.")
asin = _float_function("asin", np.arcsin, lambda x, out: _rsqrt(1 - x * x),
                       "Elementwise arcsine (NaN outside [-1, 1]).")
acos = _float_function("acos", np.arccos, lambda x, out: -_rsqrt(1 - x * x),
                       "Elementwise arccosine (NaN outside [-1, 1]).")
atan = _float_function("atan", np.arctan, lambda x, out: 1 / (1 + x * x), "Elementwise arctangent.")
sinh = _float_function("sinh", np.sinh, lambda x, out: _cosh(x), "Elementwise hyperbolic sine.")
cosh = _float_function("cosh", np.cosh, lambda x, out: _sinh(x), "Elementwise hyperbolic cosine.")
asinh = _float_function("asinh", np.arcsinh, lambda x, out: _rsqrt(x * x + 1),
                        "Elementwise inverse hyperbolic sine.")
acosh = _float_function("acosh", np.arccosh, lambda x, out: _rsqrt(x * x - 1),
                        "Elementwise inverse hyperbolic cosine (NaN below 1).")
atanh = _float_function("atanh", np.arctanh, lambda x, out: 1 / (1 - x * x),
                        "Elementwise inverse hyperbolic tangent (NaN outside [-1, 1]).")
log2 = _float_function("log2", np.log2, lambda x, out: 1 / (x * _LN2), "Elementwise base-2 logarithm.")
log10 = _float_function("log10", np.log10, lambda x, out: 1 / (x * _LN10),
                        "Elementwise base-10 logarithm.")
log1p = _float_function("log1p", np.log1p, lambda x, out: 1 / (x + 1),
                        "Elementwise log(1 + x), accurate for small x.")
exp2 = _float_function("exp2", np.exp2, lambda x, out: out * _LN2, "Elementwise 2**x.")
expm1 = _float_function("expm1", np.expm1, lambda x, out: out + 1,
                        "Elementwise e**x - 1, accurate for small x.")
rsqrt = _float_function("rsqrt", lambda x: 1 / np.sqrt(x), lambda x, out: -0.5 * out * out * out,
                        "Elementwise 1 / sqrt(x).")
reciprocal = _float_function("reciprocal", lambda x: 1 / x, lambda x, out: -(out * out),
                             "Elementwise 1 / x.")
erfinv = _float_function("erfinv", _erfinv, lambda x, out: (math.sqrt(math.pi) / 2) * P._exp(out * out),
                         "The inverse error function (+-inf at +-1, NaN outside [-1, 1]).")


@_with_out
def square(input):
    """``input ** 2`` (a bool tensor gives int64, as in PyTorch).

    >>> tg.square(Tensor([-2, 3]))
    tensor([4, 9])
    """
    return pow(input, 2)


@_with_out
def logit(input, eps=None):
    """log(x / (1 - x)); with ``eps``, x is first clamped to [eps, 1 - eps] (gradient 0 outside).

    >>> tg.logit(Tensor([0.5, 0.75]))
    tensor([0.    , 1.0986])
    """
    lo, hi, outside = (0.0, 1.0, np.nan) if eps is None else (eps, 1.0 - eps, 0.0)

    def fn(a):
        c = a if eps is None else np.clip(a, lo, hi)
        return np.log(c / (1 - c))

    def grad(x, out):  # PyTorch's: NaN outside [0, 1] without eps, 0 outside [eps, 1 - eps] with it
        xd = np.asarray(P._data(x))
        with np.errstate(divide="ignore"):
            inner = P._where((xd == 0) | (xd == 1), np.inf, 1 / (x * (1 - x)))  # +inf at 0 and 1
        return P._where((xd < lo) | (xd > hi), outside, inner)
    return P.Elementwise.apply(to_float(input), fn=fn, grad=grad)


# --- rounding: zero gradient; integers are returned unchanged ------------------------------

def _rounding(name, np_fn, doc):
    def fn(input):
        _no_bool(input, name)
        if input._array.dtype.kind in "iu":
            return Tensor(input._array.copy())
        return P.Elementwise.apply(input, fn=np_fn, grad=None)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return _with_out(fn)


floor = _rounding("floor", np.floor, "Elementwise rounding down (zero gradient).")
ceil = _rounding("ceil", np.ceil, "Elementwise rounding up (zero gradient).")
trunc = _rounding("trunc", np.trunc, "Elementwise rounding toward zero (zero gradient).")


@_with_out
def round(input, decimals=0):  # noqa: A001 (PyTorch's name)
    """Round to ``decimals`` decimal places, halves to even (zero gradient).

    >>> tg.round(Tensor([0.5, 1.5, 2.25]), decimals=1)
    tensor([0.5, 1.5, 2.2])
    """
    _no_bool(input, "round")
    if input._array.dtype.kind in "iu":
        if decimals:
            _refuse("round", input.dtype)
        return Tensor(input._array.copy())
    if decimals and input._array.dtype == np.float16:  # scaled in float32, as PyTorch
        return P.Elementwise.apply(input, fn=lambda a: np.round(a.astype(np.float32), decimals).astype(a.dtype), grad=None)
    return P.Elementwise.apply(input, fn=lambda a: np.round(a, decimals), grad=None)


@_with_out
def frac(input):
    """The fractional part ``x - trunc(x)`` (floats only; gradient 1).

    >>> tg.frac(Tensor([1.25, -2.5]))
    tensor([ 0.25, -0.5 ])
    """
    _float_only(input, "frac")
    return P.Elementwise.apply(input, fn=lambda a: a - np.trunc(a), grad=lambda x, out: 1.0)


# --- functions of two tensors ----------------------------------------------------------------

def _float_binary(name, np_fn, grads, doc, float_only=False, number_other=True):
    """An elementwise function of two operands with a real result (integers become float32;
    ``float_only``: integers are refused, as PyTorch does for hypot and logaddexp)."""
    def fn(input, other):
        if not number_other and not isinstance(other, Tensor):
            raise TypeError(f"{name}(): argument 'other' must be Tensor, not {type(other).__name__}")
        if float_only and result_type(input, _number(other)).kind != "f":
            _refuse(name, result_type(input, _number(other)))
        return P.Elementwise2.apply(*_float_operands(input, other), fn=np_fn, grads=grads)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return _with_out(fn)


def _atan2_grads():
    def da(a, b, out):
        return b / (a * a + b * b)

    def db(a, b, out):
        return -a / (a * a + b * b)
    return da, db


def _copysign_da(a, b, out):
    with np.errstate(invalid="ignore", divide="ignore"):
        return P._where(np.asarray(P._data(a)) == 0, 0.0, out / a)


def _xlogy(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((x == 0) & ~np.isnan(y), 0.0, x * np.log(y)).astype(np.result_type(x, y))


def _xlogy_dx(x, y, out):
    """log(y), but 0 where x == 0 and y <= 0 (PyTorch's rule)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        zero = (np.asarray(P._data(x)) == 0) & (np.asarray(P._data(y)) <= 0)
        return P._where(zero, 0.0, P._log(y))


atan2 = _float_binary("atan2", np.arctan2, _atan2_grads(),
                      "The angle of the point (other, input): arctan(input / other) in the right "
                      "quadrant.", number_other=False)
arctan2 = _float_binary("arctan2", np.arctan2, _atan2_grads(), "An alias of :func:`atan2`.",
                        number_other=False)
hypot = _float_binary("hypot", np.hypot, (lambda a, b, out: a / out, lambda a, b, out: b / out),
                      "sqrt(input**2 + other**2) without overflow (floats only).", float_only=True,
                      number_other=False)
logaddexp = _float_binary("logaddexp", np.logaddexp,
                          (lambda a, b, out: P._exp(a - out), lambda a, b, out: P._exp(b - out)),
                          "log(exp(input) + exp(other)), computed stably (floats only).",
                          float_only=True, number_other=False)
copysign = _float_binary("copysign", np.copysign, (_copysign_da, _zero2),
                         "|input| with the sign of other (gradient 0 where input is 0).")


@_with_out
def xlogy(input, other):
    """``input * log(other)``, 0 where input is 0 (unless other is NaN).

    >>> tg.xlogy(Tensor([0.0, 2.0]), Tensor([0.0, 1.0]))
    tensor([0., 0.])
    """
    return P.Elementwise2.apply(*_float_operands(input, other), fn=_xlogy,
                                grads=(_xlogy_dx, lambda x, y, out: x / y))


@_with_out
def lerp(input, end, weight):
    """``input + weight * (end - input)``; ``weight`` a number or a tensor (all differentiable).

    >>> tg.lerp(Tensor([0.0, 1.0]), Tensor([10.0, 3.0]), 0.5)
    tensor([5., 2.])
    """
    _float_only(input, "lerp")
    if not isinstance(end, Tensor):
        raise TypeError(f"lerp(): argument 'end' must be Tensor, not {type(end).__name__}")
    if end.dtype != input.dtype:
        raise DTypeError(f"lerp: expected dtype {input.dtype} for `end` but got dtype {end.dtype}")
    if isinstance(weight, Tensor):
        if weight.dtype != input.dtype and weight.ndim:
            raise DTypeError(f"lerp: expected dtype {input.dtype} for `weight` but got dtype {weight.dtype}")
        weight = weight.to(input.dtype)
    elif not isinstance(weight, numbers.Number):
        raise TypeError(f"lerp(): weight must be a number or a Tensor, got {type(weight).__name__}")
    # PyTorch's two forms: exact at weight 0 and at weight 1
    small = np.abs(_data(weight)) < 0.5
    near_start = input + weight * (end - input)
    near_end = end - (end - input) * (1 - weight)
    return P.Where.apply(near_start, near_end, cond=np.broadcast_to(small, np.broadcast_shapes(
        np.shape(small), near_start.shape)))


# --- tests of values -------------------------------------------------------------------------

def isnan(input):
    """Where the values are NaN, as a bool tensor."""
    return Tensor(np.isnan(input._array) if input._array.dtype.kind == "f" else np.zeros(input.shape, bool))


def isinf(input):
    """Where the values are +inf or -inf, as a bool tensor."""
    return Tensor(np.isinf(input._array) if input._array.dtype.kind == "f" else np.zeros(input.shape, bool))


def isfinite(input):
    """Where the values are neither infinite nor NaN, as a bool tensor."""
    return Tensor(np.isfinite(input._array) if input._array.dtype.kind == "f" else np.ones(input.shape, bool))


@_with_out
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (default: 0 and the
    dtype's largest and lowest finite values); gradient 1 where x is finite, else 0.

    >>> tg.nan_to_num(Tensor([float("nan"), float("inf"), 1.0]), posinf=9.0)
    tensor([0., 9., 1.])
    """
    x = input._array
    if x.dtype.kind != "f":
        return Tensor(x.copy())
    info = np.finfo(x.dtype)
    value = np.nan_to_num(x, nan=nan, posinf=info.max if posinf is None else posinf,
                          neginf=info.min if neginf is None else neginf)
    return P.Where.apply(input, value, cond=np.isfinite(x))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Where ``|input - other| <= atol + rtol * |other|``, as a bool tensor (same dtypes).

    >>> tg.isclose(Tensor([1.0, 2.0]), Tensor([1.0 + 1e-9, 2.1]))
    tensor([ True, False])
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"isclose(): argument 'other' must be Tensor, not {type(other).__name__}")
    if input.dtype != other.dtype:
        raise DTypeError(f"isclose: {input.dtype} did not match {other.dtype}")
    try:
        a, b = np.broadcast_arrays(input._array, other._array)
    except ValueError:
        raise ShapeError(f"isclose: cannot compare shapes {input.shape} and {other.shape}") from None
    if a.dtype.kind == "b":
        return Tensor(a == b)
    with np.errstate(invalid="ignore", over="ignore"):
        close = a == b
        if a.dtype.kind == "f":
            diff = np.abs(a - b)
            close |= np.isfinite(diff) & (diff <= atol + rtol * np.abs(b))
            if equal_nan:
                close |= np.isnan(a) & np.isnan(b)
        else:
            wide = np.abs(a.astype(np.float64) - b.astype(np.float64))
            close |= wide <= atol + rtol * np.abs(b.astype(np.float64))
    return Tensor(close)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of :func:`isclose` holds (a Python bool).

    >>> tg.allclose(Tensor([1.0, 2.0]), Tensor([1.0, 2.0 + 1e-7]))
    True
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._array.all())


def equal(input, other):
    """Whether the tensors have the same shape and the same values (a Python bool).

    >>> tg.equal(Tensor([1, 2]), Tensor([1, 2])), tg.equal(Tensor([1, 2]), Tensor([1]))
    (True, False)
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"equal(): argument 'other' must be Tensor, not {type(other).__name__}")
    if input.shape != other.shape:
        return False
    a, b = _operand_arrays(input, other)
    return bool(np.array_equal(a, b))


# --- clamp -----------------------------------------------------------------------------------

@_with_out
def clamp(input, min=None, max=None):  # noqa: A002 (PyTorch's names)
    """Limit values to ``[min, max]`` (numbers or tensors, broadcast); the gradient goes to
    ``input`` where ``min <= x <= max`` and to the bound that was chosen elsewhere.

    >>> Tensor([-2.0, 0.5, 3.0]).clamp(-1, 1)
    tensor([-1. ,  0.5,  1. ])
    """
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of min and max must be given")
    min, max = _number(min), _number(max)
    dtype = result_type(input, min, max)
    if dtype.kind == "b" and min is not None and max is not None:  # PyTorch's clamp_min/max take bools
        _refuse("clamp", dtype)
    x = cast_operand(input, dtype)
    lo, hi = (None if v is None else cast_operand(v, dtype) for v in (min, max))
    xa, value, inside = x._array, x._array, True
    with np.errstate(invalid="ignore"):
        if lo is not None:
            value, inside = np.maximum(value, _data(lo)), inside & (xa >= _data(lo))
        if hi is not None:
            value, inside = np.minimum(value, _data(hi)), inside & (xa <= _data(hi))
    if dtype.kind != "f":
        return Tensor(np.asarray(value))
    out = value
    for bound in (hi, lo):  # lo last: where both bounds are equal to the value, lo gets the gradient
        if isinstance(bound, Tensor):
            chosen = ~inside & (value == bound._array)
            out = P.Where.apply(bound, out, cond=chosen)
    return P.Where.apply(x, out, cond=np.broadcast_to(inside, np.shape(value)))


@_with_out
def clip(input, min=None, max=None):  # noqa: A002
    """An alias of :func:`clamp`."""
    return clamp(input, min, max)


@_with_out
def clamp_min(input, min):  # noqa: A002
    """``clamp(input, min=min)``.

    >>> tg.clamp_min(Tensor([-1.0, 2.0]), 0.5)
    tensor([0.5, 2. ])
    """
    return clamp(input, min=min)


@_with_out
def clamp_max(input, max):  # noqa: A002
    """``clamp(input, max=max)``.

    >>> tg.clamp_max(Tensor([-1.0, 2.0]), 0.5)
    tensor([-1. ,  0.5])
    """
    return clamp(input, max=max)


def maximum(input, other):
    """Elementwise maximum; at ties the gradient is split evenly (as PyTorch)."""
    return P.Maximum.apply(*binary_operands(input, _tensor_other(other, "maximum")))


def minimum(input, other):
    """Elementwise minimum; at ties the gradient is split evenly (as PyTorch)."""
    return P.Minimum.apply(*binary_operands(input, _tensor_other(other, "minimum")))


def _tensor_other(other, name):
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    return other


# ---------------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------------

def relu(input):
    """max(x, 0)."""
    return P.Relu.apply(input)


def leaky_relu(input, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise (floats only)."""
    _float_only(input, "leaky_relu")
    return P.Where.apply(input, input * negative_slope, cond=input._array > 0)


@_with_out
def sigmoid(input):
    """1 / (1 + e**-x), computed without overflow for any x."""
    return P.Sigmoid.apply(to_float(input))


@_with_out
def tanh(input):
    """Hyperbolic tangent."""
    return P.Tanh.apply(to_float(input))


def _softmax_input(input, dim, dtype, name):
    if dtype is not None:
        input = input.to(dtype)
    axis = reduce_dims(dim, input.ndim, name)
    if input._array.size:  # PyTorch answers an empty tensor of any dtype
        _float_only(input, name)
    return input, axis


def softmax(input, dim=-1, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``, shifted by the max for stability (floats only;
    ``dtype`` casts first)."""
    input, axis = _softmax_input(input, dim, dtype, "softmax")
    if input._array.size == 0:
        return input.clone()
    return P.Softmax.apply(input, axis=axis)


def log_softmax(input, dim=-1, dtype=None):
    """x - logsumexp(x) along ``dim``, computed stably in one op (floats only; ``dtype`` casts
    first)."""
    input, axis = _softmax_input(input, dim, dtype, "log_softmax")
    if input._array.size == 0:
        return input.clone()
    return P.LogSoftmax.apply(input, axis=axis)


_SQRT_2_OVER_PI, _SQRT_HALF = np.sqrt(2.0 / np.pi).item(), np.sqrt(0.5).item()


def gelu(input, approximate="none"):
    """Gaussian error linear unit: x·Φ(x); ``approximate='tanh'`` uses the tanh formula (floats
    only; float16 is computed in float32, as PyTorch does)."""
    _float_only(input, "gelu")
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    if input._array.dtype == np.float16:
        return gelu(input.float(), approximate).half()
    if approximate == "tanh":
        return 0.5 * input * (1.0 + (_SQRT_2_OVER_PI * (input + 0.044715 * input ** 3)).tanh())
    return 0.5 * input * (1.0 + (input * _SQRT_HALF).erf())


_sigmoid = P._unary(P.sigmoid_array, "sigmoid")


def _silu_grad(x, out):
    s = _sigmoid(x)
    return s * (1 + x * (1 - s))


def silu(input):
    """x * sigmoid(x) (floats only); its derivative in PyTorch's closed form
    sigmoid(x)·(1 + x·(1 - sigmoid(x))), finite for every finite x."""
    _float_only(input, "silu")
    return P.Elementwise.apply(input, fn=lambda x: x * P.sigmoid_array(x), grad=_silu_grad)


# ---------------------------------------------------------------------------------------------
# in place: x.op_(...) is x.op(...) written back into x (Tensor._inplace: PyTorch's rules)
# ---------------------------------------------------------------------------------------------

def _in_place(name):
    def op_(input, *args, **kwargs):
        return input._inplace(name + "_", *args, **kwargs)
    op_.__name__ = op_.__qualname__ = name + "_"
    op_.__doc__ = f"In place :func:`{name}`: the result is written into this tensor (its dtype must fit)."
    return op_


_IN_PLACE = ("exp", "log", "sqrt", "abs", "sin", "cos", "erf", "sign", "neg", "relu", "sigmoid",
             "tanh", "clip", "pow", "floor_divide", "remainder", "fmod", "true_divide", "floor",
             "ceil", "round", "trunc", "frac", "rsqrt", "reciprocal", "square", "tan", "asin",
             "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2", "log10", "log1p",
             "exp2", "expm1", "erfinv", "logit", "sgn", "atan2", "arctan2", "hypot", "copysign",
             "xlogy", "lerp", "nan_to_num", "clamp_min", "clamp_max", "logical_not", "logical_and",
             "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
             "bitwise_left_shift", "bitwise_right_shift")
globals().update({name + "_": _in_place(name) for name in _IN_PLACE})  # exp_ = _in_place("exp"), ...
__all__ += [name + "_" for name in _IN_PLACE]
