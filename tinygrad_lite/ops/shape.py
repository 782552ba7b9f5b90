"""Shape and layout: views, reordering, padding, joining and splitting, diagonals.

Each op is a composite of Reshape, Permute, Expand, Pad, Cat, Where and Getitem; the ones
PyTorch returns as views (``t``, ``narrow``, ``split``, ``diagonal``, ...) share memory here too
where NumPy allows it, the ones it copies (``flip``, ``roll``, ``repeat``, ``diag``, ...) copy.
"""
import numbers

import numpy as np

from .. import primitives as P
from ..arguments import ShapeError, normalize_dims, shape_from_args
from ..tensor import Tensor
from .operands import as_tensor

__all__ = ["reshape", "view", "flatten", "permute", "transpose", "swapaxes", "squeeze", "unsqueeze",
           "expand", "expand_as", "pad", "cat", "concatenate", "stack",
           "t", "swapdims", "movedim", "moveaxis", "view_as", "reshape_as", "unflatten", "broadcast_to",
           "broadcast_tensors", "flip", "fliplr", "flipud", "roll", "repeat", "tile",
           "repeat_interleave", "split", "chunk", "tensor_split", "unbind", "narrow", "unfold",
           "diagonal", "diag_embed", "diag", "tril", "triu", "meshgrid", "atleast_1d", "atleast_2d",
           "atleast_3d", "hstack", "vstack", "row_stack", "dstack", "column_stack"]


def reshape(input, *shape):
    """The same data in a new shape; one dimension may be -1."""
    shape = shape_from_args(shape)
    return P.Reshape.apply(input, shape=shape)


def view(input, *shape):
    """The same data in a new shape (as ``reshape``), or read as another dtype: ``x.view(tg.int32)``.

    PyTorch's view raises where the strides of a non-contiguous input cannot be read in the new
    shape; NumPy's layouts of computed results (conv2d, pooling, advanced indexing) are not
    PyTorch's, so a stride check here would refuse views PyTorch allows: this view is reshape
    (which copies when it must)."""
    from ..dtypes import is_dtype
    from .conversion import view_as_dtype
    if len(shape) == 1 and is_dtype(shape[0]):
        return view_as_dtype(input, shape[0])
    return reshape(input, *shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions ``start_dim..end_dim`` into one (a 0-d tensor becomes 1-d)."""
    s, e = normalize_dims((start_dim, end_dim), input.ndim, "flatten", unique=False)
    if s > e:
        raise ShapeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    if input.ndim == 0:
        return input.reshape(1)
    merged = int(np.prod(input.shape[s:e + 1]))
    return input.reshape(input.shape[:s] + (merged,) + input.shape[e + 1:])


def permute(input, *dims):
    """Reorder the dimensions: ``x.permute(2, 0, 1)`` or ``x.permute((2, 0, 1))``."""
    if not dims:
        raise TypeError("permute() missing 1 required positional argument: 'dims'")
    dims = shape_from_args(dims)
    if len(dims) != input.ndim:
        raise ShapeError(f"permute: {len(dims)} dims {dims} given for a tensor of shape {input.shape}")
    return P.Permute.apply(input, axes=normalize_dims(dims, input.ndim, "permute"))


def transpose(input, dim0, dim1):
    """Swap two dimensions."""
    d0, d1 = normalize_dims((dim0, dim1), input.ndim, "transpose", unique=False)
    axes = list(range(input.ndim))
    if axes:
        axes[d0], axes[d1] = d1, d0
    return P.Permute.apply(input, axes=tuple(axes))


swapaxes = swapdims = transpose


def t(input):
    """The transpose of a matrix; 0-d and 1-d tensors are returned as they are (as views).

    >>> tg.arange(6).view(2, 3).t().shape
    torch.Size([3, 2])
    """
    if input.ndim > 2:
        raise ShapeError(f"t: expects a tensor with at most 2 dims, got shape {input.shape}")
    return transpose(input, 0, -1)


def matrix_transpose(input, name="mT", batched=True):
    """``x.mT``: the last two dimensions swapped (``x.mH``, ``x.H``: the same for real tensors;
    ``H`` only for matrices)."""
    if not (input.ndim >= 2 if batched else input.ndim == 2) and input.ndim != 0:
        raise ShapeError(f"tensor.{name} is only supported on matrices{' or batches of matrices' * batched}, "
                         f"got shape {input.shape}")
    if input.dtype.kind == "c":
        raise NotImplementedError(f"tensor.{name}: complex tensors are not supported")
    return transpose(input, -2, -1) if input.ndim else input


def movedim(input, source, destination):
    """Move the dimensions ``source`` to the positions ``destination`` (ints or tuples), the
    others keeping their order.

    >>> movedim(tg.zeros(2, 3, 4), 0, -1).shape
    torch.Size([3, 4, 2])
    """
    src = normalize_dims(source, input.ndim, "movedim")
    dst = normalize_dims(destination, input.ndim, "movedim")
    if len(src) != len(dst):
        raise ShapeError(f"movedim: source {source} and destination {destination} have different lengths")
    rest = iter(d for d in range(input.ndim) if d not in src)
    where = dict(zip(dst, src))
    return P.Permute.apply(input, axes=tuple(where[i] if i in where else next(rest)
                                             for i in range(input.ndim)))


moveaxis = movedim


def view_as(input, other):
    """``input.view(other.shape)``."""
    return view(input, other.shape)


def reshape_as(input, other):
    """``input.reshape(other.shape)``."""
    return reshape(input, other.shape)


def unflatten(input, dim, sizes):
    """Split dimension ``dim`` into ``sizes`` (one of them may be -1).

    >>> unflatten(tg.zeros(2, 6), 1, (3, -1)).shape
    torch.Size([2, 3, 2])
    """
    if input.ndim == 0:
        raise ShapeError("unflatten: cannot unflatten a 0-d tensor")
    (axis,) = normalize_dims(dim, input.ndim, "unflatten")
    sizes = shape_from_args((sizes,))
    n, known, free = input.shape[axis], int(np.prod([s for s in sizes if s != -1])), sizes.count(-1)
    fits = known == n if not free else free == 1 and known and n % known == 0
    if not sizes or not fits:
        raise ShapeError(f"unflatten: sizes {sizes} do not multiply up to the size {n} of dim {dim} "
                         f"of shape {input.shape}")
    sizes = tuple(n // known if s == -1 else s for s in sizes)
    return input.reshape(input.shape[:axis] + sizes + input.shape[axis + 1:])


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


# ---------------------------------------------------------------------------------------------
# broadcasting
# ---------------------------------------------------------------------------------------------

def broadcast_to(input, size):
    """``input`` broadcast to ``size`` (a view; -1 keeps a dimension), as :func:`expand`."""
    return expand(input, size)


def broadcast_tensors(*tensors):
    """The tensors broadcast to their common shape, as a tuple of views.

    >>> [t.shape for t in broadcast_tensors(tg.zeros(3, 1), tg.zeros(4))]
    [torch.Size([3, 4]), torch.Size([3, 4])]
    """
    tensors = _tensor_list(tensors)
    try:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        raise ShapeError(f"broadcast_tensors: shapes {[t.shape for t in tensors]} do not broadcast") from None
    return tuple(t.expand(shape) for t in tensors)


def _tensor_list(tensors):
    """The tensors of ``f(a, b)`` or ``f([a, b])``."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    return [as_tensor(x) for x in tensors]


# ---------------------------------------------------------------------------------------------
# reordering and repeating (copies)
# ---------------------------------------------------------------------------------------------

def _copy(x):
    """A differentiable copy (a basic slice of NumPy is a view; PyTorch's flip, roll... copy)."""
    return P.Cast.apply(x, dtype=x.dtype)


def flip(input, *dims):
    """Reverse the order of the elements along ``dims`` (a copy).

    >>> flip(tg.arange(4), 0)
    tensor([3, 2, 1, 0])
    """
    if not dims:
        raise TypeError("flip() missing 1 required positional argument: 'dims'")
    dims = normalize_dims(shape_from_args(dims), input.ndim, "flip")
    index = tuple(slice(None, None, -1) if d in dims else slice(None) for d in range(input.ndim))
    return _copy(P.Getitem.apply(input, index=index))


def fliplr(input):
    """Reverse the columns (dimension 1) of a tensor of at least 2 dims."""
    if input.ndim < 2:
        raise ShapeError(f"fliplr: input must have at least 2 dims, got shape {input.shape}")
    return flip(input, 1)


def flipud(input):
    """Reverse the rows (dimension 0) of a tensor of at least 1 dim."""
    if input.ndim < 1:
        raise ShapeError("flipud: input must have at least 1 dim, got a 0-d tensor")
    return flip(input, 0)


def roll(input, shifts, dims=None):
    """Shift the elements cyclically by ``shifts`` along ``dims`` (ints or tuples of the same
    length); without ``dims`` the flattened tensor is rolled and the shape restored.

    >>> roll(tg.arange(5), 2)
    tensor([3, 4, 0, 1, 2])
    """
    shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise ShapeError(f"roll: {len(shifts)} shifts given without dims")
        return roll(input.flatten(), shifts, 0).view(input.shape)
    if input.ndim == 0:
        raise IndexError(f"roll: dims {dims} given for a 0-d tensor")
    dims = normalize_dims(dims, input.ndim, "roll", unique=False)
    if len(shifts) != len(dims):
        raise ShapeError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    out = input
    for shift, d in zip(shifts, dims):
        n = input.shape[d]
        k = int(shift) % n if n else 0
        if k:
            lead = (slice(None),) * d
            out = cat([out[lead + (slice(n - k, None),)], out[lead + (slice(None, n - k),)]], d)
    return out if out is not input else _copy(input)


def repeat(input, *sizes):
    """Tile ``input`` ``sizes[i]`` times along dimension i (``sizes`` may have more dims than
    ``input``: new leading ones). A copy.

    >>> Tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    if not sizes:
        raise TypeError("repeat() missing 1 required positional argument: 'repeats'")
    sizes = shape_from_args(sizes)
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise ShapeError(f"repeat: {len(sizes)} sizes {sizes} for a tensor of {input.ndim} dims")
    if any(s < 0 for s in sizes):
        raise ShapeError(f"repeat: negative size in {sizes}")
    shape = (1,) * lead + input.shape
    pairs = tuple(v for n in shape for v in (1, n))  # a dim of 1 before each dim, expanded to r
    big = tuple(v for r, n in zip(sizes, shape) for v in (r, n))
    return _copy(input.reshape(pairs).expand(big).reshape(tuple(r * n for r, n in zip(sizes, shape))))


def tile(input, dims):
    """:func:`repeat` with ``dims`` padded with leading 1s to the dims of ``input``.

    >>> tile(Tensor([1, 2]), (2,))
    tensor([1, 2, 1, 2])
    """
    dims = shape_from_args((dims,))
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (an int, or a tensor with one count per element
    along ``dim``); without ``dim`` the flattened tensor. ``repeat_interleave(counts)`` alone
    repeats the index i ``counts[i]`` times.

    >>> repeat_interleave(Tensor([1, 2]), 2)
    tensor([1, 1, 2, 2])
    >>> repeat_interleave(Tensor([1, 0, 2]))
    tensor([0, 2, 2])
    """
    if repeats is None:
        counts = _counts(input, None)
        return Tensor(np.repeat(np.arange(counts.size, dtype=input.dtype), counts))
    if dim is None:
        input, dim = input.flatten(), 0
    if input.ndim == 0:
        raise IndexError(f"repeat_interleave: dim {dim} given for a 0-d tensor")
    (axis,) = normalize_dims(dim, input.ndim, "repeat_interleave")
    n = input.shape[axis]
    counts = _counts(repeats, n)
    total = int(counts.sum())
    if output_size is not None and output_size != total:
        raise ShapeError(f"repeat_interleave: output_size {output_size}, but the repeats give {total}")
    index = (slice(None),) * axis + (np.repeat(np.arange(n), counts),)
    return P.Getitem.apply(input, index=index)


def _counts(repeats, n):
    """The repeat counts of :func:`repeat_interleave` as an int64 array of size ``n``."""
    if isinstance(repeats, Tensor):
        if repeats.dtype not in (np.int32, np.int64):
            raise NotImplementedError(f"repeat_interleave: repeats must be an int32 or int64 tensor, "
                                      f"got {repeats.dtype}")
        if repeats.ndim > 1 or (n is None and repeats.ndim != 1):
            raise ShapeError(f"repeat_interleave: repeats must be a 1-d tensor, got shape {repeats.shape}")
        counts = repeats._array.astype(np.int64).reshape(-1)
    else:
        counts = np.array([int(repeats)], np.int64)
    if n is not None and counts.size == 1:
        counts = np.repeat(counts, n)
    if n is not None and counts.size != n:
        raise ShapeError(f"repeat_interleave: {counts.size} repeats for {n} elements along the dim")
    if (counts < 0).any():
        raise ShapeError(f"repeat_interleave: repeats must be non-negative, got {counts.min()}")
    return counts


# ---------------------------------------------------------------------------------------------
# splitting (views)
# ---------------------------------------------------------------------------------------------

def _slices(input, axis, bounds):
    """The views of ``input`` between consecutive ``bounds`` along ``axis``."""
    lead = (slice(None),) * axis
    return tuple(P.Getitem.apply(input, index=lead + (slice(a, b),)) for a, b in zip(bounds, bounds[1:]))


def _split_axis(input, dim, op):
    if input.ndim == 0:
        raise ShapeError(f"{op}: cannot split a 0-d tensor")
    (axis,) = normalize_dims(dim, input.ndim, op)
    return axis, input.shape[axis]


def split(tensor, split_size_or_sections, dim=0):
    """Split into pieces of ``split_size`` (the last may be smaller) or of the sizes listed.

    >>> [p.tolist() for p in split(tg.arange(5), 2)]
    [[0, 1], [2, 3], [4]]
    >>> [p.tolist() for p in tg.arange(5).split([1, 4])]
    [[0], [1, 2, 3, 4]]
    """
    axis, n = _split_axis(tensor, dim, "split")
    if isinstance(split_size_or_sections, Tensor) and split_size_or_sections.ndim == 0:
        split_size_or_sections = int(split_size_or_sections)
    if isinstance(split_size_or_sections, numbers.Integral):
        size = int(split_size_or_sections)
        if size < 0 or (size == 0 and n):
            raise ShapeError(f"split: split_size must be positive (or 0 for a dim of size 0), got {size}")
        bounds = list(range(0, n, size)) + [n] if n else [0, 0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise ShapeError(f"split: sizes {sizes} must be non-negative and sum to {n}, the size of dim {dim}")
        bounds = np.cumsum([0] + sizes).tolist()
    return _slices(tensor, axis, bounds)


def chunk(input, chunks, dim=0):
    """Split into ``chunks`` pieces of equal size (the last smaller; possibly fewer pieces).

    >>> [p.tolist() for p in tg.arange(5).chunk(3)]
    [[0, 1], [2, 3], [4]]
    """
    if chunks <= 0:
        raise ShapeError(f"chunk: chunks must be positive, got {chunks}")
    axis, n = _split_axis(input, dim, "chunk")
    if n == 0:
        return _slices(input, axis, [0] * (chunks + 1))
    return split(input, -(-n // chunks), axis)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``sections`` pieces whose sizes differ by at most one (the first ones larger),
    or at the ``indices`` listed (as NumPy's ``array_split``). A 0-d integer tensor means sections,
    a 1-d one indices.

    >>> [p.tolist() for p in tensor_split(tg.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    >>> [p.tolist() for p in tensor_split(tg.arange(5), (1, 4))]
    [[0], [1, 2, 3], [4]]
    """
    axis, n = _split_axis(input, dim, "tensor_split")
    arg = indices_or_sections
    if isinstance(arg, Tensor):
        if arg.dtype != np.int64 or arg.ndim > 1:
            raise ShapeError(f"tensor_split: expected a 0-d or 1-d int64 tensor of indices or sections, "
                             f"got {arg.dtype} of shape {arg.shape}")
        arg = arg.item() if arg.ndim == 0 else arg.tolist()
    if isinstance(arg, numbers.Integral):
        if arg <= 0:
            raise ShapeError(f"tensor_split: the number of sections must be positive, got {arg}")
        size, extra = divmod(n, int(arg))
        bounds = [i * size + min(i, extra) for i in range(int(arg) + 1)]
    else:
        bounds = [0] + [int(i) for i in arg] + [n]  # Python's slice rules: clipped, maybe empty
    return _slices(input, axis, bounds)


def unbind(input, dim=0):
    """The slices along ``dim`` as a tuple (views, the dimension removed)."""
    if input.ndim == 0:
        raise IndexError("unbind: a 0-d tensor has no dimension to unbind")
    axis, n = _split_axis(input, dim, "unbind")
    lead = (slice(None),) * axis
    return tuple(P.Getitem.apply(input, index=lead + (i,)) for i in range(n))


def narrow(input, dim, start, length):
    """The view ``input[..., start:start + length, ...]`` along ``dim`` (``start`` may be negative
    or a 0-d tensor).

    >>> narrow(tg.arange(5), 0, 1, 3)
    tensor([1, 2, 3])
    """
    axis, n = _split_axis(input, dim, "narrow")
    start, length = int(start), int(length)
    if not -n <= start <= n:
        raise IndexError(f"narrow: start {start} out of range for dim {dim} of size {n}")
    start %= max(n, 1)
    if length < 0 or start + length > n:
        raise ShapeError(f"narrow: start {start} + length {length} must lie in dim {dim} of size {n}")
    return _slices(input, axis, [start, start + length])[0]


def unfold(input, dimension, size, step):
    """Tensor.unfold: the windows of ``size`` elements every ``step`` along ``dimension``, that
    dimension becoming the window count and a new last dimension the window (a copy here; a
    view in PyTorch).

    >>> tg.arange(5).unfold(0, 2, 2)
    tensor([[0, 1],
            [2, 3]])
    """
    (axis,) = normalize_dims(dimension, input.ndim, "unfold")
    n = input.shape[axis] if input.ndim else 1
    if not 0 <= size <= n or step <= 0:
        raise ShapeError(f"unfold: needs 0 <= size <= {n} and step > 0, got size {size} and step {step}")
    x = input if input.ndim else input.reshape(1)
    windows = np.arange(0, n - size + 1, step)[:, None] + np.arange(size)  # (count, size)
    out = P.Getitem.apply(x, index=(slice(None),) * axis + (windows,))
    return movedim(out, axis + 1, -1)


# ---------------------------------------------------------------------------------------------
# diagonals and triangles
# ---------------------------------------------------------------------------------------------

def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the matrices in dims ``dim1``, ``dim2`` (above the main one for
    ``offset`` > 0), as a new last dimension.

    >>> diagonal(tg.arange(9).view(3, 3), 1)
    tensor([1, 5])
    """
    d1, d2 = normalize_dims((dim1, dim2), input.ndim, "diagonal", unique=False)
    if d1 == d2:
        raise ShapeError(f"diagonal: dim1 and dim2 must differ, got {dim1} and {dim2}")
    rows, cols = input.shape[d1], input.shape[d2]
    x = movedim(input, (d1, d2), (-2, -1))
    x = x.reshape(x.shape[:-2] + (rows * cols,))  # element (i, j) at i * cols + j
    start = offset if offset >= 0 else -offset * cols
    count = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    stop = start + (count - 1) * (cols + 1) + 1 if count else start
    return P.Getitem.apply(x, index=(Ellipsis, slice(start, stop, cols + 1)))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices (in dims ``dim1``, ``dim2`` of the result) whose ``offset`` diagonal is the last
    dimension of ``input``, zero elsewhere.

    >>> diag_embed(Tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    d1, d2 = normalize_dims((dim1, dim2), input.ndim + 1, "diag_embed", unique=False)
    if d1 == d2:
        raise ShapeError(f"diag_embed: dim1 and dim2 must differ, got {dim1} and {dim2}")
    n, lead = input.shape[-1], input.shape[:-1]
    # (.., n, 1) padded to (.., n, n + 1), flattened: its first n * n elements are the n x n matrix
    rows = pad(input.unsqueeze(-1), (0, n)).reshape(lead + (n * (n + 1),))
    square = rows[..., :n * n].reshape(lead + (n, n))
    k = abs(offset)
    square = pad(square, (k, 0, 0, k) if offset >= 0 else (0, k, k, 0))
    return movedim(square, (-2, -1), (d1, d2))


def diag(input, diagonal=0):
    """A 1-d ``input`` as the ``diagonal``-th diagonal of a square matrix; of a matrix, that
    diagonal as a 1-d tensor (a copy).

    >>> diag(Tensor([1, 2]), 1)
    tensor([[0, 1, 0],
            [0, 0, 2],
            [0, 0, 0]])
    """
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim == 2:
        return _copy(input.diagonal(diagonal))
    raise ShapeError(f"diag: expects a 1-d or 2-d tensor, got shape {input.shape}")


def _triangle(input, diagonal, lower, op):
    if input.ndim < 2:
        raise ShapeError(f"{op}: input must have at least 2 dims, got shape {input.shape}")
    rows, cols = input.shape[-2:]
    keep = np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    return P.Where.apply(input, np.zeros((), input.dtype), cond=keep)


def tril(input, diagonal=0):
    """The lower triangle of the matrices in the last two dims (on and below the ``diagonal``-th
    diagonal), zeros above.

    >>> tril(tg.ones(2, 2))
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _triangle(input, diagonal, True, "tril")


def triu(input, diagonal=0):
    """The upper triangle of the matrices in the last two dims (on and above the ``diagonal``-th
    diagonal), zeros below.

    >>> triu(tg.ones(2, 2))
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _triangle(input, diagonal, False, "triu")


# ---------------------------------------------------------------------------------------------
# grids, at-least-n-d and stacking (functions only)
# ---------------------------------------------------------------------------------------------

def meshgrid(*tensors, indexing=None):
    """Coordinate grids of 1-d tensors: the i-th result varies along dim i (``indexing="ij"``,
    the default) or, for the first two, along dims 1 and 0 (``"xy"``, NumPy's default). Views.

    >>> [g.tolist() for g in meshgrid(Tensor([1, 2]), Tensor([3, 4, 5]), indexing="ij")]
    [[[1, 1, 1], [2, 2, 2]], [[3, 4, 5], [3, 4, 5]]]
    """
    tensors = _tensor_list(tensors)
    if indexing not in (None, "ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if not tensors or any(t.ndim > 1 for t in tensors) or len({t.dtype for t in tensors}) > 1:
        raise ShapeError(f"meshgrid: expects one or more 0-d or 1-d tensors of one dtype, got "
                         f"{[(t.shape, str(t.dtype)) for t in tensors]}")
    swap = indexing == "xy" and len(tensors) > 1
    if swap:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t.numel() for t in tensors)
    grids = [t.reshape((1,) * i + (-1,) + (1,) * (len(shape) - i - 1)).expand(shape)
             for i, t in enumerate(tensors)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def _at_least(ndim, shape_of):
    def at_least(*tensors):
        many = len(tensors) != 1 or isinstance(tensors[0], (list, tuple))
        out = tuple(t if t.ndim >= ndim else t.reshape(shape_of(t.shape)) for t in _tensor_list(tensors))
        return out if many else out[0]
    return at_least


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (0-d becomes (1,)); one tensor, or a tuple for several
    or for a list.

    >>> atleast_1d(Tensor(3.0))
    tensor([3.])
    """
    return _at_least(1, lambda s: (1,))(*tensors)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims: () -> (1, 1), (n,) -> (1, n).

    >>> atleast_2d(Tensor([1, 2])).shape
    torch.Size([1, 2])
    """
    return _at_least(2, lambda s: (1,) * (2 - len(s)) + s)(*tensors)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1).

    >>> atleast_3d(Tensor([1, 2])).shape
    torch.Size([1, 2, 1])
    """
    return _at_least(3, lambda s: (1,) + s + (1,) if len(s) == 1 else s + (1,) * (3 - len(s)))(*tensors)


def _joined(op, tensors):
    tensors = [as_tensor(x) for x in tensors]
    if not tensors:
        raise ShapeError(f"{op}: expects a non-empty list of tensors")
    return tensors


def hstack(tensors):
    """Join along dim 1 (dim 0 for 1-d tensors).

    >>> hstack([Tensor([1, 2]), Tensor([3])])
    tensor([1, 2, 3])
    """
    tensors = atleast_1d(_joined("hstack", tensors))
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Join along dim 0 after making 1-d tensors rows.

    >>> vstack([Tensor([1, 2]), Tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    return cat(atleast_2d(_joined("vstack", tensors)), 0)


row_stack = vstack


def dstack(tensors):
    """Join along dim 2 (depth) after :func:`atleast_3d`."""
    return cat(atleast_3d(_joined("dstack", tensors)), 2)


def column_stack(tensors):
    """Join along dim 1 after making 0-d and 1-d tensors columns.

    >>> column_stack([Tensor([1, 2]), Tensor([3, 4])])
    tensor([[1, 3],
            [2, 4]])
    """
    tensors = [t.reshape(t.numel(), 1) if t.ndim < 2 else t for t in _joined("column_stack", tensors)]
    return cat(tensors, 1)
