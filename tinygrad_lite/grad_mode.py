"""Grad mode: whether new operations are recorded for autograd. Per thread, as in PyTorch: a
thread evaluating under ``no_grad`` does not stop another thread's training from recording.

    >>> with no_grad():
    ...     is_grad_enabled()
    False
    >>> is_grad_enabled()
    True
"""
import functools
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class _Mode(threading.local):
    enabled = True     # every thread starts recording (class attributes are the defaults)
    inference = False  # inside inference_mode()


state = _Mode()  # read by Function.apply on every op: ``state.enabled``


def is_grad_enabled():
    """True when new operations are recorded for autograd (in this thread)."""
    return state.enabled


def is_inference_mode_enabled():
    """True inside ``inference_mode()`` (in this thread)."""
    return state.inference


def set_mode(enabled, inference=None):
    """Switch recording in this thread (None keeps a setting as it is); returns the previous
    ``(enabled, inference)`` pair for :func:`restore`. The switches below go through here (the
    backward engine sets ``state.enabled`` itself, restoring it in a ``finally``)."""
    previous = (state.enabled, state.inference)
    if enabled is not None:
        state.enabled = enabled
    if inference is not None:
        state.inference = inference
    return previous


def restore(previous):
    state.enabled, state.inference = previous


class _GradMode:
    """Base of the switches: a context manager, and a decorator through ``__call__``
    (``@no_grad()`` and ``@no_grad`` both work). Subclasses say which mode they set."""

    enabled, inference = True, None

    def __new__(cls, fn=None):
        self = super().__new__(cls)
        return self(fn) if callable(fn) else self

    def __init__(self, fn=None):
        pass

    def __enter__(self):
        self._previous = set_mode(self.enabled, self.inference)
        return self

    def __exit__(self, *exc):
        restore(self._previous)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._copy():
                return fn(*args, **kwargs)
        return wrapper

    def _copy(self):  # a fresh switch per call, so a decorated function may run in many threads
        switch = object.__new__(_GradMode)
        switch.enabled, switch.inference = self.enabled, self.inference
        return switch


class no_grad(_GradMode):
    """Context manager and decorator that stops recording in this thread (for evaluation and
    parameter updates).

    >>> with no_grad():
    ...     w -= 0.1 * w.grad
    """

    enabled = False


class enable_grad(_GradMode):
    """Context manager and decorator that turns recording back on inside ``no_grad``."""

    enabled = True


class set_grad_enabled(_GradMode):
    """Switch recording on or off: as a function call (takes effect at once, in this thread), a
    context manager or a decorator (then only inside the decorated function), as in PyTorch.

    >>> with set_grad_enabled(False):
    ...     y = x * 2          # not recorded
    """

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        self.enabled, self.inference = bool(mode), None
        self._previous = set_mode(self.enabled)

    def __enter__(self):
        return self

    def __call__(self, fn):
        restore(self._previous)  # decorating must not change the mode outside the function
        return super().__call__(fn)


class inference_mode(_GradMode):
    """``no_grad`` for inference, as PyTorch names it: ``inference_mode()`` stops recording,
    ``inference_mode(False)`` changes nothing. A context manager and a decorator.

    >>> with inference_mode():
    ...     is_grad_enabled(), is_inference_mode_enabled()
    (False, True)
    """

    def __new__(cls, mode=True):
        if callable(mode):  # used bare as a decorator: @inference_mode
            return cls(True)(mode)
        return object.__new__(cls)

    def __init__(self, mode=True):
        mode = bool(mode)
        self.enabled = False if mode else None  # inference_mode(False) keeps the grad mode
        self.inference = mode
