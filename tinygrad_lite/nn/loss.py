"""Loss functions as modules; each calls the function of the same name in ``nn.functional``.

``reduction`` is 'mean' (default), 'sum' or 'none' (per-element losses).

>>> import tinygrad_lite as tg
>>> from tinygrad_lite import nn
>>> nn.CrossEntropyLoss(label_smoothing=0.1)(tg.randn(4, 3), tg.Tensor([0, 2, 1, 0])).shape
torch.Size([])
"""
from ..tensor import Tensor
from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss"]


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = F._check_reduction(reduction)


class _WeightedLoss(_Loss):
    """A loss with optional weight tensors, registered as buffers as PyTorch does."""

    def __init__(self, reduction="mean", **weights):
        super().__init__(reduction)
        for name, value in weights.items():
            self.register_buffer(name, None if value is None else Tensor(value))


class MSELoss(_Loss):
    """Mean squared error; input and target must have the same shape.

    >>> nn.MSELoss()(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(2.5)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error; input and target must have the same shape.

    >>> nn.L1Loss(reduction="sum")(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(3.)
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits (N, C) against integer class indices (N,), with optional
    ``label_smoothing`` ε: (1 - ε)·(-log p_y) + ε·mean_c(-log p_c).

    >>> nn.CrossEntropyLoss()(tg.Tensor([[2.0, 0.5, -1.0]]), tg.Tensor([0]))
    tensor(0.2413)
    """

    def __init__(self, *, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.reduction, self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (N, C) at integer class indices (N,);
    ``NLLLoss()(x.log_softmax(1), y)`` equals ``CrossEntropyLoss()(x, y)``.

    >>> nn.NLLLoss()(tg.Tensor([[-0.1, -2.5]]), tg.Tensor([1]))
    tensor(2.5)
    """

    def __init__(self, *, reduction="mean"):
        super().__init__(reduction)

    def forward(self, input, target):
        return F.nll_loss(input, target, self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1]; logs are clamped at -100. ``weight``
    (broadcast to the input) rescales each element's loss.

    >>> nn.BCELoss()(tg.Tensor([0.9, 0.2]), tg.Tensor([1.0, 0.0]))
    tensor(0.1643)
    """

    def __init__(self, weight=None, *, reduction="mean"):
        super().__init__(reduction, weight=weight)

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Sigmoid + binary cross-entropy on raw logits, stable for any magnitude. ``pos_weight``
    (one value per class, last dimension) weighs positive targets; ``weight`` each element.

    >>> nn.BCEWithLogitsLoss(pos_weight=[2.0])(tg.Tensor([0.0]), tg.Tensor([1.0]))
    tensor(1.3863)
    """

    def __init__(self, weight=None, *, reduction="mean", pos_weight=None):
        super().__init__(reduction, weight=weight, pos_weight=pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)
