"""PyTorch's view of the recorded graph. ``t.grad_fn`` is a node named as PyTorch names it
(``MulBackward0``, ``SumBackward0``, ...) with ``name()`` and ``next_functions``: one
``(node, 0)`` pair per input, where the node is the input's ``grad_fn``, an ``AccumulateGrad``
(whose ``variable`` is the leaf that requires grad) or None.

    >>> a = tg.ones(2, requires_grad=True)
    >>> (a * 2).sum().grad_fn.next_functions[0][0].name()
    'MulBackward0'
"""
__all__ = ["Node", "AccumulateGrad", "grad_fn"]

# primitives whose PyTorch node has another name than the primitive (the rest: Add -> AddBackward0)
_TORCH_NAMES = {"Cast": "ToCopyBackward0", "Reshape": "ViewBackward0", "Getitem": "IndexBackward0",
                "Pad": "ConstantPadNdBackward0", "Matmul": "MmBackward0", "Linear": "AddmmBackward0",
                "CrossEntropy": "NllLossBackward0", "BatchNorm": "NativeBatchNormBackward0",
                "Conv2d": "ConvolutionBackward0", "MaxPool2d": "MaxPool2DWithIndicesBackward0",
                "Pow": "PowBackward1", "PowScalar": "PowBackward0", "Unfold": "Im2ColBackward0",
                "Fold": "Col2ImBackward0", "Max": "MaxBackward1", "Min": "MinBackward1"}
_CLASSES = {}  # primitive class -> its Node class


class Node:
    """One recorded operation, as PyTorch shows it. Two nodes of the same operation are equal."""

    __slots__ = ("_fn",)

    def __init__(self, fn):
        self._fn = fn

    def name(self):
        return type(self).__name__

    @property
    def next_functions(self):
        """``((node, 0), ...)``: the nodes of the inputs (empty once backward freed the graph)."""
        return tuple((_node_of(p), 0) for p in getattr(self._fn, "parents", ()))

    def __getattr__(self, name):
        """What the node does not have, its operation has: a custom autograd.Function's ctx
        attributes (``grad_fn.saved_tensors``, ``grad_fn.needs_input_grad``, ...), as in PyTorch,
        where the ctx is the grad_fn."""
        if name == "_fn":
            raise AttributeError(name)
        return getattr(self._fn, name)

    def __eq__(self, other):
        return type(other) is type(self) and other._fn is self._fn

    def __hash__(self):
        return hash(id(self._fn))

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self._fn):#x}>"


class AccumulateGrad(Node):
    """Where a leaf's gradient is accumulated; ``variable`` is the leaf."""

    __slots__ = ()
    next_functions = ()
    variable = property(lambda self: self._fn)

    def name(self):
        return "torch::autograd::AccumulateGrad"


def grad_fn(fn):
    """The Node of the recorded primitive ``fn`` (its class named as PyTorch's)."""
    cls = _CLASSES.get(type(fn))
    if cls is None:
        name = type(fn).__name__  # a custom autograd.Function's node is already "<Name>Backward"
        default = name if name.endswith("Backward") else f"{name}Backward0"
        cls = _CLASSES[type(fn)] = type(_TORCH_NAMES.get(name, default), (Node,),
                                         {"__slots__": ()})
    return cls(fn)


def _node_of(x):
    ctx = getattr(x, "_ctx", None)
    if ctx is not None:
        return grad_fn(ctx)
    return AccumulateGrad(x) if getattr(x, "_requires_grad", False) else None
