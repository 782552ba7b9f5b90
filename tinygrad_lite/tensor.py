"""The Tensor core: storage, gradient, the recording of primitives (``Function.apply``) and
in-place updates.

A Tensor holds a NumPy array (``data``), its gradient and, when it was computed by a recorded
primitive, that primitive (``grad_fn``). Every operation is a function in ``ops/`` (installed
here as a method and an operator), built either from other operations or from a primitive: a
:class:`Function` in ``primitives.py`` whose ``forward`` works on NumPy arrays and whose
``backward`` maps the output gradient to input gradients. ``Function.apply`` runs the forward
and, when gradients are wanted, links the output to its inputs; ``backward`` hands the graph to
``engine.py``, which walks it iteratively in reverse topological order and frees it as it goes.

    >>> import tinygrad_lite as tg
    >>> x = tg.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""
import itertools
import numbers
import warnings

import numpy as np

from . import dtypes, engine, grad_mode, nodes
from .arguments import DTypeError, ShapeError, can_cast
from .size import Size

__all__ = ["Tensor", "Function"]

_mode = grad_mode.state  # this thread's grad mode: _mode.enabled
_sequence = itertools.count()  # orders recorded ops: an op is always newer than its inputs
next_sequence = _sequence.__next__  # for nodes recorded outside Function.apply (custom Functions)


# ---------------------------------------------------------------------------------------------
# Function: the base of every primitive
# ---------------------------------------------------------------------------------------------

class Function:
    """One recorded primitive. Subclasses define ``forward(*arrays, **options)`` on NumPy arrays and
    ``backward(g, out, *inputs)`` returning one gradient per positional input (or None).

    ``backward`` is written once. Normally ``g``, ``out`` and ``inputs`` are NumPy arrays; under
    ``create_graph=True`` they are Tensors, so the same arithmetic records a differentiable graph
    of the gradient itself. A fused primitive whose backward only works on arrays defines
    ``composite(*inputs)`` instead: the same output from other primitives, which the engine
    differentiates under ``create_graph``.

    Attributes set by ``apply`` when the op is recorded: ``parents`` (the positional arguments as
    given), ``arrays`` (their NumPy values at forward time), ``needs`` (which parents want a
    gradient), ``seq`` (creation order) and the version counters to check before backward.
    ``reads`` declares which saved values the backward uses, so that an in-place change of any
    other one is allowed; a view primitive's ``again(x, shape)`` takes the same view of another
    tensor; ``previous`` is set on the node of an in-place update (see ``Tensor._rebase``).
    """

    __slots__ = ("seq", "previous", "__dict__")  # kept when backward frees the node (see _rebase)
    is_view = False  # True when the output shares memory (and so its version counter) with input 0
    composite = None
    reads = None  # per input, the values its gradient reads (input indices, -1 the output); None: all

    def forward(self, *args, **kwargs):
        raise NotImplementedError

    def backward(self, g, out, *inputs):
        raise NotImplementedError

    @property
    def name(self):
        return type(self).__name__.lower()

    @classmethod
    def apply(cls, *args, **kwargs):
        fn = cls()
        arrays, needs, vchecks = [], [], []  # one plain loop: cheaper here than comprehensions
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a._array)
                needs.append(a._requires_grad)
                vchecks.append((a._vc, a._vc[0]))
            else:
                arrays.append(a)
                needs.append(False)
        try:
            data = fn.forward(*arrays, **kwargs)
        except RuntimeError as e:  # raised on purpose (ShapeError, DTypeError): keep the type
            raise type(e)(f"{fn.name}: cannot apply to {_describe(arrays)}: {e}") from None
        except ValueError as e:
            raise ShapeError(f"{fn.name}: cannot apply to {_describe(arrays)}: {e}") from None
        except TypeError as e:
            dtypes = ", ".join(str(np.result_type(a)) for a in arrays if a is not None)
            raise DTypeError(f"{fn.name}: cannot apply to dtypes {dtypes}: {e}") from None
        except IndexError as e:
            raise IndexError(f"{fn.name}: {e} (input {_describe(arrays)})") from None
        if type(data) is not np.ndarray:
            data = np.asarray(data)  # NumPy returns scalars for 0-d results
        out = _wrap(data, args[0]._vc if fn.is_view else [0])
        if _mode.enabled and True in needs:
            fn.parents, fn.arrays, fn.needs, fn.seq = args, arrays, needs, next(_sequence)
            fn.vchecks, fn.out_version = vchecks, out._vc[0]
            out._requires_grad, out._ctx = True, fn
        return out


def _describe(arrays):
    return " and ".join(f"shape {np.shape(a)}" for a in arrays if a is not None)


# ---------------------------------------------------------------------------------------------
# Tensor
# ---------------------------------------------------------------------------------------------

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

    __slots__ = ("_array", "_grad", "_requires_grad", "_ctx", "_vc", "_retains_grad", "__weakref__")
    __array_ufunc__ = None  # make `ndarray * Tensor` defer to Tensor.__rmul__
    __hash__ = object.__hash__

    def __init__(self, data, requires_grad=False, dtype=None):
        self._array = _as_array(data, None if dtype is None else np.dtype(dtype))
        self._grad, self._ctx, self._vc, self._retains_grad = None, None, [0], False
        self._requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array, vc=None):
        """A Tensor around the ndarray ``array`` (no conversion, no checks, not requiring grad):
        ``Tensor(array)`` for the hot paths that already hold a proper array."""
        t = cls.__new__(cls)
        t._array, t._grad, t._requires_grad, t._ctx, t._retains_grad = array, None, False, None, False
        t._vc = [0] if vc is None else vc
        return t

    # --- properties --------------------------------------------------------------------------
    @property
    def data(self):
        """The values as a Tensor that shares this one's memory and is cut from the graph (as in
        PyTorch: changes through it are not tracked). Assigning a Tensor replaces the values:
        ``p.data += -lr * p.grad``, ``layer.weight.data = new``. NumPy's view is ``numpy()``."""
        return Tensor._wrap(self._array)

    @data.setter
    def data(self, value):
        array = value._array if isinstance(value, Tensor) else value
        if type(array) is not np.ndarray:
            raise TypeError(f"Tensor.data must be set to a Tensor, got {type(value).__name__}")
        self._array = array

    shape = property(lambda self: Size(self._array.shape), doc="The shape, a ``Size`` (a tuple of ints).")
    dtype = property(lambda self: self._array.dtype, doc="The NumPy dtype.")
    ndim = property(lambda self: self._array.ndim, doc="The number of dimensions.")
    is_leaf = property(lambda self: self._ctx is None,
                       doc="True for tensors made by the user rather than by a recorded operation.")

    @property
    def _version(self):
        """How many in-place updates this tensor's memory has seen (shared with its views)."""
        return self._vc[0]

    @_version.setter
    def _version(self, value):
        self._vc[0] = value

    @property
    def grad_fn(self):
        """The node of the operation that made this tensor (named as PyTorch's: ``MulBackward0``,
        with ``name()`` and ``next_functions``), or None for leaves and untracked results."""
        return None if self._ctx is None else nodes.grad_fn(self._ctx)

    def size(self, dim=None):
        """The shape (a ``Size``), or the size of one dimension: ``x.size(0)``."""
        return Size(self._array.shape) if dim is None else self._array.shape[dim]

    def dim(self):
        """The number of dimensions."""
        return self._array.ndim

    def numel(self):
        """The number of elements."""
        return self._array.size

    def numpy(self):
        """The underlying NumPy array (shared, not copied)."""
        return self._array

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._array.size != 1:
            raise ShapeError(f"item(): only one-element tensors can be converted to a Python number, "
                             f"got shape {self.shape}")
        return self._array.item()

    def tolist(self):
        """The data as (nested) Python lists."""
        return self._array.tolist()

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)`` shares memory; ``np.array(t)`` (``copy=True``) copies, as for arrays."""
        array = self._array if dtype is None else self._array.astype(dtype, copy=False)
        return array.copy() if copy and array is self._array else array

    def __len__(self):
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        if self._array.size != 1:
            raise ShapeError(f"the truth value of a tensor of shape {self.shape} is ambiguous")
        return bool(self._array)

    def __format__(self, format_spec):
        """``f"{loss:.4f}"``: a 0-d tensor formats as its value; others only without a spec."""
        if self._array.ndim == 0:
            return self._array.item().__format__(format_spec)
        return object.__format__(self, format_spec)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._array.dtype.kind not in "biu" or self._array.size != 1:
            raise TypeError(f"only integer tensors of a single element can be used as an index, got "
                            f"dtype {self.dtype} and shape {self.shape}")
        return int(self.item())

    def __repr__(self):
        body = np.array2string(self._array, separator=", ", prefix="tensor(", precision=4)
        extra = ""
        if self.dtype not in (np.float32, np.int64, np.bool_):
            extra += f", dtype={self.dtype}"
        if self._ctx is not None:
            extra += f", grad_fn=<{self.grad_fn.name()}>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    # --- autograd ----------------------------------------------------------------------------
    @property
    def requires_grad(self):
        """Whether operations on this tensor are recorded for autograd. Assignable on leaves:
        ``t.requires_grad = True`` (floating point tensors only, as in PyTorch)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, requires_grad):
        self.requires_grad_(requires_grad)

    def requires_grad_(self, requires_grad=True):
        """Set whether gradients are recorded for this leaf tensor; returns self."""
        if requires_grad and self._array.dtype.kind not in "fc":
            raise DTypeError(f"only floating point tensors can require gradients, got dtype {self.dtype}")
        if not requires_grad and self._ctx is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor; use detach() instead")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        """The gradient accumulated by ``backward`` (None before). On a non-leaf tensor it stays
        None unless ``retain_grad()`` was called, and reading it warns, as in PyTorch."""
        if self._ctx is not None and not self._retains_grad and self._grad is None:
            warnings.warn("The .grad of a tensor that is not a leaf is read; backward does not "
                          "fill it. Call .retain_grad() on it first if you want its gradient "
                          "(or read the .grad of the leaf tensors).", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad must be a Tensor or None, got {type(value).__name__}")
            if value.shape != self.shape:
                raise ShapeError(f"assigned grad has shape {value.shape}, but the tensor has shape "
                                 f"{self.shape}")
        self._grad = value

    def retain_grad(self):
        """Keep ``.grad`` for this interior (non-leaf) tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        self._retains_grad = True

    def detach(self):
        """A new tensor sharing the data (and the in-place version counter) but cut from the graph."""
        return Tensor._wrap(self._array, self._vc)

    def backward(self, gradient=None, retain_graph=False, create_graph=False):
        """Accumulate the gradient of this tensor into ``.grad`` of every leaf it depends on.

        A scalar needs no ``gradient``; otherwise pass ``gradient`` of the same shape. The graph is
        freed afterwards unless ``retain_graph=True``. ``create_graph=True`` records the backward
        pass itself so the gradients can be differentiated again.

        >>> x = Tensor([3.0], requires_grad=True)
        >>> (x ** 2).sum().backward(); x.grad
        tensor([6.])
        """
        engine.run_backward([self], [gradient], retain_graph or create_graph, create_graph)

    # --- in-place updates --------------------------------------------------------------------
    # Outside the graph (no_grad, or nothing requires grad) an update writes into the array and
    # bumps the version counter, nothing more: the cost of parameter updates. While recording, an
    # update of a tensor that requires grad, or with an operand that does, is recorded as PyTorch
    # does: ``t.op_(...)`` computes ``op(t_old, ...)``, writes it into t's memory, and t's node
    # becomes the new op's node (:meth:`_rebase`); an update through a view rebases its base too.

    def _records(self, *args):
        """Whether an in-place update of this tensor with operands ``args`` is recorded."""
        if not _mode.enabled:
            return False
        if self._requires_grad:
            return True
        for a in args:
            if isinstance(a, Tensor) and a._requires_grad:
                return True
        return False

    def _update(self, op, fn, *args, **kwargs):
        """In place ``self = fn(self, *args, **kwargs)`` for a Tensor function ``fn`` of the same
        shape (the generic in-place variant of an op); recorded when :meth:`_records` says so."""
        if self._records(*args, *kwargs.values()):
            return self._rebase(op, lambda old: fn(old, *args, **kwargs))
        self._write(op, fn(self, *args, **kwargs)._array)
        return self

    def _write(self, op, values):
        """Write the array ``values`` (this tensor's shape, a dtype castable to its own) into its
        memory, so that views see it, and count the update."""
        self._check_result(op, values)
        np.copyto(self._array, values, casting="unsafe")
        self._vc[0] += 1

    def _check_result(self, op, values):
        if values.shape != self.shape:
            raise ShapeError(f"{op}: output with shape {self.shape} doesn't match the broadcast "
                             f"shape {values.shape}")
        if not can_cast(values.dtype, self.dtype):
            raise DTypeError(f"{op}: result type {values.dtype} can't be cast to the desired output "
                             f"type {self.dtype}")
        if not self._array.flags.writeable:
            raise RuntimeError(f"{op}: unsupported operation: more than one element of the tensor "
                               f"refers to a single memory location (an expanded tensor); clone() it first")

    def _rebase(self, op, fn):
        """Record the update ``self = fn(old self)``: the old value and history move to a stand-in
        tensor that ``fn`` reads, the new value is written into this tensor's memory, and its node
        becomes ``fn``'s. Nodes recorded before still see the old value: each node remembers its
        stand-in (``previous``), and backward sends older nodes' gradients there."""
        ctx = self._ctx
        if ctx is None and self._requires_grad:
            raise RuntimeError(f"{op}: in-place update of a leaf tensor that requires grad; do it "
                               f"under `with no_grad():` (e.g. parameter updates) or update a copy")
        old = Tensor._wrap(self._array.copy(), [self._vc[0]])
        old._ctx, old._requires_grad = ctx, self._requires_grad
        new = fn(old)
        base = self._view_base()
        if base is not None:  # a view: the base gets the view's new values, and this stays its view
            self._check_result(op, new._array)
            cover = ctx.backward(np.ones(self.shape, bool), None, base._array)[0]
            value = new.to(self.dtype)
            base._rebase(op, lambda old_base: Tensor.where(ctx.backward(value, None, old_base)[0],
                                                          cover, old_base))
            new = ctx.again(base, self.shape)
        else:
            self._write(op, new._array)
            new = new.to(self.dtype)
        node = new._ctx
        self._ctx, self._requires_grad = node, new._requires_grad
        if node is not None:
            node.out_version, node.previous = self._vc[0], old
        return self

    def _view_base(self):
        """The tensor this one is a recorded view of (sharing its memory), or None."""
        ctx = self._ctx
        if ctx is None or not ctx.is_view or not hasattr(ctx, "parents") or self._array.base is None:
            return None
        base = ctx.parents[0]
        if not base._requires_grad or not np.may_share_memory(self._array, base._array):
            return None
        return base

    def _inplace(self, op, *args, **kwargs):
        """``self.op(*args, **kwargs)`` (``op`` the in-place name, "add_") written back into this
        tensor with PyTorch's rules: recorded when it must be, the shape must not grow and the
        result's dtype must fit (no float into an integer tensor, no integer into a bool one)."""
        return self._update(op, getattr(Tensor, op[:-1]), *args, **kwargs)

    def add_(self, other, alpha=1):
        """In place ``self += alpha * other``."""
        return self._inplace("add_", other, alpha=alpha)

    def sub_(self, other, alpha=1):
        """In place ``self -= alpha * other``."""
        return self._inplace("sub_", other, alpha=alpha)

    def mul_(self, other):
        """In place ``self *= other``."""
        return self._inplace("mul_", other)

    def div_(self, other, rounding_mode=None):
        """In place ``self /= other`` (``rounding_mode`` as in ``div``)."""
        return self._inplace("div_", other, rounding_mode=rounding_mode)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    def clamp_(self, min=None, max=None):
        """In place clamp to ``[min, max]``."""
        return self._inplace("clamp_", min, max)

    def _assign(self, op, values):
        """Replace every value by ``values`` (broadcast); recorded, the old value gets no gradient."""
        if self._records(values):
            full = np.ones(self.shape, bool)
            return self._rebase(op, lambda old: Tensor.where(_of_dtype(values, old.dtype), full, old))
        try:
            self._array[...] = values._array if isinstance(values, Tensor) else values
        except ValueError:
            raise ShapeError(f"{op}: cannot write shape {np.shape(values)} into shape {self.shape}") from None
        self._vc[0] += 1
        return self

    def zero_(self):
        """Fill with zeros in place."""
        return self._assign("zero_", 0)

    def fill_(self, value):
        """Fill with ``value`` in place (a number or a 0-d tensor)."""
        if isinstance(value, Tensor) and value.ndim:
            raise RuntimeError(f"fill_: only a 0-d tensor can be the value, got shape {value.shape}")
        return self._assign("fill_", value)

    def copy_(self, src):
        """Copy ``src`` (Tensor or array, broadcastable) into this tensor in place."""
        return self._assign("copy_", src)


_wrap = Tensor._wrap


# ---------------------------------------------------------------------------------------------
# conversion of user data
# ---------------------------------------------------------------------------------------------

def _as_array(data, dtype):
    """Convert user data to an ndarray with PyTorch's dtype rules."""
    if dtype is not None and not isinstance(data, (Tensor, np.ndarray)):
        if dtype.kind in "iu" and not isinstance(data, np.generic):
            return _int_array(data, dtype)
        try:
            return np.array(data, dtype=dtype)
        except (ValueError, TypeError) as e:
            raise ValueError(f"Tensor: cannot build a {dtype} tensor from this data: {e}") from None
    if isinstance(data, Tensor):
        arr = data._array
    elif isinstance(data, (np.ndarray, np.generic)):  # NumPy arrays and scalars keep their dtype
        arr = np.asarray(data)
    elif isinstance(data, bool):
        arr = np.array(data)
    elif isinstance(data, numbers.Integral):
        arr = np.array(data, dtype=np.int64)
    elif isinstance(data, float):
        arr = np.array(data, dtype=dtypes.default_float())
    else:
        try:
            arr = np.array(data)
        except ValueError as e:
            raise ValueError(f"Tensor: cannot build a tensor from ragged or mixed data: {e}") from None
        if arr.dtype == np.float64:
            arr = arr.astype(dtypes.default_float(), copy=False)
        elif arr.dtype.kind not in "biufc":
            raise TypeError(f"Tensor: cannot build a tensor from elements of type {arr.dtype}")
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def _of_dtype(values, dtype):
    """``values`` (a Tensor, array or number) as a Tensor of ``dtype``."""
    if isinstance(values, Tensor):
        return values.to(dtype)
    return Tensor._wrap(np.asarray(values, dtype=dtype))


def _int_array(data, dtype):
    """Python data as an integer array, refusing values out of the type's range as PyTorch does
    (floats truncate toward zero; negative ints wrap into unsigned types)."""
    try:
        arr = np.array(data)
    except ValueError as e:
        raise ValueError(f"Tensor: cannot build a {dtype} tensor from this data: {e}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"Tensor: cannot build a {dtype} tensor from elements of type {arr.dtype}")
    info = np.iinfo(dtype)
    if arr.dtype.kind in "biu":
        low = -2 ** 63 if dtype.kind == "u" else info.min  # negative ints wrap into unsigned types
        bad = (arr < low) | (arr > info.max)
    else:
        with np.errstate(invalid="ignore"):
            bad = ~((arr >= info.min) & (arr <= info.max))
    if np.any(bad):
        raise RuntimeError(f"tensor: value {arr[bad].flat[0]} cannot be converted to type {dtype} "
                           f"without overflow")
    return arr.astype(dtype)
