"""Products of tensors (``mm``, ``bmm``, ``einsum``, ...), norms and ``torch.linalg``'s functions.

The products and norms are composites of the matrix product, sums and elementwise ops. The
factorizations (inverse, determinant, solve, Cholesky, QR, SVD, eigh, pseudo-inverse) are the few
primitives of this module: each forward calls ``np.linalg`` on the (batched) arrays and each
backward is the closed-form vector-Jacobian product, written with operations that work both on
arrays and on Tensors, so under ``create_graph`` it is recorded and can be differentiated again.
A primitive with several outputs (``svd``'s U, S, Vh) returns them packed side by side along a
last axis; the op splits them apart again (:class:`_Factorization`).

``tinygrad_lite.linalg`` is the ``torch.linalg`` namespace over these functions.
"""
import math
import numbers
from collections import namedtuple

import numpy as np

from .. import primitives as P
from ..arguments import DTypeError, ShapeError, UnsupportedDTypeError, normalize_dims
from ..tensor import Function, Tensor
from .operands import as_tensor, is_float

__all__ = ["mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "inner", "addmm", "addmv", "addbmm",
           "baddbmm", "einsum", "tensordot", "kron", "matrix_power", "chain_matmul", "cross",
           "norm", "det", "logdet", "slogdet", "inverse", "pinverse"]


class LinAlgError(RuntimeError):
    """A matrix the factorization cannot handle (singular, not positive-definite): PyTorch's
    ``torch.linalg.LinAlgError``, a RuntimeError."""


# ---------------------------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------------------------

def _dims(op, **operands):
    """Check each operand's number of dimensions: ``_dims("mm", input=(input, 2))``."""
    for name, (t, *ndims) in operands.items():
        if t.ndim not in ndims:
            raise ShapeError(f"{op}: {name} must have {' or '.join(map(str, ndims))} dimensions, "
                             f"got shape {t.shape}")


def _same_dtype(op, *tensors):
    if len({t.dtype for t in tensors}) > 1:
        raise DTypeError(f"{op}: expected operands of the same dtype, got "
                         f"{', '.join(str(t.dtype) for t in tensors)}")


_NO_KERNEL_DTYPES = "?bBhilqe"  # bool, ints, float16 (NumPy dtype chars)


def _float_matrices(op, A, square=True, empty_ok=""):
    """Check that A is a (batch of) float32/float64 matrices, as the factorizations need. Returns
    True for an empty A of a dtype in ``empty_ok`` (NumPy dtype chars): PyTorch refuses those
    dtypes only in its kernels, which an empty input never reaches; the op then answers in
    float32 and casts back."""
    if A.ndim < 2:
        raise ShapeError(f"{op}: the input must have at least 2 dimensions, got shape {A.shape}")
    if square and A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"{op}: expected (batches of) square matrices, got shape {A.shape}")
    if A.dtype.char in empty_ok and A.numel() == 0:
        return True
    if A.dtype.kind != "f" or A.dtype == np.float16:
        raise UnsupportedDTypeError(f"{op}: expected a float32 or float64 tensor, got {A.dtype}")
    return False


def _in_float32(fn, A, *args, **kwargs):
    """``fn(A)`` computed in float32, each result cast back to A's dtype (see _float_matrices)."""
    out = fn(A.float(), *args, **kwargs)
    if isinstance(out, tuple):
        return type(out)(*(t.to(A.dtype) for t in out))
    return out.to(A.dtype)


def _mT(x):
    """The transpose of the last two axes, of an array or a Tensor."""
    return x.transpose(-2, -1) if isinstance(x, Tensor) else np.swapaxes(x, -1, -2)


# ---------------------------------------------------------------------------------------------
# products
# ---------------------------------------------------------------------------------------------

def mm(input, mat2):
    """Matrix product of two 2-D tensors (same dtype).

    >>> mm(tg.ones(2, 3), tg.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    _dims("mm", input=(input, 2), mat2=(mat2, 2))
    return P.Matmul.apply(input, mat2)


def bmm(input, mat2):
    """Batched matrix product of (b, n, m) and (b, m, p) tensors (no broadcasting).

    >>> bmm(tg.ones(5, 2, 3), tg.ones(5, 3, 4)).shape
    torch.Size([5, 2, 4])
    """
    _dims("bmm", input=(input, 3), mat2=(mat2, 3))
    if input.shape[0] != mat2.shape[0]:
        raise ShapeError(f"bmm: batch sizes differ: {input.shape} and {mat2.shape}")
    return P.Matmul.apply(input, mat2)


def mv(input, vec):
    """Product of a matrix (n, m) and a vector (m,).

    >>> mv(Tensor([[1., 2.], [3., 4.]]), Tensor([1., 1.]))
    tensor([3., 7.])
    """
    _dims("mv", input=(input, 2), vec=(vec, 1))
    return P.Matmul.apply(input, vec)


def dot(input, tensor):
    """Dot product of two 1-D tensors of the same length and dtype.

    >>> dot(Tensor([1., 2.]), Tensor([3., 4.]))
    tensor(11.)
    """
    _dims("dot", input=(input, 1), tensor=(tensor, 1))
    if input.dtype == np.bool_:
        raise UnsupportedDTypeError("dot: not implemented for bool tensors")
    if input.shape != tensor.shape:
        raise ShapeError(f"dot: sizes differ: {input.shape} and {tensor.shape}")
    return P.Matmul.apply(input, tensor)


def vdot(input, other):
    """Dot product of two 1-D tensors (the first conjugated: the same as ``dot`` for reals).

    >>> vdot(Tensor([1., 2.]), Tensor([3., 4.]))
    tensor(11.)
    """
    return dot(input, other)


def outer(input, vec2):
    """Outer product of two vectors: ``out[i, j] = input[i] * vec2[j]``.

    >>> outer(Tensor([1., 2.]), Tensor([1., 10., 100.])).shape
    torch.Size([2, 3])
    """
    _dims("outer", input=(input, 1), vec2=(vec2, 1))
    return input.unsqueeze(1) * vec2


ger = outer


def tensordot(a, b, dims=2):
    """Sum of products over the dims ``dims`` names: an int (the last ``dims`` of ``a`` with the
    first of ``b``) or a pair of lists ``([dims of a], [dims of b])``.

    >>> tensordot(tg.ones(2, 3, 4), tg.ones(3, 4, 5)).shape
    torch.Size([2, 5])
    """
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, numbers.Integral):
        if dims < 0 or dims > min(a.ndim, b.ndim):
            raise ShapeError(f"tensordot: dims must be in [0, {min(a.ndim, b.ndim)}], got {dims}")
        da, db = tuple(range(a.ndim - dims, a.ndim)), tuple(range(dims))
    else:
        da, db = ([d] if isinstance(d, numbers.Integral) else list(d) for d in dims)
        if len(da) != len(db):
            raise ShapeError(f"tensordot: both sides need as many dims, got {da} and {db}")
        da, db = normalize_dims(da, a.ndim, "tensordot"), normalize_dims(db, b.ndim, "tensordot")
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise ShapeError(f"tensordot: contracted dims differ: size {a.shape[i]} in dim {i} of "
                             f"{a.shape} and {b.shape[j]} in dim {j} of {b.shape}")
    _same_dtype("tensordot", a, b)
    keep_a = [d for d in range(a.ndim) if d not in da]
    keep_b = [d for d in range(b.ndim) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    left = a.permute(keep_a + list(da)).reshape(-1, k) if a.ndim else a.reshape(1, 1)
    right = b.permute(list(db) + keep_b).reshape(k, -1) if b.ndim else b.reshape(1, 1)
    out = P.Matmul.apply(left, right)
    return out.reshape(tuple(a.shape[d] for d in keep_a) + tuple(b.shape[d] for d in keep_b))


def inner(input, other):
    """Sum of products over the last dimension of both (a product when either is 0-d).

    >>> inner(tg.ones(2, 3), tg.ones(4, 3)).shape
    torch.Size([2, 4])
    """
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise ShapeError(f"inner: the last dimensions differ: {input.shape} and {other.shape}")
    return tensordot(input, other, ([-1], [-1]))


def kron(input, other):
    """Kronecker product: every element of ``input`` times a block ``other``.

    >>> kron(tg.eye(2), tg.ones(2, 2)).shape
    torch.Size([4, 4])
    """
    n = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + input.shape)
    b = other.reshape((1,) * (n - other.ndim) + other.shape)
    spread_a = a.reshape(tuple(s for d in a.shape for s in (d, 1)))  # (a0, 1, a1, 1, ...)
    spread_b = b.reshape(tuple(s for d in b.shape for s in (1, d)))  # (1, b0, 1, b1, ...)
    return (spread_a * spread_b).reshape(tuple(x * y for x, y in zip(a.shape, b.shape)))


def _scaled(t, factor):
    """``t * factor``, with ``factor`` truncated to an int for integer tensors (as PyTorch)."""
    if factor == 1:
        return t
    return t * (int(factor) if t.dtype.kind in "iub" else factor)


def _add_product(name, input, product, beta, alpha):
    """``beta * input + alpha * product``; with ``beta == 0`` ``input`` is ignored (nan too)."""
    _same_dtype(name, input, product)
    out = _scaled(product, alpha)
    if beta == 0:
        return out + P.Where.apply(input, np.zeros((), input.dtype), cond=np.zeros((), bool))
    return _scaled(input, beta) + out


def addmm(input, mat1, mat2, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts to the product's shape.

    >>> addmm(tg.zeros(3), tg.ones(2, 4), tg.ones(4, 3), alpha=0.5)
    tensor([[2., 2., 2.],
            [2., 2., 2.]])
    """
    return _add_product("addmm", input, mm(mat1, mat2), beta, alpha)


def addmv(input, mat, vec, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``.

    >>> addmv(tg.ones(2), tg.ones(2, 3), tg.ones(3))
    tensor([4., 4.])
    """
    return _add_product("addmv", input, mv(mat, vec), beta, alpha)


def baddbmm(input, batch1, batch2, beta=1, alpha=1):
    """``beta * input + alpha * bmm(batch1, batch2)``.

    >>> baddbmm(tg.zeros(2, 3), tg.ones(4, 2, 5), tg.ones(4, 5, 3)).shape
    torch.Size([4, 2, 3])
    """
    return _add_product("baddbmm", input, bmm(batch1, batch2), beta, alpha)


def addbmm(input, batch1, batch2, beta=1, alpha=1):
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``.

    >>> addbmm(tg.zeros(2, 3), tg.ones(4, 2, 5), tg.ones(4, 5, 3))[0, 0]
    tensor(20.)
    """
    return _add_product("addbmm", input, _sum_keep_dtype(bmm(batch1, batch2), 0, True), beta, alpha)


def matrix_power(input, n):
    """The square matrix (or batch) to the integer power ``n`` (the inverse's power if ``n < 0``).

    >>> matrix_power(Tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise ShapeError(f"matrix_power: expected (batches of) square matrices, got shape {input.shape}")
    if n == 0:  # the identity, connected to the graph with a zero gradient
        eye = np.broadcast_to(np.eye(input.shape[-1], dtype=input.dtype), input.shape)
        return P.Where.apply(input, eye, cond=np.zeros((), bool))
    base = inv(input) if n < 0 else input
    n, out = abs(int(n)), None
    while n:
        if n & 1:
            out = base if out is None else P.Matmul.apply(out, base)
        n >>= 1
        if n:
            base = P.Matmul.apply(base, base)
    return out


def multi_dot(tensors):
    """The product of two or more matrices; the first may be a row vector and the last a column
    vector (1-D). ``torch.linalg.multi_dot``.

    >>> multi_dot([tg.ones(3), tg.ones(3, 4), tg.ones(4)])
    tensor(12.)
    """
    tensors = [as_tensor(t) for t in tensors]
    if len(tensors) < 2:
        raise ShapeError(f"multi_dot: expected at least 2 tensors, got {len(tensors)}")
    for i, t in enumerate(tensors):
        _dims("multi_dot", **{f"tensor {i}": (t, 1, 2) if i in (0, len(tensors) - 1) else (t, 2)})
    _same_dtype("multi_dot", *tensors)
    out = tensors[0]
    for t in tensors[1:]:
        out = P.Matmul.apply(out, t)
    return out


def chain_matmul(*matrices):
    """The product of 2-D tensors, left to right (``torch.chain_matmul``; see ``linalg.multi_dot``).

    >>> chain_matmul(tg.ones(2, 3), tg.ones(3, 4), tg.ones(4, 1)).shape
    torch.Size([2, 1])
    """
    if not matrices:
        raise ShapeError("chain_matmul: expected at least one matrix")
    for i, t in enumerate(matrices):
        _dims("chain_matmul", **{f"matrix {i}": (t, 2)})
    return matrices[0].clone() if len(matrices) == 1 else multi_dot(matrices)


def cross(input, other, dim=None):
    """Cross product of 3-vectors along ``dim`` (by default the first dimension of size 3; see
    ``linalg.cross`` for the last). Both need as many dimensions; sizes broadcast.

    >>> cross(Tensor([1., 0., 0.]), Tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    if input.ndim != other.ndim:
        raise ShapeError(f"cross: inputs need as many dimensions, got {input.shape} and {other.shape}")
    if np.bool_ in (input.dtype, other.dtype):
        raise UnsupportedDTypeError("cross: not implemented for bool tensors")
    _same_dtype("cross", input, other)
    shape = np.broadcast_shapes(input.shape, other.shape)
    if dim is None:
        dim = next((d for d, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise ShapeError(f"cross: no dimension of size 3 in shape {shape}")
    (axis,) = normalize_dims(dim, len(shape), "cross")
    if input.shape[axis] != 3 or other.shape[axis] != 3:
        raise ShapeError(f"cross: dimension {axis} must have size 3, got {input.shape} and {other.shape}")
    a, b = input.expand(shape), other.expand(shape)

    def rolled(t, order):
        return P.Getitem.apply(t, index=(slice(None),) * axis + (np.array(order),))
    return rolled(a, (1, 2, 0)) * rolled(b, (2, 0, 1)) - rolled(a, (2, 0, 1)) * rolled(b, (1, 2, 0))


def linalg_cross(input, other, dim=-1):
    """``torch.linalg.cross``: :func:`cross` along ``dim`` (the last by default)."""
    return cross(input, other, dim)


# --- einsum ----------------------------------------------------------------------------------

def einsum(equation, *operands):
    """Einstein summation: ``einsum('ij,jk->ik', a, b)`` is ``a @ b``. Accepts what PyTorch's does:
    an implicit output (the letters used once, sorted), ``...`` for broadcast dimensions, a
    repeated letter in one operand for its diagonal, operands as a list or as arguments, and the
    sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``. Contractions are matrix products, taken
    left to right; everything is differentiable.

    >>> einsum('ii->i', Tensor([[1., 2.], [3., 4.]]))
    tensor([1., 4.])
    >>> einsum('...ij,...jk', tg.ones(5, 2, 3), tg.ones(3, 4)).shape
    torch.Size([5, 2, 4])
    """
    if not isinstance(equation, str):
        equation, operands = _sublist_equation((equation,) + operands)
    elif len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    operands = [as_tensor(t) for t in operands]
    terms, output = _parse_einsum(equation, operands)
    sizes = _label_sizes(terms, operands)
    several = len(operands) > 1
    parts = [_einsum_prepare(t, labels, terms[:i] + terms[i + 1:], output, several)
             for i, (t, labels) in enumerate(zip(operands, terms))]
    out, labels = parts[0]
    for i, (t, t_labels) in enumerate(parts[1:], 2):
        later = set(output).union(*terms[i:])
        out, labels = _einsum_pair(out, labels, t, t_labels, later, sizes)
    summed = tuple(d for d, c in enumerate(labels) if c not in output)
    if summed:
        out = _sum_keep_dtype(out, summed, several)
        labels = [c for c in labels if c in output]
    out = out.permute([labels.index(c) for c in output]) if len(output) > 1 else out
    return out.expand(tuple(sizes[c] for c in output))


def _sublist_equation(args):
    """``(a, [0, 1], b, [1, 2], [0, 2])`` as ``('ab,bc->ac', [a, b])``."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def term(sublist):
        return "".join("..." if s is Ellipsis else letters[s] for s in sublist)
    output = "->" + term(args[-1]) if len(args) % 2 else ""
    pairs = args[:len(args) - len(args) % 2]
    return ",".join(term(s) for s in pairs[1::2]) + output, list(pairs[0::2])


def _parse_einsum(equation, operands):
    """Each operand's labels (letters, and ``.0``, ``.1``, ... for the broadcast dims that ``...``
    stands for, right-aligned) and the output's labels."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        raise ShapeError(f"einsum: the equation {equation!r} names {len(inputs)} operands, "
                         f"got {len(operands)}")
    spans = []
    for i, (term, t) in enumerate(zip(inputs, operands)):
        letters = term.replace("...", "")
        if not letters.isalpha() and letters or term.count("...") > 1:
            raise ValueError(f"einsum: invalid subscripts {term!r} for operand {i}")
        extra = t.ndim - len(letters)
        if extra < 0 or (extra and "..." not in term):
            raise ShapeError(f"einsum: subscripts {term!r} do not fit operand {i} of shape {t.shape}")
        spans.append(extra)
    width = max(spans)

    def labels(term, extra):
        head, dots, tail = term.partition("...")
        return list(head) + [f".{width - extra + j}" for j in range(extra)] * bool(dots) + list(tail)
    terms = [labels(term, extra) for term, extra in zip(inputs, spans)]
    if arrow:
        if not rhs.replace("...", "").isalpha() and rhs.replace("...", "") or rhs.count("...") > 1:
            raise ValueError(f"einsum: invalid output subscripts {rhs!r}")
        output = labels(rhs, width)
        if len(set(output)) != len(output):
            raise ShapeError(f"einsum: an output subscript appears more than once in {rhs!r}")
        missing = set(output) - set().union(*terms)
        if missing:
            raise ShapeError(f"einsum: output subscripts {sorted(missing)} appear in no operand")
    else:
        counts = {}
        for c in (c for term in terms for c in term):
            counts[c] = counts.get(c, 0) + 1
        output = [f".{j}" for j in range(width)] + sorted(c for c, n in counts.items()
                                                          if n == 1 and not c.startswith("."))
    return terms, output


def _label_sizes(terms, operands):
    sizes = {}
    for i, (labels, t) in enumerate(zip(terms, operands)):
        own = {}
        for c, s in zip(labels, t.shape):
            if own.setdefault(c, s) != s:
                raise ShapeError(f"einsum: subscript {c} is repeated for operand {i} with sizes "
                                 f"{own[c]} and {s}")
            seen = sizes.setdefault(c, s)
            if s != seen and 1 not in (s, seen):
                raise ShapeError(f"einsum: subscript {c} has size {s} for operand {i}, which does "
                                 f"not broadcast with size {seen}")
            sizes[c] = s if seen == 1 else seen
    return sizes


def _sum_keep_dtype(t, dims, keep):
    """Sum over ``dims``; integer sums stay in their dtype when ``keep`` (as products do)."""
    out = t.sum(dims)
    return out.to(t.dtype) if keep and out.dtype != t.dtype else out


def _einsum_prepare(t, labels, others, output, several):
    """One operand with its diagonals taken (repeated labels) and the labels that no other
    operand and not the output uses summed out."""
    unique = list(dict.fromkeys(labels))
    if len(unique) < len(labels):
        index = tuple(np.arange(s).reshape([-1 if u == c else 1 for u in unique])
                      for c, s in zip(labels, t.shape))
        t, labels = P.Getitem.apply(t, index=index), unique
    needed = set(output).union(*others)
    alone = tuple(d for d, c in enumerate(labels) if c not in needed)
    if alone:
        t = _sum_keep_dtype(t, alone, several)
        labels = [c for c in labels if c in needed]
    return t, labels


def _einsum_pair(a, la, b, lb, later, sizes):
    """Contract two operands: the labels both have and nothing later needs are summed by one
    (batched) matrix product; a pair with none of those is a broadcast product."""
    shared = [c for c in la if c in lb]
    batch = [c for c in shared if c in later]
    summed = [c for c in shared if c not in later]
    left = [c for c in la if c not in lb]
    right = [c for c in lb if c not in la]
    nb, ns = tuple(sizes[c] for c in batch), tuple(sizes[c] for c in summed)
    a = a.permute([la.index(c) for c in batch + left + summed]) if la else a
    b = b.permute([lb.index(c) for c in batch + summed + right]) if lb else b
    if not summed:
        a = a.reshape(a.shape[:len(batch) + len(left)] + (1,) * len(right))
        b = b.reshape(b.shape[:len(batch)] + (1,) * len(left) + b.shape[len(batch):])
        return a * b, batch + left + right
    left_shape = a.shape[len(batch):len(batch) + len(left)]
    right_shape = b.shape[len(batch) + len(summed):]
    k = math.prod(ns)
    a = a.expand(nb + left_shape + ns).reshape(nb + (math.prod(left_shape), k))
    b = b.expand(nb + ns + right_shape).reshape(nb + (k, math.prod(right_shape)))
    return P.Matmul.apply(a, b).reshape(nb + left_shape + right_shape), batch + left + right


# ---------------------------------------------------------------------------------------------
# norms
# ---------------------------------------------------------------------------------------------

def _norm_input(op, x, dtype):
    """``x`` as the float tensor a norm is computed on (float16 in float32, as PyTorch)."""
    if not is_float(x.dtype):
        raise DTypeError(f"{op}: expected a floating point tensor, got {x.dtype}")
    if dtype is not None:
        dtype = np.dtype(dtype)
        if not is_float(dtype) or not np.can_cast(x.dtype, dtype, "safe"):
            raise DTypeError(f"{op}: cannot compute in dtype {dtype} for an input of dtype {x.dtype}")
        x = x.to(dtype)
    return x


def _zeros_in_graph(x):
    """Zeros of ``x``'s shape that are connected to it with a zero gradient."""
    return P.Where.apply(x, np.zeros((), x.dtype), cond=np.zeros((), bool))


def _power_sum_root(a, p, axis, keepdim):
    """``sum(a ** p) ** (1 / p)`` of ``a >= 0`` with PyTorch's zero gradients where ``a`` is 0
    (and where the result is 0) instead of the inf and nan of the plain formula."""
    nonzero = a._array != 0
    safe = P.Where.apply(a, np.ones((), a.dtype), cond=nonzero)
    if p > 0:
        s = P.Where.apply(safe ** p, np.zeros((), a.dtype), cond=nonzero).sum(axis, keepdim=keepdim)
        valid = s._array != 0
    else:  # a zero makes the result 0 (but nan stays nan)
        s = (safe ** p).sum(axis, keepdim=keepdim)
        valid = (nonzero | np.isnan(a._array)).all(axis=axis, keepdims=keepdim) | np.isnan(s._array)
    root = P.Where.apply(s, np.ones((), a.dtype), cond=valid) ** (1.0 / p)
    return P.Where.apply(root, np.zeros((), a.dtype), cond=valid)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002 (PyTorch's name)
    """The vector ``ord``-norm over ``dim`` (all elements when None): ``sum(|x|**ord) ** (1/ord)``;
    ``inf``/``-inf`` are max/min of ``|x|``, ``0`` counts nonzeros. The gradient at 0 is 0, as
    PyTorch's. ``torch.linalg.vector_norm``.

    >>> vector_norm(Tensor([3., -4.])), vector_norm(Tensor([3., -4.]), float("inf"))
    (tensor(5.), tensor(4.))
    """
    x = _norm_input("linalg.vector_norm", x, dtype)
    axis = tuple(range(x.ndim)) if dim is None else normalize_dims(dim, x.ndim, "linalg.vector_norm")
    axis = axis if x.ndim else ()
    half = x.dtype == np.float16
    a = (x.float() if half else x).abs()
    if (math.isinf(ord) or ord < 0) and not math.prod(x.shape[d] for d in axis):
        raise ShapeError(f"linalg.vector_norm: the {ord} norm of no elements is undefined "
                         f"(shape {x.shape}, dim {dim})")
    if math.isinf(ord):
        out = a.amax(axis, keepdim) if ord > 0 else a.amin(axis, keepdim)
    elif ord == 0:
        count = np.count_nonzero(a._array, axis=axis, keepdims=keepdim).astype(a.dtype)
        out = _zeros_in_graph(x).sum(axis, keepdim=keepdim).to(a.dtype) + Tensor(count)
    elif ord == 1:
        out = a.sum(axis, keepdim=keepdim)
    elif ord == 2:
        out = P.Sqrt.apply((a * a).sum(axis, keepdim=keepdim), zero_at_zero=True)
    else:
        out = _power_sum_root(a, float(ord), axis, keepdim)
    return out.half() if half else out


def _matrix_dims(op, A, dim):
    if A.ndim < 2:
        raise ShapeError(f"{op}: the input must have at least 2 dimensions, got shape {A.shape}")
    dims = normalize_dims(dim, A.ndim, op, unique=False)
    if len(dims) != 2 or dims[0] == dims[1]:
        raise ShapeError(f"{op}: dim must be a pair of different dims, got {dim}")
    return dims


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002
    """The matrix norm over the two dims ``dim``: ``'fro'``, ``'nuc'`` (sum of singular values),
    ``2``/``-2`` (largest/smallest singular value), ``1``/``-1`` (max/min column sum of ``|A|``),
    ``inf``/``-inf`` (max/min row sum). ``torch.linalg.matrix_norm``.

    >>> matrix_norm(Tensor([[1., -2.], [3., 4.]]), 1)
    tensor(6.)
    """
    A = _norm_input("linalg.matrix_norm", A, dtype)
    rows, cols = _matrix_dims("linalg.matrix_norm", A, dim)
    if ord == "fro":
        return vector_norm(A, 2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        rest = [d for d in range(A.ndim) if d not in (rows, cols)]
        s = svdvals(A.permute(rest + [rows, cols]))
        out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        for d in sorted((rows, cols)) if keepdim else ():
            out = out.unsqueeze(d)
        return out
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: order {ord!r} is not supported")
    inner_dim, outer_dim = (rows, cols) if abs(ord) == 1 else (cols, rows)
    sums = A.abs().sum(inner_dim, keepdim=True)
    out = sums.amax(outer_dim, keepdim=True) if ord > 0 else sums.amin(outer_dim, keepdim=True)
    return out if keepdim else out.squeeze((rows, cols))


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``torch.linalg.norm``: a vector norm when ``dim`` is an int (or ``A`` is 1-D), a matrix
    norm when ``dim`` is a pair (or ``A`` is 2-D); with neither ``ord`` nor ``dim``, the 2-norm
    of all elements."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    raise ShapeError(f"linalg.norm: with ord and no dim the input must be 1-D or 2-D, got shape {A.shape}")


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """``torch.norm``: the vector ``p``-norm over ``dim`` (all elements when None); ``'fro'`` is
    the 2-norm, ``'nuc'`` the nuclear norm of the matrices over ``dim``.

    >>> Tensor([[3., 4.], [0., 0.]]).norm(), Tensor([3., -4.]).norm(1)
    (tensor(5.), tensor(7.))
    """
    if p == "nuc":
        return matrix_norm(input, "nuc", tuple(range(input.ndim)) if dim is None else dim, keepdim,
                           dtype=dtype)
    return vector_norm(input, 2 if p in ("fro", None) else p, dim, keepdim, dtype=dtype)


# ---------------------------------------------------------------------------------------------
# factorizations: the primitives
# ---------------------------------------------------------------------------------------------
# Their backward functions run on arrays, or on Tensors under create_graph; these helpers
# dispatch on that (products, sums and elementwise arithmetic work on both as they are).

def _inv(x):
    return Inv.apply(x) if isinstance(x, Tensor) else np.linalg.inv(x)


def _solve(a, b):
    return Solve.apply(a, b) if isinstance(a, Tensor) or isinstance(b, Tensor) else np.linalg.solve(a, b)


def _tril(x, k=0):
    return x * np.tril(np.ones(x.shape[-2:], x.dtype), k)


def _diagonal(x):
    return (x * np.eye(x.shape[-1], dtype=x.dtype)).sum(-1)


def _diag_embed(v):
    return v[..., None] * np.eye(v.shape[-1], dtype=v.dtype)


def _is_zero(g):
    return not np.any(g._array if isinstance(g, Tensor) else g)


def _numpy_linalg(op, fn, *arrays, **kwargs):
    """``fn(*arrays)``, NumPy's LinAlgError (a ValueError) as PyTorch's (a RuntimeError)."""
    try:
        return fn(*arrays, **kwargs)
    except np.linalg.LinAlgError as e:
        raise LinAlgError(f"{op}: {e}") from None


class Inv(Function):
    """The inverse of (a batch of) square matrices."""

    def forward(self, a):
        return _numpy_linalg("linalg.inv", np.linalg.inv, a)

    def backward(self, g, out, a):
        return (-(_mT(out) @ g @ _mT(out)),)


def _cofactor(a):
    """The cofactor matrix ``det(A) · A⁻ᵀ`` of arrays, also for singular ``A``: with
    ``A = U S Vh`` it is ``det(U) det(Vh) · U diag(prod_{j != i} s_j) Vh``."""
    u, s, vh = np.linalg.svd(a)
    ones = np.ones(s.shape[:-1] + (1,), s.dtype)
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], -1), -1)
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], -1), -1)[..., ::-1]
    signs = np.linalg.det(u) * np.linalg.det(vh)
    return signs[..., None, None] * (u * (before * after)[..., None, :]) @ vh


class Det(Function):
    """The determinant. Backward: ``g · cofactor(A)``; under create_graph ``g · det · A⁻ᵀ``
    (which needs an invertible A)."""

    def forward(self, a):
        return np.linalg.det(a)

    def backward(self, g, out, a):
        if isinstance(a, Tensor):
            return (g[..., None, None] * out[..., None, None] * _mT(_inv(a)),)
        return (g[..., None, None] * _cofactor(a),)


class Solve(Function):
    """X with A X = B, for (batches of) square A and matrices B, batch dims broadcast.
    Backward: ``gB = A⁻ᵀ g``, ``gA = -gB Xᵀ``."""

    def forward(self, a, b):
        return _numpy_linalg("linalg.solve", np.linalg.solve, a, b)

    def backward(self, g, out, a, b):
        gb = _solve(_mT(a), g)
        na, nb = self.needs
        return (P.sum_to(-(gb @ _mT(out)), a.shape) if na else None,
                P.sum_to(gb, b.shape) if nb else None)


class Cholesky(Function):
    """The lower Cholesky factor L (A = L Lᵀ), or Lᵀ when ``upper``. Backward, with
    ``Φ(X) = tril(X) - diag(X)/2``: ``S = L⁻ᵀ Φ(Lᵀ g) L⁻¹``, ``gA = (S + Sᵀ)/2``."""

    def forward(self, a, upper=False):
        self.upper = upper
        L = _numpy_linalg("linalg.cholesky", np.linalg.cholesky, a)
        return np.swapaxes(L, -1, -2) if upper else L

    def backward(self, g, out, a):
        L, gL = (_mT(out), _mT(g)) if self.upper else (out, g)
        phi = _tril(_mT(L) @ gL)
        phi = phi - 0.5 * _diag_embed(_diagonal(phi))
        s = _mT(_solve(_mT(L), _mT(_solve(_mT(L), phi))))
        return (0.5 * (s + _mT(s)),)


def _split(x, batch, shapes):
    """The outputs packed side by side in ``x``'s last axis (see :class:`_Factorization`)."""
    parts, start = [], 0
    for shape in shapes:
        stop = start + math.prod(shape)
        parts.append(x[..., start:stop].reshape(batch + shape))
        start = stop
    return parts


class _Factorization(Function):
    """A primitive with several outputs, one per shape of ``shapes(m, n, **options)``: the forward
    (``factor``) returns them packed side by side along a last axis; ``vjp`` receives them and
    their gradients split apart again (zeros for the outputs that were not used)."""

    def forward(self, a, **options):
        self.options, self.batch = options, a.shape[:-2]
        outs = self.factor(a, **options)
        return np.concatenate([o.reshape(self.batch + (math.prod(o.shape[len(self.batch):]),))
                               for o in outs], axis=-1)

    def backward(self, g, out, a):
        shapes = self.shapes(*a.shape[-2:], **self.options)
        return (self.vjp(a, _split(out, self.batch, shapes), _split(g, self.batch, shapes)),)

    @classmethod
    def outputs(cls, A, **options):
        """The outputs as Tensors: ``Q, R = QR.outputs(A, mode='reduced')``."""
        packed = cls.apply(A, **options)
        return _split(packed, A.shape[:-2], cls.shapes(*A.shape[-2:], **options))


class SlogDet(_Factorization):
    """The sign and log |det A| of the determinant. Backward: ``g · A⁻ᵀ`` (the sign's gradient
    is zero)."""

    @staticmethod
    def shapes(m, n):
        return [(), ()]

    def factor(self, a):
        return np.linalg.slogdet(a)

    def vjp(self, a, outs, gs):
        return gs[1][..., None, None] * _mT(_inv(a))


class QR(_Factorization):
    """A = QR with Q orthonormal columns and R upper triangular. Backward (reduced, m >= n):
    ``M = R gRᵀ - gQᵀ Q``, ``gA = (gQ + Q copyltu(M)) R⁻ᵀ``; for m < n, that on the first m
    columns and ``Q gR₂`` on the rest."""

    @staticmethod
    def shapes(m, n, mode):
        k = min(m, n)
        return {"reduced": [(m, k), (k, n)], "complete": [(m, m), (m, n)], "r": [(k, n)]}[mode]

    def factor(self, a, mode):
        out = np.linalg.qr(a, mode=mode)
        return (out,) if mode == "r" else tuple(out)

    def vjp(self, a, outs, gs):
        m, n = a.shape[-2:]
        mode = self.options["mode"]
        if mode == "r":
            raise RuntimeError("linalg.qr: the derivative depends on Q, which mode='r' does not compute")
        if mode == "complete" and m > n:
            raise RuntimeError("linalg.qr: mode='complete' is not differentiable when there are more "
                               "rows than columns")
        (q, r), (gq, gr) = outs, gs
        if m >= n:
            return _qr_square_vjp(q, r, gq, gr)
        r1, gr1, gr2 = r[..., :m], gr[..., :m], gr[..., m:]
        gx = _qr_square_vjp(q, r1, gq + a[..., m:] @ _mT(gr2), gr1)
        return _cat_last(gx, q @ gr2)


def _qr_square_vjp(q, r, gq, gr):
    m = r @ _mT(gr) - _mT(gq) @ q
    lower = _tril(m, -1)
    b = gq + q @ (lower + _mT(lower) + _diag_embed(_diagonal(m)))
    return _mT(_solve(r, _mT(b)))  # b R⁻ᵀ


def _cat_last(a, b):
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return P.Cat.apply(as_tensor(a), as_tensor(b), axis=a.ndim - 1)
    return np.concatenate([a, b], axis=-1)


class SVD(_Factorization):
    """A = U diag(S) Vh. Backward (PyTorch's): with ``E_ij = S_j² - S_i²`` (1 on the diagonal),
    ``J = (skew(Uᵀ gU) S + S skew(Vh gVhᵀ)) / E + diag(gS)``, ``gA = U J Vh`` plus, when m > n,
    ``(I - U Uᵀ) gU S⁻¹ Vh`` (when m < n, ``U S⁻¹ gVh (I - Vhᵀ Vh)``). With full_matrices the
    extra columns of U (rows of Vh) get no gradient, as in PyTorch."""

    @staticmethod
    def shapes(m, n, full_matrices):
        k = min(m, n)
        return [(m, m), (k,), (n, n)] if full_matrices else [(m, k), (k,), (k, n)]

    def factor(self, a, full_matrices):
        return tuple(np.linalg.svd(a, full_matrices=full_matrices))

    def vjp(self, a, outs, gs):
        m, n = a.shape[-2:]
        k = min(m, n)
        (u, s, vh), (gu, gs_, gvh) = outs, gs
        u, vh, gu, gvh = u[..., :k], vh[..., :k, :], gu[..., :k], gvh[..., :k, :]
        j = _diag_embed(gs_)
        if _is_zero(gu) and _is_zero(gvh):
            return u @ j @ vh
        s2 = s * s
        e = s2[..., None, :] - s2[..., None] + np.eye(k, dtype=a.dtype)
        uhgu, vhgv = _mT(u) @ gu, vh @ _mT(gvh)
        j = j + ((uhgu - _mT(uhgu)) * s[..., None, :] + s[..., None] * (vhgv - _mT(vhgv))) / e
        ga = u @ j @ vh
        if m > n:
            gus = gu / s[..., None, :]
            ga = ga + (gus - u @ (_mT(u) @ gus)) @ vh
        elif m < n:
            gvs = gvh / s[..., None]
            ga = ga + u @ (gvs - (gvs @ _mT(vh)) @ vh)
        return ga


class Eigh(_Factorization):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices, from the ``UPLO`` triangle.
    Backward (PyTorch's): ``gA = V (diag(gL) + skew(Vᵀ gV) / 2E) Vᵀ`` with ``E_ij = L_j - L_i``."""

    @staticmethod
    def shapes(m, n, UPLO):
        return [(n,), (n, n)]

    def factor(self, a, UPLO):
        return tuple(np.linalg.eigh(a, UPLO=UPLO))

    def vjp(self, a, outs, gs):
        (w, v), (gw, gv) = outs, gs
        inner = _diag_embed(gw)
        if not _is_zero(gv):
            e = w[..., None, :] - w[..., None] + np.eye(w.shape[-1], dtype=a.dtype)
            vhgv = _mT(v) @ gv
            inner = inner + 0.5 * (vhgv - _mT(vhgv)) / e
        return v @ inner @ _mT(v)


def _cutoff(s, m, n, atol, rtol):
    """PyTorch's tolerance for singular values: ``max(atol, rtol · largest)``; without either,
    ``rtol = eps · max(m, n)``."""
    if rtol is None:
        rtol = np.finfo(s.dtype).eps * max(m, n) if atol is None or atol <= 0 else 0.0
    largest = s.max(axis=-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    return np.maximum(0.0 if atol is None else atol, rtol * largest)


class Pinv(Function):
    """The Moore-Penrose pseudo-inverse P (singular values below the cutoff count as 0).
    Backward: ``gA = -Pᵀ g Pᵀ + (I - A P) gᵀ P Pᵀ + Pᵀ P gᵀ (I - P A)``."""

    def forward(self, a, atol=None, rtol=None):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        keep = s > _cutoff(s, *a.shape[-2:], atol, rtol)
        s_inv = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(a.dtype)
        return (_mT(vh) * s_inv[..., None, :]) @ _mT(u)

    def backward(self, g, out, a):
        m, n = a.shape[-2:]
        p, gt = out, _mT(g)
        return (-(_mT(p) @ g @ _mT(p)) + (np.eye(m, dtype=a.dtype) - a @ p) @ gt @ p @ _mT(p)
                + _mT(p) @ p @ gt @ (np.eye(n, dtype=a.dtype) - p @ a),)


# ---------------------------------------------------------------------------------------------
# factorizations: the functions (torch.linalg's, and the torch.* / Tensor spellings)
# ---------------------------------------------------------------------------------------------

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
QRResult = namedtuple("QRResult", ["Q", "R"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
LstsqResult = namedtuple("LstsqResult", ["solution", "residuals", "rank", "singular_values"])


def inv(A):
    """The inverse of a square matrix (or of each in a batch); a singular one raises
    :class:`LinAlgError`. ``torch.linalg.inv``.

    >>> inv(Tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5 , 0.  ],
            [0.  , 0.25]])
    """
    _float_matrices("linalg.inv", A)
    return Inv.apply(A)


inverse = inv


def det(A):
    """The determinant of a square matrix (or of each in a batch); differentiable also where it
    is 0.

    >>> det(Tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    if _float_matrices("linalg.det", A, empty_ok="e"):
        return _in_float32(det, A)
    return Det.apply(A)


def slogdet(A):
    """``(sign, logabsdet)`` of the determinant: its sign (-1, 0 or 1) and the log of its absolute
    value, without overflow. The sign has a zero gradient.

    >>> slogdet(Tensor([[1., 2.], [3., 4.]]))
    SlogdetResult(sign=tensor(-1.), logabsdet=tensor(0.6931))
    """
    _float_matrices("linalg.slogdet", A)
    return SlogdetResult(*SlogDet.outputs(A))


def logdet(input):
    """log(det(input)): nan where the determinant is negative, -inf where it is 0.

    >>> logdet(Tensor([[2., 0.], [0., 3.]]))
    tensor(1.7918)
    """
    sign, logabsdet = slogdet(input)
    return P.Where.apply(logabsdet, np.full((), np.nan, input.dtype), cond=sign._array >= 0)


def _vector_rhs(A, B):
    """PyTorch's rule for whether B is a (batch of) vectors rather than matrices."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])


def solve(A, B, *, left=True):
    """The solution X of ``A X = B`` (``X A = B`` when ``left=False``) for square invertible A;
    B is a matrix or, by PyTorch's rule, a vector. Batch dims broadcast. ``torch.linalg.solve``.

    >>> solve(Tensor([[2., 0.], [0., 4.]]), Tensor([2., 2.]))
    tensor([1. , 0.5])
    """
    _float_matrices("linalg.solve", A)
    _same_dtype("linalg.solve", A, B)
    if not left:
        return solve(A.transpose(-2, -1), B.transpose(-2, -1)).transpose(-2, -1)
    vector = _vector_rhs(A, B)
    rhs = B.unsqueeze(-1) if vector else B
    if rhs.ndim < 2 or rhs.shape[-2] != A.shape[-1]:
        raise ShapeError(f"linalg.solve: A of shape {A.shape} does not fit B of shape {B.shape}")
    X = Solve.apply(A, rhs)
    return X.squeeze(-1) if vector else X


def cholesky(A, *, upper=False):
    """The Cholesky factor L of a symmetric positive-definite A (``A = L Lᵀ``; ``Lᵀ`` when
    ``upper``), read from the lower triangle; a matrix that is not positive-definite raises
    :class:`LinAlgError`. ``torch.linalg.cholesky``.

    >>> cholesky(Tensor([[4., 2.], [2., 2.]]))
    tensor([[2., 0.],
            [1., 1.]])
    """
    if _float_matrices("linalg.cholesky", A, empty_ok="e"):
        return _in_float32(cholesky, A, upper=upper)
    return Cholesky.apply(A, upper=upper)


def qr(A, mode="reduced"):
    """``(Q, R)`` with ``A = Q R``, Q with orthonormal columns, R upper triangular. ``mode``:
    ``'reduced'`` (k = min(m, n) columns of Q), ``'complete'`` (Q square) or ``'r'`` (R only, Q
    empty). ``torch.linalg.qr``.

    >>> Q, R = qr(Tensor([[3., 1.], [4., 2.], [0., 1.]])); Q.shape, R.shape
    (torch.Size([3, 2]), torch.Size([2, 2]))
    """
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    _float_matrices("linalg.qr", A, square=False)
    parts = QR.outputs(A, mode=mode)
    return QRResult(Tensor(np.zeros(0, A.dtype)), parts[0]) if mode == "r" else QRResult(*parts)


def svd(A, full_matrices=True):
    """``(U, S, Vh)`` with ``A = U diag(S) Vh``, S descending. ``torch.linalg.svd``; the
    gradient needs distinct singular values (as PyTorch's).

    >>> svd(Tensor([[3., 0.], [0., -2.]])).S
    tensor([3., 2.])
    """
    _float_matrices("linalg.svd", A, square=False)
    return SVDResult(*SVD.outputs(A, full_matrices=bool(full_matrices)))


def svdvals(A):
    """The singular values, descending. ``torch.linalg.svdvals``.

    >>> svdvals(Tensor([[0., 2.], [1., 0.]]))
    tensor([2., 1.])
    """
    _float_matrices("linalg.svd", A, square=False)
    return SVD.outputs(A, full_matrices=False)[1]


def _uplo(op, UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError(f"{op}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return UPLO


def eigh(A, UPLO="L"):
    """``(eigenvalues, eigenvectors)`` of a symmetric matrix (read from the ``UPLO`` triangle),
    eigenvalues ascending. ``torch.linalg.eigh``.

    >>> eigh(Tensor([[2., 1.], [1., 2.]])).eigenvalues
    tensor([1., 3.])
    """
    if _float_matrices("linalg.eigh", A, empty_ok=_NO_KERNEL_DTYPES):
        return _in_float32(eigh, A, UPLO)
    return EighResult(*Eigh.outputs(A, UPLO=_uplo("linalg.eigh", UPLO)))


def eigvalsh(A, UPLO="L"):
    """The eigenvalues of a symmetric matrix, ascending. ``torch.linalg.eigvalsh``.

    >>> eigvalsh(Tensor([[2., 1.], [1., 2.]]))
    tensor([1., 3.])
    """
    if _float_matrices("linalg.eigvalsh", A, empty_ok=_NO_KERNEL_DTYPES):
        return _in_float32(eigvalsh, A, UPLO)
    return Eigh.outputs(A, UPLO=_uplo("linalg.eigvalsh", UPLO))[0]


def _tolerance(value, name):
    if isinstance(value, Tensor):
        raise NotImplementedError(f"linalg: {name} as a Tensor is not supported; pass a float")
    return value


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse; singular values at most ``max(atol, rtol · largest)``
    count as zero (default ``rtol``: eps · max(m, n)). ``torch.linalg.pinv``.

    >>> pinv(Tensor([[2., 0.], [0., 0.]]))
    tensor([[0.5, 0. ],
            [0. , 0. ]])
    """
    _float_matrices("linalg.pinv", A, square=hermitian)
    return Pinv.apply(A, atol=_tolerance(atol, "atol"), rtol=_tolerance(rtol, "rtol"))


def pinverse(input, rcond=1e-15):
    """The pseudo-inverse with singular values below ``rcond`` times the largest cut
    (``torch.pinverse``).

    >>> pinverse(Tensor([[1., 0.], [0., 4.]]))
    tensor([[1.  , 0.  ],
            [0.  , 0.25]])
    """
    return pinv(input, rtol=rcond)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """How many singular values exceed ``max(atol, rtol · largest)`` (int64; default ``rtol``:
    eps · max(m, n)). ``torch.linalg.matrix_rank``.

    >>> matrix_rank(Tensor([[1., 2.], [2., 4.]]))
    tensor(1)
    """
    _float_matrices("linalg.matrix_rank", A, square=hermitian)
    s = np.linalg.svd(A._array, compute_uv=False)
    cut = _cutoff(s, *A.shape[-2:], _tolerance(atol, "atol"), _tolerance(rtol, "rtol"))
    return Tensor(np.count_nonzero(s > cut, axis=-1).astype(np.int64))


_DRIVERS = (None, "gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution X minimizing ``|A X - B|`` (the minimum-norm one when A is
    rank-deficient), as ``(solution, residuals, rank, singular_values)``; like PyTorch on the CPU,
    ``residuals`` (squared, when m > n and A has full rank) are computed for every driver but
    ``'gelsy'`` (the default), ``rank`` for every driver but ``'gels'``, ``singular_values`` for
    ``'gelsd'`` and ``'gelss'``; the others are empty. ``torch.linalg.lstsq``.

    >>> lstsq(Tensor([[1.], [1.]]), Tensor([[1.], [3.]])).solution
    tensor([[2.]])
    """
    _float_matrices("linalg.lstsq", A, square=False)
    _same_dtype("linalg.lstsq", A, B)
    if driver not in _DRIVERS:
        raise ValueError(f"linalg.lstsq: driver must be one of {_DRIVERS}, got {driver!r}")
    vector = B.ndim == A.ndim - 1
    rhs = B.unsqueeze(-1) if vector else B
    if rhs.ndim < 2 or rhs.shape[-2] != A.shape[-2]:
        raise ShapeError(f"linalg.lstsq: A of shape {A.shape} does not fit B of shape {B.shape}")
    m, n = A.shape[-2:]
    solution = Pinv.apply(A, rtol=rcond) @ rhs
    s = np.linalg.svd(A._array, compute_uv=False)
    rank = np.count_nonzero(s > _cutoff(s, m, n, None, rcond), axis=-1).astype(np.int64)
    empty = Tensor(np.zeros(0, A.dtype))
    residuals = _zeros_in_graph(solution).reshape(-1)[:0]  # empty, but requires grad as PyTorch's
    if driver not in (None, "gelsy") and m > n and np.all(rank == n):
        residuals = ((A @ solution - rhs) ** 2).sum(-2)
        residuals = residuals.squeeze(-1) if vector else residuals
    return LstsqResult(solution.squeeze(-1) if vector else solution, residuals,
                       Tensor(rank) if driver != "gels" else Tensor(np.zeros(0, np.int64)),
                       Tensor(s) if driver in ("gelsd", "gelss") else empty)
