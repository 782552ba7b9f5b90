"""Optimizers: updates against hand-written NumPy references (float64), in-place behaviour,
parameter groups, errors, zero_grad, closures and state_dict round trips."""
import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite import optim
from tinygrad_lite.optim import SGD, Adam, AdamW, Optimizer, RMSprop
from tinygrad_lite.tensor import Tensor

# ---------------------------------------------------------------------------------------------
# references: the documented update rules, written out plainly in float64
# ---------------------------------------------------------------------------------------------


def sgd_reference(p, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                  maximize=False):
    p = p.copy()
    buf = None
    for g in grads:
        g = -g if maximize else g
        g = g + weight_decay * p
        if momentum != 0:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
    return p


def adam_reference(p, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                   maximize=False, decoupled=False):
    p = p.copy()
    beta1, beta2 = betas
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    v_max = np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if decoupled:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - beta2 ** t)
        else:
            v_hat = v / (1 - beta2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def rmsprop_reference(p, grads, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                      centered=False, maximize=False):
    p = p.copy()
    v = np.zeros_like(p)
    mean = np.zeros_like(p)
    buf = np.zeros_like(p)
    for g in grads:
        g = -g if maximize else g
        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        if centered:
            mean = alpha * mean + (1 - alpha) * g
            avg = np.sqrt(v - mean * mean) + eps
        else:
            avg = np.sqrt(v) + eps
        if momentum > 0:
            buf = momentum * buf + g / avg
            p = p - lr * buf
        else:
            p = p - lr * g / avg
    return p


def run_optimizer(make, p0, grads):
    """Step an optimizer made by ``make([param])`` once per gradient; return the parameter."""
    p = Tensor(p0.copy(), requires_grad=True)
    opt = make([p])
    for g in grads:
        p.grad = Tensor(g.copy())
        opt.step()
    return p


def problem(seed, shape, steps):
    rng = np.random.default_rng(seed)
    p0 = rng.standard_normal(shape)
    grads = [rng.standard_normal(shape) for _ in range(steps)]
    return p0, grads


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
seeds = st.integers(0, 2 ** 32 - 1)
steps = st.integers(1, 6)
lrs = st.floats(1e-4, 1.0)
unit = st.floats(0.0, 0.99)
betas = st.floats(0.0, 0.999)
decays = st.one_of(st.just(0.0), st.floats(1e-4, 0.5))
epsilons = st.sampled_from([1e-8, 1e-6, 1e-3, 0.1])


def assert_matches(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-10)


# ---------------------------------------------------------------------------------------------
# update rules
# ---------------------------------------------------------------------------------------------

@given(seed=seeds, shape=shapes, n=steps, lr=lrs, momentum=st.one_of(st.just(0.0), unit),
       dampening=st.one_of(st.just(0.0), unit), weight_decay=decays, nesterov=st.booleans(),
       maximize=st.booleans())
def test_sgd_matches_reference(seed, shape, n, lr, momentum, dampening, weight_decay, nesterov,
                               maximize):
    if nesterov and (momentum == 0 or dampening != 0):
        nesterov = False
    p0, grads = problem(seed, shape, n)
    options = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                   nesterov=nesterov, maximize=maximize)
    p = run_optimizer(lambda ps: SGD(ps, **options), p0, grads)
    assert_matches(p.numpy(), sgd_reference(p0, grads, **options))


@pytest.mark.parametrize("cls, decoupled", [(Adam, False), (AdamW, True)], ids=["adam", "adamw"])
@given(seed=seeds, shape=shapes, n=steps, lr=lrs, beta1=betas, beta2=betas, eps=epsilons,
       weight_decay=decays, amsgrad=st.booleans(), maximize=st.booleans())
def test_adam_matches_reference(cls, decoupled, seed, shape, n, lr, beta1, beta2, eps,
                                weight_decay, amsgrad, maximize):
    p0, grads = problem(seed, shape, n)
    options = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay,
                   amsgrad=amsgrad, maximize=maximize)
    p = run_optimizer(lambda ps: cls(ps, **options), p0, grads)
    assert_matches(p.numpy(), adam_reference(p0, grads, decoupled=decoupled, **options))


def test_adam_decoupled_weight_decay_flag_is_adamw():
    p0, grads = problem(0, (3, 2), 4)
    a = run_optimizer(lambda ps: Adam(ps, lr=0.1, weight_decay=0.2, decoupled_weight_decay=True),
                      p0, grads)
    b = run_optimizer(lambda ps: AdamW(ps, lr=0.1, weight_decay=0.2), p0, grads)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


@given(seed=seeds, shape=shapes, n=steps, lr=lrs, alpha=st.floats(0.1, 0.999), eps=epsilons,
       weight_decay=decays, momentum=st.one_of(st.just(0.0), unit), centered=st.booleans(),
       maximize=st.booleans())
def test_rmsprop_matches_reference(seed, shape, n, lr, alpha, eps, weight_decay, momentum, centered,
                                   maximize):
    p0, grads = problem(seed, shape, n)
    options = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                   centered=centered, maximize=maximize)
    p = run_optimizer(lambda ps: RMSprop(ps, **options), p0, grads)
    assert_matches(p.numpy(), rmsprop_reference(p0, grads, **options))


def test_default_hyperparameters_match_pytorch():
    p = [Tensor(np.zeros(1), requires_grad=True)]
    assert SGD(p).defaults == dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                                   nesterov=False, maximize=False, foreach=None,
                                   differentiable=False, fused=None)
    assert Adam(p).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                    amsgrad=False, maximize=False, foreach=None, capturable=False,
                                    differentiable=False, fused=None, decoupled_weight_decay=False)
    assert AdamW(p).defaults["weight_decay"] == 1e-2
    assert AdamW(p).defaults["decoupled_weight_decay"] is True
    assert RMSprop(p).defaults == dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                                       centered=False, maximize=False, capturable=False,
                                       foreach=None, differentiable=False)


def test_first_momentum_buffer_is_the_gradient():
    p = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    p.grad = Tensor(np.array([4.0, -2.0]))
    opt.step()
    # PyTorch: no dampening on the first step, the buffer is a copy of the gradient
    np.testing.assert_array_equal(opt.state[p]["momentum_buffer"], [4.0, -2.0])
    assert opt.state[p]["momentum_buffer"] is not p.grad.numpy()
    np.testing.assert_allclose(p.numpy(), [0.6, 2.2])


def test_adam_state_contents():
    p = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = Adam([p], amsgrad=True)
    for _ in range(3):
        p.grad = Tensor(np.array([0.5, -1.0]))
        opt.step()
    state = opt.state[p]
    assert state["step"] == 3
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    np.testing.assert_allclose(state["exp_avg"], (1 - 0.9 ** 3) * np.array([0.5, -1.0]))


# ---------------------------------------------------------------------------------------------
# in place, lean, float32
# ---------------------------------------------------------------------------------------------

CONFIGS = {
    "sgd": lambda ps: SGD(ps, lr=0.1),
    "sgd-momentum": lambda ps: SGD(ps, lr=0.1, momentum=0.9),
    "sgd-nesterov-wd-max": lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                          weight_decay=0.1, maximize=True),
    "sgd-dampening": lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.3),
    "adam": lambda ps: Adam(ps, lr=0.01),
    "adam-amsgrad-wd-max": lambda ps: Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.1,
                                           maximize=True),
    "adamw": lambda ps: AdamW(ps, lr=0.01),
    "rmsprop": lambda ps: RMSprop(ps),
    "rmsprop-centered-momentum-wd": lambda ps: RMSprop(ps, momentum=0.9, centered=True,
                                                       weight_decay=0.1),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_updates_in_place_without_reallocation(name):
    rng = np.random.default_rng(1)
    p = Tensor(rng.standard_normal((5, 4)).astype(np.float32), requires_grad=True)
    data, address, version = p.numpy(), p.numpy().ctypes.data, p._version
    opt = CONFIGS[name]([p])
    buffers = None
    for i in range(4):
        grad = rng.standard_normal((5, 4)).astype(np.float32)
        p.grad = Tensor(grad.copy())
        opt.step()
        np.testing.assert_array_equal(p.grad.numpy(), grad)  # the gradient is never modified
        assert p.numpy() is data and p.numpy().ctypes.data == address
        assert p.numpy().dtype == np.float32
        assert p._version == version + i + 1
        arrays = {k: v for k, v in opt.state[p].items() if isinstance(v, np.ndarray)}
        assert all(v.dtype == np.float32 for v in arrays.values())
        if buffers is not None:  # state buffers are updated in place too
            assert all(arrays[k] is buffers[k] for k in buffers)
        buffers = arrays
    assert np.all(np.isfinite(p.numpy()))


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_step_allocates_no_parameter_sized_arrays(name):
    rng = np.random.default_rng(2)
    params = [Tensor(rng.standard_normal((256, 128)).astype(np.float32), requires_grad=True),
              Tensor(rng.standard_normal(128).astype(np.float32), requires_grad=True)]
    for p in params:
        p.grad = Tensor(rng.standard_normal(p.shape).astype(np.float32))
    opt = CONFIGS[name](params)
    opt.step()
    opt.step()  # state and scratch buffers exist from here on
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < params[0].numpy().nbytes // 4


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_float32_stays_float32_with_numpy_hyperparameters_and_float64_grads(name):
    rng = np.random.default_rng(3)
    p = Tensor(rng.standard_normal(6).astype(np.float32), requires_grad=True)
    opt = CONFIGS[name]([p])
    opt.param_groups[0]["lr"] = np.float64(opt.param_groups[0]["lr"])
    p.grad = Tensor(rng.standard_normal(6))  # float64
    opt.step()
    opt.step()
    assert p.numpy().dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state[p].values() if isinstance(v, np.ndarray))


def test_float32_updates_agree_with_float64_reference():
    p0, grads = problem(4, (7, 3), 5)
    p = Tensor(p0.astype(np.float32), requires_grad=True)
    opt = Adam([p], lr=0.01, weight_decay=0.1)
    for g in grads:
        p.grad = Tensor(g.astype(np.float32))
        opt.step()
    expected = adam_reference(p0.astype(np.float32).astype(np.float64),
                              [g.astype(np.float32).astype(np.float64) for g in grads],
                              lr=0.01, weight_decay=0.1)
    np.testing.assert_allclose(p.numpy(), expected, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# parameters, groups, gradients
# ---------------------------------------------------------------------------------------------

def param(*shape, value=1.0):
    return Tensor(np.full(shape, value), requires_grad=True)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_parameters_without_grad_are_skipped(name):
    a, b = param(3), param(3)
    opt = CONFIGS[name]([a, b])
    a.grad = Tensor(np.ones(3))
    opt.step()
    np.testing.assert_array_equal(b.numpy(), np.ones(3))
    assert b._version == 0 and b not in opt.state
    assert not np.array_equal(a.numpy(), np.ones(3))


def test_param_groups_fill_defaults_and_use_their_own_options():
    a, b = param(2), param(2)
    opt = SGD([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["momentum"] == 0
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["params"] == [b]
    assert set(opt.param_groups[0]) == {"params", "lr", "momentum", "dampening", "weight_decay",
                                        "nesterov", "maximize", "foreach", "differentiable",
                                        "fused"}
    a.grad, b.grad = Tensor(np.ones(2)), Tensor(np.ones(2))
    opt.step()
    np.testing.assert_allclose(a.numpy(), [0.9, 0.9])
    np.testing.assert_allclose(b.numpy(), [0.5, 0.5])
    assert "momentum_buffer" in opt.state[b] and a not in opt.state


def test_add_param_group_and_changed_lr_take_effect():
    a, b = param(2), param(2)
    opt = Adam([a], lr=0.1)
    opt.add_param_group({"params": [b], "betas": (0.5, 0.9)})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["betas"] == (0.5, 0.9)
    opt.param_groups[0]["lr"] = 0.0
    a.grad, b.grad = Tensor(np.ones(2)), Tensor(np.ones(2))
    opt.step()
    np.testing.assert_array_equal(a.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(b.numpy(), [0.9, 0.9])



def test_every_change_of_a_hyperparameter_between_steps_takes_effect():
    """step() keeps the converted options while the group's values stay the same objects; a
    replaced value, a new key, or an array changed in place must all be seen."""
    w = param(1)
    opt = SGD([w], lr=0.5)

    def step():
        before = w.numpy().copy()
        w.grad = Tensor(np.ones(1))
        opt.step()
        return float(before[0] - w.numpy()[0])

    assert step() == pytest.approx(0.5)
    assert step() == pytest.approx(0.5)       # from the cache
    opt.param_groups[0]["lr"] = 0.25           # replaced
    assert step() == pytest.approx(0.25)
    opt.param_groups[0]["weight_decay"] = 1.0  # a new value: g = 1 + 1.0 * w = 3
    w.numpy()[...] = 2.0
    assert step() == pytest.approx(0.25 * 3.0)
    opt.param_groups[0]["weight_decay"] = 0
    lr = np.array(0.125)
    opt.param_groups[0]["lr"] = lr             # an array: may change in place
    assert step() == pytest.approx(0.125)
    lr[...] = 0.0625
    assert step() == pytest.approx(0.0625)


def test_a_group_whose_params_are_replaced_updates_the_new_ones():
    """The options cache must not compare the old and new parameter lists with == (elementwise
    on Tensors, and an error for other shapes)."""
    a, b = param(3), param(2, value=0.0)
    opt = SGD([a], lr=0.5)
    a.grad = Tensor(np.ones(3))
    opt.step()
    opt.param_groups[0]["params"] = [b]
    b.grad = Tensor(np.ones(2))
    opt.step()
    np.testing.assert_allclose(b.numpy(), [-0.5, -0.5])
    np.testing.assert_allclose(a.numpy(), [0.5, 0.5, 0.5])


def test_loading_state_many_times_keeps_the_options_cache_small():
    w = param(2)
    opt = SGD([w], lr=0.1, momentum=0.9)
    saved = opt.state_dict()
    for _ in range(50):
        opt.load_state_dict(saved)  # new group dicts each time
        w.grad = Tensor(np.ones(2))
        opt.step()
    assert len(opt._converted) == len(opt.param_groups) == 1

def test_params_from_a_generator_and_named_parameters():
    a, b = param(2), param(3)
    assert SGD(p for p in [a, b]).param_groups[0]["params"] == [a, b]
    opt = SGD([("w", a), ("b", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["w", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]


def test_mismatched_gradient_shape_is_an_error():
    p = param(3)
    opt = SGD([p])
    with pytest.raises(ValueError, match="shape"):  # refused when assigned, as in PyTorch
        p.grad = Tensor(np.ones(1))
    p.grad = Tensor(np.ones(3))
    p.grad.data = np.ones(1)  # replaced behind the tensor's back: the step still refuses
    with pytest.raises(ValueError, match="shape"):
        opt.step()


def test_zero_grad():
    a, b = param(2), param(2)
    opt = SGD([a, b])
    a.grad = Tensor(np.ones(2))
    grad = a.grad.numpy()
    opt.zero_grad(set_to_none=False)
    assert a.grad.numpy() is grad and np.all(grad == 0) and b.grad is None
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_step_with_closure_returns_its_loss():
    p = param(2)
    opt = SGD([p], lr=0.5)
    calls = []

    def closure():
        calls.append(tg.is_grad_enabled())
        p.grad = Tensor(np.array([1.0, -1.0]))
        return 42.0

    with tg.no_grad():
        assert opt.step(closure) == 42.0
    assert calls == [True]  # the closure runs with autograd on, as in PyTorch
    np.testing.assert_allclose(p.numpy(), [0.5, 1.5])
    assert opt.step() is None


def test_optimizers_work_with_real_autograd():
    w = Tensor(np.array([3.0, -2.0]), requires_grad=True)
    opt = SGD([w], lr=0.25)
    for _ in range(20):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    np.testing.assert_allclose(w.numpy(), np.array([3.0, -2.0]) * 0.5 ** 20)


def test_repr_lists_groups():
    text = repr(SGD([param(1)], lr=0.5))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.5" in text


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, error, match", [
    ([], ValueError, "empty parameter list"),
    (iter([]), ValueError, "empty parameter list"),
    ([{"params": []}], ValueError, "empty parameter list"),
    (None, TypeError, "iterable of Tensors or dicts"),
    (5, TypeError, "iterable of Tensors or dicts"),
    ([np.zeros(3)], TypeError, "can only optimize Tensors.*ndarray"),
    ([[1.0, 2.0]], TypeError, "can only optimize Tensors.*list"),
])
def test_bad_params(params, error, match):
    with pytest.raises(error, match=match):
        SGD(params, lr=0.1)


def test_a_single_tensor_or_a_set_is_refused():
    p = param(3)
    with pytest.raises(TypeError, match="got a Tensor"):
        SGD(p)
    with pytest.raises(TypeError, match="ordered collections"):
        SGD({p})


def test_a_parameter_given_twice_is_an_error():
    a, b = param(2), param(2)
    with pytest.raises(ValueError, match="more than once"):
        SGD([a, b, a])
    with pytest.raises(ValueError, match="more than one parameter group"):
        SGD([{"params": [a]}, {"params": [b, a]}])
    opt = SGD([a])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    assert len(opt.param_groups) == 1


def test_non_leaf_tensors_are_refused():
    a = param(2)
    with pytest.raises(ValueError, match="non-leaf"):
        SGD([a * 2])


@pytest.mark.parametrize("make, match", [
    (lambda ps: SGD(ps, lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda ps: SGD(ps, lr=float("nan")), "Invalid learning rate: nan"),
    (lambda ps: SGD(ps, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda ps: SGD(ps, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda ps: SGD(ps, nesterov=True), "Nesterov momentum requires a momentum.*momentum=0"),
    (lambda ps: SGD(ps, momentum=0.9, dampening=0.1, nesterov=True),
     "zero dampening.*dampening=0.1"),
    (lambda ps: Adam(ps, lr=-1e-3), "Invalid learning rate: -0.001"),
    (lambda ps: Adam(ps, eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda ps: Adam(ps, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda ps: Adam(ps, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda ps: AdamW(ps, betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
    (lambda ps: Adam(ps, betas=(0.9,)), "pair"),
    (lambda ps: Adam(ps, weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (lambda ps: RMSprop(ps, alpha=-0.5), "Invalid alpha value: -0.5"),
    (lambda ps: RMSprop(ps, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda ps: RMSprop(ps, eps=-1.0), "Invalid epsilon value: -1.0"),
    (lambda ps: RMSprop(ps, lr=-2), "Invalid learning rate: -2"),
    (lambda ps: SGD([{"params": ps, "lr": -3.0}], lr=0.1), "Invalid learning rate: -3.0"),
])
def test_invalid_hyperparameters_name_the_value(make, match):
    with pytest.raises(ValueError, match=match):
        make([param(2)])


def test_non_numeric_hyperparameter_is_a_type_error():
    with pytest.raises(TypeError, match="lr must be a real number.*'fast'"):
        SGD([param(2)], lr="fast")


def test_base_optimizer_has_no_update_rule():
    p = param(2)
    opt = Optimizer([p], {"lr": 0.1})
    p.grad = Tensor(np.ones(2))
    with pytest.raises(NotImplementedError):
        opt.step()


# ---------------------------------------------------------------------------------------------
# state_dict / load_state_dict
# ---------------------------------------------------------------------------------------------

def make_params(seed=0):
    rng = np.random.default_rng(seed)
    return [Tensor(rng.standard_normal(s), requires_grad=True) for s in [(3, 2), (2,), (4,)]]


def grads_for(params, seed):
    rng = np.random.default_rng(seed)
    for p in params:
        p.grad = Tensor(rng.standard_normal(p.shape))


def grouped(make, params):
    """Two groups with different learning rates."""
    opt = make(params[:2])
    opt.add_param_group({"params": params[2:], "lr": 0.05})
    return opt


def test_state_dict_structure():
    params = make_params()
    opt = grouped(lambda ps: SGD(ps, lr=0.1, momentum=0.9), params)
    grads_for(params[:1] + params[2:], 0)  # the second parameter has no gradient
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.05]
    assert sorted(sd["state"]) == [0, 2]
    assert set(sd["state"][0]) == {"momentum_buffer"}
    buf = sd["state"][0]["momentum_buffer"]
    np.testing.assert_array_equal(buf, params[0].grad.numpy())
    opt.step()  # a snapshot: later steps do not change it
    np.testing.assert_array_equal(buf, params[0].grad.numpy())


def test_adam_state_dict_keeps_step_as_an_int_and_betas():
    params = make_params()
    opt = Adam(params, betas=(0.8, 0.9))
    grads_for(params, 0)
    opt.step()
    opt.step()
    sd = opt.state_dict()
    assert sd["state"][1]["step"] == 2 and isinstance(sd["state"][1]["step"], int)
    assert tuple(sd["param_groups"][0]["betas"]) == (0.8, 0.9)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_state_dict_round_trip_through_save_continues_identically(name, tmp_path):
    make = CONFIGS[name]
    params = make_params()
    opt = grouped(make, params)
    for s in range(3):
        grads_for(params, s)
        opt.step()
    opt.param_groups[0]["lr"] *= 0.5  # hyper-parameters are restored too
    tg.save({"optim": opt.state_dict()}, tmp_path / "ckpt.npz")
    clones = [Tensor(p.numpy().copy(), requires_grad=True) for p in params]
    for s in range(3, 6):
        grads_for(params, s)
        opt.step()

    restored = grouped(make, clones)
    restored.load_state_dict(tg.load(tmp_path / "ckpt.npz")["optim"])
    assert restored.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    assert restored.param_groups[0]["params"] == clones[:2]
    for s in range(3, 6):
        grads_for(clones, s)
        restored.step()
    for p, q in zip(params, clones):
        np.testing.assert_array_equal(p.numpy(), q.numpy())


def test_load_state_dict_copies_and_casts_to_the_parameter_dtype():
    p = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    opt = Adam([p])
    saved_avg = np.array([0.1, 0.2, 0.3])  # float64
    sd = {"state": {"0": {"step": np.int64(4), "exp_avg": saved_avg, "exp_avg_sq": np.ones(3)}},
          "param_groups": [{"lr": np.float64(0.5), "betas": [0.5, 0.75], "eps": 1e-8,
                            "weight_decay": 0, "amsgrad": False, "params": np.array([0])}]}
    opt.load_state_dict(sd)
    state = opt.state[p]
    assert state["step"] == 4 and type(state["step"]) is int
    assert state["exp_avg"].dtype == np.float32 and state["exp_avg"] is not saved_avg
    group = opt.param_groups[0]
    assert group["betas"] == (0.5, 0.75) and type(group["lr"]) is float
    assert group["maximize"] is False  # an option missing from the state dict keeps its value
    p.grad = Tensor(np.ones(3, dtype=np.float32))
    opt.step()
    np.testing.assert_array_equal(saved_avg, [0.1, 0.2, 0.3])
    assert p.numpy().dtype == np.float32 and state["step"] == 5


def test_adamw_stays_decoupled_after_loading_adam_state():
    a, b = param(2), param(2)
    saved = Adam([a], weight_decay=0.1).state_dict()
    opt = AdamW([b])
    opt.load_state_dict(saved)
    assert opt.param_groups[0]["decoupled_weight_decay"] is True
    assert opt.param_groups[0]["weight_decay"] == 0.1


@pytest.mark.parametrize("mutate, match", [
    (lambda sd: sd["param_groups"].pop(), "1 parameter groups, but the optimizer has 2"),
    (lambda sd: sd["param_groups"][1]["params"].append(7), "group 1 .* 2 parameters.* has 1"),
    (lambda sd: sd["state"][0].update(momentum_buffer=np.zeros((2, 3))), "shape"),
    (lambda sd: sd["state"].update({9: {"momentum_buffer": np.zeros(2)}}), "parameter 9"),
    (lambda sd: sd.pop("state"), "'state'"),
])
def test_load_state_dict_mismatch_errors_leave_the_optimizer_untouched(mutate, match):
    params = make_params()
    opt = grouped(lambda ps: SGD(ps, lr=0.1, momentum=0.9), params)
    grads_for(params, 0)
    opt.step()
    sd = opt.state_dict()
    mutate(sd)
    other = grouped(lambda ps: SGD(ps, lr=0.3, momentum=0.5), params)
    with pytest.raises(ValueError, match=match):
        other.load_state_dict(sd)
    assert other.param_groups[0]["lr"] == 0.3 and len(other.state) == 0


def test_load_state_dict_rejects_non_dicts():
    with pytest.raises(TypeError, match="state_dict must be a dict"):
        SGD([param(1)]).load_state_dict([1, 2])


def test_package_exports():
    assert set(optim.__all__) == {"Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adadelta",
                                  "Adagrad", "Adamax", "NAdam", "RAdam", "ASGD", "LBFGS",
                                  "lr_scheduler"}
    assert optim.lr_scheduler.StepLR is not None
