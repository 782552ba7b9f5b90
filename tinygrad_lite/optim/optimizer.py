"""The :class:`Optimizer` base class shared by every optimizer in ``tinygrad_lite.optim``.

It owns everything that does not depend on the update rule: parameter groups with per-group
options, per-parameter ``state``, ``zero_grad``, the ``step`` loop (skipping parameters without a
gradient, bumping ``_version`` after each in-place update), ``state_dict`` / ``load_state_dict``,
and a few helpers the update rules use to stay allocation-free (scratch buffers, the effective
gradient with ``maximize`` and L2 weight decay folded in).

A subclass only defines ``_check_group(group)`` (validate the options of one group) and
``_update(param, grad, state, options)`` (update one NumPy array in place).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> w = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    >>> opt = SGD([w], lr=0.5)
    >>> w.grad = Tensor(np.ones(3, dtype=np.float32))
    >>> opt.step(); w.numpy()
    array([0.5, 0.5, 0.5], dtype=float32)
"""
import numbers
from collections import defaultdict
from itertools import chain

import numpy as np

from ..dtypes import get_default_dtype
from ..grad_mode import enable_grad
from ..tensor import Tensor

__all__ = ["Optimizer"]


def to_python(value):
    """A copy of ``value`` made of plain Python values: numpy scalars and 0-d arrays become
    Python numbers, other arrays become lists. Used for hyper-parameters and scheduler state,
    which must survive a round trip through an npz-based ``save``/``load``.

    >>> to_python({"betas": (np.float64(0.9), 0.999), "n": np.array(3)})
    {'betas': (0.9, 0.999), 'n': 3}
    """
    if isinstance(value, dict):
        return {k: to_python(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_python(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _like(loaded, current):
    """``loaded`` (from a state_dict, possibly after a save/load round trip) shaped like the
    ``current`` value: lists become tuples where the current value is a tuple (e.g. ``betas``)."""
    loaded = to_python(loaded)
    if isinstance(current, tuple) and isinstance(loaded, list):
        return tuple(loaded)
    return loaded


def _as_float(value):
    """Hyper-parameters as Python floats, so ``float32_array * lr`` stays float32."""
    kind = type(value)
    if kind is float or kind is bool or kind is str or value is None:  # cheap common cases:
        return value                                                    # this runs every step
    if kind is int:
        return float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, tuple):
        return tuple(_as_float(v) for v in value)
    return value


def implementation_flags(**flags):
    """PyTorch's implementation switches (``foreach``, ``fused``, ``capturable``,
    ``differentiable``) as group options: accepted, since every update here is one NumPy pass on
    the CPU, except ``differentiable=True`` (an update recorded by autograd), which is refused."""
    if flags.get("differentiable"):
        raise NotImplementedError("differentiable=True is not supported: tinygrad_lite's "
                                  "optimizers update parameters outside the autograd graph")
    return flags


_SET_ERROR = ("optimizer parameters need to be organized in ordered collections, but the ordering "
              "of tensors in sets changes between runs; use a list")


class _Required:
    """Marks a default that every parameter group must give (PyTorch's ``optimizer.required``)."""

    def __repr__(self):
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class of all optimizers: ``Optimizer(params, defaults)``.

    ``params`` is an iterable of Tensors, of ``(name, Tensor)`` pairs (as from
    ``named_parameters()``), or of dicts ("parameter groups") each with a ``'params'`` entry and
    any options overriding ``defaults``. Attributes: ``defaults``, ``param_groups`` (list of dicts)
    and ``state`` (per-parameter dict of buffers, keyed by the parameter Tensor).

    >>> import numpy as np
    >>> from tinygrad_lite.tensor import Tensor
    >>> from tinygrad_lite.optim import SGD
    >>> a = Tensor(np.zeros(2), requires_grad=True); b = Tensor(np.zeros(2), requires_grad=True)
    >>> opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.1}], lr=0.01, momentum=0.9)
    >>> [g["lr"] for g in opt.param_groups]
    [0.01, 0.1]
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = defaultdict(dict)
        self.param_groups = []
        self._scratch_flat = {}   # (dtype, slot) -> flat work array, see _scratch
        self._scratch_views = {}  # (shape, dtype, slot) -> view of it
        self._converted = {}      # id(group) -> (ids of its values, the values, options)
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor (wrap it in a list: [tensor])")
        if isinstance(params, (set, frozenset)):
            raise TypeError(_SET_ERROR)
        if isinstance(params, dict):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a dict (wrap one parameter group in a list, "
                            "or pass model.parameters())")
        try:
            groups = list(params)
        except TypeError:
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}") from None
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ------------------------------------------------------------------------------------------
    # parameter groups
    # ------------------------------------------------------------------------------------------

    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (missing options come from ``defaults``).

        Useful to start training layers that were frozen:

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> opt = SGD([Tensor(np.zeros(2), requires_grad=True)], lr=0.1)
        >>> opt.add_param_group({"params": [Tensor(np.zeros(3), requires_grad=True)], "lr": 0.01})
        >>> len(opt.param_groups)
        2
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("param_group must have a 'params' entry with the tensors to optimize")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(_SET_ERROR)
        else:
            params = list(params)
        if len(params) == 0:
            raise ValueError("optimizer got an empty parameter list")

        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:
            if len(names) != len(params) or any(len(p) != 2 for p in params):
                raise ValueError("all optimizer params should be with or without names: "
                                 "give either only tensors or only (name, tensor) pairs")
            params = [p[1] for p in params]
            group["param_names"] = names
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but parameter {i} of the "
                                f"group is a {type(p).__name__}")
            if not (p.is_leaf or getattr(p, "_retains_grad", False)):
                raise ValueError(f"can't optimize a non-leaf Tensor (parameter {i} of the group "
                                 "was computed from other tensors)")
        group["params"] = params

        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)

        seen = set()
        for i, p in enumerate(params):
            if id(p) in seen:
                raise ValueError(f"parameter {i} of the group (shape {tuple(p.shape)}) is given "
                                 "more than once")
            seen.add(id(p))
        for g in self.param_groups:
            if any(id(p) in seen for p in g["params"]):
                raise ValueError("some parameters appear in more than one parameter group")
            if ("param_names" in g) != ("param_names" in group):
                raise ValueError("all optimizer param groups should be with or without names")

        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group):
        """Raise ValueError for an invalid option of ``group``. Subclasses override."""

    @staticmethod
    def _check_nonnegative(group, key, label):
        """Raise ``ValueError("Invalid <label>: <value>")`` unless ``group[key] >= 0`` (not NaN)."""
        value = group[key]
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{key} must be a real number, got {value!r}")
        if not 0.0 <= value:
            raise ValueError(f"Invalid {label}: {value}")

    @staticmethod
    def _decoupled_decay(param, options):
        """With ``decoupled_weight_decay``, shrink ``param`` by ``1 - lr * weight_decay`` now and
        return 0 (no L2 term in the gradient); otherwise return ``weight_decay`` for the L2 term."""
        weight_decay = options["weight_decay"]
        if not options["decoupled_weight_decay"]:
            return weight_decay
        if weight_decay != 0:
            param *= 1.0 - options["lr"] * weight_decay
        return 0.0

    @staticmethod
    def _scalar(value):
        """``value`` rounded as PyTorch rounds its scalar state tensors: in the default dtype."""
        return float(np.asarray(value, dtype=get_default_dtype()))

    @staticmethod
    def _check_betas(group):
        """``group["betas"]`` as a tuple of two numbers in [0, 1), or ValueError."""
        betas = group["betas"]
        if isinstance(betas, list):
            betas = group["betas"] = tuple(betas)
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta} "
                                 "(betas must lie in [0, 1))")

    # ------------------------------------------------------------------------------------------
    # gradients and the step loop
    # ------------------------------------------------------------------------------------------

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters: set them to None (default), or with
        ``set_to_none=False`` fill the existing gradient arrays with zeros in place.

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> w = Tensor(np.ones(2), requires_grad=True); w.grad = Tensor(np.ones(2))
        >>> SGD([w]).zero_grad(); w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad  # the slot behind .grad: the optimizers run on every step
                if grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    grad._array.fill(0)
                    grad._version += 1

    def step(self, closure=None):
        """Update every parameter that has a gradient (parameters whose ``.grad`` is None are
        skipped). ``closure``, if given, re-evaluates the model (with autograd on) and returns the
        loss; ``step`` calls it first and returns its value.

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> w = Tensor(np.array([1.0]), requires_grad=True); w.grad = Tensor(np.array([2.0]))
        >>> SGD([w], lr=0.1).step(); w.numpy()
        array([0.8])
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        state, update = self.state, self._update
        for group in self.param_groups:
            options = self._options(group)
            for p in group["params"]:
                grad = p._grad  # the slots behind .grad and numpy(): this runs on every step
                if grad is None:
                    continue
                grad = grad._array if isinstance(grad, Tensor) else np.asarray(grad)
                param = p._array
                if grad.shape != param.shape:
                    raise ValueError(f"gradient of shape {grad.shape} does not match its "
                                     f"parameter's shape {param.shape}")
                entry = state.get(p)
                fresh = entry is None
                if fresh:
                    entry = {}
                update(param, grad, entry, options)
                if fresh and entry:  # state entries exist only for parameters that need one
                    state[p] = entry
                p._vc[0] += 1  # p._version += 1, without the property
        return loss

    def _options(self, group):
        """The group's hyper-parameters as Python numbers (see :func:`_as_float`), converted again
        only when one of the group's values is replaced (a scheduler setting ``lr``, say). Values
        are compared by identity, never by ``==`` (which on Tensors compares elements); the cache
        keeps the old values alive, so their ids cannot be taken by new objects. Values that can
        change in place, arrays and Tensors, are passed on as the same objects."""
        ids = list(map(id, group.values()))
        cached = self._converted.get(id(group))
        if cached is None or cached[0] != ids:
            options = {k: _as_float(v) for k, v in group.items() if k != "params"}
            cached = self._converted[id(group)] = (ids, list(group.values()), options)
            if len(self._converted) > len(self.param_groups):  # groups replaced by a load
                current = {id(g) for g in self.param_groups}
                self._converted = {k: v for k, v in self._converted.items() if k in current}
        return cached[2]

    def _update(self, param, grad, state, options):
        """Update the NumPy array ``param`` in place from ``grad`` and this parameter's ``state``
        dict; ``options`` holds the group's hyper-parameters as Python floats/bools."""
        raise NotImplementedError(f"{type(self).__name__} does not define an update rule")

    # --- helpers for allocation-free update rules ---------------------------------------------

    def _scratch(self, like, slot):
        """A reusable work array shaped like ``like``; ``slot`` tells buffers used together apart.
        All parameters of one dtype share one flat buffer per slot (sized for the largest), so the
        extra memory is a few copies of the largest parameter. Scratch buffers are not state."""
        key = (like.shape, like.dtype, slot)
        view = self._scratch_views.get(key)
        if view is None:
            flat_key = key[1:]
            flat = self._scratch_flat.get(flat_key)
            if flat is None or flat.size < like.size:
                flat = self._scratch_flat[flat_key] = np.empty(like.size, like.dtype)
                self._scratch_views = {k: v for k, v in self._scratch_views.items()
                                       if k[1:] != flat_key}  # they point into the old buffer
            view = self._scratch_views[key] = flat[:like.size].reshape(like.shape)
        return view

    def _effective_grad(self, param, grad, weight_decay, maximize):
        """``(-grad if maximize else grad) + weight_decay * param`` as PyTorch computes it, without
        touching ``grad``: either ``grad`` itself (read-only!) or a scratch array."""
        if weight_decay == 0 and not maximize:
            return grad
        out = self._scratch(param, "grad")
        if weight_decay == 0:
            np.negative(grad, out=out)
        else:
            np.multiply(param, weight_decay, out=out)
            if maximize:
                out -= grad
            else:
                out += grad
        return out

    @staticmethod
    def _lerp_(avg, value, weight, work):
        """``avg += weight * (value - avg)`` in place (PyTorch's lerp form of a moving average)."""
        np.subtract(value, avg, out=work)
        work *= weight
        avg += work

    @staticmethod
    def _square_average_(avg, g, decay, work):
        """``avg = decay * avg + (1 - decay) * g * g`` in place."""
        avg *= decay
        np.multiply(g, g, out=work)
        work *= 1.0 - decay
        avg += work

    @staticmethod
    def _zeros_state(state, key, param):
        """``state[key]``, created as zeros shaped like ``param`` the first time."""
        buf = state.get(key)
        if buf is None:
            buf = state[key] = np.zeros_like(param)
        return buf

    # ------------------------------------------------------------------------------------------
    # saving and loading
    # ------------------------------------------------------------------------------------------

    def state_dict(self):
        """The optimizer's state as a dict of plain values (numpy arrays, numbers, strings, lists):

        * ``'state'``: ``{index: {buffer name: array or number}}`` for parameters with state,
        * ``'param_groups'``: one dict of options per group, its ``'params'`` the parameters'
          integer indices, counted across groups in order.

        Arrays are copies, so the result is a snapshot.

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> w = Tensor(np.zeros(2), requires_grad=True); w.grad = Tensor(np.ones(2))
        >>> opt = SGD([w], lr=0.1, momentum=0.9); opt.step()
        >>> sd = opt.state_dict(); sd["param_groups"][0]["params"], list(sd["state"][0])
        ([0], ['momentum_buffer'])
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: to_python(v) for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                ids.append(index.setdefault(id(p), len(index)))
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for p, entry in self.state.items():
            if id(p) in index and entry:
                state[index[id(p)]] = {k: (np.array(v, copy=True) if isinstance(v, np.ndarray)
                                           else to_python(v)) for k, v in entry.items()}
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyper-parameters and state saved by :meth:`state_dict` into an optimizer built
        over parameters of the same shapes, grouped the same way. Arrays are copied (and cast to
        their parameter's dtype); nothing changes if the state dict does not fit.

        >>> import numpy as np
        >>> from tinygrad_lite.tensor import Tensor
        >>> from tinygrad_lite.optim import SGD
        >>> w = Tensor(np.zeros(2), requires_grad=True)
        >>> saved = SGD([w], lr=0.5).state_dict()
        >>> opt = SGD([w], lr=0.1); opt.load_state_dict(saved); opt.param_groups[0]["lr"]
        0.5
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict, but got {type(state_dict).__name__}")
        for key in ("state", "param_groups"):
            if key not in state_dict:
                raise ValueError(f"optimizer state_dict is missing its '{key}' entry")
        saved_groups = to_python(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(saved_groups)} parameter groups, but the "
                             f"optimizer has {len(self.param_groups)}")
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError(f"parameter group {i} of the loaded state dict has no 'params'")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"parameter group {i} of the loaded state dict has "
                                 f"{len(saved['params'])} parameters, but the optimizer's group "
                                 f"{i} has {len(group['params'])}")
        saved_ids = chain.from_iterable(g["params"] for g in saved_groups)
        params = chain.from_iterable(g["params"] for g in self.param_groups)
        id_map = {int(i): p for i, p in zip(saved_ids, params)}

        state = defaultdict(dict)
        for key, entry in state_dict["state"].items():
            try:
                p = id_map[int(key)]
            except (KeyError, ValueError):
                raise ValueError(f"loaded state refers to parameter {key!r}, which is in no "
                                 "parameter group") from None
            state[p] = {name: self._load_state_value(p, key, name, value)
                        for name, value in entry.items()}

        param_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new_group = {k: _like(v, group.get(k)) for k, v in saved.items() if k != "params"}
            for k, v in group.items():
                new_group.setdefault(k, v)  # options missing from older state dicts keep theirs
            new_group["params"] = group["params"]
            param_groups.append(new_group)

        self.state = state
        self.param_groups = param_groups

    @staticmethod
    def _load_state_value(param, index, name, value):
        """One loaded state entry: ``step`` as an int, arrays copied in the parameter's dtype."""
        if name == "step":
            return int(to_python(value))
        is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if isinstance(value, (np.ndarray, np.generic)) or (is_number and param.numpy().ndim == 0):
            value = np.asarray(value)
            if value.shape != param.numpy().shape:
                raise ValueError(f"state '{name}' of parameter {index} has shape {value.shape}, "
                                 f"but the parameter has shape {param.numpy().shape}")
            dtype = param.numpy().dtype if (np.issubdtype(value.dtype, np.floating)
                                         and np.issubdtype(param.numpy().dtype, np.floating)) else None
            return np.array(value, dtype=dtype, copy=True, order="C")
        return to_python(value)

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)
