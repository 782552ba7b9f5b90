"""The backward engine: reverse-mode differentiation over the recorded graph.

It walks the graph iteratively (no recursion, so chains of any length work) from the outputs back
to the leaves, and frees each node's saved arrays as soon as its gradient has been passed on,
unless the graph is retained. It imports no Tensor: it reads the core's slots (``_array``,
``_grad``, ``_requires_grad``, ``_ctx``, ``_vc``, ``_retains_grad``) and makes new tensors with
``type(t)``.
"""
import math
from heapq import heappop, heappush

import numpy as np

from . import grad_mode
from .arguments import ShapeError

anomaly_check = None  # set by autograd.anomaly_mode while anomaly detection checks for NaN

_FREED = ("backward through a graph that has already been freed: a second backward (or grad) "
          "over the same graph needs retain_graph=True on the first one")


def _check_saved(t, ctx):
    """Called when a value ``ctx`` saved was modified in place since (a version counter moved):
    raise if its backward reads that value. What it reads is ``type(ctx).reads`` (per input that
    wants a gradient: input indices, -1 for the output; None means everything), so, as in
    PyTorch, updating a value that no gradient needs is allowed."""
    reads = type(ctx).reads
    if reads is not None:
        used = {j for i, need in enumerate(ctx.needs) if need and i < len(reads) for j in reads[i]}
        tensors = [i for i, p in enumerate(ctx.parents) if hasattr(p, "_vc")]  # as vchecks are
        changed = {i for i, (vc, v) in zip(tensors, ctx.vchecks) if vc[0] != v}
        if not (-1 in used and t._vc[0] != ctx.out_version or used.intersection(changed)):
            return
    changed = f"its output (shape {t.shape})"
    for p in ctx.parents:
        if any(vc is getattr(p, "_vc", None) and vc[0] != v for vc, v in ctx.vchecks):
            changed = f"an input of shape {p.shape}"
    raise RuntimeError(f"backward through {ctx.name}: {changed} was modified in place after it was "
                       f"used; update parameters after backward, or compute the graph again")


def _version_at(p, seq):
    """The tensor that held ``p``'s value when the node numbered ``seq`` used it: ``p`` was updated
    in place since, and each update's node keeps the stand-in for the value before it."""
    ctx = p._ctx
    while ctx is not None and ctx.seq >= seq:
        p = ctx.previous
        ctx = p._ctx
    return p


def _initial_grad(root, gradient, create_graph):
    if not root._requires_grad:
        raise RuntimeError("backward: the tensor does not require grad and has no grad_fn "
                           "(did you forget requires_grad=True, or compute it under no_grad?)")
    data = root._array
    if data.dtype.kind not in "fc":
        raise TypeError(f"backward: only floating point outputs can be differentiated, got {data.dtype}")
    if gradient is None:
        if data.size != 1:
            raise RuntimeError(f"backward: grad can be implicitly created only for scalar outputs; "
                               f"this output has shape {data.shape}, pass gradient= of that shape")
        g = np.array(1, dtype=data.dtype).reshape(data.shape)
    else:
        given = gradient._array if isinstance(gradient, type(root)) else gradient
        g = np.array(given, dtype=data.dtype)
        if g.shape != data.shape:
            raise ShapeError(f"backward: gradient has shape {g.shape} but the output has shape "
                             f"{data.shape}")
        if create_graph and isinstance(gradient, type(root)) and gradient.dtype == data.dtype:
            return gradient
    return type(root)(g) if create_graph else g


def run_backward(roots, gradients, retain_graph=False, create_graph=False, inputs=None):
    """Propagate ``gradients`` from ``roots``. With ``inputs`` None, accumulate into the ``.grad`` of
    leaves (and of tensors that called ``retain_grad``); otherwise return the gradients of
    ``inputs`` and leave every ``.grad`` alone.

    Every recorded op has a sequence number, and an op's inputs are always older than the op, so
    taking nodes newest first from a heap visits each node after all of its consumers: a
    topological order found on the fly, with no recursion and no separate sorting pass.

    Under ``create_graph`` the gradient computation is itself recorded. A plain primitive's
    backward then runs on Tensors; a fused primitive (one with a ``composite``) is replaced by
    the composite of plain primitives that computes the same output, recorded now, and the
    gradient flows through that instead: the fused NumPy backward is only ever used for first
    derivatives, and higher derivatives come from the plain primitives' rules.
    """
    grads, heap, leaves = {}, [], []
    # (tensor, wants a gradient, gradient) triples still to be received: the roots', then each
    # node's inputs'
    arriving = [(r, True, _initial_grad(r, g, create_graph)) for r, g in zip(roots, gradients)]
    wanted = None if inputs is None else {id(t): i for i, t in enumerate(inputs)}
    captured = [None] * (0 if inputs is None else len(inputs))
    g = None  # the gradient of the node being processed
    seq = math.inf  # its sequence number (the roots are the current values)
    check = anomaly_check
    mode = grad_mode.state  # set directly (not through set_mode): this runs on every step
    previous_mode, mode.enabled = mode.enabled, create_graph  # a recorded backward records
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
                ctx = p._ctx
                if ctx is not None and ctx.seq >= seq:  # p was updated in place since this node used it
                    p = _version_at(p, seq)
                    k, ctx = id(p), p._ctx
                    if k in grads:
                        grads[k] = grads[k] + gp
                        continue
                grads[k] = gp  # p's first gradient: queue p
                if ctx is None:
                    leaves.append(p)
                elif not hasattr(ctx, "parents"):
                    raise RuntimeError(_FREED)
                else:
                    heappush(heap, (-ctx.seq, p))
            if not heap:
                break
            seq, t = heappop(heap)
            seq = -seq
            g = grads.pop(id(t))
            ctx = t._ctx
            if wanted is not None:
                if id(t) in wanted:
                    captured[wanted[id(t)]] = g
            elif t._retains_grad:
                _accumulate(t, g, create_graph)
            if t._vc[0] != ctx.out_version:
                _check_saved(t, ctx)
            for vc, v in ctx.vchecks:
                if vc[0] != v:
                    _check_saved(t, ctx)
                    break
            if not create_graph:
                arriving = zip(ctx.parents, ctx.needs, ctx.backward(g, t._array, *ctx.arrays))
            elif ctx.composite is None:
                arriving = zip(ctx.parents, ctx.needs, ctx.backward(g, t, *ctx.parents))
            else:  # the fused node's composite is newer than every node still queued
                arriving = ((ctx.composite(*ctx.parents), True, g),)
                seq = math.inf
            if check is not None:
                arriving = check(ctx, arriving)
            if not retain_graph:
                ctx.__dict__.clear()  # free the saved arrays; a later backward here is an error
    finally:
        mode.enabled = previous_mode
    for t in leaves:
        g = grads.pop(id(t))
        if wanted is None:
            _accumulate(t, g, create_graph)
        elif id(t) in wanted:
            captured[wanted[id(t)]] = g
    return captured


def _accumulate(t, g, create_graph):
    """Add ``g`` to ``t.grad``. Stored arrays are never shared with another tensor's gradient."""
    grad = t._grad  # the slot behind the .grad property (whose setter checks what users assign)
    if create_graph:  # a clone, so no two leaves ever hold the same gradient tensor
        t._grad = g.clone() if grad is None else grad + g
        return
    data = t._array
    if g.dtype is not data.dtype:
        g = np.asarray(g, dtype=data.dtype)
    if g.shape != data.shape:
        raise RuntimeError(f"internal error: gradient of shape {g.shape} for a tensor of shape {t.shape}")
    if grad is None:
        if g.base is not None or not g.flags.writeable:  # a view may alias another gradient
            g = g.copy()
        t._grad = type(t)._wrap(g)
    elif grad._array.flags.writeable and grad._array.shape == g.shape:
        np.add(grad._array, g, out=grad._array)
    else:
        t._grad = type(t)._wrap(grad._array + g)


accumulate = _accumulate  # for autograd.backward(inputs=...), which accumulates what it captured
