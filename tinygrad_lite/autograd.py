"""Reverse-mode differentiation: the backward engine and ``grad``.

The engine sorts the graph iteratively (no recursion, so chains of any length work), walks it
from the outputs back to the leaves, and frees each node's saved arrays as soon as its gradient
has been passed on, unless the graph is retained.
"""
import numpy as np

from .tensor import ShapeError, Tensor, _is_float, enable_grad, no_grad

__all__ = ["grad", "run_backward"]

_FREED = ("backward through a graph that has already been freed: a second backward (or grad) "
          "over the same graph needs retain_graph=True on the first one")


def _toposort(roots):
    """Tensors that require grad reachable from ``roots``, each after all of its inputs."""
    order, seen = [], set()
    stack = [(r, False) for r in roots]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        if id(t) in seen:
            continue
        seen.add(id(t))
        stack.append((t, True))
        ctx = t._ctx
        if ctx is not None:
            parents = getattr(ctx, "parents", None)
            if parents is None:
                raise RuntimeError(_FREED)
            for p in parents:
                if isinstance(p, Tensor) and p.requires_grad and id(p) not in seen:
                    stack.append((p, False))
    return order


def _check_versions(t, ctx):
    """Refuse to differentiate through values that were modified in place after being saved."""
    if t._vc[0] != ctx.out_version:
        changed = f"its output (shape {t.shape})"
    else:
        for p, v in zip(ctx.parents, ctx.versions):
            if isinstance(p, Tensor) and p._vc[0] != v:
                changed = f"an input of shape {p.shape}"
                break
        else:
            return
    raise RuntimeError(f"backward through {ctx.name}: {changed} was modified in place after it was "
                       f"used; update parameters after backward, or compute the graph again")


def _initial_grad(root, gradient, create_graph):
    if not root.requires_grad:
        raise RuntimeError("backward: the tensor does not require grad and has no grad_fn "
                           "(did you forget requires_grad=True, or compute it under no_grad?)")
    if not _is_float(root.dtype):
        raise TypeError(f"backward: only floating point outputs can be differentiated, got {root.dtype}")
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(f"backward: grad can be implicitly created only for scalar outputs; "
                               f"this output has shape {root.shape}, pass gradient= of that shape")
        g = np.ones(root.shape, dtype=root.dtype)
    else:
        g = np.array(gradient.data if isinstance(gradient, Tensor) else gradient, dtype=root.dtype)
        if g.shape != root.shape:
            raise ShapeError(f"backward: gradient has shape {g.shape} but the output has shape {root.shape}")
    if create_graph:
        return gradient if isinstance(gradient, Tensor) and gradient.shape == root.shape else Tensor(g)
    return g


def run_backward(roots, gradients, retain_graph=False, create_graph=False, inputs=None):
    """Propagate ``gradients`` from ``roots``. With ``inputs`` None, accumulate into the ``.grad`` of
    leaves (and of tensors that called ``retain_grad``); otherwise return the gradients of
    ``inputs`` and leave every ``.grad`` alone."""
    grads = {}
    for r, g in zip(roots, gradients):
        g = _initial_grad(r, g, create_graph)
        grads[id(r)] = grads[id(r)] + g if id(r) in grads else g
    order = _toposort(roots)
    wanted = None if inputs is None else {id(t): i for i, t in enumerate(inputs)}
    captured = [None] * (0 if inputs is None else len(inputs))
    with (enable_grad() if create_graph else no_grad()):
        for t in reversed(order):
            g = grads.pop(id(t), None)
            if g is None:
                continue
            ctx = t._ctx
            if wanted is not None:
                if id(t) in wanted:
                    captured[wanted[id(t)]] = g
            elif ctx is None or t._retains_grad:
                _accumulate(t, g, create_graph)
            if ctx is None:
                continue
            _check_versions(t, ctx)
            parents, needs = ctx.parents, ctx.needs
            if create_graph:
                gs = ctx.backward(g, t, *parents)
            else:
                gs = ctx.backward(g, t.data, *ctx.arrays)
            if not retain_graph:
                ctx.__dict__.clear()  # free the saved arrays; a later backward here is an error
            for p, need, gp in zip(parents, needs, gs):
                if need and gp is not None:
                    if not create_graph and gp is g:
                        gp = gp.view()  # the same array may reach several tensors: mark it shared
                    k = id(p)
                    grads[k] = grads[k] + gp if k in grads else gp
    return captured


def _accumulate(t, g, create_graph):
    """Add ``g`` to ``t.grad``. Stored arrays are never shared with another tensor's gradient."""
    if create_graph:  # a clone, so no two leaves ever hold the same gradient tensor
        t.grad = g.clone() if t.grad is None else t.grad + g
        return
    g = np.asarray(g)
    if g.dtype != t.data.dtype:
        g = g.astype(t.data.dtype)
    if g.shape != t.data.shape:
        raise RuntimeError(f"internal error: gradient of shape {g.shape} for a tensor of shape {t.shape}")
    if t.grad is None:
        t.grad = Tensor(g if g.base is None and g.flags.writeable else g.copy())
    elif t.grad.data.flags.writeable and t.grad.shape == g.shape:
        np.add(t.grad.data, g, out=t.grad.data)
    else:
        t.grad = Tensor(t.grad.data + g)


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
    got = run_backward(outputs, grad_outputs, retain, create_graph, inputs)
    result = []
    for i, (t, g) in enumerate(zip(inputs, got)):
        if g is None and not allow_unused:
            raise RuntimeError(f"grad: input {i} (shape {t.shape}) was not used to compute the "
                               f"outputs; pass allow_unused=True to get None for it")
        if g is not None and not create_graph:
            g = Tensor(g.astype(t.dtype, copy=False))
        result.append(g)
    return tuple(result)
