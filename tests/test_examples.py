"""The example scripts: examples/mnist.py (training) and examples/predict.py (inference).

Everything runs on small synthetic IDX files written to tmp_path, never the network: the data
is learnable (each class lights up its own horizontal band), so a short run must classify it.
"""
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite.data import write_idx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ACCURACY_LINE = re.compile(r"^test accuracy: [01]\.\d{4}$")


def load_example(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mnist = load_example("mnist")
predict = load_example("predict")


def synthetic_images(labels, rng):
    """28x28 uint8 images: faint noise plus a bright 5x5 block for the class, the 10 classes'
    blocks on a 5x2 grid far enough apart that random shifts of 2 pixels keep them apart."""
    images = rng.integers(0, 60, size=(len(labels), 28, 28), dtype=np.uint8)
    for i, label in enumerate(labels):
        row, col = 4 + 12 * (label // 5), 1 + 5 * (label % 5)
        images[i, row:row + 5, col:col + 5] = 255
    return images


def write_split(directory, split, n, seed):
    rng = np.random.default_rng(seed)
    labels = np.arange(n, dtype=np.uint8) % 10
    rng.shuffle(labels)
    write_idx(directory / f"{split}-images-idx3-ubyte.gz", synthetic_images(labels, rng))
    write_idx(directory / f"{split}-labels-idx1-ubyte.gz", labels)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A data root holding a tiny synthetic MNIST: 300 training and 50 test images."""
    root = tmp_path_factory.mktemp("data")
    write_split(root, "train", 300, seed=1)
    write_split(root, "t10k", 50, seed=2)
    return root


def run(script, *args, env=None):
    """Run an example as a user would; TINYGRAD_LITE_DATA points nowhere useful."""
    environment = dict(os.environ, TINYGRAD_LITE_DATA=os.devnull + "-missing", **(env or {}))
    result = subprocess.run([sys.executable, str(EXAMPLES / script), *map(str, args)],
                            capture_output=True, env=environment, timeout=300)
    # decode by hand: text mode would turn the progress bar's \r into \n
    result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
    return result


def assert_one_line_error(result, prog, code=1):
    assert result.returncode == code, result
    assert "Traceback" not in result.stderr
    # what a terminal shows: each line's text after its last \r (progress-bar redraws)
    lines = [line.rsplit("\r", 1)[-1] for line in result.stderr.split("\n")]
    lines = [line for line in lines if line.strip()]
    assert lines and lines[-1].startswith(f"{prog}: error: "), result.stderr
    if code == 1:  # our own errors (argparse's add a usage line before theirs)
        assert len(lines) == 1, result.stderr
    return lines[-1]


def last_accuracy(stdout):
    line = stdout.strip().splitlines()[-1]
    assert ACCURACY_LINE.match(line), stdout
    return float(line.split(": ")[1])


# --- mnist.py from the command line ------------------------------------------------------------

@pytest.fixture(scope="module")
def trained(data_dir, tmp_path_factory):
    """One CLI run of mnist.py that saves its model; shared by the predict.py tests."""
    path = tmp_path_factory.mktemp("model") / "model.npz"
    result = run("mnist.py", "--data-dir", data_dir, "--no-download", "--epochs", 5,
                 "--hidden", 32, "--batch-size", 16, "--save", path)
    return result, path


def test_smoke_run_trains_reports_and_saves(trained):
    result, path = trained
    assert result.returncode == 0, result.stderr
    assert last_accuracy(result.stdout) >= 0.9
    assert re.search(r"^epoch 5/5: loss \d+\.\d{4}, test accuracy \d\.\d{4}", result.stdout, re.M)
    # the progress bar: \r redraws with rate, ETA and running loss, on stderr only
    assert "\r" in result.stderr and "batch/s" in result.stderr and "ETA" in result.stderr
    assert re.search(r"loss \d+\.\d{4}", result.stderr)
    assert "batch/s" not in result.stdout
    checkpoint = tg.load(path)
    assert checkpoint["config"] == {"sizes": [784, 32, 10], "activation": "relu"}
    assert checkpoint["dataset"] == "mnist"
    assert set(checkpoint["model"]) == {"layers.0.weight", "layers.0.bias",
                                        "layers.1.weight", "layers.1.bias"}


def test_help_lists_every_flag_and_documents_the_quadratic_cost():
    result = run("mnist.py", "--help")
    assert result.returncode == 0
    for flag in ("--data-dir", "--dataset", "--model", "--epochs", "--batch-size", "--lr", "--optimizer",
                 "--momentum", "--hidden", "--activation", "--loss", "--init", "--augment",
                 "--target-accuracy", "--save", "--seed", "--no-download"):
        assert flag in result.stdout
    text = " ".join(result.stdout.split())
    assert "1/2 * sum over the 10 outputs" in text and "averaged over the batch" in text


@pytest.mark.parametrize("args", [
    ["--epochs", "0"], ["--epochs", "two"], ["--batch-size", "-1"], ["--lr", "abc"],
    ["--lr", "0"], ["--lr", "nan"], ["--hidden", "16,x"], ["--hidden", "0"],
    ["--activation", "swish"], ["--optimizer", "lbfgs"], ["--loss", "hinge"], ["--init", "zeros"],
    ["--dataset", "cifar"], ["--momentum", "1"], ["--target-accuracy", "1.5"], ["--bogus"],
    ["--optimizer", "adam", "--momentum", "0.9"], ["--lr-schedule", "step"], ["--model", "vgg"],
    ["--model", "cnn", "--hidden", "32"], ["--model", "cnn", "--init", "he"],
])
def test_bad_flags_give_an_argparse_error(capsys, args):
    with pytest.raises(SystemExit) as exit_info:
        mnist.main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: mnist.py")
    assert err.splitlines()[-1].startswith("mnist.py: error: ")


def test_bad_flag_from_the_command_line():
    assert_one_line_error(run("mnist.py", "--epochs", "0"), "mnist.py", code=2)


def test_missing_data_with_download_disabled_is_one_line(tmp_path):
    result = run("mnist.py", "--data-dir", tmp_path / "nowhere", "--no-download")
    line = assert_one_line_error(result, "mnist.py")
    assert "missing" in line and str(tmp_path / "nowhere") in line
    assert not (tmp_path / "nowhere").exists()  # nothing was downloaded or created


def test_corrupt_data_file_is_one_line(tmp_path):
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"hello, this is not an IDX file")
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(3, dtype=np.uint8))
    result = run("mnist.py", "--data-dir", tmp_path, "--no-download")
    line = assert_one_line_error(result, "mnist.py")
    assert "train-images-idx3-ubyte" in line and "magic number" in line


def test_unwritable_save_path_fails_before_training(data_dir, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "model.npz"
    result = run("mnist.py", "--data-dir", data_dir, "--epochs", 1, "--save", target)
    line = assert_one_line_error(result, "mnist.py")
    assert str(target.parent) in line and result.stdout == ""


def save_error(capsys, data_dir, target):
    """mnist.py --save target must refuse before training: one line on stderr, nothing on stdout."""
    code, out, err = main(capsys, "--data-dir", data_dir, "--epochs", 1, "--hidden", 8,
                          "--no-progress", "--save", target)
    assert code == 1 and out == "" and err.count("\n") == 1, (out, err)
    assert err.startswith(f"mnist.py: error: cannot save to {target}")
    return err


def test_save_paths_that_cannot_be_written_are_refused_before_training(capsys, data_dir, tmp_path):
    assert "it is a directory" in save_error(capsys, data_dir, tmp_path)  # rename would fail
    (tmp_path / "afile").write_text("x")
    assert "does not exist" in save_error(capsys, data_dir, tmp_path / "afile" / "model.npz")
    assert "tinygrad_lite.save" in save_error(capsys, data_dir, tmp_path / "model.safetensors")
    if os.path.isdir("/proc/self"):  # a directory no one, not even root, can create files in
        assert "cannot create files in /proc" in save_error(capsys, data_dir, "/proc/model.npz")
    if os.name == "posix" and os.geteuid() != 0:  # root ignores permission bits
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert "cannot create files" in save_error(capsys, data_dir, locked / "model.npz")
    assert os.listdir(tmp_path) == ["afile"] + (["locked"] if (tmp_path / "locked").exists() else [])


@pytest.mark.parametrize("split", ["train", "t10k"])
def test_a_split_without_images_is_one_line(data_dir, trained, tmp_path, split):
    for name in os.listdir(data_dir):
        (tmp_path / name).write_bytes((data_dir / name).read_bytes())
    write_idx(tmp_path / f"{split}-images-idx3-ubyte.gz", np.zeros((0, 28, 28), np.uint8))
    write_idx(tmp_path / f"{split}-labels-idx1-ubyte.gz", np.zeros(0, np.uint8))
    line = assert_one_line_error(run("mnist.py", "--data-dir", tmp_path, "--no-download"),
                                 "mnist.py")
    assert f"{split}-images-idx3-ubyte.gz holds no images" in line
    if split == "t10k":
        line = assert_one_line_error(run("predict.py", trained[1], "--data-dir", tmp_path),
                                     "predict.py")
        assert "MNIST test set holds no images" in line


# --- mnist.py in process (faster): the training variants ----------------------------------------

def main(capsys, *args):
    code = mnist.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("flags", [
    ["--loss", "mse", "--activation", "sigmoid", "--optimizer", "sgd", "--lr", "3.0",
     "--batch-size", "10", "--init", "default"],
    ["--loss", "mse", "--activation", "relu", "--optimizer", "sgd", "--lr", "1.0"],
    ["--activation", "leaky_relu", "--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.05"],
    ["--activation", "tanh", "--init", "xavier", "--hidden", "16,16", "--no-augment"],
    ["--hidden", "none"],  # softmax regression
])
def test_training_variants_learn_the_synthetic_data(capsys, data_dir, flags):
    code, out, err = main(capsys, "--data-dir", data_dir, "--epochs", 5, "--hidden", 30,
                          "--batch-size", 20, "--no-progress", *flags)
    assert code == 0, err
    assert err == ""  # --no-progress: nothing on stderr
    assert last_accuracy(out) >= 0.9


def test_cnn_learns_the_synthetic_data_and_predict_reads_its_checkpoint(capsys, data_dir,
                                                                         tmp_path):
    path = tmp_path / "cnn.npz"
    code, out, err = main(capsys, "--model", "cnn", "--data-dir", data_dir,
                          "--batch-size", 20, "--no-progress", "--save", path)
    assert code == 0, err
    assert "CNN with 16-32 channels and 128 hidden units" in out
    assert "epoch 3/3" in out  # the CNN's default number of epochs
    assert last_accuracy(out) >= 0.9
    checkpoint = tg.load(str(path))
    assert checkpoint["config"] == {"model": "cnn", "channels": [16, 32], "hidden": 128}
    model, _ = predict.load_model(str(path))
    assert isinstance(model, predict.mnist.CNN)
    images = tg.Tensor(synthetic_images(np.arange(10), np.random.default_rng(5)) / np.float32(255))
    with tg.no_grad():
        model.eval()
        flat, square = model(images.reshape(10, 784)), model(images.reshape(10, 1, 28, 28))
    np.testing.assert_allclose(flat.numpy(), square.numpy())
    assert (flat.numpy().argmax(1) == np.arange(10)).mean() >= 0.9
    # predict.py itself, as a user runs it on the CNN's checkpoint
    assert predict.main([str(path), "--index", "0", "1", "--data-dir", str(data_dir),
                         "--no-download", "--no-art"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.count("predicted:") == 2


def test_full_batch_and_per_sample_sgd(capsys, data_dir):
    code, out, _ = main(capsys, "--data-dir", data_dir, "--batch-size", 60000, "--epochs", 40,
                        "--hidden", 10, "--optimizer", "sgd", "--lr", "0.5", "--no-augment")
    assert code == 0 and last_accuracy(out) >= 0.9
    # full batch: one step per epoch, about 20 report lines instead of 40
    assert 15 <= len(re.findall(r"^epoch \d+/40", out, re.M)) <= 21
    code, out, _ = main(capsys, "--data-dir", data_dir, "--batch-size", 1, "--epochs", 3,
                        "--hidden", "16,16", "--activation", "sigmoid", "--loss", "mse",
                        "--optimizer", "sgd", "--lr", "1.0", "--lr-schedule", "constant",
                        "--no-augment")
    assert code == 0 and last_accuracy(out) >= 0.8


def test_target_accuracy_stops_early(capsys, data_dir):
    code, out, _ = main(capsys, "--data-dir", data_dir, "--epochs", 50, "--target-accuracy", 0.5,
                        "--hidden", 32, "--no-progress")
    assert code == 0
    stopped = re.search(r"stopping after epoch (\d+)", out)
    assert stopped and int(stopped.group(1)) < 50
    assert last_accuracy(out) > 0.5


def test_same_seed_same_result(capsys, data_dir):
    runs = [main(capsys, "--data-dir", data_dir, "--epochs", 1, "--hidden", 16, "--seed", 7,
                 "--no-progress")[1] for _ in range(2)]
    timings = re.compile(r"\(.* s in all\)")
    assert timings.sub("", runs[0]) == timings.sub("", runs[1])


def test_fashion_mnist_reads_its_own_folder(capsys, data_dir, tmp_path):
    fashion = tmp_path / "FashionMNIST"
    fashion.mkdir()
    for name in os.listdir(data_dir):
        (fashion / name).write_bytes((data_dir / name).read_bytes())
    code, out, _ = main(capsys, "--data-dir", tmp_path, "--dataset", "fashion-mnist",
                        "--epochs", 1, "--hidden", 16, "--no-progress", "--no-download")
    assert code == 0 and out.startswith("fashion-mnist:")
    code, _, err = main(capsys, "--data-dir", tmp_path, "--no-download")  # no MNIST/ there
    assert code == 1 and "MNIST train files are missing" in err


# --- building blocks ----------------------------------------------------------------------------

def test_quadratic_cost_is_half_the_squared_error_summed_over_classes_averaged_over_batch():
    logits = np.random.default_rng(0).normal(size=(4, 10)).astype(np.float64)
    labels = np.array([3, 0, 9, 3])
    one_hot = np.eye(10)[labels]
    for activation, a in (("sigmoid", 1 / (1 + np.exp(-logits))),
                          ("relu", np.exp(logits) / np.exp(logits).sum(1, keepdims=True))):
        x = tg.Tensor(logits, requires_grad=True)
        cost = mnist.quadratic_cost(x, tg.Tensor(labels), activation)
        expected = 0.5 * ((a - one_hot) ** 2).sum(1).mean()
        np.testing.assert_allclose(cost.item(), expected, rtol=1e-10)
        cost.backward()
        if activation == "sigmoid":  # Nielsen's output error (a - y) * sigma'(z), over the batch
            np.testing.assert_allclose(x.grad.numpy(), (a - one_hot) * a * (1 - a) / 4, rtol=1e-8)


@pytest.mark.parametrize("activation", mnist.ACTIVATIONS)
def test_mlp_shapes_and_init_schemes(activation):
    tg.manual_seed(0)
    model = mnist.MLP([784, 300, 200, 10], activation)
    assert model(tg.zeros(5, 784)).shape == (5, 10)
    assert [p.shape for p in model.parameters()] == [(300, 784), (300,), (200, 300), (200,),
                                                      (10, 200), (10,)]
    gain = {"relu": 2 ** 0.5, "leaky_relu": (2 / (1 + 0.01 ** 2)) ** 0.5, "sigmoid": 1.0,
            "tanh": 5 / 3}[activation]
    model.init_weights("he")
    np.testing.assert_allclose(model.layers[0].weight.numpy().std(), gain / 784 ** 0.5, rtol=0.02)
    np.testing.assert_allclose(model.layers[2].weight.numpy().std(), 1 / 200 ** 0.5, rtol=0.1)
    assert not model.layers[0].bias.numpy().any()
    model.init_weights("xavier")
    np.testing.assert_allclose(model.layers[0].weight.numpy().std(), gain * (2 / 1084) ** 0.5,
                               rtol=0.02)
    rebuilt = mnist.build_model(model.config())
    rebuilt.load_state_dict(model.state_dict())
    x = tg.randn(3, 784)
    np.testing.assert_array_equal(rebuilt(x).numpy(), model(x).numpy())


def test_hidden_sizes_parsing():
    assert mnist.hidden_sizes("256") == [256]
    assert mnist.hidden_sizes("16,16") == [16, 16]
    assert mnist.hidden_sizes("none") == [] and mnist.hidden_sizes("") == []


def test_format_seconds():
    assert [mnist.format_seconds(s) for s in (0, 61.4, 3725)] == ["0:00", "1:01", "1:02:05"]


# --- predict.py -----------------------------------------------------------------------------------

def probabilities(stdout):
    return [float(v) for v in re.findall(r"^  \S+ +(\d\.\d{4})", stdout, re.M)]


def test_predict_test_images_by_index(trained, data_dir):
    _, model = trained
    result = run("predict.py", model, "--index", 0, 5, 7, "--data-dir", data_dir, "--no-download")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert len(re.findall(r"^image \d of the MNIST test set, label \d$", out, re.M)) == 3
    guesses = re.findall(r"^predicted: (\d) with probability (\d\.\d{4})$", out, re.M)
    assert len(guesses) == 3
    labels = [int(v) for v in re.findall(r"label (\d)$", out, re.M)]
    assert sum(int(g) == label for (g, _), label in zip(guesses, labels)) >= 2
    probs = np.array(probabilities(out)).reshape(3, 10)
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=2e-3)
    art = [line for line in out.splitlines() if len(line) == 28 and set(line) <= set(predict.RAMP)]
    assert len(art) == 3 * 28 and any("@" in line for line in art)


def test_predict_from_an_idx_file(trained, tmp_path):
    _, model = trained
    labels = np.array([4, 1, 8])
    write_idx(tmp_path / "mine-idx3-ubyte", synthetic_images(labels, np.random.default_rng(5)))
    result = run("predict.py", model, "--idx-file", tmp_path / "mine-idx3-ubyte", "--no-art")
    assert result.returncode == 0, result.stderr
    guesses = [int(g) for g in re.findall(r"^predicted: (\d)", result.stdout, re.M)]
    assert len(guesses) == 3 and (np.array(guesses) == labels).sum() >= 2
    assert "@" not in result.stdout
    result = run("predict.py", model, "--idx-file", tmp_path / "mine-idx3-ubyte", "--index", 2)
    assert result.returncode == 0 and result.stdout.count("predicted:") == 1


def predict_error(capsys, *args):
    """Run predict.py in process; check it failed with one line on stderr and return that line."""
    assert predict.main([str(a) for a in args]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("predict.py: error: "), err
    return err.strip()


def test_predict_errors_are_one_line(capsys, trained, data_dir, tmp_path):
    _, model = trained
    assert "missing.npz" in predict_error(capsys, tmp_path / "missing.npz")
    (tmp_path / "notes.txt").write_text("not a checkpoint")
    assert "notes.txt" in predict_error(capsys, tmp_path / "notes.txt")
    tg.save({"weights": [1, 2]}, tmp_path / "other.npz")
    assert "mnist.py --save" in predict_error(capsys, tmp_path / "other.npz")
    line = predict_error(capsys, model, "--index", 50, "--data-dir", data_dir)
    assert "index 50 is out of range" in line
    write_idx(tmp_path / "wrong-idx1-ubyte", np.zeros(5, dtype=np.uint8))
    assert "28x28" in predict_error(capsys, model, "--idx-file", tmp_path / "wrong-idx1-ubyte")
    line = predict_error(capsys, model, "--data-dir", tmp_path / "none", "--no-download")
    assert "missing" in line
    # and once from the command line, where a traceback would show
    assert_one_line_error(run("predict.py", tmp_path / "missing.npz"), "predict.py")
    assert_one_line_error(run("predict.py", model, "--index", "x"), "predict.py", code=2)


def test_predict_refuses_models_that_do_not_classify_digits(capsys, tmp_path):
    for sizes, message in (([100, 10], "does not take 28x28 = 784 pixels"),
                           ([784, 5], "outputs of shape (1, 5), not to the 10 classes")):
        model = mnist.MLP(sizes)
        tg.save({"model": model.state_dict(), "config": model.config()}, tmp_path / "m.npz")
        assert message in predict_error(capsys, tmp_path / "m.npz")
    model = mnist.MLP([784, 10])
    tg.save({"model": model.state_dict(), "config": {"model": "cnn", "channels": [4],
                                                     "hidden": 8}}, tmp_path / "m.npz")
    assert "cannot rebuild the model" in predict_error(capsys, tmp_path / "m.npz")


def test_predict_refuses_empty_or_bad_images(capsys, trained, tmp_path):
    _, model = trained
    write_idx(tmp_path / "empty-idx3-ubyte", np.zeros((0, 28, 28), np.uint8))
    assert "holds no images" in predict_error(capsys, model, "--idx-file", tmp_path / "empty-idx3-ubyte")
    for bad in (np.full((2, 28, 28), np.nan, np.float32), np.full((2, 28, 28), 255.0)):
        write_idx(tmp_path / "bad-idx3-ubyte", bad)
        line = predict_error(capsys, model, "--idx-file", tmp_path / "bad-idx3-ubyte")
        assert "finite numbers in [0, 1]" in line
    write_idx(tmp_path / "ok-idx3-ubyte", np.full((1, 28, 28), 0.5, np.float64))
    assert predict.main([str(model), "--idx-file", str(tmp_path / "ok-idx3-ubyte")]) == 0
    assert capsys.readouterr().out.count("predicted:") == 1


def test_offline_is_one_line_naming_files_mirrors_and_the_ways_to_supply_them(capsys, tmp_path,
                                                                              monkeypatch):
    import socket
    with socket.socket() as sock:  # a port on 127.0.0.1 where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mirrors = (f"http://127.0.0.1:{port}/a/", f"http://127.0.0.1:{port}/b/")
    monkeypatch.setattr(mnist.MNIST, "mirrors", mirrors)
    code, out, err = main(capsys, "--data-dir", tmp_path / "cache", "--no-progress")
    line = [text for text in err.splitlines() if text.startswith("mnist.py: error: ")]
    assert code == 1 and out == "" and len(line) == 1, err
    line = line[0]
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        assert name in line
    assert f"tried {mirrors[0]} (" in line and f", {mirrors[1]} (" in line
    assert "--data-dir" in line and "TINYGRAD_LITE_DATA" in line
    assert str(tmp_path / "cache" / "MNIST") in line
    assert not (tmp_path / "cache").exists()  # no empty folder left behind
    # the lines before it say which mirror was being tried
    assert f"downloading train-images-idx3-ubyte.gz from {mirrors[0]}" in err
