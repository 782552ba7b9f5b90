"""Learning-rate schedulers with PyTorch's names and values.

A scheduler sets ``group['lr']`` of every parameter group of an optimizer. Call ``step()`` once per
epoch (or per batch for :class:`OneCycleLR`) after ``optimizer.step()``. Like PyTorch, the
schedulers that can be chained (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR) update the
current ``lr`` recursively, so another scheduler or a hand edit of ``lr`` composes with them; from
the start and without interference the values equal PyTorch's closed forms.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> from tinygrad_lite.optim.lr_scheduler import StepLR
    >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(sched.get_last_lr()[0]); opt.step(); sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
"""
import math
import numbers
import types
import warnings
from bisect import bisect_right

from .optimizer import Optimizer, to_python

__all__ = ["LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR",
           "CosineAnnealingLR", "OneCycleLR"]


def _per_group(name, optimizer, value):
    """``value`` repeated for each parameter group, or a list/tuple with one value per group."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have one value per parameter group: got {len(value)} "
                             f"values for {len(optimizer.param_groups)} groups")
        return list(value)
    return [value] * len(optimizer.param_groups)


class LRScheduler:
    """Base class: ``LRScheduler(optimizer, last_epoch=-1)``. Subclasses define :meth:`get_lr`.

    ``last_epoch`` counts the calls to :meth:`step` (the constructor makes the first, to 0);
    ``base_lrs`` are the groups' ``initial_lr`` (set from ``lr`` when ``last_epoch == -1``).
    To resume, build the scheduler with ``last_epoch=k`` over an optimizer whose groups have
    ``initial_lr``, or load a :meth:`state_dict`.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> class Halving(LRScheduler):
    ...     def get_lr(self):
    ...         return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
    >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> s = Halving(opt); s.step(); s.step(); s.get_last_lr()
    [0.25]
    """

    _get_lr_called_within_step = False
    _is_initial = False

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when "
                                   f"resuming a scheduler with last_epoch={last_epoch}: load the "
                                   "optimizer's state_dict first, or start from last_epoch=-1")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The learning rates for the current ``last_epoch``, computed inside :meth:`step`. To read
        the current values use :meth:`get_last_lr` (calling this elsewhere warns, as in PyTorch,
        because recursive schedules would move one step further)."""
        raise NotImplementedError

    def _warn_if_outside_step(self):
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use "
                          "`get_last_lr()`.", UserWarning, stacklevel=3)

    def get_last_lr(self):
        """The learning rates (one per group) set by the last :meth:`step`.

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=0.1)
        >>> ExponentialLR(opt, gamma=0.5).get_last_lr()
        [0.1]
        """
        return list(self._last_lr)

    def step(self, epoch=None):
        """Advance one epoch and write the new learning rates into the optimizer's groups.

        ``step(epoch)`` (deprecated in PyTorch, warns) jumps to ``epoch`` using the closed form
        where the scheduler has one. If computing the rates fails (e.g. :class:`OneCycleLR` past
        its last step) the scheduler is left as it was.

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
        >>> s = ExponentialLR(opt, gamma=0.5); s.step(); opt.param_groups[0]["lr"]
        0.5
        """
        if epoch is not None:
            warnings.warn("The epoch parameter in `scheduler.step()` is deprecated (as in "
                          "PyTorch); call `scheduler.step()` once per epoch instead.",
                          UserWarning, stacklevel=2)
        previous = self.last_epoch, self._step_count
        self._step_count += 1
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                values = closed_form() if closed_form is not None else self.get_lr()
        except BaseException:
            self.last_epoch, self._step_count = previous
            raise
        finally:
            self._get_lr_called_within_step = False
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """The scheduler's state: every attribute except the optimizer, as plain Python values
        (numbers, strings, lists, dicts), so it can be saved next to the optimizer's.

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
        >>> sd = StepLR(opt, step_size=3).state_dict(); sd["last_epoch"], sd["step_size"]
        (0, 3)
        """
        return {key: to_python(value) for key, value in self.__dict__.items()
                if key != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore the state saved by :meth:`state_dict` (numpy scalars and arrays that a
        save/load round trip may produce are turned back into Python values). Does not touch the
        optimizer's learning rates: load the optimizer's own state_dict for those.

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
        >>> s = StepLR(opt, step_size=3); s.load_state_dict({"last_epoch": 7}); s.last_epoch
        7
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict, but got {type(state_dict).__name__}")
        state = to_python(state_dict)
        for key in ("base_lrs", "_last_lr"):
            if key in state and len(state[key]) != len(self.optimizer.param_groups):
                raise ValueError(f"loaded scheduler state has {len(state[key])} {key}, but the "
                                 f"optimizer has {len(self.optimizer.param_groups)} parameter "
                                 "groups")
        self.__dict__.update(state)


class LambdaLR(LRScheduler):
    """``LambdaLR(optimizer, lr_lambda, last_epoch=-1)``: ``lr = base_lr * lr_lambda(epoch)``;
    ``lr_lambda`` is one function or a list with one per group. Its state_dict leaves the
    functions out (plain functions save as None; callable objects save their ``__dict__``).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=2.0)
    >>> s = LambdaLR(opt, lambda epoch: 1 / (epoch + 1)); s.step(); s.get_last_lr()
    [1.0]
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.optimizer = optimizer
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                                 f"{len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda must be callable, got {fn!r}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_if_outside_step()
        return [base_lr * fn(self.last_epoch)
                for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self):
        """As :meth:`LRScheduler.state_dict`, with ``lr_lambdas`` holding None for each plain
        function and a copy of ``__dict__`` for each callable object."""
        state = {key: to_python(value) for key, value in self.__dict__.items()
                 if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [dict(vars(fn)) if (not isinstance(fn, types.FunctionType)
                                                  and hasattr(fn, "__dict__")) else None
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        """As :meth:`LRScheduler.load_state_dict`; the functions themselves are kept, callable
        objects get their saved ``__dict__`` back."""
        state = dict(state_dict)
        saved_lambdas = state.pop("lr_lambdas", None) or []
        super().load_state_dict(state)
        for fn, saved in zip(self.lr_lambdas, saved_lambdas):
            if saved is not None:
                fn.__dict__.update(saved)


class StepLR(LRScheduler):
    """``StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1)``: multiply the learning rate by
    ``gamma`` every ``step_size`` epochs, ``lr = base_lr * gamma ** (epoch // step_size)``.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> s = StepLR(opt, step_size=1, gamma=0.5); s.step(); s.step(); s.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        if (isinstance(step_size, bool) or not isinstance(step_size, numbers.Integral)
                or step_size <= 0):
            raise ValueError(f"step_size must be a positive integer, got {step_size!r}")
        self.step_size = int(step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_if_outside_step()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """``MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1)``: multiply the learning
    rate by ``gamma`` at each milestone epoch (a milestone listed twice multiplies twice).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> s = MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> lrs = [s.get_last_lr()[0]] + [(s.step(), s.get_last_lr()[0])[1] for _ in range(4)]
    >>> lrs
    [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_if_outside_step()
        hits = self.milestones.count(self.last_epoch)
        if hits == 0:
            return self._current_lrs()
        return [lr * self.gamma ** hits for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        passed = bisect_right(self.milestones, self.last_epoch)
        return [base_lr * self.gamma ** passed for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """``ExponentialLR(optimizer, gamma, last_epoch=-1)``: multiply the learning rate by ``gamma``
    every epoch, ``lr = base_lr * gamma ** epoch``.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> s = ExponentialLR(opt, gamma=0.5); s.step(); s.step(); s.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_if_outside_step()
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """``CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1)``: anneal from ``base_lr``
    to ``eta_min`` over ``T_max`` epochs along half a cosine (then back up, periodically):
    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``. Computed with
    PyTorch's recursive form, which equals this when stepping from the start.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> s = CosineAnnealingLR(opt, T_max=2); s.step(); round(s.get_last_lr()[0], 12)
    0.5
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        if isinstance(T_max, bool) or not isinstance(T_max, numbers.Real) or not T_max > 0:
            raise ValueError(f"T_max must be a positive number of epochs, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_if_outside_step()
        epoch, T_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if (epoch - 1 - T_max) % (2 * T_max) == 0:
            rise = (1 - math.cos(math.pi / T_max)) / 2
            return [lr + (base_lr - eta_min) * rise
                    for lr, base_lr in zip(self._current_lrs(), self.base_lrs)]
        ratio = ((1 + math.cos(math.pi * epoch / T_max))
                 / (1 + math.cos(math.pi * (epoch - 1) / T_max)))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current_lrs()]

    def _get_closed_form_lr(self):
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin): warm the learning rate up from ``max_lr / div_factor``
    to ``max_lr`` over the first ``pct_start`` of ``total_steps``, then anneal it down to
    ``max_lr / div_factor / final_div_factor``, while momentum (``momentum`` or ``betas[0]``)
    cycles the opposite way between ``max_momentum`` and ``base_momentum``. Step it after every
    batch; it accepts ``total_steps`` calls to ``step()`` and raises ValueError after that.

    ``OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
    pct_start=0.3, anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85,
    max_momentum=0.95, div_factor=25., final_div_factor=1e4, three_phase=False, last_epoch=-1)``
    (PyTorch's argument order); ``max_lr``, ``base_momentum`` and ``max_momentum`` may be lists
    with one value per group.
    ``three_phase=True`` anneals back to the initial lr symmetrically before the final decay.

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> opt = SGD([Tensor(np.zeros(1), requires_grad=True)], lr=0.1, momentum=0.9)
    >>> s = OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="linear")
    >>> s.get_last_lr(), opt.param_groups[0]["momentum"]
    ([0.04], 0.95)
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer

        def positive_int(name, value):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
                raise ValueError(f"Expected positive integer {name}, but got {value!r}")
            return int(value)

        if total_steps is not None:
            self.total_steps = positive_int("total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (positive_int("epochs", epochs)
                                * positive_int("steps_per_epoch", steps_per_epoch))
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if (isinstance(pct_start, bool) or not isinstance(pct_start, numbers.Real)
                or not 0 <= pct_start <= 1):
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy

        # Each phase anneals group[start_lr] -> group[end_lr] (and the momenta) until end_step.
        warmup_end = float(pct_start * self.total_steps) - 1
        if three_phase:
            self._schedule_phases = [
                dict(end_step=warmup_end, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=float(2 * pct_start * self.total_steps) - 2, start_lr="max_lr",
                     end_lr="initial_lr", start_momentum="base_momentum",
                     end_momentum="max_momentum"),
                dict(end_step=self.total_steps - 1, start_lr="initial_lr", end_lr="min_lr",
                     start_momentum="max_momentum", end_momentum="max_momentum"),
            ]
        else:
            self._schedule_phases = [
                dict(end_step=warmup_end, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=self.total_steps - 1, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
            ]

        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, group_max_lr in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = group_max_lr / div_factor
                group["max_lr"] = group_max_lr
                group["min_lr"] = group["initial_lr"] / final_div_factor

        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` "
                                 "option enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            max_momenta = _per_group("max_momentum", optimizer, max_momentum)
            base_momenta = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for group, m_max, m_base in zip(optimizer.param_groups, max_momenta, base_momenta):
                    self._set_momentum(group, m_max)
                    group["max_momentum"] = m_max
                    group["base_momentum"] = m_base
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group, value):
        if self.use_beta1:
            group["betas"] = (value, *tuple(group["betas"])[1:])
        else:
            group["momentum"] = value

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self):
        self._warn_if_outside_step()
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError(f"Tried to step {step_num} times. The specified number of total steps "
                             f"is {self.total_steps}")
        last = len(self._schedule_phases) - 1
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step_num <= end_step or i == last:
                    span = end_step - start_step
                    # A phase of zero length (pct_start * total_steps == 1) is already complete;
                    # PyTorch divides by zero here.
                    pct = (step_num - start_step) / span if span != 0 else 1.0
                    lr = self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    if self.cycle_momentum:
                        momentum = self._anneal(group[phase["start_momentum"]],
                                                group[phase["end_momentum"]], pct)
                    break
                start_step = end_step
            lrs.append(lr)
            if self.cycle_momentum:
                self._set_momentum(group, momentum)
        return lrs
