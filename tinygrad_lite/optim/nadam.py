"""NAdam: Adam with Nesterov momentum (Dozat, 2016)."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """``NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None, maximize=False,
    capturable=False, differentiable=False)``, PyTorch's update rule. At step ``t``, with
    ``g = ±grad + weight_decay * p`` (or decoupled: ``p *= 1 - lr * weight_decay``) and the
    momentum schedule ``mu_t = beta1 * (1 - 0.96**(t * momentum_decay) / 2)``:

    * ``m = beta1 * m + (1 - beta1) * g``, ``v = beta2 * v + (1 - beta2) * g * g``;
    * ``d = sqrt(v / (1 - beta2**t)) + eps``, ``P = mu_1 ... mu_t``;
    * ``p -= lr * (1 - mu_t) / (1 - P) * g / d + lr * mu_{t+1} / (1 - P * mu_{t+1}) * m / d``.

    State: ``step``, ``mu_product``, ``exp_avg``, ``exp_avg_sq``.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = NAdam([w], lr=0.1)
    >>> w.grad = Tensor(np.array([2.0])); opt.step(); w.numpy().round(6)
    array([0.894355])
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        **implementation_flags(foreach=foreach, capturable=capturable,
                                               differentiable=differentiable))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check_nonnegative(group, "lr", "learning rate")
        self._check_nonnegative(group, "eps", "epsilon value")
        self._check_nonnegative(group, "weight_decay", "weight_decay value")
        self._check_nonnegative(group, "momentum_decay", "momentum_decay value")
        self._check_betas(group)

    def _update(self, param, grad, state, options):
        lr, (beta1, beta2) = options["lr"], options["betas"]
        decay = options["momentum_decay"]
        step = state["step"] = state.get("step", 0) + 1
        exp_avg = self._zeros_state(state, "exp_avg", param)
        exp_avg_sq = self._zeros_state(state, "exp_avg_sq", param)
        weight_decay = self._decoupled_decay(param, options)
        g = self._effective_grad(param, grad, weight_decay, options["maximize"])
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
        mu_product = state["mu_product"] = self._scalar(state.get("mu_product", 1.0) * mu)
        work = self._scratch(param, "work")
        self._lerp_(exp_avg, g, 1.0 - beta1, work)
        self._square_average_(exp_avg_sq, g, beta2, work)
        denom = np.sqrt(exp_avg_sq / (1.0 - beta2 ** step)) + options["eps"]
        param -= lr * (1.0 - mu) / (1.0 - mu_product) * g / denom
        param -= lr * mu_next / (1.0 - mu_product * mu_next) * exp_avg / denom
