#!/usr/bin/env python3
"""Classify images with a model saved by ``examples/mnist.py --save``.

For each image it prints the image as terminal art, the predicted class and the softmax
probability of every class:

    python examples/mnist.py --epochs 1 --save model.npz --data-dir /path/to/mnist
    python examples/predict.py model.npz --index 0 5 7 --data-dir /path/to/mnist
    python examples/predict.py model.npz --idx-file my-digits-idx3-ubyte
"""
import argparse
import importlib.util
import os
import sys

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(_HERE) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, os.path.dirname(_HERE))

import tinygrad_lite as tg  # noqa: E402
from tinygrad_lite.data import DatasetError, DownloadError, IDXError, read_idx  # noqa: E402
from tinygrad_lite.serialization import CheckpointError  # noqa: E402


def _load_training_script():
    """The sibling ``mnist.py`` as a module (it defines the model); loaded by path so no other
    module called ``mnist`` can shadow it."""
    spec = importlib.util.spec_from_file_location("_tinygrad_lite_mnist_example",
                                                  os.path.join(_HERE, "mnist.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mnist = _load_training_script()

RAMP = " .:-=+*#%@"  # darkest to brightest, one character per pixel


class UsageError(Exception):
    """A problem with the arguments or inputs, reported as one line."""


def ascii_art(image):
    """A 28x28 image (values in [0, 1]) as 28 lines of 28 characters from :data:`RAMP`."""
    levels = np.clip((np.asarray(image) * len(RAMP)).astype(int), 0, len(RAMP) - 1)
    return "\n".join("".join(RAMP[v] for v in row) for row in levels.reshape(28, 28))


def load_model(path):
    """Rebuild the network saved at ``path``; returns (model, checkpoint dict). A wrapper of
    ``mnist.load_model`` that reports problems as :class:`UsageError`."""
    try:
        return mnist.load_model(path)
    except mnist.ModelFileError as err:
        raise UsageError(str(err)) from None


def as_images(array, source):
    """``array`` as float32 images (N, 784) in [0, 1]: uint8 pixels are divided by 255."""
    if array.ndim == 2 and array.shape == (28, 28):
        array = array[None]
    if array.ndim == 3 and array.shape[1:] == (28, 28):
        array = array.reshape(len(array), 784)
    if array.ndim != 2 or array.shape[1] != 784:
        raise UsageError(f"{source}: expected 28x28 images shaped (N, 28, 28), (28, 28) or "
                         f"(N, 784), got shape {array.shape}")
    if len(array) == 0:
        raise UsageError(f"{source} holds no images")
    if array.dtype == np.uint8:
        return array.astype(np.float32) / np.float32(255)
    if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise UsageError(f"{source}: expected numeric pixels, got {array.dtype}")
    array = array.astype(np.float32)
    if not np.isfinite(array).all():
        raise UsageError(f"{source}: non-uint8 pixels must be finite numbers in [0, 1]; "
                         f"found NaN or infinity")
    if array.min() < 0 or array.max() > 1:
        raise UsageError(f"{source}: non-uint8 pixels must be finite numbers in [0, 1]; got "
                         f"values from {array.min()} to {array.max()}")
    return array


def pick(images, labels, indices, source):
    """The images (and labels, if known) at ``indices``; all of them when ``indices`` is None."""
    if indices is None:
        indices = list(range(len(images)))
    bad = [i for i in indices if not -len(images) <= i < len(images)]
    if bad:
        raise UsageError(f"index {bad[0]} is out of range: {source} has {len(images)} images "
                         f"(valid indices 0..{len(images) - 1})")
    chosen_labels = None if labels is None else [int(labels[i]) for i in indices]
    return indices, images[indices], chosen_labels


def parser():
    p = argparse.ArgumentParser(
        prog="predict.py",
        description="Classify images with a model saved by 'mnist.py --save': print each image "
                    "as terminal art, the predicted class and the softmax probability of each "
                    "class. Images come from the dataset's test split (--index) or an IDX file "
                    "(--idx-file).")
    p.add_argument("model", help="checkpoint written by mnist.py --save")
    p.add_argument("--index", type=int, nargs="+", default=None, metavar="N",
                   help="which images to classify (default: test image 0, or every image of "
                        "--idx-file)")
    p.add_argument("--idx-file", default=None, metavar="PATH",
                   help="classify images from this IDX file (uint8 (N, 28, 28) like MNIST's "
                        "image files, raw or .gz) instead of the test set")
    p.add_argument("--data-dir", default=None,
                   help="where the dataset's IDX files are (as for mnist.py); default "
                        "$TINYGRAD_LITE_DATA or ~/.cache/tinygrad_lite")
    p.add_argument("--no-download", action="store_true",
                   help="fail instead of downloading missing data files")
    p.add_argument("--dataset", choices=sorted(mnist.DATASETS), default=None,
                   help="whose test images and class names to use (default: the one the model "
                        "was trained on)")
    p.add_argument("--no-art", action="store_true", help="do not draw the images")
    return p


def predict(args):
    model, checkpoint = load_model(args.model)
    trained_on = checkpoint.get("dataset")
    if args.dataset is None:
        args.dataset = trained_on if trained_on in mnist.DATASETS else "mnist"
    dataset = mnist.DATASETS[args.dataset]
    if args.idx_file:
        source = args.idx_file
        images, labels = as_images(read_idx(args.idx_file), source), None
        indices = args.index
    else:
        test = dataset(root=args.data_dir, train=False, download=not args.no_download)
        source = f"the {dataset.__name__} test set"
        images, labels = as_images(test.images, source), test.labels
        indices = args.index if args.index is not None else [0]
    indices, images, labels = pick(images, labels, indices, source)

    with tg.no_grad():
        probabilities = model(tg.Tensor(images)).softmax(1).numpy()

    def name(c):
        return str(c) if dataset.classes[c] == str(c) else f"{c} ({dataset.classes[c]})"

    for k, (index, image, probs) in enumerate(zip(indices, images, probabilities)):
        guess = int(probs.argmax())
        truth = "" if labels is None else f", label {name(labels[k])}"
        if k:
            print()
        print(f"image {index} of {source}{truth}")
        if not args.no_art:
            print(ascii_art(image))
        print(f"predicted: {name(guess)} with probability {probs[guess]:.4f}")
        width = max(len(name(c)) for c in range(len(probs)))
        for c, p in enumerate(probs):
            print(f"  {name(c):<{width}} {p:.4f} {'#' * int(round(p * 40))}".rstrip())
    return 0


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return predict(args)
    except (UsageError, CheckpointError, IDXError, DatasetError) as err:
        message = str(err)
    except DownloadError as err:
        message = mnist.data_error_line(err, args.data_dir)
    except OSError as err:  # a missing checkpoint or IDX file, ...
        message = f"{err.strerror or err}: {err.filename}" if err.filename else str(err)
    print(f"predict.py: error: {mnist.one_line(message)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
