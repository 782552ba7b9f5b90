"""Optimizers and learning-rate schedulers with PyTorch's names and update rules.

Every optimizer updates the parameters' NumPy arrays in place (no reallocation per step) and
skips parameters whose ``.grad`` is None.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite import optim
    >>> w = Tensor(np.array([1.0, -1.0]), requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
    >>> sched = optim.lr_scheduler.StepLR(opt, step_size=10)
    >>> w.grad = Tensor(2 * w.numpy())      # gradient of sum(w**2)
    >>> opt.step(); sched.step(); opt.zero_grad()
    >>> w.numpy()
    array([ 0.8, -0.8])
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adadelta", "Adagrad", "Adamax",
           "NAdam", "RAdam", "ASGD", "LBFGS", "lr_scheduler"]
