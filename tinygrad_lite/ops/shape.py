"""Shape and layout: views, reordering, padding and joining."""
from .. import primitives as P
from ..arguments import ShapeError, normalize_dims, shape_from_args
from .operands import as_tensor

__all__ = ["reshape", "view", "flatten", "permute", "transpose", "swapaxes", "squeeze", "unsqueeze",
           "expand", "expand_as", "pad", "cat", "concatenate", "stack"]


def reshape(input, *shape):
    """The same data in a new shape; one dimension may be -1."""
    shape = shape_from_args(shape)
    return P.Reshape.apply(input, shape=shape)


def view(input, *shape):
    """The same data in a new shape (as ``reshape``), or read as another dtype: ``x.view(tg.int32)``."""
    from ..dtypes import is_dtype
    from .conversion import view_as_dtype
    if len(shape) == 1 and is_dtype(shape[0]):
        return view_as_dtype(input, shape[0])
    return reshape(input, *shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions ``start_dim..end_dim`` into one."""
    if input.ndim == 0:
        return input.reshape(1)
    s, e = normalize_dims((start_dim, end_dim), input.ndim, "flatten", unique=False)
    return input.reshape(input.shape[:s] + (-1,) + input.shape[e + 1:]) if s <= e else input


def permute(input, *dims):
    """Reorder the dimensions: ``x.permute(2, 0, 1)``."""
    dims = normalize_dims(shape_from_args(dims), input.ndim, "permute")
    if sorted(dims) != list(range(input.ndim)):
        raise ShapeError(f"permute: {dims} is not a permutation of the {input.ndim} dims of {input.shape}")
    return P.Permute.apply(input, axes=dims)


def transpose(input, dim0, dim1):
    """Swap two dimensions."""
    d0, d1 = normalize_dims((dim0, dim1), input.ndim, "transpose", unique=False)
    axes = list(range(input.ndim))
    axes[d0], axes[d1] = d1, d0
    return P.Permute.apply(input, axes=tuple(axes))


swapaxes = transpose


def reverse_dims(input):
    """The tensor with its dimensions reversed (``x.T``; the matrix transpose for 2-D)."""
    return P.Permute.apply(input, axes=tuple(range(input.ndim - 1, -1, -1)))


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all, or those in ``dim``)."""
    if dim is None:
        shape = tuple(s for s in input.shape if s != 1)
    else:
        axes = normalize_dims(dim, input.ndim, "squeeze")
        shape = tuple(s for i, s in enumerate(input.shape) if not (i in axes and s == 1))
    return input.reshape(shape)


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at ``dim``."""
    (axis,) = normalize_dims(dim, input.ndim + 1, "unsqueeze")
    return input.reshape(input.shape[:axis] + (1,) + input.shape[axis:])


def expand(input, *sizes):
    """Broadcast to a larger shape without copying; -1 keeps a dimension."""
    sizes = shape_from_args(sizes)
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise ShapeError(f"expand: target {sizes} has fewer dimensions than {input.shape}")
    shape = tuple(input.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return P.Expand.apply(input, shape=shape)


def expand_as(input, other):
    """Broadcast to ``other.shape``."""
    return input.expand(other.shape)


def pad(input, pad, value=0.0):
    """Pad with a constant, PyTorch's ``F.pad`` convention: ``(left, right)`` pairs for the
    last dimension first, then the one before, ...

    >>> Tensor([1., 2.]).pad((1, 2))
    tensor([0., 1., 2., 0., 0.])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ShapeError(f"pad: needs (left, right) pairs for at most {input.ndim} dims, got {pad}")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {pad} is not supported")
    widths = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        widths[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return P.Pad.apply(input, widths=tuple(widths), value=value)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension.

    >>> cat([Tensor([1., 2.]), Tensor([3.])])
    tensor([1., 2., 3.])
    """
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("cat: expected a non-empty list of tensors")
    (axis,) = normalize_dims(dim, tensors[0].ndim, "cat")
    return P.Cat.apply(*tensors, axis=axis)


concatenate = cat


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dimension.

    >>> stack([Tensor([1., 2.]), Tensor([3., 4.])]).shape
    torch.Size([2, 2])
    """
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected a non-empty list of tensors")
    shapes = {t._array.shape for t in tensors}
    if len(shapes) != 1:
        raise ShapeError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
    (axis,) = normalize_dims(dim, tensors[0].ndim + 1, "stack")
    return cat([t.unsqueeze(axis) for t in tensors], axis)
