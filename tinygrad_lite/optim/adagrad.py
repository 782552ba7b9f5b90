"""Adagrad (Duchi et al., 2011)."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """``Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
    eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None)``, PyTorch's
    update rule. At step ``t``, with ``g = ±grad + weight_decay * p``:

    * ``s += g * g`` (``s`` starts at ``initial_accumulator_value``);
    * ``p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)``.

    State: ``step``, ``sum``.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = Adagrad([w], lr=0.5)
    >>> w.grad = Tensor(np.array([4.0])); opt.step(); w.numpy()
    array([0.5])
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize,
                        **implementation_flags(foreach=foreach, differentiable=differentiable,
                                               fused=fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        for key, label in (("lr", "learning rate"), ("lr_decay", "lr_decay value"),
                           ("weight_decay", "weight_decay value"), ("eps", "epsilon value"),
                           ("initial_accumulator_value", "initial_accumulator_value value")):
            self._check_nonnegative(group, key, label)

    def _update(self, param, grad, state, options):
        step = state["step"] = state.get("step", 0) + 1
        total = state.get("sum")
        if total is None:
            total = state["sum"] = np.full_like(param, options["initial_accumulator_value"])
        g = self._effective_grad(param, grad, options["weight_decay"], options["maximize"])
        total += g * g
        clr = options["lr"] / (1 + (step - 1) * options["lr_decay"])
        param -= clr * g / (np.sqrt(total) + options["eps"])
