"""Datasets and the DataLoader that batches them into Tensors.

>>> import numpy as np
>>> ds = TensorDataset(np.zeros((10, 3), np.float32), np.arange(10))
>>> [tuple(tuple(t.shape) for t in batch) for batch in DataLoader(ds, batch_size=4)]
[((4, 3), (4,)), ((4, 3), (4,)), ((2, 3), (2,))]
"""
import numpy as np

from ..rng import generator
from ..creation import from_numpy
from ..tensor import Tensor

__all__ = ["Dataset", "TensorDataset", "DataLoader"]


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


class TensorDataset(Dataset):
    """A dataset of equal-length arrays (NumPy arrays, Tensors or array-likes), indexed together.

    ``ds[i]`` is the tuple of the ``i``-th row of each array (NumPy values); ``ds.arrays`` holds
    the arrays themselves, which lets :class:`DataLoader` gather a whole batch in one step.

    >>> ds = TensorDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 0]))
    >>> len(ds), ds[1][0]
    (3, array([2, 3]))
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

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)

    def __len__(self):
        return len(self.arrays[0])


class DataLoader:
    """Iterate over a dataset in batches, yielding a tuple of Tensors per batch.

    Args:
        dataset: a :class:`Dataset` (anything with ``__len__`` and ``__getitem__``).
        batch_size: samples per batch; ``len(loader)`` is the number of batches.
        shuffle: visit the samples in a new random order every epoch.
        drop_last: skip the final batch when it is smaller than ``batch_size``.
        seed: seed of this loader's own random generator, making its sequence of epoch orders
            reproducible; without it the orders come from the global generator
            (``tinygrad_lite.manual_seed``).
        transform: a callable applied to each batch's first array (a NumPy array) before it is
            wrapped in a Tensor, e.g. augmentation with :func:`random_shift`.

    A dataset exposing ``.arrays`` (a tuple of equal-length arrays, as :class:`TensorDataset`
    and ``MNIST`` do) is batched with one fancy index per array per batch; any other dataset is
    read sample by sample and each field is stacked with ``np.stack``.

    >>> ds = TensorDataset(np.arange(10, dtype=np.float32), np.arange(10))
    >>> loader = DataLoader(ds, batch_size=4, shuffle=True, seed=0)
    >>> len(loader), sorted(int(i) for _, y in loader for i in y.numpy())
    (3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None, transform=None):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be callable, got {type(transform).__name__}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.transform = transform
        self._rng = None if seed is None else np.random.default_rng(seed)

    def __len__(self):
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full if self.drop_last or rest == 0 else full + 1

    def __iter__(self):
        count = len(self.dataset)
        if self.shuffle:
            rng = self._rng if self._rng is not None else generator()
            order = rng.permutation(count)
        else:
            order = np.arange(count)
        return self._batches(order)

    def _batches(self, order):
        arrays = getattr(self.dataset, "arrays", None)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            indices = order[start:start + self.batch_size]
            if arrays is not None:
                fields = [array[indices] for array in arrays]
            else:
                fields = self._collate(indices)
            if self.transform is not None:
                fields[0] = np.asarray(self.transform(fields[0]))
            yield tuple(map(from_numpy, fields))  # fields are fresh ndarrays

    def _collate(self, indices):
        """Fetch the samples one by one and stack each field into a batch array."""
        samples = [self.dataset[int(i)] for i in indices]
        is_tuple = isinstance(samples[0], (tuple, list))
        width = len(samples[0]) if is_tuple else 1
        rows = []
        for i, sample in zip(indices, samples):
            if isinstance(sample, (tuple, list)) != is_tuple or (is_tuple and len(sample) != width):
                raise ValueError(f"DataLoader: sample {i} of {type(self.dataset).__name__} has a different "
                                 f"structure from sample {indices[0]} ({width} fields expected)")
            rows.append([_as_array(v) for v in sample] if is_tuple else [_as_array(sample)])
        fields = []
        for k in range(width):
            column = [row[k] for row in rows]
            shapes = sorted({c.shape for c in column})
            if len(shapes) > 1:
                raise ValueError(f"DataLoader: cannot batch field {k} of {type(self.dataset).__name__}: "
                                 f"samples have different shapes {shapes}")
            fields.append(np.stack(column))
        return fields
