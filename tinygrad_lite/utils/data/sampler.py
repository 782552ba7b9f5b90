"""``torch.utils.data.sampler``'s path for :mod:`tinygrad_lite.data.sampler`."""
from ...data.sampler import *  # noqa: F401,F403
from ...data.sampler import __all__  # noqa: F401
