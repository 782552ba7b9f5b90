"""``torch.cuda`` for code that asks: there is no CUDA here (``is_available()`` is False), and
seeding it does nothing, as in PyTorch without a GPU.

    >>> is_available(), device_count()
    (False, 0)
"""
__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all"]


def is_available():
    """False: tinygrad_lite computes on the CPU only."""
    return False


def device_count():
    """0: no CUDA devices."""
    return 0


def manual_seed(seed):
    """Does nothing (no CUDA generator to seed), as PyTorch without a GPU."""


manual_seed_all = manual_seed
