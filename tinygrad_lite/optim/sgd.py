"""Stochastic gradient descent, with optional momentum, dampening, Nesterov and weight decay."""
import numpy as np

from .optimizer import Optimizer, implementation_flags

__all__ = ["SGD"]


class SGD(Optimizer):
    """``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
    maximize=False)``, PyTorch's update rule. With ``g = ±grad + weight_decay * p``
    (minus when maximizing):

    * momentum ``mu != 0``: ``b = g`` on the first step, then ``b = mu * b + (1 - dampening) * g``;
      the step direction is ``g + mu * b`` (Nesterov) or ``b``;
    * ``p -= lr * direction``.

    The momentum buffer lives in ``state[p]['momentum_buffer']``.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> w.grad = Tensor(np.array([1.0, -1.0])); opt.step(); w.numpy()
    array([0.9, 2.1])
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 maximize=False, *, foreach=None, differentiable=False, fused=None):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize,
                        **implementation_flags(foreach=foreach, differentiable=differentiable,
                                               fused=fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check_nonnegative(group, "lr", "learning rate")
        self._check_nonnegative(group, "momentum", "momentum value")
        self._check_nonnegative(group, "weight_decay", "weight_decay value")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening, got "
                             f"momentum={group['momentum']}, dampening={group['dampening']}")

    def _update(self, param, grad, state, options):
        momentum, d_p = options["momentum"], grad
        if options["weight_decay"] or options["maximize"]:
            d_p = self._effective_grad(param, grad, options["weight_decay"], options["maximize"])
        work = self._scratch(param, "work")
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(d_p, dtype=param.dtype, copy=True)
            else:
                buf *= momentum
                dampening = options["dampening"]
                if dampening == 0:
                    buf += d_p
                else:
                    np.multiply(d_p, 1.0 - dampening, out=work)
                    buf += work
            if options["nesterov"]:
                np.multiply(buf, momentum, out=work)
                work += d_p
                d_p = work
            else:
                d_p = buf
        np.multiply(d_p, options["lr"], out=work)
        param -= work
