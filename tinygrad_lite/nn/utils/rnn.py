"""Utilities for batches of sequences of different lengths (``torch.nn.utils.rnn``).

>>> pad_sequence([tg.tensor([1, 2, 3]), tg.tensor([4])], batch_first=True)
tensor([[1, 2, 3],
        [4, 0, 0]])
"""
import numpy as np

from ...arguments import ShapeError
from ...ops.shape import pad, stack

__all__ = ["pad_sequence", "unpad_sequence"]


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of shape ``(L_i, *)`` into ``(max L, B, *)`` (``(B, max L, *)`` with
    ``batch_first``), padding each with ``padding_value`` on ``padding_side`` ("right" or
    "left"). The result has the first sequence's dtype; it is differentiable."""
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if any(s.ndim == 0 for s in sequences):
        raise RuntimeError("pad_sequence: every sequence needs a first (time) dimension; got a 0-d tensor")
    trailing = {s.shape[1:] for s in sequences}
    if len(trailing) > 1:
        raise ShapeError(f"pad_sequence: the sequences' dimensions after the first must match, got "
                         f"{sorted(trailing)}")
    dtype, longest = sequences[0].dtype, max(s.shape[0] for s in sequences)
    if dtype.kind in "iu" and not np.iinfo(dtype).min <= padding_value <= np.iinfo(dtype).max:
        raise RuntimeError(f"pad_sequence: padding_value {padding_value} cannot be converted to "
                           f"type {dtype} without overflow")
    padded = []
    for s in sequences:
        s = s if s.dtype == dtype else s.to(dtype)
        extra = longest - s.shape[0]
        widths = (extra, 0) if padding_side == "left" else (0, extra)
        padded.append(pad(s, (0, 0) * (s.ndim - 1) + widths, value=padding_value) if extra else s)
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The inverse of :func:`pad_sequence` (right padding): the list of sequences, each cut to
    its length in ``lengths``. Unlike PyTorch's, it leaves ``padded_sequences`` as it is (PyTorch
    transposes it in place when ``batch_first`` is False).

    >>> [s.tolist() for s in unpad_sequence(tg.tensor([[1, 2], [3, 0]]), tg.tensor([2, 1]), True)]
    [[1, 2], [3]]
    """
    batch = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(batch, lengths)]

