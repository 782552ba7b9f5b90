"""The primitives: each Function's forward and backward side by side.

``forward`` receives NumPy arrays (and Python numbers). ``backward(g, out, *inputs)`` receives the
output gradient, the output and the inputs -- NumPy arrays normally, Tensors when the backward pass
is itself recorded (``create_graph=True``). The few helpers below (``sum_to``, ``_sum``, ``_where``,
...) dispatch on that, so each gradient rule is written once. Constant masks are always NumPy
arrays taken from the data.

Broadcasting is undone in one place: :func:`sum_to`.
"""
import math

import numpy as np

from .tensor import Function, Tensor, is_grad_enabled


# ---------------------------------------------------------------------------------------------
# helpers that work on NumPy arrays and on Tensors
# ---------------------------------------------------------------------------------------------

def _data(v):
    return v.data if isinstance(v, Tensor) else v


_ROWS = {}  # (value, dtype) -> the longest constant row handed out so far, see _row


def _row(value, n, dtype):
    """A read-only row of ``n`` copies of ``value``, a slice of one cached array: the constant
    operand of the sums-as-products below and of ReLU's comparison."""
    row = _ROWS.get((value, dtype))
    if row is None or len(row) < n:
        row = _ROWS[value, dtype] = np.full(n, value, dtype)
        row.flags.writeable = False
    return row[:n]


def _np_sum(x, axis=None, keepdims=False):
    """``x.sum(axis, keepdims)``, as a product with ones when all axes but one are summed and
    that one is innermost in memory (bias gradients of (N, C) rows, per-channel sums of
    channels-last images): NumPy's reduction runs its inner loop over the few channels there,
    several times slower."""
    if axis == (0,) and x.ndim == 2 and x.flags.c_contiguous and x.dtype.kind == "f":
        r = _row(1, len(x), x.dtype) @ x  # the bias gradient of a layer, first: it is the hot case
        return r.reshape(1, -1) if keepdims else r
    if axis is not None and x.ndim > 1 and x.dtype.kind == "f":
        axes = (axis,) if isinstance(axis, int) else axis
        rest = set(range(x.ndim)) - {a % x.ndim for a in axes}
        kept = rest.pop() if len(axes) == x.ndim - 1 and len(rest) == 1 else None
        n = 0 if kept is None else x.shape[kept]
        if not n or x.strides[kept] != x.itemsize:
            rows = None
        elif kept == x.ndim - 1 and x.flags.c_contiguous:
            rows = x.reshape(-1, n)
        else:
            rows = np.moveaxis(x, kept, -1)
            rows = rows.reshape(-1, n) if rows.flags.c_contiguous else None
        if rows is not None:
            r = _row(1, len(rows), x.dtype) @ rows
            return r.reshape([n if a == kept else 1 for a in range(x.ndim)]) if keepdims else r
    return x.sum(axis=axis, keepdims=keepdims)


def _np_sum_to(g, shape):
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and g.shape[i + lead] != 1)
    return _np_sum(g, axes).reshape(shape) if axes else g


def sum_to(g, shape):
    """Reduce a broadcast gradient ``g`` back to ``shape`` (sum the extra leading axes, then the
    axes that were 1). The one place broadcasting is undone."""
    if g.shape == shape:
        return g
    if isinstance(g, Tensor):
        return SumTo.apply(g, shape=shape)
    return _np_sum_to(g, shape)


def _broadcast(g, shape):
    return Expand.apply(g, shape=shape) if isinstance(g, Tensor) else np.broadcast_to(g, shape)


def _sum(g, axis, keepdims):
    if isinstance(g, Tensor):
        return Sum.apply(g, axis=axis, keepdims=keepdims)
    return _np_sum(g, axis, keepdims)


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


def _flat(x):
    """A 1-D view of ``x`` in the order of its memory, or None when x has gaps or reversed axes:
    element i of ``_flat(x)`` and of ``_flat(np.empty_like(x))`` are then the same element."""
    if x.flags.c_contiguous:
        return x.reshape(-1)
    strides = x.strides
    memory_order = x.transpose(sorted(range(x.ndim), key=lambda i: -strides[i]))
    return memory_order.reshape(-1) if memory_order.flags.c_contiguous else None


def _keep_shape(shape, axis):
    """The shape a reduction over ``axis`` has with keepdims=True."""
    if axis is not None:
        axis = [a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)]
    return tuple(1 if axis is None or i in axis else s for i, s in enumerate(shape))


# ---------------------------------------------------------------------------------------------
# elementwise binary (broadcasting)
# ---------------------------------------------------------------------------------------------

class Add(Function):
    def forward(self, a, b):
        return a + b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        return sum_to(g, a.shape) if na else None, sum_to(g, b.shape) if nb else None


class Sub(Function):
    def forward(self, a, b):
        return a - b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        return sum_to(g, a.shape) if na else None, sum_to(-g, b.shape) if nb else None


class Mul(Function):
    def forward(self, a, b):
        return a * b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        return sum_to(g * b, a.shape) if na else None, sum_to(g * a, b.shape) if nb else None


class Div(Function):
    def forward(self, a, b):
        return a / b

    def backward(self, g, out, a, b):
        na, nb = self.needs
        ga = g / b
        return sum_to(ga, a.shape) if na else None, sum_to(-ga * out, b.shape) if nb else None


class Pow(Function):
    def forward(self, a, b):
        return np.power(a, b)

    def backward(self, g, out, a, b):
        na, nb = self.needs
        ga = sum_to(g * b * a ** (b - 1), a.shape) if na else None
        gb = sum_to(g * out * _log(a), b.shape) if nb else None
        return ga, gb


def _tie_split(fn, g, out, a, b, wins):
    """Gradients of a two-way selection: the winner gets g, ties give each side half."""
    ad, bd = _data(a), _data(b)
    w = np.where(ad == bd, 0.5, wins(ad, bd)).astype(_data(out).dtype)
    na, nb = fn.needs
    return sum_to(g * w, a.shape) if na else None, sum_to(g * (1 - w), b.shape) if nb else None


class Maximum(Function):
    """max(a, b); at ties each side gets half the gradient, as PyTorch."""

    def forward(self, a, b):
        return np.maximum(a, b)

    def backward(self, g, out, a, b):
        return _tie_split(self, g, out, a, b, np.greater)


class Minimum(Function):
    """min(a, b); at ties each side gets half the gradient, as PyTorch."""

    def forward(self, a, b):
        return np.minimum(a, b)

    def backward(self, g, out, a, b):
        return _tie_split(self, g, out, a, b, np.less)


class Where(Function):
    """``a`` where ``cond`` (a constant bool array) holds, ``b`` elsewhere."""

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
    def forward(self, x):
        return -x

    def backward(self, g, out, x):
        return (-g,)


class PowScalar(Function):
    """x ** p for a Python number p."""

    def forward(self, x, p):
        self.p = p
        return x ** p

    def backward(self, g, out, x):
        p = self.p
        if p == 0:
            return (g * 0,)
        return (g * (2 * x) if p == 2 else g * p * x ** (p - 1),)


class Exp(Function):
    def forward(self, x):
        return np.exp(x)

    def backward(self, g, out, x):
        return (g * out,)


class Log(Function):
    def forward(self, x):
        return np.log(x)

    def backward(self, g, out, x):
        return (g / x,)


class Sqrt(Function):
    def forward(self, x):
        return np.sqrt(x)

    def backward(self, g, out, x):
        return (g * 0.5 / out,)


class Abs(Function):
    def forward(self, x):
        return np.abs(x)

    def backward(self, g, out, x):
        return (g * np.sign(_data(x)),)


class Sin(Function):
    def forward(self, x):
        return np.sin(x)

    def backward(self, g, out, x):
        return (g * _cos(x),)


class Cos(Function):
    def forward(self, x):
        return np.cos(x)

    def backward(self, g, out, x):
        return (-g * _sin(x),)


_erf = np.frompyfunc(math.erf, 1, 1)


class Erf(Function):
    def forward(self, x):
        return np.asarray(_erf(x), dtype=x.dtype)

    def backward(self, g, out, x):
        return (g * (2 / math.sqrt(math.pi)) * _exp(-(x * x)),)


class Clamp(Function):
    """clip(x, lo, hi); the gradient passes where lo <= x <= hi, as PyTorch."""

    def forward(self, x, lo, hi):
        self.lo, self.hi = lo, hi
        return np.clip(x, lo, hi)

    def backward(self, g, out, x):
        xd = _data(x)
        mask = np.ones(xd.shape, bool)
        if self.lo is not None:
            mask &= xd >= self.lo
        if self.hi is not None:
            mask &= xd <= self.hi
        return (g * mask,)


class Cast(Function):
    """A copy of x with another dtype (also used for clone)."""

    def forward(self, x, dtype):
        return x.astype(dtype)

    def backward(self, g, out, x):
        return (g.to(x.dtype) if isinstance(g, Tensor) else g.astype(x.dtype),)


# ---------------------------------------------------------------------------------------------
# activations (fused where that is faster and more stable)
# ---------------------------------------------------------------------------------------------

_ZERO_ROW = 8192  # elements in the row of zeros that _relu_flat compares against


def _relu_flat(x, out):
    """``out = max(x, 0)`` for 1-D arrays. NumPy's maximum has no vectorised loop for a scalar
    operand, so x is compared, as rows, with one row of zeros that stays in cache: 3-4x faster."""
    zeros = _row(0, _ZERO_ROW, x.dtype)
    tail = len(x) % _ZERO_ROW
    body = len(x) - tail
    if body:
        np.maximum(x[:body].reshape(-1, _ZERO_ROW), zeros, out=out[:body].reshape(-1, _ZERO_ROW))
    if tail:
        np.maximum(x[body:], zeros[:tail], out=out[body:])


class Relu(Function):
    def forward(self, x):
        if x.dtype.kind == "f" and x.flags.c_contiguous:  # the usual case, with fewer calls
            out = np.empty(x.shape, x.dtype)
            _relu_flat(x.reshape(-1), out.reshape(-1))
            return out
        out = np.empty_like(x)  # the same memory layout as x
        flat_x, flat_out = (_flat(x), _flat(out)) if x.dtype.kind == "f" else (None, None)
        if flat_x is None or flat_out is None:
            np.maximum(x, 0, out=out)
        else:
            _relu_flat(flat_x, flat_out)
        return out

    def backward(self, g, out, x):
        if isinstance(g, Tensor) or g.ndim == 0:
            return (g * (_data(out) > 0),)
        mask = (out > 0).astype(g.dtype)  # a float mask: multiplying by bools is slower
        return (np.multiply(g, mask, out=mask),)


class LeakyRelu(Function):
    def forward(self, x, slope):
        self.slope = slope
        return np.where(x > 0, x, x * slope)

    def backward(self, g, out, x):
        xd = _data(x)
        return (g * np.where(xd > 0, 1, self.slope).astype(xd.dtype),)


class Sigmoid(Function):
    """1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1. Gradient from the output."""

    def forward(self, x):
        e = np.exp(-np.abs(x))
        r = 1 / (1 + e)
        return np.where(x >= 0, r, e * r)

    def backward(self, g, out, x):
        return (g * out * (1 - out),)


class Tanh(Function):
    def forward(self, x):
        return np.tanh(x)

    def backward(self, g, out, x):
        return (g * (1 - out * out),)


class Softmax(Function):
    def forward(self, x, axis):
        self.axis = axis
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    def backward(self, g, out, x):
        return (out * (g - _sum(g * out, self.axis, True)),)


class LogSoftmax(Function):
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

    def forward(self, x, axis, keepdims, scale=None):
        self.axis, self.keepdims, self.scale = axis, keepdims, scale
        r = _np_sum(x, axis, keepdims)
        return r if scale is None else r * scale

    def backward(self, g, out, x):
        if self.scale is not None:
            g = g * self.scale
        return (_broadcast(g.reshape(_keep_shape(x.shape, self.axis)), x.shape),)


class Max(Function):
    """Maximum over ``axis``; the gradient is split evenly between tied maxima."""

    def forward(self, x, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims
        return x.max(axis=axis, keepdims=keepdims)

    def backward(self, g, out, x):
        xd, kshape = _data(x), _keep_shape(x.shape, self.axis)
        mask = xd == _data(out).reshape(kshape)
        w = (mask / mask.sum(axis=self.axis, keepdims=True)).astype(xd.dtype)
        return (g.reshape(kshape) * w,)


class SumTo(Function):
    """Sum a broadcast array back to ``shape`` (used by recorded backward passes)."""

    def forward(self, x, shape):
        return _np_sum_to(x, shape)

    def backward(self, g, out, x):
        return (_broadcast(g, x.shape),)


# ---------------------------------------------------------------------------------------------
# shape and indexing
# ---------------------------------------------------------------------------------------------

class Reshape(Function):
    is_view = True

    def forward(self, x, shape):
        return x.reshape(shape)

    def backward(self, g, out, x):
        return (g.reshape(x.shape),)


class Permute(Function):
    is_view = True

    def forward(self, x, axes):
        self.axes = axes
        return x.transpose(axes)

    def backward(self, g, out, x):
        return (_permute(g, tuple(np.argsort(self.axes))),)


class Expand(Function):
    is_view = True

    def forward(self, x, shape):
        return np.broadcast_to(x, shape)

    def backward(self, g, out, x):
        return (sum_to(g, x.shape),)


def _is_basic(index):
    """True when an index has no arrays, so each element is picked at most once."""
    items = index if isinstance(index, tuple) else (index,)
    return not any(isinstance(i, np.ndarray) for i in items)


class Getitem(Function):
    def forward(self, x, index):
        self.index, self.is_view = index, _is_basic(index)
        return x[index]

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

    def forward(self, g, shape, index):
        self.index = index
        return _scatter_add(g, shape, index)

    def backward(self, g, out, x):
        return (Getitem.apply(g, index=self.index) if isinstance(g, Tensor) else g[self.index],)


class Cat(Function):
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

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError("both arguments must have at least one dimension")
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


def _swap(x):
    axes = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return _permute(x, axes)


class Linear(Function):
    """x @ weight.T + bias in one node: the layer nn.Linear uses."""

    def forward(self, x, weight, bias=None):
        if x.shape[-1:] != weight.shape[1:]:
            raise ValueError(f"input features {x.shape[-1:]} do not match weight {weight.shape}")
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


def _check_classes(target, c, where=""):
    """ValueError (its message starting with ``where``) unless every class index in the integer
    array ``target`` is in [0, c - 1]: one ufunc reduction when they all are."""
    if target.size and np.maximum.reduce(target.astype(np.int64, copy=False).view(np.uint64),
                                         axis=None) >= c:  # negative classes wrap to huge
        bad = target[(target < 0) | (target >= c)].flat[0]
        raise ValueError(f"{where}target class indices must be in [0, {c - 1}] for {c} classes, "
                         f"got {bad}")


class CrossEntropy(Function):
    """Softmax cross-entropy of logits (N, C) against int64 targets (N,), fused: the forward
    never takes the log of a softmax and the backward is (softmax - smoothed one-hot) / N."""

    def forward(self, x, target, reduction="mean", label_smoothing=0.0):
        n, c = x.shape
        if target.shape != (n,):
            raise ValueError(f"targets of shape {target.shape} do not match logits of shape {x.shape}; "
                             f"expected ({n},)")
        _check_classes(target, c)
        m = np.maximum.reduce(x, axis=1, keepdims=True)
        e = x - m
        np.exp(e, out=e)
        se = np.add.reduce(e, axis=1, keepdims=True)
        flat = np.arange(0, n * c, c) + target  # where each target's logit is in x.ravel()
        log_se = np.log(se[:, 0])
        loss = log_se - (x.take(flat) - m[:, 0])  # -log_softmax(x)[target]
        if label_smoothing:
            logp_sum = x.sum(axis=1) - c * (m[:, 0] + log_se)
            loss = (1 - label_smoothing) * loss - label_smoothing / c * logp_sum
        e /= se
        self.p, self.flat = e, flat
        self.reduction, self.smoothing = reduction, label_smoothing
        if reduction == "none":
            return loss
        total = np.add.reduce(loss)
        return np.asarray(total / n if reduction == "mean" else total, dtype=x.dtype)

    def backward(self, g, out, x):
        n, c = x.shape
        ls, flat = self.smoothing, self.flat
        if self.reduction == "none":
            scale = g.reshape((n, 1))
        else:
            scale = g / n if self.reduction == "mean" else g
        if isinstance(x, Tensor):  # recorded backward: differentiable in x
            target_weight = np.zeros((n, c), dtype=self.p.dtype)
            target_weight.reshape(-1)[flat] = 1 - ls
            return ((x.softmax(1) - (target_weight + ls / c)) * scale,)
        grad = self.p.copy()
        grad.reshape(-1)[flat] -= 1 - ls
        if ls:
            grad -= ls / c
        grad *= scale
        return (grad,)


# ---------------------------------------------------------------------------------------------
# normalization
# ---------------------------------------------------------------------------------------------

class BatchNorm(Function):
    """Batch normalisation with the batch's own statistics, fused. Per channel (axis 1) of x
    (N, C, ...): ``xhat = (x - mean) / sqrt(var + eps)``, mean and biased variance over every
    other axis, then ``xhat * weight + bias`` (each optional). The backward is the closed form
    ``gx = (gh - mean(gh) - xhat * mean(gh * xhat)) / sqrt(var + eps)`` with ``gh = g * weight``.
    The list ``stats``, when given, receives the batch mean and biased variance, shape (C,)."""

    def forward(self, x, weight=None, bias=None, eps=1e-5, stats=None):
        self.dims = (0,) + tuple(range(2, x.ndim))
        self.shape, self.eps = _keep_shape(x.shape, self.dims), eps
        count = x.size // x.shape[1]
        mean = x.sum(axis=self.dims, keepdims=True) / count
        xhat = x - mean
        var = np.square(xhat).sum(axis=self.dims, keepdims=True) / count
        self.inv = 1 / np.sqrt(var + eps)
        xhat *= self.inv
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
        needs, dims, shape = self.needs, self.dims, self.shape
        if isinstance(g, Tensor):  # recorded: the same formula from differentiable operations
            centered = x - x.mean(dims, keepdim=True)
            inv = ((centered ** 2).mean(dims, keepdim=True) + self.eps) ** -0.5
            xhat = centered * inv
            gh = g if weight is None else g * weight.reshape(shape)
            gx = (gh - gh.mean(dims, keepdim=True)
                  - xhat * (gh * xhat).mean(dims, keepdim=True)) * inv if needs[0] else None
            return (gx, (g * xhat).sum(dims) if weight is not None and needs[1] else None,
                    g.sum(dims) if bias is not None and needs[2] else None)
        xhat, count = self.xhat, self.xhat.size // self.xhat.shape[1]
        work = g * xhat
        g_xhat = work.sum(axis=dims, keepdims=True)  # the weight's gradient
        g_sum = g.sum(axis=dims, keepdims=True)      # the bias's gradient
        gx = None
        if needs[0]:  # gh = g * weight, so the means of gh and gh * xhat are these sums * weight
            gx = np.multiply(xhat, g_xhat / count, out=work)
            np.subtract(g, gx, out=gx)
            gx -= g_sum / count
            gx *= self.inv if weight is None else self.inv * weight.reshape(shape)
        return (gx, g_xhat.reshape(-1) if weight is not None and needs[1] else None,
                g_sum.reshape(-1) if bias is not None and needs[2] else None)


# ---------------------------------------------------------------------------------------------
# sliding windows: convolution and pooling
# ---------------------------------------------------------------------------------------------
# Images are NCHW to the user. Inside, windows are read from batch-last (C, H, W, N) arrays, and
# results are NCHW views of batch-last memory. Every NumPy loop then runs along whole rows of
# the batch (W·N values) rather than along the few channels of one pixel, and a convolution is
# one matrix product (O, kh·kw·C) @ (kh·kw·C, OH·OW·N) whose result is already batch-last.

class Window:
    """Geometry of 2-D sliding windows: ``kernel``, ``stride`` and ``dilation`` are (height,
    width) pairs, ``padding`` is (top, bottom, left, right)."""

    __slots__ = ("kernel", "stride", "padding", "dilation")

    def __init__(self, kernel, stride, padding, dilation):
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation

    def out_size(self, h, w):
        """Output height and width for an (unpadded) h x w image; below 1 means it does not fit."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        top, bottom, left, right = self.padding
        return ((h + top + bottom - dh * (kh - 1) - 1) // sh + 1,
                (w + left + right - dw * (kw - 1) - 1) // sw + 1)

    def overlaps(self):
        """Whether neighbouring windows share pixels (the stride is shorter than the span)."""
        return any(s < d * (k - 1) + 1 for k, s, d in zip(self.kernel, self.stride, self.dilation))

    def padded(self, x, value):
        """NCHW array ``x`` as a contiguous batch-last (C, H, W, N) array, padded with ``value``
        if needed. No copy when ``x`` is already a view of such an array."""
        xs = x.transpose(1, 2, 3, 0)
        top, bottom, left, right = self.padding
        if top or bottom or left or right:
            return np.pad(xs, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)
        return np.ascontiguousarray(xs)

    def partitions(self, h, w):
        """Whether the windows cover every position of the padded h x w image exactly once."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        top, bottom, left, right = self.padding
        oh, ow = self.out_size(h, w)
        return (dh == dw == 1 and (kh, kw) == (sh, sw) and oh * sh == h + top + bottom
                and ow * sw == w + left + right)

    def zeros(self, shape, dtype, fill=True):
        """A zero padded batch-last image for an NCHW ``shape``, and the NCHW view of its
        unpadded part: what a backward adds into and returns. ``fill=False`` leaves it
        uninitialised, for a caller that writes every position."""
        n, c, h, w = shape
        top, bottom, left, right = self.padding
        image = (np.zeros if fill else np.empty)((c, h + top + bottom, w + left + right, n),
                                                 dtype=dtype)
        return image, image[:, top:top + h, left:left + w].transpose(3, 0, 1, 2)

    def taps(self, image, oh, ow):
        """For each kernel offset (row-major), the strided (C, OH, OW, N) view of the padded
        batch-last ``image`` that the offset meets at every output position."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        return [image[:, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
                for i in range(kh) for j in range(kw)]


def _columns(x, window, ones=False):
    """The windows of NCHW ``x`` as columns: a batch-last (kh·kw·C, OH, OW, N) array whose row
    t·C + c holds channel c under kernel offset t (row-major), zero padded. With ``ones``, one
    more row of ones: the input that a bias multiplies."""
    n, c, h, w = x.shape
    oh, ow = window.out_size(h, w)
    taps = window.taps(window.padded(x, 0.0), oh, ow)
    k = len(taps) * c
    cols = np.empty((k + ones, oh, ow, n), dtype=x.dtype)
    if ones:
        cols[k] = 1
    for t, tap in enumerate(taps):
        cols[t * c:(t + 1) * c] = tap
    return cols


def _fold(rows, shape, window):
    """Add the windows ``rows`` (N, kh·kw·C, OH, OW) back onto the image positions they were
    read from: a loop over the kh·kw kernel offsets, never over pixels."""
    image, out = window.zeros(shape, rows.dtype)
    c, cols = shape[1], rows.transpose(1, 2, 3, 0)
    for t, tap in enumerate(window.taps(image, *rows.shape[2:])):
        tap += cols[t * c:(t + 1) * c]
    return out


def _weight_rows(weight):
    """Weight (O, C, kh, kw) as (O, kh·kw·C), in the order of the rows of :func:`_columns`."""
    return _permute(weight, (0, 2, 3, 1)).reshape((weight.shape[0], -1))


class Unfold(Function):
    """The windows of an NCHW image as (N, kh·kw·C, OH, OW), zero padded (see ``_columns``)."""

    def forward(self, x, window):
        self.window = window
        return _columns(x, window).transpose(3, 0, 1, 2)

    def backward(self, g, out, x):
        if isinstance(g, Tensor):
            return (Fold.apply(g, shape=x.shape, window=self.window),)
        return (_fold(g, x.shape, self.window),)


class Fold(Function):
    """The adjoint of :class:`Unfold`: sums windows back into an image of ``shape``."""

    def forward(self, rows, shape, window):
        self.window = window
        return _fold(rows, shape, window)

    def backward(self, g, out, rows):
        if isinstance(g, Tensor):
            return (Unfold.apply(g, window=self.window),)
        return (_columns(g, self.window).transpose(3, 0, 1, 2),)


class Conv2d(Function):
    """Cross-correlation of x (N, C, H, W) with weight (O, C, kh, kw), plus bias (O,): one matrix
    product of the weight as (O, kh·kw·C), the bias as one more column, with the columns of x
    (kh·kw·C, OH·OW·N) and their row of ones."""

    def forward(self, x, weight, bias=None, window=None):
        self.window = window
        cols = _columns(x, window, ones=bias is not None)
        k, oh, ow, n = cols.shape
        self.cols = cols.reshape(k, oh * ow * n)  # kept for the weight gradient
        w = _weight_rows(weight)
        if bias is not None:
            w = np.concatenate([w, bias[:, None]], axis=1)
        return (w @ self.cols).reshape(len(w), oh, ow, n).transpose(3, 0, 1, 2)

    def backward(self, g, out, x, weight, bias=None):
        if isinstance(g, Tensor):
            return self._recorded_backward(g, x, weight)
        needs, (_, o, oh, ow), k = self.needs, g.shape, int(np.prod(weight.shape[1:]))
        g2 = np.ascontiguousarray(g.transpose(1, 2, 3, 0)).reshape(o, -1)  # (O, OH·OW·N)
        gx = gw = gb = None
        if needs[0]:  # one product per kernel offset, added while it is in cache
            stride1 = self.window.stride == (1, 1)  # offset (0, 0) then meets image[:, :oh, :ow]
            image, gx = self.window.zeros(x.shape, g.dtype, fill=not stride1)
            if stride1:  # zero just what the first product will not write
                image[:, oh:] = 0
                image[:, :oh, ow:] = 0
            kh, kw = self.window.kernel
            for t, tap in enumerate(self.window.taps(image, oh, ow)):
                part = (weight[:, :, t // kw, t % kw].T @ g2).reshape(tap.shape)
                if t == 0 and stride1:
                    tap[...] = part
                else:
                    tap += part
        if needs[1] or (bias is not None and needs[2]):
            products = g2 @ self.cols.T  # (O, kh·kw·C [+ 1 for the bias])
            gw = _unweight_rows(products[:, :k], weight.shape) if needs[1] else None
            gb = products[:, k] if bias is not None and needs[2] else None
        return gx, gw, gb

    def _recorded_backward(self, g, x, weight):
        """The same gradients from Tensor operations (for create_graph=True)."""
        needs, (n, o, oh, ow), k = self.needs, g.shape, int(np.prod(weight.shape[1:]))
        g3 = g.reshape((n, o, oh * ow))
        gx = gw = gb = None
        if needs[0]:
            rows = (_permute(_weight_rows(weight), (1, 0)) @ g3).reshape((n, k, oh, ow))
            gx = Fold.apply(rows, shape=x.shape, window=self.window)
        if needs[1]:
            cols = Unfold.apply(x, window=self.window).reshape((n, k, oh * ow))
            gw = _unweight_rows(_sum(g3 @ _permute(cols, (0, 2, 1)), (0,), False), weight.shape)
        if len(needs) > 2 and needs[2]:
            gb = _sum(g, (0, 2, 3), False)
        return gx, gw, gb


def _unweight_rows(rows, shape):
    """The inverse of :func:`_weight_rows`: (O, kh·kw·C) back to a weight of ``shape``."""
    o, c, kh, kw = shape
    return _permute(rows.reshape((o, kh, kw, c)), (0, 3, 1, 2))


class MaxPool2d(Function):
    """Maximum over each window. The gradient goes to the first maximum of each window in
    row-major order, as PyTorch's does. Forward and backward loop over the kernel offsets. When
    recording, the forward also notes, for each offset after the first, where it beat the
    maximum of the offsets before it: the winner is then the last offset that did so."""

    def forward(self, x, window):
        self.window = window
        n, c, h, w = x.shape
        oh, ow = window.out_size(h, w)
        image = window.padded(x, -np.inf)
        out = np.empty((c, oh, ow, n), dtype=x.dtype)
        kernel_size = window.kernel[0] * window.kernel[1]
        gains = np.empty((kernel_size - 1,) + out.shape, dtype=bool) if is_grad_enabled() else None
        self.gains = gains
        taps = window.taps(image, oh, ow)
        out[...] = taps[0]
        for t, tap in enumerate(taps[1:]):
            if gains is not None:
                np.greater(tap, out, out=gains[t])  # strictly: a tie keeps the earlier offset
            np.maximum(out, tap, out=out)
        return out.transpose(3, 0, 1, 2)

    def backward(self, g, out, x):
        window = self.window
        if isinstance(g, Tensor):  # recorded: spread g with constant one-hot masks, then fold
            won = np.stack(self._winners())  # (kh·kw, C, OH, OW, N)
            n, c, oh, ow = g.shape
            onehot = Tensor(won.transpose(4, 0, 1, 2, 3).astype(g.dtype))  # (N, kh·kw, C, OH, OW)
            rows = (g.reshape((n, 1, c, oh, ow)) * onehot).reshape((n, len(won) * c, oh, ow))
            return (Fold.apply(rows, shape=x.shape, window=window),)
        overlaps = window.overlaps()
        image, gx = window.zeros(x.shape, g.dtype, fill=not window.partitions(*x.shape[2:]))
        gs = g.transpose(1, 2, 3, 0)  # (C, OH, OW, N)
        for tap, mask in zip(window.taps(image, *gs.shape[1:3]), self._winners()):
            if overlaps:
                tap += gs * mask
            else:  # each image position is in one window at most: write, don't add
                np.multiply(gs, mask, out=tap)
        return (gx,)

    def _winners(self):
        """For each kernel offset, where it holds its window's first maximum: where it beat
        all earlier offsets and no later one beat it."""
        gains = self.gains
        won, later = [None] * (len(gains) + 1), None  # later: where some later offset won
        for t in range(len(gains), 0, -1):
            won[t] = gains[t - 1] if later is None else gains[t - 1] > later
            later = gains[t - 1] if later is None else later | gains[t - 1]
        won[0] = np.ones(gains.shape[1:], dtype=bool) if later is None else ~later
        return won
