"""Indexing and scatter ops and in-place updates inside the graph: gradients against central
differences (float64 gradcheck, Hypothesis shapes, transposed and strided inputs), hand-derived
gradients (scatter_reduce's prod at zeros and amax at ties, setitem's overwritten positions),
and the rules of in-place updates (history rebased, older nodes keep the old value, views
update their base, the version counters refuse only what a backward reads)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite import Tensor

from helpers import check, const, distinct, leaf, rng_of, seeds, shapes, uniform

LAYOUTS = ("C", "T", "strided")


def laid_out(array, layout):
    """A leaf with the values of ``array`` in a non-contiguous layout: transposed memory, or
    every other element of a wider array."""
    if layout == "T" and array.ndim >= 2:
        return Tensor(np.ascontiguousarray(array.T).T, requires_grad=True)
    if layout == "strided" and array.ndim >= 1:
        wide = np.zeros(array.shape[:-1] + (2 * array.shape[-1],))
        wide[..., ::2] = array
        return Tensor(wide[..., ::2], requires_grad=True)
    return leaf(array)


def index(seed, shape, n):
    return const(rng_of(seed).integers(0, n, shape), np.int64)


# ---------------------------------------------------------------------------------------------
# gradients against finite differences
# ---------------------------------------------------------------------------------------------

@given(shape=shapes(min_dims=1), seed=seeds, layout=st.sampled_from(LAYOUTS))
def test_masked_fill_select_scatter(shape, seed, layout):
    x = laid_out(uniform(seed, shape), layout)
    mask = const(rng_of(seed).random(shape[-1:]) < 0.5, np.bool_)
    value = leaf(0.5)
    check(lambda a, v: a.masked_fill(mask, v), x, value)
    check(lambda a: a.masked_select(mask), x)
    source = leaf(uniform(seed + 1, (int(np.prod(shape)) + 2,)))
    check(lambda a, s: a.masked_scatter(mask, s), x, source)


@given(shape=shapes(min_dims=1), seed=seeds, layout=st.sampled_from(LAYOUTS), data=st.data())
def test_index_select_add_copy_fill(shape, seed, layout, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    x = laid_out(uniform(seed, shape), layout)
    idx = index(seed, (5,), n)
    source_shape = shape[:dim % len(shape)] + (5,) + shape[dim % len(shape) + 1:]
    source = leaf(uniform(seed + 1, source_shape))
    check(lambda a: a.index_select(dim, idx), x)
    check(lambda a, s: a.index_add(dim, idx, s, alpha=-1.5), x, source)
    unique = const(rng_of(seed).permutation(n)[:max(1, n - 1)], np.int64)
    copied = leaf(uniform(seed + 2, source_shape[:dim % len(shape)] + (len(unique),) + shape[dim % len(shape) + 1:]))
    check(lambda a, s: a.index_copy(dim, unique, s), x, copied)
    check(lambda a, v: a.index_fill(dim, idx, v), x, leaf(2.0))


@given(seed=seeds, layout=st.sampled_from(LAYOUTS), rows=st.integers(1, 4), cols=st.integers(1, 4))
def test_scatter_family(seed, layout, rows, cols):
    x = laid_out(distinct(seed, (3, cols)), layout)
    idx = index(seed, (rows, cols), 3)
    src = leaf(distinct(seed + 1, (rows + 1, cols)))
    check(lambda a, s: a.scatter_add(0, idx, s), x, src)
    check(lambda a, s: a.scatter(0, idx, s, reduce="add"), x, src)
    unique = const(np.stack([rng_of(seed + j).permutation(3) for j in range(cols)], 1)[:min(rows, 3)], np.int64)
    check(lambda a, s: a.scatter(0, unique, s), x, src)
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            check(lambda a, s: a.scatter_reduce(0, idx, s, reduce, include_self=include_self), x, src)


@given(shape=shapes(min_dims=2, max_dims=2), seed=seeds, layout=st.sampled_from(LAYOUTS))
def test_take_and_take_along_dim(shape, seed, layout):
    x = laid_out(uniform(seed, shape), layout)
    size = int(np.prod(shape))
    check(lambda a: a.take(index(seed, (2, 3), size) - size // 2), x)
    check(lambda a: tg.take_along_dim(a, index(seed, (1, 5), shape[1]), 1), x)
    check(lambda a: a.take_along_dim(index(seed, (4,), size)), x)


@given(seed=seeds, layout=st.sampled_from(LAYOUTS), accumulate=st.booleans())
def test_index_put_and_setitem(seed, layout, accumulate):
    x = laid_out(uniform(seed, (3, 4)), layout)
    idx = index(seed, (5,), 3)
    values = leaf(uniform(seed + 1, (4,)))
    check(lambda a, v: tg.index_put(a, (idx,), v, accumulate=accumulate), x, values)

    def assign(a, v):
        c = a * 1
        c[Tensor([2, 0]), 1:3] = v
        c[c > 1.5] = v.sum()
        return c
    check(assign, x, leaf(uniform(seed + 2, (2,))))


@given(shape=shapes(), seed=seeds, layout=st.sampled_from(LAYOUTS))
def test_in_place_updates_inside_the_graph(shape, seed, layout):
    x = laid_out(uniform(seed, shape), layout)
    y = leaf(uniform(seed + 1, shape) + 3)

    def updates(a, b):
        c = a * 1
        c += c + 1
        c.mul_(b).relu_()
        c.clamp_(-0.5, 4).sub_(b, alpha=0.5).div_(b)
        return c.masked_fill_(a > 1.5, 0.25)
    check(updates, x, y)


def test_in_place_through_views_gradcheck():
    def through_views(a):
        b = a * 2
        b.T[0].mul_(a[:, 0])  # a view of a view: both bases are rebased
        b[1:, ::2] += 1
        return b * b
    check(through_views, leaf(uniform(0, (3, 4))))


# ---------------------------------------------------------------------------------------------
# hand-derived gradients
# ---------------------------------------------------------------------------------------------

def test_scatter_reduce_prod_gradient_with_a_zero():
    x = leaf([2.0, 3.0])
    src = leaf([0.0, 5.0, 4.0])
    out = x.scatter_reduce(0, Tensor([0, 0, 1]), src, "prod")  # [2*0*5, 3*4]
    out.backward(Tensor([1.0, 1.0]))
    np.testing.assert_array_equal(out.numpy(), [0.0, 12.0])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 4.0])
    np.testing.assert_array_equal(src.grad.numpy(), [10.0, 0.0, 3.0])  # d/d0 of 2*0*5 is 10


def test_scatter_reduce_amax_splits_the_gradient_between_ties():
    x = leaf([5.0, 1.0])
    src = leaf([5.0, 2.0, 5.0])
    x.scatter_reduce(0, Tensor([0, 0, 0]), src, "amax").sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1 / 3, 1.0])
    np.testing.assert_allclose(src.grad.numpy(), [1 / 3, 0.0, 1 / 3])


def test_scatter_reduce_mean_of_integers_floors():
    out = Tensor([1, 2, 3]).scatter_reduce(0, Tensor([0, 0, 1, 1]), Tensor([2, 3, -4, -1]), "mean",
                                           include_self=False)
    np.testing.assert_array_equal(out.numpy(), [2, -3, 3])


def test_setitem_gradient_skips_overwritten_positions_and_reaches_the_value():
    x = leaf([1.0, 2.0, 3.0])
    v = leaf(7.0)
    y = x * 1
    y[1] = v * 2
    assert not y.is_leaf and y.requires_grad
    (y * Tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(y.numpy(), [1.0, 14.0, 3.0])
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.0, 100.0])
    np.testing.assert_array_equal(v.grad.numpy(), 20.0)


def test_setitem_into_a_constant_records_the_value():
    w = leaf([1.0, 2.0])
    a = tg.zeros(2, 3, dtype=tg.float64)
    a[:, 1] = w
    assert a.requires_grad and not a.is_leaf
    (a * a).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 4.0])


def test_index_put_accumulates_repeated_indices():
    v = leaf([1.0, 2.0, 3.0])
    out = tg.index_put(tg.zeros(2, dtype=tg.float64), (Tensor([1, 1, 0]),), v, accumulate=True)
    np.testing.assert_array_equal(out.numpy(), [3.0, 3.0])
    out.backward(Tensor([10.0, 1.0], dtype=tg.float64))
    np.testing.assert_array_equal(v.grad.numpy(), [1.0, 1.0, 10.0])


def test_nonzero_argwhere_and_where_with_one_argument():
    x = Tensor([[0.0, 1.5], [-2.0, 0.0]])
    np.testing.assert_array_equal(x.nonzero().numpy(), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(tg.argwhere(x).numpy(), [[0, 1], [1, 0]])
    rows, cols = tg.where(x != 0)
    np.testing.assert_array_equal(rows.numpy(), [0, 1])
    np.testing.assert_array_equal(cols.numpy(), [1, 0])
    assert [t.tolist() for t in Tensor(3.0).nonzero(as_tuple=True)] == [[0]]


# ---------------------------------------------------------------------------------------------
# in-place updates: the rules
# ---------------------------------------------------------------------------------------------

def test_nodes_recorded_before_an_update_see_the_old_value():
    x = leaf([1.0, -2.0, 3.0])
    y = x * 2
    z = y * 3  # uses y before the update
    y.mul_(2)
    (z.sum() + y.sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [10.0, 10.0, 10.0])  # 6 through z, 4 through y


def test_an_update_with_itself_as_operand_uses_the_old_value():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.add_(y).add_(y[0])  # y = 2y, then y + y[0]
    y.sum().backward(retain_graph=True)  # retained: a loop over the graph would not end
    np.testing.assert_array_equal(y.numpy(), [12.0, 18.0])
    np.testing.assert_array_equal(x.grad.numpy(), [18.0, 6.0])
    z = x * 1
    z.mul_(z)  # Mul reads the other operand, z itself, which the update changed: as PyTorch
    with pytest.raises(RuntimeError, match="modified in place"):
        z.sum().backward()


def test_update_history_replaces_the_node():
    x = leaf([1.0, -2.0])
    y = x * 2
    node = y.grad_fn
    assert y.relu_() is y and y.grad_fn is not node
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.0])


def test_in_place_update_of_a_leaf_is_an_error_and_of_its_view_too():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf"):
        x.mul_(2)
    with pytest.raises(RuntimeError, match="leaf"):
        x[0].add_(1)
    with pytest.raises(RuntimeError, match="leaf"):
        x.masked_fill_(Tensor([True, False]), 0.0)
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])


def test_a_constant_updated_with_a_tensor_that_requires_grad_joins_the_graph():
    w = leaf([1.0, 2.0])
    a = tg.zeros(2, dtype=tg.float64)
    a.add_(w, alpha=3)
    assert a.requires_grad and not a.is_leaf
    a.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 3.0])


def test_update_through_a_view_updates_the_base():
    x = leaf([1.0, -2.0, 3.0, 4.0])
    b = x * 2
    t = b[1:3]
    t.mul_(3)
    t.add_(1)  # t is still a view of b: b sees both updates
    np.testing.assert_array_equal(b.numpy(), [2.0, -11.0, 19.0, 8.0])
    b.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 6.0, 6.0, 2.0])


def test_changing_a_value_a_backward_reads_is_refused_naming_the_op():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * x  # Mul reads y for x's gradient
    y.mul_(2)
    with pytest.raises(RuntimeError, match="mul"):
        z.sum().backward()


def test_changing_a_value_no_backward_reads_is_allowed():
    x = leaf([1.0, 2.0])
    y = x.exp()
    z = y + 1  # Add reads no values; Exp reads its output y, which the update keeps a copy of
    y.add_(1)
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2.0]))


def test_a_modification_outside_the_graph_is_still_detected():
    x = leaf([1.0, 2.0])
    y = x.exp()  # Exp reads its output
    with tg.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match="exp"):
        y.sum().backward()


def test_updates_outside_the_graph_keep_the_tensor_a_leaf_with_the_same_memory():
    w = leaf([1.0, 2.0])
    array = w.numpy()
    with tg.no_grad():
        w.add_(Tensor([1.0, 1.0], dtype=tg.float64), alpha=-0.5)
        w.masked_fill_(Tensor([False, True]), 0.0)
        w[0] = 9
    w.data.add_(1)
    assert w.is_leaf and w.grad_fn is None and w.numpy() is array
    np.testing.assert_array_equal(array, [10.0, 1.0])


def test_update_of_an_expanded_tensor_is_an_error():
    c = (leaf([1.0, 2.0]) * 1).expand(3, 2)
    with pytest.raises(RuntimeError, match="memory location"):
        c.add_(1)


# ---------------------------------------------------------------------------------------------
# PyTorch's conversions and errors
# ---------------------------------------------------------------------------------------------

def test_setitem_converts_python_numbers_as_pytorch():
    u = tg.zeros(3, dtype=tg.uint8)
    u[0] = -2
    i = tg.zeros(2, dtype=tg.int8)
    i[0] = -2.7
    assert u.tolist() == [254, 0, 0] and i.tolist() == [-2, 0]
    with pytest.raises(RuntimeError, match="overflow"):
        i[1] = 300
    i[:] = [3, 4]  # sequences and arrays are assigned as they are
    i[1:] = np.array([5])
    assert i.tolist() == [3, 5]


@pytest.mark.parametrize("call, error", [
    (lambda x: x.index_select(0, Tensor([2])), IndexError),
    (lambda x: x.index_select(0, Tensor([2])), RuntimeError),
    (lambda x: x.gather(0, Tensor([[2, 0]])), RuntimeError),
    (lambda x: x.masked_fill(Tensor([[1, 0]]), 1.0), RuntimeError),
    (lambda x: x.masked_fill(Tensor([True, False]), Tensor([1.0])), RuntimeError),
    (lambda x: x.masked_scatter(Tensor([True, True]), Tensor([1.0])), RuntimeError),
    (lambda x: x.scatter(0, Tensor([[0]]), 1.0, reduce="mean"), RuntimeError),
    (lambda x: x.scatter_reduce(0, Tensor([[0]]), x, "median"), RuntimeError),
    (lambda x: x.take(Tensor([9])), IndexError),
    (lambda x: tg.index_put(x, (Tensor([0]),), 1.0), TypeError),
    (lambda x: x.index_add(0, Tensor([0]), Tensor([[1.0, 2.0]], dtype=tg.float64)), RuntimeError),
])
def test_bad_arguments_raise_pytorchs_exception_type(call, error):
    with pytest.raises(error):
        call(Tensor([[1.0, 2.0], [3.0, 4.0]]))


def test_second_derivatives_through_scatter_and_index_put():
    x = leaf(distinct(1, (3, 2)))
    src = leaf(distinct(2, (2, 2)))
    idx = Tensor([[0, 2], [0, 1]])
    assert tg.gradgradcheck(lambda a, s: a.scatter_reduce(0, idx, s, "amax") ** 2, (x, src))
    assert tg.gradgradcheck(lambda a, s: tg.index_put(a, (Tensor([1, 1]),), s, accumulate=True) ** 3, (x, src))

    def updated(a):
        c = a * a
        c[0] = c[1].clone() * a[0]  # (c[1] itself would be a view of c, changed by the update)
        return c.relu_()
    assert tg.gradgradcheck(updated, (x,))
