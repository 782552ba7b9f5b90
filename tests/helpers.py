"""Shared helpers for the tests: seeded float64 inputs kept away from kinks, Hypothesis
strategies for small shapes and reduction dims, and where the real MNIST files are."""
import os
from pathlib import Path

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_lite as tg
from tinygrad_lite import Tensor

seeds = st.integers(0, 2 ** 32 - 1)
sides = st.integers(1, 4)


def shapes(min_dims=0, max_dims=3, max_side=4):
    """Small shapes: gradcheck does two forward passes per input element."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def leaf(array, dtype=np.float64):
    """A contiguous leaf tensor that requires grad (a fresh copy of ``array``)."""
    return Tensor(np.array(array, dtype=dtype, order="C"), requires_grad=True)


def rng_of(seed):
    return np.random.default_rng(seed)


def const(array, dtype=np.float64):
    """A tensor that does not require grad (always an ndarray, also for shape ())."""
    return Tensor(np.array(array, dtype=dtype, order="C"))


def uniform(seed, shape, lo=-2.0, hi=2.0):
    return np.asarray(rng_of(seed).uniform(lo, hi, shape), dtype=np.float64)


def positive(seed, shape, lo=0.5, hi=2.0):
    return uniform(seed, shape, lo, hi)


def away(seed, shape, points=(0.0,), gap=0.1, lo=-2.0, hi=2.0):
    """Uniform values at least ``gap`` from every point in ``points`` (kinks of abs, relu, clamp)."""
    rng = rng_of(seed)
    x = rng.uniform(lo, hi, shape)
    while True:
        bad = np.zeros(np.shape(x), bool)
        for p in points:
            bad |= np.abs(x - p) < gap
        if not bad.any():
            return x
        x = np.where(bad, rng.uniform(lo, hi, np.shape(x)), x)


def distinct(seed, shape, step=0.25):
    """Values at least ``step`` / 2 apart from each other, shuffled: no ties for max/min."""
    rng = rng_of(seed)
    n = int(np.prod(shape, dtype=int))
    v = (rng.permutation(n) - n / 2) * step + rng.uniform(0, step / 2, n)
    return v.reshape(shape)


def interleaved(seed, shape, odd):
    """Values on a 0.2-grid (shifted by 0.1 when ``odd``) plus small noise: an 'even' and an 'odd'
    array never come within 0.05 of each other, so maximum/minimum have no ties."""
    rng = rng_of(seed)
    return np.asarray(0.2 * rng.integers(-5, 6, shape) + 0.1 * odd + rng.uniform(0, 0.05, shape))


def check(fn, *inputs, **kwargs):
    """gradcheck, asserting (gradcheck raises a GradcheckError naming the worst element)."""
    assert tg.gradcheck(fn, inputs, **kwargs)


@st.composite
def shape_and_dims(draw, min_dims=1, max_dims=3, allow_none=True, allow_tuple=True):
    """A shape and a ``dim`` argument for it: None, an int or a tuple of distinct ints, each
    possibly negative."""
    shape = draw(shapes(min_dims, max_dims))
    nd = len(shape)
    kinds = ["int"] + ["none"] * allow_none + ["tuple"] * allow_tuple
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return shape, None
    if kind == "int":
        return shape, draw(st.integers(-nd, nd - 1))
    dims = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
    negate = draw(st.lists(st.booleans(), min_size=len(dims), max_size=len(dims)))
    return shape, tuple(d - nd if n else d for d, n in zip(dims, negate))


def reduced_size(shape, dim):
    """The number of elements a reduction over ``dim`` combines."""
    if dim is None:
        return int(np.prod(shape, dtype=int))
    dims = (dim,) if isinstance(dim, int) else dim
    return int(np.prod([shape[d] for d in dims], dtype=int))


def np_axis(dim):
    return dim if dim is None or isinstance(dim, int) else tuple(dim)


MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def _holds_mnist(root):
    """Whether the data root ``root`` holds the four MNIST files where ``data.MNIST`` looks."""
    folders = (root / "MNIST", root, root / "MNIST" / "raw")
    return all(any((folder / (name + suffix)).is_file() for folder in folders
                   for suffix in (".gz", ""))
               for name in MNIST_FILES)


def real_mnist_root():
    """The data root holding the real MNIST files, found as the examples find them:
    ``$TINYGRAD_LITE_DATA``, else ``~/.cache/tinygrad_lite``; failing both, ``shared/data/mnist``
    beside the checkout (where this project's machines and CI keep a copy). None when none of
    them holds the four files: the tests that need them then skip (nothing is downloaded)."""
    candidates = [os.environ.get("TINYGRAD_LITE_DATA"),
                  os.path.join(os.path.expanduser("~"), ".cache", "tinygrad_lite"),
                  Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"]
    for candidate in candidates:
        if candidate and _holds_mnist(Path(candidate)):
            return Path(candidate)
    return None


NO_MNIST = ("the real MNIST files were not found: set TINYGRAD_LITE_DATA to a directory holding "
            "the four IDX files (or its MNIST/ folder) to run this test")
