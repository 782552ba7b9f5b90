"""``tinygrad_lite.autograd``: gradients as values (``grad``); the engine is in ``engine.py``."""
from . import engine
from .tensor import Tensor

__all__ = ["grad"]


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned as a tuple (``.grad`` is not
    touched). ``create_graph=True`` makes the result differentiable (grad of grad).

    >>> x = Tensor([2.0], requires_grad=True)
    >>> (g,) = grad((x ** 3).sum(), x, create_graph=True)   # 3x² = 12
    >>> grad(g.sum(), x)                                     # 6x = 12
    (tensor([12.]),)
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    retain = create_graph if retain_graph is None else retain_graph
    got = engine.run_backward(outputs, grad_outputs, retain, create_graph, inputs)
    result = []
    for i, (t, g) in enumerate(zip(inputs, got)):
        if g is None and not allow_unused:
            raise RuntimeError(f"grad: input {i} (shape {t.shape}) was not used to compute the "
                               f"outputs; pass allow_unused=True to get None for it")
        if g is not None and not create_graph:
            g = Tensor(g.astype(t.dtype, copy=False))
        result.append(g)
    return tuple(result)
