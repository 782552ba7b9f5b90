"""Neural network building blocks with PyTorch's names: ``Module`` and ``Parameter``, the
containers, layers, activations, losses, ``nn.functional`` and ``nn.init``.

>>> import tinygrad_lite as tg
>>> from tinygrad_lite import nn
>>> model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
>>> loss = nn.CrossEntropyLoss()(model(tg.randn(32, 784)), tg.Tensor(list(range(10)) * 3 + [0, 1]))
>>> loss.backward()
"""
from . import functional, init
from .activation import *  # noqa: F401,F403  (each module lists its names in __all__)
from .conv import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .module import *  # noqa: F401,F403
from .module import IncompatibleKeys
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from . import activation, conv, layers, loss, module, normalization, pooling, rnn, transformer
from . import utils  # noqa: E402  (builds on module)

__all__ = (["functional", "init", "utils", "IncompatibleKeys"] + module.__all__ + layers.__all__
           + conv.__all__ + normalization.__all__ + pooling.__all__ + activation.__all__
           + loss.__all__ + rnn.__all__ + transformer.__all__)
