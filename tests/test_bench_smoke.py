"""Smoke tests of the benchmark workloads in bench/ on small synthetic data: they run, and the
hand-written NumPy reference agrees with tinygrad_lite (and PyTorch, when installed) step by
step from the same initial weights. No timing is asserted here."""
import json
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench"))

import cnn_epoch  # noqa: E402
import common  # noqa: E402
import mlp_epoch  # noqa: E402
import op_overhead  # noqa: E402

import tinygrad_lite as tg  # noqa: E402
from tinygrad_lite.data import write_idx  # noqa: E402


def synthetic(n=300, features=784, seed=0):
    """Images in [0, 1] with labels that depend on them, so training has something to learn."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, features), dtype=np.float32)
    return x, (x[:, :10].argmax(axis=1)).astype(np.int64)


def train(name, params, x, y, steps):
    trainer = mlp_epoch.TRAINERS[name](params)
    return trainer, trainer.epoch(x, y, seed=3, max_steps=steps)


def test_numpy_reference_agrees_with_tinygrad_lite():
    x, y = synthetic()  # 300 samples: batches of 128, 128 and a ragged 44
    params = mlp_epoch.init_params(hidden=32)
    ref, ref_losses = train("numpy", params, x, y, steps=3)
    tgl, tg_losses = train("tinygrad_lite", params, x, y, steps=3)
    assert len(ref_losses) == 3
    np.testing.assert_allclose(tg_losses, ref_losses, rtol=1e-5)
    for key, value in ref.state_dict().items():
        np.testing.assert_allclose(tgl.state_dict()[key], value, rtol=1e-4, atol=1e-6)
    assert ref_losses[-1] != ref_losses[0]  # the parameters did move


def test_training_lowers_the_loss_and_accuracy_runs():
    x, y = synthetic(n=512)
    trainer, _ = train("tinygrad_lite", mlp_epoch.init_params(hidden=32), x, y, steps=None)
    losses = sum((trainer.epoch(x, y, seed=s) for s in range(4)), [])
    assert losses[-1] < losses[0]
    assert 0.0 <= trainer.accuracy(x, y) <= 1.0


def test_time_epochs_trains_every_framework_for_a_whole_epoch(monkeypatch, capsys):
    """Interleaved in blocks, each framework still sees every batch of its epoch, in order: the
    same mean loss as one uninterrupted epoch."""
    monkeypatch.setattr(common, "PAUSE", 0)
    x, y = synthetic(n=700)  # 6 steps, fewer than the 10 blocks: some blocks are empty
    params = mlp_epoch.init_params(hidden=16)
    trainers = {n: mlp_epoch.TRAINERS[n] for n in ("numpy", "tinygrad_lite")}
    runs, medians = common.time_epochs(trainers, params, x, y, x, y, repeats=2)
    whole = float(np.mean(mlp_epoch.TRAINERS["numpy"](params).epoch(x, y)))
    for name in trainers:
        assert len(runs[name]) == 2 and medians[name] > 0
        for run in runs[name]:
            assert run["loss"] == pytest.approx(whole, rel=1e-5)
            assert 0.0 <= run["accuracy"] <= 1.0
    assert "in 10 blocks" in capsys.readouterr().out


def test_compare_epochs_leaves_out_torch_when_absent_and_prints_ratios(monkeypatch, capsys):
    monkeypatch.setattr(common, "PAUSE", 0)
    x, y = synthetic(n=300)
    params = mlp_epoch.init_params(hidden=16)
    runs, medians = common.compare_epochs(mlp_epoch.TRAINERS, None, params, (x, y, x, y), 1,
                                          baseline="numpy")
    assert set(runs) == set(medians) == {"numpy", "tinygrad_lite"}
    out = capsys.readouterr().out
    assert "median of 1 (seconds per epoch, ratio to numpy):" in out
    assert "x1.00" in out and "tinygrad_lite / torch" not in out


def test_torch_agrees_when_installed():
    pytest.importorskip("torch")
    x, y = synthetic()
    params = mlp_epoch.init_params(hidden=32)
    _, ref_losses = train("numpy", params, x, y, steps=3)
    _, torch_losses = train("torch", params, x, y, steps=3)
    np.testing.assert_allclose(torch_losses, ref_losses, rtol=1e-4)


def test_cnn_workload_trains_and_agrees_with_torch_when_installed():
    x, y = synthetic(n=300)
    x = x.reshape(-1, 1, 28, 28)
    params = cnn_epoch.init_params()
    assert {k: v.shape for k, v in params.items()} == cnn_epoch.SHAPES
    trainer = cnn_epoch.TinygradCNN(params)
    losses = trainer.epoch(x, y, seed=3) + trainer.epoch(x, y, seed=4)
    assert losses[-1] < losses[0] and 0.0 <= trainer.accuracy(x, y) <= 1.0
    pytest.importorskip("torch")
    steps = {name: cnn_epoch.TRAINERS[name](params).epoch(x, y, seed=3, max_steps=3)
             for name in cnn_epoch.TRAINERS}
    np.testing.assert_allclose(steps["tinygrad_lite"], steps["torch"], rtol=1e-4)


def test_op_chain_runs_and_its_gradient_is_right():
    x = tg.Tensor(np.ones(4, np.float32), requires_grad=True)
    forward, backward = op_overhead.run_chain(x, length=10)
    assert forward >= 0 and backward >= 0
    expected = 1.0
    for _ in range(5):  # y <- 1.0001 y + x, so dy/dx <- 1.0001 dy/dx + 1
        expected = 1.0001 * expected + 1
    np.testing.assert_allclose(x.grad.numpy(), np.full(4, expected), rtol=1e-6)


def test_mnist_loading_and_rss_readings(tmp_path):
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 6), ("t10k", 4)):
        write_idx(str(tmp_path / f"{prefix}-images-idx3-ubyte.gz"),
                  rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(str(tmp_path / f"{prefix}-labels-idx1-ubyte"), rng.integers(0, 10, n, dtype=np.uint8))
    x, y, x_test, y_test = common.load_mnist(str(tmp_path))
    assert x.shape == (6, 784) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.dtype == np.int64 and x_test.shape == (4, 784) and y_test.shape == (4,)
    assert common.current_rss_mb() > 0 and common.peak_rss_mb() >= common.current_rss_mb() * 0.5


def test_serve_load_runs_every_level_without_errors_on_tiny_settings(tmp_path, capsys):
    """bench/serve_load.py starts the server, loads it at each level and with slow clients,
    and stops it (SIGINT) cleanly. No timing is asserted; every client finishes at least the
    request it started, however slow the machine."""
    for name in ("fastapi", "uvicorn"):
        pytest.importorskip(name, reason="the server needs the serve extra")
    import serve_load
    out = tmp_path / "load.json"
    assert serve_load.main(["--clients", "1,3", "--duration", "0.5", "--warmup", "0.1",
                            "--slow-clients", "4", "--slow-interval", "0.1",
                            "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    levels = results["levels"] + [results["with_slow_clients"]]
    assert [r["clients"] for r in levels] == [1, 3, 3]
    for r in levels:
        assert r["errors"] == 0 and r["requests"] >= r["clients"], r
    printed = capsys.readouterr().out
    assert "3 clients + 4 slow" in printed and "the server exited" not in printed
