"""Datasets, as in ``torch.utils.data``: map-style (``__getitem__`` and ``__len__``), iterable
(``__iter__``), and the ways to combine them: ``Subset``, ``ConcatDataset`` (also ``a + b``),
``ChainDataset`` and ``random_split``.

>>> import numpy as np
>>> ds = TensorDataset(np.zeros((10, 3), np.float32), np.arange(10))
>>> train, val = random_split(ds, [0.8, 0.2], generator=np.random.default_rng(0))
>>> len(train), len(val), len(train + val)
(8, 2, 10)
"""
import bisect
import itertools
import math
import warnings

import numpy as np

from ..tensor import Tensor
from .sampler import numpy_generator

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "ChainDataset",
           "random_split"]


def _as_array(value):
    """The NumPy array behind a Tensor, or ``np.asarray(value)`` for anything else."""
    return value.numpy() if isinstance(value, Tensor) else np.asarray(value)


class Dataset:
    """Base class of map-style datasets: subclasses define ``__getitem__`` and ``__len__``.

    ``dataset[i]`` returns one sample, either a single value or a tuple of fields.

    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 5
    ...     def __getitem__(self, i):
    ...         return float(i), i * i
    >>> Squares()[3]
    (3.0, 9)
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """A dataset of equal-length arrays (NumPy arrays, Tensors or array-likes), indexed together.

    ``ds[i]`` is the tuple of the ``i``-th row of each array, as Tensors sharing the memory;
    ``ds.arrays`` holds the NumPy arrays themselves (``ds.tensors`` as Tensors), which lets
    :class:`DataLoader` gather a whole batch in one step.

    >>> ds = TensorDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 0]))
    >>> len(ds), ds[1][0]
    (3, tensor([2, 3]))
    """

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        self.arrays = tuple(_as_array(a) for a in arrays)
        for position, array in enumerate(self.arrays):
            if array.ndim == 0:
                raise ValueError(f"TensorDataset: argument {position} is a scalar; every argument "
                                 "needs a first dimension to index samples along")
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) > 1:
            raise ValueError("TensorDataset: all arrays must have the same length (first dimension), "
                             f"got lengths {lengths}")

    @property
    def tensors(self):
        return tuple(Tensor._wrap(a) for a in self.arrays)

    def __getitem__(self, index):
        return tuple(Tensor._wrap(np.asarray(a[index])) for a in self.arrays)

    def __len__(self):
        return len(self.arrays[0])


class IterableDataset(Dataset):
    """Base class of datasets read as a stream: subclasses define ``__iter__``. A DataLoader
    batches what the iterator yields, in order (no sampler, no shuffling).

    >>> class Count(IterableDataset):
    ...     def __iter__(self):
    ...         return iter(range(3))
    >>> list(Count() + Count())
    [0, 1, 2, 0, 1, 2]
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __len__(self):  # a TypeError, so that len() and list() treat it as having no length
        raise TypeError(f"{type(self).__name__} (an IterableDataset) has no len()")

    def __add__(self, other):
        return ChainDataset([self, other])


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    >>> Subset(TensorDataset(np.arange(5)), [4, 0])[0]
    (tensor(4),)
    """

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """Map-style datasets one after another: index ``len(a)`` is ``b[0]``.

    >>> ds = ConcatDataset([TensorDataset(np.arange(2)), TensorDataset(np.arange(10, 13))])
    >>> len(ds), ds[3]
    (5, (tensor(11),))
    """

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        if which == len(self.datasets):
            raise IndexError(f"index {idx} is out of range for a ConcatDataset of length {len(self)}")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another (what ``a + b`` gives for iterable datasets).

    >>> class Two(IterableDataset):
    ...     def __iter__(self):
    ...         return iter("ab")
    >>> list(ChainDataset([Two(), Two()]))
    ['a', 'b', 'a', 'b']
    """

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        return sum(len(d) for d in self.datasets)


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` into non-overlapping random :class:`Subset` s of the given ``lengths``
    (counts summing to ``len(dataset)``, or fractions summing to 1: the remainder of the floors
    goes one by one to the first splits). ``generator`` is a ``numpy.random.Generator``.

    >>> [len(s) for s in random_split(range(10), [0.33, 0.33, 0.34])]
    [4, 3, 3]
    """
    lengths = list(lengths)
    total = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(total * fraction)))
        for i in range(total - sum(counts)):
            counts[i % len(counts)] += 1
        for i, n in enumerate(counts):
            if n == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty "
                              f"dataset.", UserWarning, stacklevel=2)
        lengths = counts
    if sum(lengths) != total:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = numpy_generator(generator).permutation(total).tolist()
    return [Subset(dataset, order[end - n:end]) for end, n in zip(itertools.accumulate(lengths), lengths)]
