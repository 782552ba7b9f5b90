"""Custom autograd Functions, autograd.backward, autograd.functional (jacobian, hessian, vjp,
jvp, vhp, hvp) and anomaly detection: gradients against closed forms and finite differences,
structure and errors against PyTorch's."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings

import tinygrad_lite as tg
from tinygrad_lite import Tensor
from tinygrad_lite.autograd import Function, functional as AF
from helpers import leaf, seeds, shapes, uniform

torch = pytest.importorskip("torch")


# --- custom Functions used below ---------------------------------------------------------------

class Cube(Function):
    """x³ with its backward in tensor ops: differentiable again under create_graph."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2


class ScaledExp(Function):
    """k·exp(x) for a Python number k (backward returns None for it); saves its output."""

    @staticmethod
    def forward(ctx, x, k):
        out = x.exp() * k
        ctx.save_for_backward(out)
        ctx.k = k
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out, None


class MulAdd(Function):
    """(a·b, a + b): two outputs, two inputs that broadcast."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b, a + b

    @staticmethod
    def backward(ctx, g_mul, g_add):
        a, b = ctx.saved_tensors
        ga = g_mul * b + g_add if ctx.needs_input_grad[0] else None
        gb = g_mul * a + g_add if ctx.needs_input_grad[1] else None
        return ga, gb


class SortWithIndices(Function):
    """Values and (non-differentiable) indices, like torch.sort."""

    @staticmethod
    def forward(ctx, x):
        order = np.argsort(x.numpy(), kind="stable")
        idx = Tensor(order)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return Tensor(x.numpy()[order]), idx

    @staticmethod
    def backward(ctx, g, g_idx):
        (idx,) = ctx.saved_tensors
        assert not g_idx.numpy().any()  # materialized zeros for the index output
        out = np.zeros(g.shape, g.dtype)
        out[idx.numpy()] = g.numpy()
        return Tensor(out)


class SquareSetup(Function):
    """The setup_context style: forward without ctx."""

    @staticmethod
    def forward(x, scale=2.0):
        return x * x * scale

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, scale = inputs
        ctx.save_for_backward(x)
        ctx.scale = scale

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x * ctx.scale, None


# --- custom Functions -------------------------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(shape=shapes(), seed=seeds)
def test_custom_function_gradients_against_finite_differences(shape, seed):
    x = leaf(uniform(seed, shape))
    assert tg.gradcheck(Cube.apply, (x,))
    assert tg.gradcheck(lambda t: ScaledExp.apply(t, 1.5), (x,))
    assert tg.gradcheck(lambda t: ScaledExp.apply(t.T, 1.5), (x,))  # non-contiguous input


@settings(max_examples=10, deadline=None)
@given(shape=shapes(min_dims=1, max_dims=2), seed=seeds)
def test_custom_function_second_derivatives(shape, seed):
    x = leaf(uniform(seed, shape))
    assert tg.gradgradcheck(Cube.apply, (x,))
    assert tg.gradgradcheck(lambda t: ScaledExp.apply(t, 0.5), (x,))  # through its saved output


def test_custom_function_second_derivative_closed_form():
    x = leaf([1.0, -2.0, 0.5])
    (g,) = tg.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), 3 * x.numpy() ** 2)
    (h,) = tg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 6 * x.numpy())


@settings(max_examples=10, deadline=None)
@given(seed=seeds)
def test_multiple_outputs_with_broadcast_inputs(seed):
    a, b = leaf(uniform(seed, (3, 4))), leaf(uniform(seed + 1, (4,)))
    assert tg.gradcheck(lambda a, b: MulAdd.apply(a, b), (a, b))
    assert tg.gradgradcheck(lambda a, b: MulAdd.apply(a, b), (a, b))


def test_one_of_several_outputs_used_gets_zeros_for_the_other():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    prod, _ = MulAdd.apply(a, b)
    prod.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0])


def test_non_differentiable_output_and_materialized_zeros():
    x = leaf([3.0, 1.0, 2.0])
    values, idx = SortWithIndices.apply(x)
    assert values.requires_grad and not idx.requires_grad and idx.dtype == np.int64
    (values * Tensor([1.0, 10.0, 100.0], dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [100.0, 1.0, 10.0])


def test_set_materialize_grads_false_passes_none():
    seen = []

    class Pair(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g0, g1):
            seen.append((g0 is None, g1 is None))
            return g0 * 2

    x = leaf([1.0])
    Pair.apply(x)[0].sum().backward()
    assert seen == [(False, True)]
    (g,) = tg.autograd.grad((Pair.apply(x)[0] ** 2).sum(), x, create_graph=True)  # 8x
    assert seen[-1] == (False, True) and g.requires_grad and g.item() == 8.0


def test_ctx_is_grad_fn_and_carries_attributes_and_needs_input_grad():
    x = leaf([0.0, 1.0])
    y = ScaledExp.apply(x, 2.0)
    assert type(y.grad_fn).__name__ == "ScaledExpBackward" and y.grad_fn.k == 2.0
    assert y.grad_fn.needs_input_grad == (True, False)
    assert "grad_fn=<ScaledExpBackward>" in repr(y)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([0.0, 1.0]))


def test_setup_context_style_with_keyword_argument():
    x = leaf([1.0, 2.0])
    y = SquareSetup.apply(x, scale=3.0)
    np.testing.assert_allclose(y.numpy(), [3.0, 12.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])


def test_not_recorded_without_grad():
    x = leaf([1.0])
    with tg.no_grad():
        assert not Cube.apply(x).requires_grad
    y = Cube.apply(Tensor([1.0]))
    assert not y.requires_grad and y.grad_fn is None


def test_forward_runs_unrecorded_and_returning_an_input_gives_a_new_tensor():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            assert not tg.is_grad_enabled()
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = leaf([1.0, 2.0])
    y = Identity.apply(x)
    assert y is not x and x.grad_fn is None and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_gradient_cast_to_input_dtype_and_summed_over_broadcast_dimensions():
    class Wide(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return Tensor(np.ones((3, 2)))  # float64, broadcast over a new leading dimension

    x = Tensor(np.zeros(2, np.float32), requires_grad=True)
    Wide.apply(x).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


@pytest.mark.parametrize("returned, message", [
    (lambda g: g, "incorrect number of gradients"),              # 1 for 2 inputs
    (lambda g: (g, g), "different than None at position 1"),     # a gradient for the int argument
    (lambda g: (g[:1], None), "invalid gradient at index 0"),    # a shape that does not fit
    (lambda g: (3, None), "returned a gradient of type int"),
])
def test_bad_backward_results_raise_runtime_error(returned, message):
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return returned(g)

    with pytest.raises(RuntimeError, match=message):
        Bad.apply(leaf([1.0, 2.0]), 2).sum().backward()


def test_extra_trailing_none_gradients_are_allowed():
    class Extra(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2, None

    x = leaf([1.0])
    Extra.apply(x).sum().backward()
    assert x.grad.item() == 2.0


def test_saved_tensor_modified_in_place_raises():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)
    with tg.no_grad():
        x.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.sum().backward()


def test_output_modified_in_place_is_fine_when_not_saved():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)  # saves its input only
    with tg.no_grad():
        y.add_(1.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 12.0])
    z = ScaledExp.apply(x, 1.0)  # saves its output
    with tg.no_grad():
        z.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        z.sum().backward()


def test_second_backward_through_freed_graph_raises_and_retain_graph_allows_it():
    x = leaf([2.0])
    y = Cube.apply(x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 24.0
    with pytest.raises(RuntimeError, match="already been freed"):
        y.backward()


def test_save_for_backward_rejects_non_tensors():
    class SavesInt(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(3)
            return x

    with pytest.raises(TypeError, match="save_for_backward can only save tensors"):
        SavesInt.apply(leaf([1.0]))


def test_once_differentiable_backward_raises_on_double_backward():
    class NumpyCube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @tg.autograd.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return Tensor(g.numpy() * 3 * x.numpy() ** 2)

    x = leaf([2.0])
    (g,) = tg.autograd.grad(NumpyCube.apply(x).sum(), x, create_graph=True)
    assert g.item() == 12.0 and not g.requires_grad  # its grad_output is a constant, as in PyTorch
    (g,) = tg.autograd.grad((NumpyCube.apply(x) ** 2).sum(), x, create_graph=True)
    assert g.item() == 2 * 8 * 12
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()


def test_missing_backward_raises_not_implemented():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    with pytest.raises(NotImplementedError, match="backward"):
        NoBackward.apply(leaf([1.0])).sum().backward()


def test_matches_torch_custom_function():
    """The same Function body run by both frameworks gives the same values and gradients."""
    def define(base):
        class Softplus(base):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return (x.exp() + 1).log()

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * x.sigmoid()
        return Softplus

    data = uniform(3, (4,))
    results = []
    for lib, x in ((tg, leaf(data)), (torch, torch.tensor(data, requires_grad=True))):
        (g,) = lib.autograd.grad(define(lib.autograd.Function).apply(x).sum(), x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        results.append([g.detach().numpy(), h.detach().numpy()])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


# --- autograd.backward and grad ---------------------------------------------------------------

def test_autograd_backward_several_roots_and_inputs():
    a, b = leaf([1.0]), leaf([2.0])
    tg.autograd.backward([(a * b).sum(), (a * a).sum()], [Tensor(1.0, dtype=np.float64), None])
    assert a.grad.item() == 4.0 and b.grad.item() == 1.0
    a.grad = b.grad = None
    tg.autograd.backward((a * b).sum(), inputs=[b])
    assert a.grad is None and b.grad.item() == 1.0


def test_grad_materialize_grads_gives_zeros_for_unused_inputs():
    a, b = leaf([1.0]), leaf([5.0, 6.0])
    ga, gb = tg.autograd.grad((a * 2).sum(), [a, b], materialize_grads=True)
    assert ga.item() == 2.0 and gb.tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="not used"):
        tg.autograd.grad((a * 2).sum(), [a, b])


# --- autograd.functional ----------------------------------------------------------------------

def _compare(ours, theirs):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _compare(a, b)
    else:
        assert isinstance(ours, Tensor) and ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


def _both(arrays):
    return (tuple(Tensor(a) for a in arrays), tuple(torch.tensor(a) for a in arrays))


FUNCS = {  # (function, inputs): written once, run in both frameworks
    "one_to_one": (lambda x: (x * x.sin()).sum(0), [np.arange(6.0).reshape(2, 3) / 3]),
    "two_to_one": (lambda a, b: (a * b.exp()).sum(), [np.array([0.5, -1.0]), np.array([0.3, 0.2])]),
    "one_to_two": (lambda x: (x ** 2, x.sum()), [np.array([1.0, 2.0, 3.0])]),
    "two_to_two": (lambda a, b: (a * b, (a - b) ** 3), [np.array([1.0, 2.0]), np.array([0.5, -1.0])]),
}


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("single", [True, False])
def test_jacobian_matches_torch(name, single):
    fn, arrays = FUNCS[name]
    ours, theirs = _both(arrays)
    if single and len(arrays) == 1:
        ours, theirs = ours[0], theirs[0]
    _compare(AF.jacobian(fn, ours), torch.autograd.functional.jacobian(fn, theirs))


def test_jacobian_against_finite_differences_and_closed_form():
    x = np.array([0.3, -0.7, 1.1])
    fn = lambda t: (t.sin() * t.sum())  # noqa: E731
    jac = AF.jacobian(fn, Tensor(x)).numpy()
    closed = np.diag(np.cos(x)) * x.sum() + np.sin(x)[:, None]
    np.testing.assert_allclose(jac, closed, rtol=1e-12)
    eps, fd = 1e-6, np.zeros((3, 3))
    for j in range(3):
        d = np.zeros(3)
        d[j] = eps
        fd[:, j] = (fn(Tensor(x + d)).numpy() - fn(Tensor(x - d)).numpy()) / (2 * eps)
    np.testing.assert_allclose(jac, fd, atol=1e-8)


def test_hessian_closed_form_and_torch():
    x = np.array([0.5, -1.0, 2.0])
    fn = lambda t: (t ** 3).sum() + (t[0] * t[1])  # noqa: E731
    h = AF.hessian(fn, Tensor(x))
    closed = np.diag(6 * x)
    closed[0, 1] = closed[1, 0] = 1.0
    np.testing.assert_allclose(h.numpy(), closed)
    _compare(h, torch.autograd.functional.hessian(fn, torch.tensor(x)))
    fn2, arrays = FUNCS["two_to_one"]
    ours, theirs = _both(arrays)
    _compare(AF.hessian(fn2, ours), torch.autograd.functional.hessian(fn2, theirs))


@pytest.mark.parametrize("which", ["vjp", "jvp", "vhp", "hvp"])
def test_products_match_torch(which):
    scalar = which in ("vhp", "hvp")
    fn, arrays = FUNCS["two_to_one" if scalar else "two_to_two"]
    ours, theirs = _both(arrays)
    vs = [np.array([0.7, -1.3]), np.array([2.0, 0.1])]
    vo, vt = _both(vs)
    _compare(getattr(AF, which)(fn, ours, vo), getattr(torch.autograd.functional, which)(fn, theirs, vt))


def test_create_graph_results_are_differentiable():
    x = leaf([0.5, 1.5])
    jac = AF.jacobian(lambda t: t ** 3, x, create_graph=True)
    assert jac.requires_grad
    (g,) = tg.autograd.grad(jac.sum(), x)
    np.testing.assert_allclose(g.numpy(), 6 * x.numpy())
    assert not AF.jacobian(lambda t: t ** 3, x).requires_grad


def test_independent_input_gives_zeros_and_strict_raises():
    fn = lambda a, b: a * 2  # noqa: E731
    ins = (Tensor([1.0, 2.0]), Tensor([3.0]))
    jac = AF.jacobian(fn, ins)
    assert jac[1].shape == (2, 1) and not jac[1].numpy().any()
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.jacobian(fn, ins, strict=True)


@pytest.mark.parametrize("call, error", [
    (lambda: AF.jacobian(lambda x: x, 3.0), TypeError),
    (lambda: AF.jacobian(lambda x: [x, x], Tensor([1.0])), TypeError),             # a list output
    (lambda: AF.jacobian(lambda a, b: a, [Tensor([1.0]), Tensor([1.0])]), TypeError),
    (lambda: AF.vjp(lambda x: x * 2, Tensor([1.0, 2.0])), RuntimeError),           # v needed
    (lambda: AF.vjp(lambda x: x * 2, Tensor([1.0, 2.0]), Tensor([1.0])), RuntimeError),  # bad v size
    (lambda: AF.hessian(lambda x: x * 2, Tensor([1.0, 2.0])), RuntimeError),       # not one element
    (lambda: AF.jacobian(lambda x: x, Tensor([1.0]), strict=True, vectorize=True), RuntimeError),
])
def test_functional_errors_have_torchs_types(call, error):
    with pytest.raises(error):
        call()


# --- anomaly detection ------------------------------------------------------------------------

def test_detect_anomaly_names_the_op_that_produced_nan():
    x = leaf([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tg.autograd.detect_anomaly(), np.errstate(all="ignore"):
            y = x / x
            with pytest.raises(RuntimeError, match=r"Function 'DivBackward0' returned nan values in "
                                                   r"its 1th output\.(.|\n)*test_autograd_function"):
                y.sum().backward()
    assert not tg.autograd.is_anomaly_enabled()


def test_anomaly_off_lets_nan_through_and_costs_no_hook():
    from tinygrad_lite import engine
    from tinygrad_lite.autograd.anomaly_mode import _plain_apply
    from tinygrad_lite.tensor import Function as Node
    assert engine.anomaly_check is None and Node.__dict__["apply"].__func__ is _plain_apply
    x = leaf([0.0])
    with np.errstate(all="ignore"):
        (x / x).sum().backward()
    assert np.isnan(x.grad.item())


def test_set_detect_anomaly_as_call_and_context_manager():
    tg.autograd.set_detect_anomaly(True)
    try:
        assert tg.is_anomaly_enabled() and tg.is_anomaly_check_nan_enabled()
        with tg.autograd.set_detect_anomaly(False):
            assert not tg.autograd.is_anomaly_enabled()
        assert tg.autograd.is_anomaly_enabled()
    finally:
        tg.autograd.set_detect_anomaly(False)
    assert not tg.autograd.is_anomaly_enabled()
    with tg.autograd.set_detect_anomaly(True, check_nan=False):
        assert not tg.autograd.is_anomaly_check_nan_enabled()
        x = leaf([0.0])
        with np.errstate(all="ignore"):
            (x / x).sum().backward()  # no NaN check
    assert not tg.autograd.is_anomaly_enabled()


def test_anomaly_in_custom_function_backward():
    class Poison(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * np.nan

    with tg.autograd.set_detect_anomaly(True):
        with pytest.raises(RuntimeError, match="Function 'PoisonBackward' returned nan values in its 0th"):
            Poison.apply(leaf([1.0])).sum().backward()
