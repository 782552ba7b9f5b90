"""End to end on the real MNIST: one epoch of a 784-256-10 MLP through the public API must reach
95% test accuracy, and predict.py must read the model back.

The data is looked for as the examples look for it, in ``$TINYGRAD_LITE_DATA`` or
``~/.cache/tinygrad_lite`` (then in ``shared/data/mnist`` beside the checkout); without it these
tests are skipped (nothing is ever downloaded).
"""
import importlib.util
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import NO_MNIST, real_mnist_root

import tinygrad_lite as tg
from tinygrad_lite import nn, optim
from tinygrad_lite.data import MNIST, DataLoader

ROOT = Path(__file__).resolve().parents[1]
MNIST_DIR = real_mnist_root()

pytestmark = pytest.mark.skipif(MNIST_DIR is None, reason=NO_MNIST)


def load_example(name):
    path = ROOT / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        return self.fc2(self.fc1(x).relu())


@pytest.fixture(scope="module")
def trained():
    """One epoch of a 784-256-10 ReLU MLP, SGD with momentum; returns (model, test accuracy,
    seconds). This recipe measured 0.964 (Adam at lr 1e-3 only gets about 0.946 in one epoch)."""
    tg.manual_seed(0)
    train, test = MNIST(MNIST_DIR, train=True, download=False), MNIST(MNIST_DIR, train=False,
                                                                       download=False)
    x_train, y_train = train.tensors()
    x_test, y_test = test.tensors()
    model = MLP()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(tg.data.TensorDataset(x_train, y_train), batch_size=128, shuffle=True)
    start = time.perf_counter()
    model.train()
    for images, labels in loader:
        loss = nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    model.eval()
    with tg.no_grad():
        predicted = model(x_test).argmax(1).numpy()
    return model, float((predicted == y_test.numpy()).mean()), seconds


def test_one_epoch_reaches_95_percent(trained):
    _, accuracy, seconds = trained
    assert accuracy >= 0.95, f"test accuracy {accuracy:.4f} after one epoch ({seconds:.1f} s)"


def test_predict_reads_a_model_in_the_training_scripts_format(trained, tmp_path):
    model, accuracy, _ = trained
    mnist_example = load_example("mnist")
    # the same network as the example's MLP, under its parameter names
    rebuilt = mnist_example.MLP([784, 256, 10], "relu")
    state = {"layers.0.weight": model.fc1.weight, "layers.0.bias": model.fc1.bias,
             "layers.1.weight": model.fc2.weight, "layers.1.bias": model.fc2.bias}
    rebuilt.load_state_dict(state)
    path = tmp_path / "mlp.npz"
    tg.save({"model": rebuilt.state_dict(), "config": rebuilt.config(), "dataset": "mnist",
             "test_accuracy": accuracy}, path)
    command = [sys.executable, str(ROOT / "examples" / "predict.py"), str(path), "--index", "0",
               "1", "2", "--data-dir", str(MNIST_DIR), "--no-download"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # the first three test digits are 7, 2 and 1
    assert re.findall(r"^predicted: (\d)", result.stdout, re.M) == ["7", "2", "1"]
    assert re.findall(r"label (\d)$", result.stdout, re.M) == ["7", "2", "1"]
    probs = [float(p) for p in re.findall(r"^  \d +(\d\.\d{4})", result.stdout, re.M)]
    np.testing.assert_allclose(np.reshape(probs, (3, 10)).sum(1), 1.0, atol=2e-3)
