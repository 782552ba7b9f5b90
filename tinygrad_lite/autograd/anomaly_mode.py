"""Anomaly detection, as ``torch.autograd.detect_anomaly``: while it is on, every recorded op
remembers where it was created, and a backward step whose gradient holds NaN raises a
RuntimeError naming the op (``Function 'DivBackward0' returned nan values in its 1th output.``)
and the line of the forward call that created it.

Off, it costs nothing: switching it on installs a recording ``Function.apply`` and the engine's
NaN check (``engine.anomaly_check``); switching it off removes both.

>>> x = tg.tensor([0.0], requires_grad=True)
>>> with detect_anomaly():                                     # doctest: +SKIP
...     (x.sqrt() * 0).sum().backward()
Traceback (most recent call last):
RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output. ...
"""
import functools
import warnings

import numpy as np

from .. import engine
from ..tensor import Function as _Node
from ..tensor import Tensor

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

_state = {"enabled": False, "check_nan": True}
_plain_apply = _Node.__dict__["apply"].__func__


def is_anomaly_enabled():
    """True while anomaly detection is on."""
    return _state["enabled"]


def is_anomaly_check_nan_enabled():
    """True while anomaly detection is on and checks gradients for NaN."""
    return _state["enabled"] and _state["check_nan"]


def forward_trace():
    """Where the op being recorded was called from (the stack without this module's frames)."""
    import traceback  # only while anomaly detection is on
    return "".join(traceback.format_stack()[:-2])


def _traced_apply(cls, *args, **kwargs):
    out = _plain_apply(cls, *args, **kwargs)
    ctx = out._ctx
    if ctx is not None and "trace" not in ctx.__dict__:
        ctx.trace = forward_trace()
    return out


def node_name(ctx):
    """PyTorch's name of a recorded node: ``MulBackward0``; a custom Function's ``XBackward``."""
    name = type(ctx).__name__
    return name if name.endswith("Backward") else f"{name}Backward0"


def _check_nan(ctx, arriving):
    """The engine's hook: raise if a gradient ``ctx`` just computed holds NaN."""
    arriving = list(arriving)
    for i, (_, need, g) in enumerate(arriving):
        array = g._array if isinstance(g, Tensor) else g
        if need and isinstance(array, np.ndarray) and array.dtype.kind in "fc" and np.isnan(array).any():
            trace = ctx.__dict__.get("trace")
            where = f"\nTraceback of the forward call that created it:\n{trace}" if trace else ""
            raise RuntimeError(f"Function '{node_name(ctx)}' returned nan values in its {i}th output.{where}")
    return arriving


def _set(enabled, check_nan):
    """Switch detection; returns the previous state for :func:`_set` to restore."""
    previous = (_state["enabled"], _state["check_nan"])
    _state["enabled"], _state["check_nan"] = bool(enabled), bool(check_nan)
    _Node.apply = classmethod(_traced_apply if enabled else _plain_apply)
    engine.anomaly_check = _check_nan if enabled and check_nan else None
    return previous


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside it.

    >>> with detect_anomaly():                                 # doctest: +SKIP
    ...     loss.backward()
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and "
                      "should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        self._previous = _set(True, self.check_nan)
        return self

    def __exit__(self, *exc):
        _set(*self._previous)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Switch anomaly detection on or off: at once as a call (``set_detect_anomaly(True)``), or
    inside a ``with`` block, restoring the previous state after it.

    >>> with set_detect_anomaly(True):
    ...     is_anomaly_enabled()
    True
    >>> is_anomaly_enabled()
    False
    """

    def __init__(self, mode, check_nan=True):
        self._previous = _set(mode, check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(*self._previous)
