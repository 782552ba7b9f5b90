"""The primitives: each Function's forward and backward side by side.

``forward`` receives NumPy arrays (and Python numbers). ``backward(g, out, *inputs)`` receives the
output gradient, the output and the inputs, and returns one gradient per input (or None). Each
rule is written once. Plain primitives: their backward runs on NumPy arrays normally and on
Tensors when the backward pass is itself recorded (``create_graph=True``); the few helpers below
(``sum_to``, ``_sum``, ``_where``, ...) dispatch on that. Fused primitives (``CrossEntropy``,
``BinaryCrossEntropy``, ``BatchNorm``, ``Conv2d``, ``MaxPool2d``) have a NumPy-only backward and a
``composite``: the same output built from plain primitives, which the engine differentiates
instead under ``create_graph``, so no rule is written twice. Constant masks are NumPy arrays.

NumPy fast paths live in ``kernels.py``. Broadcasting is undone in one place: :func:`sum_to`.
"""
import math

import numpy as np

from . import grad_mode, kernels
from .arguments import DTypeError, ShapeError, UnsupportedDTypeError
from .tensor import Function, Tensor

# ---------------------------------------------------------------------------------------------
# helpers that work on NumPy arrays and on Tensors
# ---------------------------------------------------------------------------------------------


def _data(v):
    return v._array if isinstance(v, Tensor) else v


def sum_to(g, shape):
    """Reduce a broadcast gradient ``g`` back to ``shape`` (sum the extra leading axes, then the
    axes that were 1). The one place broadcasting is undone."""
    if g.shape == shape:
        return g
    if isinstance(g, Tensor):  # the axes kernels.sum_to sums, as recorded primitives
        lead = g.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1)
        return Reshape.apply(Sum.apply(g, axis=axes, keepdims=False), shape=shape)
    return kernels.sum_to(g, shape)


def _broadcast(g, shape):
    return Expand.apply(g, shape=shape) if isinstance(g, Tensor) else np.broadcast_to(g, shape)


def _sum(g, axis, keepdims):
    if isinstance(g, Tensor):
        return Sum.apply(g, axis=axis, keepdims=keepdims)
    return kernels.sum(g, axis, keepdims)


def _where(cond, a, b):
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return Where.apply(a, b, cond=cond)
    return np.where(cond, a, b)


def _permute(g, axes):
    return Permute.apply(g, axes=axes) if isinstance(g, Tensor) else g.transpose(axes)


def _unary(np_fn, method):
    return lambda v: getattr(v, method)() if isinstance(v, Tensor) else np_fn(v)


_exp, _log, _sin, _cos = (_unary(np.exp, "exp"), _unary(np.log, "log"),
                          _unary(np.sin, "sin"), _unary(np.cos, "cos"))


# ---------------------------------------------------------------------------------------------
# elementwise binary (broadcasting)
# ---------------------------------------------------------------------------------------------

class Add(Function):
    reads = ((), ())
    def forward(self, a, b):
        return a + b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        return sum_to(g, a.shape) if na else None, sum_to(g, b.shape) if nb else None


class Sub(Function):
    reads = ((), ())
    def forward(self, a, b):
        return a - b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        return sum_to(g, a.shape) if na else None, sum_to(-g, b.shape) if nb else None


class Mul(Function):
    reads = ((1,), (0,))
    def forward(self, a, b):
        return a * b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        return sum_to(g * b, a.shape) if na else None, sum_to(g * a, b.shape) if nb else None


class Div(Function):
    reads = ((1,), (1, -1))
    def forward(self, a, b):
        return a / b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        ga = g / b
        return sum_to(ga, a.shape) if na else None, sum_to(-ga * out, b.shape) if nb else None


class Pow(Function):
    """a ** b. As PyTorch: no gradient for a where b == 0, none for b where a == 0 and b >= 0."""

    def forward(self, a, b):
        return np.power(a, b)

    def backward(self, g, out, a, b):
        na, nb = self.needs
        ad, bd = _data(a), _data(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = sum_to(g * _where(bd == 0, 0.0, b * a ** (b - 1)), a.shape) if na else None  # PyTorch's
            gb = sum_to(g * _where((ad == 0) & (bd >= 0), 0.0, out * _log(a)), b.shape) if nb else None  # order
        return ga, gb


def _tie_split(fn, g, out, a, b, loses):
    """Gradients of a two-way selection: each side gets g except where it loses, ties give each
    side half; where a value is NaN neither loses, so both get g (PyTorch's masks)."""
    ad, bd = _data(a), _data(b)
    tie, dtype = ad == bd, _data(out).dtype
    na, nb = fn.needs
    return (sum_to(g * np.where(tie, 0.5, ~loses(ad, bd)).astype(dtype), a.shape) if na else None,
            sum_to(g * np.where(tie, 0.5, ~loses(bd, ad)).astype(dtype), b.shape) if nb else None)


class Maximum(Function):
    """max(a, b); at ties each side gets half the gradient, as PyTorch."""

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, g, out, a, b):
        return _tie_split(self, g, out, a, b, np.less)


class Minimum(Function):
    """min(a, b); at ties each side gets half the gradient, as PyTorch."""

    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, g, out, a, b):
        return _tie_split(self, g, out, a, b, np.greater)


class Elementwise2(Function):
    """``fn(a, b)`` for a NumPy function of two broadcast arrays, with the partial derivatives
    ``grads = (da, db)``, each ``d(a, b, out)`` written with operators and the helpers here so
    that it works on arrays and, under ``create_graph``, on Tensors (atan2, hypot, fmod, ...)."""

    def forward(self, a, b, fn, grads):
        self.grads = grads
        return fn(a, b)

    def backward(self, g, out, a, b):
        (na, nb), (da, db) = self.needs, self.grads
        return (sum_to(g * da(a, b, out), a.shape) if na else None,
                sum_to(g * db(a, b, out), b.shape) if nb else None)


class Where(Function):
    """``a`` where ``cond`` (a constant bool array) holds, ``b`` elsewhere."""

    reads = ((), ())

    def forward(self, a, b, cond):
        self.cond = cond
        return np.where(cond, a, b)

    def backward(self, g, out, a, b):
        na, nb = self.needs
        return (sum_to(_where(self.cond, g, 0), a.shape) if na else None,
                sum_to(_where(self.cond, 0, g), b.shape) if nb else None)


# ---------------------------------------------------------------------------------------------
# elementwise unary
# ---------------------------------------------------------------------------------------------

class Neg(Function):
    reads = ((),)
    def forward(self, x):
        return -x

    def backward(self, g, out, x):
        return (-g,)


def _power(x, p):
    """x ** p, with PyTorch's special cases: in float32 and float64, p = 0.5 is sqrt and p = -0.5
    is 1 / sqrt (so (-0.0) ** -0.5 is -inf and (-inf) ** 0.5 is NaN, as there)."""
    if isinstance(x, Tensor):
        return PowScalar.apply(x, p=p)
    if p in (0.5, -0.5):  # float16 takes the plain pow there (NumPy's ** would take sqrt)
        return np.power(x, p) if x.dtype == np.float16 else np.sqrt(x) if p == 0.5 else 1 / np.sqrt(x)
    return x ** p


class PowScalar(Function):
    """x ** p for a Python number p."""

    reads = ((0,),)

    def forward(self, x, p):
        self.p = p
        return _power(x, p)

    def backward(self, g, out, x):
        p = self.p
        if p == 0:
            return (g * 0,)
        return (g * (2 * x) if p == 2 else g * p * _power(x, p - 1),)


class Sign(Function):
    """-1, 0 or 1 by the sign of x (0 for NaN, as PyTorch); the gradient is zero everywhere."""

    def forward(self, x):
        out = np.sign(x)
        return np.where(np.isnan(out), 0, out) if out.dtype.kind == "f" else out

    def backward(self, g, out, x):
        return (g * 0,)


class Exp(Function):
    reads = ((-1,),)
    def forward(self, x):
        return np.exp(x)

    def backward(self, g, out, x):
        return (g * out,)


class Log(Function):
    reads = ((0,),)
    def forward(self, x):
        return np.log(x)

    def backward(self, g, out, x):
        return (g / x,)


class Sqrt(Function):
    """Square root. With ``zero_at_zero`` (for std, as PyTorch) the gradient at 0 is 0, not inf."""

    reads = ((-1,),)

    def forward(self, x, zero_at_zero=False):
        self.zero_at_zero = zero_at_zero
        return np.sqrt(x)

    def backward(self, g, out, x):
        if self.zero_at_zero:
            with np.errstate(divide="ignore", invalid="ignore"):
                return (_where(_data(out) == 0, 0.0, g * 0.5 / out),)
        return (g * 0.5 / out,)


class Abs(Function):
    reads = ((0,),)
    def forward(self, x):
        return np.abs(x)

    def backward(self, g, out, x):
        sign = np.sign(_data(x))
        return (g * np.where(np.isnan(sign), 0, sign).astype(sign.dtype),)  # 0 at NaN, as PyTorch


class Sin(Function):
    reads = ((0,),)
    def forward(self, x):
        return np.sin(x)

    def backward(self, g, out, x):
        return (g * _cos(x),)


class Cos(Function):
    reads = ((0,),)
    def forward(self, x):
        return np.cos(x)

    def backward(self, g, out, x):
        return (-g * _sin(x),)


_erf = np.frompyfunc(math.erf, 1, 1)


class Erf(Function):
    reads = ((0,),)
    def forward(self, x):
        return np.asarray(_erf(x), dtype=x.dtype)

    def backward(self, g, out, x):
        return (g * (2 / math.sqrt(math.pi)) * _exp(-(x * x)),)


class Elementwise(Function):
    """``fn(x)`` for a NumPy function applied elementwise, with the derivative ``grad(x, out)``
    written with operators and the helpers here, so that it works on arrays and, under
    ``create_graph``, on Tensors: one primitive for the many functions NumPy computes exactly
    (tan, asinh, log1p, ...), where a composite would differ from PyTorch in the last bits.
    ``grad=None`` is a zero gradient (floor, round, ...)."""

    def forward(self, x, fn, grad):
        self.grad = grad
        return fn(x)

    def backward(self, g, out, x):
        return (g * 0 if self.grad is None else g * self.grad(x, out),)


class Cast(Function):
    """A copy of x with another dtype (also used for clone)."""

    reads = ((),)

    def forward(self, x, dtype):
        return x.astype(dtype)

    def backward(self, g, out, x):
        return (g.to(x.dtype) if isinstance(g, Tensor) else g.astype(x.dtype),)


# ---------------------------------------------------------------------------------------------
# activations (fused where that is faster and more stable)
# ---------------------------------------------------------------------------------------------

class Relu(Function):
    reads = ((-1,),)
    def forward(self, x):
        return kernels.relu(x)

    def backward(self, g, out, x):
        if isinstance(g, Tensor):
            return (g * (_data(out) > 0),)
        return (kernels.mask_positive(g, out),)


def sigmoid_array(x):
    """1 / (1 + e^-x) of an array without overflow: e^-|x| never exceeds 1."""
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


class Sigmoid(Function):
    """1 / (1 + e^-x) without overflow (:func:`sigmoid_array`). Gradient from the output."""

    reads = ((-1,),)

    def forward(self, x):
        return sigmoid_array(x)

    def backward(self, g, out, x):
        return (g * out * (1 - out),)


class Tanh(Function):
    reads = ((-1,),)
    def forward(self, x):
        return np.tanh(x)

    def backward(self, g, out, x):
        return (g * (1 - out * out),)


class Softmax(Function):
    reads = ((-1,),)
    def forward(self, x, axis):
        self.axis = axis
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def backward(self, g, out, x):
        return (out * (g - _sum(g * out, self.axis, True)),)


class LogSoftmax(Function):
    reads = ((-1,),)
    def forward(self, x, axis):
        self.axis = axis
        s = x - x.max(axis=axis, keepdims=True)
        return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))

    def backward(self, g, out, x):
        return (g - _exp(out) * _sum(g, self.axis, True),)


# ---------------------------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------------------------

class Sum(Function):
    """Sum over ``axis`` (None or a tuple), optionally times ``scale`` (mean uses 1/n)."""

    reads = ((),)

    def forward(self, x, axis, keepdims, scale=None):
        self.axis, self.keepdims, self.scale = axis, keepdims, scale
        if x.dtype == np.float16:  # accumulate in float32, as PyTorch does
            r = x.sum(axis=axis, keepdims=keepdims, dtype=np.float32)
            return (r if scale is None else r * scale).astype(np.float16)
        if x.dtype.kind in "biu" and scale is None:  # integers and bools sum to int64
            return x.sum(axis=axis, keepdims=keepdims, dtype=np.int64)
        r = kernels.sum(x, axis, keepdims)
        return r if scale is None else r * scale

    def backward(self, g, out, x):
        if self.scale is not None:
            g = g * self.scale
        return (_broadcast(g.reshape(kernels.keep_shape(x.shape, self.axis)), x.shape),)


class Max(Function):
    """Maximum over ``axis``; the gradient is split evenly between tied maxima. With
    ``nan_ties`` a NaN result sends it to the NaNs (``max()``, ``median()``), as PyTorch; without,
    it is NaN (``amax``)."""

    reads = ((0, -1),)

    def forward(self, x, axis, keepdims, nan_ties=False):
        self.axis, self.keepdims, self.nan_ties = axis, keepdims, nan_ties
        return x.max(axis=axis, keepdims=keepdims)

    def backward(self, g, out, x):
        xd, kshape = _data(x), kernels.keep_shape(x.shape, self.axis)
        mask = xd == _data(out).reshape(kshape)
        if self.nan_ties:
            mask |= np.isnan(xd) & np.isnan(_data(out).reshape(kshape))
        w = (mask / mask.sum(axis=self.axis, keepdims=True)).astype(xd.dtype)
        return (g.reshape(kshape) * w,)


class Min(Max):
    """Minimum over ``axis``; the gradient is split evenly between tied minima."""

    def forward(self, x, axis, keepdims, nan_ties=False):
        self.axis, self.keepdims, self.nan_ties = axis, keepdims, nan_ties
        return x.min(axis=axis, keepdims=keepdims)


# ---------------------------------------------------------------------------------------------
# shape and indexing
# ---------------------------------------------------------------------------------------------

class Reshape(Function):
    is_view = True
    reads = ((),)

    def again(self, x, shape):  # the same view of another tensor (see Tensor._rebase)
        return Reshape.apply(x, shape=shape)

    def forward(self, x, shape):
        return x.reshape(shape)

    def backward(self, g, out, x):
        return (g.reshape(x.shape),)


class Permute(Function):
    is_view = True
    reads = ((),)

    def again(self, x, shape):
        return Permute.apply(x, axes=self.axes)

    def forward(self, x, axes):
        self.axes = axes
        return x.transpose(axes)

    def backward(self, g, out, x):
        return (_permute(g, tuple(np.argsort(self.axes))),)


class Expand(Function):
    is_view = True
    reads = ((),)

    def forward(self, x, shape):
        return np.broadcast_to(x, shape)

    def backward(self, g, out, x):
        return (sum_to(g, x.shape),)


def _is_basic(index):
    """True when an index has no arrays, so each element is picked at most once."""
    items = index if isinstance(index, tuple) else (index,)
    return not any(isinstance(i, np.ndarray) for i in items)


class Getitem(Function):
    reads = ((),)

    def again(self, x, shape):
        return Getitem.apply(x, index=self.index)

    def forward(self, x, index):
        self.index, self.is_view = index, _is_basic(index)
        out = x[index]
        if self.is_view and type(out) is not np.ndarray:  # a single element: a 0-d view, not a copy
            out = x[(index if isinstance(index, tuple) else (index,)) + (Ellipsis,)]
        return out

    def backward(self, g, out, x):
        return (IndexAdd.apply(g, shape=x.shape, index=self.index) if isinstance(g, Tensor)
                else _scatter_add(g, x.shape, self.index),)


def _scatter_add(g, shape, index):
    z = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        z[index] = g
    else:
        np.add.at(z, index, g)  # repeated indices accumulate
    return z


class IndexAdd(Function):
    """Zeros of ``shape`` with ``g`` added at ``index`` (the backward of Getitem, recorded)."""

    reads = ((),)

    def forward(self, g, shape, index):
        self.index = index
        return _scatter_add(g, shape, index)

    def backward(self, g, out, x):
        return (Getitem.apply(g, index=self.index) if isinstance(g, Tensor) else g[self.index],)


class Cat(Function):
    reads = ()
    def forward(self, *xs, axis):
        self.axis = axis
        return np.concatenate(xs, axis=axis)

    def backward(self, g, out, *xs):
        grads, start, lead = [], 0, (slice(None),) * self.axis
        for x, need in zip(xs, self.needs):
            stop = start + x.shape[self.axis]
            grads.append(g[lead + (slice(start, stop),)] if need else None)
            start = stop
        return grads


class Pad(Function):
    reads = ((),)
    def forward(self, x, widths, value):
        self.widths = widths
        return np.pad(x, widths, constant_values=value)

    def backward(self, g, out, x):
        return (g[tuple(slice(lo, lo + n) for (lo, _), n in zip(self.widths, x.shape))],)


# ---------------------------------------------------------------------------------------------
# matrix products
# ---------------------------------------------------------------------------------------------

class Matmul(Function):
    """a @ b for vectors, matrices and broadcast batches of matrices."""

    reads = ((1,), (0,))

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ShapeError("both arguments must have at least one dimension")
        if a.dtype != b.dtype or a.dtype.kind == "b":
            _check_product_dtypes(a, b)
        return a @ b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        if a.ndim == 2 and b.ndim == 2:
            return g @ b.T if na else None, a.T @ g if nb else None
        # promote vectors to matrices, then undo the promotion and the batch broadcast
        a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
        b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g2 = g.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        ga = sum_to(g2 @ _swap(b2), a2.shape).reshape(a.shape) if na else None
        gb = sum_to(_swap(a2) @ g2, b2.shape).reshape(b.shape) if nb else None
        return ga, gb


def _check_product_dtypes(*arrays):
    """Matrix products need one dtype, and have no kernel for bool (as in PyTorch, whose empty
    bool products still answer)."""
    if len({a.dtype for a in arrays}) > 1:
        raise DTypeError(f"the operands must have the same dtype, got "
                         f"{', '.join(str(a.dtype) for a in arrays)}")
    if arrays[0].dtype == np.bool_ and arrays[0].size and arrays[1].size:
        raise UnsupportedDTypeError("matrix products are not implemented for bool tensors")


def _swap(x):
    axes = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return _permute(x, axes)


class Linear(Function):
    """x @ weight.T + bias in one node: the layer nn.Linear uses."""

    def forward(self, x, weight, bias=None):
        if x.shape[-1:] != weight.shape[1:]:
            raise ShapeError(f"input features {x.shape[-1:]} do not match weight {weight.shape}")
        if x.dtype != weight.dtype or (bias is not None and bias.dtype != x.dtype) or x.dtype.kind == "b":
            _check_product_dtypes(x, weight, *(() if bias is None else (bias,)))
        out = x @ weight.T
        if bias is None:
            return out
        if bias.dtype == out.dtype:
            out += bias  # in place: saves an allocation per layer
            return out
        return out + bias

    def backward(self, g, out, x, weight, bias=None):
        needs = self.needs
        gx = g @ weight if needs[0] else None
        g2 = g.reshape((-1, g.shape[-1])) if g.ndim != 2 else g
        gw = g2.T @ (x.reshape((-1, x.shape[-1])) if x.ndim != 2 else x) if needs[1] else None
        gb = _sum(g2, (0,), False) if len(needs) > 2 and needs[2] else None
        return gx, gw, gb



# ---------------------------------------------------------------------------------------------
# fused primitives: a NumPy backward for first derivatives, a composite for higher ones
# ---------------------------------------------------------------------------------------------

class CrossEntropy(Function):
    """Softmax cross-entropy of logits (N, C) against int64 targets (N,), with label smoothing:
    the forward never takes the log of a softmax and the backward is (softmax - smoothed one-hot)
    / N. Composite: ``-(1 - ε)·log_softmax(x)[target] - ε/C·Σ log_softmax(x)``, reduced."""

    def forward(self, x, target, reduction="mean", label_smoothing=0.0):
        n, c = x.shape
        if target.shape != (n,):
            raise ValueError(f"targets of shape {target.shape} do not match logits of shape {x.shape}; "
                             f"expected ({n},)")
        kernels.check_class_indices(target, c)
        loss, self.p, self.flat = kernels.cross_entropy(x, target, label_smoothing)
        self.target, self.reduction, self.smoothing = target, reduction, label_smoothing
        if reduction == "none":
            return loss
        total = np.add.reduce(loss)
        return np.asarray(total / n if reduction == "mean" else total, dtype=x.dtype)

    def backward(self, g, out, x):
        n = x.shape[0]
        if self.reduction == "none":
            scale = g.reshape((n, 1))
        else:
            scale = g / n if self.reduction == "mean" else g
        return (kernels.cross_entropy_grad(self.p, self.flat, self.smoothing, scale),)

    def composite(self, x):
        (n, c), ls = x.shape, self.smoothing
        logp = LogSoftmax.apply(x, axis=(1,))
        loss = Getitem.apply(logp, index=(np.arange(n), self.target)) * -(1 - ls)
        if ls:
            loss = loss - Sum.apply(logp, axis=(1,), keepdims=False, scale=ls / c)
        if self.reduction == "none":
            return loss
        return Sum.apply(loss, axis=None, keepdims=False, scale=1 / n if self.reduction == "mean" else None)


def _clamped_log(x):
    """log(x) clamped below at -100, as PyTorch's BCE does; where the clamp is active the
    gradient is 0 (not NaN, even at x = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = np.log(_data(x)) > -100
    return _where(keep, _log(_where(keep, x, 1.0)), -100.0)


class BinaryCrossEntropy(Function):
    """Elementwise ``-(y·log(x) + (1 - y)·log(1 - x))`` with each log clamped at -100, as PyTorch.
    Its gradient for x is PyTorch's ``(x - y) / max(x·(1 - x), 1e-12)``: finite even where
    sigmoid(x) underflowed to a tiny x. Composite: the clamped logs."""

    def forward(self, x, y):  # on arrays; the same expression on Tensors is the composite
        return -(y * _clamped_log(x) + (1 - y) * _clamped_log(1 - x))

    composite = forward

    def backward(self, g, out, x, y):
        nx, ny = self.needs
        gx = g * (x - y) / np.maximum(x * (1 - x), 1e-12) if nx else None
        gy = g * (_clamped_log(1 - x) - _clamped_log(x)) if ny else None
        return gx, gy


class BatchNorm(Function):
    """Batch normalisation with the batch's own statistics. Per channel (axis 1) of x (N, C, ...):
    ``xhat = (x - mean) / sqrt(var + eps)``, mean and biased variance over every other axis, then
    ``xhat * weight + bias`` (each optional). The backward is the closed form in
    :func:`kernels.batch_norm_grad`; the composite computes the same from plain primitives. The
    list ``stats``, when given, receives the batch mean and biased variance, shape (C,)."""

    def forward(self, x, weight=None, bias=None, eps=1e-5, stats=None):
        self.dims = (0,) + tuple(range(2, x.ndim))
        self.shape, self.eps = kernels.keep_shape(x.shape, self.dims), eps
        xhat, mean, var, self.inv = kernels.batch_norm(x, eps, self.dims)
        self.xhat = xhat
        if stats is not None:
            stats += [mean.reshape(-1), var.reshape(-1)]
        if weight is None:
            return xhat if bias is None else xhat + bias.reshape(self.shape)  # xhat is kept
        out = xhat * weight.reshape(self.shape)
        if bias is not None:
            out += bias.reshape(self.shape)
        return out

    def backward(self, g, out, x, weight=None, bias=None):
        needs = self.needs
        gx, gw, gb = kernels.batch_norm_grad(g, self.xhat, self.inv, weight, self.dims, self.shape,
                                             needs[0])
        return (gx, gw if weight is not None and needs[1] else None,
                gb if bias is not None and needs[2] else None)

    def composite(self, x, weight=None, bias=None):
        dims, shape = self.dims, self.shape
        scale = 1 / (x._array.size // x.shape[1])
        centered = x - Sum.apply(x, axis=dims, keepdims=True, scale=scale)
        var = Sum.apply(centered * centered, axis=dims, keepdims=True, scale=scale)
        out = centered * PowScalar.apply(var + self.eps, p=-0.5)
        if weight is not None:
            out = out * Reshape.apply(weight, shape=shape)
        if bias is not None:
            out = out + Reshape.apply(bias, shape=shape)
        return out


# ---------------------------------------------------------------------------------------------
# sliding windows: convolution and pooling (the loops are in kernels.py)
# ---------------------------------------------------------------------------------------------

def _unfold(x, window):
    if isinstance(x, Tensor):
        return Unfold.apply(x, window=window)
    return kernels.columns(x, window).transpose(3, 0, 1, 2)


def _fold(rows, shape, window):
    if isinstance(rows, Tensor):
        return Fold.apply(rows, shape=shape, window=window)
    return kernels.fold(rows, shape, window)


class Unfold(Function):
    """The windows of an NCHW image as (N, kh·kw·C, OH, OW), zero padded (see
    :func:`kernels.columns`)."""

    def forward(self, x, window):
        self.window = window
        return _unfold(x, window)

    def backward(self, g, out, x):
        return (_fold(g, x.shape, self.window),)


class Fold(Function):
    """The adjoint of :class:`Unfold`: sums windows back into an image of ``shape``."""

    def forward(self, rows, shape, window):
        self.window = window
        return _fold(rows, shape, window)

    def backward(self, g, out, rows):
        return (_unfold(g, self.window),)


class Conv2d(Function):
    """Cross-correlation of x (N, C, H, W) with weight (O, C, kh, kw), plus bias (O,), as one
    matrix product (:func:`kernels.conv2d`). Composite: the unfolded windows times the weight."""

    def forward(self, x, weight, bias=None, window=None):
        self.window = window
        out, self.cols = kernels.conv2d(x, weight, bias, window)
        return out

    def backward(self, g, out, x, weight, bias=None):
        needs = self.needs
        return kernels.conv2d_grads(g, x.shape, weight, self.cols, self.window, needs[0], needs[1],
                                    bias is not None and needs[2])

    def composite(self, x, weight, bias=None):
        rows = Unfold.apply(x, window=self.window)
        (n, k, oh, ow), o = rows.shape, weight.shape[0]
        w = Reshape.apply(Permute.apply(weight, axes=(0, 2, 3, 1)), shape=(o, k))
        out = Reshape.apply(w @ Reshape.apply(rows, shape=(n, k, oh * ow)), shape=(n, o, oh, ow))
        return out if bias is None else out + Reshape.apply(bias, shape=(1, o, 1, 1))


class MaxPool2d(Function):
    """Maximum over each window. The gradient goes to the first maximum of each window in
    row-major order, as PyTorch's does (:func:`kernels.pool_winners`). Composite: the winners
    picked from the unfolded windows."""

    def forward(self, x, window):
        self.window = window
        out, self.gains = kernels.max_pool2d(x, window, record=grad_mode.state.enabled)
        return out

    def backward(self, g, out, x):
        return (kernels.max_pool2d_grad(g, x.shape, self.window, kernels.pool_winners(self.gains)),)

    def composite(self, x):
        rows = Unfold.apply(x, window=self.window)  # (N, kh·kw·C, OH, OW)
        offset = np.stack(kernels.pool_winners(self.gains)).argmax(0)  # (C, OH, OW, N)
        c, oh, ow, n = offset.shape
        channel = np.arange(c).reshape(c, 1, 1, 1)
        grid = np.ogrid[:c, :oh, :ow, :n]
        index = (grid[3], offset * c + channel, grid[1], grid[2])
        return Getitem.apply(rows, index=tuple(i.transpose(3, 0, 1, 2) for i in index))
