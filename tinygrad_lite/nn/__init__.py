"""Neural network building blocks with PyTorch's names: ``Module`` and ``Parameter``, the
containers, layers, activations, losses, ``nn.functional`` and ``nn.init``.

>>> import tinygrad_lite as tg
>>> from tinygrad_lite import nn
>>> model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
>>> loss = nn.CrossEntropyLoss()(model(tg.randn(32, 784)), tg.Tensor(list(range(10)) * 3 + [0, 1]))
>>> loss.backward()
"""
from . import functional, init
from .activation import GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Tanh
from .layers import (BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Dropout2d, Embedding, Flatten,
                     LayerNorm, Linear)
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Identity, IncompatibleKeys, Module, ModuleList, Parameter, Sequential
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d

__all__ = ["functional", "init", "Module", "Parameter", "Sequential", "ModuleList", "Identity",
           "IncompatibleKeys", "Linear", "Conv2d", "Flatten", "Dropout", "Dropout2d", "BatchNorm1d",
           "BatchNorm2d", "LayerNorm", "Embedding", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
           "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "GELU",
           "SiLU", "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
           "BCEWithLogitsLoss"]
