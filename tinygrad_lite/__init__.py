"""tinygrad_lite: a small, fast, correct autograd tensor framework on NumPy, with PyTorch's names.

    >>> import tinygrad_lite as torch
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> (x ** 2).sum().backward()
    >>> x.grad
    tensor([2., 4.])
"""
import numpy as _np

from . import autograd, ops
from .creation import *  # noqa: F401,F403
from .creation import __all__ as _creation_all
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .rng import manual_seed
from .tensor import (ShapeError, Tensor, cat, concatenate, enable_grad, is_grad_enabled, no_grad,
                     set_grad_enabled, stack, where)

__version__ = "0.1.0"

float16, float32, float64 = _np.dtype(_np.float16), _np.dtype(_np.float32), _np.dtype(_np.float64)
int8, int16, int32, int64 = _np.dtype(_np.int8), _np.dtype(_np.int16), _np.dtype(_np.int32), _np.dtype(_np.int64)
uint8, bool = _np.dtype(_np.uint8), _np.dtype(_np.bool_)  # noqa: A001 (PyTorch's name)
half, float, double, long = float16, float32, float64, int64  # noqa: A001


def _function(name):
    method = getattr(Tensor, name)

    def fn(input, *args, **kwargs):
        return method(input if isinstance(input, Tensor) else Tensor(input), *args, **kwargs)
    fn.__name__, fn.__qualname__ = name, name
    fn.__doc__ = f"``{name}(input, ...)`` is ``input.{name}(...)``: " + (method.__doc__ or "")
    return fn


_FUNCTIONS = ("exp log sqrt abs sin cos erf sign clamp clip maximum minimum relu sigmoid tanh "
              "softmax log_softmax sum mean var std amax amin max min argmax argmin logsumexp "
              "reshape flatten transpose permute squeeze unsqueeze matmul add sub mul div pow neg "
              "gather pad").split()
globals().update({_name: _function(_name) for _name in _FUNCTIONS})

from . import data, nn, optim  # noqa: E402  (built on the names above)
from .allocator import keep_freed_memory as _keep_freed_memory  # noqa: E402
from .serialization import load, save  # noqa: E402

_keep_freed_memory()  # see allocator.py: reuse freed memory instead of page-faulting it back

__all__ = (["Tensor", "ShapeError", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
            "manual_seed", "cat", "concatenate", "stack", "where", "gradcheck", "gradgradcheck",
            "GradcheckError", "autograd", "ops", "save", "load", "nn", "optim", "data"]
           + _creation_all + list(_FUNCTIONS))
