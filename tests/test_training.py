"""End-to-end training: small MLPs reach 100% training accuracy, and a checkpointed run resumes
to exactly the parameters of an uninterrupted one."""
import numpy as np
import pytest

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import nn, optim


def mlp(sizes, activation=nn.Tanh):
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def train(model, opt, x, y, steps):
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()


def accuracy(model, x, y):
    with tg.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def spiral(n_per_class=50, seed=0):
    rs = np.random.RandomState(seed)
    t = np.linspace(0.2, 1.0, n_per_class)
    xs, ys = [], []
    for c in range(2):
        angle = 4.0 * t + c * np.pi + rs.normal(0, 0.05, n_per_class)
        xs.append(np.stack([t * np.cos(angle), t * np.sin(angle)], 1))
        ys.append(np.full(n_per_class, c))
    return tg.Tensor(np.concatenate(xs).astype(np.float32)), tg.Tensor(np.concatenate(ys))


def test_xor_reaches_full_accuracy():
    tg.manual_seed(0)
    x = tg.Tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = tg.Tensor([0, 1, 1, 0])
    model = mlp([2, 8, 2])
    train(model, optim.Adam(model.parameters(), lr=0.05), x, y, 300)
    assert accuracy(model, x, y) == 1.0


def test_two_class_spiral_reaches_full_accuracy():
    tg.manual_seed(0)
    x, y = spiral()
    model = mlp([2, 64, 64, 2], nn.ReLU)
    train(model, optim.Adam(model.parameters(), lr=0.01), x, y, 1000)
    assert accuracy(model, x, y) == 1.0


@pytest.mark.parametrize("make_opt", [
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
    lambda p: optim.AdamW(p, lr=0.01),
    lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
], ids=["sgd", "adam", "adamw", "rmsprop"])
def test_checkpoint_resume_matches_uninterrupted_training(tmp_path, make_opt):
    x, y = spiral(20)

    def fresh():
        tg.manual_seed(1)
        model = mlp([2, 16, 2])
        opt = make_opt(model.parameters())
        return model, opt, optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)

    def steps(model, opt, sched, n):
        for _ in range(n):
            train(model, opt, x, y, 1)
            sched.step()

    model, opt, sched = fresh()
    steps(model, opt, sched, 5)
    tg.save({"model": model.state_dict(), "optim": opt.state_dict(), "sched": sched.state_dict()},
            tmp_path / "ckpt.npz")
    steps(model, opt, sched, 7)

    resumed, ropt, rsched = fresh()
    ckpt = tg.load(tmp_path / "ckpt.npz")
    resumed.load_state_dict(ckpt["model"])
    ropt.load_state_dict(ckpt["optim"])
    rsched.load_state_dict(ckpt["sched"])
    steps(resumed, ropt, rsched, 7)

    for (name, a), (_, b) in zip(model.state_dict().items(), resumed.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
