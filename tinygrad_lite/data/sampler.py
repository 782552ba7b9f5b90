"""Samplers: the order in which a :class:`DataLoader` visits a map-style dataset, as in
``torch.utils.data``. A sampler iterates over indices; :class:`BatchSampler` groups them into lists.

Random samplers draw from ``generator`` (a ``numpy.random.Generator``, e.g.
``np.random.default_rng(0)``), else from the global generator that ``tinygrad_lite.manual_seed``
seeds. Each computes a whole epoch's indices as one array (``_indices``), which the DataLoader
slices directly on its fast path.

>>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
[[0, 1], [2, 3], [4]]
"""
import numpy as np

from .. import rng

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


def numpy_generator(generator):
    """The ``numpy.random.Generator`` to draw from: that of ``generator`` (a
    ``tinygrad_lite.Generator``, or a NumPy Generator itself), or the global one's."""
    if isinstance(generator, np.random.Generator):
        return generator
    return rng.generator(generator)


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value!r}")
    return int(value)


class Sampler:
    """Base class: subclasses define ``__iter__`` (over dataset indices) and usually ``__len__``."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def _indices(self):
        """One epoch's indices as an int64 array, when the sampler can give them at once."""
        return np.fromiter(iter(self), dtype=np.int64)


class SequentialSampler(Sampler):
    """Indices ``0 .. len(data_source) - 1`` in order.

    >>> list(SequentialSampler("abc"))
    [0, 1, 2]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def _indices(self):
        return np.arange(len(self.data_source))

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """Random indices: a new permutation every epoch, or with ``replacement=True``
    ``num_samples`` independent draws. Without replacement, ``num_samples`` larger than the
    dataset chains permutations.

    >>> sorted(RandomSampler(range(4), generator=np.random.default_rng(0)))
    [0, 1, 2, 3]
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement!r}")
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        self._num_samples = num_samples
        _positive_int(self.num_samples, "num_samples")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _indices(self):
        n, count, g = len(self.data_source), self.num_samples, numpy_generator(self.generator)
        if self.replacement:
            return g.integers(0, n, count)
        rounds = [g.permutation(n) for _ in range(count // n)]
        if count % n:
            rounds.append(g.permutation(n)[:count % n])
        return rounds[0] if len(rounds) == 1 else np.concatenate(rounds)

    def __iter__(self):
        return iter(self._indices().tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order, a new one every epoch.

    >>> sorted(SubsetRandomSampler([5, 7, 9]))
    [5, 7, 9]
    """

    def __init__(self, indices, generator=None):
        self.indices, self.generator = indices, generator

    def _indices(self):
        order = numpy_generator(self.generator).permutation(len(self.indices))
        return np.asarray(self.indices, dtype=np.int64)[order] if len(order) else order

    def __iter__(self):
        return iter(self._indices().tolist())

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``.

    >>> list(WeightedRandomSampler([0.0, 1.0, 0.0], 3))
    [1, 1, 1]
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        _positive_int(num_samples, "num_samples")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement!r}")
        weights = np.asarray(weights.numpy() if hasattr(weights, "numpy") else weights, dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {weights.shape}")
        if weights.size == 0 or (weights < 0).any() or not np.isfinite(weights).all() or weights.sum() <= 0:
            raise RuntimeError("WeightedRandomSampler: weights must be finite, non-negative and have a "
                               "positive sum")
        if not replacement and num_samples > np.count_nonzero(weights):
            raise RuntimeError(f"WeightedRandomSampler: cannot draw {num_samples} samples without "
                               f"replacement from {np.count_nonzero(weights)} non-zero weights")
        self.weights, self.num_samples = weights, int(num_samples)
        self.replacement, self.generator = replacement, generator

    def _indices(self):
        g = numpy_generator(self.generator)
        p = self.weights / self.weights.sum()
        return g.choice(len(self.weights), self.num_samples, self.replacement, p)

    def __iter__(self):
        return iter(self._indices().tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size`` (the last one shorter
    unless ``drop_last``).

    >>> list(BatchSampler(range(5), 2, drop_last=True))
    [[0, 1], [2, 3]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        self.batch_size = _positive_int(batch_size, "batch_size")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler, self.drop_last = sampler, drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def _batches(self):
        """The batches as index arrays, sliced from one array of the epoch's indices."""
        order, size = self.sampler._indices(), self.batch_size
        stop = len(order) - len(order) % size if self.drop_last else len(order)
        return (order[start:start + size] for start in range(0, stop, size))

    def __len__(self):
        full, rest = divmod(len(self.sampler), self.batch_size)
        return full if self.drop_last or rest == 0 else full + 1
