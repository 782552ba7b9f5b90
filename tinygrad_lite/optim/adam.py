"""Adam and AdamW (Adam with decoupled weight decay)."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
    maximize=False, decoupled_weight_decay=False)``, PyTorch's update rule. At step ``t``, with
    ``g = ±grad + weight_decay * p`` (L2; with ``decoupled_weight_decay`` instead
    ``p *= 1 - lr * weight_decay`` and ``g = ±grad``):

    * ``m = beta1 * m + (1 - beta1) * g``, ``v = beta2 * v + (1 - beta2) * g * g``;
    * with ``amsgrad``, ``v_max = max(v_max, v)`` is used in place of ``v`` below;
    * ``p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)``.

    State: ``step``, ``exp_avg``, ``exp_avg_sq`` (and ``max_exp_avg_sq``).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0, 1.0]), requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = Tensor(np.array([3.0, -0.5])); opt.step(); w.numpy().round(6)
    array([0.9, 1.1])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay,
                        **implementation_flags(foreach=foreach, capturable=capturable,
                                               differentiable=differentiable, fused=fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check_nonnegative(group, "lr", "learning rate")
        self._check_nonnegative(group, "eps", "epsilon value")
        self._check_betas(group)
        self._check_nonnegative(group, "weight_decay", "weight_decay value")

    def _update(self, param, grad, state, options):
        lr, eps = options["lr"], options["eps"]
        beta1, beta2 = options["betas"]
        step = state["step"] = state.get("step", 0) + 1
        exp_avg = self._zeros_state(state, "exp_avg", param)
        exp_avg_sq = self._zeros_state(state, "exp_avg_sq", param)

        weight_decay = self._decoupled_decay(param, options)
        g = self._effective_grad(param, grad, weight_decay, options["maximize"])
        work = self._scratch(param, "work")

        self._lerp_(exp_avg, g, 1.0 - beta1, work)  # m = beta1 * m + (1 - beta1) * g
        self._square_average_(exp_avg_sq, g, beta2, work)  # v = beta2 * v + (1 - beta2) * g²

        if options["amsgrad"]:
            second = self._zeros_state(state, "max_exp_avg_sq", param)
            np.maximum(second, exp_avg_sq, out=second)
        else:
            second = exp_avg_sq
        step_size = lr / (1.0 - beta1 ** step)
        bias_correction2_sqrt = (1.0 - beta2 ** step) ** 0.5

        np.sqrt(second, out=work)
        work /= bias_correction2_sqrt
        work += eps
        np.divide(exp_avg, work, out=work)
        work *= step_size
        param -= work


class AdamW(Adam):
    """``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
    *, maximize=False)``: Adam with decoupled weight decay, ``p *= 1 - lr * weight_decay`` before
    the Adam step (the decay never enters the moment estimates).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = Tensor(np.array([0.0])); opt.step(); w.numpy()
    array([0.95])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)

    def load_state_dict(self, state_dict):
        """As :meth:`Optimizer.load_state_dict`; the weight decay stays decoupled whatever the
        saved groups say."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
