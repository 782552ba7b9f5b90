"""Every operation, written once as a function of its tensor ``input`` by theme:

- ``arithmetic.py``: ``+ - * / ** @``, comparisons and logic, elementwise math, activations;
- ``reduction.py``: sum, mean, var, std, max, min, argmax, logsumexp, ...;
- ``shape.py``: reshape, permute, transpose, squeeze, expand, pad, cat, stack, ...;
- ``indexing.py``: ``x[i]``, ``x[i] = v``, gather, where;
- ``conversion.py``: ``to``, ``float``, ``double``, ..., ``clone``;
- ``linalg.py``: products (mm, bmm, einsum, ...) and ``torch.linalg``'s decompositions;
- ``sorting.py``: sort, argsort, topk, unique, searchsorted, ...;
- ``random.py``: bernoulli, multinomial, poisson, normal and the in-place random fills.

Each is either a composite of other operations or the call of one primitive
(``primitives.py``). The table below installs them as Tensor methods and operators, so
``x.exp()``, ``tinygrad_lite.exp(x)`` and, where PyTorch has one, the operator are one function.
"""
from ..tensor import Tensor
from . import arithmetic, conversion, indexing, linalg, random, reduction, shape, sorting
from .arithmetic import *  # noqa: F401,F403  (the torch.* functions)
from .indexing import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .sorting import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403

_MODULES = (arithmetic, conversion, reduction, shape, indexing, linalg, sorting, random)
_NOT_FUNCTIONS = {"getitem", "setitem",  # methods only: x[i], x[i] = v
                  "repeat", "unfold", "view_as", "reshape_as"} | random.METHODS_ONLY
_NOT_METHODS = ({"cat", "concatenate", "stack", "where", "getitem", "setitem",  # torch.* only
                 "std_mean", "var_mean", "searchsorted", "bucketize",
                 "einsum", "tensordot", "chain_matmul",
                 "meshgrid", "broadcast_tensors", "atleast_1d", "atleast_2d", "atleast_3d",
                 "hstack", "vstack", "row_stack", "dstack", "column_stack"} | random.FUNCTIONS_ONLY)
__all__ = [name for module in _MODULES if module is not conversion  # in-place x.op_(): methods only
           for name in module.__all__ if name not in _NOT_FUNCTIONS and not name.endswith("_")]


def _reflected(fn):
    def reflected(input, other):
        return fn(other, input)
    reflected.__name__ = reflected.__qualname__ = f"r{fn.__name__}"
    return reflected


def _method_where(input, condition, other):
    """``x.where(condition, y)``: ``x`` where ``condition`` holds, ``y`` elsewhere."""
    return indexing.where(condition, input, other)


_OPERATORS = {
    "__add__": arithmetic.add, "__radd__": _reflected(arithmetic.add),
    "__sub__": arithmetic.sub, "__rsub__": _reflected(arithmetic.sub),
    "__mul__": arithmetic.mul, "__rmul__": _reflected(arithmetic.mul),
    "__truediv__": arithmetic.div, "__rtruediv__": _reflected(arithmetic.div),
    "__pow__": arithmetic.pow, "__rpow__": _reflected(arithmetic.pow),
    "__matmul__": arithmetic.matmul, "__rmatmul__": _reflected(arithmetic.matmul),
    "__neg__": arithmetic.neg, "__pos__": arithmetic.positive, "__abs__": arithmetic.abs,
    "__floordiv__": arithmetic.floor_divide, "__rfloordiv__": _reflected(arithmetic.floor_divide),
    "__mod__": arithmetic.remainder, "__rmod__": _reflected(arithmetic.remainder),
    "__eq__": arithmetic.eq, "__ne__": arithmetic.ne, "__lt__": arithmetic.lt,
    "__le__": arithmetic.le, "__gt__": arithmetic.gt, "__ge__": arithmetic.ge,
    "__and__": arithmetic.bitwise_and, "__rand__": _reflected(arithmetic.bitwise_and),
    "__or__": arithmetic.bitwise_or, "__ror__": _reflected(arithmetic.bitwise_or),
    "__xor__": arithmetic.bitwise_xor, "__rxor__": _reflected(arithmetic.bitwise_xor),
    "__lshift__": arithmetic.bitwise_left_shift,
    "__rlshift__": _reflected(arithmetic.bitwise_left_shift),
    "__rshift__": arithmetic.bitwise_right_shift,
    "__rrshift__": _reflected(arithmetic.bitwise_right_shift),
    "__invert__": arithmetic.bitwise_not,
    "__ifloordiv__": arithmetic.floor_divide_, "__imod__": arithmetic.remainder_, "__ipow__": arithmetic.pow_,
    "__iand__": arithmetic.bitwise_and_, "__ior__": arithmetic.bitwise_or_, "__ixor__": arithmetic.bitwise_xor_,
    "__ilshift__": arithmetic.bitwise_left_shift_, "__irshift__": arithmetic.bitwise_right_shift_,
    "__getitem__": indexing.getitem, "__setitem__": indexing.setitem,
    "where": _method_where, "T": property(shape.reverse_dims),
    "mT": property(shape.matrix_transpose),
    "mH": property(lambda x: shape.matrix_transpose(x, "mH")),
    "H": property(lambda x: shape.matrix_transpose(x, "H", batched=False)),
}


def _install():
    for module in _MODULES:
        for name in module.__all__:
            if name not in _NOT_METHODS:
                setattr(Tensor, name, getattr(module, name))
    for name, fn in _OPERATORS.items():
        setattr(Tensor, name, fn)


_install()
