"""The library's one random number generator, seeded by ``tinygrad_lite.manual_seed``.

Everything random (``randn``, ``rand``, ``nn.init``, ``Dropout``, ``DataLoader`` without a seed)
draws from :func:`generator`, so one call to ``manual_seed`` makes a whole run reproducible.
"""
import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed):
    """Reseed the global generator. ``tinygrad_lite.manual_seed(0)`` makes runs repeatable."""
    global _generator
    _generator = np.random.default_rng(int(seed))
    return _generator


def generator():
    """The current global ``numpy.random.Generator``."""
    return _generator
