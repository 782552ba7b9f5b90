"""Reductions and scans: sums, products, means, variances, extremes, medians and their indices,
cumulative sums, products and extremes.

Scans (``cumsum``, ``cumprod``, ``logcumsumexp``) and ``prod`` are composites: a scan combines
each element with the one 1, 2, 4, ... places before it (log2(n) steps of pad, slice and the
combining op), a product multiplies halves until one element is left; so their gradients, zeros
and higher derivatives included, come from the primitives they are made of.
"""
import builtins
import functools
from collections import namedtuple

import numpy as np

from .. import grad_mode
from .. import primitives as P
from ..arguments import DTypeError, UnsupportedDTypeError, normalize_dims, reduce_dims
from ..tensor import Tensor
from .operands import along_axis, is_float, to_float

__all__ = ["sum", "mean", "var", "std", "amax", "amin", "max", "min", "argmax", "argmin",
           "logsumexp", "prod", "any", "all", "count_nonzero", "nansum", "nanmean", "aminmax",
           "std_mean", "var_mean", "median", "cumsum", "cumprod", "cummax", "cummin",
           "logcumsumexp"]

MaxResult, MinResult, MedianResult, CummaxResult, CumminResult = (
    namedtuple(name, ["values", "indices"])
    for name in ("MaxResult", "MinResult", "MedianResult", "CummaxResult", "CumminResult"))
MinMaxResult = namedtuple("MinMaxResult", ["min", "max"])


# ---------------------------------------------------------------------------------------------
# argument helpers: keepdims, out=, dtypes
# ---------------------------------------------------------------------------------------------

def keepdims_alias(fn):
    """Accept NumPy's ``keepdims=`` as well as ``keepdim=``, as PyTorch does."""
    @functools.wraps(fn)
    def op(*args, keepdims=None, **kwargs):
        if keepdims is not None:
            kwargs["keepdim"] = keepdims
        return fn(*args, **kwargs)
    return op


def write_out(result, out, name):
    """``result`` written into the tensor(s) ``out`` (resized if needed) when ``out`` is given,
    as PyTorch's ``out=``; the results' type is kept (a named tuple stays one)."""
    if out is None:
        return result
    results = tuple(result) if isinstance(result, tuple) else (result,)
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    if len(outs) != len(results) or not builtins.all(isinstance(o, Tensor) for o in outs):
        raise TypeError(f"{name}(): out= must be {len(results)} tensor(s), got {out!r}")
    for r, o in zip(results, outs):
        if grad_mode.state.enabled and (r.requires_grad or o.requires_grad):
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                               f"differentiation, but one of the arguments requires grad")
        if not np.can_cast(r.dtype, o.dtype, "same_kind"):
            raise DTypeError(f"{name}(): result type {r.dtype} can't be cast to the out= tensor's "
                             f"dtype {o.dtype}")
        if o.shape == r.shape:
            o._array[...] = r._array
        else:
            o._array = r._array.astype(o.dtype)
        o._vc[0] += 1
    return type(result)(*outs) if isinstance(result, tuple) else outs[0]


def _float_only(input, name):
    if not is_float(input.dtype):
        raise DTypeError(f"{name}(): needs a floating point tensor, got {input.dtype}")


def no_bools(input, name):
    """PyTorch has no bool kernel for the selections (median, topk, ...): NotImplementedError."""
    if input.dtype == np.bool_:
        raise UnsupportedDTypeError(f"{name}(): not implemented for bool tensors")


def _widened(input, dtype):
    """``input`` cast to ``dtype`` if given, else integers and bools as int64 (sum, prod, cumsum)."""
    if dtype is not None:
        return input.to(dtype)
    return input if is_float(input.dtype) or input.dtype == np.int64 else input.to(np.int64)


def _count(input, axis):
    """How many elements a reduction over ``axis`` (normalized) combines."""
    return input._array.size if axis is None else int(np.prod([input.shape[a] for a in axis]))


def _check_nonempty(input, axis, name):
    if axis and builtins.any(input.shape[a] == 0 for a in axis):
        a = next(a for a in axis if input.shape[a] == 0)
        raise IndexError(f"{name}(): expected reduction dim {a} to have non-zero size "
                         f"(input shape {input.shape})")


# ---------------------------------------------------------------------------------------------
# sums, means, variances
# ---------------------------------------------------------------------------------------------

@keepdims_alias
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001 (PyTorch's name)
    """Sum over ``dim`` (an int, a tuple of ints, or None for all).

    >>> Tensor([[1., 2.], [3., 4.]]).sum(1, keepdims=True)
    tensor([[3.],
            [7.]])
    """
    x = input if dtype is None else input.to(dtype)
    r = P.Sum.apply(x, axis=reduce_dims(dim, input.ndim, "sum"), keepdims=keepdim)
    return write_out(r, out, "sum")


@keepdims_alias
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over ``dim`` (an int, a tuple of ints, or None for all); floating point only, or
    with ``dtype=`` a floating point type to compute in.

    >>> Tensor([1, 2, 4]).mean(dtype=tg.float32)
    tensor(2.3333)
    """
    input = input if dtype is None else input.to(dtype)
    _float_only(input, "mean")
    axis = reduce_dims(dim, input.ndim, "mean")
    n = _count(input, axis)
    r = P.Sum.apply(input, axis=axis, keepdims=keepdim, scale=1.0 / n if n else float("nan"))
    return write_out(r, out, "mean")


def _var_args(dim, correction, unbiased):
    """PyTorch's spellings: ``var(unbiased)``, ``var(dim, unbiased)``, ``correction=``."""
    if isinstance(dim, (bool, np.bool_)):
        dim, unbiased = None, dim
    if correction is not None and unbiased is not None:
        raise TypeError("var/std: give either correction= or unbiased=, not both")
    if unbiased is not None:
        return dim, builtins.int(unbiased)
    return dim, 1 if correction is None else correction


@keepdims_alias
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` with Bessel's ``correction`` (1 = unbiased, PyTorch's default).

    >>> Tensor([1., 2., 3., 4.]).var(correction=0)
    tensor(1.25)
    """
    dim, correction = _var_args(dim, correction, unbiased)
    _float_only(input, "var")
    if input.dtype == np.float16:  # computed in float32, as PyTorch
        return write_out(var(input.float(), dim, keepdim=keepdim, correction=correction).half(),
                         out, "var")
    axis = reduce_dims(dim, input.ndim, "var")
    m = input.mean(axis, keepdim=True)
    squares = _sum_of_squares(input, m, axis)
    finite = np.isfinite(squares._array)
    if m.requires_grad and not finite.all():
        # where it is inf or nan, the mean's (mathematically zero) part of the gradient is
        # dropped, so the gradient is PyTorch's 2(x - mean)/(n - correction) there, not NaN
        squares = _sum_of_squares(input, P.Where.apply(m, m.detach(), cond=finite), axis)
    r = squares / builtins.max(_count(input, axis) - correction, 0)
    return write_out(r if keepdim else r.squeeze(axis), out, "var")


def _sum_of_squares(input, m, axis):
    d = input - m
    return (d * d).sum(axis, keepdim=True)


@keepdims_alias
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation: ``sqrt(var(...))``, with gradient 0 where it is 0 (as PyTorch).

    >>> Tensor([1., 2., 3., 4.]).std(correction=0)
    tensor(1.118)
    """
    if input.dtype == np.float16:  # computed in float32, as PyTorch
        return write_out(std(input.float(), dim, unbiased, keepdim, correction=correction).half(),
                         out, "std")
    v = var(input, dim, unbiased, keepdim, correction=correction)
    return write_out(P.Sqrt.apply(v, zero_at_zero=True), out, "std")


@keepdims_alias
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``(var(input, ...), mean(input, ...))`` in one call, as a tuple.

    >>> tg.var_mean(Tensor([1., 2., 3.]))
    (tensor(1.), tensor(2.))
    """
    r = (var(input, dim, unbiased, keepdim, correction=correction),
         mean(input, _var_args(dim, correction, unbiased)[0], keepdim))
    return write_out(r, out, "var_mean")


@keepdims_alias
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``(std(input, ...), mean(input, ...))`` in one call, as a tuple.

    >>> tg.std_mean(Tensor([1., 3.]))
    (tensor(1.4142), tensor(2.))
    """
    r = (std(input, dim, unbiased, keepdim, correction=correction),
         mean(input, _var_args(dim, correction, unbiased)[0], keepdim))
    return write_out(r, out, "std_mean")


def _nan_free(input):
    """``input`` with NaNs replaced by 0 (gradient 0 there)."""
    if not is_float(input.dtype):
        return input
    nan = np.isnan(input._array)
    return P.Where.apply(0.0, input, cond=nan) if nan.any() else input


@keepdims_alias
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum treating NaN as zero (its gradient there is 0).

    >>> tg.nansum(Tensor([1., float("nan"), 2.]))
    tensor(3.)
    """
    return write_out(sum(_nan_free(input), dim, keepdim, dtype=dtype), out, "nansum")


@keepdims_alias
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of the elements that are not NaN (NaN where there are none).

    >>> tg.nanmean(Tensor([1., float("nan"), 3.]))
    tensor(2.)
    """
    input = input if dtype is None else input.to(dtype)
    _float_only(input, "nanmean")
    axis = reduce_dims(dim, input.ndim, "nanmean")
    n = (~np.isnan(input._array)).sum(axis=axis, keepdims=keepdim)
    return write_out(_nan_free(input).sum(axis, keepdim=keepdim) / Tensor(n.astype(input.dtype)),
                     out, "nanmean")


@keepdims_alias
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product over ``dim`` (an int, or None for all); integers and bools give int64.
    Differentiable with zeros: the product is a tree of multiplications, never a division.

    >>> Tensor([[1., 2.], [3., 4.]]).prod(1)
    tensor([ 2., 12.])
    """
    x = _widened(input, dtype)
    if dim is None:
        r = _halving(x.reshape(-1), 0, P.Mul.apply, 1).reshape(())
    else:
        (axis,) = normalize_dims(dim, input.ndim, "prod")
        r = x.reshape(()) if x.ndim == 0 else _halving(x, axis, P.Mul.apply, 1)
        if not keepdim and x.ndim:
            r = r.squeeze(axis)
    return write_out(r, out, "prod")


def _halving(x, axis, combine, identity):
    """``x`` reduced along ``axis`` to size 1 by combining its even and odd halves (padded with
    ``identity`` to an even size) until one element is left: log2(n) steps, O(n) work."""
    lead = (slice(None),) * axis
    while True:
        n = x.shape[axis]
        if n == 1:
            return x
        if n % 2 or n == 0:
            widths = tuple((0, 1) if a == axis else (0, 0) for a in range(x.ndim))
            x = P.Pad.apply(x, widths=widths, value=identity)
            if n == 0:
                return x
        x = combine(P.Getitem.apply(x, index=lead + (slice(0, None, 2),)),
                    P.Getitem.apply(x, index=lead + (slice(1, None, 2),)))


# ---------------------------------------------------------------------------------------------
# logical reductions and counts (not differentiable)
# ---------------------------------------------------------------------------------------------

def _logical(input, dim, keepdim, fn, name):
    axis = reduce_dims(dim, input.ndim, name)
    r = fn(input._array, axis=axis, keepdims=keepdim)
    return Tensor(np.asarray(r, dtype=np.uint8 if input.dtype == np.uint8 else np.bool_))


@keepdims_alias
def any(input, dim=None, keepdim=False, *, out=None):  # noqa: A001 (PyTorch's name)
    """Whether any element over ``dim`` is non-zero (bool; uint8 for uint8 input, as PyTorch).

    >>> Tensor([0, 0, 2]).any()
    tensor(True)
    """
    return write_out(_logical(input, dim, keepdim, np.any, "any"), out, "any")


@keepdims_alias
def all(input, dim=None, keepdim=False, *, out=None):  # noqa: A001 (PyTorch's name)
    """Whether every element over ``dim`` is non-zero (bool; uint8 for uint8 input, as PyTorch).

    >>> Tensor([[1, 0], [2, 3]]).all(1)
    tensor([False,  True])
    """
    return write_out(_logical(input, dim, keepdim, np.all, "all"), out, "all")


def count_nonzero(input, dim=None):
    """How many elements over ``dim`` are non-zero (int64).

    >>> tg.count_nonzero(Tensor([[0, 1], [2, 3]]), dim=0)
    tensor([1, 2])
    """
    axis = reduce_dims(dim, input.ndim, "count_nonzero")
    return Tensor(np.asarray(np.count_nonzero(input._array, axis=axis), dtype=np.int64))


# ---------------------------------------------------------------------------------------------
# extremes and their indices
# ---------------------------------------------------------------------------------------------

def _all_if_empty(dim):
    """amax/amin's ``dim=()`` means every dimension."""
    return None if isinstance(dim, (tuple, list)) and not dim else dim


@keepdims_alias
def amax(input, dim=(), keepdim=False, *, out=None):
    """Maximum over ``dim`` (all by default); the gradient is split evenly between ties.

    >>> Tensor([[1., 5.], [7., 2.]]).amax(1)
    tensor([5., 7.])
    """
    axis = reduce_dims(_all_if_empty(dim), input.ndim, "amax")
    _check_nonempty(input, axis, "amax")
    return write_out(P.Max.apply(input, axis=axis, keepdims=keepdim), out, "amax")


@keepdims_alias
def amin(input, dim=(), keepdim=False, *, out=None):
    """Minimum over ``dim`` (all by default); the gradient is split evenly between ties.

    >>> Tensor([[1., 5.], [7., 2.]]).amin(dim=0)
    tensor([1., 2.])
    """
    axis = reduce_dims(_all_if_empty(dim), input.ndim, "amin")
    _check_nonempty(input, axis, "amin")
    return write_out(P.Min.apply(input, axis=axis, keepdims=keepdim), out, "amin")


@keepdims_alias
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """``(min, max)`` over ``dim`` (an int, or None for all) as a named tuple.

    >>> Tensor([3., 1., 2.]).aminmax()
    MinMaxResult(min=tensor(1.), max=tensor(3.))
    """
    if dim is None and input._array.size == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity")
    dims = () if dim is None else normalize_dims(dim, input.ndim, "aminmax")
    return write_out(MinMaxResult(amin(input, dims, keepdim), amax(input, dims, keepdim)),
                     out, "aminmax")


@keepdims_alias
def max(input, dim=None, keepdim=False, *, out=None):  # noqa: A001 (PyTorch's name)
    """``max()`` is the overall maximum (gradient split evenly between ties, or between the NaNs
    if there are any); ``max(dim)`` returns ``(values, indices)`` as PyTorch, the gradient going
    to the index.

    >>> Tensor([[1., 5.], [7., 2.]]).max(dim=1)
    MaxResult(values=tensor([5., 7.]), indices=tensor([1, 0]))
    """
    if dim is None:
        if input._array.size == 0:
            raise RuntimeError("max(): expected a non-empty tensor (or give dim=)")
        return P.Max.apply(input, axis=None, keepdims=False, nan_ties=True)
    if isinstance(dim, Tensor):
        return input.maximum(dim)
    return write_out(_select_extreme(input, dim, keepdim, np.argmax), out, "max")


@keepdims_alias
def min(input, dim=None, keepdim=False, *, out=None):  # noqa: A001 (PyTorch's name)
    """Like :func:`max` for the minimum.

    >>> Tensor([[1., 5.], [7., 2.]]).min(1)
    MinResult(values=tensor([1., 2.]), indices=tensor([0, 1]))
    """
    if dim is None:
        if input._array.size == 0:
            raise RuntimeError("min(): expected a non-empty tensor (or give dim=)")
        return P.Min.apply(input, axis=None, keepdims=False, nan_ties=True)
    if isinstance(dim, Tensor):
        return input.minimum(dim)
    return write_out(_select_extreme(input, dim, keepdim, np.argmin), out, "min")


def take_along(result, input, idx, axis, keepdim=True):
    """``result(input's values at idx along axis, idx as a Tensor)``: the values are
    differentiable (the gradient goes to the index). ``idx`` is an int64 array with ``input``'s
    number of dims (None for a 0-d input); without ``keepdim`` the (size 1) ``axis`` is dropped."""
    if input.ndim == 0:
        return result(P.Getitem.apply(input, index=()), Tensor(np.zeros((), np.int64)))
    values = P.Getitem.apply(input, index=along_axis(idx, axis))
    if not keepdim:
        values, idx = values.squeeze(axis), np.squeeze(idx, axis)
    return result(values, Tensor(idx.astype(np.int64)))


def _select_extreme(input, dim, keepdim, argfn):
    name = argfn.__name__[3:]
    (axis,) = normalize_dims(dim, input.ndim, name)
    if input.ndim and input.shape[axis] == 0:
        raise IndexError(f"{name}(): cannot take the {name} along dimension {axis} of size 0 "
                         f"(input shape {input.shape})")
    idx = np.expand_dims(argfn(input._array, axis=axis), axis) if input.ndim else None
    return take_along(MaxResult if name == "max" else MinResult, input, idx, axis, keepdim)


@keepdims_alias
def argmax(input, dim=None, keepdim=False, *, out=None):
    """Index of the maximum (of the flattened tensor when ``dim`` is None).

    >>> Tensor([[1., 5.], [7., 2.]]).argmax()
    tensor(2)
    """
    return write_out(_arg(input, np.argmax, dim, keepdim), out, "argmax")


@keepdims_alias
def argmin(input, dim=None, keepdim=False, *, out=None):
    """Index of the minimum (of the flattened tensor when ``dim`` is None).

    >>> Tensor([[1., 5.], [7., 2.]]).argmin(1)
    tensor([0, 1])
    """
    return write_out(_arg(input, np.argmin, dim, keepdim), out, "argmin")


def _arg(input, fn, dim, keepdim):
    if input.dtype == np.bool_:
        raise DTypeError(f"{fn.__name__}(): does not support bool input")
    dims = normalize_dims(dim, input.ndim, fn.__name__)
    if input._array.size == 0 and (dims is None or input.shape[dims[0]] == 0):
        raise IndexError(f"{fn.__name__}(): cannot take it over no elements (shape {input.shape}, "
                         f"dim {dim})")
    if dims is None or input.ndim == 0:
        return Tensor(np.array(fn(input._array), dtype=np.int64))
    (axis,) = dims
    return Tensor(fn(input._array, axis=axis, keepdims=keepdim).astype(np.int64))


@keepdims_alias
def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(x))) over ``dim``, shifted by the max so it never overflows (-inf over no
    elements).

    >>> Tensor([0., 0.]).logsumexp(0)
    tensor(0.6931)
    """
    axis = reduce_dims(dim, input.ndim, "logsumexp")
    input = to_float(input)
    m = Tensor(_finite_max(input._array, axis))
    r = (input - m).exp().sum(axis, keepdim=True).log() + m
    return write_out(r if keepdim else r.squeeze(axis), out, "logsumexp")


def _finite_max(a, axis):
    """The max over ``axis`` (kept), 0 where it is not finite: the shift of log-sum-exp."""
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    return np.where(np.isfinite(m), m, 0).astype(a.dtype)


@keepdims_alias
def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median: of all elements (gradient split evenly between ties), or along ``dim``
    as ``(values, indices)`` (gradient to the index). NaN if there is a NaN, as PyTorch.

    >>> Tensor([[1., 5., 2., 4.]]).median(1)
    MedianResult(values=tensor([2.]), indices=tensor([2]))
    """
    if dim is None:
        return _median_all(input)
    (axis,) = normalize_dims(dim, input.ndim, "median")
    a, n = input._array, input.shape[axis] if input.ndim else 1
    if n == 0:
        raise IndexError(f"median(): expected reduction dim {axis} to have non-zero size")
    no_bools(input, "median")
    if input.ndim == 0:
        return write_out(take_along(MedianResult, input, None, 0), out, "median")
    order = np.argsort(a, axis=axis, kind="stable")  # NaNs last, in index order
    nans = np.isnan(a).sum(axis=axis, keepdims=True) if is_float(a.dtype) else 0
    pos = np.where(nans > 0, n - nans, (n - 1) // 2)
    idx = np.take_along_axis(order, np.broadcast_to(pos, order.shape[:axis] + (1,) + order.shape[axis + 1:]), axis)
    return write_out(take_along(MedianResult, input, idx, axis, keepdim), out, "median")


def _median_all(input):
    a = input._array.reshape(-1)
    if a.size == 0 and is_float(a.dtype):
        return P.Sum.apply(input, axis=None, keepdims=False, scale=float("nan"))
    if a.size == 0:
        with np.errstate(invalid="ignore"):
            return Tensor(np.array(np.nan).astype(input.dtype))  # an int's NaN: PyTorch's too
    no_bools(input, "median")
    nan = np.isnan(a) if is_float(a.dtype) else np.zeros(a.shape, bool)
    ties = nan if nan.any() else a == np.sort(a)[(a.size - 1) // 2]
    picked = P.Getitem.apply(input.reshape(-1), index=np.flatnonzero(ties))
    return P.Max.apply(picked, axis=None, keepdims=False, nan_ties=True)


# ---------------------------------------------------------------------------------------------
# scans
# ---------------------------------------------------------------------------------------------

def _scan(x, axis, combine, identity):
    """Inclusive scan of ``x`` along ``axis`` (Hillis and Steele): at step k every element is
    combined with the one 2**k places before it (``identity`` before the start)."""
    n, step = x.shape[axis], 1
    lead = (slice(None),) * axis
    while step < n:
        widths = tuple((step, 0) if a == axis else (0, 0) for a in range(x.ndim))
        shifted = P.Getitem.apply(P.Pad.apply(x, widths=widths, value=identity),
                                  index=lead + (slice(0, n),))
        x = combine(x, shifted)
        step *= 2
    return x


def _scan_op(input, dim, name, combine, identity):
    (axis,) = normalize_dims(dim, input.ndim, name)
    if input.ndim == 0:
        return input.reshape(1).reshape(())  # a new tensor, as PyTorch
    if input.dtype == np.float16:  # accumulated in float32, as PyTorch
        return _scan(input.float(), axis, combine, identity).half()
    return _scan(input, axis, combine, identity)


def cumsum(input, dim, *, dtype=None, out=None):
    """Cumulative sum along ``dim``; integers and bools give int64.

    >>> Tensor([1, 2, 3]).cumsum(0)
    tensor([1, 3, 6])
    """
    return write_out(_scan_op(_widened(input, dtype), dim, "cumsum", P.Add.apply, 0), out, "cumsum")


def cumprod(input, dim, *, dtype=None, out=None):
    """Cumulative product along ``dim``; integers and bools give int64. Differentiable with
    zeros (no division).

    >>> Tensor([1., 2., 0., 3.]).cumprod(0)
    tensor([1., 2., 0., 0.])
    """
    return write_out(_scan_op(_widened(input, dtype), dim, "cumprod", P.Mul.apply, 1), out, "cumprod")


def _logaddexp(a, b):
    m = np.maximum(a._array, b._array)
    m = Tensor(np.where(np.isfinite(m), m, 0).astype(a.dtype))
    return ((a - m).exp() + (b - m).exp()).log() + m


def logcumsumexp(input, dim, *, out=None):
    """log(cumsum(exp(x))) along ``dim``, computed stably (each step shifted by the max).

    >>> Tensor([0., 0.]).logcumsumexp(0)
    tensor([0.    , 0.6931])
    """
    if not is_float(input.dtype):
        raise UnsupportedDTypeError(f"logcumsumexp(): not implemented for {input.dtype}")
    return write_out(_scan_op(input, dim, "logcumsumexp", _logaddexp, -np.inf), out, "logcumsumexp")


def _cum_extreme(input, dim, ufunc, name, result):
    (axis,) = normalize_dims(dim, input.ndim, name)
    if input.ndim == 0:
        return take_along(result, input, None, 0)
    a = input._array
    run = ufunc.accumulate(a, axis=axis)
    hit = a == run  # where the running extreme was (re)set: the index is the latest such place
    if is_float(a.dtype):
        hit |= np.isnan(a)
    shape = [1] * a.ndim
    shape[axis] = -1
    pos = np.where(hit, np.arange(a.shape[axis]).reshape(shape), 0)
    return take_along(result, input, np.maximum.accumulate(pos, axis=axis), axis)


def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and where it was found, ``(values, indices)``; the
    gradient goes to the index.

    >>> Tensor([1., 3., 2.]).cummax(0)
    CummaxResult(values=tensor([1., 3., 3.]), indices=tensor([0, 1, 1]))
    """
    return write_out(_cum_extreme(input, dim, np.maximum, "cummax", CummaxResult), out, "cummax")


def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and where it was found, ``(values, indices)``.

    >>> Tensor([3., 1., 2.]).cummin(0)
    CumminResult(values=tensor([3., 1., 1.]), indices=tensor([0, 1, 1]))
    """
    return write_out(_cum_extreme(input, dim, np.minimum, "cummin", CumminResult), out, "cummin")
