"""Devices, with PyTorch's names. tinygrad_lite computes on the CPU only: ``device("cuda")`` can
be written down (code often builds it before checking ``cuda.is_available()``), but putting a
tensor there raises a RuntimeError naming the device.

    >>> device("cpu:0")
    device(type='cpu', index=0)
"""
__all__ = ["device", "DeviceError", "check_device", "CPU"]

_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
          "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class DeviceError(RuntimeError, AssertionError):
    """A device other than the CPU was asked for. A RuntimeError (and an AssertionError, which is
    what PyTorch's CPU build raises for CUDA)."""


class device:
    """Where a tensor lives: ``device("cpu")``, ``device("cpu:0")``, ``device("cpu", 0)`` or
    another device. ``.type`` is the kind, ``.index`` the number (None when not given).

    >>> d = device("cpu", 0)
    >>> d.type, d.index, str(d), d == device("cpu:0")
    ('cpu', 0, 'cpu:0', True)
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): an index cannot be given with a device")
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a device string or a device, got {type!r}")
        text = type
        if ":" in type:
            if index is not None:
                raise RuntimeError(f"device(): the string {text!r} already holds an index")
            type, _, number = type.partition(":")
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: {text!r}")
            index = int(number)
        if type not in _TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device "
                               f"string: {text}")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or index < 0):
            raise RuntimeError(f"Device index must be a non-negative int, got {index!r}")
        self.type, self.index = type, index

    def __eq__(self, other):
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"


CPU = device("cpu")


def check_device(where, op):
    """Raise unless ``where`` (None, a string or a device) is the CPU."""
    if where is None or where == "cpu" or type(where) is device and where.type == "cpu":
        return
    where = device(where)
    if where.type != "cpu":
        raise DeviceError(f"{op}: tinygrad_lite computes on the CPU only; device {str(where)!r} "
                          f"is not available")
