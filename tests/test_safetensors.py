"""The bridge to PyTorch: ``save``/``load`` of ``.safetensors`` files through the optional
``safetensors`` package. A model saved here loads into the same architecture in PyTorch and
computes the same outputs, and the reverse. Skips without ``safetensors`` (or without PyTorch
for the PyTorch half)."""
import builtins
import os

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import nn
from tinygrad_lite.serialization import CheckpointError

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def tg_mlp():
    return nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))


def tg_cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Conv2d(4, 8, 3, padding=1), nn.BatchNorm2d(8),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 7 * 7, 32),
                         nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 10))


def test_round_trip_keeps_names_dtypes_and_values(tmp_path):
    tg.manual_seed(0)
    model = tg_cnn()
    model(tg.randn(6, 1, 28, 28))  # training mode: moves the running statistics
    state = model.state_dict()
    path = tmp_path / "model.safetensors"
    tg.save(state, path)
    back = tg.load(path)
    assert set(back) == set(state)
    for name, value in state.items():
        assert type(back[name]) is tg.Tensor and back[name].dtype == value.dtype
        assert back[name].shape == value.shape
        np.testing.assert_array_equal(back[name].numpy(), value.numpy())
    assert back["1.num_batches_tracked"].dtype == np.int64 and back["1.num_batches_tracked"].shape == ()
    assert back["1.num_batches_tracked"].item() == 1
    copy = tg_cnn()
    result = copy.load_state_dict(back)
    assert not result.missing_keys and not result.unexpected_keys
    x = tg.randn(3, 1, 28, 28)
    np.testing.assert_array_equal(model.eval()(x).numpy(), copy.eval()(x).numpy())
    # the file is real safetensors: the package reads it on its own
    raw = safetensors_numpy.load_file(str(path))
    np.testing.assert_array_equal(raw["0.weight"], state["0.weight"].numpy())
    assert os.listdir(tmp_path) == ["model.safetensors"]


def test_extension_chooses_the_format_case_insensitively(tmp_path):
    tg.save({"w": np.ones(3, np.float32)}, tmp_path / "W.SafeTensors")
    assert (tmp_path / "W.SafeTensors").read_bytes()[8:9] == b"{"  # a JSON header, not a zip
    np.testing.assert_array_equal(tg.load(tmp_path / "W.SafeTensors")["w"].numpy(), np.ones(3))


@pytest.mark.parametrize("obj, message", [
    ([np.ones(2)], "flat dict of names to Tensors"),
    ({"a": {"b": np.ones(2)}}, r"obj\['a'\] is a dict"),
    ({"epoch": 3}, r"obj\['epoch'\] is a int"),
    ({1: np.ones(2)}, "str keys"),
    ({"o": np.array([None], dtype=object)}, "cannot store"),
])
def test_what_safetensors_cannot_hold_is_refused_before_writing(tmp_path, obj, message):
    with pytest.raises(TypeError, match=message):
        tg.save(obj, tmp_path / "x.safetensors")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("content", [b"", b"hello", b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}!!!",
                                     b"\xff" * 8 + b"{}"])
def test_a_bad_safetensors_file_is_a_checkpoint_error(tmp_path, content):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="bad.safetensors"):
        tg.load(path)
    with pytest.raises(FileNotFoundError):
        tg.load(tmp_path / "missing.safetensors")


def test_without_the_package_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_safetensors(name, *args, **kwargs):
        if name == "safetensors" or name.startswith("safetensors."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_safetensors)
    for action in (lambda: tg.save({"w": np.ones(2)}, tmp_path / "m.safetensors"),
                   lambda: tg.load(tmp_path / "m.safetensors")):
        (tmp_path / "m.safetensors").write_bytes(b"x")
        with pytest.raises(ImportError, match=r"pip install safetensors.*\[safetensors\]"):
            action()
    tg.save({"w": np.ones(2)}, tmp_path / "m.npz")  # .npz needs nothing but NumPy


# --- to and from PyTorch -----------------------------------------------------------------------

def torch_models():
    torch = pytest.importorskip("torch")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    tnn = torch.nn
    mlp = tnn.Sequential(tnn.Linear(784, 64), tnn.ReLU(), tnn.Linear(64, 10))
    cnn = tnn.Sequential(tnn.Conv2d(1, 4, 3, padding=1, bias=False), tnn.BatchNorm2d(4), tnn.ReLU(),
                         tnn.MaxPool2d(2), tnn.Conv2d(4, 8, 3, padding=1), tnn.BatchNorm2d(8),
                         tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(), tnn.Linear(8 * 7 * 7, 32),
                         tnn.BatchNorm1d(32), tnn.ReLU(), tnn.Linear(32, 10))
    return torch, safetensors_torch, {"mlp": (tg_mlp, mlp), "cnn": (tg_cnn, cnn)}


def inputs(kind):
    shape = (5, 784) if kind == "mlp" else (5, 1, 28, 28)
    return np.random.default_rng(1).random(shape, dtype=np.float32)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_a_model_saved_here_runs_the_same_in_pytorch(tmp_path, kind):
    torch, safetensors_torch, models = torch_models()
    make, torch_model = models[kind]
    tg.manual_seed(3)
    model = make()
    for _ in range(2):  # move BatchNorm's running statistics and counter off their defaults
        model(tg.Tensor(inputs(kind) * 2 + 0.5))
    model.eval()
    path = tmp_path / "model.safetensors"
    tg.save(model.state_dict(), path)

    torch_model.load_state_dict(safetensors_torch.load_file(str(path)))  # strict: names agree
    torch_model.eval()
    assert_same_outputs(model, torch_model, torch, kind)
    if kind == "cnn":
        assert torch_model[1].num_batches_tracked.item() == 2
        assert torch_model[1].num_batches_tracked.dtype == torch.int64


def assert_same_outputs(model, torch_model, torch, kind):
    with torch.no_grad():
        expected = torch_model(torch.from_numpy(inputs(kind))).numpy()
    with tg.no_grad():
        got = model(tg.Tensor(inputs(kind))).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_a_model_saved_by_pytorch_runs_the_same_here(tmp_path, kind):
    torch, safetensors_torch, models = torch_models()
    make, torch_model = models[kind]
    torch.manual_seed(4)
    for module in torch_model.modules():  # random affine BatchNorm parameters, not ones and zeros
        if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            torch.nn.init.uniform_(module.weight, 0.5, 1.5)
            torch.nn.init.uniform_(module.bias, -0.5, 0.5)
    with torch.no_grad():
        for _ in range(3):
            torch_model(torch.from_numpy(inputs(kind) * 2 + 0.5))
    torch_model.eval()
    path = tmp_path / "torch.safetensors"
    safetensors_torch.save_file(torch_model.state_dict(), str(path))

    model = make()
    result = model.load_state_dict(tg.load(path))
    assert not result.missing_keys and not result.unexpected_keys
    model.eval()
    assert_same_outputs(model, torch_model, torch, kind)
    if kind == "cnn":
        assert model[1].num_batches_tracked.item() == 3


def test_a_pytorch_dtype_numpy_lacks_is_named(tmp_path):
    torch, safetensors_torch, _ = torch_models()
    path = tmp_path / "half.safetensors"
    safetensors_torch.save_file({"w": torch.ones(2, dtype=torch.bfloat16)}, str(path))
    with pytest.raises(CheckpointError, match="half.safetensors.*BF16.*convert them to float32"):
        tg.load(path)
