"""Random image augmentation for batches of greyscale images, vectorized over the batch.

Both functions take a batch shaped ``(N, H, W)`` or flattened ``(N, H*W)`` with square images
(MNIST's ``(N, 784)``), return a new array of the same shape and dtype, and fill pixels that
come from outside the image with zeros. Randomness comes from ``rng`` (a
``numpy.random.Generator`` or a seed), by default the global generator seeded by
``tinygrad_lite.manual_seed``. They plug into ``DataLoader(transform=...)``:

>>> loader = DataLoader(train_set, batch_size=64, shuffle=True,              # doctest: +SKIP
...                     transform=lambda x: random_rotate(random_shift(x)))
"""
import math
from numbers import Real

import numpy as np

from ..rng import generator

__all__ = ["random_shift", "random_rotate"]


def _generator(rng):
    if rng is None:
        return generator()
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def _as_batch(images, caller):
    """View ``images`` as ``(N, H, W)``; also return the original shape to restore."""
    images = np.asarray(images)
    if images.ndim == 3:
        return images, images.shape
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side == images.shape[1]:
            return images.reshape(len(images), side, side), images.shape
    raise ValueError(f"{caller}: expected a batch of images shaped (N, H, W) or flattened square "
                     f"images (N, H*W), got shape {images.shape}")


def random_shift(images, max_shift=2, rng=None):
    """Shift each image by its own random whole number of pixels, up to ``max_shift`` per axis.

    Vertical and horizontal shifts are drawn independently and uniformly from
    ``-max_shift..max_shift``; uncovered pixels become zero.

    >>> import numpy as np
    >>> batch = np.ones((2, 28, 28), dtype=np.uint8)
    >>> random_shift(batch, max_shift=2, rng=0).shape
    (2, 28, 28)
    """
    batch, shape = _as_batch(images, "random_shift")
    if isinstance(max_shift, bool) or not isinstance(max_shift, (int, np.integer)) or max_shift < 0:
        raise ValueError(f"random_shift: max_shift must be a non-negative integer, got {max_shift!r}")
    n, height, width = batch.shape
    dy, dx = _generator(rng).integers(-max_shift, max_shift + 1, size=(2, n))
    padded = np.pad(batch, ((0, 0), (max_shift, max_shift), (max_shift, max_shift)))
    rows = np.arange(height) + max_shift - dy[:, None]
    cols = np.arange(width) + max_shift - dx[:, None]
    shifted = padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return shifted.reshape(shape)


def _rotate(batch, radians, mode):
    """Rotate each ``(H, W)`` image of ``batch`` counter-clockwise by its angle about the centre."""
    n, height, width = batch.shape
    cos = np.cos(radians).astype(np.float32)[:, None, None]
    sin = np.sin(radians).astype(np.float32)[:, None, None]
    cy, cx = (height - 1) / 2, (width - 1) / 2
    y = np.arange(height, dtype=np.float32)[None, :, None] - cy
    x = np.arange(width, dtype=np.float32)[None, None, :] - cx
    # Each output pixel samples the input at its position rotated back by the angle.
    src_y = cos * y + sin * x + cy
    src_x = cos * x - sin * y + cx
    # Sample from a copy with a zero border: clipping an index to [-1, size] lands anything outside
    # the image on that border. Indices are flattened so each lookup is a single ``take``.
    padded = np.pad(batch, ((0, 0), (1, 1), (1, 1))).reshape(-1)
    stride = width + 2
    image_start = (np.arange(n) * (height + 2) * stride)[:, None, None]

    def rows(iy):
        return image_start + (np.clip(iy, -1, height) + 1) * stride

    def cols(ix):
        return np.clip(ix, -1, width) + 1

    if mode == "nearest":
        return padded.take(rows(np.rint(src_y).astype(np.intp)) + cols(np.rint(src_x).astype(np.intp)))
    y0, x0 = np.floor(src_y), np.floor(src_x)
    wy, wx = src_y - y0, src_x - x0
    y0, x0 = y0.astype(np.intp), x0.astype(np.intp)
    top, bottom, left, right = rows(y0), rows(y0 + 1), cols(x0), cols(x0 + 1)
    upper = padded.take(top + left) * (1 - wx) + padded.take(top + right) * wx
    lower = padded.take(bottom + left) * (1 - wx) + padded.take(bottom + right) * wx
    out = upper * (1 - wy) + lower * wy
    if np.issubdtype(batch.dtype, np.integer):
        limits = np.iinfo(batch.dtype)
        out = np.clip(np.rint(out), limits.min, limits.max)
    return out.astype(batch.dtype)


def random_rotate(images, max_degrees=10, rng=None, mode="bilinear"):
    """Rotate each image about its centre by its own random angle in ``[-max_degrees, max_degrees]``.

    ``mode`` is ``"bilinear"`` (smooth; integer images are rounded back to their dtype) or
    ``"nearest"``. Positive angles turn the image counter-clockwise.

    >>> import numpy as np
    >>> batch = np.zeros((4, 784), dtype=np.float32)
    >>> random_rotate(batch, max_degrees=15, rng=0).shape
    (4, 784)
    """
    batch, shape = _as_batch(images, "random_rotate")
    if isinstance(max_degrees, bool) or not isinstance(max_degrees, Real) or not max_degrees >= 0:
        raise ValueError(f"random_rotate: max_degrees must be a non-negative number, got {max_degrees!r}")
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"random_rotate: mode must be 'bilinear' or 'nearest', got {mode!r}")
    degrees = _generator(rng).uniform(-max_degrees, max_degrees, size=len(batch))
    return _rotate(batch, np.deg2rad(degrees), mode).reshape(shape)
