"""RMSprop, optionally centered and with momentum."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """``RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
    centered=False, *, maximize=False)``, PyTorch's update rule. With
    ``g = ±grad + weight_decay * p``:

    * ``v = alpha * v + (1 - alpha) * g * g``;
    * centered: ``a = alpha * a + (1 - alpha) * g`` and ``avg = sqrt(v - a * a) + eps``,
      otherwise ``avg = sqrt(v) + eps``;
    * momentum ``mu > 0``: ``b = mu * b + g / avg`` (``b`` starts at zero) and ``p -= lr * b``;
      otherwise ``p -= lr * g / avg``.

    State: ``step``, ``square_avg`` (and ``momentum_buffer``, ``grad_avg``).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = RMSprop([w], lr=0.01, alpha=0.75)
    >>> w.grad = Tensor(np.array([2.0])); opt.step(); w.numpy().round(6)
    array([0.98])
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                        centered=centered, maximize=maximize,
                        **implementation_flags(capturable=capturable, foreach=foreach,
                                               differentiable=differentiable))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check_nonnegative(group, "lr", "learning rate")
        self._check_nonnegative(group, "eps", "epsilon value")
        self._check_nonnegative(group, "momentum", "momentum value")
        self._check_nonnegative(group, "weight_decay", "weight_decay value")
        self._check_nonnegative(group, "alpha", "alpha value")

    def _update(self, param, grad, state, options):
        alpha, momentum = options["alpha"], options["momentum"]
        state["step"] = state.get("step", 0) + 1
        square_avg = self._zeros_state(state, "square_avg", param)
        g = self._effective_grad(param, grad, options["weight_decay"], options["maximize"])
        work = self._scratch(param, "work")

        self._square_average_(square_avg, g, alpha, work)  # v = alpha * v + (1 - alpha) * g²

        if options["centered"]:
            grad_avg = self._zeros_state(state, "grad_avg", param)
            self._lerp_(grad_avg, g, 1.0 - alpha, work)  # a = alpha * a + (1 - alpha) * g
            np.multiply(grad_avg, grad_avg, out=work)
            np.subtract(square_avg, work, out=work)
            np.sqrt(work, out=work)
        else:
            np.sqrt(square_avg, out=work)
        work += options["eps"]
        np.divide(g, work, out=work)

        if momentum > 0:
            buf = self._zeros_state(state, "momentum_buffer", param)
            buf *= momentum
            buf += work
            np.multiply(buf, options["lr"], out=work)
        else:
            work *= options["lr"]
        param -= work
