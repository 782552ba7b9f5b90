"""Loss functions as modules; each calls the function of the same name in ``nn.functional``.

``reduction`` is 'mean' (default), 'sum' or 'none' (per-element losses); the deprecated
``size_average`` and ``reduce`` flags are accepted as in PyTorch. Class weights are registered
as buffers, as PyTorch does, so they appear in ``state_dict``.

>>> import tinygrad_lite as tg
>>> from tinygrad_lite import nn
>>> nn.CrossEntropyLoss(label_smoothing=0.1)(tg.randn(4, 3), tg.Tensor([0, 2, 1, 0])).shape
torch.Size([])
"""
from ..tensor import Tensor
from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
           "SmoothL1Loss", "HuberLoss", "KLDivLoss", "MarginRankingLoss", "CosineEmbeddingLoss",
           "TripletMarginLoss", "MultiLabelSoftMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss",
           "CTCLoss"]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = F._legacy_reduction(size_average, reduce, reduction)

    def extra_repr(self):
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    """A loss with optional weight tensors, registered as buffers as PyTorch does."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", **weights):
        super().__init__(size_average, reduce, reduction)
        for name, value in weights.items():
            self.register_buffer(name, None if value is None else Tensor(value))


class MSELoss(_Loss):
    """Mean squared error.

    >>> nn.MSELoss()(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(2.5)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error.

    >>> nn.L1Loss(reduction="sum")(tg.Tensor([1.0, 3.0]), tg.Tensor([0.0, 1.0]))
    tensor(3.)
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy of logits (N, C[, d1, ...]) against class indices or class
    probabilities, with class ``weight``, ``ignore_index`` and ``label_smoothing``.

    >>> nn.CrossEntropyLoss()(tg.Tensor([[2.0, 0.5, -1.0]]), tg.Tensor([0]))
    tensor(0.2413)
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(size_average, reduce, reduction, weight=weight)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (N, C[, d1, ...]) at class indices, with
    class ``weight`` and ``ignore_index``; ``NLLLoss()(x.log_softmax(1), y)`` equals
    ``CrossEntropyLoss()(x, y)``.

    >>> nn.NLLLoss()(tg.Tensor([[-0.1, -2.5]]), tg.Tensor([1]))
    tensor(2.5)
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction, weight=weight)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1]; logs are clamped at -100. ``weight``
    (broadcast to the input) rescales each element's loss.

    >>> nn.BCELoss()(tg.Tensor([0.9, 0.2]), tg.Tensor([1.0, 0.0]))
    tensor(0.1643)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction, weight=weight)

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Sigmoid + binary cross-entropy on raw logits, stable for any magnitude. ``pos_weight``
    (one value per class, last dimension) weighs positive targets; ``weight`` each element.

    >>> nn.BCEWithLogitsLoss(pos_weight=[2.0])(tg.Tensor([0.0]), tg.Tensor([1.0]))
    tensor(1.3863)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__(size_average, reduce, reduction, weight=weight, pos_weight=pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error (minus beta/2) above.

    >>> nn.SmoothL1Loss(beta=0.5)(tg.Tensor([0.25, 2.0]), tg.Tensor([0.0, 0.0]))
    tensor(0.9062)
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, ``delta`` times the absolute error (minus delta/2) above.

    >>> nn.HuberLoss(delta=0.5)(tg.Tensor([0.25, 2.0]), tg.Tensor([0.0, 0.0]))
    tensor(0.4531)
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """KL divergence of ``target`` (probabilities, or log-probabilities with ``log_target``)
    from the log-probabilities ``input``; ``reduction="batchmean"`` is the true mean.

    >>> nn.KLDivLoss(reduction="batchmean")(tg.Tensor([[0.5, 0.5]]).log(), tg.Tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        batchmean = reduction == "batchmean" and size_average is None and reduce is None
        super().__init__(size_average, reduce, "mean" if batchmean else reduction)
        self.reduction = "batchmean" if batchmean else self.reduction
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MarginRankingLoss(_Loss):
    """max(0, -y·(x1 - x2) + margin) for y in {1, -1}.

    >>> nn.MarginRankingLoss(margin=0.5)(tg.Tensor([1.0]), tg.Tensor([0.8]), tg.Tensor([1.0]))
    tensor(0.3)
    """

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) for y = 1, max(0, cos(x1, x2) - margin) for y = -1.

    >>> nn.CosineEmbeddingLoss()(tg.Tensor([[1.0, 0.0]]), tg.Tensor([[0.0, 1.0]]), tg.Tensor([1.0]))
    tensor(1.)
    """

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, self.margin,
                                       reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, d(a, p) - d(a, n) + margin) with the p-norm distance.

    >>> loss = nn.TripletMarginLoss(margin=1.0)
    >>> loss(tg.Tensor([[0.0, 0.0]]), tg.Tensor([[1.0, 0.0]]), tg.Tensor([[0.0, 3.0]]))
    tensor(0.)
    """

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: margin must be greater than 0, got {margin}")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class logistic loss averaged over the classes, ``weight`` per class.

    >>> nn.MultiLabelSoftMarginLoss()(tg.Tensor([[0.0, 0.0]]), tg.Tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction, weight=weight)

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, self.weight, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood of counts, from log-rates (``log_input``) or rates.

    >>> nn.PoissonNLLLoss()(tg.Tensor([0.0]), tg.Tensor([2.0]))
    tensor(1.)
    """

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, self.log_input, self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood of ``target`` given a mean ``input`` and variance ``var``.

    >>> nn.GaussianNLLLoss()(tg.Tensor([1.0]), tg.Tensor([1.0]), tg.Tensor([1.0]))
    tensor(0.)
    """

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class CTCLoss(_Loss):
    """Connectionist temporal classification loss of (T, N, C) log-probabilities.

    >>> lp = tg.Tensor([[[0.0, -100.0]], [[-100.0, 0.0]]])
    >>> nn.CTCLoss(reduction="sum")(lp, tg.tensor([[1]]), [2], [1])
    tensor(0.)
    """

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                          self.reduction, self.zero_infinity)
