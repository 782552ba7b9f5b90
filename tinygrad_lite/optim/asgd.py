"""ASGD: averaged stochastic gradient descent (Polyak and Juditsky, 1992)."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """``ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
    maximize=False, differentiable=False, capturable=False)``, PyTorch's update rule. At step
    ``t``, with ``g = ±grad + weight_decay * p`` and ``eta`` starting at ``lr``:

    * ``p = p * (1 - lambd * eta) - eta * g``;
    * the average ``ax`` becomes ``p`` while ``mu == 1``, else ``ax += mu * (p - ax)``;
    * ``eta = lr / (1 + lambd * lr * t)**alpha``, ``mu = 1 / max(1, t - t0)``.

    State: ``step``, ``eta``, ``mu``, ``ax`` (the averaged parameters).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0]), requires_grad=True)
    >>> opt = ASGD([w], lr=0.1, lambd=0.0)
    >>> w.grad = Tensor(np.array([2.0])); opt.step(); w.numpy().round(6)
    array([0.8])
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        maximize=maximize,
                        **implementation_flags(foreach=foreach, differentiable=differentiable,
                                               capturable=capturable))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check_nonnegative(group, "lr", "learning rate")
        self._check_nonnegative(group, "weight_decay", "weight_decay value")

    def _update(self, param, grad, state, options):
        lr, lambd = options["lr"], options["lambd"]
        step = state["step"] = state.get("step", 0) + 1
        eta, mu = state.get("eta", self._scalar(lr)), state.get("mu", 1.0)
        ax = self._zeros_state(state, "ax", param)
        g = self._effective_grad(param, grad, options["weight_decay"], options["maximize"])
        param *= 1.0 - lambd * eta
        param -= eta * g
        if mu != 1:
            ax += (param - ax) * mu
        else:
            np.copyto(ax, param)
        state["eta"] = self._scalar(lr / (1.0 + lambd * lr * step) ** options["alpha"])
        state["mu"] = self._scalar(1.0 / max(1.0, step - options["t0"]))
