"""NumPy fast paths that the primitives call: plain functions on NumPy arrays, no Tensors.

Each earns its place by a measurement: sums as products with a row of ones, ReLU against a
cached row of zeros, the sliding-window loops of convolution and pooling, fused cross-entropy.
``primitives.py`` stays a readable list of forward/backward pairs on top of these.
"""
import numpy as np

# ---------------------------------------------------------------------------------------------
# constant rows, sums, broadcast reduction
# ---------------------------------------------------------------------------------------------

_ROWS = {}  # (value, dtype) -> the longest constant row handed out so far, see constant_row


def constant_row(value, n, dtype):
    """A read-only row of ``n`` copies of ``value``, a slice of one cached array: the constant
    operand of the sums-as-products below and of ReLU's comparison.

    >>> constant_row(1, 3, np.dtype(np.float32))
    array([1., 1., 1.], dtype=float32)
    """
    row = _ROWS.get((value, dtype))
    if row is None or len(row) < n:
        row = _ROWS[value, dtype] = np.full(n, value, dtype)
        row.flags.writeable = False
    return row[:n]


def sum(x, axis=None, keepdims=False):  # noqa: A001 (the kernel of Tensor.sum)
    """``x.sum(axis, keepdims)``, as a product with ones when all axes but one are summed and
    that one is innermost in memory (bias gradients of (N, C) rows, per-channel sums of
    channels-last images): NumPy's reduction runs its inner loop over the few channels there,
    several times slower."""
    if axis == (0,) and x.ndim == 2 and x.flags.c_contiguous and x.dtype.kind == "f":
        r = constant_row(1, len(x), x.dtype) @ x  # the bias gradient of a layer: the hot case
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
            r = constant_row(1, len(rows), x.dtype) @ rows
            return r.reshape([n if a == kept else 1 for a in range(x.ndim)]) if keepdims else r
    return x.sum(axis=axis, keepdims=keepdims)


def sum_to(g, shape):
    """Sum the broadcast array ``g`` back to ``shape``: the extra leading axes, then the axes
    that were 1.

    >>> sum_to(np.ones((2, 3)), (1, 3))
    array([[2., 2., 2.]])
    """
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and g.shape[i + lead] != 1)
    return sum(g, axes).reshape(shape) if axes else g


def keep_shape(shape, axis):
    """The shape a reduction over ``axis`` (None, an int or a tuple) has with keepdims=True."""
    if axis is not None:
        axis = [a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)]
    return tuple(1 if axis is None or i in axis else s for i, s in enumerate(shape))


# ---------------------------------------------------------------------------------------------
# ReLU
# ---------------------------------------------------------------------------------------------

_ZERO_ROW = 8192  # elements in the row of zeros that _relu_flat compares against


def _flat(x):
    """A 1-D view of ``x`` in the order of its memory, or None when x has gaps or reversed axes:
    element i of ``_flat(x)`` and of ``_flat(np.empty_like(x))`` are then the same element."""
    if x.flags.c_contiguous:
        return x.reshape(-1)
    strides = x.strides
    memory_order = x.transpose(sorted(range(x.ndim), key=lambda i: -strides[i]))
    return memory_order.reshape(-1) if memory_order.flags.c_contiguous else None


def _relu_flat(x, out):
    """``out = max(x, 0)`` for 1-D arrays. NumPy's maximum has no vectorised loop for a scalar
    operand, so x is compared, as rows, with one row of zeros that stays in cache: 3-4x faster."""
    zeros = constant_row(0, _ZERO_ROW, x.dtype)
    tail = len(x) % _ZERO_ROW
    body = len(x) - tail
    if body:
        np.maximum(x[:body].reshape(-1, _ZERO_ROW), zeros, out=out[:body].reshape(-1, _ZERO_ROW))
    if tail:
        np.maximum(x[body:], zeros[:tail], out=out[body:])


def relu(x):
    """max(x, 0), in the memory layout of x.

    >>> relu(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
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


def mask_positive(g, out):
    """``g * (out > 0)``: multiplies by a mask of g's float type, which NumPy does faster than
    by a bool mask (its mixed-type loop casts in buffered chunks)."""
    if g.ndim == 0:
        return g * (out > 0)
    mask = (out > 0).astype(g.dtype)
    return np.multiply(g, mask, out=mask)


# ---------------------------------------------------------------------------------------------
# cross-entropy
# ---------------------------------------------------------------------------------------------

def check_class_indices(target, c, where=""):
    """IndexError (its message starting with ``where``) unless every class index in the integer
    array ``target`` is in [0, c - 1]: one ufunc reduction when they all are."""
    if target.size and np.maximum.reduce(target.astype(np.int64, copy=False).view(np.uint64),
                                         axis=None) >= c:  # negative classes wrap to huge
        bad = target[(target < 0) | (target >= c)].flat[0]
        raise IndexError(f"{where}target class indices must be in [0, {c - 1}] for {c} classes, "
                         f"got {bad}")


def cross_entropy(x, target, label_smoothing):
    """Per-row softmax cross-entropy of logits ``x`` (N, C) against class indices ``target``
    (N,), with label smoothing, never taking the log of a softmax. Returns the losses (N,), the
    softmax (N, C) and the flat positions of the targets' logits, for :func:`cross_entropy_grad`."""
    n, c = x.shape
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
    return loss, e, flat


def cross_entropy_grad(p, flat, label_smoothing, scale):
    """(softmax - smoothed one-hot) * scale, for the softmax ``p`` and the target positions
    ``flat`` from :func:`cross_entropy`; ``scale`` is a number or an (N, 1) column."""
    grad = p.copy()
    grad.reshape(-1)[flat] -= 1 - label_smoothing
    if label_smoothing:
        grad -= label_smoothing / p.shape[1]
    grad *= scale
    return grad


# ---------------------------------------------------------------------------------------------
# batch normalisation
# ---------------------------------------------------------------------------------------------

def batch_norm(x, eps, dims):
    """``xhat = (x - mean) / sqrt(var + eps)`` over ``dims`` (every axis but 1), with the batch
    mean and biased variance (kept dims) and ``1 / sqrt(var + eps)``."""
    count = x.size // x.shape[1]
    mean = x.sum(axis=dims, keepdims=True) / count
    xhat = x - mean
    var = np.square(xhat).sum(axis=dims, keepdims=True) / count
    inv = 1 / np.sqrt(var + eps)
    xhat *= inv
    return xhat, mean, var, inv


def batch_norm_grad(g, xhat, inv, weight, dims, shape, need_x):
    """The closed form ``gx = (gh - mean(gh) - xhat * mean(gh * xhat)) * inv`` with
    ``gh = g * weight``, and the sums that are the weight's and bias's gradients."""
    count = xhat.size // xhat.shape[1]
    work = g * xhat
    g_xhat = work.sum(axis=dims, keepdims=True)  # the weight's gradient
    g_sum = g.sum(axis=dims, keepdims=True)      # the bias's gradient
    gx = None
    if need_x:  # gh = g * weight, so the means of gh and gh * xhat are these sums * weight
        gx = np.multiply(xhat, g_xhat / count, out=work)
        np.subtract(g, gx, out=gx)
        gx -= g_sum / count
        gx *= inv if weight is None else inv * weight.reshape(shape)
    return gx, g_xhat.reshape(-1), g_sum.reshape(-1)


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


def columns(x, window, ones=False):
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


def fold(rows, shape, window):
    """Add the windows ``rows`` (N, kh·kw·C, OH, OW) back onto the image positions they were
    read from: a loop over the kh·kw kernel offsets, never over pixels."""
    image, out = window.zeros(shape, rows.dtype)
    c, cols = shape[1], rows.transpose(1, 2, 3, 0)
    for t, tap in enumerate(window.taps(image, *rows.shape[2:])):
        tap += cols[t * c:(t + 1) * c]
    return out


def conv2d(x, weight, bias, window):
    """Cross-correlation of x (N, C, H, W) with weight (O, C, kh, kw), plus bias (O,) or None:
    one matrix product of the weight as (O, kh·kw·C), the bias as one more column, with the
    columns of x (kh·kw·C, OH·OW·N) and their row of ones. Returns the NCHW result and the
    columns (kept for the weight's gradient)."""
    cols = columns(x, window, ones=bias is not None)
    k, oh, ow, n = cols.shape
    cols = cols.reshape(k, oh * ow * n)
    w = weight.transpose(0, 2, 3, 1).reshape(weight.shape[0], -1)  # rows ordered as the columns
    if bias is not None:
        w = np.concatenate([w, bias[:, None]], axis=1)
    return (w @ cols).reshape(len(w), oh, ow, n).transpose(3, 0, 1, 2), cols


def conv2d_grads(g, x_shape, weight, cols, window, need_x, need_weight, need_bias):
    """Gradients of :func:`conv2d` for the output gradient ``g`` (N, O, OH, OW): the input's by
    one product per kernel offset, added while it is in cache; the weight's and bias's by one
    product with the saved columns."""
    (_, o, oh, ow), k = g.shape, int(np.prod(weight.shape[1:]))
    g2 = np.ascontiguousarray(g.transpose(1, 2, 3, 0)).reshape(o, -1)  # (O, OH·OW·N)
    gx = gw = gb = None
    if need_x:
        stride1 = window.stride == (1, 1)  # offset (0, 0) then meets image[:, :oh, :ow]
        image, gx = window.zeros(x_shape, g.dtype, fill=not stride1)
        if stride1:  # zero just what the first product will not write
            image[:, oh:] = 0
            image[:, :oh, ow:] = 0
        kw = window.kernel[1]
        for t, tap in enumerate(window.taps(image, oh, ow)):
            part = (weight[:, :, t // kw, t % kw].T @ g2).reshape(tap.shape)
            if t == 0 and stride1:
                tap[...] = part
            else:
                tap += part
    if need_weight or need_bias:
        products = g2 @ cols.T  # (O, kh·kw·C [+ 1 for the bias])
        if need_weight:
            _, c, kh, kw = weight.shape
            gw = products[:, :k].reshape(o, kh, kw, c).transpose(0, 3, 1, 2)
        gb = products[:, k] if need_bias else None
    return gx, gw, gb


def max_pool2d(x, window, record):
    """Maximum over each window, looping over the kernel offsets. With ``record``, also notes for
    each offset after the first where it beat the maximum of the offsets before it (``gains``,
    for :func:`pool_winners`). Returns the NCHW result and the gains (or None)."""
    n, c, h, w = x.shape
    oh, ow = window.out_size(h, w)
    out = np.empty((c, oh, ow, n), dtype=x.dtype)
    kernel_size = window.kernel[0] * window.kernel[1]
    gains = np.empty((kernel_size - 1,) + out.shape, dtype=bool) if record else None
    taps = window.taps(window.padded(x, -np.inf), oh, ow)
    out[...] = taps[0]
    for t, tap in enumerate(taps[1:]):
        if gains is not None:
            np.greater(tap, out, out=gains[t])  # strictly: a tie keeps the earlier offset
        np.maximum(out, tap, out=out)
    return out.transpose(3, 0, 1, 2), gains


def pool_winners(gains):
    """For each kernel offset, where it holds its window's first maximum (in row-major order):
    where it beat all earlier offsets and no later one beat it."""
    won, later = [None] * (len(gains) + 1), None  # later: where some later offset won
    for t in range(len(gains), 0, -1):
        won[t] = gains[t - 1] if later is None else gains[t - 1] > later
        later = gains[t - 1] if later is None else later | gains[t - 1]
    won[0] = np.ones(gains.shape[1:], dtype=bool) if later is None else ~later
    return won


def max_pool2d_grad(g, x_shape, window, winners):
    """Send each window's gradient to its winner (see :func:`pool_winners`)."""
    overlaps = window.overlaps()
    image, gx = window.zeros(x_shape, g.dtype, fill=not window.partitions(*x_shape[2:]))
    gs = g.transpose(1, 2, 3, 0)  # (C, OH, OW, N)
    for tap, mask in zip(window.taps(image, *gs.shape[1:3]), winners):
        if overlaps:
            tap += gs * mask
        else:  # each image position is in one window at most: write, don't add
            np.multiply(gs, mask, out=tap)
    return gx
