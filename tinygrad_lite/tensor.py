"""The Tensor: an n-dimensional NumPy array that records how it was computed.

Every differentiable operation is a :class:`Function` (see ``ops.py``) whose ``forward`` works on
NumPy arrays and whose ``backward`` maps the output gradient to input gradients. ``Function.apply``
runs the forward and, when gradients are wanted, links the output to its inputs. ``backward`` walks
that graph iteratively in reverse topological order and frees it as it goes.

    >>> import tinygrad_lite as tg
    >>> x = tg.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""
import itertools
import numbers
from collections import namedtuple

import numpy as np

from . import rng

__all__ = ["Tensor", "Function", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "ShapeError"]


class ShapeError(ValueError, RuntimeError):
    """Operands whose shapes do not fit the operation. Catchable as ValueError or RuntimeError."""


# ---------------------------------------------------------------------------------------------
# grad mode
# ---------------------------------------------------------------------------------------------

_grad_enabled = True
_sequence = itertools.count()  # orders recorded ops: an op is always newer than its inputs


def is_grad_enabled():
    """True when new operations are recorded for autograd."""
    return _grad_enabled


def _set_grad_mode(mode):
    """Switch recording on or off; returns the previous mode. The one place that sets it: the
    switches below and the backward engine (which restores it in a ``finally``) call this."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, mode
    return previous


class _GradMode:
    """Base of the grad-mode switches: a context manager, and a decorator through ``__call__``
    (``@no_grad()`` and ``@no_grad`` both work)."""

    mode = True

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        return self(fn) if callable(fn) else self

    def __init__(self, fn=None):
        pass

    def __enter__(self):
        self.prev = _set_grad_mode(self.mode)
        return self

    def __exit__(self, *exc):
        _set_grad_mode(self.prev)

    def __call__(self, fn):
        mode = self.mode

        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = fn.__name__, fn.__doc__, fn
        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator that stops recording (for evaluation and parameter updates).

    >>> with no_grad():
    ...     w -= 0.1 * w.grad
    """

    mode = False


class enable_grad(_GradMode):
    """Context manager and decorator that turns recording back on inside ``no_grad``."""

    mode = True


class set_grad_enabled(_GradMode):
    """Switch recording on or off: as a function call (takes effect at once), a context manager
    or a decorator (then only inside the decorated function), as in PyTorch.

    >>> with set_grad_enabled(False):
    ...     y = x * 2          # not recorded
    """

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        self.mode = bool(mode)
        self.prev = _set_grad_mode(self.mode)

    def __enter__(self):
        return self

    def __call__(self, fn):
        _set_grad_mode(self.prev)  # decorating must not change the mode outside the function
        return super().__call__(fn)


# ---------------------------------------------------------------------------------------------
# Function: the base of every primitive
# ---------------------------------------------------------------------------------------------

class Function:
    """One recorded primitive. Subclasses define ``forward(*arrays, **options)`` on NumPy arrays and
    ``backward(g, out, *inputs)`` returning one gradient per positional input (or None).

    ``backward`` is written once for two modes: normally ``g``, ``out`` and ``inputs`` are NumPy
    arrays; under ``create_graph=True`` they are Tensors, so the same arithmetic records a
    differentiable graph of the gradient itself. Helpers in ``ops.py`` dispatch on that.

    Attributes set by ``apply`` when the op is recorded: ``parents`` (the positional arguments as
    given), ``arrays`` (their NumPy values at forward time), ``needs`` (which parents want a
    gradient), ``seq`` (creation order) and the version counters to check before backward.
    """

    def forward(self, *args, **kwargs):
        raise NotImplementedError

    def backward(self, g, out, *inputs):
        raise NotImplementedError

    is_view = False  # True when the output shares memory (and so its version counter) with input 0

    @property
    def name(self):
        return type(self).__name__.lower()

    @classmethod
    def apply(cls, *args, **kwargs):
        fn = cls()
        arrays, needs, vchecks = [], [], []  # one plain loop: cheaper here than comprehensions
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a.data)
                needs.append(a.requires_grad)
                vchecks.append((a._vc, a._vc[0]))
            else:
                arrays.append(a)
                needs.append(False)
        try:
            data = fn.forward(*arrays, **kwargs)
        except ValueError as e:
            raise ShapeError(f"{fn.name}: cannot apply to {_describe(arrays)}: {e}") from None
        except TypeError as e:
            dtypes = ", ".join(str(np.result_type(a)) for a in arrays if a is not None)
            raise TypeError(f"{fn.name}: cannot apply to dtypes {dtypes}: {e}") from None
        except IndexError as e:
            raise IndexError(f"{fn.name}: bad index for {_describe(arrays)}: {e}") from None
        if type(data) is not np.ndarray:
            data = np.asarray(data)  # NumPy returns scalars for 0-d results
        out = _wrap(data, args[0]._vc if fn.is_view else [0])
        if _grad_enabled and True in needs:
            fn.parents, fn.arrays, fn.needs, fn.seq = args, arrays, needs, next(_sequence)
            fn.vchecks, fn.out_version = vchecks, out._vc[0]
            out.requires_grad, out._ctx = True, fn
        return out


def _wrap(array, vc=None):
    """A Tensor around the ndarray ``array`` (no conversion, no checks, not requiring grad):
    ``Tensor(array)`` for the hot paths that already hold a proper array."""
    t = Tensor.__new__(Tensor)
    t.data, t.grad, t.requires_grad, t._ctx, t._retains_grad = array, None, False, None, False
    t._vc = [0] if vc is None else vc
    return t


def _describe(arrays):
    return " and ".join(f"shape {np.shape(a)}" for a in arrays if a is not None)


def _as_array(data, dtype):
    """Convert user data to an ndarray with PyTorch's dtype rules."""
    if dtype is not None and not isinstance(data, (Tensor, np.ndarray)):
        try:
            return np.array(data, dtype=dtype)
        except (ValueError, TypeError) as e:
            raise ValueError(f"Tensor: cannot build a {dtype} tensor from this data: {e}") from None
    if isinstance(data, Tensor):
        arr = data.data
    elif isinstance(data, (np.ndarray, np.generic)):  # NumPy arrays and scalars keep their dtype
        arr = np.asarray(data)
    elif isinstance(data, bool):
        arr = np.array(data)
    elif isinstance(data, numbers.Integral):
        arr = np.array(data, dtype=np.int64)
    elif isinstance(data, float):
        arr = np.array(data, dtype=np.float32)
    else:
        try:
            arr = np.array(data)
        except ValueError as e:
            raise ValueError(f"Tensor: cannot build a tensor from ragged or mixed data: {e}") from None
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        elif arr.dtype.kind not in "biufc":
            raise TypeError(f"Tensor: cannot build a tensor from elements of type {arr.dtype}")
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def _is_float(dtype):
    return dtype.kind in "fc"


# ---------------------------------------------------------------------------------------------
# Tensor
# ---------------------------------------------------------------------------------------------

MaxResult = namedtuple("MaxResult", ["values", "indices"])


class Tensor:
    """An n-dimensional array with automatic differentiation.

    ``Tensor(data, requires_grad=False, dtype=None)``: ``data`` may be a number, a (nested) list,
    a NumPy array (shared, not copied, like ``torch.from_numpy``) or a Tensor. Python floats give
    float32, Python integers int64, NumPy arrays keep their dtype; ``dtype=`` overrides.

    >>> Tensor([[1, 2], [3, 4]]).dtype
    dtype('int64')
    >>> Tensor([1.5], requires_grad=True)
    tensor([1.5], requires_grad=True)
    """

    __slots__ = ("data", "grad", "requires_grad", "_ctx", "_vc", "_retains_grad", "__weakref__")
    __array_ufunc__ = None  # make `ndarray * Tensor` defer to Tensor.__rmul__
    __hash__ = object.__hash__

    def __init__(self, data, requires_grad=False, dtype=None):
        self.data = _as_array(data, None if dtype is None else np.dtype(dtype))
        self.grad, self._ctx, self._vc, self._retains_grad = None, None, [0], False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    # --- properties --------------------------------------------------------------------------
    shape = property(lambda self: self.data.shape, doc="The shape, a tuple of ints.")
    dtype = property(lambda self: self.data.dtype, doc="The NumPy dtype.")
    ndim = property(lambda self: self.data.ndim, doc="The number of dimensions.")
    is_leaf = property(lambda self: self._ctx is None,
                       doc="True for tensors made by the user rather than by a recorded operation.")

    @property
    def _version(self):
        """How many in-place updates this tensor's memory has seen (shared with its views)."""
        return self._vc[0]

    @_version.setter
    def _version(self, value):
        self._vc[0] = value

    grad_fn = property(lambda self: self._ctx, doc="The Function that made this tensor, or None.")

    def size(self, dim=None):
        """The shape, or the size of one dimension: ``x.size(0)``."""
        return self.data.shape if dim is None else self.data.shape[dim]

    def dim(self):
        """The number of dimensions."""
        return self.data.ndim

    def numel(self):
        """The number of elements."""
        return self.data.size

    def numpy(self):
        """The underlying NumPy array (shared, not copied)."""
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item(): only one-element tensors can be converted to a Python number, "
                             f"got shape {self.shape}")
        return self.data.item()

    def tolist(self):
        """The data as (nested) Python lists."""
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous")
        return bool(self.data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.data.dtype.kind not in "iu":
            raise TypeError(f"only integer tensors can be used as an index, got {self.dtype}")
        return int(self.item())

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(", precision=4)
        extra = ""
        if self.dtype not in (np.float32, np.int64, np.bool_):
            extra += f", dtype={self.dtype}"
        if self._ctx is not None:
            extra += f", grad_fn=<{type(self._ctx).__name__}Backward>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    # --- autograd ----------------------------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        """Set whether gradients are recorded for this leaf tensor; returns self."""
        if requires_grad and not _is_float(self.data.dtype):
            raise TypeError(f"only floating point tensors can require gradients, got dtype {self.dtype}")
        if not requires_grad and self._ctx is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor; use detach() instead")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self):
        """Keep ``.grad`` for this interior (non-leaf) tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        self._retains_grad = True

    def detach(self):
        """A new tensor sharing the data (and the in-place version counter) but cut from the graph."""
        t = Tensor(self.data)
        t._vc = self._vc
        return t

    def backward(self, gradient=None, retain_graph=False, create_graph=False):
        """Accumulate the gradient of this tensor into ``.grad`` of every leaf it depends on.

        A scalar needs no ``gradient``; otherwise pass ``gradient`` of the same shape. The graph is
        freed afterwards unless ``retain_graph=True``. ``create_graph=True`` records the backward
        pass itself so the gradients can be differentiated again.

        >>> x = Tensor([3.0], requires_grad=True)
        >>> (x ** 2).sum().backward(); x.grad
        tensor([6.])
        """
        autograd.run_backward([self], [gradient], retain_graph or create_graph, create_graph)

    # --- conversion --------------------------------------------------------------------------
    def to(self, dtype):
        """A copy with another dtype (differentiable between float types); ``x.to(tg.float64)``."""
        dtype = np.dtype(dtype)
        if dtype == self.dtype:
            return self
        if not _is_float(dtype):  # integer and bool results carry no gradient
            return Tensor(self.data.astype(dtype))
        return ops.Cast.apply(self, dtype=dtype)

    def float(self):
        """Cast to float32."""
        return self.to(np.float32)

    def double(self):
        """Cast to float64."""
        return self.to(np.float64)

    def long(self):
        """Cast to int64."""
        return self.to(np.int64)

    def int(self):
        """Cast to int32."""
        return self.to(np.int32)

    def bool(self):
        """Cast to bool."""
        return self.to(np.bool_)

    def clone(self):
        """A differentiable copy."""
        return ops.Cast.apply(self, dtype=self.dtype)

    def contiguous(self):
        """Returns self (every tensor here is usable as if contiguous)."""
        return self

    # --- in-place updates --------------------------------------------------------------------
    def _check_inplace(self, op):
        if _grad_enabled and self.requires_grad:
            what = ("a leaf tensor that requires grad" if self._ctx is None
                    else "a tensor that is part of a recorded graph")
            raise RuntimeError(f"{op}: in-place update of {what}; do it under `with no_grad():` "
                               f"(e.g. parameter updates) or use the out-of-place version")

    def _inplace(self, op, fn, *args):
        self._check_inplace(op)
        args = tuple(a.data if isinstance(a, Tensor) else a for a in args)
        try:
            fn(self.data, *args, out=self.data, casting="same_kind")
        except ValueError:
            raise ShapeError(f"{op}: cannot update shape {self.shape} in place with shape "
                             f"{np.shape(args[0])}") from None
        self._vc[0] += 1
        return self

    def add_(self, other, alpha=1):
        """In place ``self += alpha * other``."""
        return self._inplace("add_", np.add, other if alpha == 1 else _scaled(other, alpha))

    def sub_(self, other, alpha=1):
        """In place ``self -= alpha * other``."""
        return self._inplace("sub_", np.subtract, other if alpha == 1 else _scaled(other, alpha))

    def mul_(self, other):
        """In place ``self *= other``."""
        return self._inplace("mul_", np.multiply, other)

    def div_(self, other):
        """In place ``self /= other``."""
        return self._inplace("div_", np.divide, other)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    def clamp_(self, min=None, max=None):
        """In place clamp to ``[min, max]``."""
        return self._inplace("clamp_", np.clip, min, max)

    def _assign(self, op, values):
        self._check_inplace(op)
        try:
            self.data[...] = values
        except ValueError:
            raise ShapeError(f"{op}: cannot write shape {np.shape(values)} into shape {self.shape}") from None
        self._vc[0] += 1
        return self

    def zero_(self):
        """Fill with zeros in place."""
        return self._assign("zero_", 0)

    def fill_(self, value):
        """Fill with ``value`` in place."""
        return self._assign("fill_", value.item() if isinstance(value, Tensor) else value)

    def copy_(self, src):
        """Copy ``src`` (Tensor or array, broadcastable) into this tensor in place."""
        return self._assign("copy_", src.data if isinstance(src, Tensor) else src)

    def uniform_(self, a=0.0, b=1.0):
        """Fill in place with samples from U(a, b) drawn from the global generator."""
        return self._assign("uniform_", rng.generator().uniform(a, b, self.shape))

    def normal_(self, mean=0.0, std=1.0):
        """Fill in place with samples from N(mean, std²) drawn from the global generator."""
        return self._assign("normal_", rng.generator().normal(mean, std, self.shape))

    # --- arithmetic --------------------------------------------------------------------------
    def __add__(self, other):
        return ops.Add.apply(*_operands(self, other))

    def __radd__(self, other):
        return ops.Add.apply(*_operands(other, self))

    def __sub__(self, other):
        return ops.Sub.apply(*_operands(self, other))

    def __rsub__(self, other):
        return ops.Sub.apply(*_operands(other, self))

    def __mul__(self, other):
        return ops.Mul.apply(*_operands(self, other))

    def __rmul__(self, other):
        return ops.Mul.apply(*_operands(other, self))

    def __truediv__(self, other):
        return ops.Div.apply(*map(_floating, _operands(self, other)))

    def __rtruediv__(self, other):
        return ops.Div.apply(*map(_floating, _operands(other, self)))

    def __pow__(self, other):
        if isinstance(other, numbers.Number) and not isinstance(other, bool):
            return ops.PowScalar.apply(_floating(self) if isinstance(other, float) else self, p=other)
        return ops.Pow.apply(*_operands(self, other))

    def __rpow__(self, other):
        return ops.Pow.apply(*_operands(other, self))

    def __matmul__(self, other):
        return ops.Matmul.apply(self, _tensor(other))

    def __rmatmul__(self, other):
        return ops.Matmul.apply(_tensor(other), self)

    def __neg__(self):
        return ops.Neg.apply(self)

    def __pos__(self):
        return self

    add = __add__
    sub = __sub__
    mul = __mul__
    div = __truediv__
    pow = __pow__
    matmul = __matmul__
    neg = __neg__

    # comparisons and logic: no gradient
    def _compare(self, other, fn):
        other = other.data if isinstance(other, Tensor) else other
        try:
            return Tensor(fn(self.data, other))
        except ValueError:
            raise ShapeError(f"{fn.__name__}: cannot compare shapes {self.shape} and {np.shape(other)}") from None

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def __and__(self, other):
        return self._compare(other, np.logical_and)

    def __or__(self, other):
        return self._compare(other, np.logical_or)

    def __invert__(self):
        return Tensor(~self.data)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    # --- elementwise math --------------------------------------------------------------------
    def exp(self):
        """Elementwise e**x."""
        return ops.Exp.apply(_floating(self))

    def log(self):
        """Elementwise natural logarithm."""
        return ops.Log.apply(_floating(self))

    def sqrt(self):
        """Elementwise square root."""
        return ops.Sqrt.apply(_floating(self))

    def abs(self):
        """Elementwise |x| (gradient 0 at 0, as PyTorch)."""
        return ops.Abs.apply(self)

    def sin(self):
        """Elementwise sine."""
        return ops.Sin.apply(_floating(self))

    def cos(self):
        """Elementwise cosine."""
        return ops.Cos.apply(_floating(self))

    def erf(self):
        """Elementwise error function."""
        return ops.Erf.apply(_floating(self))

    def sign(self):
        """Elementwise sign (no gradient)."""
        return Tensor(np.sign(self.data))

    def clamp(self, min=None, max=None):
        """Limit values to ``[min, max]``; the gradient passes where ``min <= x <= max``.

        >>> Tensor([-2.0, 0.5, 3.0]).clamp(-1, 1)
        tensor([-1. ,  0.5,  1. ])
        """
        if min is None and max is None:
            raise ValueError("clamp: at least one of min and max must be given")
        return ops.Clamp.apply(self, lo=min, hi=max)

    clip = clamp

    def maximum(self, other):
        """Elementwise maximum; at ties the gradient is split evenly (as PyTorch)."""
        return ops.Maximum.apply(*_operands(self, other))

    def minimum(self, other):
        """Elementwise minimum; at ties the gradient is split evenly (as PyTorch)."""
        return ops.Minimum.apply(*_operands(self, other))

    # --- activations -------------------------------------------------------------------------
    def relu(self):
        """max(x, 0)."""
        return ops.Relu.apply(self)

    def leaky_relu(self, negative_slope=0.01):
        """x for x > 0, negative_slope * x otherwise."""
        return ops.LeakyRelu.apply(self, slope=negative_slope)

    def sigmoid(self):
        """1 / (1 + e**-x), computed without overflow for any x."""
        return ops.Sigmoid.apply(_floating(self))

    def tanh(self):
        """Hyperbolic tangent."""
        return ops.Tanh.apply(_floating(self))

    def softmax(self, dim=-1):
        """exp(x) / sum(exp(x)) along ``dim``, shifted by the max for stability."""
        return ops.Softmax.apply(_floating(self), axis=_dims(dim, self.ndim, "softmax"))

    def log_softmax(self, dim=-1):
        """x - logsumexp(x) along ``dim``, computed stably in one op."""
        return ops.LogSoftmax.apply(_floating(self), axis=_dims(dim, self.ndim, "log_softmax"))

    def gelu(self, approximate="none"):
        """Gaussian error linear unit: x·Φ(x); ``approximate='tanh'`` uses the tanh formula."""
        if approximate == "tanh":
            c = float(np.sqrt(2.0 / np.pi))
            return 0.5 * self * (1.0 + (c * (self + 0.044715 * self ** 3)).tanh())
        if approximate != "none":
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return 0.5 * self * (1.0 + (self * float(1 / np.sqrt(2.0))).erf())

    def silu(self):
        """x * sigmoid(x)."""
        return self * self.sigmoid()

    # --- reductions --------------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, dtype=None):
        """Sum over ``dim`` (an int, a tuple of ints, or None for all)."""
        x = self if dtype is None else self.to(dtype)
        return ops.Sum.apply(x, axis=_dims(dim, self.ndim, "sum"), keepdims=keepdim)

    def mean(self, dim=None, keepdim=False):
        """Mean over ``dim`` (an int, a tuple of ints, or None for all)."""
        if not _is_float(self.dtype):
            raise TypeError(f"mean: needs a floating point tensor, got {self.dtype}")
        axis = _dims(dim, self.ndim, "mean")
        n = self.data.size if axis is None else int(np.prod([self.shape[a] for a in axis]))
        return ops.Sum.apply(self, axis=axis, keepdims=keepdim, scale=1.0 / max(n, 1))

    def var(self, dim=None, correction=1, keepdim=False, unbiased=None):
        """Variance over ``dim`` with Bessel's ``correction`` (1 = unbiased, as PyTorch's default)."""
        if unbiased is not None:
            correction = int(unbiased)
        axis = _dims(dim, self.ndim, "var")
        n = self.data.size if axis is None else int(np.prod([self.shape[a] for a in axis]))
        d = self - self.mean(axis, keepdim=True)
        return (d * d).sum(axis, keepdim=keepdim) / max(n - correction, 0)

    def std(self, dim=None, correction=1, keepdim=False, unbiased=None):
        """Standard deviation: ``sqrt(var(...))``."""
        return self.var(dim, correction, keepdim, unbiased).sqrt()

    def amax(self, dim=None, keepdim=False):
        """Maximum over ``dim``; the gradient is split evenly between ties."""
        return ops.Max.apply(self, axis=_dims(dim, self.ndim, "amax"), keepdims=keepdim)

    def amin(self, dim=None, keepdim=False):
        """Minimum over ``dim``; the gradient is split evenly between ties."""
        return -ops.Max.apply(-self, axis=_dims(dim, self.ndim, "amin"), keepdims=keepdim)

    def max(self, dim=None, keepdim=False):
        """``max()`` is the overall maximum (gradient split evenly between ties);
        ``max(dim)`` returns ``(values, indices)`` as PyTorch, the gradient going to the index.

        >>> Tensor([[1., 5.], [7., 2.]]).max(dim=1)
        MaxResult(values=tensor([5., 7.]), indices=tensor([1, 0]))
        """
        if dim is None:
            return self.amax()
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        return self._select_extreme(dim, keepdim, np.argmax)

    def min(self, dim=None, keepdim=False):
        """Like :meth:`max` for the minimum."""
        if dim is None:
            return self.amin()
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        return self._select_extreme(dim, keepdim, np.argmin)

    def _select_extreme(self, dim, keepdim, argfn):
        (axis,) = _dims(dim, self.ndim, argfn.__name__[3:])
        idx = np.expand_dims(argfn(self.data, axis=axis), axis)
        values = ops.Getitem.apply(self, index=_along_axis(idx, axis))
        if not keepdim:
            values, idx = values.squeeze(axis), np.squeeze(idx, axis)
        return MaxResult(values, Tensor(idx))

    def argmax(self, dim=None, keepdim=False):
        """Index of the maximum (of the flattened tensor when ``dim`` is None)."""
        return self._arg(np.argmax, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        """Index of the minimum (of the flattened tensor when ``dim`` is None)."""
        return self._arg(np.argmin, dim, keepdim)

    def _arg(self, fn, dim, keepdim):
        if dim is None:
            return Tensor(np.array(fn(self.data), dtype=np.int64))
        (axis,) = _dims(dim, self.ndim, fn.__name__)
        return Tensor(fn(self.data, axis=axis, keepdims=keepdim).astype(np.int64))

    def logsumexp(self, dim, keepdim=False):
        """log(sum(exp(x))) over ``dim``, shifted by the max so it never overflows."""
        axis = _dims(dim, self.ndim, "logsumexp")
        m = np.max(self.data, axis=axis, keepdims=True)
        m = Tensor(np.where(np.isfinite(m), m, 0).astype(self.dtype))
        out = (self - m).exp().sum(axis, keepdim=True).log() + m
        return out if keepdim else out.squeeze(axis)

    # --- shape -------------------------------------------------------------------------------
    def reshape(self, *shape):
        """The same data in a new shape; one dimension may be -1."""
        shape = _shape_arg(shape)
        return ops.Reshape.apply(self, shape=shape)

    view = reshape

    def flatten(self, start_dim=0, end_dim=-1):
        """Merge dimensions ``start_dim..end_dim`` into one."""
        if self.ndim == 0:
            return self.reshape(1)
        s, e = _dims((start_dim, end_dim), self.ndim, "flatten", unique=False)
        return self.reshape(self.shape[:s] + (-1,) + self.shape[e + 1:]) if s <= e else self

    def permute(self, *dims):
        """Reorder the dimensions: ``x.permute(2, 0, 1)``."""
        dims = _dims(_shape_arg(dims), self.ndim, "permute")
        if sorted(dims) != list(range(self.ndim)):
            raise ShapeError(f"permute: {dims} is not a permutation of the {self.ndim} dims of {self.shape}")
        return ops.Permute.apply(self, axes=dims)

    def transpose(self, dim0, dim1):
        """Swap two dimensions."""
        d0, d1 = _dims((dim0, dim1), self.ndim, "transpose", unique=False)
        axes = list(range(self.ndim))
        axes[d0], axes[d1] = d1, d0
        return ops.Permute.apply(self, axes=tuple(axes))

    swapaxes = transpose

    @property
    def T(self):
        """The tensor with its dimensions reversed (the matrix transpose for 2-D)."""
        return ops.Permute.apply(self, axes=tuple(range(self.ndim - 1, -1, -1)))

    def squeeze(self, dim=None):
        """Remove dimensions of size 1 (all, or those in ``dim``)."""
        if dim is None:
            shape = tuple(s for s in self.shape if s != 1)
        else:
            axes = _dims(dim, self.ndim, "squeeze")
            shape = tuple(s for i, s in enumerate(self.shape) if not (i in axes and s == 1))
        return self.reshape(shape)

    def unsqueeze(self, dim):
        """Insert a dimension of size 1 at ``dim``."""
        (axis,) = _dims(dim, self.ndim + 1, "unsqueeze")
        return self.reshape(self.shape[:axis] + (1,) + self.shape[axis:])

    def expand(self, *sizes):
        """Broadcast to a larger shape without copying; -1 keeps a dimension."""
        sizes = _shape_arg(sizes)
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise ShapeError(f"expand: target {sizes} has fewer dimensions than {self.shape}")
        shape = tuple(self.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
        return ops.Expand.apply(self, shape=shape)

    def expand_as(self, other):
        """Broadcast to ``other.shape``."""
        return self.expand(other.shape)

    def pad(self, pad, value=0.0):
        """Pad with a constant, PyTorch's ``F.pad`` convention: ``(left, right)`` pairs for the
        last dimension first, then the one before, ...

        >>> Tensor([1., 2.]).pad((1, 2))
        tensor([0., 1., 2., 0., 0.])
        """
        pad = tuple(int(p) for p in pad)
        if len(pad) % 2 or len(pad) // 2 > self.ndim:
            raise ShapeError(f"pad: needs (left, right) pairs for at most {self.ndim} dims, got {pad}")
        if min(pad, default=0) < 0:
            raise ValueError(f"pad: negative padding {pad} is not supported")
        widths = [(0, 0)] * self.ndim
        for i in range(len(pad) // 2):
            widths[self.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
        return ops.Pad.apply(self, widths=tuple(widths), value=value)

    def __getitem__(self, index):
        return ops.Getitem.apply(self, index=_index(index))

    def __setitem__(self, index, value):
        self._check_inplace("__setitem__")
        if isinstance(value, Tensor) and value.requires_grad and _grad_enabled:
            raise RuntimeError("__setitem__: assigning a tensor that requires grad is not recorded, so its "
                               "gradient would be lost; build the result with where() or cat() instead")
        try:
            self.data[_index(index)] = value.data if isinstance(value, Tensor) else value
        except (ValueError, IndexError) as e:
            raise ShapeError(f"__setitem__ on shape {self.shape}: {e}") from None
        self._vc[0] += 1

    def gather(self, dim, index):
        """Pick values along ``dim`` at the positions in ``index`` (PyTorch's gather)."""
        (axis,) = _dims(dim, self.ndim, "gather")
        index = index.data if isinstance(index, Tensor) else np.asarray(index)
        if (index.ndim != self.ndim or index.dtype.kind not in "iu"
                or any(i > s for d, (i, s) in enumerate(zip(index.shape, self.shape)) if d != axis)):
            raise ShapeError(f"gather: index must be an integer tensor of {self.ndim} dims no larger "
                             f"than input shape {self.shape} outside dim {axis}, got {index.dtype} "
                             f"of shape {index.shape}")
        return ops.Getitem.apply(self, index=_along_axis(index, axis))

    def where(self, condition, other):
        """``self`` where ``condition`` holds, ``other`` elsewhere."""
        return where(condition, self, other)


# ---------------------------------------------------------------------------------------------
# helpers for argument handling
# ---------------------------------------------------------------------------------------------

def _floating(x):
    """Integer and bool tensors become float32 for ops whose result is real (as PyTorch)."""
    if isinstance(x, Tensor) and x.data.dtype.kind not in "fc":
        return x.to(np.float32)
    return x


def _scaled(other, alpha):
    return (other.data if isinstance(other, Tensor) else other) * alpha


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _operands(a, b):
    """Make binary operands compatible: Python numbers stay Python numbers (so float32 stays
    float32), NumPy scalars become Python numbers, and integer tensors meeting floats are cast
    to the float dtype as PyTorch does."""
    ta, tb = type(a), type(b)  # fast path first: the common cases need no conversion
    if ta is Tensor and (tb is Tensor and a.data.dtype is b.data.dtype
                         or (tb is float or tb is int) and a.data.dtype.kind == "f"):
        return a, b
    if tb is Tensor and (ta is float or ta is int) and b.data.dtype.kind == "f":
        return a, b
    a, b = _operand(a), _operand(b)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        da, db = a.data.dtype, b.data.dtype
        if da is not db and da.kind != db.kind:
            if not _is_float(da) and _is_float(db):
                a = a.to(db)
            elif not _is_float(db) and _is_float(da):
                b = b.to(da)
    elif isinstance(a, Tensor):
        if isinstance(b, float) and not _is_float(a.data.dtype):
            a = a.to(np.float32)
    elif isinstance(a, float) and not _is_float(b.data.dtype):
        b = b.to(np.float32)
    return a, b


def _operand(x):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.generic):
        x = x.item()
    return x if isinstance(x, (float, int)) else Tensor(x)


def _dims(dim, ndim, op, unique=True):
    """Normalize ``dim`` (None, int or tuple) to None or a tuple of non-negative ints."""
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
        raise ValueError(f"{op}: repeated dimension in {dims}")
    return tuple(out)


def _shape_arg(shape):
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _along_axis(index, axis):
    """The advanced index that picks ``index`` along ``axis`` (``take_along_axis`` as an index)."""
    grids = list(np.ix_(*[np.arange(n) for n in index.shape]))
    grids[axis] = index
    return tuple(grids)


def _index(index):
    """Turn Tensors and lists inside an index into NumPy arrays."""
    if isinstance(index, tuple):
        return tuple(_index_item(i) for i in index)
    return _index_item(index)


def _index_item(i):
    if isinstance(i, Tensor):
        return i.data
    if isinstance(i, list):
        return np.asarray(i)
    return i


# ---------------------------------------------------------------------------------------------
# module-level functions with PyTorch's names
# ---------------------------------------------------------------------------------------------

def where(condition, input, other):
    """``input`` where ``condition`` is true, ``other`` elsewhere (both broadcast).

    >>> where(Tensor([True, False]), Tensor([1., 2.]), 0.0)
    tensor([1., 0.])
    """
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got {cond.dtype}")
    a, b = _operands(input, other)
    a, b = _tensor(a) if not isinstance(b, Tensor) else a, b
    return ops.Where.apply(a, b, cond=cond)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension.

    >>> cat([Tensor([1., 2.]), Tensor([3.])])
    tensor([1., 2., 3.])
    """
    tensors = [_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    (axis,) = _dims(dim, tensors[0].ndim, "cat")
    return ops.Cat.apply(*tensors, axis=axis)


concatenate = cat


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dimension.

    >>> stack([Tensor([1., 2.]), Tensor([3., 4.])]).shape
    (2, 2)
    """
    tensors = [_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ShapeError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    (axis,) = _dims(dim, tensors[0].ndim + 1, "stack")
    return cat([t.unsqueeze(axis) for t in tensors], axis)


from . import ops  # noqa: E402  (ops and autograd need Function and Tensor defined above)
from . import autograd  # noqa: E402
