"""Adadelta (Zeiler, 2012)."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """``Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
    capturable=False, maximize=False, differentiable=False)``, PyTorch's update rule. With
    ``g = ±grad + weight_decay * p``:

    * ``v = rho * v + (1 - rho) * g * g``;
    * ``delta = sqrt(u + eps) / sqrt(v + eps) * g``, ``u = rho * u + (1 - rho) * delta * delta``;
    * ``p -= lr * delta``.

    State: ``step``, ``square_avg`` (v), ``acc_delta`` (u).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = Adadelta([w], lr=1.0, rho=0.0, eps=1.0)
    >>> w.grad = Tensor(np.array([1.0])); opt.step(); w.numpy().round(6)   # 1 - sqrt(1)/sqrt(2)
    array([0.292893])
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        **implementation_flags(foreach=foreach, capturable=capturable,
                                               differentiable=differentiable))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check_nonnegative(group, "lr", "learning rate")
        self._check_nonnegative(group, "eps", "epsilon value")
        self._check_nonnegative(group, "weight_decay", "weight_decay value")
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']}")

    def _update(self, param, grad, state, options):
        rho, eps = options["rho"], options["eps"]
        state["step"] = state.get("step", 0) + 1
        square_avg = self._zeros_state(state, "square_avg", param)
        acc_delta = self._zeros_state(state, "acc_delta", param)
        g = self._effective_grad(param, grad, options["weight_decay"], options["maximize"])
        self._square_average_(square_avg, g, rho, self._scratch(param, "work"))
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * g
        acc_delta *= rho
        acc_delta += (1.0 - rho) * delta * delta
        param -= options["lr"] * delta
