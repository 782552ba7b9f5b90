"""``torch.backends`` for code that asks or sets: no MPS, no cuDNN. The cuDNN flags that training
scripts set (``benchmark``, ``deterministic``) are accepted and change nothing.

    >>> mps.is_available(), cudnn.is_available()
    (False, False)
"""
__all__ = ["mps", "cudnn"]


class _Backend:
    """One backend that this machine does not have; its flags are plain attributes."""

    def __init__(self, name, **flags):
        self.__name__ = f"tinygrad_lite.backends.{name}"
        self.__dict__.update(flags)

    @staticmethod
    def is_available():
        return False

    @staticmethod
    def is_built():
        return False


mps = _Backend("mps")
cudnn = _Backend("cudnn", enabled=True, benchmark=False, deterministic=False, allow_tf32=True)
