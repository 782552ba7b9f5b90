#!/usr/bin/env python3
"""Train a multilayer perceptron or a small convolutional network on MNIST or Fashion-MNIST
with tinygrad_lite.

The defaults train a 784-512-256-10 ReLU network (He init) with Adam at lr 1e-3 on a cosine
schedule, batch 128, 10 epochs, each training image shifted randomly by up to 2 pixels; that
reaches about 98.8% test accuracy on MNIST:

    python examples/mnist.py --data-dir /path/to/mnist

``--model cnn`` trains the small CNN (two conv/batch-norm/ReLU/max-pool blocks and a hidden
layer of 128) for 3 epochs with Adam at lr 3e-3 on the same schedule, without the shifts; that
passes 99% test accuracy:

    python examples/mnist.py --model cnn --data-dir /path/to/mnist

The classic from-scratch networks, one command each:

    # 784-256-10 leaky ReLU, He init, plain SGD, until the test accuracy exceeds 96%
    python examples/mnist.py --hidden 256 --activation leaky_relu --init he --optimizer sgd \
        --lr 0.1 --lr-schedule constant --batch-size 32 --no-augment --epochs 20 \
        --target-accuracy 0.96
    # Nielsen's 784-30-10 sigmoid network: quadratic cost, mini-batch SGD (batch 10, lr 3.0)
    python examples/mnist.py --hidden 30 --activation sigmoid --loss mse --optimizer sgd \
        --lr 3.0 --lr-schedule constant --batch-size 10 --no-augment --epochs 30
    # the same with the cross-entropy cost
    python examples/mnist.py --hidden 30 --activation sigmoid --loss cross_entropy \
        --optimizer sgd --lr 0.5 --lr-schedule constant --batch-size 10 --no-augment --epochs 30
    # 784-10-10 ReLU + softmax, full-batch gradient descent (with momentum)
    python examples/mnist.py --hidden 10 --optimizer sgd --lr 0.2 --momentum 0.9 \
        --lr-schedule constant --batch-size 60000 --no-augment --epochs 300
    # 784-16-16-10 sigmoid, quadratic cost, per-sample SGD
    python examples/mnist.py --hidden 16,16 --activation sigmoid --loss mse --optimizer sgd \
        --lr 0.5 --lr-schedule constant --batch-size 1 --no-augment --epochs 1

See ``--help`` for every flag. A progress bar goes to stderr; per-epoch results go to stdout,
whose last line is always ``test accuracy: 0.XXXX``. ``--save model.npz`` keeps the trained
network for ``examples/predict.py``.
"""
import argparse
import math
import os
import sys
import tempfile
import time

import numpy as np

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _ROOT not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, _ROOT)

import tinygrad_lite as tg  # noqa: E402
from tinygrad_lite import nn, optim  # noqa: E402
from tinygrad_lite.allocator import keep_freed_memory  # noqa: E402
from tinygrad_lite.data import (MNIST, DataLoader, DatasetError, DownloadError,  # noqa: E402
                                FashionMNIST, IDXError, TensorDataset, data_root,
                                random_shift)
from tinygrad_lite.nn import functional as F  # noqa: E402

DATASETS = {"mnist": MNIST, "fashion-mnist": FashionMNIST}
ACTIVATIONS = ("relu", "leaky_relu", "sigmoid", "tanh")
LEAKY_SLOPE = 0.01


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------

class MLP(nn.Module):
    """A fully connected network: ``sizes[0]`` inputs, hidden layers ``sizes[1:-1]`` with
    ``activation`` after each, and ``sizes[-1]`` outputs (logits, no activation).

    >>> model = MLP([784, 256, 10], activation="relu")
    >>> model(tg.zeros(2, 784)).shape
    torch.Size([2, 10])
    """

    def __init__(self, sizes, activation="relu"):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"MLP: activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.sizes, self.activation = [int(s) for s in sizes], activation
        self.layers = nn.ModuleList(nn.Linear(n_in, n_out)
                                    for n_in, n_out in zip(self.sizes, self.sizes[1:]))

    def forward(self, x):
        *hidden, output = self.layers
        for layer in hidden:
            x = layer(x)
            x = F.leaky_relu(x, LEAKY_SLOPE) if self.activation == "leaky_relu" \
                else getattr(F, self.activation)(x)
        return output(x)

    def init_weights(self, scheme):
        """Re-initialise the weights: 'he' draws N(0, gain²/fan_in) (Kaiming; with the
        activation's gain, so for sigmoid it is LeCun's 1/sqrt(fan_in)), 'xavier' draws
        N(0, gain²·2/(fan_in + fan_out)) (Glorot); both zero the biases. 'default' keeps
        nn.Linear's U(±1/sqrt(fan_in))."""
        if scheme == "default":
            return self
        for i, layer in enumerate(self.layers):
            last = i == len(self.layers) - 1
            nonlinearity = "linear" if last else self.activation
            slope = LEAKY_SLOPE if nonlinearity == "leaky_relu" else None
            if scheme == "he":
                nn.init.kaiming_normal_(layer.weight, a=slope or 0, nonlinearity=nonlinearity)
            elif scheme == "xavier":
                gain = nn.init.calculate_gain(nonlinearity, slope)
                nn.init.xavier_normal_(layer.weight, gain=gain)
            else:
                raise ValueError(f"unknown init scheme {scheme!r}")
            nn.init.zeros_(layer.bias)
        return self

    def describe(self):
        return f"{'-'.join(str(s) for s in self.sizes)} {self.activation} MLP"

    def config(self):
        """What :func:`build_model` needs to rebuild this network (saved with ``--save``)."""
        return {"sizes": list(self.sizes), "activation": self.activation}


class CNN(nn.Module):
    """Two blocks of 3x3 convolution (padding 1), batch norm, ReLU and 2x2 max pooling
    (1x28x28 -> 16x14x14 -> 32x7x7), then a ReLU layer of ``hidden`` units and the 10 logits.
    Takes flat (N, 784) images like the MLP, or (N, 1, 28, 28).

    >>> CNN()(tg.zeros(2, 784)).shape
    torch.Size([2, 10])
    """

    def __init__(self, channels=(16, 32), hidden=128):
        super().__init__()
        self.channels, self.hidden = [int(c) for c in channels], int(hidden)
        blocks, c_in = [], 1
        for c_out in self.channels:
            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                       nn.ReLU(), nn.MaxPool2d(2)]
            c_in = c_out
        side = 28 // 2 ** len(self.channels)
        self.features = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.Linear(c_in * side * side, self.hidden), nn.ReLU(),
                                  nn.Linear(self.hidden, 10))

    def forward(self, x):
        return self.head(self.features(x.reshape(-1, 1, 28, 28)).flatten(1))

    def describe(self):
        return (f"CNN with {'-'.join(str(c) for c in self.channels)} channels and "
                f"{self.hidden} hidden units")

    def config(self):
        """What :func:`build_model` needs to rebuild this network (saved with ``--save``)."""
        return {"model": "cnn", "channels": list(self.channels), "hidden": self.hidden}


def build_model(config):
    """The :class:`MLP` or :class:`CNN` described by the ``config`` dict stored in a checkpoint."""
    if config.get("model") == "cnn":
        return CNN(config["channels"], config["hidden"])
    return MLP(config["sizes"], config["activation"])


class ModelFileError(ValueError):
    """A file that is not a usable model saved by ``mnist.py --save``; the message is one line."""


def load_model(path):
    """Rebuild the MLP or CNN that ``mnist.py --save`` wrote to ``path``, checked to map 28x28 =
    784 pixels to 10 classes; returns ``(model in eval mode, checkpoint dict)``. The one loader
    for ``predict.py`` and ``serve.py --model``. Raises :class:`ModelFileError` (one line) for a
    checkpoint that is not such a model, ``CheckpointError`` for a file that is not a checkpoint
    and OSError for an unreadable one."""
    checkpoint = tg.load(path)
    if not isinstance(checkpoint, dict) or "model" not in checkpoint or "config" not in checkpoint:
        raise ModelFileError(f"{path} is a checkpoint but not one written by mnist.py --save "
                             f"(it needs 'model' and 'config' entries)")
    try:
        model = build_model(checkpoint["config"])
        result = model.load_state_dict(checkpoint["model"])
        if result.missing_keys or result.unexpected_keys:  # load_state_dict is strict; belt and braces
            raise ValueError(f"missing {result.missing_keys}, unexpected {result.unexpected_keys}")
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError) as err:
        raise ModelFileError(f"{path}: cannot rebuild the model: {one_line(err)}") from None
    try:
        with tg.no_grad():
            shape = tuple(model.eval()(tg.zeros(1, 784)).shape)
    except (ValueError, RuntimeError) as err:
        raise ModelFileError(f"{path}: the model does not take 28x28 = 784 pixels: "
                             f"{one_line(err)}") from None
    if shape != (1, 10):
        raise ModelFileError(f"{path}: the model maps one image to outputs of shape {shape}, "
                             f"not to the 10 classes")
    return model, checkpoint


def output_activation(activation):
    """The output layer's activation used by the quadratic cost: sigmoid for sigmoid networks
    (as in Nielsen's book), softmax otherwise."""
    return "sigmoid" if activation == "sigmoid" else "softmax"


def quadratic_cost(logits, labels, activation):
    """Nielsen's quadratic cost C = ½·Σ_classes (a - y)², averaged over the batch, where a is
    the output activation (see :func:`output_activation`) and y the one-hot label. This scaling is
    the one his learning rate 3.0 is calibrated for; it is 5× ``F.mse_loss`` (which averages over
    the 10 classes too)."""
    a = logits.sigmoid() if output_activation(activation) == "sigmoid" else logits.softmax(1)
    target = F.one_hot(labels, logits.shape[1]).to(logits.dtype)
    return F.mse_loss(a, target, reduction="sum") * (0.5 / logits.shape[0])


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------

def _number(convert, valid, expected):
    """An argparse type: ``convert`` the text, and refuse it unless ``valid(value)``."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not valid(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value
    return parse


positive_int = _number(int, lambda v: v >= 1, "a positive integer")
positive_float = _number(float, lambda v: v > 0 and math.isfinite(v), "a positive number")
fraction = _number(float, lambda v: 0.0 <= v < 1.0, "a number in [0, 1)")


def hidden_sizes(text):
    """'256' -> [256]; '16,16' -> [16, 16]; '' or 'none' -> [] (softmax regression)."""
    if text.strip().lower() in ("", "none"):
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"expected comma-separated positive layer sizes like "
                                         f"'256' or '16,16', got {text!r}")
    return sizes


def parser():
    p = argparse.ArgumentParser(
        prog="mnist.py",
        description="Train a multilayer perceptron or a small CNN on MNIST or Fashion-MNIST "
                    "with tinygrad_lite. "
                    "A progress bar goes to stderr, per-epoch results to stdout, and the last "
                    "line on stdout is 'test accuracy: 0.XXXX'.",
        epilog="Loss functions: 'cross_entropy' is softmax cross-entropy on the logits, averaged "
               "over the batch. 'mse' is the quadratic cost of the classic from-scratch "
               "networks: C = 1/2 * sum over the 10 outputs of (a - y)^2, averaged over the "
               "batch, where y is the one-hot label and a is the output activation: sigmoid for "
               "--activation sigmoid (Nielsen's network), softmax otherwise. With that scaling "
               "Nielsen's --lr 3.0 works as in his book. A --batch-size as large as the "
               "training set (60000) is full-batch gradient descent; --batch-size 1 is "
               "per-sample SGD.")
    p.add_argument("--data-dir", default=None,
                   help="directory holding the four IDX files (or its MNIST/ or FashionMNIST/ "
                        "subfolder); default $TINYGRAD_LITE_DATA or ~/.cache/tinygrad_lite. "
                        "Missing files are downloaded unless --no-download")
    p.add_argument("--no-download", action="store_true",
                   help="fail instead of downloading missing data files")
    p.add_argument("--dataset", choices=sorted(DATASETS), default="mnist",
                   help="which dataset (default: %(default)s)")
    p.add_argument("--model", choices=("mlp", "cnn"), default="mlp",
                   help="network: the MLP of --hidden/--activation/--init, or the small CNN "
                        "(default: %(default)s)")
    p.add_argument("--epochs", type=positive_int, default=None,
                   help="passes over the training set (default: 10 for the MLP, 3 for the CNN)")
    p.add_argument("--batch-size", type=positive_int, default=128,
                   help="samples per gradient step (default: %(default)s)")
    p.add_argument("--lr", type=positive_float, default=None,
                   help="learning rate (default: 0.1 for sgd; for adam 1e-3 with the MLP, 3e-3 "
                        "with the CNN)")
    p.add_argument("--optimizer", choices=("sgd", "adam"), default="adam",
                   help="optimizer (default: %(default)s)")
    p.add_argument("--lr-schedule", choices=("constant", "cosine"), default="cosine",
                   help="anneal the learning rate to 0 along half a cosine over the whole run, "
                        "step by step, or keep it constant (default: %(default)s)")
    p.add_argument("--momentum", type=fraction, default=0.0,
                   help="SGD momentum (default: %(default)s, plain SGD)")
    p.add_argument("--hidden", type=hidden_sizes, default=None, metavar="SIZES",
                   help="MLP hidden layer sizes, comma-separated, e.g. 256 or 16,16; 'none' for "
                        "softmax regression (default: 512,256)")
    p.add_argument("--activation", choices=ACTIVATIONS, default=None,
                   help="MLP hidden-layer activation (default: relu; leaky_relu has slope 0.01)")
    p.add_argument("--loss", choices=("cross_entropy", "mse"), default="cross_entropy",
                   help="cost function, see below (default: %(default)s)")
    p.add_argument("--init", choices=("he", "xavier", "default"), default=None,
                   help="MLP weight initialisation (default: he): he = N(0, gain^2/fan_in), xavier = "
                        "N(0, gain^2*2/(fan_in+fan_out)), gain from the activation, zero biases; "
                        "default = nn.Linear's U(+-1/sqrt(fan_in))")
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                   help="shift each training image randomly by up to 2 pixels in each "
                        "direction, anew every epoch (default: on for the MLP, off for the CNN)")
    p.add_argument("--target-accuracy", type=fraction, default=None, metavar="X",
                   help="stop after the first epoch whose test accuracy exceeds X")
    p.add_argument("--save", default=None, metavar="PATH",
                   help="save the trained weights and model config (for predict.py) to PATH")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return p


# ---------------------------------------------------------------------------------------------
# training
# ---------------------------------------------------------------------------------------------

class Progress:
    """A one-line progress bar on stderr, redrawn with ``\\r`` at most every ``interval`` s."""

    def __init__(self, label, total, unit="batch", enabled=True, interval=0.1):
        self.label, self.total, self.unit = label, total, unit
        self.enabled, self.interval = enabled, interval
        self.start = self.last = time.perf_counter()
        self.width = 0

    def update(self, done, loss):
        now = time.perf_counter()
        if not self.enabled or (now - self.last < self.interval and done < self.total):
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        eta = (self.total - done) / rate
        filled = done * 20 // self.total
        text = (f"{self.label} [{'#' * filled}{'.' * (20 - filled)}] {done}/{self.total} "
                f"{rate:.1f} {self.unit}/s ETA {format_seconds(eta)} loss {loss:.4f}")
        sys.stderr.write("\r" + text.ljust(self.width))
        sys.stderr.flush()
        self.width = len(text)

    def clear(self):
        """Blank the bar so the next line starts clean."""
        if self.enabled and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
            self.width = 0


def format_seconds(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds < 3600 else \
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@tg.no_grad()
def accuracy(model, images, labels, batch_size=2000):
    """Fraction of ``images`` (N, 784) whose largest logit is at the true label."""
    model.eval()
    correct = 0
    for start in range(0, len(images), batch_size):
        logits = model(tg.Tensor(images[start:start + batch_size]))
        correct += int((logits.numpy().argmax(1) == labels[start:start + batch_size]).sum())
    return correct / len(images)


def load_data(args):
    """(train X, train y, test X, test y) as NumPy arrays, X float32 in [0, 1] of shape (N, 784)."""
    dataset = DATASETS[args.dataset]
    splits = []
    for train in (True, False):
        ds = dataset(root=args.data_dir, train=train, download=not args.no_download)
        if len(ds) == 0:
            raise DatasetError(f"{ds.paths[0]} holds no images: the {'training' if train else 'test'} "
                               f"split is empty")
        splits += [ds.images.reshape(len(ds), -1).astype(np.float32) / np.float32(255), ds.labels]
    return splits


def save_path_problem(path):
    """Why the model could not be saved to ``path`` (checked before training), or None."""
    if path.lower().endswith(".safetensors"):
        return (f"cannot save to {path}: --save writes a .npz checkpoint (the weights plus the "
                f"model's config for predict.py); for PyTorch, save model.state_dict() to a "
                f".safetensors file with tinygrad_lite.save")
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if os.path.isdir(target):
        return f"cannot save to {path}: it is a directory"
    if not os.path.isdir(directory):
        return f"cannot save to {path}: directory {directory} does not exist"
    try:  # the only sure test: create (and remove) a file there, as the save will
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".mnist-save-check-"):
            pass
    except OSError as err:
        return f"cannot save to {path}: cannot create files in {directory} ({err.strerror or err})"
    return None


def make_optimizer(args, params):
    if args.optimizer == "adam":
        default = 3e-3 if args.model == "cnn" else 1e-3
        return optim.Adam(params, lr=args.lr if args.lr is not None else default)
    return optim.SGD(params, lr=args.lr if args.lr is not None else 0.1, momentum=args.momentum)


def train(args):
    """Run the whole experiment described by ``args``; returns the final test accuracy."""
    tg.manual_seed(args.seed)
    x_train, y_train, x_test, y_test = load_data(args)
    if args.model == "cnn":
        model = CNN()
    else:
        model = MLP([x_train.shape[1], *args.hidden, 10], args.activation).init_weights(args.init)
    optimizer = make_optimizer(args, model.parameters())
    if args.batch_size >= len(x_train) and not args.augment:  # full batch: no copy per epoch
        loader = [(tg.Tensor(x_train), tg.Tensor(y_train))]
    else:
        loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size,
                            shuffle=args.batch_size < len(x_train),
                            transform=random_shift if args.augment else None)
    if args.loss == "mse":
        def criterion(logits, labels):
            return quadratic_cost(logits, labels, args.activation)
    else:
        criterion = F.cross_entropy

    print(f"{args.dataset}: {len(x_train)} training, {len(x_test)} test images; "
          f"{model.describe()}, {args.loss}, {args.optimizer}, batch {args.batch_size}",
          flush=True)
    steps = len(loader)
    schedule = (optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * steps)
                if args.lr_schedule == "cosine" else None)
    # Full-batch gradient descent takes one step per epoch: its bar counts epochs, and it
    # reports every few epochs (about 20 lines in all) instead of every one.
    show = not args.no_progress
    run_bar = Progress("training", args.epochs, "epoch", show) if steps == 1 else None
    report_every = 1 if steps > 1 else max(1, args.epochs // 20)
    run_start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        bar = run_bar or Progress(f"epoch {epoch}/{args.epochs}", steps, "batch", show)
        total_loss, start = 0.0, time.perf_counter()
        for step, (images, labels) in enumerate(loader, 1):
            loss = criterion(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
            total_loss += loss.item()
            if run_bar is None:
                bar.update(step, total_loss / step)
        if run_bar is not None:
            run_bar.update(epoch, total_loss)
        report = epoch % report_every == 0 or epoch == args.epochs
        if not (report or args.target_accuracy is not None):
            continue
        test_accuracy = accuracy(model, x_test, y_test)
        reached = args.target_accuracy is not None and test_accuracy > args.target_accuracy
        if report or reached:
            bar.clear()
            now = time.perf_counter()
            print(f"epoch {epoch}/{args.epochs}: loss {total_loss / steps:.4f}, test accuracy "
                  f"{test_accuracy:.4f} ({now - start:.1f} s, {now - run_start:.1f} s in all)",
                  flush=True)
        if reached:
            print(f"test accuracy {test_accuracy:.4f} exceeds the target {args.target_accuracy}; "
                  f"stopping after epoch {epoch}", flush=True)
            break
    if run_bar is not None:
        run_bar.clear()
    if args.save:
        tg.save({"model": model.state_dict(), "config": model.config(), "dataset": args.dataset,
                 "test_accuracy": test_accuracy}, args.save)
        print(f"saved the model to {args.save}", flush=True)
    return test_accuracy


def one_line(text):
    """``text`` with its lines joined by spaces, for a one-line error message."""
    return " ".join(line.strip() for line in str(text).splitlines() if line.strip())


def data_error_line(err, data_dir):
    """A one-line summary of a data-loading error. For missing files: which mirrors were tried
    and why they failed, the dataset's four file names and the ways to supply them by hand."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    text = lines[0] if lines else type(err).__name__
    if not isinstance(err, DownloadError):
        return text
    text = text.replace("download=False was given", "--no-download was given").rstrip(":")
    reasons = {}
    for url, reason in err.failures:
        mirror = next((m for m in err.mirrors if url.startswith(m)), url)
        reasons.setdefault(mirror, reason)
    if reasons:
        text += "; tried " + ", ".join(f"{m} ({r})" for m, r in reasons.items())
    directory = err.directory or data_root(data_dir)
    files = list(err.files)
    names = (", ".join(files[:-1]) + " and " + files[-1]) if len(files) > 1 else \
        (files[0] if files else "the four IDX files")
    return (f"{text}. To supply the files by hand, put {names} (gzip-compressed as published, or "
            f"uncompressed without .gz) in {directory}, or pass --data-dir DIR or set "
            f"TINYGRAD_LITE_DATA=DIR for a directory DIR holding them")


def main(argv=None):
    cli = parser()
    args = cli.parse_args(argv)
    keep_freed_memory()  # reuse the memory each step frees (see tinygrad_lite/allocator.py)
    if args.momentum and args.optimizer != "sgd":
        cli.error("--momentum applies to --optimizer sgd only")
    mlp_only = {"--hidden": args.hidden, "--activation": args.activation, "--init": args.init}
    if args.model == "cnn" and any(v is not None for v in mlp_only.values()):
        cli.error(f"{', '.join(k for k, v in mlp_only.items() if v is not None)}: "
                  f"for --model mlp only")
    cnn = args.model == "cnn"
    for name, default in (("hidden", [512, 256]), ("activation", "relu"), ("init", "he"),
                          ("epochs", 3 if cnn else 10), ("augment", not cnn)):
        if getattr(args, name) is None:
            setattr(args, name, default)
    problem = args.save and save_path_problem(args.save)
    if problem:
        print(f"mnist.py: error: {problem}", file=sys.stderr)
        return 1
    try:
        test_accuracy = train(args)
    except (DownloadError, DatasetError, IDXError) as err:
        print(f"mnist.py: error: {data_error_line(err, args.data_dir)}", file=sys.stderr)
        return 1
    except OSError as err:  # unreadable data files, unwritable --save path, ...
        print(f"mnist.py: error: {one_line(err)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nmnist.py: interrupted", file=sys.stderr)
        return 130
    print(f"test accuracy: {test_accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
