"""``torch.autograd.Function``: differentiable operations written by the user as a pair of static
methods on Tensors, ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``.

``Function.apply`` runs ``forward`` without recording and links the outputs to one backward node:
an instance of the ``<Name>Backward`` class made for each subclass, which is also the ``ctx``
that ``forward`` and ``backward`` receive (as in PyTorch, ``y.grad_fn`` is that ctx). For the
engine the node is an ordinary recorded primitive (see ``tensor.Function``): its backward wraps
the incoming gradients as Tensors, calls the user's ``backward`` and checks what comes back.
Under ``create_graph`` the engine hands it Tensors and records, so a ``backward`` written with
tensor operations is itself differentiable.

A forward with several outputs gives each differentiable output a small ``_Pick`` node whose
only parent is one hidden tensor owned by the user's node; the gradients of the outputs reach
that tensor as one :class:`_Grads` bundle, so the user's ``backward`` runs once with all of them.

>>> class Cube(Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x ** 3
...     @staticmethod
...     def backward(ctx, grad_output):
...         (x,) = ctx.saved_tensors
...         return grad_output * 3 * x ** 2
>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> Cube.apply(x).sum().backward()
>>> x.grad
tensor([ 3., 12.])
"""
import functools

import numpy as np

from .. import grad_mode
from . import anomaly_mode
from ..primitives import sum_to
from ..tensor import Function as _Node
from ..tensor import Tensor, next_sequence

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable"]

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
          "after they have already been freed); pass retain_graph=True to the first backward")


class _Grads:
    """The gradients of a multi-output node's outputs, one slot per output (None: none arrived);
    bundles add slot by slot, so the engine sums them like arrays."""

    __slots__ = ("slots",)

    def __init__(self, slots):
        self.slots = slots

    def __add__(self, other):
        return _Grads([b if a is None else a if b is None else a + b
                       for a, b in zip(self.slots, other.slots)])


class _Output:
    """A custom Function's outputs are not read by its backward (only what it saved, which
    ``saved_tensors`` checks), so the engine's check of an output's version always passes: it
    reads the version counter itself."""

    @property
    def out_version(self):
        return self._out_vc[0]


class _Pick(_Output, _Node):
    """Output ``index`` of a multi-output node: passes its gradient on in a bundle."""

    def backward(self, g, out, joint):
        slots = [None] * self.count
        slots[self.index] = g
        return (_Grads(slots),)


class FunctionCtx:
    """What ``forward`` and ``backward`` share: ``save_for_backward``/``saved_tensors``,
    ``needs_input_grad``, ``mark_non_differentiable``, ``set_materialize_grads`` and any
    attribute the user sets (``ctx.alpha = alpha``)."""

    def save_for_backward(self, *tensors):
        """Keep ``tensors`` (inputs, outputs or None) for ``backward``: ``ctx.saved_tensors``."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save tensors (or None), but argument "
                                f"{i} is of type {type(t).__name__}")
        self._saved = tuple((t, None if t is None else t._vc[0]) for t in tensors)

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``; raises if one was modified in place since."""
        saved = self.__dict__.get("_saved")
        if saved is None:
            if "needs_input_grad" not in self.__dict__:
                raise RuntimeError(_FREED)
            return ()
        for t, version in saved:
            if t is not None and t._vc[0] != version:
                raise RuntimeError(f"one of the tensors saved by {type(self).__name__} (shape "
                                   f"{t.shape}) was modified by an in-place operation: it is at "
                                   f"version {t._vc[0]}; expected version {version} instead")
        return tuple(t for t, _ in saved)

    def mark_non_differentiable(self, *outputs):
        """Outputs that get no gradient (e.g. indices); ``backward`` still receives zeros for them."""
        self._non_differentiable = {id(t) for t in outputs}

    def set_materialize_grads(self, value):
        """With False, ``backward`` receives None (not zeros) for outputs that got no gradient."""
        self._materialize = bool(value)

    def mark_dirty(self, *tensors):
        raise NotImplementedError("ctx.mark_dirty: in-place custom Functions are not supported; "
                                  "return a new tensor from forward instead")


class BackwardCFunction(FunctionCtx, _Output, _Node):
    """The recorded node of a custom Function (one subclass per Function, ``<Name>Backward``)."""

    _forward_cls = None

    @property
    def name(self):
        return type(self).__name__

    def backward(self, g, out, *inputs):
        """Engine side: gradients of the outputs in (arrays, or Tensors under create_graph), one
        gradient per forward argument out."""
        cls = self._forward_cls
        slots = g.slots if isinstance(g, _Grads) else [g]
        recording = grad_mode.state.enabled  # the engine records exactly under create_graph
        materialize = self.__dict__.get("_materialize", True)
        grads = []
        for s, meta in zip(slots, self._outputs):
            if s is None and materialize and meta is not None:
                s = np.zeros(*meta)
            grads.append(Tensor._wrap(s) if isinstance(s, np.ndarray) else s)
        user_backward = cls.vjp if cls.vjp is not Function.vjp else cls.backward
        result = user_backward(self, *grads)
        result = result if isinstance(result, tuple) else (result,)
        return self._checked(result, slots, recording)

    def _checked(self, result, incoming, recording):
        name, parents = type(self).__name__, self.parents
        if len(result) < len(parents) or any(r is not None for r in result[len(parents):]):
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {len(parents)}, got {len(result)})")
        out = []
        for i, (r, p) in enumerate(zip(result, parents)):
            if r is None:
                out.append(None)
                continue
            if not isinstance(r, Tensor):
                raise RuntimeError(f"function {name} returned a gradient of type {type(r).__name__} "
                                   f"at position {i}: expected a Tensor or None")
            if not isinstance(p, Tensor):
                raise RuntimeError(f"function {name} returned a gradient different than None at "
                                   f"position {i}, but the corresponding forward input was not a Tensor")
            out.append(self._fitted(r, p, i, incoming, recording))
        return out

    def _fitted(self, r, p, i, incoming, recording):
        """``r`` summed over broadcast dimensions and cast to the input's dtype."""
        if r.shape != p.shape:
            try:
                fits = np.broadcast_shapes(r.shape, p.shape) == r.shape
            except ValueError:
                fits = False
            if not fits:
                raise RuntimeError(f"Function {type(self).__name__} returned an invalid gradient at "
                                   f"index {i} - got {list(r.shape)} but expected shape compatible "
                                   f"with {list(p.shape)}")
        if recording:
            r = sum_to(r, p.shape)
            return r if r.dtype == p.dtype else r.to(p.dtype)
        a = sum_to(r._array, p.shape).astype(p.dtype, copy=False)
        return a.view() if any(a is s for s in incoming) else a  # never hand back a gradient given


class Function:
    """Base class of custom differentiable operations. Subclasses define the static methods
    ``forward(ctx, *args)`` (on Tensors, not recorded) and ``backward(ctx, *grad_outputs)``
    (one gradient, or None, per argument of ``forward``), or ``forward(*args)`` plus
    ``setup_context(ctx, inputs, output)``; call them through ``Function.apply(*args)``.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        name, where = f"{cls.__name__}Backward", {"__module__": cls.__module__}
        cls._backward_cls = type(name, (BackwardCFunction,), {"_forward_cls": cls, **where})
        cls._pick_cls = type(name, (_Pick,), where)  # outputs of a multi-output forward

    @staticmethod
    def forward(*args, **kwargs):
        """The computation on Tensors; saves what ``backward`` needs on ``ctx``."""
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Optional: fill ``ctx`` from the inputs and output of a ``forward`` without ctx."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """The gradients of the inputs from those of the outputs (``vjp`` is another name)."""
        raise NotImplementedError("You must implement either the backward or vjp method for your "
                                  "custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("forward-mode AD (jvp) of custom Functions is not supported")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` on ``args`` and record the op when an input requires grad."""
        ctx = cls._backward_cls()
        with_setup = cls.setup_context is not Function.setup_context
        if with_setup and kwargs:
            args, kwargs = _bound(cls.forward, args, kwargs), {}
        needs = [isinstance(a, Tensor) and a._requires_grad for a in args]
        ctx.needs_input_grad = tuple(needs)
        with grad_mode.no_grad():
            if with_setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        if not (grad_mode.state.enabled and True in needs):
            return output
        return _link(ctx, args, needs, output)


def _bound(forward, args, kwargs):
    """``args`` and ``kwargs`` as one positional tuple in ``forward``'s order (defaults filled)."""
    import inspect  # only for keyword calls of setup_context-style Functions
    bound = inspect.signature(forward).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args


def _link(ctx, args, needs, output):
    """Make ``ctx`` the recorded node of ``output`` (a Tensor, or a tuple of outputs)."""
    outputs = list(output) if isinstance(output, tuple) else [output]
    skip = ctx.__dict__.pop("_non_differentiable", set())
    ctx._outputs = [(o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outputs]
    linked = []
    for i, o in enumerate(outputs):
        if isinstance(o, Tensor):
            if o.dtype.kind in "fc" and id(o) not in skip:
                linked.append(i)
            if any(o is a for a in args) or o._ctx is not None or o._requires_grad:
                outputs[i] = Tensor._wrap(o._array, o._vc)  # a new tensor on the same memory
    ctx.parents, ctx.arrays, ctx.needs, ctx.vchecks = args, (), needs, ()
    ctx.seq = next_sequence()
    if anomaly_mode.is_anomaly_enabled():
        ctx.trace = anomaly_mode.forward_trace()
    if len(outputs) == 1 and linked:
        _attach(outputs[0], ctx)
    elif linked:
        joint = Tensor._wrap(np.empty(0, np.float32))
        _attach(joint, ctx)
        for i in linked:
            pick = ctx._forward_cls._pick_cls()
            pick.index, pick.count = i, len(outputs)
            pick.parents, pick.arrays, pick.needs, pick.vchecks = (joint,), (joint._array,), (True,), ()
            pick.seq = next_sequence()
            _attach(outputs[i], pick)
    return tuple(outputs) if isinstance(output, tuple) else outputs[0]


def _attach(t, node):
    node._out_vc = t._vc
    t._requires_grad, t._ctx = True, node


class _DelayedError(_Node):
    """Identity on its first input, recorded as depending on the others (the gradients a
    once_differentiable backward received), whose backward raises."""

    def forward(self, x, *grads):
        return x.view()

    def backward(self, g, out, *inputs):
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")


def once_differentiable(backward):
    """Decorator for a ``backward`` that only works once (e.g. written with NumPy): it runs
    unrecorded, and differentiating its result again raises."""

    @functools.wraps(backward)
    def wrapper(ctx, *grad_outputs):
        with grad_mode.no_grad():
            result = backward(ctx, *grad_outputs)
        recorded = [g for g in grad_outputs if isinstance(g, Tensor) and g.requires_grad]
        if not (grad_mode.is_grad_enabled() and recorded):
            return result

        def delayed(r):
            return _DelayedError.apply(r, *recorded) if isinstance(r, Tensor) else r
        return tuple(map(delayed, result)) if isinstance(result, tuple) else delayed(result)
    return wrapper
