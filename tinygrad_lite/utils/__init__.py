"""``tinygrad_lite.utils``, as ``torch.utils``: ``utils.data`` (datasets, samplers, DataLoader)."""
from . import data

__all__ = ["data"]
