"""``torch.utils.data.dataset``'s path for :mod:`tinygrad_lite.data.dataset`."""
from ...data.dataset import *  # noqa: F401,F403
from ...data.dataset import __all__  # noqa: F401
