"""Shape and layout ops (ops/shape.py): values against NumPy, gradients against central
differences (float64 gradcheck) on contiguous, transposed and strided inputs drawn by Hypothesis,
which results share memory with their input (views) and which are copies, and the errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite import Tensor

from helpers import check, seeds, uniform

sliding = np.lib.stride_tricks.sliding_window_view


def laid_out(a, layout):
    """A leaf tensor holding ``a`` (float64) in the given memory layout: "C", "T" (the transpose
    of a row-major array) or "strided" (every other element of a wider array)."""
    if layout == "T" and a.ndim >= 2:
        a = np.ascontiguousarray(a.T).T
    elif layout == "strided" and a.ndim >= 1:
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],))
        wide[..., ::2] = a
        a = wide[..., ::2]
    else:
        a = a.copy()
    return Tensor(a, requires_grad=True)


def _diag_embed(a, k=0):
    """NumPy reference of diag_embed (last dim to a diagonal of the last two)."""
    n = a.shape[-1] + abs(k)
    out = np.zeros(a.shape[:-1] + (n, n), a.dtype)
    for idx in np.ndindex(a.shape[:-1]):
        out[idx] = np.diag(a[idx], k)
    return out


def _stacked(*parts):
    """Several outputs (a split) as one array, for comparing with NumPy's list."""
    return np.concatenate([np.ravel(p) for p in parts])


def joined(fn):
    """A tuple-returning op as one flat tensor (so a table row compares one array)."""
    return lambda x: tg.cat([p.reshape(-1) for p in fn(x)])


# name, op on a tensor, NumPy reference, minimum number of dims
OPS = [
    ("t", lambda x: x.t(), lambda a: a.T, 0, 2),
    ("mT", lambda x: x.mT, lambda a: np.swapaxes(a, -1, -2), 2, 3),
    ("H", lambda x: x.H, lambda a: a.T, 2, 2),
    ("swapdims", lambda x: tg.swapdims(x, 0, -1), lambda a: np.swapaxes(a, 0, -1) if a.ndim else a, 0, 3),
    ("movedim", lambda x: x.movedim((0, -1), (-1, 0)), lambda a: np.moveaxis(a, (0, -1), (-1, 0)), 2, 3),
    ("moveaxis", lambda x: tg.moveaxis(x, 0, -1), lambda a: np.moveaxis(a, 0, -1), 1, 3),
    ("unflatten", lambda x: x.unflatten(0, (1, -1)), lambda a: a.reshape((1,) + a.shape), 1, 3),
    ("flatten", lambda x: x.flatten(1), lambda a: a.reshape(a.shape[0], -1), 2, 3),
    ("squeeze_dims", lambda x: x.unsqueeze(0).unsqueeze(-1).squeeze((0, -1)), lambda a: a, 0, 3),
    ("broadcast_to", lambda x: tg.broadcast_to(x, (2,) + x.shape), lambda a: np.broadcast_to(a, (2,) + a.shape), 0, 3),
    ("flip", lambda x: x.flip(0, -1), lambda a: np.flip(a, (0, -1)), 2, 3),
    ("fliplr", lambda x: tg.fliplr(x), np.fliplr, 2, 3),
    ("flipud", lambda x: x.flipud(), np.flipud, 1, 3),
    ("roll", lambda x: tg.roll(x, 2), lambda a: np.roll(a, 2), 0, 3),
    ("roll_dims", lambda x: x.roll((1, -3), (0, -1)), lambda a: np.roll(a, (1, -3), (0, -1)), 1, 3),
    ("repeat", lambda x: x.repeat(2, *[3] * x.ndim), lambda a: np.tile(a, (2,) + (3,) * a.ndim), 0, 2),
    ("tile", lambda x: tg.tile(x, (2,)), lambda a: np.tile(a, 2), 0, 3),
    ("repeat_interleave", lambda x: tg.repeat_interleave(x, 2), lambda a: np.repeat(a, 2), 0, 3),
    ("repeat_interleave_dim", lambda x: x.repeat_interleave(3, -1), lambda a: np.repeat(a, 3, -1), 1, 3),
    ("split", joined(lambda x: x.split(2, -1)), lambda a: _stacked(*np.array_split(a, range(2, a.shape[-1], 2), -1)), 1, 3),
    ("chunk", joined(lambda x: tg.chunk(x, 2)), lambda a: _stacked(*np.array_split(a, [-(-a.shape[0] // 2)])), 1, 3),
    ("tensor_split", joined(lambda x: x.tensor_split(3, -1)), lambda a: _stacked(*np.array_split(a, 3, -1)), 1, 3),
    ("tensor_split_idx", joined(lambda x: x.tensor_split([2, 1, -1])),
     lambda a: _stacked(a[:2], a[2:1], a[1:-1], a[-1:]), 1, 3),
    ("unbind", joined(lambda x: x.unbind(-1)), lambda a: _stacked(*np.moveaxis(a, -1, 0)), 1, 3),
    ("narrow", lambda x: x.narrow(-1, 1, x.shape[-1] - 1), lambda a: a[..., 1:], 1, 3),
    ("unfold", lambda x: x.unfold(-1, min(2, x.shape[-1]), 2),
     lambda a: sliding(a, min(2, a.shape[-1]), -1)[..., ::2, :], 1, 3),
    ("diagonal", lambda x: tg.diagonal(x, 1, -1, 0), lambda a: np.diagonal(a, 1, -1 % a.ndim, 0), 2, 3),
    ("diagonal_neg", lambda x: x.diagonal(-1), lambda a: np.diagonal(a, -1), 2, 3),
    ("diag_embed", lambda x: tg.diag_embed(x, 1), lambda a: _diag_embed(a, 1), 1, 3),
    ("diag_embed_dims", lambda x: x.diag_embed(-1, 0, 2), lambda a: np.moveaxis(_diag_embed(a, -1), (-2, -1), (0, 2)), 2, 2),
    ("diag_vector", lambda x: tg.diag(x, -2), lambda a: np.diag(a, -2), 1, 1),
    ("diag_matrix", lambda x: x.diag(1), lambda a: np.diag(a, 1), 2, 2),
    ("tril", lambda x: tg.tril(x), np.tril, 2, 3),
    ("triu", lambda x: x.triu(1), lambda a: np.triu(a, 1), 2, 3),
    ("atleast_3d", lambda x: tg.atleast_3d(x), np.atleast_3d, 0, 3),
    ("hstack", lambda x: tg.hstack([x, 2 * x]), lambda a: np.hstack([a, 2 * a]), 1, 3),
    ("vstack", lambda x: tg.vstack((x, x)), lambda a: np.vstack((a, a)), 0, 3),
    ("dstack", lambda x: tg.dstack([x, x]), lambda a: np.dstack([a, a]), 0, 3),
    ("column_stack", lambda x: tg.column_stack([x, x]), lambda a: np.column_stack([a, a]), 0, 2),
    ("meshgrid", joined(lambda x: tg.meshgrid(x, 2 * x, indexing="xy")),
     lambda a: _stacked(*np.meshgrid(a, 2 * a, indexing="xy")), 1, 1),
]
IDS = [o[0] for o in OPS]
layouts = st.sampled_from(["C", "T", "strided"])


@st.composite
def cases(draw, min_dims, max_dims):
    ndim = draw(st.integers(min_dims, max_dims))
    return tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))


@pytest.mark.parametrize("name, fn, ref, min_dims, max_dims", OPS, ids=IDS)
def test_values_match_numpy(name, fn, ref, min_dims, max_dims):
    for layout in ("C", "T", "strided"):
        a = uniform(0, (2, 3, 4)[3 - max_dims:])
        out = fn(laid_out(a, layout))
        np.testing.assert_array_equal(out.numpy(), ref(a), err_msg=f"{name} on a {layout} input")


@pytest.mark.parametrize("name, fn, ref, min_dims, max_dims", OPS, ids=IDS)
def test_gradients(name, fn, ref, min_dims, max_dims):
    @settings(max_examples=6)
    @given(seed=seeds, layout=layouts, shape=cases(min_dims, max_dims))
    def run(seed, layout, shape):
        x = laid_out(uniform(seed, shape), layout)
        check(fn, x)
        np.testing.assert_array_equal(fn(x).numpy(), ref(x.numpy()))
    run()


PAIRS = {"broadcast_tensors": (lambda x, y: tg.broadcast_tensors(x, y), (3, 1), (4,)),
         "meshgrid": (lambda x, y: tg.meshgrid(x, y, indexing="ij"), (3,), (4,)),
         "column_stack": (lambda x, y: tg.column_stack([x, y]), (3,), (3, 2)),
         "hstack": (lambda x, y: tg.hstack([x, y]), (3, 1), (3, 2)),
         "dstack": (lambda x, y: tg.dstack([x, y]), (2, 3), (2, 3, 2)),
         "atleast_2d": (lambda x, y: tg.atleast_2d(x, y), (3,), (2, 3))}


@pytest.mark.parametrize("fn, shape_x, shape_y", PAIRS.values(), ids=PAIRS.keys())
@settings(max_examples=6)
@given(seed=seeds, layout_x=layouts, layout_y=layouts)
def test_gradients_of_two_inputs(fn, shape_x, shape_y, seed, layout_x, layout_y):
    check(fn, laid_out(uniform(seed, shape_x), layout_x), laid_out(uniform(seed + 1, shape_y), layout_y))


@pytest.mark.parametrize("fn", [lambda x: x.flip(0).roll(1, 1), lambda x: tg.diag_embed(x).tril(),
                                lambda x: x.repeat(2, 1).diagonal()], ids=["flip_roll", "diag_embed_tril", "repeat_diag"])
def test_second_derivatives(fn):
    x = laid_out(uniform(3, (3, 3)), "T")
    assert tg.gradgradcheck(lambda x: fn(x) ** 2, (x,))


# ---------------------------------------------------------------------------------------------
# views and copies
# ---------------------------------------------------------------------------------------------

VIEWS = {"t": lambda x: x.t(), "mT": lambda x: x.mT, "movedim": lambda x: x.movedim(0, 1),
         "narrow": lambda x: x.narrow(1, 1, 2), "split": lambda x: x.split(2, 1)[1],
         "chunk": lambda x: x.chunk(2)[0], "tensor_split": lambda x: x.tensor_split(2, 1)[1],
         "unbind": lambda x: x.unbind(1)[2], "diagonal": lambda x: x.diagonal(1),
         "broadcast_to": lambda x: tg.broadcast_to(x, (2, 3, 4)), "unflatten": lambda x: x.unflatten(1, (2, 2)),
         "meshgrid": lambda x: tg.meshgrid(x[0], x[1])[1], "view_as": lambda x: x.view_as(tg.zeros(12))}
COPIES = {"flip": lambda x: x.flip(0), "roll_0": lambda x: x.roll(0, 0), "roll": lambda x: x.roll(1),
          "repeat_1": lambda x: x.repeat(1, 1), "tile": lambda x: x.tile((2,)),
          "repeat_interleave": lambda x: x.repeat_interleave(1), "diag": lambda x: x.diag(),
          "tril": lambda x: x.tril(), "contiguous_T": lambda x: x.T.contiguous(), "vstack": lambda x: tg.vstack([x])}


@pytest.mark.parametrize("fn", VIEWS.values(), ids=VIEWS.keys())
def test_views_share_memory_and_version(fn):
    x = tg.arange(12.0).reshape(3, 4)
    y = fn(x)
    assert np.shares_memory(y.numpy(), x.numpy())
    x.add_(1)
    assert y._version == x._version == 1


@pytest.mark.parametrize("fn", COPIES.values(), ids=COPIES.keys())
def test_copies_do_not_share_memory(fn):
    x = tg.arange(12.0).reshape(3, 4)
    before = fn(x).numpy().copy()
    y = fn(x)
    x.add_(1)
    np.testing.assert_array_equal(y.numpy(), before)
    assert y._version == 0


def test_contiguous_is_row_major():
    x = tg.arange(6.0).reshape(2, 3)
    assert x.contiguous() is x
    y = x.T.contiguous()
    assert y.numpy().flags.c_contiguous and y.tolist() == [[0, 3], [1, 4], [2, 5]]
    assert y.view(-1).tolist() == [0, 3, 1, 4, 2, 5]


# ---------------------------------------------------------------------------------------------
# arguments: the spellings PyTorch accepts
# ---------------------------------------------------------------------------------------------

def test_several_argument_spellings():
    x = tg.arange(6).reshape(2, 3)
    assert x.permute(1, 0).tolist() == x.permute((1, 0)).tolist() == x.permute([1, 0]).tolist()
    assert x.repeat(2, 3).tolist() == x.repeat((2, 3)).tolist() == np.tile(x.numpy(), (2, 3)).tolist()
    assert x.flip(0, 1).tolist() == x.flip((0, 1)).tolist() == tg.flip(x, [0, 1]).tolist()
    assert x.tile(2).tolist() == tg.tile(x, (1, 2)).tolist()
    a, b = Tensor([1, 2]), Tensor([3, 4, 5])
    assert [g.tolist() for g in tg.meshgrid(a, b)] == [g.tolist() for g in tg.meshgrid([a, b], indexing="ij")]
    assert tg.atleast_1d(a) is a and len(tg.atleast_1d(a, b)) == 2 and len(tg.atleast_1d([a])) == 1
    assert x.narrow(1, Tensor(-2), 2).tolist() == [[1, 2], [4, 5]]
    assert x.unflatten(1, [3, 1]).shape == (2, 3, 1)
    assert [p.shape for p in x.split(Tensor(2), 1)] == [(2, 2), (2, 1)]


def test_repeat_interleave_with_tensor_repeats():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tg.float64, requires_grad=True)
    out = x.repeat_interleave(Tensor([2, 0]), dim=0, output_size=2)
    assert out.tolist() == [[1, 2], [1, 2]]
    out.sum().backward()
    assert x.grad.tolist() == [[2, 2], [0, 0]]  # repeated rows accumulate
    assert tg.repeat_interleave(Tensor([1, 0, 2])).tolist() == [0, 2, 2]
    assert tg.repeat_interleave(Tensor([2, 1], dtype=tg.int32)).dtype == tg.int32
    check(lambda x: x.repeat_interleave(Tensor([1, 3]), 1), laid_out(uniform(1, (3, 2)), "T"))


def test_tensor_split_by_index_tensor_and_sections_tensor():
    x = tg.arange(7)
    assert [p.tolist() for p in x.tensor_split(Tensor([2, 5]))] == [[0, 1], [2, 3, 4], [5, 6]]
    assert [p.tolist() for p in x.tensor_split(Tensor(3))] == [[0, 1, 2], [3, 4], [5, 6]]


def test_split_and_chunk_edge_sizes():
    assert [p.shape for p in tg.zeros(5, 2).split([0, 5])] == [(0, 2), (5, 2)]
    assert [p.shape for p in tg.zeros(0).split(2)] == [(0,)]
    assert [p.shape for p in tg.zeros(0).chunk(3)] == [(0,), (0,), (0,)]
    assert [p.shape for p in tg.zeros(6).chunk(4)] == [(2,), (2,), (2,)]


def test_issue_15_fixes():
    assert tg.transpose(Tensor(2.0), 0, -1).shape == () and Tensor(2.0).swapaxes(0, 0).item() == 2.0
    assert tg.zeros(0, 3, 2).flatten(1).shape == (0, 6)
    assert tg.zeros(2, 3).permute((1, 0)).shape == (3, 2)
    with pytest.raises(TypeError):
        Tensor(2.0).permute()
    with pytest.raises(RuntimeError, match="permute"):
        tg.zeros(3).permute(1, 0)
    with pytest.raises(IndexError):
        Tensor(2.0).flatten(1)
    with pytest.raises(RuntimeError, match="flatten"):
        tg.zeros(2, 3).flatten(1, 0)
    with pytest.raises(RuntimeError):
        tg.zeros(2).item()
    with pytest.raises(RuntimeError):
        bool(tg.zeros(2))


ERRORS = [
    (RuntimeError, lambda: tg.zeros(2, 3, 4).t()),
    (RuntimeError, lambda: tg.zeros(3).mT),
    (RuntimeError, lambda: tg.zeros(2, 3, 4).H),
    (RuntimeError, lambda: tg.fliplr(tg.zeros(3))),
    (RuntimeError, lambda: tg.zeros(3).flip(0, 0)),
    (RuntimeError, lambda: tg.roll(tg.zeros(2, 3), (1, 2))),
    (RuntimeError, lambda: tg.zeros(2, 3).repeat(2)),
    (RuntimeError, lambda: tg.zeros(3).repeat_interleave(Tensor([1, 2]))),
    (RuntimeError, lambda: tg.zeros(3).repeat_interleave(-1)),
    (NotImplementedError, lambda: tg.zeros(3).repeat_interleave(Tensor([1.0, 2.0, 3.0]))),
    (RuntimeError, lambda: tg.zeros(3).split([1, 1])),
    (RuntimeError, lambda: tg.zeros(3).chunk(0)),
    (RuntimeError, lambda: tg.zeros(3).tensor_split(0)),
    (IndexError, lambda: Tensor(1.0).unbind()),
    (RuntimeError, lambda: tg.zeros(3).narrow(0, 2, 2)),
    (IndexError, lambda: tg.zeros(3).narrow(0, -4, 1)),
    (RuntimeError, lambda: tg.zeros(3).unfold(0, 4, 1)),
    (RuntimeError, lambda: tg.zeros(3, 3).diagonal(0, 1, 1)),
    (RuntimeError, lambda: tg.diag(tg.zeros(2, 2, 2))),
    (RuntimeError, lambda: tg.tril(tg.zeros(3))),
    (RuntimeError, lambda: tg.meshgrid(tg.zeros(2), tg.zeros(2, dtype=tg.int64))),
    (RuntimeError, lambda: tg.meshgrid(tg.zeros(2, 2))),
    (ValueError, lambda: tg.meshgrid(tg.zeros(2), indexing="yx")),
    (RuntimeError, lambda: tg.broadcast_tensors(tg.zeros(2), tg.zeros(3))),
    (RuntimeError, lambda: tg.unflatten(tg.zeros(2, 6), 1, (4, -1))),
    (RuntimeError, lambda: tg.movedim(tg.zeros(2, 3), (0, 1), 0)),
    (RuntimeError, lambda: tg.hstack([])),
    (TypeError, lambda: tg.zeros(3).flip()),
    (TypeError, lambda: tg.zeros(3).repeat()),
]


@pytest.mark.parametrize("exc, fn", ERRORS, ids=range(len(ERRORS)))
def test_errors(exc, fn):
    with pytest.raises(exc):
        fn()
