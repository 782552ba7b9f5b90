"""Adamax: Adam with the infinity norm (Kingma and Ba, 2015)."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """``Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
    maximize=False, differentiable=False, capturable=False)``, PyTorch's update rule. At step
    ``t``, with ``g = ±grad + weight_decay * p``:

    * ``m = beta1 * m + (1 - beta1) * g``, ``u = max(beta2 * u, |g| + eps)``;
    * ``p -= lr / (1 - beta1**t) * m / u``.

    State: ``step``, ``exp_avg`` (m), ``exp_inf`` (u).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = Adamax([w], lr=0.1)
    >>> w.grad = Tensor(np.array([2.0])); opt.step(); w.numpy().round(6)
    array([0.9])
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        **implementation_flags(foreach=foreach, differentiable=differentiable,
                                               capturable=capturable))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check_nonnegative(group, "lr", "learning rate")
        self._check_nonnegative(group, "eps", "epsilon value")
        self._check_nonnegative(group, "weight_decay", "weight_decay value")
        self._check_betas(group)

    def _update(self, param, grad, state, options):
        beta1, beta2 = options["betas"]
        step = state["step"] = state.get("step", 0) + 1
        exp_avg = self._zeros_state(state, "exp_avg", param)
        exp_inf = self._zeros_state(state, "exp_inf", param)
        g = self._effective_grad(param, grad, options["weight_decay"], options["maximize"])
        self._lerp_(exp_avg, g, 1.0 - beta1, self._scratch(param, "work"))
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(g) + options["eps"], out=exp_inf)
        param -= options["lr"] / (1.0 - beta1 ** step) * exp_avg / exp_inf
