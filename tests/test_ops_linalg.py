"""Products, norms and torch.linalg (ops/linalg.py, tinygrad_lite.linalg): values against NumPy
and defining identities (Q R = A, U S Vh = A, ...), gradients against central differences in
float64 over Hypothesis shapes, batches, broadcasts and transposed or strided layouts, second
derivatives through the recorded backward, closed forms (the cofactor matrix, x / |x|), and
the errors PyTorch raises (LinAlgError for singular and indefinite matrices, shape and dtype
errors)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite import Tensor
from tinygrad_lite.autograd import grad

from helpers import check, const, leaf, rng_of, seeds, sides, uniform

L = tg.linalg
dims = st.integers(1, 3)


def laid_out(array, layout):
    """A float64 leaf holding ``array`` in a contiguous, transposed (the transpose of a contiguous
    array) or strided (every other column of a wider array) NumPy array."""
    if layout == "T" and array.ndim >= 2:
        return Tensor(np.swapaxes(np.ascontiguousarray(np.swapaxes(array, -1, -2)), -1, -2), requires_grad=True)
    if layout == "strided" and array.ndim >= 1:
        wide = np.zeros(array.shape[:-1] + (2 * array.shape[-1],))
        wide[..., ::2] = array
        return Tensor(wide[..., ::2], requires_grad=True)
    return leaf(array)


layouts = st.sampled_from(["C", "T", "strided"])


def spd(x):
    """A symmetric positive-definite matrix (batch) built from x, differentiably."""
    return x @ x.transpose(-2, -1) + x.shape[-1] * tg.eye(x.shape[-1], dtype=tg.float64)


def well_conditioned(seed, shape):
    """Random square matrices kept away from singular: the identity times n plus noise."""
    n = shape[-1]
    return uniform(seed, shape, -1, 1) + n * np.eye(n)


# ---------------------------------------------------------------------------------------------
# products
# ---------------------------------------------------------------------------------------------

@given(seed=seeds, n=sides, k=sides, m=sides, layout=layouts)
def test_mm_mv_dot_outer_values_and_gradients(seed, n, k, m, layout):
    a, b = uniform(seed, (n, k)), uniform(seed + 1, (k, m))
    x, y = laid_out(a, layout), laid_out(b, layout)
    np.testing.assert_allclose(tg.mm(x, y).numpy(), a @ b)
    np.testing.assert_allclose(x.mv(y[:, 0]).numpy(), a @ b[:, 0])
    np.testing.assert_allclose(tg.dot(x[0], y[:, 0]).numpy(), a[0] @ b[:, 0])
    np.testing.assert_allclose(tg.outer(x[:, 0], y[0]).numpy(), np.outer(a[:, 0], b[0]))
    check(lambda x, y: tg.mm(x, y), x, y)
    check(lambda x, y: x.mv(y[:, 0]) + tg.vdot(x[0], y[:, 0]), x, y)
    check(lambda x, y: tg.outer(x[:, 0], y[0]) + x[:, 0].ger(y[0]), x, y)


@given(seed=seeds, b=sides, n=sides, k=sides, m=sides, layout=layouts)
def test_batched_products_with_beta_and_alpha(seed, b, n, k, m, layout):
    x, y = laid_out(uniform(seed, (b, n, k)), layout), laid_out(uniform(seed + 1, (b, k, m)), layout)
    c = leaf(uniform(seed + 2, (m,)))  # broadcast to the product's shape
    np.testing.assert_allclose(tg.bmm(x, y).numpy(), x.numpy() @ y.numpy())
    np.testing.assert_allclose(tg.baddbmm(c, x, y, beta=0.5, alpha=2).numpy(),
                               0.5 * c.numpy() + 2 * (x.numpy() @ y.numpy()))
    np.testing.assert_allclose(tg.addbmm(c, x, y, beta=2).numpy(),
                               2 * c.numpy() + (x.numpy() @ y.numpy()).sum(0))
    check(lambda c, x, y: tg.baddbmm(c, x, y, beta=0.5, alpha=2), c, x, y)
    check(lambda c, x, y: c.addbmm(x, y, alpha=3), c, x, y)
    check(lambda c, x, y: tg.addmm(c, x[0], y[0], beta=2), c, x, y)
    check(lambda c, x: tg.addmv(c[:1], x[0].T, x[0][:, 0], alpha=0.5), c, x)


def test_addmm_with_beta_zero_ignores_nan_in_input():
    out = tg.addmm(Tensor([np.nan, 1.0]), tg.ones(1, 2), tg.ones(2, 2), beta=0)
    assert out.tolist() == [[2.0, 2.0]]


@given(seed=seeds, shape_a=st.lists(sides, min_size=1, max_size=3), extra=st.lists(sides, max_size=2),
       contracted=st.integers(0, 2))
def test_tensordot_and_inner_against_numpy(seed, shape_a, extra, contracted):
    contracted = min(contracted, len(shape_a))
    a = uniform(seed, shape_a)
    b = uniform(seed + 1, tuple(shape_a[len(shape_a) - contracted:]) + tuple(extra))
    x, y = leaf(a), leaf(b)
    np.testing.assert_allclose(tg.tensordot(x, y, contracted).numpy(), np.tensordot(a, b, contracted))
    check(lambda x, y: tg.tensordot(x, y, contracted), x, y)
    c = uniform(seed + 2, tuple(extra) + (shape_a[-1],))
    np.testing.assert_allclose(tg.inner(x, const(c)).numpy(), np.inner(a, c))
    check(lambda x: x.inner(const(c)), x)


def test_tensordot_with_lists_of_dims():
    a, b = uniform(0, (2, 3, 4)), uniform(1, (4, 2, 5))
    out = tg.tensordot(leaf(a), leaf(b), dims=([2, 0], [0, 1]))
    np.testing.assert_allclose(out.numpy(), np.tensordot(a, b, axes=([2, 0], [0, 1])))


@given(seed=seeds, sa=st.lists(sides, max_size=3), sb=st.lists(sides, max_size=3))
def test_kron_against_numpy(seed, sa, sb):
    a, b = uniform(seed, sa), uniform(seed + 1, sb)
    np.testing.assert_allclose(tg.kron(leaf(a), leaf(b)).numpy(), np.kron(a, b))
    check(lambda x, y: x.kron(y), leaf(a), leaf(b))


@given(seed=seeds, n=sides, power=st.integers(-3, 4), batch=st.lists(sides, max_size=2))
def test_matrix_power_against_numpy(seed, n, power, batch):
    a = well_conditioned(seed, tuple(batch) + (n, n)) / n
    np.testing.assert_allclose(tg.matrix_power(leaf(a), power).numpy(),
                               np.linalg.matrix_power(a, power), rtol=1e-9, atol=1e-12)
    check(lambda x: x.matrix_power(power), leaf(a))


def test_matrix_power_zero_is_the_identity_with_a_zero_gradient():
    x = leaf(uniform(0, (2, 3, 3)))
    out = tg.matrix_power(x, 0)
    np.testing.assert_array_equal(out.numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3, 3)))


@given(seed=seeds, n=sides, k=sides, m=sides)
def test_multi_dot_and_chain_matmul(seed, n, k, m):
    a, b, c = uniform(seed, (n, k)), uniform(seed + 1, (k, m)), uniform(seed + 2, (m, 2))
    np.testing.assert_allclose(tg.chain_matmul(leaf(a), leaf(b), leaf(c)).numpy(), a @ b @ c)
    np.testing.assert_allclose(L.multi_dot([leaf(a[0]), leaf(b), leaf(c[:, 0])]).numpy(), a[0] @ b @ c[:, 0])
    check(lambda x, y, z: L.multi_dot([x, y, z]), leaf(a), leaf(b), leaf(c))


@given(seed=seeds, rows=sides, layout=layouts)
def test_cross_against_numpy_with_broadcasting(seed, rows, layout):
    a, b = uniform(seed, (rows, 3)), uniform(seed + 1, (1, 3))
    x, y = laid_out(a, layout), laid_out(b, "C")
    np.testing.assert_allclose(L.cross(x, y).numpy(), np.cross(a, b))
    np.testing.assert_allclose(tg.cross(x.T, y.T.expand(3, rows), dim=0).numpy(), np.cross(a, b).T)
    check(lambda x, y: L.cross(x, y), x, y)


def test_cross_by_default_takes_the_first_dimension_of_size_3():
    a, b = uniform(0, (3, 3, 4)), uniform(1, (3, 3, 4))
    np.testing.assert_allclose(tg.cross(leaf(a), leaf(b)).numpy(), np.cross(a, b, axis=0))
    with pytest.raises(RuntimeError):
        tg.cross(tg.ones(4, 4), tg.ones(4, 4))


# --- einsum ----------------------------------------------------------------------------------

EINSUM = [  # (equation, operand shapes)
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("...ij,...jk", [(5, 2, 3), (3, 4)]),
    ("i,j->ij", [(2,), (3,)]), ("i,i->", [(3,), (3,)]), ("i,i->i", [(1,), (3,)]),
    ("ijk->kji", [(2, 3, 4)]), ("iij->ij", [(3, 3, 2)]), ("ba...", [(5, 2, 3)]),
    ("i...->...", [(5, 2, 3)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("ij,ij->", [(2, 3), (2, 3)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]), ("i,j,k->ijk", [(2,), (3,), (4,)]),
    ("ab,cd->", [(2, 3), (4, 5)]), ("aB", [(2, 3)]), ("iji->j", [(3, 2, 3)]), ("...,...->...", [(2, 3), (3,)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]), ("ij,jk->ik", [(0, 3), (3, 4)]),
]


@pytest.mark.parametrize("equation, shapes", EINSUM)
def test_einsum_against_numpy_and_its_gradient(equation, shapes):
    arrays = [uniform(i, s) for i, s in enumerate(shapes)]
    ours = tg.einsum(equation, *[leaf(a) for a in arrays])
    np.testing.assert_allclose(ours.numpy(), np.einsum(equation.replace(" ", ""), *arrays), atol=1e-12)
    if ours.numel():
        check(lambda *xs: tg.einsum(equation, *xs), *[leaf(a) for a in arrays])


def test_einsum_takes_operands_as_a_list_or_as_sublists():
    a, b = uniform(0, (2, 3)), uniform(1, (3, 4))
    np.testing.assert_allclose(tg.einsum("ij,jk", [leaf(a), leaf(b)]).numpy(), a @ b)
    np.testing.assert_allclose(tg.einsum(leaf(a), [0, 1], leaf(b), [1, 2], [0, 2]).numpy(), a @ b)
    np.testing.assert_allclose(tg.einsum(leaf(a), [0, Ellipsis]).numpy(), a.T)


def test_einsum_second_derivative():
    assert tg.gradgradcheck(lambda x, y: tg.einsum("bij,bjk->bik", x, y),
                            (leaf(uniform(0, (2, 3, 4))), leaf(uniform(1, (2, 4, 2)))))


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ikk", [(2, 3), (3, 4)]), ("ij,jk->", [(2, 3), (4, 4)]), ("ij,jk", [(2, 3)]),
    ("i->j", [(2,)]), ("ii", [(2, 3)]), ("ij", [(2, 3, 4)]), ("i1", [(2, 3)])])
def test_einsum_refuses_what_pytorch_refuses(equation, shapes):
    with pytest.raises(RuntimeError if equation != "i1" else ValueError):
        tg.einsum(equation, *[tg.ones(*s) for s in shapes])


# --- dtypes and shapes ---------------------------------------------------------------------------

def test_integer_products_keep_their_dtype():
    a = Tensor(np.arange(6, dtype=np.int32).reshape(2, 3))
    assert tg.mm(a, a.T).dtype == np.int32 and tg.mm(a, a.T).tolist() == [[5, 14], [14, 50]]
    assert tg.einsum("ij->j", a).dtype == np.int64  # a sum, as PyTorch's
    assert tg.addbmm(a[:1, :1].reshape(1), a.reshape(1, 2, 3), a.reshape(1, 3, 2)).dtype == np.int32


@pytest.mark.parametrize("fn", [
    lambda a, b: tg.mm(a, b.T), lambda a, b: a @ b.T, lambda a, b: tg.dot(a[0], b[0]),
    lambda a, b: tg.nn.functional.linear(a, b), lambda a, b: tg.einsum("ij,kj", a, b),
    lambda a, b: tg.linalg.cross(a, b)])
def test_products_of_bool_raise_as_in_pytorch(fn):
    b = Tensor(np.ones((2, 3), bool))
    with pytest.raises(NotImplementedError):
        fn(b, b)


def test_empty_bool_products_answer():
    assert (Tensor(np.ones((0, 3), bool)) @ Tensor(np.ones((3, 2), bool))).shape == (0, 2)


@pytest.mark.parametrize("fn", [
    lambda a, b: tg.mm(a, b.T), lambda a, b: tg.bmm(a[None], b[None]), lambda a, b: tg.dot(a[0], b[0]),
    lambda a, b: tg.tensordot(a, b.T, 1), lambda a, b: tg.inner(a, b)])
def test_mixed_dtypes_raise_a_runtime_error(fn):
    with pytest.raises(RuntimeError):
        fn(tg.ones(2, 3), tg.ones(2, 3, dtype=tg.float64))


@pytest.mark.parametrize("fn", [
    lambda: tg.mm(tg.ones(2, 3), tg.ones(2, 3)), lambda: tg.mm(tg.ones(3), tg.ones(3, 2)),
    lambda: tg.bmm(tg.ones(2, 2, 3), tg.ones(3, 3, 2)), lambda: tg.mv(tg.ones(2, 3), tg.ones(2)),
    lambda: tg.dot(tg.ones(3), tg.ones(2)), lambda: tg.outer(tg.ones(2, 2), tg.ones(2)),
    lambda: tg.inner(tg.ones(2, 3), tg.ones(2)), lambda: tg.tensordot(tg.ones(2, 3), tg.ones(2, 3), 1),
    lambda: tg.addmm(tg.ones(4), tg.ones(2, 3), tg.ones(3, 5)), lambda: tg.matrix_power(tg.ones(2, 3), 2),
    lambda: L.multi_dot([tg.ones(2, 3)]), lambda: L.cross(tg.ones(4, 3), tg.ones(3))])
def test_shape_mismatches_raise_a_runtime_error(fn):
    with pytest.raises(RuntimeError):
        fn()


# ---------------------------------------------------------------------------------------------
# norms
# ---------------------------------------------------------------------------------------------

ORDS = [2, 1, np.inf, -np.inf, 0, 3, 0.5, -1, 1.5]


@pytest.mark.parametrize("ord", ORDS)
@given(seed=seeds, shape=st.lists(sides, min_size=1, max_size=3), keepdim=st.booleans())
def test_vector_norm_against_numpy(ord, seed, shape, keepdim):
    a = uniform(seed, shape)
    dim = len(shape) - 1
    expected = np.linalg.norm(a, ord, axis=dim, keepdims=keepdim)
    np.testing.assert_allclose(L.vector_norm(leaf(a), ord, dim, keepdim).numpy(), expected)
    np.testing.assert_allclose(L.vector_norm(leaf(a), ord).numpy(), np.linalg.norm(a.ravel(), ord))
    if ord != 0 and np.isfinite(ord):  # inf picks a single element: the kink of max
        check(lambda x: L.vector_norm(x, ord, dim, keepdim), leaf(a))


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, 1.5, np.inf, 0])
def test_vector_norm_gradient_at_zero_is_zero(ord):
    x = leaf([[0.0, 0.0], [0.0, 2.0]])
    L.vector_norm(x, ord, dim=1).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy())) and x.grad.numpy()[0].tolist() == [0.0, 0.0]


def test_two_norm_gradient_is_x_over_the_norm():
    a = uniform(3, (4, 5))
    x = leaf(a)
    x.norm(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), a / np.linalg.norm(a, axis=1, keepdims=True))


def test_negative_order_norm_of_a_slice_with_a_zero_is_zero():
    x = leaf([[0.0, 1.0, 2.0], [3.0, -1.0, 2.0]])
    out = L.vector_norm(x, -1, dim=1)
    assert out.tolist()[0] == 0.0
    out.sum().backward()
    assert x.grad.numpy()[0].tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf])
@given(seed=seeds, m=sides, n=sides, batch=st.lists(sides, max_size=1), keepdim=st.booleans())
def test_matrix_norm_against_numpy(ord, seed, m, n, batch, keepdim):
    a = uniform(seed, tuple(batch) + (m, n))
    expected = np.linalg.norm(a, ord, axis=(-2, -1), keepdims=keepdim)
    np.testing.assert_allclose(L.matrix_norm(leaf(a), ord, keepdim=keepdim).numpy(), expected)
    np.testing.assert_allclose(L.norm(leaf(a), ord, dim=(-2, -1)).numpy(),
                               np.linalg.norm(a, ord, axis=(-2, -1)))
    if ord in ("fro", "nuc"):
        check(lambda x: L.matrix_norm(x, ord, dim=(-1, -2)), leaf(a))


def test_torch_norm_spellings():
    a = uniform(0, (2, 3, 4))
    x = leaf(a)
    np.testing.assert_allclose(x.norm().numpy(), np.linalg.norm(a.ravel()))
    np.testing.assert_allclose(tg.norm(x, 3, dim=1).numpy(), np.linalg.norm(a, 3, axis=1))
    np.testing.assert_allclose(tg.norm(x, "fro", dim=(1, 2)).numpy(), np.linalg.norm(a, "fro", axis=(1, 2)))
    np.testing.assert_allclose(tg.norm(x[0], "nuc").numpy(), np.linalg.norm(a[0], "nuc"))
    np.testing.assert_allclose(L.norm(x).numpy(), np.linalg.norm(a.ravel()))
    np.testing.assert_allclose(L.norm(x[0], np.inf).numpy(), np.linalg.norm(a[0], np.inf))


@pytest.mark.parametrize("fn", [
    lambda: tg.norm(tg.ones(3, dtype=tg.int64)), lambda: L.vector_norm(tg.ones(0, 3), np.inf),
    lambda: L.vector_norm(tg.ones(3, dtype=tg.float64), dtype=tg.float32),
    lambda: L.matrix_norm(tg.ones(3)), lambda: L.matrix_norm(tg.ones(3, 3), 3),
    lambda: L.matrix_norm(tg.ones(3, 3, dtype=tg.float16), "nuc"), lambda: L.norm(tg.ones(2, 2, 2), 2),
    lambda: tg.norm(tg.ones(2, 2, 2), "nuc")])
def test_norm_errors_are_runtime_errors(fn):
    with pytest.raises(RuntimeError):
        fn()


def test_float16_norm_is_computed_in_float32():
    x = Tensor(np.full(4, 300.0, np.float16))  # 300² overflows float16
    out = L.vector_norm(x)
    assert out.dtype == np.float16 and out.item() == 600.0


# ---------------------------------------------------------------------------------------------
# torch.linalg: values
# ---------------------------------------------------------------------------------------------

batches = st.lists(st.integers(1, 2), max_size=2).map(tuple)


@given(seed=seeds, n=sides, batch=batches)
def test_inv_det_slogdet_solve_values(seed, n, batch):
    a = well_conditioned(seed, batch + (n, n))
    b = uniform(seed + 1, batch + (n, 2))
    A = leaf(a)
    np.testing.assert_allclose(L.inv(A).numpy(), np.linalg.inv(a), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(L.det(A).numpy(), np.linalg.det(a), rtol=1e-10)
    sign, logabsdet = L.slogdet(A)
    np.testing.assert_allclose(sign.numpy() * np.exp(logabsdet.numpy()), np.linalg.det(a), rtol=1e-10)
    np.testing.assert_allclose(L.solve(A, leaf(b)).numpy(), np.linalg.solve(a, b), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(L.solve(A, leaf(b[..., 0])).numpy(), np.linalg.solve(a, b[..., :1])[..., 0],
                               rtol=1e-9, atol=1e-12)


@given(seed=seeds, m=sides, n=sides, batch=batches)
def test_factorizations_reconstruct_the_matrix(seed, m, n, batch):
    a = uniform(seed, batch + (m, n))
    k = min(m, n)
    Q, R = L.qr(leaf(a))
    np.testing.assert_allclose((Q @ R).numpy(), a, atol=1e-12)
    np.testing.assert_allclose((Q.transpose(-2, -1) @ Q).numpy(), np.broadcast_to(np.eye(k), batch + (k, k)), atol=1e-12)
    np.testing.assert_array_equal(np.tril(R.numpy(), -1), 0)
    U, S, Vh = L.svd(leaf(a), full_matrices=False)
    np.testing.assert_allclose(((U * S[..., None, :]) @ Vh).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(L.svdvals(leaf(a)).numpy(), np.linalg.svd(a, compute_uv=False), atol=1e-12)
    full = L.svd(leaf(a))
    assert full.U.shape == batch + (m, m) and full.Vh.shape == batch + (n, n)
    s = a @ np.swapaxes(a, -1, -2) + np.eye(m)
    w, V = L.eigh(leaf(s))
    np.testing.assert_allclose(((V * w[..., None, :]) @ V.transpose(-2, -1)).numpy(), s, atol=1e-10)
    np.testing.assert_allclose(L.eigvalsh(leaf(s)).numpy(), np.linalg.eigvalsh(s), atol=1e-10)
    C = L.cholesky(leaf(s))
    np.testing.assert_allclose((C @ C.transpose(-2, -1)).numpy(), s, atol=1e-10)
    np.testing.assert_allclose(L.cholesky(leaf(s), upper=True).numpy(), np.swapaxes(C.numpy(), -1, -2))


@given(seed=seeds, m=sides, n=sides, rank=st.integers(1, 4))
def test_pinv_satisfies_the_penrose_conditions_and_lstsq_matches_numpy(seed, m, n, rank):
    rank = min(rank, m, n)  # a matrix of exactly this rank
    a = uniform(seed, (m, rank)) @ uniform(seed + 1, (rank, n))
    p = L.pinv(leaf(a)).numpy()
    np.testing.assert_allclose(a @ p @ a, a, atol=1e-9)
    np.testing.assert_allclose(p @ a @ p, p, atol=1e-9)
    np.testing.assert_allclose(a @ p, (a @ p).T, atol=1e-9)
    assert L.matrix_rank(leaf(a)).item() == rank
    b = uniform(seed + 2, (m, 2))
    result = L.lstsq(leaf(a), leaf(b))
    np.testing.assert_allclose(result.solution.numpy(), np.linalg.lstsq(a, b, rcond=None)[0], atol=1e-8)
    assert result.rank.item() == rank and result.residuals.shape == (0,)


def test_lstsq_residuals_and_singular_values_by_driver():
    a, b = uniform(0, (5, 3)), uniform(1, (5, 2))
    x, residuals, rank, s = L.lstsq(leaf(a), leaf(b), driver="gelsd")
    np.testing.assert_allclose(residuals.numpy(), np.linalg.lstsq(a, b, rcond=None)[1])
    np.testing.assert_allclose(s.numpy(), np.linalg.svd(a, compute_uv=False))
    assert L.lstsq(leaf(a), leaf(b), driver="gels").rank.shape == (0,)


def test_qr_modes_and_named_results():
    a = uniform(0, (4, 3))
    result = L.qr(leaf(a), mode="complete")
    assert result.Q.shape == (4, 4) and result.R.shape == (4, 3)
    r_only = L.qr(leaf(a), mode="r")
    assert r_only.Q.shape == (0,)
    np.testing.assert_allclose(np.abs(r_only.R.numpy()), np.abs(np.linalg.qr(a, mode="r")))
    assert L.eigh(leaf(np.eye(2))).eigenvectors.shape == (2, 2)
    assert L.slogdet(leaf(np.eye(2))).logabsdet.item() == 0.0


def test_tensor_spellings():
    a = well_conditioned(0, (3, 3))
    x = leaf(a)
    np.testing.assert_allclose(x.inverse().numpy(), np.linalg.inv(a))
    np.testing.assert_allclose(x.det().numpy(), np.linalg.det(a))
    np.testing.assert_allclose(x.slogdet().logabsdet.numpy(), np.linalg.slogdet(a)[1])
    np.testing.assert_allclose(tg.logdet(x).numpy(), np.log(np.linalg.det(a)))
    assert np.isnan(tg.logdet(-x).item()) == (np.linalg.det(-a) < 0)
    np.testing.assert_allclose(x.pinverse().numpy(), np.linalg.pinv(a))


# ---------------------------------------------------------------------------------------------
# torch.linalg: gradients
# ---------------------------------------------------------------------------------------------

def sym(x):
    return x + x.transpose(-2, -1)


GRADIENTS = {  # name: (function, shapes, domain of the inputs)
    "inv": (lambda a: L.inv(a), [(2, 3, 3)], "square"),
    "det": (lambda a: L.det(a), [(2, 3, 3)], "any"),
    "slogdet": (lambda a: L.slogdet(a).logabsdet, [(3, 3)], "square"),
    "logdet": (lambda x: tg.logdet(spd(x)), [(3, 3)], "any"),
    "solve": (lambda a, b: L.solve(a, b), [(2, 3, 3), (3, 2)], "square"),
    "solve_vector": (lambda a, b: L.solve(a, b), [(3, 3), (3,)], "square"),
    "solve_left_false": (lambda a, b: L.solve(a, b, left=False), [(3, 3), (2, 3)], "square"),
    "cholesky": (lambda x: L.cholesky(spd(x)), [(2, 3, 3)], "any"),
    "cholesky_upper": (lambda x: L.cholesky(spd(x), upper=True), [(3, 3)], "any"),
    "qr_tall": (lambda a: tuple(L.qr(a)), [(2, 4, 3)], "any"),
    "qr_wide": (lambda a: tuple(L.qr(a)), [(3, 5)], "any"),
    "qr_complete_square": (lambda a: tuple(L.qr(a, mode="complete")), [(3, 3)], "any"),
    "svd": (lambda a: (lambda u, s, vh: (u @ vh, s, u * u))(*L.svd(a, full_matrices=False)), [(2, 4, 3)], "any"),
    "svd_wide": (lambda a: (lambda u, s, vh: (u @ vh, vh * vh))(*L.svd(a, full_matrices=False)), [(3, 5)], "any"),
    "svd_full": (lambda a: (lambda u, s, vh: u[..., :3] @ vh)(*L.svd(a)), [(4, 3)], "any"),
    "svdvals": (lambda a: L.svdvals(a), [(2, 3, 4)], "any"),
    "eigh": (lambda a: (lambda w, v: (w, v * v))(*L.eigh(sym(a))), [(2, 3, 3)], "any"),
    "eigh_upper": (lambda a: L.eigh(sym(a), UPLO="U").eigenvalues, [(3, 3)], "any"),
    "eigvalsh": (lambda a: L.eigvalsh(sym(a)), [(3, 3)], "any"),
    "pinv": (lambda a: L.pinv(a), [(2, 4, 3)], "any"),
    "pinv_wide": (lambda a: L.pinv(a), [(3, 5)], "any"),
    "lstsq": (lambda a, b: L.lstsq(a, b).solution, [(5, 3), (5, 2)], "any"),
    "matrix_norm_2": (lambda a: L.matrix_norm(a, 2), [(3, 4)], "any"),
}


def _inputs(shapes, domain, seed, layout="C"):
    made = []
    for i, s in enumerate(shapes):
        a = well_conditioned(seed + i, s) if domain == "square" and s[-1] == s[-2:][0] else uniform(seed + i, s)
        made.append(laid_out(a, layout))
    return made


@pytest.mark.parametrize("name", sorted(GRADIENTS))
@settings(max_examples=3)
@given(seed=seeds, layout=layouts)
def test_linalg_gradients_against_finite_differences(name, seed, layout):
    fn, shapes, domain = GRADIENTS[name]
    check(fn, *_inputs(shapes, domain, seed, layout))


@pytest.mark.parametrize("name", ["inv", "det", "slogdet", "solve", "cholesky", "qr_tall", "svd",
                                  "eigh", "pinv"])
def test_linalg_second_derivatives(name):
    fn, shapes, domain = GRADIENTS[name]
    assert tg.gradgradcheck(fn, _inputs(shapes, domain, 7))


def test_det_gradient_is_the_cofactor_matrix_also_for_a_singular_matrix():
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])  # rank 2
    cofactor = np.array([[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]])
    x = leaf(a)
    L.det(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), cofactor, atol=1e-12)


def test_det_first_derivative_agrees_between_the_array_and_the_recorded_backward():
    a = well_conditioned(3, (2, 3, 3))
    x = leaf(a)
    (plain,) = grad(L.det(x).sum(), x)
    (recorded,) = grad(L.det(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(recorded.numpy(), plain.numpy(), rtol=1e-10)
    np.testing.assert_allclose(plain.numpy(), np.linalg.det(a)[:, None, None] * np.linalg.inv(a).transpose(0, 2, 1))


def test_inv_gradient_closed_form():
    a, g = well_conditioned(0, (3, 3)), uniform(1, (3, 3))
    x = leaf(a)
    L.inv(x).backward(Tensor(g))
    ainv = np.linalg.inv(a)
    np.testing.assert_allclose(x.grad.numpy(), -ainv.T @ g @ ainv.T)


def test_eigvalsh_and_svdvals_gradients_with_repeated_values_are_finite():
    x = leaf(np.eye(3))
    (L.eigvalsh(x).sum() + L.svdvals(x).sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.eye(3))


@pytest.mark.parametrize("fn", [lambda a: L.cholesky(a), lambda a: L.eigh(a).eigenvectors ** 2])
def test_gradients_of_symmetric_inputs_are_symmetric_as_pytorchs(fn):
    """The factorizations of symmetric matrices read one triangle; like PyTorch, their gradient
    is the symmetric one, right for every symmetric perturbation E: <grad, E> = d/dt f(A + tE)."""
    a = well_conditioned(0, (3, 3))
    a = a @ a.T
    e, g = uniform(1, (3, 3)), uniform(2, (3, 3))
    e = e + e.T
    x = leaf(a)
    fn(x).backward(Tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), x.grad.numpy().T, atol=1e-12)
    t = 1e-6
    numerical = ((fn(const(a + t * e)).numpy() - fn(const(a - t * e)).numpy()) * g).sum() / (2 * t)
    np.testing.assert_allclose((x.grad.numpy() * e).sum(), numerical, rtol=1e-5)


def test_qr_backward_raises_where_pytorch_does():
    x = leaf(uniform(0, (4, 3)))
    with pytest.raises(RuntimeError, match="mode='r'"):
        L.qr(x, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="complete"):
        L.qr(x, mode="complete").Q.sum().backward()


# ---------------------------------------------------------------------------------------------
# torch.linalg: errors
# ---------------------------------------------------------------------------------------------

def test_linalg_error_is_a_runtime_error():
    assert issubclass(L.LinAlgError, RuntimeError)


@pytest.mark.parametrize("fn", [
    lambda: L.inv(tg.zeros(3, 3)), lambda: L.inv(tg.zeros(2, 3, 3)),
    lambda: L.solve(tg.zeros(3, 3), tg.ones(3)), lambda: L.cholesky(-tg.eye(3)),
    lambda: L.cholesky(Tensor([[1.0, 2.0], [2.0, 1.0]]))])
def test_singular_and_indefinite_matrices_raise_linalg_error(fn):
    with pytest.raises(L.LinAlgError):
        fn()


@pytest.mark.parametrize("fn", [L.inv, L.det, L.slogdet, L.cholesky, L.eigh, L.eigvalsh])
def test_non_square_and_one_dimensional_inputs_raise(fn):
    for bad in (tg.ones(3, 4), tg.ones(3)):
        with pytest.raises(RuntimeError):
            fn(bad)


@pytest.mark.parametrize("fn", [L.inv, L.det, L.slogdet, L.cholesky, L.qr, L.svd, L.svdvals, L.eigh,
                                L.pinv, L.matrix_rank])
@pytest.mark.parametrize("dtype", [tg.int64, tg.float16, tg.bool])
def test_integer_and_half_inputs_raise_as_in_pytorch(fn, dtype):
    with pytest.raises(RuntimeError) as info:
        fn(tg.ones(3, 3, dtype=dtype))
    assert isinstance(info.value, NotImplementedError)  # both of PyTorch's types for these


def test_solve_mixed_dtypes_and_shapes_raise():
    with pytest.raises(RuntimeError):
        L.solve(tg.eye(3), tg.ones(3, dtype=tg.float64))
    with pytest.raises(RuntimeError):
        L.solve(tg.eye(3), tg.ones(4, 2))


@pytest.mark.parametrize("fn", [lambda: L.qr(tg.ones(2, 2), mode="full"),
                                lambda: L.eigh(tg.eye(2), UPLO="X"),
                                lambda: L.lstsq(tg.ones(3, 2), tg.ones(3, 1), driver="magic")])
def test_bad_options_raise_value_errors(fn):
    with pytest.raises(ValueError):
        fn()


def test_empty_inputs():
    assert L.inv(tg.ones(0, 0)).shape == (0, 0)
    assert L.det(tg.ones(0, 0)).item() == 1.0
    assert L.det(tg.ones(0, 0, dtype=tg.float16)).dtype == np.float16  # PyTorch answers: no kernel runs
    w, v = L.eigh(tg.ones(0, 0, dtype=tg.int32))
    assert w.dtype == np.int32 and v.shape == (0, 0)
