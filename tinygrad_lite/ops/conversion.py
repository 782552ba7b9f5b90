"""Dtype and device conversion, copies and questions about storage. (The functions are named
after the dtypes they convert to, as the Tensor methods are: ``x.float()``; ``builtins`` gives
Python's own ``bool``, ``float``, ``int`` and ``type`` here.) All of them are Tensor methods only;
``new_zeros`` and friends make tensors like ``input``."""
import builtins

import numpy as np

from .. import creation
from .. import primitives as P
from ..device import CPU, DeviceError, check_device, device as _device
from ..tensor import Tensor
from .operands import is_float

__all__ = ["to", "float", "double", "half", "long", "int", "bool", "clone", "contiguous", "cpu",
           "cuda", "type", "element_size", "itemsize", "nbytes", "is_floating_point", "is_complex",
           "is_contiguous", "nelement", "device", "is_cpu", "is_cuda", "new_zeros", "new_ones",
           "new_full", "new_empty", "new_tensor"]


def _cast_to(input, dtype, copy):
    dtype = np.dtype(dtype)
    if dtype == input.dtype:
        return clone(input) if copy else input
    if not is_float(dtype):  # integer and bool results carry no gradient
        return Tensor(input._array.astype(dtype))
    return P.Cast.apply(input, dtype=dtype)


def to(input, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """``input`` with another dtype and/or device (the CPU only): ``x.to(tg.float64)``,
    ``x.to("cpu")``, ``x.to("cpu", tg.float16)``, ``x.to(other)`` (other's dtype); differentiable
    between float dtypes. Returns ``input`` itself when nothing changes, unless ``copy=True``.

    >>> tg.tensor([1.5]).to("cpu", tg.float64)
    tensor([1.5], dtype=float64)
    """
    flags = []  # positional non_blocking and copy
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, (str, _device)):
            device = arg
        elif isinstance(arg, builtins.bool):
            flags.append(arg)
        else:
            dtype = arg
    if len(flags) == 2:
        copy = flags[1]
    check_device(device, "to")
    return _cast_to(input, input.dtype if dtype is None else dtype, copy)


def _cast(dtype, name):
    def cast(input):
        return _cast_to(input, dtype, False)
    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = f"Cast to {dtype}."
    return cast


float = _cast(np.float32, "float")  # noqa: A001 (the Tensor methods' names)
double = _cast(np.float64, "double")
half = _cast(np.float16, "half")
long = _cast(np.int64, "long")
int = _cast(np.int32, "int")  # noqa: A001
bool = _cast(np.bool_, "bool")  # noqa: A001


def clone(input):
    """A differentiable copy."""
    return P.Cast.apply(input, dtype=input.dtype)


def contiguous(input):
    """``input`` if its elements are in row-major order in memory, else a (differentiable)
    row-major copy."""
    if input._array.flags.c_contiguous:
        return input
    flat = P.Cat.apply(input.reshape(-1), axis=0)  # a 1-D copy is contiguous whatever the layout
    return flat.reshape(input._array.shape)


def is_contiguous(input, memory_format=None):
    """Whether the elements are in row-major order in memory (False for ``x.T``, ``x[:, ::2]``).

    >>> x = tg.zeros(2, 3)
    >>> x.is_contiguous(), x.T.is_contiguous(), x.T.contiguous().is_contiguous()
    (True, False, True)
    """
    return input._array.flags.c_contiguous


def cpu(input, memory_format=None):
    """``input`` itself: every tensor is on the CPU."""
    return input


def cuda(input, device=None, non_blocking=False, memory_format=None):
    """Raises: tinygrad_lite computes on the CPU only."""
    raise DeviceError("cuda: tinygrad_lite computes on the CPU only; there is no CUDA device")


device = property(lambda input: CPU, doc="The device: always ``device(type='cpu')``.")
is_cpu = property(lambda input: True, doc="True: every tensor is on the CPU.")
is_cuda = property(lambda input: False, doc="False: there is no CUDA here.")

# --- dtype questions and the legacy type names ------------------------------------------------

_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}
_BY_TYPE_NAME = {f"torch.{v}": k for k, v in _TYPE_NAMES.items()}


def type(input, dtype=None, non_blocking=False):  # noqa: A001 (PyTorch's name)
    """The legacy type name (``'torch.FloatTensor'``) without ``dtype``, else ``input`` cast to
    ``dtype`` (a dtype or such a name).

    >>> tg.zeros(2).type(), tg.zeros(2).type("torch.LongTensor").dtype
    ('torch.FloatTensor', dtype('int64'))
    """
    if dtype is None:
        return "torch." + _TYPE_NAMES[input.dtype.name]
    if isinstance(dtype, str):
        if dtype not in _BY_TYPE_NAME:
            raise ValueError(f"type: invalid type {dtype!r}; expected one of {sorted(_BY_TYPE_NAME)}")
        dtype = _BY_TYPE_NAME[dtype]
    return _cast_to(input, dtype, False)


def element_size(input):
    """The size of one element in bytes."""
    return input._array.itemsize


itemsize = property(element_size, doc="The size of one element in bytes.")
nbytes = property(lambda input: input._array.size * input._array.itemsize,
                  doc="The number of bytes the elements take.")


def is_floating_point(input):
    """Whether the dtype is a floating point type."""
    return input._array.dtype.kind == "f"


def is_complex(input):
    """Whether the dtype is complex (never here: complex dtypes are not supported)."""
    return input._array.dtype.kind == "c"


def nelement(input):
    """The number of elements (``numel``)."""
    return input._array.size


def view_as_dtype(input, dtype):
    """``x.view(dtype)``: the same memory read as another dtype, as PyTorch. Same-size dtypes
    keep the shape; otherwise the last dimension (contiguous) shrinks or grows by the ratio of
    the element sizes. Not differentiable.

    >>> tg.tensor([1.0]).view(tg.int32)
    tensor([1065353216], dtype=int32)
    """
    dtype, array = np.dtype(dtype), input._array
    if dtype == array.dtype:
        return input.reshape(input.shape)
    if dtype.itemsize != array.itemsize:
        what = f"view({dtype}) of a {array.dtype} tensor (different element sizes)"
        if array.ndim == 0:
            raise RuntimeError(f"{what}: the tensor cannot be 0-d")
        if array.shape[-1] != 1 and array.strides[-1] != array.itemsize:
            raise RuntimeError(f"{what}: the last dimension must be contiguous")
        if array.shape[-1] * array.itemsize % dtype.itemsize:
            raise RuntimeError(f"{what}: the last dimension's size {array.shape[-1]} must be "
                               f"divisible by {dtype.itemsize // array.itemsize or 1}")
        if array.strides[-1] != array.itemsize:  # a last dimension of size 1, any stride
            array = np.ascontiguousarray(array)
    return Tensor._wrap(array.view(dtype), input._vc if array is input._array else None)


# --- new tensors like input --------------------------------------------------------------------

def _new(fn):
    def new(input, *size, dtype=None, device=None, requires_grad=False):
        return fn(*size, dtype=input.dtype if dtype is None else dtype, device=device,
                  requires_grad=requires_grad)
    new.__name__ = new.__qualname__ = f"new_{fn.__name__}"
    new.__doc__ = f"``{fn.__name__}(*size)`` with ``input``'s dtype (unless ``dtype`` is given)."
    return new


new_zeros, new_ones, new_empty = map(_new, (creation.zeros, creation.ones, creation.empty))


def new_full(input, size, fill_value, dtype=None, device=None, requires_grad=False):
    """``full(size, fill_value)`` with ``input``'s dtype (unless ``dtype`` is given)."""
    return creation.full(size, fill_value, dtype=input.dtype if dtype is None else dtype,
                         device=device, requires_grad=requires_grad)


def new_tensor(input, data, dtype=None, device=None, requires_grad=False):
    """``tensor(data)`` with ``input``'s dtype (unless ``dtype`` is given).

    >>> tg.zeros(1, dtype=tg.float64).new_tensor([1, 2])
    tensor([1., 2.], dtype=float64)
    """
    return creation.tensor(data, dtype=input.dtype if dtype is None else dtype, device=device,
                           requires_grad=requires_grad)
