"""``Module``, the base of every layer, and the containers built on it.

A module owns three ordered registries filled by attribute assignment: ``_parameters``
(:class:`Parameter` objects), ``_buffers`` (state that is saved but not trained, such as
BatchNorm's running statistics) and ``_modules`` (child modules). Everything else —
``parameters()``, ``state_dict()``, ``train()``, ``repr`` — walks those registries, so the names
and order are PyTorch's and weights move between the two through NumPy arrays.

>>> from tinygrad_lite import nn
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
>>> list(model.state_dict())
['0.weight', '0.bias', '2.weight', '2.bias']
"""
import collections.abc
import operator
from collections import OrderedDict, namedtuple

import numpy as np

from ..arguments import check_cpu_device
from ..grad_mode import no_grad
from ..tensor import Tensor

__all__ = ["Parameter", "Module", "Sequential", "ModuleList", "Identity", "RemovableHandle",
           "ModuleDict", "ParameterList", "ParameterDict"]


class Parameter(Tensor):
    """A Tensor that a :class:`Module` registers as trainable when assigned as an attribute.

    ``Parameter(data=None, requires_grad=True)``: ``data`` is a Tensor, an ndarray (shared, not
    copied) or anything ``Tensor`` accepts; ``None`` gives an empty float32 tensor.

    >>> p = Parameter(np.zeros(3, dtype=np.float32))
    >>> p.requires_grad, p.shape
    (True, torch.Size([3]))
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        super().__init__(np.empty(0, dtype=np.float32) if data is None else data,
                         requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])
IncompatibleKeys.__doc__ = """The keys ``load_state_dict(strict=False)`` could not match, as lists."""


def _join(prefix, name):
    return f"{prefix}.{name}" if prefix else name


def _to_arguments(args, kwargs):
    """``(device, dtype)`` from the arguments of ``Module.to`` (either may be None)."""
    kwargs = dict(kwargs)
    device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"Module.to got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, np.dtype) or (isinstance(a, type) and issubclass(a, np.generic)):
            dtype = a
        elif not isinstance(a, bool):  # a bool is non_blocking
            device = a
    return device, dtype


def _indent(text, spaces=2):
    """Indent every line of ``text`` but the first."""
    return text.replace("\n", "\n" + " " * spaces)


class RemovableHandle:
    """What ``register_forward_hook`` and ``register_forward_pre_hook`` return: ``remove()`` takes
    the hook off again (also on leaving a ``with`` block)."""

    _next_id = 0

    def __init__(self, hooks, *extra):
        self.hooks_dict_ref, self.extra = hooks, extra
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        self.hooks_dict_ref.pop(self.id, None)
        for flags in self.extra:
            flags.discard(self.id)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class Module:
    """Base class of all layers and models: subclass it, assign parameters and submodules in
    ``__init__`` (after calling ``super().__init__()``) and define ``forward``.

    >>> class TwoLayer(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(4, 8)
    ...         self.out = nn.Linear(8, 1)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).relu())
    >>> [name for name, _ in TwoLayer().named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """

    def __init__(self):
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent_buffers"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_hooks_with_kwargs"] = set()

    # --- calling -----------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        """The computation; every subclass defines it. Call the module, not ``forward``."""
        raise NotImplementedError(f"{type(self).__name__} is missing the required forward() method")

    def __call__(self, *args, **kwargs):
        """Run the forward pre-hooks, ``forward`` and the forward hooks (as PyTorch does)."""
        if self._forward_pre_hooks or self._forward_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args, kwargs):
        with_kwargs = self._hooks_with_kwargs
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"forward pre-hook {hook!r} registered with_kwargs=True "
                                           f"must return None or an (args, kwargs) pair")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for key, hook in list(self._forward_hooks.items()):
            result = hook(self, args, kwargs, output) if key in with_kwargs else hook(self, args, output)
            if result is not None:
                output = result
        return output

    def _add_hook(self, hooks, hook, prepend, with_kwargs):
        handle = RemovableHandle(hooks, self._hooks_with_kwargs)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        if with_kwargs:
            self._hooks_with_kwargs.add(handle.id)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call ``hook(module, args)`` before every ``forward``; a result other than None
        replaces the positional arguments (a non-tuple is wrapped in one). With
        ``with_kwargs=True`` it is ``hook(module, args, kwargs)`` returning None or
        ``(args, kwargs)``. Returns a handle whose ``remove()`` takes the hook off.

        >>> lin = nn.Linear(2, 2)
        >>> handle = lin.register_forward_pre_hook(lambda module, args: (args[0] * 0,))
        >>> lin(tg.ones(1, 2)).tolist() == [lin.bias.tolist()]
        True
        >>> handle.remove()
        """
        return self._add_hook(self._forward_pre_hooks, hook, prepend, with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """Call ``hook(module, args, output)`` after every ``forward``; a result other than None
        replaces the output. With ``with_kwargs=True`` it is ``hook(module, args, kwargs,
        output)``. Returns a handle whose ``remove()`` takes the hook off.

        >>> seen = []
        >>> handle = nn.ReLU().register_forward_hook(lambda m, args, out: seen.append(out.shape))
        """
        if always_call:
            raise NotImplementedError("register_forward_hook: always_call=True is not supported")
        return self._add_hook(self._forward_hooks, hook, prepend, with_kwargs)

    # --- registration ------------------------------------------------------------------------
    def _registry(self, name):
        registries = self.__dict__.get(name)
        if registries is None:
            raise AttributeError(f"cannot assign to {type(self).__name__} before Module.__init__() "
                                 f"is called; call super().__init__() first")
        return registries

    def _check_new_name(self, kind, name, registry):
        if not isinstance(name, str):
            raise TypeError(f"{kind} name must be a str, got {type(name).__name__}")
        if not name or "." in name:
            raise KeyError(f"{kind} name must be non-empty and contain no '.', got {name!r}")
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute {name!r} already exists")

    def _forget(self, name, keep=None):
        """Remove ``name`` from the instance dict and every registry but ``keep`` (so that
        replacing an entry keeps its position)."""
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry != keep:
                self.__dict__[registry].pop(name, None)
        self.__dict__["_non_persistent_buffers"].discard(name)
        self.__dict__.pop(name, None)

    def register_parameter(self, name, param):
        """Register ``param`` (a :class:`Parameter` or None) under ``name``.

        >>> lin = nn.Linear(2, 2, bias=False)
        >>> lin.register_parameter("scale", Parameter(np.ones(2, dtype=np.float32)))
        """
        self._check_new_name("parameter", name, self._registry("_parameters"))
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign {type(param).__name__!r} as parameter {name!r} "
                            f"(nn.Parameter or None expected)")
        self._forget(name, keep="_parameters")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Register ``tensor`` (a Tensor or None) as state that is not trained. Persistent buffers
        appear in ``state_dict()``; assigning ``self.name = t`` later replaces the buffer.

        >>> bn = Module()
        >>> bn.register_buffer("running_mean", Tensor(np.zeros(3, dtype=np.float32)))
        >>> list(bn.state_dict())
        ['running_mean']
        """
        self._check_new_name("buffer", name, self._registry("_buffers"))
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign {type(tensor).__name__!r} as buffer {name!r} "
                            f"(Tensor or None expected)")
        self._forget(name, keep="_buffers")
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        """Register ``module`` (a :class:`Module` or None) as a child called ``name``.

        >>> seq = nn.Sequential()
        >>> seq.add_module("act", nn.ReLU())
        """
        self._check_new_name("module", name, self._registry("_modules"))
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._forget(name, keep="_modules")
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        if isinstance(value, Parameter):
            self._registry("_parameters")
            self._forget(name, keep="_parameters")
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._registry("_modules")
            self._forget(name, keep="_modules")
            self._modules[name] = value
        elif name in self.__dict__.get("_parameters", ()):
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__!r} as parameter {name!r} "
                                f"(nn.Parameter or None expected)")
            self._parameters[name] = None
        elif name in self.__dict__.get("_modules", ()):
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__!r} as child module {name!r} "
                                f"(nn.Module or None expected)")
            self._modules[name] = None
        elif name in self.__dict__.get("_buffers", ()):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__!r} as buffer {name!r} "
                                f"(Tensor or None expected)")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):  # only called when normal lookup fails
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            items = d.get(registry)
            if items is not None and name in items:
                return items[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        if any(name in self.__dict__[r] for r in ("_parameters", "_buffers", "_modules")):
            self._forget(name)
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))

    # --- traversal ---------------------------------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """Yield ``(dotted_name, module)`` for this module (name ``prefix``) and every descendant,
        depth first; a module reachable twice is yielded once unless ``remove_duplicate=False``.
        ``memo`` is the set of modules already seen (updated as they are yielded).

        >>> [name for name, _ in nn.Sequential(nn.Linear(1, 1)).named_modules()]
        ['', '0']
        """
        seen = set() if memo is None else memo
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if module in seen:
                    continue
                seen.add(module)
            yield name, module
            stack.extend(reversed([(_join(name, child_name), child)
                                   for child_name, child in module._modules.items()
                                   if child is not None]))

    def modules(self):
        """Every module in the tree, this one first. ``len(list(model.modules()))``"""
        return (module for _, module in self.named_modules())

    def named_children(self):
        """Yield ``(name, child)`` for the direct children. ``dict(model.named_children())``"""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self):
        """The direct child modules. ``list(model.children())``"""
        return (module for _, module in self.named_children())

    def _named_members(self, registry, prefix, recurse, remove_duplicate=True):
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse
                   else [(prefix, self)])
        seen = set()
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield _join(module_prefix, name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """Yield ``(dotted_name, parameter)``, each shared parameter once (unless
        ``remove_duplicate=False``); ``recurse=False`` gives this module's own only.

        >>> [n for n, _ in nn.Linear(2, 3).named_parameters()]
        ['weight', 'bias']
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """The parameters, for an optimizer: ``SGD(model.parameters(), lr=0.1)``."""
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """Yield ``(dotted_name, buffer)``. ``dict(nn.BatchNorm1d(3).named_buffers())``"""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """The buffers (persistent or not). ``list(nn.BatchNorm1d(3).buffers())``"""
        return (b for _, b in self.named_buffers(recurse=recurse))

    def get_submodule(self, target):
        """The module at the dotted path ``target`` ("" is this module); AttributeError if none.

        >>> nn.Sequential(nn.Sequential(nn.ReLU())).get_submodule("0.0")
        ReLU()
        """
        module = self
        for item in target.split(".") if target else ():
            if not hasattr(module, item):
                raise AttributeError(f"{type(module).__name__} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def _get_member(self, target, registry, kind):
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
        if name not in getattr(module, registry):
            raise AttributeError(f"`{name}` is not {kind}")
        return getattr(module, name)

    def get_parameter(self, target):
        """The parameter at the dotted path ``target``; AttributeError if there is none.

        >>> nn.Sequential(nn.Linear(2, 3)).get_parameter("0.bias").shape
        torch.Size([3])
        """
        return self._get_member(target, "_parameters", "an nn.Parameter")

    def get_buffer(self, target):
        """The buffer at the dotted path ``target``; AttributeError if there is none.

        >>> nn.Sequential(nn.BatchNorm1d(3)).get_buffer("0.running_var").tolist()
        [1.0, 1.0, 1.0]
        """
        return self._get_member(target, "_buffers", "a buffer")

    def apply(self, fn):
        """Call ``fn`` on every descendant, then on this module; returns self.

        >>> model.apply(lambda m: print(type(m).__name__))  # doctest: +SKIP
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # --- state -------------------------------------------------------------------------------
    def _state_items(self):
        """``(key, tensor)`` for every entry of the state dict, in PyTorch's order: each module's
        parameters, then its persistent buffers, then its children's, depth first."""
        for module_prefix, module in self.named_modules(remove_duplicate=False):
            for name, param in module._parameters.items():
                if param is not None:
                    yield _join(module_prefix, name), param
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent_buffers:
                    yield _join(module_prefix, name), buf

    def state_dict(self, keep_vars=False):
        """An OrderedDict from dotted names to Tensors holding the parameters and persistent
        buffers. The tensors share memory with the model (detached unless ``keep_vars=True``).

        >>> sd = nn.BatchNorm1d(3).state_dict()
        >>> list(sd)
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
        """
        return OrderedDict((key, t if keep_vars else t.detach()) for key, t in self._state_items())

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy a state dict (values Tensors or NumPy arrays) into this module's tensors in place
        (with ``assign=True`` the tensors take the loaded arrays instead of copies, keeping
        their own requires_grad).

        Nothing is copied if anything is wrong: a shape mismatch always raises, and with
        ``strict=True`` so do missing and unexpected keys; the RuntimeError lists every problem
        by key. Returns ``IncompatibleKeys(missing_keys, unexpected_keys)``.

        >>> a, b = nn.Linear(3, 2), nn.Linear(3, 2)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"load_state_dict expects a dict of tensors, got "
                            f"{type(state_dict).__name__}")
        own = OrderedDict(self._state_items())
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors, values = [], {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            value = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
            if value.dtype.kind not in "biuf":
                raise TypeError(f"load_state_dict: entry {key!r} has unsupported dtype "
                                f"{value.dtype}")
            if value.shape != target.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} "
                              f"from checkpoint, the shape in current model is {target.shape}.")
            values[key] = value
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ".")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ".")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        with no_grad():
            for key, value in values.items():
                if assign:
                    own[key].data = Tensor(value)
                    own[key]._version += 1
                else:
                    own[key].copy_(value)
        return IncompatibleKeys(missing, unexpected)

    # --- modes and conversion ----------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (``mode=True``) or evaluation mode on every module; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"train(mode): mode must be a bool, got {mode!r}")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self):
        """Evaluation mode (Dropout off, BatchNorm uses running stats); returns self.
        ``model.eval()`` is ``model.train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Switch gradient recording for every parameter (e.g. to freeze a layer); returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Clear the gradients of all parameters: drop them (default) or fill them with zeros."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def to(self, *args, **kwargs):
        """Convert every floating point parameter, gradient and buffer to a dtype in place (the
        Parameter objects stay the same, so optimizers keep tracking them); returns self. As in
        PyTorch: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(tensor)`` (its dtype)
        and the keywords ``device``, ``dtype``, ``non_blocking``. The device must be the CPU.

        >>> nn.Linear(2, 2).to("cpu", tg.float64).weight.dtype
        dtype('float64')
        """
        device, dtype = _to_arguments(args, kwargs)
        if device is not None:
            check_cpu_device(device, "Module.to")
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind not in "fc":
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got "
                            f"desired dtype={dtype}")
        for t in (*self.parameters(), *self.buffers()):
            if t.dtype.kind == "f" and t.dtype != dtype:
                t.data = t.numpy().astype(dtype)
                t._version += 1
                if t.grad is not None:
                    t.grad.data = t.grad.numpy().astype(dtype)
        return self

    def float(self):
        """``to(float32)``."""
        return self.to(np.float32)

    def double(self):
        """``to(float64)``, e.g. before a gradient check."""
        return self.to(np.float64)

    def half(self):
        """``to(float16)``: floating point parameters and buffers become half precision.

        >>> nn.Linear(2, 2).half().weight.dtype
        dtype('float16')
        """
        return self.to(np.float16)

    def cpu(self):
        """Returns self: everything is on the CPU already.

        >>> lin = nn.Linear(2, 2); lin.cpu() is lin
        True
        """
        return self

    def cuda(self, device=None):
        """Raises: tinygrad_lite computes on the CPU only."""
        check_cpu_device("cuda" if device is None else device, "Module.cuda")

    # --- printing ----------------------------------------------------------------------------
    def extra_repr(self):
        """The text inside the parentheses of this module's repr; subclasses override it."""
        return ""

    def _child_lines(self):
        return [f"({name}): {_indent(repr(module))}" for name, module in self._modules.items()]

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        lines = extra_lines + self._child_lines()
        if len(lines) == len(extra_lines) == 1:
            return f"{type(self).__name__}({extra})"
        body = "".join("\n  " + line for line in lines)
        return f"{type(self).__name__}({body}\n)" if lines else f"{type(self).__name__}()"


# ---------------------------------------------------------------------------------------------
# containers
# ---------------------------------------------------------------------------------------------

class _Container(Module):
    """Shared list behaviour of Sequential and ModuleList: children named '0', '1', ..."""

    def _key(self, idx):
        keys, idx = list(self._modules), operator.index(idx)
        if not -len(keys) <= idx < len(keys):
            raise IndexError(f"index {idx} is out of range for {type(self).__name__} of "
                             f"length {len(keys)}")
        return keys[idx]

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return self._sliced(list(self._modules.items())[idx])
        return self._modules[self._key(idx)]

    def __setitem__(self, idx, module):
        setattr(self, self._key(idx), module)

    def __delitem__(self, idx):
        keys = list(self._modules)[idx] if isinstance(idx, slice) else [self._key(idx)]
        for key in keys:
            del self._modules[key]
        self._renumber(list(self._modules.values()))

    def _renumber(self, modules):
        self._modules.clear()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Add ``module`` at the end; returns self. ``seq.append(nn.ReLU())``"""
        self.add_module(str(len(self)), module)
        return self


class Sequential(_Container):
    """Modules applied one after another: ``Sequential(m0, m1, ...)`` or
    ``Sequential(OrderedDict(name=module, ...))``. Supports indexing, slicing, len, iteration and
    ``append``.

    >>> model = Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    >>> model[0]
    Linear(in_features=784, out_features=256, bias=True)
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(modules):
                self.add_module(str(i), module)

    def _sliced(self, items):
        return Sequential(OrderedDict(items))

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(_Container):
    """A list of modules whose parameters are registered with the owner.

    >>> layers = ModuleList([nn.Linear(4, 4) for _ in range(3)])
    >>> len(list(layers.parameters()))
    6
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _sliced(self, items):
        return ModuleList(module for _, module in items)

    def extend(self, modules):
        """Append every module of an iterable; returns self."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index``."""
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._renumber(modules)

    def __iadd__(self, modules):
        return self.extend(modules)

    def _child_lines(self):
        """Runs of identical children print once, as PyTorch does: ``(0-2): 3 x Linear(...)``."""
        runs = []  # [first index, last index, repr]
        for i, module in enumerate(self._modules.values()):
            text = repr(module)
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        return [f"({a}): {_indent(text)}" if a == b else f"({a}-{b}): {b - a + 1} x {_indent(text)}"
                for a, b, text in runs]


class Identity(Module):
    """Returns its input unchanged (any constructor arguments are ignored).

    >>> Identity()(Tensor([1.0]))
    tensor([1.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class ModuleDict(Module):
    """A dict of modules (keys are strings, in insertion order) registered with the owner.

    >>> heads = ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 4)})
    >>> list(heads), "cls" in heads, len(list(heads.parameters()))
    (['cls', 'box'], True, 4)
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def clear(self):
        """Remove every module."""
        self._modules.clear()

    def pop(self, key):
        """Remove the module at ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules):
        """Add ``(name, module)`` pairs from a mapping or an iterable of pairs."""
        if isinstance(modules, collections.abc.Mapping):
            pairs = modules.items()
        elif isinstance(modules, collections.abc.Iterable):
            pairs = _checked_pairs(modules, "ModuleDict")
        else:
            raise TypeError(f"ModuleDict.update should be called with an iterable of key/value "
                            f"pairs, but got {type(modules).__name__}")
        for key, module in pairs:
            self[key] = module


def _checked_pairs(pairs, owner):
    for j, pair in enumerate(pairs):
        if not isinstance(pair, collections.abc.Iterable):
            raise TypeError(f"{owner} update sequence element #{j} should be Iterable; is "
                            f"{type(pair).__name__}")
        pair = tuple(pair)
        if len(pair) != 2:
            raise ValueError(f"{owner} update sequence element #{j} has length {len(pair)}; 2 is required")
        yield pair


def _as_parameter(value):
    """Tensors that are not Parameters become Parameters (as ParameterList/Dict do)."""
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


def _describe_entry(value):
    if isinstance(value, Tensor):
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        size = "x".join(str(n) for n in value.shape)
        return f"{kind} containing: [{value.dtype} of size {size}]"
    return f"Object of type: {type(value).__name__}"


class ParameterList(Module):
    """A list of parameters registered with the owner (Tensors are wrapped as Parameters).

    >>> weights = ParameterList([Parameter(np.zeros(3, np.float32)) for _ in range(2)])
    >>> len(weights), [n for n, _ in weights.named_parameters()]
    (2, ['0', '1'])
    """

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def _name(self, idx):
        idx = operator.index(idx)
        if not -len(self) <= idx < len(self):
            raise IndexError(f"index {idx} is out of range")
        return str(idx % len(self))

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList(self[i] for i in range(len(self))[idx])
        return getattr(self, self._name(idx))

    def __setitem__(self, idx, value):
        setattr(self, self._name(idx), _as_parameter(value))

    def __len__(self):
        return self._size

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value):
        """Add ``value`` at the end; returns self."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values):
        """Append every value of an iterable; returns self."""
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return "\n".join(f"  ({i}): {_describe_entry(p)}" for i, p in enumerate(self))


class ParameterDict(Module):
    """A dict of parameters (string keys, in insertion order) registered with the owner; a plain
    dict given to the constructor or ``update`` is added in sorted key order, as in PyTorch.

    >>> scales = ParameterDict({"a": Parameter(np.ones(2, np.float32))})
    >>> scales["b"] = Tensor(np.zeros(1, np.float32))
    >>> list(scales), type(scales["b"]).__name__
    (['a', 'b'], 'Parameter')
    """

    def __init__(self, parameters=None):
        super().__init__()
        self._keys = {}
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _checked(key):
        if not isinstance(key, str):
            raise TypeError(f"Index given to ParameterDict cannot be used as a key as it is not a "
                            f"string (type is '{type(key).__name__}').")
        return key

    def __getitem__(self, key):
        return getattr(self, self._checked(key))

    def __setitem__(self, key, value):
        self._keys[self._checked(key)] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, key)

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key):
        return key in self._keys

    def keys(self):
        return self._keys.keys()

    def items(self):
        return ((k, self[k]) for k in self._keys)

    def values(self):
        return (self[k] for k in self._keys)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def pop(self, key):
        """Remove the entry at ``key`` and return it."""
        value = self[key]
        del self[key]
        return value

    def clear(self):
        """Remove every entry."""
        for key in list(self._keys):
            del self[key]

    def update(self, parameters):
        """Add ``(key, value)`` pairs from a mapping or an iterable of pairs."""
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        elif isinstance(parameters, collections.abc.Mapping):
            pairs = sorted(parameters.items())
        elif isinstance(parameters, collections.abc.Iterable):
            pairs = _checked_pairs(parameters, "ParameterDict")
        else:
            raise TypeError(f"ParametersDict.update should be called with an iterable of key/value "
                            f"pairs, but got {type(parameters).__name__}")
        for key, value in pairs:
            self[key] = value

    def extra_repr(self):
        return "\n".join(f"  ({k}): {_describe_entry(v)}" for k, v in self.items())

