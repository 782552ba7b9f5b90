"""Learning-rate schedulers: trajectories against hand-computed sequences and closed forms,
chaining, state_dict round trips and errors."""
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite.optim import SGD, Adam, Optimizer
from tinygrad_lite.optim.lr_scheduler import (CosineAnnealingLR, ExponentialLR, LambdaLR,
                                              LRScheduler, MultiStepLR, OneCycleLR, StepLR)
from tinygrad_lite.tensor import Tensor


def make_optimizer(lr=1.0, groups=1, cls=SGD, **options):
    params = [{"params": [Tensor(np.zeros(2), requires_grad=True)]} for _ in range(groups)]
    return cls(params, lr=lr, **options)


def trajectory(scheduler, n, key="lr"):
    """The value of ``group[key]`` of group 0 for epochs 0..n-1 (step after each), checking that
    ``get_last_lr`` agrees with the optimizer's groups."""
    values = []
    for _ in range(n):
        group = scheduler.optimizer.param_groups[0]
        assert scheduler.get_last_lr() == [g["lr"] for g in scheduler.optimizer.param_groups]
        values.append(group[key] if key != "beta1" else group["betas"][0])
        scheduler.optimizer.step()
        scheduler.step()
    return values


def close(actual, expected):
    assert actual == pytest.approx(expected, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------------------------------------
# trajectories
# ---------------------------------------------------------------------------------------------

def test_step_lr():
    opt = make_optimizer(lr=1.0)
    close(trajectory(StepLR(opt, step_size=3, gamma=0.5), 10),
          [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125])


@given(base=st.floats(1e-4, 10), step_size=st.integers(1, 6), gamma=st.floats(0.05, 1.0))
def test_step_lr_closed_form(base, step_size, gamma):
    opt = make_optimizer(lr=base)
    close(trajectory(StepLR(opt, step_size, gamma), 25),
          [base * gamma ** (e // step_size) for e in range(25)])


def test_multistep_lr_with_a_repeated_milestone():
    opt = make_optimizer(lr=1.0)
    close(trajectory(MultiStepLR(opt, milestones=[5, 2, 5], gamma=0.1), 8),
          [1, 1, 0.1, 0.1, 0.1, 0.001, 0.001, 0.001])


def test_exponential_lr():
    opt = make_optimizer(lr=2.0)
    close(trajectory(ExponentialLR(opt, gamma=0.5), 5), [2, 1, 0.5, 0.25, 0.125])


def test_cosine_annealing_lr_example():
    # eta_min + (base - eta_min) * (1 + cos(pi * e / T_max)) / 2 with base 1, eta_min 0.1, T_max 3
    opt = make_optimizer(lr=1.0)
    close(trajectory(CosineAnnealingLR(opt, T_max=3, eta_min=0.1), 8),
          [1.0, 0.775, 0.325, 0.1, 0.325, 0.775, 1.0, 0.775])


@given(base=st.floats(1e-3, 10), T_max=st.integers(1, 20), eta_frac=st.floats(0, 0.9))
def test_cosine_annealing_lr_recursion_equals_closed_form(base, T_max, eta_frac):
    eta_min = base * eta_frac
    opt = make_optimizer(lr=base)
    n = 3 * T_max + 2  # through the minimum and back up: the schedule is periodic
    expected = [eta_min + (base - eta_min) * (1 + math.cos(math.pi * e / T_max)) / 2
                for e in range(n)]
    assert trajectory(CosineAnnealingLR(opt, T_max, eta_min), n) == pytest.approx(
        expected, rel=1e-9, abs=1e-12 * base)


def test_lambda_lr_with_one_function_per_group():
    opt = make_optimizer(lr=0.5, groups=2)
    opt.param_groups[1]["lr"] = 2.0
    sched = LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.9 ** e])
    seen = []
    for _ in range(4):
        seen.append(sched.get_last_lr())
        opt.step()
        sched.step()
    close([s[0] for s in seen], [0.5, 0.25, 0.5 / 3, 0.125])
    close([s[1] for s in seen], [2.0, 1.8, 1.62, 1.458])


def test_lambda_lr_needs_one_function_per_group():
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        LambdaLR(make_optimizer(groups=2), [lambda e: 1.0])


def test_schedules_set_every_group_from_its_own_base_lr():
    opt = make_optimizer(lr=1.0, groups=2)
    opt.param_groups[1]["lr"] = 10.0
    sched = ExponentialLR(opt, gamma=0.5)
    opt.step()
    sched.step()
    assert sched.base_lrs == [1.0, 10.0]
    assert sched.get_last_lr() == [0.5, 5.0]


def test_chained_schedulers_multiply():
    opt = make_optimizer(lr=1.0)
    step, expo = StepLR(opt, step_size=2, gamma=0.5), ExponentialLR(opt, gamma=0.9)
    lrs = []
    for _ in range(7):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        step.step()
        expo.step()
    close(lrs, [0.9 ** e * 0.5 ** (e // 2) for e in range(7)])


def test_custom_scheduler_from_the_base_class():
    class Linear(LRScheduler):
        def get_lr(self):
            return [base * (1 - self.last_epoch / 10) for base in self.base_lrs]

    opt = make_optimizer(lr=1.0)
    close(trajectory(Linear(opt), 4), [1.0, 0.9, 0.8, 0.7])


def test_get_lr_outside_step_warns_and_get_last_lr_does_not():
    sched = StepLR(make_optimizer(), step_size=2)
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_step_with_an_epoch_uses_the_closed_form():
    opt = make_optimizer(lr=1.0)
    sched = StepLR(opt, step_size=3, gamma=0.5)
    with pytest.warns(UserWarning, match="deprecated"):
        sched.step(7)
    assert sched.last_epoch == 7 and opt.param_groups[0]["lr"] == 0.25


def test_initial_lr_is_recorded_and_needed_to_resume():
    opt = make_optimizer(lr=0.3)
    StepLR(opt, step_size=2)
    assert opt.param_groups[0]["initial_lr"] == 0.3
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(make_optimizer(), step_size=2, last_epoch=4)


def test_resuming_with_last_epoch_continues_the_schedule():
    opt = make_optimizer(lr=1.0)
    opt.param_groups[0]["initial_lr"] = 1.0
    opt.param_groups[0]["lr"] = 0.25
    sched = ExponentialLR(opt, gamma=0.5, last_epoch=2)
    assert sched.last_epoch == 3 and sched.get_last_lr() == [0.25]  # as PyTorch: no extra decay
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.125]


@pytest.mark.parametrize("make, match", [
    (lambda opt: StepLR("not an optimizer", 2), "str is not an Optimizer"),
    (lambda opt: StepLR(opt, step_size=0), "step_size must be a positive integer, got 0"),
    (lambda opt: CosineAnnealingLR(opt, T_max=0), "T_max must be a positive number.*0"),
    (lambda opt: LambdaLR(opt, 3.0), "lr_lambda must be callable"),
])
def test_constructor_errors(make, match):
    with pytest.raises((TypeError, ValueError), match=match):
        make(make_optimizer())


# ---------------------------------------------------------------------------------------------
# OneCycleLR
# ---------------------------------------------------------------------------------------------

def one_cycle_reference(step, total_steps, max_lr, pct_start=0.3, anneal_strategy="cos",
                        div_factor=25.0, final_div_factor=1e4, three_phase=False,
                        base_momentum=0.85, max_momentum=0.95):
    """(lr, momentum) at ``step``, written from PyTorch's documented phases."""
    initial = max_lr / div_factor
    minimum = initial / final_div_factor
    if anneal_strategy == "cos":
        def anneal(a, b, pct):
            return b + (a - b) / 2 * (1 + math.cos(math.pi * pct))
    else:
        def anneal(a, b, pct):
            return a + (b - a) * pct
    warm = pct_start * total_steps - 1
    if three_phase:
        phases = [(warm, initial, max_lr, max_momentum, base_momentum),
                  (2 * pct_start * total_steps - 2, max_lr, initial, base_momentum, max_momentum),
                  (total_steps - 1, initial, minimum, max_momentum, max_momentum)]
    else:
        phases = [(warm, initial, max_lr, max_momentum, base_momentum),
                  (total_steps - 1, max_lr, minimum, base_momentum, max_momentum)]
    start = 0.0
    for i, (end, lr0, lr1, m0, m1) in enumerate(phases):
        if step <= end or i == len(phases) - 1:
            pct = (step - start) / (end - start)
            return anneal(lr0, lr1, pct), anneal(m0, m1, pct)
        start = end


def test_one_cycle_pinned_values():
    # values PyTorch 2.13 gives for the same settings
    opt = make_optimizer(lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=4)
    seen = []
    for _ in range(5):
        seen.append((opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]))
        opt.step()
        if sched.last_epoch < 4:
            sched.step()
    close([s[0] for s in seen], [0.04, 0.811745653949763, 0.28306099820869923, 4e-06,
                                 0.2830609982086991])
    close([s[1] for s in seen], [0.95, 0.8688255099070633, 0.9216941869558779, 0.95,
                                 0.9216941869558779])


def test_one_cycle_three_phase_pinned_values():
    opt = make_optimizer(lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=10, three_phase=True)
    lrs = trajectory(sched, 10)
    close(lrs, [0.04, 0.52, 1.0, 0.52, 0.04, 0.0361807218535102, 0.0261817218535102,
                0.013822278146489805, 0.0038232781464898036, 4e-06])


def test_one_cycle_linear_cycles_adam_beta1():
    opt = make_optimizer(lr=0.1, cls=Adam, betas=(0.9, 0.99))
    sched = OneCycleLR(opt, max_lr=2.0, total_steps=6, anneal_strategy="linear", pct_start=0.5)
    betas = []
    lrs = []
    for _ in range(6):
        lrs.append(opt.param_groups[0]["lr"])
        betas.append(opt.param_groups[0]["betas"])
        opt.step()
        sched.step()
    close(lrs, [0.08, 1.04, 2.0, 1.333336, 0.666672, 8.000000000008e-06])
    close([b[0] for b in betas], [0.95, 0.9, 0.85, 0.85 + 0.1 / 3, 0.85 + 0.2 / 3, 0.95])
    assert all(b[1] == 0.99 for b in betas)


@given(total_steps=st.integers(2, 60), pct_start=st.floats(0.05, 0.95), max_lr=st.floats(1e-3, 10),
       three_phase=st.booleans(), anneal_strategy=st.sampled_from(["cos", "linear"]),
       div_factor=st.floats(1.5, 100), final_div_factor=st.floats(1.5, 1e5))
def test_one_cycle_matches_reference(total_steps, pct_start, max_lr, three_phase, anneal_strategy,
                                     div_factor, final_div_factor):
    assume(abs(pct_start * total_steps - 1) > 1e-9)
    assume(not three_phase or abs(total_steps * (1 - 2 * pct_start) + 1) > 1e-9)
    options = dict(pct_start=pct_start, anneal_strategy=anneal_strategy, div_factor=div_factor,
                   final_div_factor=final_div_factor, three_phase=three_phase)
    opt = make_optimizer(lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr, total_steps=total_steps, **options)
    for step in range(total_steps):
        lr, momentum = one_cycle_reference(step, total_steps, max_lr, **options)
        group = opt.param_groups[0]
        assert group["lr"] == pytest.approx(lr, rel=1e-9, abs=1e-12 * max_lr)
        assert group["momentum"] == pytest.approx(momentum, rel=1e-9)
        opt.step()
        sched.step()


def test_one_cycle_end_points():
    opt = make_optimizer(lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=0.5, total_steps=100, pct_start=0.25, div_factor=10,
                       final_div_factor=50)
    lrs = trajectory(sched, 100)
    momenta_group = opt.param_groups[0]
    close(lrs[0], 0.05)
    close(max(lrs), 0.5)
    assert lrs.index(max(lrs)) == 24
    close(lrs[-1], 0.05 / 50)
    assert momenta_group["max_momentum"] == 0.95 and momenta_group["base_momentum"] == 0.85


def test_one_cycle_from_epochs_and_steps_per_epoch_with_per_group_values():
    opt = make_optimizer(lr=0.1, groups=2, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=[1.0, 2.0], epochs=3, steps_per_epoch=5,
                       base_momentum=[0.8, 0.7], max_momentum=0.9)
    assert sched.total_steps == 15
    close(sched.get_last_lr(), [0.04, 0.08])
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9]
    assert [g["base_momentum"] for g in opt.param_groups] == [0.8, 0.7]


def test_one_cycle_without_momentum_cycling_leaves_momentum_alone():
    opt = make_optimizer(lr=0.1, momentum=0.5)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=10, cycle_momentum=False)
    trajectory(sched, 5)
    assert opt.param_groups[0]["momentum"] == 0.5


def test_one_cycle_zero_length_warmup_does_not_divide_by_zero():
    opt = make_optimizer(lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.1)
    lrs = trajectory(sched, 10)
    close(lrs[0], 1.0)
    close(lrs[-1], 1.0 / 25 / 1e4)


def test_one_cycle_stepping_past_total_steps_raises_and_changes_nothing():
    opt = make_optimizer(lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=10)
    for _ in range(10):  # as PyTorch: total_steps calls to step() are accepted
        opt.step()
        sched.step()
    lr, epoch = opt.param_groups[0]["lr"], sched.last_epoch
    with pytest.raises(ValueError, match="Tried to step 11 times. The specified number of total "
                                         "steps is 10"):
        sched.step()
    assert opt.param_groups[0]["lr"] == lr and sched.last_epoch == epoch == 10
    assert sched.get_last_lr() == [lr]


class _NoMomentum(Optimizer):
    def __init__(self, params, lr=0.1):
        super().__init__(params, dict(lr=lr))


@pytest.mark.parametrize("kwargs, match", [
    (dict(), "You must define either total_steps OR"),
    (dict(epochs=3), "You must define either total_steps OR"),
    (dict(total_steps=0), "Expected positive integer total_steps, but got 0"),
    (dict(total_steps=2.5), "Expected positive integer total_steps, but got 2.5"),
    (dict(epochs=-1, steps_per_epoch=3), "Expected positive integer epochs, but got -1"),
    (dict(epochs=2, steps_per_epoch=0), "Expected positive integer steps_per_epoch, but got 0"),
    (dict(total_steps=10, pct_start=1.5), "Expected float between 0 and 1 pct_start, but got 1.5"),
    (dict(total_steps=10, anneal_strategy="exp"), "anneal_strategy must be one of 'cos' or "
                                                  "'linear', instead got 'exp'"),
    (dict(total_steps=10, max_lr=[1.0, 2.0]), "max_lr must have one value per parameter group"),
])
def test_one_cycle_errors(kwargs, match):
    kwargs.setdefault("max_lr", 1.0)
    with pytest.raises(ValueError, match=match):
        OneCycleLR(make_optimizer(momentum=0.9), **kwargs)


def test_one_cycle_needs_momentum_to_cycle():
    opt = _NoMomentum([Tensor(np.zeros(1), requires_grad=True)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        OneCycleLR(opt, max_lr=1.0, total_steps=10)
    OneCycleLR(opt, max_lr=1.0, total_steps=10, cycle_momentum=False)


# ---------------------------------------------------------------------------------------------
# state_dict / load_state_dict
# ---------------------------------------------------------------------------------------------

SCHEDULERS = {
    "step": lambda opt: StepLR(opt, step_size=3, gamma=0.5),
    "multistep": lambda opt: MultiStepLR(opt, milestones=[2, 4, 4, 7], gamma=0.5),
    "exponential": lambda opt: ExponentialLR(opt, gamma=0.8),
    "cosine": lambda opt: CosineAnnealingLR(opt, T_max=4, eta_min=0.01),
    "lambda": lambda opt: LambdaLR(opt, lambda e: 1 / (1 + e)),
    "onecycle": lambda opt: OneCycleLR(opt, max_lr=1.0, total_steps=12, three_phase=True),
    "onecycle-adam": lambda opt: OneCycleLR(opt, max_lr=1.0, total_steps=12),
}


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_state_dict_round_trip_through_save_continues_identically(name, tmp_path):
    make = SCHEDULERS[name]
    cls = Adam if name.endswith("adam") else SGD
    opt = make_optimizer(lr=0.5, groups=2, cls=cls, **({} if cls is Adam else {"momentum": 0.9}))
    sched = make(opt)
    for _ in range(5):
        opt.step()
        sched.step()
    tg.save({"optim": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "ckpt.npz")
    expected = trajectory(sched, 6)

    opt2 = make_optimizer(lr=0.5, groups=2, cls=cls, **({} if cls is Adam else {"momentum": 0.9}))
    sched2 = make(opt2)
    ckpt = tg.load(tmp_path / "ckpt.npz")
    opt2.load_state_dict(ckpt["optim"])
    sched2.load_state_dict(ckpt["sched"])
    assert sched2.last_epoch == 5
    assert trajectory(sched2, 6) == expected


def test_lambda_lr_state_dict_leaves_functions_out_but_keeps_callable_objects_state():
    class Scale:
        def __init__(self, factor):
            self.factor = factor

        def __call__(self, epoch):
            return self.factor ** epoch

    opt = make_optimizer(lr=1.0, groups=2)
    sched = LambdaLR(opt, [lambda e: 1.0, Scale(0.5)])
    opt.step()
    sched.step()
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [None, {"factor": 0.5}]
    assert "optimizer" not in sd and sd["last_epoch"] == 1

    scale = Scale(0.9)
    other = LambdaLR(make_optimizer(lr=1.0, groups=2), [lambda e: 2.0, scale])
    other.load_state_dict(sd)
    assert scale.factor == 0.5 and other.last_epoch == 1
    assert sd["lr_lambdas"] == [None, {"factor": 0.5}]  # the given dict is not modified
    assert LambdaLR(make_optimizer(), abs).state_dict()["lr_lambdas"] == [None]  # a builtin


def test_scheduler_state_dict_holds_plain_values():
    sched = MultiStepLR(make_optimizer(), milestones=[3, 1], gamma=0.5)
    sd = sched.state_dict()
    assert sd["milestones"] == [1, 3] and sd["base_lrs"] == [1.0] and "optimizer" not in sd

    def plain(value):
        if isinstance(value, dict):
            return all(plain(v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, (bool, int, float, str))
    for make in SCHEDULERS.values():
        assert plain(make(make_optimizer(momentum=0.9)).state_dict())


def test_scheduler_load_state_dict_checks_the_number_of_groups():
    sd = StepLR(make_optimizer(groups=2), step_size=2).state_dict()
    with pytest.raises(ValueError, match="2 base_lrs, but the optimizer has 1"):
        StepLR(make_optimizer(groups=1), step_size=2).load_state_dict(sd)


def test_scheduler_load_state_dict_accepts_numpy_values():
    sched = StepLR(make_optimizer(), step_size=2)
    sched.load_state_dict({"last_epoch": np.int64(4), "base_lrs": np.array([0.5]),
                           "gamma": np.float64(0.25)})
    assert type(sched.last_epoch) is int and sched.base_lrs == [0.5]
    assert type(sched.gamma) is float
