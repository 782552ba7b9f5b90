"""The optimizers and schedulers beyond SGD/Adam/RMSprop: closed forms by hand, LBFGS on
quadratics, argument checks, and, with PyTorch, trajectories equal to PyTorch's step for step
(float64, several steps, every option)."""
import math
import warnings

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import optim
from tinygrad_lite.optim import lr_scheduler as L


def param(values):
    return tg.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def step_with(opt, p, grad):
    p.grad = tg.Tensor(np.array(grad, dtype=np.float64))
    opt.step()
    return p.numpy().copy()


# --- closed forms ---------------------------------------------------------------------------------

def test_adagrad_divides_by_the_root_of_summed_squares():
    p = param([1.0])
    opt = optim.Adagrad([p], lr=0.5, lr_decay=1.0)
    assert step_with(opt, p, [4.0]) == pytest.approx(1.0 - 0.5 * 4 / 4)
    # second step: lr / (1 + lr_decay), sum = 16 + 9
    assert step_with(opt, p, [3.0]) == pytest.approx(0.5 - 0.25 * 3 / 5)


def test_adamax_uses_the_infinity_norm():
    p = param([0.0])
    opt = optim.Adamax([p], lr=1.0, betas=(0.5, 0.5), eps=0.0)
    step_with(opt, p, [2.0])  # m = 1, u = 2: p -= 1 / (1 - 0.5) * 1 / 2
    assert p.item() == pytest.approx(-1.0)
    step_with(opt, p, [-8.0])  # m = 0.5 - 4 = -3.5, u = max(1, 8) = 8
    assert p.item() == pytest.approx(-1.0 + 1 / 0.75 * 3.5 / 8)


def test_radam_is_plain_momentum_while_the_variance_is_untrustworthy():
    p = param([0.0])
    opt = optim.RAdam([p], lr=0.1, betas=(0.5, 0.999))
    step_with(opt, p, [2.0])
    assert p.item() == pytest.approx(-0.1 * 2.0)  # rho_1 = 1 <= 5: m / (1 - beta1) = g


def test_asgd_averages_the_iterates_after_t0():
    p = param([1.0])
    opt = optim.ASGD([p], lr=0.1, lambd=0.0, t0=1)
    seen = [step_with(opt, p, [1.0])[0] for _ in range(4)]
    ax = opt.state[p]["ax"]
    # mu = 1 / max(1, t - t0) is 1 through step 2 (ax copies p), then 1/2: ax averages steps 3, 4
    assert ax[0] == pytest.approx(np.mean(seen[2:]))


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_lbfgs_solves_a_quadratic(line_search):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 5))
    A, b = a @ a.T + 5 * np.eye(5), rng.standard_normal(5)
    x = param(np.zeros(5))
    opt = optim.LBFGS([x], lr=1 if line_search else 0.2, max_iter=100, line_search_fn=line_search,
                      tolerance_grad=1e-12, tolerance_change=1e-14)
    At, bt = tg.tensor(A), tg.tensor(b)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x @ (At @ x)) - bt @ x
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(A, b), rtol=1e-6, atol=1e-8)


def test_implementation_flags_are_accepted_and_differentiable_is_refused():
    p = param([1.0])
    for cls in (optim.SGD, optim.Adam, optim.AdamW, optim.Adagrad):
        cls([p], lr=0.1, foreach=True, fused=None)
    optim.NAdam([p], capturable=True, foreach=False)
    with pytest.raises(NotImplementedError, match="differentiable"):
        optim.Adadelta([p], differentiable=True)


def test_argument_errors():
    p = param([1.0])
    with pytest.raises(ValueError, match="Invalid rho"):
        optim.Adadelta([p], rho=1.5)
    with pytest.raises(ValueError, match="beta parameter at index 1"):
        optim.NAdam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="strong_wolfe"):
        optim.LBFGS([p], line_search_fn="armijo")
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [p]}, {"params": [param([2.0])]}])
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        L.ReduceLROnPlateau(optim.SGD([p], lr=0.1), factor=2.0)
    with pytest.raises(ValueError, match="T_0"):
        L.CosineAnnealingWarmRestarts(optim.SGD([p], lr=0.1), T_0=0)
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="number of milestone"):
        L.SequentialLR(opt, [L.ConstantLR(opt), L.ConstantLR(opt)], milestones=[])
    with pytest.raises(ValueError, match="momentum or beta1"):
        L.CyclicLR(optim.Adagrad([p]), 0.1, 1.0)


def test_schedules_by_hand():
    opt = optim.SGD([param([0.0])], lr=1.0)
    s = L.PolynomialLR(opt, total_iters=4, power=2.0)
    lrs = [s.get_last_lr()[0]] + [s.step() or s.get_last_lr()[0] for _ in range(5)]
    np.testing.assert_allclose(lrs, [(1 - min(t, 4) / 4) ** 2 for t in range(6)])
    opt = optim.SGD([param([0.0])], lr=1.0)
    s = L.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    lrs = [s.step() or s.get_last_lr()[0] for _ in range(6)]
    np.testing.assert_allclose(lrs, [0.5, 1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5,
                                     (1 + math.cos(3 * math.pi / 4)) / 2, 1.0])


def test_reduce_on_plateau_waits_for_patience_and_cooldown():
    opt = optim.SGD([param([0.0])], lr=1.0)
    s = L.ReduceLROnPlateau(opt, patience=2, cooldown=1, factor=0.5)
    lrs = []
    for metric in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1]:
        s.step(metric)
        lrs.append(s.get_last_lr()[0])
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5]


def test_composite_schedulers_save_their_parts():
    opt = optim.SGD([param([0.0])], lr=1.0)
    s = L.SequentialLR(opt, [L.LinearLR(opt, 0.5, total_iters=2), L.StepLR(opt, 2)], milestones=[2])
    for _ in range(3):
        s.step()
    state = s.state_dict()
    assert len(state["_schedulers"]) == 2 and state["last_epoch"] == 3
    s.load_state_dict(state)


# --- PyTorch ----------------------------------------------------------------------------------------

def _torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed: nothing to compare with")


def _loss(lib, ps, step):
    w, b = ps
    x = lib.tensor(np.sin(np.arange(12.0).reshape(4, 3) + step))
    return ((x @ w + b).tanh() ** 2).sum() + (w ** 4).sum() * 0.1


TRAJECTORIES = [
    ("Adadelta", {}), ("Adadelta", dict(lr=0.5, rho=0.5, weight_decay=0.1, maximize=True)),
    ("Adagrad", {}), ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.3)),
    ("Adamax", {}), ("Adamax", dict(lr=0.01, weight_decay=0.1, betas=(0.8, 0.9))),
    ("NAdam", {}), ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", {}), ("RAdam", dict(lr=0.01, weight_decay=0.1, betas=(0.9, 0.9))),
    ("RAdam", dict(weight_decay=0.1, decoupled_weight_decay=True)),
    ("ASGD", {}), ("ASGD", dict(lr=0.05, lambd=0.01, t0=3, weight_decay=0.1)),
    ("Adam", dict(amsgrad=True, foreach=False, maximize=True)), ("SGD", dict(lr=0.1, foreach=True)),
    ("LBFGS", dict(lr=0.5)), ("LBFGS", dict(line_search_fn="strong_wolfe")),
    ("LBFGS", dict(line_search_fn="strong_wolfe", history_size=2, max_iter=7)),
]


@pytest.mark.parametrize("name, options", TRAJECTORIES, ids=[f"{n}{i}" for i, (n, _) in enumerate(TRAJECTORIES)])
def test_trajectories_match_pytorch(name, options):
    torch = _torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    default = torch.get_default_dtype(), tg.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # both keep scalar state in the default dtype
    tg.set_default_dtype(tg.float64)
    try:
        results = []
        for lib in (torch, tg):
            ps = [lib.tensor(a.copy(), requires_grad=True) for a in arrays]
            opt = getattr(lib.optim, name)(ps, **options)
            losses = []
            for step in range(4 if name == "LBFGS" else 12):
                def closure():
                    opt.zero_grad()
                    loss = _loss(lib, ps, 0 if name == "LBFGS" else step)
                    loss.backward()
                    return loss
                if name == "LBFGS":
                    losses.append(float(opt.step(closure)))
                else:
                    losses.append(float(closure()))
                    opt.step()
            results.append((losses, [p.detach().numpy().copy() for p in ps]))
    finally:
        torch.set_default_dtype(default[0])
        tg.set_default_dtype(default[1])
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-8, atol=1e-15)
    for mine, theirs in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-12)


SCHEDULES = [
    ("LinearLR", lambda L, o: L.LinearLR(o, start_factor=0.25, total_iters=4), None),
    ("ConstantLR", lambda L, o: L.ConstantLR(o, factor=0.5, total_iters=3), None),
    ("PolynomialLR", lambda L, o: L.PolynomialLR(o, total_iters=6, power=1.5), None),
    ("WarmRestarts", lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01), None),
    ("CyclicLR", lambda L, o: L.CyclicLR(o, 0.1, 0.6, step_size_up=2, step_size_down=3, mode="triangular2"), None),
    ("CyclicLR_exp", lambda L, o: L.CyclicLR(o, 0.1, 0.6, step_size_up=2, mode="exp_range", gamma=0.9), None),
    ("Plateau", lambda L, o: L.ReduceLROnPlateau(o, patience=1, cooldown=1, factor=0.5, min_lr=0.1),
     [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3]),
    ("Plateau_max", lambda L, o: L.ReduceLROnPlateau(o, mode="max", threshold_mode="abs", threshold=0.05,
                                                     patience=0), [1.0, 1.02, 1.1, 1.0] * 3 + [0.0, 0.0]),
    ("Sequential", lambda L, o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=3),
                                                   L.CosineAnnealingLR(o, T_max=5), L.ExponentialLR(o, 0.9)],
                                               milestones=[3, 8]), None),
    ("Chained", lambda L, o: L.ChainedScheduler([L.LinearLR(o, start_factor=0.5, total_iters=3),
                                                 L.StepLR(o, 2, 0.5)]), None),
]


@pytest.mark.parametrize("name, make, metrics", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedules_match_pytorch(name, make, metrics):
    torch = _torch()
    results = []
    for lib in (torch, tg):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scheduler = make(lib.optim.lr_scheduler, opt)
            lrs, momenta = [scheduler.get_last_lr()], []
            for i in range(14):
                opt.step()
                scheduler.step(metrics[i]) if metrics else scheduler.step()
                lrs.append(scheduler.get_last_lr())
                momenta.append(opt.param_groups[0]["momentum"])
        results.append((lrs, momenta))
    np.testing.assert_allclose(np.array(results[1][0], float), np.array(results[0][0], float), rtol=1e-12)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-12)
