"""tinygrad_lite: a small, fast, correct autograd tensor framework on NumPy, with PyTorch's names.

    >>> import tinygrad_lite as torch
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> (x ** 2).sum().backward()
    >>> x.grad
    tensor([2., 4.])
"""
import numpy as _np

from . import ops  # installs the operations on Tensor
from .arguments import ShapeError
from .creation import *  # noqa: F401,F403
from .creation import __all__ as _creation_all
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)
from .ops import *  # noqa: F401,F403
from .rng import manual_seed
from .tensor import Tensor

from . import autograd, primitives  # noqa: E402,I001
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled  # noqa: E402
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402

__version__ = "0.1.0"

float16, float32, float64 = _np.dtype(_np.float16), _np.dtype(_np.float32), _np.dtype(_np.float64)
int8, int16, int32, int64 = _np.dtype(_np.int8), _np.dtype(_np.int16), _np.dtype(_np.int32), _np.dtype(_np.int64)
uint8, bool = _np.dtype(_np.uint8), _np.dtype(_np.bool_)  # noqa: A001 (PyTorch's name)
half, float, double, long = float16, float32, float64, int64  # noqa: A001
int = int32  # noqa: A001 (PyTorch's torch.int)

from . import data, linalg, nn, optim  # noqa: E402  (built on the names above)
from . import utils  # noqa: E402
from .nn.functional import cdist  # noqa: E402
from .serialization import load, save  # noqa: E402
from . import backends, cuda  # noqa: E402
from .device import device  # noqa: E402
from .dtypes import (bfloat16, cdouble, cfloat, chalf, complex32, complex64, complex128, dtype,  # noqa: E402
                     finfo, get_default_dtype, iinfo, set_default_dtype, short)
from .ops.conversion import is_complex, is_floating_point  # noqa: E402
from .rng import (Generator, default_generator, get_rng_state, initial_seed, seed,  # noqa: E402
                  set_rng_state)
from .size import Size  # noqa: E402

__all__ = (["Tensor", "ShapeError", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
            "inference_mode", "is_inference_mode_enabled", "manual_seed", "gradcheck",
            "gradgradcheck", "GradcheckError", "autograd", "primitives", "save", "load", "nn",
            "optim", "data", "linalg", "utils", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
            "cdist"]
           + _creation_all + ops.__all__
           + ["backends", "cuda", "device", "dtype", "finfo", "iinfo", "get_default_dtype",
              "set_default_dtype", "is_floating_point", "is_complex", "Generator",
              "default_generator", "seed", "initial_seed", "get_rng_state", "set_rng_state", "Size"])
