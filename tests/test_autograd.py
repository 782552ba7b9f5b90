"""The autograd engine: backward and its errors, accumulation, retain_grad, freeing the graph,
grad modes, autograd.grad and higher order, long chains, shared nodes, memory, in-place updates,
shape errors, gradient storage and float32 preservation."""
import gc
import weakref

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import Tensor, primitives
from tinygrad_lite.autograd import grad

from helpers import const, leaf


@pytest.fixture(autouse=True)
def _restore_grad_mode():
    """A failing grad-mode test must not leave recording off for the tests after it."""
    yield
    tg.set_grad_enabled(True)


def f32(*values):
    return Tensor(np.array(values, dtype=np.float32), requires_grad=True)


# ---------------------------------------------------------------------------------------------
# backward: basics and errors
# ---------------------------------------------------------------------------------------------

def test_non_scalar_backward_needs_a_gradient_and_names_the_shape():
    x = leaf(np.ones((2, 3)))
    with pytest.raises(RuntimeError, match=r"\(2, 3\)"):
        (x * 2).backward()
    (x * 2).backward(np.full((2, 3), 0.5))
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3)))


@pytest.mark.parametrize("gradient", [np.array([1.0, 2.0]), Tensor(np.array([1.0, 2.0])), [1.0, 2.0]])
def test_backward_accepts_array_tensor_or_list_gradient(gradient):
    x = leaf([3.0, 4.0])
    (x * x).backward(gradient)
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 16.0])


def test_gradient_of_the_wrong_shape_is_an_error_naming_both_shapes():
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"\(2,\).*\(3,\)|\(3,\).*\(2,\)"):
        (x * 2).backward(np.ones(2))


def test_backward_on_a_tensor_without_requires_grad_is_a_clear_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (const([1.0, 2.0]) * 2).sum().backward()
    with tg.no_grad():
        y = (leaf([1.0]) * 2).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_backward_through_an_int_tensor_is_a_clear_error():
    x = leaf([1.5, 2.5])
    with pytest.raises((RuntimeError, TypeError), match="grad"):
        x.long().sum().backward()
    with pytest.raises((RuntimeError, TypeError), match="grad"):
        Tensor([1, 2]).sum().backward()


@pytest.mark.parametrize("make", [lambda: Tensor([1, 2], requires_grad=True),
                                  lambda: Tensor([1, 2]).requires_grad_(),
                                  lambda: Tensor([True]).requires_grad_(),
                                  lambda: tg.zeros(2, dtype=tg.int64, requires_grad=True)])
def test_requires_grad_on_an_int_tensor_is_an_error(make):
    with pytest.raises((TypeError, RuntimeError), match="floating point"):
        make()


def test_casts_to_int_carry_no_grad():
    x = leaf([1.5, 2.5])
    assert not x.long().requires_grad and not x.int().requires_grad and not x.bool().requires_grad
    assert not (x > 2).requires_grad and not x.argmax().requires_grad


def test_casts_between_floats_are_differentiable():
    x = f32(1.5, 2.5)
    y = x.double()
    assert y.dtype == np.float64 and y.requires_grad
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 5.0])


# ---------------------------------------------------------------------------------------------
# accumulation, retain_grad, freeing the graph
# ---------------------------------------------------------------------------------------------

def test_gradients_accumulate_in_leaves_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2 + 3, 4 + 3])


def test_interior_nodes_keep_no_grad_unless_retain_grad():
    x = leaf([1.0, 2.0])
    h = x * 3
    k = h * 2
    k.retain_grad()
    assert not h.is_leaf and not k.is_leaf and x.is_leaf
    (k * k).sum().backward()
    with pytest.warns(UserWarning, match="retain_grad"):  # as PyTorch, reading it warns
        assert h.grad is None
    np.testing.assert_array_equal(k.grad.numpy(), 2 * k.numpy())
    np.testing.assert_array_equal(x.grad.numpy(), 2 * k.numpy() * 6)


def test_retain_grad_on_a_tensor_without_grad_is_an_error():
    with pytest.raises(RuntimeError):
        const([1.0]).retain_grad()


def test_graph_is_freed_after_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        grad(y, x)


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])


def test_shared_subgraph_of_a_freed_graph():
    x = leaf([1.0, 2.0])
    h = x.exp()
    (h * 2).sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 3).sum().backward()  # the new part is fine, h's part was freed


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_backward_that_fails_midway_restores_the_grad_mode(create_graph):
    """The engine switches recording off (or on, for create_graph) while it runs; an error
    raised in the middle of the graph must not leave that switch behind."""
    x = leaf([1.0, 2.0])
    h = x.exp()
    (h * 2).sum().backward()
    y = (h * 3).sum()  # reaches h's freed part after one step
    with tg.no_grad():
        with pytest.raises(RuntimeError, match="retain_graph"):
            y.backward(create_graph=create_graph)
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 3).sum().backward(create_graph=create_graph)
    assert tg.is_grad_enabled() and (x * 2).requires_grad


# ---------------------------------------------------------------------------------------------
# grad modes
# ---------------------------------------------------------------------------------------------

def test_no_grad_and_enable_grad_nest_as_context_managers():
    x = leaf([1.0])
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        assert not (x * 2).requires_grad and (x * 2).grad_fn is None
        with tg.enable_grad():
            assert tg.is_grad_enabled() and (x * 2).requires_grad
            with tg.no_grad():
                assert not (x * 2).requires_grad
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert tg.is_grad_enabled() and (x * 2).requires_grad


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(KeyError):
        with tg.no_grad():
            raise KeyError
    assert tg.is_grad_enabled()


def test_no_grad_and_enable_grad_as_decorators():
    x = leaf([1.0])

    @tg.enable_grad()
    def recorded():
        return x * 2

    @tg.no_grad()
    def evaluate():
        assert not tg.is_grad_enabled()
        return x * 2, recorded()

    assert tg.is_grad_enabled()
    y, z = evaluate()
    assert not y.requires_grad and z.requires_grad
    assert tg.is_grad_enabled()
    with tg.no_grad():
        assert recorded().requires_grad and not tg.is_grad_enabled()
    assert evaluate.__name__ == "evaluate"


def test_set_grad_enabled_as_call_context_and_decorator():
    x = leaf([1.0])
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tg.is_grad_enabled()
    try:
        @tg.set_grad_enabled(False)
        def evaluate():
            return x * 2
        enabled_after_decorating = tg.is_grad_enabled()
    finally:
        tg.set_grad_enabled(True)
    assert enabled_after_decorating, "decorating with set_grad_enabled(False) switched grad mode off"
    assert not evaluate().requires_grad
    assert tg.is_grad_enabled()
    tg.set_grad_enabled(False)
    try:
        assert not tg.is_grad_enabled()
    finally:
        tg.set_grad_enabled(True)
    assert tg.is_grad_enabled()


# ---------------------------------------------------------------------------------------------
# autograd.grad and higher order
# ---------------------------------------------------------------------------------------------

def test_grad_with_grad_outputs_and_several_inputs_leaves_dot_grad_alone():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    h = a * b
    h.retain_grad()
    ga, gb = grad(h, [a, b], grad_outputs=Tensor(np.array([10.0, 100.0])))
    np.testing.assert_array_equal(ga.numpy(), [30.0, 400.0])
    np.testing.assert_array_equal(gb.numpy(), [10.0, 200.0])
    assert a.grad is None and b.grad is None and h.grad is None
    assert not ga.requires_grad


def test_grad_of_several_outputs_sums_them():
    x = leaf([1.0, 2.0])
    (g,) = grad([(x * x).sum(), (x * 3).sum()], [x])
    np.testing.assert_array_equal(g.numpy(), [5.0, 7.0])


def test_grad_of_outputs_that_depend_on_each_other():
    x = leaf([1.0, 2.0])
    y = x * x
    (g,) = grad([y.sum(), (y * 3).sum()], [x])  # d/dx (x² + 3x²) = 8x
    np.testing.assert_array_equal(g.numpy(), [8.0, 16.0])


def test_grad_with_respect_to_an_interior_tensor():
    x = leaf([1.0, 2.0])
    h = x * 3
    (g,) = grad((h * h).sum(), h)
    np.testing.assert_array_equal(g.numpy(), 2 * h.numpy())


def test_grad_allow_unused():
    a, b = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match="allow_unused"):
        grad((a * 2).sum(), [a, b], retain_graph=True)
    ga, gb = grad((a * 2).sum(), [a, b], allow_unused=True)
    assert gb is None
    np.testing.assert_array_equal(ga.numpy(), [2.0])


def test_grad_of_an_input_without_requires_grad_is_an_error():
    x = leaf([1.0])
    with pytest.raises(RuntimeError):
        grad((x * 2).sum(), const([1.0]))


def test_second_and_third_derivative_of_x_cubed():
    x = leaf([-1.5, 0.5, 2.0])
    (g,) = grad((x ** 3).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), 3 * x.numpy() ** 2)
    assert g.requires_grad
    (h,) = grad(g.sum(), x, create_graph=True)
    np.testing.assert_allclose(h.numpy(), 6 * x.numpy())
    (t,) = grad(h.sum(), x)
    np.testing.assert_allclose(t.numpy(), [6.0, 6.0, 6.0])


def test_backward_with_create_graph_then_grad_of_the_gradient():
    x = leaf([0.3, -0.7])
    (x.sin() * x).sum().backward(create_graph=True)
    gx = x.grad  # sin x + x cos x
    np.testing.assert_allclose(gx.numpy(), np.sin(x.numpy()) + x.numpy() * np.cos(x.numpy()))
    (h,) = grad(gx.sum(), x)  # 2 cos x - x sin x
    np.testing.assert_allclose(h.numpy(), 2 * np.cos(x.numpy()) - x.numpy() * np.sin(x.numpy()))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hessian_vector_products_closed_form(seed):
    rng = np.random.default_rng(seed)
    x, v, A = rng.normal(size=4), rng.normal(size=4), rng.normal(size=(4, 4))
    cases = [  # f, H v
        (lambda x: (x ** 3).sum(), 6 * x * v),
        (lambda x: x @ (Tensor(A) @ x), (A + A.T) @ v),
        (lambda x: (x * x).sum() ** 2, 8 * np.outer(x, x) @ v + 4 * (x @ x) * v),
    ]
    for f, expected in cases:
        xt = leaf(x)
        (g,) = grad(f(xt), xt, create_graph=True)
        (hv,) = grad((g * Tensor(v)).sum(), xt)
        np.testing.assert_allclose(hv.numpy(), expected, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# long chains, shared nodes
# ---------------------------------------------------------------------------------------------

def test_chain_of_100000_multiplications():
    x = leaf([1.0])  # no recursion anywhere: a deep chain neither overflows the stack nor fails
    y = x
    for _ in range(100_000):
        y = y * 1.0000001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0000001 ** 100_000], rtol=1e-9)


def test_chain_of_100000_additions_reusing_a_leaf():
    x = leaf([2.0])
    y = x
    for _ in range(100_000):
        y = y + x
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [100_001.0])
    del y  # dropping a long graph that was never freed must not blow the stack either
    y = x
    for _ in range(100_000):
        y = y + x
    del y


@pytest.mark.parametrize("name, fn, expected", [
    ("a_plus_a", lambda a, b, c: (a + a).sum(), lambda a, b, c: 2 * np.ones_like(a)),
    ("x_times_x", lambda a, b, c: (a * a).sum(), lambda a, b, c: 2 * a),
    ("shared_a", lambda a, b, c: (a * b + a * c).sum(), lambda a, b, c: b + c),
    ("diamond", lambda a, b, c: ((a * 2).sin() * (a * 2).cos()).sum(),
     lambda a, b, c: 2 * np.cos(4 * a)),
    ("reused_node", lambda a, b, c: (lambda h: (h * h + h).sum())(a.exp()),
     lambda a, b, c: 2 * np.exp(2 * a) + np.exp(a)),
    ("node_used_by_three", lambda a, b, c: (lambda h: (h * b + h * c + h).sum())(a * a),
     lambda a, b, c: 2 * a * (b + c + 1)),
])
def test_shared_nodes_and_diamonds(name, fn, expected):
    rng = np.random.default_rng(3)
    arrays = [rng.normal(size=3) for _ in range(3)]
    a = leaf(arrays[0])
    fn(a, const(arrays[1]), const(arrays[2])).backward()
    np.testing.assert_allclose(a.grad.numpy(), expected(*arrays), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# memory: the graph has no reference cycles and is freed by backward
# ---------------------------------------------------------------------------------------------

def _step(w, x):
    h = x @ w
    a = h.relu()
    s = a.softmax(-1)
    loss = primitives.CrossEntropy.apply(h, target=np.array([0, 1])) + (s * a).mean()
    return [weakref.ref(t) for t in (h, a, s)], loss


@pytest.mark.parametrize("collect", [False, True])
def test_training_steps_free_interior_tensors(collect):
    w = leaf(np.random.default_rng(0).normal(size=(3, 4)))
    x = const(np.random.default_rng(1).normal(size=(2, 3)))
    enabled = gc.isenabled()
    gc.disable()  # refcounting alone must free the graph
    try:
        for _ in range(3):
            refs, loss = _step(w, x)
            loss.backward()
            if collect:
                gc.collect()
            assert all(r() is None for r in refs), "interior tensors outlive backward"
            with tg.no_grad():
                w -= 0.1 * w.grad
            w.grad = None
            del loss
    finally:
        if enabled:
            gc.enable()


def test_graph_dropped_without_backward_is_freed_by_refcount():
    w = leaf(np.ones((3, 4)))
    enabled = gc.isenabled()
    gc.disable()
    try:
        refs, loss = _step(w, const(np.ones((2, 3))))
        del loss
        assert all(r() is None for r in refs)
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# in-place updates
# ---------------------------------------------------------------------------------------------

def _isub(t):
    t -= Tensor(np.array([1.0, 1.0, 1.0], np.float32))
    return t


def _iadd(t):
    t += 0.5
    return t


def _imul(t):
    t *= 2
    return t


def _itruediv(t):
    t /= 2.0
    return t


def _setitem(t):
    t[1] = 7.0
    return t


INPLACE = [  # name, update, expected values from [1, 2, 3]
    ("add_", lambda t: t.add_(Tensor(np.array([1.0, 1.0, 1.0], np.float32))), [2, 3, 4]),
    ("add_alpha", lambda t: t.add_(Tensor(np.array([1.0, 2.0, 3.0], np.float32)), alpha=-0.5), [0.5, 1, 1.5]),
    ("sub_", lambda t: t.sub_(1.0), [0, 1, 2]),
    ("mul_", lambda t: t.mul_(3.0), [3, 6, 9]),
    ("div_", lambda t: t.div_(2), [0.5, 1, 1.5]),
    ("zero_", lambda t: t.zero_(), [0, 0, 0]),
    ("fill_", lambda t: t.fill_(4.0), [4, 4, 4]),
    ("copy_", lambda t: t.copy_(Tensor(np.array([9.0, 8.0, 7.0]))), [9, 8, 7]),
    ("clamp_", lambda t: t.clamp_(1.5, 2.5), [1.5, 2, 2.5]),
    ("isub", _isub, [0, 1, 2]),
    ("iadd", _iadd, [1.5, 2.5, 3.5]),
    ("imul", _imul, [2, 4, 6]),
    ("itruediv", _itruediv, [0.5, 1, 1.5]),
    ("setitem", _setitem, [1, 7, 3]),
]


@pytest.mark.parametrize("name, update, expected", INPLACE, ids=[i[0] for i in INPLACE])
def test_inplace_update_of_a_parameter_under_no_grad(name, update, expected):
    w = f32(1.0, 2.0, 3.0)
    array, version = w.numpy(), w._version
    with tg.no_grad():
        out = update(w)
    assert out is w and w.numpy() is array and w.requires_grad and w.is_leaf
    assert w._version > version and w.dtype == np.float32
    np.testing.assert_array_equal(w.numpy(), expected)


@pytest.mark.parametrize("name, update, expected", INPLACE, ids=[i[0] for i in INPLACE])
def test_inplace_update_with_grad_enabled_is_an_error(name, update, expected):
    """On a leaf that requires grad; on an interior tensor it is recorded (tests/test_ops_index.py)."""
    w = f32(1.0, 2.0, 3.0)
    with pytest.raises(RuntimeError, match="no_grad"):
        update(w)
    np.testing.assert_array_equal(w.numpy(), [1, 2, 3])
    h = w * 1.0
    assert update(h) is h and not h.is_leaf
    np.testing.assert_array_equal(h.numpy(), expected)


def test_inplace_update_of_a_tensor_without_grad_is_allowed_while_recording():
    c = const([1.0, 2.0])
    c.add_(1.0)
    c *= 2
    np.testing.assert_array_equal(c.numpy(), [4.0, 6.0])


def _modify_parameter():
    w = leaf([1.0, 2.0])
    loss = (w * w).sum()
    with tg.no_grad():
        w -= 0.1
    return loss


def _modify_constant(update):
    def run():
        w, c = leaf([1.0, 2.0]), const([3.0, 4.0])
        loss = (w * c).sum()
        update(c)
        return loss
    return run


def _modify_output():
    w = leaf([1.0, 2.0])
    y = w.exp()
    with tg.no_grad():
        y.mul_(2.0)  # exp's backward uses its output: the gradient would silently double
    return (y * 1.0).sum()


def _modify_base_of_view():
    w, c = leaf([1.0, 2.0]), const([3.0, 4.0])
    loss = (w * c.reshape(2)).sum()
    c.mul_(2.0)  # the reshaped view sees the change
    return loss


def _modify_through_a_view(make_view):
    def run():
        w, c = leaf([1.0, 2.0]), const([3.0, 4.0])
        loss = (w * c).sum()
        make_view(c).mul_(2.0)  # writes into c's memory
        return loss
    return run


def _modify_detached_parameter():
    a, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    loss = (a * w.detach()).sum()
    with tg.no_grad():
        w.mul_(2.0)
    return loss


@pytest.mark.parametrize("name, make_loss", [
    ("parameter", _modify_parameter),
    ("constant_mul_", _modify_constant(lambda c: c.mul_(2.0))),
    ("constant_copy_", _modify_constant(lambda c: c.copy_(np.zeros(2)))),
    ("constant_setitem", _modify_constant(lambda c: c.__setitem__(0, 5.0))),
    ("constant_zero_", _modify_constant(lambda c: c.zero_())),
    ("output_of_an_op", _modify_output),
    ("base_of_a_view", _modify_base_of_view),
    ("parameter_behind_detach", _modify_detached_parameter),
    ("through_a_reshape_view", _modify_through_a_view(lambda c: c.reshape(1, 2))),
    ("through_a_slice", _modify_through_a_view(lambda c: c[0:1])),
    ("through_a_transpose", _modify_through_a_view(lambda c: c.reshape(2, 1).T)),
])
def test_modified_in_place_after_use_makes_backward_raise(name, make_loss):
    loss = make_loss()
    with pytest.raises(RuntimeError, match="in place"):
        loss.backward()


def test_updates_after_backward_then_new_forward_are_fine():
    w = leaf([1.0, 2.0])
    for _ in range(2):
        (w * w).sum().backward()
        with tg.no_grad():
            w -= 0.25 * w.grad
        w.grad.zero_()
    np.testing.assert_allclose(w.numpy(), [0.25, 0.5])


# ---------------------------------------------------------------------------------------------
# shape errors
# ---------------------------------------------------------------------------------------------

def _t(*shape):
    return const(np.ones(shape))


def _setitem_error():
    t = _t(3)
    t[0:2] = np.ones(3)


SHAPE_ERRORS = [  # name, action, op named in the message, shapes named in the message
    ("add", lambda: _t(2, 3) + _t(4), "add", [(2, 3), (4,)]),
    ("mul", lambda: _t(2, 3) * _t(3, 2), "mul", [(2, 3), (3, 2)]),
    ("sub_rhs_bigger", lambda: _t(3) - _t(2, 4), "sub", [(3,), (2, 4)]),
    ("div", lambda: _t(2) / _t(3), "div", [(2,), (3,)]),
    ("pow", lambda: _t(2) ** _t(3), "pow", [(2,), (3,)]),
    ("maximum", lambda: _t(2, 3).maximum(_t(4)), "maximum", [(2, 3), (4,)]),
    ("where", lambda: tg.where(Tensor([True, False]), _t(3), 0.0), "where", [(2,), (3,)]),
    ("matmul", lambda: _t(2, 3) @ _t(4, 2), "matmul", [(2, 3), (4, 2)]),
    ("matmul_vectors", lambda: _t(3) @ _t(4), "matmul", [(3,), (4,)]),
    ("matmul_batch", lambda: _t(2, 2, 3) @ _t(3, 3, 2), "matmul", [(2, 2, 3), (3, 3, 2)]),
    ("reshape", lambda: _t(2, 3).reshape(4), "reshape", [(2, 3), (4,)]),
    ("view", lambda: _t(6).view(4, 2), "reshape", [(6,), (4, 2)]),
    ("expand", lambda: _t(3).expand(2, 4), "expand", [(3,), (2, 4)]),
    ("cat", lambda: tg.cat([_t(2, 3), _t(2, 4)]), "cat", [(2, 3), (2, 4)]),
    ("stack", lambda: tg.stack([_t(2, 3), _t(2, 4)]), "stack", [(2, 3), (2, 4)]),
    ("compare", lambda: _t(2, 3) == _t(4), "equal", [(2, 3), (4,)]),
    ("add_", lambda: _t(3).add_(_t(2, 3)), "add_", [(3,), (2, 3)]),
    ("copy_", lambda: _t(3).copy_(_t(2, 3)), "copy_", [(3,), (2, 3)]),
    ("setitem", _setitem_error, "setitem", [(2,), (3,)]),
    ("linear", lambda: primitives.Linear.apply(_t(5, 3), _t(2, 4), _t(2)), "linear", [(5, 3), (2, 4)]),
    ("cross_entropy_targets", lambda: primitives.CrossEntropy.apply(_t(4, 3), target=np.array([0, 1])),
     "crossentropy", [(4, 3), (2,)]),
    ("gather_index", lambda: _t(2, 2).gather(1, Tensor(np.zeros((3, 2), np.int64))), "gather",
     [(2, 2), (3, 2)]),
    ("backward_gradient", lambda: (leaf(np.ones(3)) * 2).backward(np.ones(2)), "backward",
     [(3,), (2,)]),
]


@pytest.mark.parametrize("name, action, op, shapes", SHAPE_ERRORS, ids=[s[0] for s in SHAPE_ERRORS])
def test_shape_errors_name_the_op_and_both_shapes(name, action, op, shapes):
    with pytest.raises(tg.ShapeError) as info:
        action()
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)
    message = str(info.value).replace(" ", "")
    assert op in message.split(":")[0].lower().replace("_", "") or message.lower().startswith(op)
    for shape in shapes:
        assert str(shape).replace(" ", "") in message, (shape, str(info.value))


def test_shape_error_is_catchable_as_value_and_runtime_error():
    for kind in (ValueError, RuntimeError):
        with pytest.raises(kind):
            _t(2) + _t(3)


# ---------------------------------------------------------------------------------------------
# stored gradients: never shared
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, fn", [
    ("add", lambda a, b: a + b),
    ("add_scalar_first", lambda a, b: (a + 0.0) + b),
    ("cat", lambda a, b: tg.cat([a, b]).reshape(2, 2).sum(0)),
    ("stack", lambda a, b: tg.stack([a, b]).sum(0)),
    ("reshape", lambda a, b: a.reshape(2) + b.reshape(1, 2)[0]),
])
@pytest.mark.parametrize("create_graph", [False, True])
def test_leaf_grads_are_never_shared(name, fn, create_graph):
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    g = np.array([1.0, 1.0])
    fn(a, b).backward(Tensor(g), create_graph=create_graph)
    assert a.grad is not b.grad
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    assert not np.shares_memory(a.grad.numpy(), g) and not np.shares_memory(b.grad.numpy(), g)
    fn(a, b).backward(Tensor(g))  # a second backward accumulates into each separately
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(b.grad.numpy(), [2.0, 2.0])


def test_leaf_backward_does_not_alias_the_gradient_argument():
    x = leaf([1.0, 2.0])
    g = np.array([5.0, 6.0])
    x.backward(g)
    g[0] = 0.0
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 6.0])


# ---------------------------------------------------------------------------------------------
# zero-dimensional tensors
# ---------------------------------------------------------------------------------------------

def test_zero_dim_results_are_arrays_and_keep_float64():
    x = Tensor(np.array(2.0), requires_grad=True)
    y = x * 3.0
    assert isinstance(y.numpy(), np.ndarray) and y.shape == () and y.dtype == np.float64
    (x * x).backward()
    assert x.grad.dtype == np.float64 and x.grad.item() == 4.0
    (g,) = grad(x * x, x)
    assert g.dtype == np.float64
    with tg.no_grad():
        y.add_(1.0)
    assert y.item() == 7.0


# ---------------------------------------------------------------------------------------------
# float32 stays float32: values and gradients, with Python scalars on either side
# ---------------------------------------------------------------------------------------------

F32_OPS = {
    "add_scalar": lambda a, b: a + 2.5, "radd_scalar": lambda a, b: 2.5 + a,
    "sub_scalar": lambda a, b: a - 2.5, "rsub_scalar": lambda a, b: 2.5 - a,
    "mul_scalar": lambda a, b: a * 2.5, "rmul_scalar": lambda a, b: 2.5 * a,
    "div_scalar": lambda a, b: a / 3, "rdiv_scalar": lambda a, b: 2.5 / a,
    "mul_numpy_scalar": lambda a, b: a * np.float64(2.0), "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
    "pow_scalar": lambda a, b: a ** 2.5, "pow_int": lambda a, b: a ** 2, "rpow": lambda a, b: 2.5 ** a,
    "pow": lambda a, b: a ** b, "neg": lambda a, b: -a, "matmul": lambda a, b: a @ b.T,
    "matmul_vector": lambda a, b: a @ b[0], "exp": lambda a, b: a.exp(), "log": lambda a, b: a.log(),
    "sqrt": lambda a, b: a.sqrt(), "abs": lambda a, b: a.abs(), "sin": lambda a, b: a.sin(),
    "cos": lambda a, b: a.cos(), "erf": lambda a, b: a.erf(), "clamp": lambda a, b: a.clamp(0.7, 1.2),
    "maximum_scalar": lambda a, b: a.maximum(Tensor(1.0)), "maximum": lambda a, b: a.maximum(b),
    "minimum": lambda a, b: a.minimum(b), "where_scalar": lambda a, b: tg.where(a > 1, a, 0.5),
    "where": lambda a, b: tg.where(a > 1, a, b), "sum": lambda a, b: a.sum(0),
    "mean": lambda a, b: a.mean(), "var": lambda a, b: a.var(1), "std": lambda a, b: a.std(),
    "max": lambda a, b: a.max(), "max_dim": lambda a, b: a.max(1).values, "amin": lambda a, b: a.amin(0),
    "logsumexp": lambda a, b: a.logsumexp(1), "relu": lambda a, b: (a - 1).relu(),
    "leaky_relu": lambda a, b: (a - 1).leaky_relu(0.1), "sigmoid": lambda a, b: a.sigmoid(),
    "tanh": lambda a, b: a.tanh(), "softmax": lambda a, b: a.softmax(1),
    "log_softmax": lambda a, b: a.log_softmax(0), "gelu": lambda a, b: a.gelu(),
    "gelu_tanh": lambda a, b: a.gelu(approximate="tanh"), "silu": lambda a, b: a.silu(),
    "pad": lambda a, b: a.pad((1, 1), 0.5), "cat": lambda a, b: tg.cat([a, b], 1),
    "stack": lambda a, b: tg.stack([a, b]), "getitem": lambda a, b: a[[0, 0, 1]],
    "mask": lambda a, b: a[a > 1], "gather": lambda a, b: a.gather(1, Tensor(np.array([[0], [1], [2]]))),
    "expand": lambda a, b: a[:, :1].expand(3, 4), "transpose": lambda a, b: a.T,
    "permute": lambda a, b: a.permute(1, 0), "reshape": lambda a, b: a.reshape(-1),
    "unsqueeze": lambda a, b: a.unsqueeze(0), "clone": lambda a, b: a.clone(),
    "squeeze": lambda a, b: a[:1].squeeze(0), "flatten": lambda a, b: a.flatten(),
    "view": lambda a, b: a.view(9), "transpose_method": lambda a, b: a.transpose(0, 1),
    "min": lambda a, b: a.min(), "min_dim": lambda a, b: a.min(0).values, "amax": lambda a, b: a.amax(1),
    "clamp_min": lambda a, b: a.clamp(min=1.0), "minimum_scalar": lambda a, b: a.minimum(Tensor(1.0)),
    "mean_dim_keepdim": lambda a, b: a.mean(1, keepdim=True), "abs_neg": lambda a, b: (-a).abs(),
    "rsub_tensor_scalar_int": lambda a, b: 3 - a * 2,
    "linear": lambda a, b: primitives.Linear.apply(a, b, Tensor(np.ones(3, np.float32))),
    "cross_entropy": lambda a, b: primitives.CrossEntropy.apply(a, target=np.array([0, 1, 2]), label_smoothing=0.1),
    "int_tensor_plus_float32": lambda a, b: a + Tensor([1, 2, 3]),
}


@pytest.mark.parametrize("name", F32_OPS)
def test_float32_stays_float32(name):
    fn = F32_OPS[name]
    rng = np.random.default_rng(0)
    a, b = (Tensor(rng.uniform(0.5, 1.5, (3, 3)).astype(np.float32), requires_grad=True) for _ in range(2))
    out = fn(a, b)
    assert out.dtype == np.float32
    out.backward(Tensor(np.ones(out.shape, np.float32)))
    for t in (a, b):
        assert t.grad is None or t.grad.dtype == np.float32
    (ga,) = grad(fn(a, b).sum(), a)
    assert ga.dtype == np.float32
    (gc_,) = grad(fn(a, b).sum(), a, create_graph=True)
    assert gc_.dtype == np.float32
