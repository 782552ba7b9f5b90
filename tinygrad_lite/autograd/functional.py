"""``torch.autograd.functional``: derivatives of a whole function ``func(*inputs)`` as values:
``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``vhp`` and ``hvp``.

``inputs`` (and ``v``) are a Tensor or a tuple of Tensors, and the results follow the same
structure as PyTorch's (a tuple where the inputs or outputs were a tuple). Everything is computed
in reverse mode: a Jacobian takes one backward pass per output element; a Jacobian-vector
product uses the double-backward trick. Results are detached unless ``create_graph=True``, which
makes them differentiable with respect to the inputs. ``vectorize`` is accepted and changes
nothing.

>>> jacobian(lambda x: x ** 2, tg.tensor([1.0, 2.0]))
tensor([[2., 0.],
        [0., 4.]])
"""
import numpy as np

from ..grad_mode import enable_grad
from ..ops.shape import stack
from ..tensor import Tensor
from . import grad as _grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# ---------------------------------------------------------------------------------------------
# helpers (the structure of inputs and outputs, strict-mode checks)
# ---------------------------------------------------------------------------------------------

def _as_tuple(value, what, fn_name):
    """``(was_a_tuple, tuple_of_tensors)``; anything else is a TypeError naming ``what``."""
    is_tuple = isinstance(value, tuple)  # a list is refused, as in PyTorch
    values = value if is_tuple else (value,)
    for i, v in enumerate(values):
        if not isinstance(v, Tensor):
            kind = f"the value at index {i}" if is_tuple else f"the given {what}"
            raise TypeError(f"The {what} given to {fn_name} must be either a Tensor or a tuple of "
                            f"Tensors but {kind} has type {type(v).__name__}.")
    return is_tuple, values


def _shaped(values, is_tuple):
    """Undo :func:`_as_tuple`: nested ``(outer, inner)`` flags for a tuple of tuples."""
    if not isinstance(is_tuple, tuple):
        return values if is_tuple else values[0]
    outer, inner = is_tuple
    values = values if inner else tuple(v[0] for v in values)
    return values if outer else values[0]


def _prepared(inputs, create_graph, need_graph):
    """Fresh leaves to differentiate against; under ``create_graph`` an input that requires grad
    stays linked to its graph (through a recorded identity), so the result can be differentiated
    with respect to it."""
    return tuple(t.reshape(t.shape) if create_graph and t.requires_grad
                 else t.detach().requires_grad_(need_graph) for t in inputs)


def _finished(values, create_graph):
    return values if create_graph else tuple(None if v is None else v.detach() for v in values)


_INDEPENDENT = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs "
               "must be computed in a differentiable manner from the input when running in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function "
                "with respect to input {i} is independent of the input. This is not allowed in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the "
                   "user-provided function. This is not allowed in strict mode.",
    "back": "The output of the user-provided function is independent of input {i}. This is not "
            "allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is "
                   "not allowed in strict mode.",
}


def _check_requires_grad(values, what, strict):
    if strict:
        for i, v in enumerate(values):
            if v is None or not v.requires_grad:
                raise RuntimeError(_INDEPENDENT[what].format(i=i))


def _validate_v(v, other, is_tuple):
    if len(v) != len(other):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
                           if is_tuple else "The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            where = f"Entry {i} in " if is_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be {b.shape} but got {a.shape}.")


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False):
    """``grad`` over the outputs that require grad (None for every input when none does)."""
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs], retain_graph=True,
                 create_graph=create_graph, allow_unused=True)


def _zeros_for_none(grads, refs, strict, stage):
    if strict and any(g is None for g in grads):
        raise RuntimeError(_INDEPENDENT[stage].format(i=[g is None for g in grads].index(True)))
    return tuple(Tensor._wrap(np.zeros(r.shape, r.dtype)) if g is None else g for g, r in zip(grads, refs))


def _single_output(out, fn_name):
    if not isinstance(out, Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain "
                           f"a single element")
    return out


# ---------------------------------------------------------------------------------------------
# the functions
# ---------------------------------------------------------------------------------------------

def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), vᵀJ)``: the vector-Jacobian product at ``inputs``. ``v`` may be None
    only when ``func`` returns a single element.

    >>> vjp(lambda x: x ** 2, tg.tensor([1.0, 2.0]), tg.tensor([1.0, 1.0]))[1]
    tensor([2., 4.])
    """
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepared(inputs, create_graph, True)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            v = _prepared(_as_tuple(v, "v", "vjp")[1], create_graph, False)
            _validate_v(v, outputs, is_outputs_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a "
                               "single Tensor with a single element.")
        grads = _autograd_grad(outputs, inputs, v, create_graph)
    result = _zeros_for_none(grads, inputs, strict, "back")
    return (_shaped(_finished(outputs, create_graph), is_outputs_tuple),
            _shaped(_finished(result, create_graph), is_inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), Jv)``: the Jacobian-vector product, by the double-backward trick. ``v``
    may be None only for a single one-element input.

    >>> jvp(lambda x: x ** 2, tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.0]))[1]
    tensor([2., 0.])
    """
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepared(inputs, create_graph, True)
        if v is not None:
            v = _prepared(_as_tuple(v, "v", "jvp")[1], create_graph, False)
            _validate_v(v, inputs, is_inputs_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        dummies = tuple(Tensor._wrap(np.zeros(o.shape, o.dtype)).requires_grad_(True) for o in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
        grads = _autograd_grad(grad_inputs, dummies, v, create_graph)
    result = _zeros_for_none(grads, outputs, strict, "back_trick")
    return (_shaped(_finished(outputs, create_graph), is_outputs_tuple),
            _shaped(_finished(result, create_graph), is_outputs_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for one input and one output a Tensor of shape
    ``output.shape + input.shape``; a tuple (of tuples) where inputs or outputs are tuples.

    >>> jacobian(lambda a, b: a * b, (tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])))[1]
    tensor([[1., 0.],
            [0., 2.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If '
                         'your function has more outputs than inputs, "forward-mode" tends to be more '
                         'performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("torch.autograd.functional.jacobian: `strategy=\"forward-mode\"` "
                                  "requires `vectorize=True`.")
    if strict and vectorize:
        raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` "
                           "are not supported together. Please either set `strict=False` or "
                           "`vectorize=False`.")
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepared(inputs, create_graph, True)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                              "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        jac = tuple(_jacobian_of(i, out, inputs, create_graph, strict) for i, out in enumerate(outputs))
    jac = tuple(_finished(row, create_graph) for row in jac)
    return _shaped(jac, (is_outputs_tuple, is_inputs_tuple))


def _jacobian_of(i, out, inputs, create_graph, strict):
    """The Jacobians of output ``out`` (number ``i``), one per input: one backward pass per
    element of ``out``, each with a one-hot output gradient."""
    rows = [[] for _ in inputs]
    for j in range(out.numel()):
        onehot = np.zeros(out.numel(), out.dtype)
        onehot[j] = 1
        grads = _autograd_grad((out,), inputs, (Tensor._wrap(onehot.reshape(out.shape)),), create_graph)
        for k, (g, inp) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is independent of "
                                       f"input {k}. This is not allowed in strict mode.")
                g = Tensor._wrap(np.zeros(inp.shape, inp.dtype))
            rows[k].append(g)
    return tuple(_stack(r, out.shape + inp.shape) for r, inp in zip(rows, inputs))


def _stack(rows, shape):
    if not rows:  # PyTorch stacks the rows too, and refuses none
        raise RuntimeError("jacobian: an output of the function has no elements (stack expects a "
                           "non-empty TensorList)")
    return stack(rows).reshape(shape)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function returning one element: for one input a Tensor of shape
    ``input.shape + input.shape``; for a tuple of inputs a tuple of tuples (block ``[i][j]``).

    >>> hessian(lambda x: (x ** 3).sum(), tg.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def single_output(*inp):
        out = func(*inp)
        _check_requires_grad(_as_tuple(out, "outputs of the user-provided function", "hessian")[1],
                             "outputs", strict)
        return _single_output(out, "hessian").reshape(())

    def jac_func(*inp):
        jac = jacobian(single_output, inp if is_inputs_tuple else inp[0], create_graph=True)
        _check_requires_grad(_as_tuple(jac, "jacobian", "hessian")[1], "jacobian", strict)
        return jac

    return jacobian(jac_func, inputs if is_inputs_tuple else inputs[0], create_graph=create_graph,
                    strict=strict, vectorize=vectorize, strategy=outer_jacobian_strategy)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), vᵀH)`` for a function returning one element.

    >>> vhp(lambda x: (x ** 3).sum(), tg.tensor([1.0, 2.0]), tg.tensor([1.0, 1.0]))[1]
    tensor([ 6., 12.])
    """
    return _second_order(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), Hv)`` for a function returning one element (equal to ``vhp``'s result:
    the Hessian of a twice differentiable function is symmetric).

    >>> hvp(lambda x: (x ** 3).sum(), tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.0]))[1]
    tensor([6., 0.])
    """
    return _second_order(func, inputs, v, create_graph, strict, "hvp")


def _second_order(func, inputs, v, create_graph, strict, fn_name):
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
        inputs = _prepared(inputs, create_graph, True)
        if v is not None:
            v = _prepared(_as_tuple(v, "v", fn_name)[1], create_graph, False)
            _validate_v(v, inputs, is_inputs_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided "
                               "function is a single Tensor with a single element.")
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
        _check_requires_grad(outputs, "outputs", strict)
        if is_outputs_tuple:
            raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
        _single_output(outputs[0], fn_name)
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        grads = _autograd_grad(jac, inputs, v, create_graph)
    result = _zeros_for_none(grads, inputs, strict, "double_back")
    return (_shaped(_finished(outputs, create_graph), is_outputs_tuple),
            _shaped(_finished(result, create_graph), is_inputs_tuple))
