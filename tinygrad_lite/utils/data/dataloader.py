"""``torch.utils.data.dataloader``'s path for :mod:`tinygrad_lite.data.dataloader`."""
from ...data.dataloader import *  # noqa: F401,F403
from ...data.dataloader import __all__  # noqa: F401
