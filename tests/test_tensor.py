"""The Tensor itself: construction and PyTorch's dtype rules, properties, repr, creation helpers,
manual_seed, comparisons, argmax/argmin, indexing and shape values, and error messages."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite import Tensor

from helpers import leaf, shapes

# ---------------------------------------------------------------------------------------------
# construction and dtype rules
# ---------------------------------------------------------------------------------------------

CONSTRUCTION = [  # data, dtype argument, expected dtype
    (1.5, None, np.float32),
    (2, None, np.int64),
    (True, None, np.bool_),
    ([1.0, 2.0], None, np.float32),
    ([[1, 2], [3, 4]], None, np.int64),
    ([True, False], None, np.bool_),
    ([1, 2.5], None, np.float32),
    (np.zeros(2), None, np.float64),
    (np.zeros(2, np.float16), None, np.float16),
    (np.zeros(2, np.int32), None, np.int32),
    (np.zeros(2, np.uint8), None, np.uint8),
    (np.float64(1.5), None, np.float64),
    (np.float32(1.5), None, np.float32),
    (np.int32(3), None, np.int32),
    ([1, 2], tg.float32, np.float32),
    (1.5, tg.float64, np.float64),
    ([1.5, 2.5], tg.int64, np.int64),
    (np.zeros(2), tg.float32, np.float32),
    (2, tg.float64, np.float64),
    (Tensor([1.0]), None, np.float32),
]


@pytest.mark.parametrize("data, dtype, expected", CONSTRUCTION,
                         ids=[f"{type(c[0]).__name__}-{c[1]}-{np.dtype(c[2])}" for c in CONSTRUCTION])
def test_construction_dtype(data, dtype, expected):
    assert Tensor(data, dtype=dtype).dtype == expected
    assert tg.tensor(data, dtype=dtype).dtype == expected


def test_float64_requested_keeps_full_precision():
    """Python floats are float32 by default, but dtype=float64 must not round through float32."""
    makes = {"scalar": lambda v: Tensor(v, dtype=tg.float64),
             "tensor()": lambda v: tg.tensor(v, dtype=tg.float64),
             "list": lambda v: Tensor([v, 2 * v], dtype=tg.float64)[0],
             "nested_tensor()": lambda v: tg.tensor([[v]], dtype=tg.float64)[0, 0]}
    wrong = [(name, v, make(v).item()) for name, make in makes.items()
             for v in (0.1, 1 / 3, 1e-300, 1e300) if make(v).item() != v]
    assert not wrong, wrong


def test_numpy_data_is_shared_and_tensor_copies():
    a = np.array([1.0, 2.0])
    shared, copied, from_np = Tensor(a), tg.tensor(a), tg.from_numpy(a)
    a[0] = 9.0
    assert shared.numpy()[0] == 9.0 and from_np.numpy()[0] == 9.0 and copied.numpy()[0] == 1.0
    assert shared.numpy() is a


def test_ragged_and_non_numeric_data_are_errors():
    with pytest.raises(ValueError, match="ragged"):
        Tensor([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError):
        Tensor(["a", "b"])


INT_PROMOTION = [  # results of integer tensors, as PyTorch
    ("int_plus_int", lambda: Tensor([1, 2]) + Tensor([3, 4]), np.int64),
    ("int_times_int_scalar", lambda: Tensor([1, 2]) * 2, np.int64),
    ("int_times_float_scalar", lambda: Tensor([1, 2]) * 1.5, np.float32),
    ("float_scalar_minus_int", lambda: 1.5 - Tensor([1, 2]), np.float32),
    ("int_div_int_scalar", lambda: Tensor([1, 2]) / 2, np.float32),
    ("int_div_int", lambda: Tensor([1, 2]) / Tensor([2, 4]), np.float32),
    ("int_sqrt", lambda: Tensor([1, 4]).sqrt(), np.float32),
    ("int_exp", lambda: Tensor([0, 1]).exp(), np.float32),
    ("int_pow_float", lambda: Tensor([1, 4]) ** 0.5, np.float32),
    ("int_plus_float32", lambda: Tensor([1, 2]) + Tensor([0.5, 0.5]), np.float32),
    ("int_plus_float64", lambda: Tensor([1, 2]) + Tensor(np.array([0.5, 0.5])), np.float64),
    ("float32_plus_float64", lambda: Tensor([1.0]) + Tensor(np.array([0.5])), np.float64),
    ("int_sum", lambda: Tensor([1, 2]).sum(), np.int64),
    ("bool_sum", lambda: Tensor([True, True]).sum(), np.int64),
    ("float32_times_numpy_float64_scalar", lambda: Tensor([1.0]) * np.float64(2.0), np.float32),
]


@pytest.mark.parametrize("name, make, expected", INT_PROMOTION, ids=[p[0] for p in INT_PROMOTION])
def test_result_dtypes(name, make, expected):
    assert make().dtype == expected


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------

def test_properties():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert x.shape == (2, 3) and x.size() == (2, 3) and x.size(1) == 3 and x.size(-2) == 2
    assert x.ndim == 2 and x.dim() == 2 and x.numel() == 6 and len(x) == 2
    assert x.dtype == np.float64 and isinstance(x.numpy(), np.ndarray) and x.numpy() is x.numpy()
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert x.requires_grad is False and x.grad is None and x.is_leaf and x.grad_fn is None
    np.testing.assert_array_equal(x.T.numpy(), np.arange(6.0).reshape(2, 3).T)
    np.testing.assert_array_equal(x.T.T.numpy(), x.numpy())
    assert [row.tolist() for row in x] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


@pytest.mark.parametrize("data, value, kind", [
    (2.5, 2.5, float), ([[7]], 7, int), (True, True, bool), (np.array([[-1.25]]), -1.25, float)])
def test_item_returns_a_python_number(data, value, kind):
    out = Tensor(data).item()
    assert out == value and type(out) is kind


def test_item_float_int_of_multi_element_tensor_are_errors():
    x = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"\(2,\)"):
        x.item()
    with pytest.raises((ValueError, TypeError)):
        float(x)
    with pytest.raises(ValueError):
        bool(x)
    with pytest.raises(TypeError):
        len(Tensor(1.0))
    assert float(Tensor([2.5])) == 2.5 and int(Tensor([3])) == 3 and bool(Tensor([1.0]))


def test_requires_grad_is_leaf_detach():
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert x.requires_grad and x.is_leaf and x.grad is None
    y = x * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.numpy(), y.numpy())
    z = Tensor([1.0])
    assert z.requires_grad_() is z and z.requires_grad
    assert z.requires_grad_(False) is z and not z.requires_grad
    with pytest.raises(RuntimeError, match="detach"):
        y.requires_grad_(False)


REPRS = [  # tensor, text that must appear, text that must not
    (lambda: Tensor([1.0, 2.0]), ["tensor([1., 2.])"], ["dtype", "grad"]),
    (lambda: Tensor([1, 2]), ["tensor([1, 2])"], ["dtype"]),
    (lambda: Tensor([True, False]), ["tensor([ True, False])"], ["dtype"]),
    (lambda: Tensor(np.array([0.5])), ["tensor([0.5", "dtype=float64"], ["grad"]),
    (lambda: Tensor(np.array([3], np.int32)), ["tensor([3]", "dtype=int32"], []),
    (lambda: Tensor([1.5], requires_grad=True), ["tensor([1.5", "requires_grad=True"], ["grad_fn"]),
    (lambda: Tensor([1.5], requires_grad=True) * 2, ["tensor([3.", "grad_fn=<Mul"], ["requires_grad"]),
    (lambda: Tensor(2.0), ["tensor(2.)"], []),
]


@pytest.mark.parametrize("make, present, absent", REPRS)
def test_repr(make, present, absent):
    text = repr(make())
    assert text.startswith("tensor(") and text.endswith(")")
    for p in present:
        assert p in text, text
    for a in absent:
        assert a not in text, text


# ---------------------------------------------------------------------------------------------
# creation helpers and manual_seed
# ---------------------------------------------------------------------------------------------

_f64 = Tensor(np.ones((2, 2)))
_i32 = Tensor(np.ones(3, np.int32))

CREATION = [  # name, make, shape, dtype, values (None: not checked)
    ("zeros", lambda: tg.zeros(2, 3), (2, 3), np.float32, np.zeros((2, 3))),
    ("zeros_tuple", lambda: tg.zeros((2, 3)), (2, 3), np.float32, np.zeros((2, 3))),
    ("zeros_float64", lambda: tg.zeros(2, dtype=tg.float64), (2,), np.float64, [0, 0]),
    ("ones", lambda: tg.ones(3), (3,), np.float32, [1, 1, 1]),
    ("ones_int", lambda: tg.ones(2, 2, dtype=tg.int64), (2, 2), np.int64, np.ones((2, 2))),
    ("full_float", lambda: tg.full((2,), 1.5), (2,), np.float32, [1.5, 1.5]),
    ("full_int", lambda: tg.full((2, 1), 3), (2, 1), np.int64, [[3], [3]]),
    ("full_bool", lambda: tg.full((2,), True), (2,), np.bool_, [True, True]),
    ("full_dtype", lambda: tg.full((2,), 3, dtype=tg.float64), (2,), np.float64, [3, 3]),
    ("empty", lambda: tg.empty(2, 3), (2, 3), np.float32, None),
    ("randn", lambda: tg.randn(2, 3), (2, 3), np.float32, None),
    ("randn_float64", lambda: tg.randn(4, dtype=tg.float64), (4,), np.float64, None),
    ("rand", lambda: tg.rand(5), (5,), np.float32, None),
    ("randint", lambda: tg.randint(0, 5, (3, 2)), (3, 2), np.int64, None),
    ("arange", lambda: tg.arange(4), (4,), np.int64, [0, 1, 2, 3]),
    ("arange_start_step", lambda: tg.arange(1, 7, 2), (3,), np.int64, [1, 3, 5]),
    ("arange_float", lambda: tg.arange(0, 1, 0.25), (4,), np.float32, [0, 0.25, 0.5, 0.75]),
    ("arange_dtype", lambda: tg.arange(3, dtype=tg.float64), (3,), np.float64, [0, 1, 2]),
    ("linspace", lambda: tg.linspace(0, 1, 5), (5,), np.float32, [0, 0.25, 0.5, 0.75, 1]),
    ("eye", lambda: tg.eye(3), (3, 3), np.float32, np.eye(3)),
    ("eye_rect", lambda: tg.eye(2, 3), (2, 3), np.float32, np.eye(2, 3)),
    ("zeros_like", lambda: tg.zeros_like(_f64), (2, 2), np.float64, np.zeros((2, 2))),
    ("ones_like_int", lambda: tg.ones_like(_i32), (3,), np.int32, [1, 1, 1]),
    ("ones_like_dtype", lambda: tg.ones_like(_i32, dtype=tg.float32), (3,), np.float32, [1, 1, 1]),
    ("full_like", lambda: tg.full_like(_f64, 7.0), (2, 2), np.float64, np.full((2, 2), 7.0)),
    ("full_like_dtype", lambda: tg.full_like(_i32, 2.5, dtype=tg.float64), (3,), np.float64, [2.5] * 3),
    ("empty_like", lambda: tg.empty_like(_i32), (3,), np.int32, None),
    ("randn_like", lambda: tg.randn_like(_f64), (2, 2), np.float64, None),
    ("rand_like", lambda: tg.rand_like(Tensor(np.ones(3, np.float32))), (3,), np.float32, None),
]


@pytest.mark.parametrize("name, make, shape, dtype, values", CREATION, ids=[c[0] for c in CREATION])
def test_creation(name, make, shape, dtype, values):
    t = make()
    assert isinstance(t, Tensor) and t.shape == shape and t.dtype == dtype and not t.requires_grad
    if values is not None:
        np.testing.assert_array_equal(t.numpy(), values)


def test_creation_ranges_and_requires_grad():
    tg.manual_seed(0)
    r, n, i = tg.rand(1000), tg.randn(1000), tg.randint(2, 5, (1000,))
    assert 0 <= r.numpy().min() and r.numpy().max() < 1
    assert abs(n.numpy().mean()) < 0.2 and 0.8 < n.numpy().std() < 1.2
    assert set(np.unique(i.numpy())) == {2, 3, 4}
    assert tg.zeros(2, requires_grad=True).requires_grad
    assert tg.randn(2, requires_grad=True).requires_grad


def test_manual_seed_reproducibility():
    def draw():
        return tg.randn(3, 2).numpy(), tg.rand(4).numpy(), tg.randint(0, 100, (5,)).numpy()
    tg.manual_seed(123)
    first = draw()
    tg.manual_seed(123)
    second = draw()
    tg.manual_seed(124)
    third = draw()
    for a, b, c in zip(first, second, third):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


# ---------------------------------------------------------------------------------------------
# comparisons, logic, argmax/argmin
# ---------------------------------------------------------------------------------------------

_A = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
_B = np.array([2.0, 2.0, 2.0])

COMPARISONS = [
    ("eq", lambda x, y: x == y, np.equal), ("ne", lambda x, y: x != y, np.not_equal),
    ("lt", lambda x, y: x < y, np.less), ("le", lambda x, y: x <= y, np.less_equal),
    ("gt", lambda x, y: x > y, np.greater), ("ge", lambda x, y: x >= y, np.greater_equal),
    ("eq_method", lambda x, y: x.eq(y), np.equal), ("gt_method", lambda x, y: x.gt(y), np.greater),
    ("le_method", lambda x, y: x.le(y), np.less_equal),
]


@pytest.mark.parametrize("name, op, ref", COMPARISONS, ids=[c[0] for c in COMPARISONS])
@pytest.mark.parametrize("other", ["tensor", "scalar"])
def test_comparisons_give_bool_tensors_without_grad(name, op, ref, other):
    x = Tensor(_A, requires_grad=True)
    y, y_np = (Tensor(_B), _B) if other == "tensor" else (2.0, 2.0)
    out = op(x, y)
    assert isinstance(out, Tensor) and out.dtype == np.bool_
    assert not out.requires_grad and out.grad_fn is None
    np.testing.assert_array_equal(out.numpy(), ref(_A, y_np))


def test_logic_operators():
    a, b = Tensor([True, True, False]), Tensor([True, False, False])
    assert (a & b).tolist() == [True, False, False]
    assert (a | b).tolist() == [True, True, False]
    assert (~a).tolist() == [False, False, True]


ARG = [
    ("argmax_flat", lambda x: x.argmax(), lambda a: np.argmax(a)),
    ("argmin_flat", lambda x: x.argmin(), lambda a: np.argmin(a)),
    ("argmax_dim", lambda x: x.argmax(1), lambda a: np.argmax(a, 1)),
    ("argmin_dim0", lambda x: x.argmin(0), lambda a: np.argmin(a, 0)),
    ("argmax_neg_keepdim", lambda x: x.argmax(-1, keepdim=True), lambda a: np.argmax(a, -1, keepdims=True)),
    ("argmax_function", lambda x: tg.argmax(x, dim=0), lambda a: np.argmax(a, 0)),
]


@pytest.mark.parametrize("name, fn, ref", ARG, ids=[a[0] for a in ARG])
def test_argmax_argmin(name, fn, ref):
    a = np.array([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0], [0.0, 0.0, -1.0]])  # ties: first index wins
    out = fn(Tensor(a, requires_grad=True))
    assert out.dtype == np.int64 and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), ref(a))


# ---------------------------------------------------------------------------------------------
# indexing and shape values
# ---------------------------------------------------------------------------------------------

_X = np.arange(24.0).reshape(2, 3, 4)

INDEXES = [
    ("int", 1), ("negative_int", -1), ("slice", slice(1, None)),
    ("step", (slice(None), slice(None, None, -2))), ("ints", (1, 2, 3)), ("none", (None, 0)),
    ("ellipsis", (Ellipsis, 1)), ("mixed", (0, None, slice(0, 2), -1)), ("list", [1, 1, 0]),
    ("tuple_of_lists", ([0, 1], [2, 0])), ("array", np.array([[0], [1]])), ("bool_mask", _X > 10.5),
    ("bool_rows", np.array([False, True])), ("slice_and_list", (slice(None), [2, 0])),
]


@pytest.mark.parametrize("name, index", INDEXES, ids=[i[0] for i in INDEXES])
def test_indexing_values(name, index):
    np.testing.assert_array_equal(Tensor(_X)[index].numpy(), _X[index])


def test_indexing_with_tensors():
    x = Tensor(_X)
    np.testing.assert_array_equal(x[Tensor([1, 0])].numpy(), _X[[1, 0]])
    np.testing.assert_array_equal(x[x > 20].numpy(), _X[_X > 20])
    np.testing.assert_array_equal(x[Tensor(1)].numpy(), _X[1])
    with pytest.raises(TypeError):
        [10, 20][Tensor(1.0)]
    assert [10, 20][Tensor(1)] == 20


@given(shape=shapes(min_dims=1), data=st.data())
def test_flatten_every_start_and_end(shape, data):
    nd = len(shape)
    start = data.draw(st.integers(-nd, nd - 1))
    end = data.draw(st.integers(start % nd, nd - 1))
    x = Tensor(np.arange(float(np.prod(shape))).reshape(shape))
    s = start % nd
    expected = shape[:s] + (int(np.prod(shape[s:end + 1])),) + shape[end + 1:]
    assert x.flatten(start, end).shape == expected
    assert x.flatten(start).shape == shape[:s] + (int(np.prod(shape[s:])),)
    assert x.flatten().shape == (x.numel(),)


def test_flatten_of_one_dim_and_zero_dim():
    assert Tensor([1.0, 2.0]).flatten().shape == (2,)
    assert Tensor(np.ones((4, 3))).flatten(1).shape == (4, 3)
    assert Tensor(5.0).flatten().shape == (1,)


@pytest.mark.parametrize("d0, d1", [(0, 0), (1, -2), (-1, 2)])
def test_transpose_of_a_dim_with_itself_is_the_identity(d0, d1):
    x = leaf(np.arange(6.0).reshape(1, 2, 3))
    y = x.transpose(d0, d1)
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((1, 2, 3)))


def test_shape_helpers():
    x = Tensor(np.zeros((2, 1, 3)))
    assert x.squeeze().shape == (2, 3) and x.squeeze(1).shape == (2, 3) and x.squeeze(0).shape == (2, 1, 3)
    assert x.unsqueeze(0).shape == (1, 2, 1, 3) and x.unsqueeze(-1).shape == (2, 1, 3, 1)
    assert x.view(3, 2).shape == (3, 2) and x.reshape(-1).shape == (6,) and x.reshape((6, 1)).shape == (6, 1)
    assert x.expand(4, 2, 5, 3).shape == (4, 2, 5, 3) and x.expand(-1, 2, -1).shape == (2, 2, 3)
    assert x.permute(2, 0, 1).shape == (3, 2, 1) and x.transpose(0, 2).shape == (3, 1, 2)
    assert x.contiguous() is x


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------

ERRORS = [  # name, action, exception, text in the message
    ("dim_out_of_range", lambda: Tensor(np.ones((2, 3))).sum(dim=2), IndexError, "dim"),
    ("negative_dim_out_of_range", lambda: Tensor(np.ones((2, 3))).softmax(-3), IndexError, "dim"),
    ("repeated_dims", lambda: Tensor(np.ones((2, 3))).sum(dim=(0, -2)), ValueError, "repeated"),
    ("permute_not_a_permutation", lambda: Tensor(np.ones((2, 3))).permute(0), ValueError, "permut"),
    ("pad_negative", lambda: Tensor([1.0]).pad((-1, 0)), ValueError, "pad"),
    ("pad_too_many_pairs", lambda: Tensor([1.0]).pad((1, 1, 1, 1)), ValueError, "pad"),
    ("clamp_without_bounds", lambda: Tensor([1.0]).clamp(), RuntimeError, "clamp"),
    ("gelu_approximate", lambda: Tensor([1.0]).gelu(approximate="fast"), ValueError, "approximate"),
    ("where_condition_not_bool", lambda: tg.where(Tensor([1, 0]), Tensor([1.0, 2.0]), 0.0), TypeError,
     "bool"),
    ("cat_empty", lambda: tg.cat([]), ValueError, "cat"),
    ("stack_empty", lambda: tg.stack([]), ValueError, "stack"),
    ("mean_of_int", lambda: Tensor([1, 2]).mean(), TypeError, "mean"),
    ("float_as_index", lambda: [1, 2][Tensor(1.0)], TypeError, "integer"),
    ("gather_float_index", lambda: Tensor([1.0, 2.0]).gather(0, Tensor([0.0])), ValueError, "gather"),
]


@pytest.mark.parametrize("name, action, exc, text", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, action, exc, text):
    with pytest.raises(exc, match=text):
        action()


# ---------------------------------------------------------------------------------------------
# module-level functions with PyTorch's names
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, call, ref", [
    ("exp", lambda x: tg.exp(x), np.exp(_A)),
    ("sum", lambda x: tg.sum(x, dim=1), _A.sum(1)),
    ("mean", lambda x: tg.mean(x, 0, keepdim=True), _A.mean(0, keepdims=True)),
    ("max_dim", lambda x: tg.max(x, dim=1).values, _A.max(1)),
    ("clamp", lambda x: tg.clamp(x, 1.5, 2.5), np.clip(_A, 1.5, 2.5)),
    ("matmul", lambda x: tg.matmul(x, x.T), _A @ _A.T),
    ("reshape", lambda x: tg.reshape(x, (3, 2)), _A.reshape(3, 2)),
    ("maximum", lambda x: tg.maximum(x, Tensor(_B)), np.maximum(_A, _B)),
    ("where", lambda x: tg.where(x > 2, x, Tensor(_B)), np.where(_A > 2, _A, _B)),
    ("numpy_input", lambda x: tg.sqrt(_A), np.sqrt(_A)),
])
def test_module_level_functions(name, call, ref):
    np.testing.assert_allclose(call(Tensor(_A)).numpy(), ref)
