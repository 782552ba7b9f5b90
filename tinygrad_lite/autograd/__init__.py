"""``tinygrad_lite.autograd``, as ``torch.autograd``: gradients as values (``grad``), ``backward``
over several roots, custom differentiable operations (``Function``), ``functional`` (jacobian,
hessian, vjp, jvp, hvp, vhp) and anomaly detection. The engine itself is ``engine.py``.
"""
import numpy as np

from .. import engine
from ..grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from ..tensor import Tensor

__all__ = ["grad", "backward", "Function", "once_differentiable", "functional", "detect_anomaly",
           "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
           "gradcheck", "gradgradcheck", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode"]


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _grad_list(grads, count, what):
    """``grad_outputs`` / ``grad_tensors`` as one entry (Tensor or None) per output."""
    if grads is None or isinstance(grads, Tensor):
        return [grads] * count
    grads = list(grads)
    if len(grads) != count:
        raise RuntimeError(f"{what}: got {len(grads)} gradients for {count} outputs")
    return grads


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned as a tuple (``.grad`` is not
    touched). ``create_graph=True`` makes the result differentiable (grad of grad). An input the
    outputs do not depend on raises unless ``allow_unused=True`` (then None) or
    ``materialize_grads=True`` (then zeros).

    >>> x = Tensor([2.0], requires_grad=True)
    >>> (g,) = grad((x ** 3).sum(), x, create_graph=True)   # 3x² = 12
    >>> grad(g.sum(), x)                                     # 6x = 12
    (tensor([12.]),)
    """
    if is_grads_batched:
        raise NotImplementedError("grad: is_grads_batched=True (vmap over grad_outputs) is not supported")
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    grad_outputs = _grad_list(grad_outputs, len(outputs), "grad")
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError("grad: materialize_grads=True needs allow_unused=True (or None)")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    retain = create_graph if retain_graph is None else retain_graph
    got = engine.run_backward(outputs, grad_outputs, retain, create_graph, inputs)
    result = []
    for i, (t, g) in enumerate(zip(inputs, got)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad: input {i} (shape {t.shape}) was not used to compute the "
                                   f"outputs; pass allow_unused=True to get None for it")
            if materialize_grads:
                g = Tensor._wrap(np.zeros(t.shape, t.dtype))
        elif not create_graph:
            g = Tensor(g.astype(t.dtype, copy=False))
        result.append(g)
    return tuple(result)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Accumulate the gradients of ``tensors`` (weighted by ``grad_tensors``) into the ``.grad``
    of the leaves, or only of ``inputs`` when given: ``Tensor.backward`` for several roots.

    >>> a, b = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    >>> backward([(a * b).sum(), (a * a).sum()])
    >>> a.grad, b.grad
    (tensor([4.]), tensor([1.]))
    """
    tensors = _as_list(tensors)
    if grad_variables is not None:  # the old name
        grad_tensors = grad_variables
    grad_tensors = _grad_list(grad_tensors, len(tensors), "backward")
    retain = create_graph if retain_graph is None else retain_graph
    if inputs is None:
        engine.run_backward(tensors, grad_tensors, retain, create_graph)
        return
    inputs = _as_list(inputs)
    if not inputs:
        raise RuntimeError("backward: inputs= must be a non-empty sequence of tensors")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"backward: input {i} does not require grad")
    got = engine.run_backward(tensors, grad_tensors, retain, create_graph, inputs)
    for t, g in zip(inputs, got):
        if g is not None:
            engine.accumulate(t, g, create_graph)


from . import anomaly_mode, function, functional  # noqa: E402  (they use the names above)
from .anomaly_mode import (detect_anomaly, is_anomaly_check_nan_enabled,  # noqa: E402
                           is_anomaly_enabled, set_detect_anomaly)
from .function import Function, once_differentiable  # noqa: E402
from ..gradcheck import gradcheck, gradgradcheck  # noqa: E402
