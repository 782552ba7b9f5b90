"""Check analytic gradients against central finite differences, in float64.

    >>> x = Tensor(np.random.randn(3, 4), requires_grad=True)      # float64
    >>> gradcheck(lambda x: (x * x.sigmoid()).sum(dim=1), (x,))
    True
"""
import numpy as np

from .autograd import grad
from .tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(AssertionError):
    """Analytic and numerical gradients disagree; the message names the worst element."""


def _outputs(out):
    return (out,) if isinstance(out, Tensor) else tuple(out)


def _differentiable(inputs):
    """``inputs`` as a tuple, and the indices of those that require grad."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    return inputs, [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]


def _projection(outputs, seed):
    """Fixed random weights v, so the check compares vᵀJ analytically and numerically."""
    rs = np.random.RandomState(seed)
    return [np.asarray(rs.uniform(0.5, 1.5, o.shape) * rs.choice([-1.0, 1.0], o.shape), dtype=np.float64)
            for o in outputs]


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0):
    """Compare the gradients autograd gives for ``fn(*inputs)`` with central differences.

    Every output is projected on fixed random weights v; for each input that requires grad, the
    analytic vᵀJ from one backward pass is compared element by element with
    (f(x + eps) - f(x - eps)) / 2eps. Inputs must be float64. On failure raises
    :class:`GradcheckError` naming the input, the worst element and both values (or returns False
    when ``raise_exception=False``).
    """
    inputs, checked = _differentiable(inputs)
    if not checked:
        raise ValueError("gradcheck: no input requires grad")
    for i in checked:
        if inputs[i].dtype != np.float64:
            raise TypeError(f"gradcheck: input {i} is {inputs[i].dtype}; finite differences need float64")
    outputs = _outputs(fn(*inputs))
    vs = _projection(outputs, seed)

    def scalar():  # recorded, not under no_grad: fn may itself differentiate (gradgradcheck)
        return sum(float((o.numpy() * v).sum()) for o, v in zip(_outputs(fn(*inputs)), vs))

    analytic = grad(outputs, [inputs[i] for i in checked], [Tensor(v) for v in vs], allow_unused=True)
    for i, a in zip(checked, analytic):
        x = inputs[i].numpy()
        a = np.zeros(x.shape) if a is None else a.numpy()
        numeric = np.zeros(x.shape)
        for j in np.ndindex(x.shape):  # perturb in place (works for non-contiguous data), restore
            orig = x[j]
            x[j] = orig + eps
            hi = scalar()
            x[j] = orig - eps
            lo = scalar()
            x[j] = orig
            numeric[j] = (hi - lo) / (2 * eps)
        bad = ~(np.abs(a - numeric) <= atol + rtol * np.abs(numeric))  # NaN and inf count as bad
        if bad.any():
            excess = np.where(bad, np.nan_to_num(np.abs(a - numeric), nan=np.inf, posinf=np.inf), -np.inf)
            w = np.unravel_index(int(np.argmax(excess)), x.shape)
            msg = (f"gradcheck failed for input {i} (shape {x.shape}) at index {tuple(int(k) for k in w)}: "
                   f"analytic {a[w]!r}, numerical {numeric[w]!r}, difference {abs(a[w] - numeric[w]):.3g} "
                   f"> atol + rtol*|numerical| = {atol + rtol * abs(numeric[w]):.3g}")
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=1):
    """Check second derivatives: gradcheck of ``x, v -> vᵀ ∂fn/∂x`` computed with
    ``create_graph=True``, differentiated with respect to both x and v."""
    inputs, checked = _differentiable(inputs)
    outputs = _outputs(fn(*inputs))
    vs = [Tensor(v, requires_grad=True) for v in _projection(outputs, seed)]
    n = len(inputs)

    def first_derivative(*args):
        xs, v = args[:n], args[n:]
        gs = grad(_outputs(fn(*xs)), [xs[i] for i in checked], list(v), create_graph=True,
                  allow_unused=True)
        return tuple(g if g is not None else xs[i] * 0.0 for g, i in zip(gs, checked))

    return gradcheck(first_derivative, tuple(inputs) + tuple(vs), eps, atol, rtol, raise_exception, seed)
