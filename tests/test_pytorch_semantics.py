"""Regressions for silent differences from PyTorch (each case gives PyTorch 2.x's answer; the
parity harness compares against PyTorch itself when it is installed)."""
import warnings

import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import Tensor, nn

from helpers import check, leaf


# ---------------------------------------------------------------------------------------------
# integer and bool tensors
# ---------------------------------------------------------------------------------------------

def test_and_or_xor_are_bitwise_on_integers_and_logical_on_bools():
    a = Tensor(np.array([1, 2, 0x1337, -1], dtype=np.int32))
    assert (a & a).dtype == np.int32 and (a & a).tolist() == [1, 2, 0x1337, -1]
    assert (a | 0x1337).tolist() == [0x1337, 0x1337, 0x1337, -1]
    assert (5 & a).tolist() == [1, 0, 5, 5] and (5 | a).tolist() == [5, 7, 0x1337, -1]
    assert (a ^ 3).tolist() == [2, 1, 0x1334, -4] and (3 ^ a).tolist() == [2, 1, 0x1334, -4]
    assert (~a).tolist() == [-2, -3, ~0x1337, 0]
    assert (a << 2).tolist() == [4, 8, 0x1337 << 2, -4] and (a >> 1).tolist() == [0, 1, 0x99b, -1]
    assert (1 << Tensor([0, 3])).tolist() == [1, 8]
    b = Tensor([True, False])
    assert (b & Tensor([True, True])).tolist() == [True, False] and (~b).tolist() == [False, True]
    assert (b ^ True).tolist() == [False, True] and (b | b).dtype == np.bool_


@pytest.mark.parametrize("op", [lambda x: x & x, lambda x: x | 1, lambda x: ~x, lambda x: x << 1])
def test_bitwise_ops_refuse_floats_with_pytorchs_error_type(op):
    with pytest.raises(NotImplementedError, match="needs (an )?integer"):
        op(Tensor([1.0]))


def test_min_and_amin_are_exact_for_unsigned_extreme_and_bool_values():
    assert Tensor(np.array([0, 128, 255, 64], dtype=np.uint8)).min().item() == 0
    assert Tensor(np.array([0, -2 ** 31], dtype=np.int32)).min().item() == -2 ** 31
    assert Tensor(np.array([0, -2 ** 31], dtype=np.int32)).amin(0).item() == -2 ** 31
    assert Tensor([True, False]).min().item() is False
    assert Tensor([True, False]).max().item() is True


def test_linspace_with_an_integer_dtype_truncates_toward_zero():
    expected = np.trunc(np.linspace(5, -5, 20)).astype(np.int32)
    got = tg.linspace(5, -5, 20, dtype=tg.int32)
    assert got.dtype == np.int32 and got.tolist() == expected.tolist()


def test_requires_grad_can_only_be_set_on_floating_point_tensors():
    t = Tensor([1, 2])
    with pytest.raises(RuntimeError, match="floating point"):
        t.requires_grad = True
    assert not t.requires_grad
    f = Tensor([1.0, 2.0])
    f.requires_grad = True
    (f * 2.5).sum().backward()
    assert f.grad.tolist() == [2.5, 2.5]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (f * 2).requires_grad = False


# ---------------------------------------------------------------------------------------------
# empty tensors, 0-d tensors, float16
# ---------------------------------------------------------------------------------------------

def test_a_mean_over_zero_elements_is_nan():
    assert np.isnan(tg.zeros(0).mean().item())
    assert np.isnan(tg.zeros(2, 0).mean(1).numpy()).all() and tg.zeros(2, 0).mean(1).shape == (2,)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isnan(F.mse_loss(tg.zeros(0), tg.zeros(0)).item())


def test_dim_arguments_on_0d_tensors_use_dim_0_or_minus_1():
    x = Tensor(1.5)
    assert x.sum(0).item() == 1.5 and x.sum(-1).item() == 1.5 and x.mean(0).item() == 1.5
    assert x.softmax(0).item() == 1.0 and x.log_softmax(-1).item() == 0.0
    assert x.logsumexp(0).item() == pytest.approx(1.5)
    assert x.amax(0).item() == 1.5 and x.argmax(0).item() == 0
    values, indices = x.max(0)
    assert values.item() == 1.5 and indices.item() == 0
    with pytest.raises(IndexError):
        x.sum(1)


def test_float16_reductions_accumulate_in_float32():
    ones = tg.ones(70000, dtype=tg.float16)
    assert ones.sum().dtype == np.float16 and ones.mean().item() == 1.0
    assert ones.var().item() == 0.0


def test_max_along_a_dimension_of_size_0_is_an_index_error_naming_the_op():
    with pytest.raises(IndexError, match="max"):
        tg.zeros(2, 0).max(dim=1)
    with pytest.raises(IndexError, match="argmax"):
        tg.zeros(0).argmax()


# ---------------------------------------------------------------------------------------------
# gradients at the edges
# ---------------------------------------------------------------------------------------------

def test_pow_gradients_at_a_zero_base_are_pytorchs():
    x, y = leaf([0.0]), leaf([0.0])
    (x ** y).sum().backward()
    assert x.grad.tolist() == [0.0] and y.grad.tolist() == [0.0]
    x, y = leaf([0.0]), leaf([0.3])
    (x ** y).sum().backward()
    assert y.grad.tolist() == [0.0]
    e = leaf([-1.0, 0.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        (Tensor(np.zeros(3)) ** e).sum().backward()
    assert e.grad.tolist() == [-np.inf, 0.0, 0.0]


def test_pow_gradient_matches_the_closed_form_away_from_zero():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0.5, 2, (3, 4)), rng.uniform(-2, 2, (4,))
    x, y = leaf(a), leaf(b)
    (x ** y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), b * a ** (b - 1), rtol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), (a ** b * np.log(a)).sum(0), rtol=1e-12)
    check(lambda x, y: x ** y, leaf(a), leaf(b))


def test_std_of_a_constant_row_has_a_zero_gradient():
    x = leaf([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    x.std(1).sum().backward()
    assert x.grad.numpy()[0].tolist() == [0.0, 0.0, 0.0]
    assert np.isfinite(x.grad.numpy()).all()


def test_sign_has_a_zero_gradient():
    x = leaf([-2.0, 0.0, 3.0])
    y = x.sign()
    assert y.requires_grad and y.tolist() == [-1.0, 0.0, 1.0]
    (y * 5).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("logit", [-88.0, -95.0, -100.0, -120.0])
def test_bce_of_a_saturated_sigmoid_has_a_finite_gradient_and_a_finite_sgd_step(logit):
    x = Tensor(np.array([logit], dtype=np.float32), requires_grad=True)
    F.binary_cross_entropy(x.sigmoid(), Tensor([1.0])).backward()
    assert np.isfinite(x.grad.numpy()).all()
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    with tg.no_grad():
        model[0].weight.copy_(Tensor([[logit / 2, logit / 2]]))
        model[0].bias.zero_()
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    nn.BCELoss()(model(tg.ones(1, 2)), tg.ones(1, 1)).backward()
    opt.step()
    assert all(np.isfinite(p.numpy()).all() for p in model.parameters())


def test_bce_gradient_is_pytorchs_formula_and_the_target_is_differentiable():
    p, y = leaf([0.2, 0.7, 0.9]), leaf([0.0, 1.0, 0.5])
    F.binary_cross_entropy(p, y, reduction="sum").backward()
    pd, yd = p.numpy(), y.numpy()
    np.testing.assert_allclose(p.grad.numpy(), (pd - yd) / (pd * (1 - pd)), rtol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), np.log(1 - pd) - np.log(pd), rtol=1e-12)
    check(lambda p, y: F.binary_cross_entropy(p, y, reduction="none"), leaf(pd), leaf(yd))


# ---------------------------------------------------------------------------------------------
# dtypes and exception types
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.float64])
def test_linear_and_matmul_refuse_mismatched_dtypes(dtype):
    lin = nn.Linear(3, 2)
    x = Tensor(np.ones((1, 3), dtype=dtype))
    with pytest.raises(RuntimeError, match="same dtype"):
        lin(x)
    with pytest.raises(RuntimeError, match="same dtype"):
        x @ lin.weight.T


@pytest.mark.parametrize("name, action, error", [
    ("permute_repeated", lambda: tg.zeros(2, 3).permute(0, 0), RuntimeError),
    ("permute_missing", lambda: tg.zeros(2, 3).permute(0), RuntimeError),
    ("conv_kernel_too_large", lambda: F.conv2d(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 3, 3)), RuntimeError),
    ("clamp_no_bounds", lambda: tg.zeros(2).clamp(None, None), RuntimeError),
    ("cross_entropy_class_out_of_range", lambda: F.cross_entropy(tg.zeros(2, 3), Tensor([0, 3])), IndexError),
    ("pad_mode_typo", lambda: F.pad(tg.zeros(2, 2), (1, 1), mode="typo"), NotImplementedError),
    ("max_dim_of_empty", lambda: tg.zeros(3, 0).max(dim=1), IndexError),
])
def test_exception_types_are_pytorchs(name, action, error):
    with pytest.raises(error):
        action()


def test_reading_grad_of_a_non_leaf_warns_and_retain_grad_silences_it():
    x = leaf([1.0])
    y = x * 2
    y.sum().backward(retain_graph=True)
    with pytest.warns(UserWarning, match="retain_grad"):
        assert y.grad is None
    z = x * 3
    z.retain_grad()
    z.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert z.grad.tolist() == [1.0]


# ---------------------------------------------------------------------------------------------
# indexing that mixes ints with index tensors
# ---------------------------------------------------------------------------------------------

MIXED = [  # index (lists become index tensors), PyTorch's result shape
    ((0, slice(None), [1, 2]), (3, 2)),
    (([1, 0], 0), (2, 4)),
    ((slice(None), 1, [0, 3]), (2, 2)),
    ((1, None, slice(None), [0, 3]), (1, 3, 2)),
    ((Ellipsis, 0, [1, 2]), (2, 2)),
    (([0, 1], slice(None), 2), (2, 3)),
    ((0, [[0], [2]], [1, 3]), (2, 2)),
    ((1, Ellipsis, [0]), (3, 1)),
]


def _index_of(index, make):
    return tuple(make(i) if isinstance(i, list) else i for i in index)


@pytest.mark.parametrize("index, shape", MIXED, ids=[str(m[0]) for m in MIXED])
def test_ints_mixed_with_index_tensors_follow_pytorchs_rule(index, shape):
    x = leaf(np.arange(24.0).reshape(2, 3, 4))
    got = x[_index_of(index, lambda v: Tensor(v))]
    assert got.shape == shape
    reference = np.arange(24.0).reshape(2, 3, 4)
    ints = tuple(i if isinstance(i, int) else slice(None) for i in index if i is not None and i is not Ellipsis)
    if Ellipsis not in index and None not in index:  # ints first, then the rest, by hand
        rest = tuple(np.array(i) if isinstance(i, list) else i for i in index if not isinstance(i, int))
        np.testing.assert_array_equal(got.numpy(), reference[ints][rest])
    got.sum().backward()  # each picked element gets a gradient of 1
    assert x.grad.numpy().sum() == np.prod(shape)
    y = Tensor(np.zeros((2, 3, 4)))
    y[_index_of(index, lambda v: Tensor(v))] = Tensor(np.ones(shape))
    assert y.numpy().sum() == np.prod(shape)
    np.testing.assert_array_equal(y[_index_of(index, lambda v: Tensor(v))].numpy(), np.ones(shape))


def test_mixed_indexing_against_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: compared by hand above")
    a, t = np.arange(24).reshape(2, 3, 4), torch.arange(24).reshape(2, 3, 4)
    for index, _ in MIXED:
        got = Tensor(a)[_index_of(index, Tensor)]
        want = t[_index_of(index, torch.tensor)]
        assert got.shape == tuple(want.shape) and got.tolist() == want.tolist(), index


# ---------------------------------------------------------------------------------------------
# .data is a Tensor, as in PyTorch
# ---------------------------------------------------------------------------------------------

def test_data_is_a_tensor_sharing_memory_and_the_teaching_update_idiom_works():
    tg.manual_seed(0)
    lin = nn.Linear(3, 1)
    x, y = tg.randn(8, 3), tg.randn(8, 1)
    before = lin.weight.numpy().copy()
    F.mse_loss(lin(x), y).backward()
    d = lin.weight.data
    assert isinstance(d, Tensor) and not d.requires_grad and d.is_leaf
    for p in lin.parameters():
        p.data += -0.1 * p.grad
    np.testing.assert_allclose(lin.weight.numpy(), before - 0.1 * lin.weight.grad.numpy(), rtol=1e-6)
    lin.bias.data.sub_(lin.bias.grad)  # in place through .data: the parameter changes
    lin.weight.data = Tensor(np.zeros((1, 3), dtype=np.float32))
    assert lin.weight.numpy().tolist() == [[0.0, 0.0, 0.0]] and lin.weight.requires_grad
    opt = tg.optim.SGD(lin.parameters(), lr=0.1)  # the optimizer still works after the assignment
    opt.zero_grad()
    F.mse_loss(lin(x), y).backward()
    opt.step()
    assert np.isfinite(lin.weight.numpy()).all() and lin.weight.numpy().any()
    with pytest.raises(TypeError, match="Tensor"):
        lin.weight.data = [1.0, 2.0, 3.0]


def test_integer_and_bool_sums_are_int64_and_logsumexp_of_integers_is_float():
    assert Tensor(np.array([200, 100], dtype=np.uint8)).sum().dtype == np.int64
    assert Tensor(np.array([200, 100], dtype=np.uint8)).sum().item() == 300
    assert Tensor(np.array([[1, 2]], dtype=np.int32)).sum(1).dtype == np.int64
    assert Tensor([True, True, False]).sum().item() == 2
    out = Tensor([1, 2]).logsumexp(0)
    assert out.dtype == np.float32 and out.item() == pytest.approx(np.log(np.e + np.e ** 2))


def test_sign_of_nan_is_zero():
    assert Tensor([float("nan"), -2.0, 0.0, 3.0]).sign().tolist() == [0.0, -1.0, 0.0, 1.0]
    assert Tensor(float("nan")).sign().item() == 0.0


def test_builtin_abs_and_alpha_on_add_and_sub():
    x = leaf([1.0, -2.0])
    assert abs(x).tolist() == [1.0, 2.0]
    y = leaf([0.5, 0.25])
    (x.add(y, alpha=2) + tg.sub(x, y, alpha=3)).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0] and y.grad.tolist() == [-1.0, -1.0]


def test_int_to_float_results_follow_the_default_dtype():
    """Integer tensors meeting Python floats, true division and real-valued functions of integers
    give the default float dtype, as in PyTorch (float64 after set_default_dtype(float64))."""
    before = tg.get_default_dtype()
    try:
        tg.set_default_dtype(tg.float64)
        ints = tg.tensor([1, 2])
        assert (ints * 2.5).dtype == tg.float64 and (ints / 2).dtype == tg.float64
        assert ints.exp().dtype == tg.float64 and ints.sqrt().dtype == tg.float64
        assert (tg.ones(2, dtype=tg.float32) * 2.5).dtype == tg.float32  # tensors keep theirs
    finally:
        tg.set_default_dtype(before)
    assert (tg.tensor([1, 2]) * 2.5).dtype == tg.float32
