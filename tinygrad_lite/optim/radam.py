"""RAdam: Adam with a rectified adaptive learning rate (Liu et al., 2020)."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """``RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
    differentiable=False)``, PyTorch's update rule. At step ``t``, with Adam's moments m and v
    and ``rho_inf = 2 / (1 - beta2) - 1``, ``rho_t = rho_inf - 2t·beta2**t / (1 - beta2**t)``:

    * while ``rho_t <= 5``: ``p -= lr * m / (1 - beta1**t)`` (plain momentum);
    * then ``p -= lr * m / (1 - beta1**t) * r_t * sqrt(1 - beta2**t) / (sqrt(v) + eps)`` with
      the rectification ``r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))``.

    State: ``step``, ``exp_avg``, ``exp_avg_sq``.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = RAdam([w], lr=0.1)
    >>> w.grad = Tensor(np.array([2.0])); opt.step(); w.numpy().round(6)
    array([0.8])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        **implementation_flags(foreach=foreach, capturable=capturable,
                                               differentiable=differentiable))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check_nonnegative(group, "lr", "learning rate")
        self._check_nonnegative(group, "eps", "epsilon value")
        self._check_nonnegative(group, "weight_decay", "weight_decay value")
        self._check_betas(group)

    def _update(self, param, grad, state, options):
        lr, (beta1, beta2) = options["lr"], options["betas"]
        step = state["step"] = state.get("step", 0) + 1
        exp_avg = self._zeros_state(state, "exp_avg", param)
        exp_avg_sq = self._zeros_state(state, "exp_avg_sq", param)
        weight_decay = self._decoupled_decay(param, options)
        g = self._effective_grad(param, grad, weight_decay, options["maximize"])
        work = self._scratch(param, "work")
        self._lerp_(exp_avg, g, 1.0 - beta1, work)
        self._square_average_(exp_avg_sq, g, beta2, work)
        correction1, correction2 = 1.0 - beta1 ** step, 1.0 - beta2 ** step
        corrected = exp_avg / correction1
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho_t = rho_inf - 2.0 * step * beta2 ** step / correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = correction2 ** 0.5 / (np.sqrt(exp_avg_sq) + options["eps"])
            param -= corrected * lr * adaptive * rect
        else:
            param -= corrected * lr
