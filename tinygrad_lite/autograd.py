"""Reverse-mode differentiation: the backward engine and ``grad``.

The engine walks the graph iteratively (no recursion, so chains of any length work) from the
outputs back to the leaves, and frees each node's saved arrays as soon as its gradient has been
passed on, unless the graph is retained.
"""
from heapq import heappop, heappush

import numpy as np

from .tensor import ShapeError, Tensor, _is_float, _set_grad_mode, _wrap

__all__ = ["grad", "run_backward"]

_FREED = ("backward through a graph that has already been freed: a second backward (or grad) "
          "over the same graph needs retain_graph=True on the first one")


def _version_error(t, ctx):
    """Explain which saved value was modified in place after being used."""
    changed = f"its output (shape {t.shape})"
    for p, (vc, v) in zip([p for p in ctx.parents if isinstance(p, Tensor)], ctx.vchecks):
        if vc[0] != v:
            changed = f"an input of shape {p.shape}"
    return RuntimeError(f"backward through {ctx.name}: {changed} was modified in place after it was "
                        f"used; update parameters after backward, or compute the graph again")


def _initial_grad(root, gradient, create_graph):
    if not root.requires_grad:
        raise RuntimeError("backward: the tensor does not require grad and has no grad_fn "
                           "(did you forget requires_grad=True, or compute it under no_grad?)")
    data = root.data
    if not _is_float(data.dtype):
        raise TypeError(f"backward: only floating point outputs can be differentiated, got {data.dtype}")
    if gradient is None:
        if data.size != 1:
            raise RuntimeError(f"backward: grad can be implicitly created only for scalar outputs; "
                               f"this output has shape {data.shape}, pass gradient= of that shape")
        g = np.array(1, dtype=data.dtype).reshape(data.shape)
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
    ``inputs`` and leave every ``.grad`` alone.

    Every recorded op has a sequence number, and an op's inputs are always older than the op, so
    taking nodes newest first from a heap visits each node after all of its consumers: a
    topological order found on the fly, with no recursion and no separate sorting pass.
    """
    grads, heap, leaves = {}, [], []
    # (tensor, wants a gradient, gradient) triples still to be received: the roots', then each
    # node's inputs'
    arriving = [(r, True, _initial_grad(r, g, create_graph)) for r, g in zip(roots, gradients)]
    wanted = None if inputs is None else {id(t): i for i, t in enumerate(inputs)}
    captured = [None] * (0 if inputs is None else len(inputs))
    g = None  # the gradient of the node being processed
    previous_mode = _set_grad_mode(create_graph)  # a recorded backward records; else nothing does
    try:
        while True:
            for p, need, gp in arriving:
                if not need or gp is None:
                    continue
                if gp is g and not create_graph:
                    gp = gp.view()  # the same array may reach several tensors: mark it shared
                k = id(p)
                if k in grads:
                    grads[k] = grads[k] + gp
                    continue
                grads[k] = gp  # p's first gradient: queue p
                ctx = p._ctx
                if ctx is None:
                    leaves.append(p)
                elif not hasattr(ctx, "parents"):
                    raise RuntimeError(_FREED)
                else:
                    heappush(heap, (-ctx.seq, p))
            if not heap:
                break
            t = heappop(heap)[1]
            g = grads.pop(id(t))
            ctx = t._ctx
            if wanted is not None:
                if id(t) in wanted:
                    captured[wanted[id(t)]] = g
            elif t._retains_grad:
                _accumulate(t, g, create_graph)
            if t._vc[0] != ctx.out_version:
                raise _version_error(t, ctx)
            for vc, v in ctx.vchecks:
                if vc[0] != v:
                    raise _version_error(t, ctx)
            parents = ctx.parents
            gs = ctx.backward(g, t, *parents) if create_graph else ctx.backward(g, t.data, *ctx.arrays)
            arriving = zip(parents, ctx.needs, gs)
            if not retain_graph:
                ctx.__dict__.clear()  # free the saved arrays; a later backward here is an error
    finally:
        _set_grad_mode(previous_mode)
    for t in leaves:
        g = grads.pop(id(t))
        if wanted is None:
            _accumulate(t, g, create_graph)
        elif id(t) in wanted:
            captured[wanted[id(t)]] = g
    return captured


def _accumulate(t, g, create_graph):
    """Add ``g`` to ``t.grad``. Stored arrays are never shared with another tensor's gradient."""
    if create_graph:  # a clone, so no two leaves ever hold the same gradient tensor
        t.grad = g.clone() if t.grad is None else t.grad + g
        return
    data = t.data
    if g.dtype is not data.dtype:
        g = np.asarray(g, dtype=data.dtype)
    if g.shape != data.shape:
        raise RuntimeError(f"internal error: gradient of shape {g.shape} for a tensor of shape {t.shape}")
    if t.grad is None:
        if g.base is not None or not g.flags.writeable:  # a view may alias another gradient
            g = g.copy()
        t.grad = _wrap(g)
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
