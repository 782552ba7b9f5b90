"""The DataLoader, which batches a dataset into Tensors, and its collate functions, as in
``torch.utils.data``.

Batches are made in this process: ``num_workers`` and the other multiprocessing options are
accepted and change nothing. A dataset exposing ``.arrays`` (a tuple of equal-length NumPy
arrays, as :class:`TensorDataset` and ``MNIST`` do) with the default ``collate_fn`` is batched
with one fancy index per array per batch (the same values ``default_collate`` would build from
the samples), also through :class:`Subset` s of it (``random_split``); any other dataset is read
sample by sample and collated.

>>> from tinygrad_lite.data import TensorDataset
>>> ds = TensorDataset(np.zeros((10, 3), np.float32), np.arange(10))
>>> [tuple(t.shape for t in batch) for batch in DataLoader(ds, batch_size=4)]
[(torch.Size([4, 3]), torch.Size([4])), (torch.Size([4, 3]), torch.Size([4])), (torch.Size([2, 3]), torch.Size([2]))]
"""
import collections.abc

import numpy as np

from ..arguments import ShapeError
from ..creation import from_numpy
from ..ops.shape import stack
from ..tensor import Tensor
from .dataset import IterableDataset, Subset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

_COLLATE_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                  "lists; found {}")


def _is_namedtuple(value):
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _numpy_strings(array):
    return array.dtype.kind in "SaUO"


def _stack_arrays(arrays):
    shapes = sorted({a.shape for a in arrays})
    if len(shapes) > 1:
        raise ShapeError(f"default_collate: cannot stack samples of different shapes {shapes}")
    return from_numpy(np.stack(arrays))


def default_collate(batch):
    """Merge a list of samples into a batch, as PyTorch does: Tensors and NumPy arrays are stacked
    along a new first dimension, Python floats give a float64 Tensor and ints an int64 one,
    strings stay a list, and dicts, namedtuples, tuples and lists are collated field by field
    (a tuple sample gives a list of fields).

    >>> default_collate([(np.ones(2), 1), (np.zeros(2), 2)])
    [tensor([[1., 1.],
            [0., 0.]], dtype=float64), tensor([1, 2])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        if any(t.requires_grad for t in batch):
            return stack(list(batch))
        return _stack_arrays([t.numpy() for t in batch])
    if isinstance(elem, np.ndarray):
        if _numpy_strings(elem):
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return _stack_arrays([np.asarray(a) for a in batch])
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        if _numpy_strings(np.asarray(elem)):
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return from_numpy(np.array(batch))
    if isinstance(elem, float):
        return from_numpy(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):  # bools included: a bool tensor
        return Tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            return type(elem)(collated)
        except TypeError:
            return collated
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(field) for field in zip(*batch)]
        if isinstance(elem, tuple):
            return fields
        try:
            return type(elem)(fields)
        except TypeError:
            return fields
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


def default_convert(data):
    """Turn NumPy arrays and scalars inside ``data`` (a sample) into Tensors, keeping its
    structure (a tuple becomes a list); the collate function when ``batch_size=None``.

    >>> default_convert((np.arange(2), "label"))
    [tensor([0, 1]), 'label']
    """
    if isinstance(data, np.ndarray) and not _numpy_strings(data):
        return from_numpy(data)
    if isinstance(data, np.generic) and not _numpy_strings(np.asarray(data)):
        return from_numpy(np.asarray(data))
    if isinstance(data, (Tensor, str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(value) for key, value in data.items()}
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def get_worker_info():
    """None: batches are always made in the main process here."""
    return None


class DataLoader:
    """Iterate over a dataset in batches of Tensors, with PyTorch's arguments.

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``) or an
            :class:`IterableDataset`.
        batch_size: samples per batch; None turns batching off (each sample is converted alone).
        shuffle: visit the samples in a new random order every epoch.
        sampler, batch_sampler: the order of the indices (or of whole batches), instead of
            ``shuffle``/``batch_size``.
        collate_fn: merges a list of samples into a batch (:func:`default_collate`).
        drop_last: skip the final batch when it is smaller than ``batch_size``.
        generator: the ``numpy.random.Generator`` of the default random sampler.
        num_workers, pin_memory, timeout, worker_init_fn, multiprocessing_context,
            prefetch_factor, persistent_workers, pin_memory_device, in_order: checked as PyTorch
            does and otherwise ignored (loading runs in this process).
        seed: (tinygrad_lite) a seed for the default random sampler's own generator, making its
            sequence of epoch orders reproducible.
        transform: (tinygrad_lite) a callable applied to each batch's first field (a NumPy array)
            before it is wrapped in a Tensor, e.g. augmentation with :func:`random_shift`.

    >>> from tinygrad_lite.data import TensorDataset
    >>> ds = TensorDataset(np.arange(10, dtype=np.float32), np.arange(10))
    >>> loader = DataLoader(ds, batch_size=4, shuffle=True, seed=0)
    >>> len(loader), sorted(int(i) for _, y in loader for i in y.numpy())
    (3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="", in_order=True,
                 seed=None, transform=None):
        _check_workers(num_workers, timeout, prefetch_factor, persistent_workers)
        if batch_size is not None and (isinstance(batch_size, bool)
                                       or not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
            raise ValueError(f"DataLoader: batch_size should be a positive integer value (or None), "
                             f"but got batch_size={batch_size!r}")
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be callable, got {type(transform).__name__}")
        if seed is not None:
            generator = np.random.default_rng(seed)
        self.dataset, self.num_workers, self.timeout = dataset, num_workers, timeout
        self.pin_memory = pin_memory
        self.worker_init_fn, self.prefetch_factor = worker_init_fn, prefetch_factor
        self.persistent_workers, self.generator, self.transform = persistent_workers, generator, transform
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            given = (("shuffle", shuffle or None), ("sampler", sampler), ("batch_sampler", batch_sampler))
            for name, value in given:
                if value is not None:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} "
                                     f"option, but got {name}={value!r}")
        elif sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive "
                             "with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last = None if batch_size is None else int(batch_size), drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self._auto_collation = batch_sampler is not None or (self._iterable and batch_size is not None)
        self.collate_fn = collate_fn or (default_collate if self._auto_collation else default_convert)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)  # a TypeError for a dataset without __len__, as in PyTorch
            if self.batch_size is None:
                return n
            full, rest = divmod(n, self.batch_size)
            return full if self.drop_last or rest == 0 else full + 1
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self):
        if self._iterable:
            batches = self._stream()
        elif self.batch_sampler is None:
            batches = (self.collate_fn(self.dataset[i]) for i in self.sampler)
        else:
            batches = self._batches()
        return batches if self.transform is None else map(self._transformed, batches)

    def _stream(self):
        if self.batch_size is None:
            yield from map(self.collate_fn, self.dataset)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def _batches(self):
        bs, (arrays, rows) = self.batch_sampler, _array_source(self.dataset)
        fast = type(bs) is BatchSampler and type(bs.sampler) in (SequentialSampler, RandomSampler)
        indices = bs._batches() if fast else bs  # one array of the epoch's order, sliced
        if arrays is not None and self.collate_fn is default_collate:
            for idx in indices:  # one fancy index per array per batch: fresh arrays
                idx = np.asarray(idx, dtype=np.int64)
                idx = idx if rows is None else rows[idx]
                yield [from_numpy(np.asarray(a[idx])) for a in arrays]
            return
        fetch = getattr(self.dataset, "__getitems__", None)
        for idx in indices:
            idx = idx.tolist() if isinstance(idx, np.ndarray) else idx
            yield self.collate_fn(fetch(idx) if fetch else [self.dataset[i] for i in idx])

    def _transformed(self, batch):
        first = batch[0] if isinstance(batch, (list, tuple)) else batch
        data = from_numpy(np.asarray(self.transform(first.numpy())))
        if not isinstance(batch, (list, tuple)):
            return data
        return [data, *batch[1:]] if isinstance(batch, list) else (data, *batch[1:])


def _array_source(dataset):
    """``(arrays, rows)`` when the samples of ``dataset`` are rows of NumPy arrays: the
    dataset's ``.arrays``, reached through any number of :class:`Subset` s whose indices
    compose into ``rows`` (None: the identity); ``(None, None)`` otherwise."""
    rows = None
    while type(dataset) is Subset:  # a subclass may change __getitem__: read it sample by sample
        indices = np.asarray(dataset.indices, dtype=np.int64)
        rows = indices if rows is None else indices[rows]
        dataset = dataset.dataset
    arrays = getattr(dataset, "arrays", None)
    return (None, None) if arrays is None else (arrays, rows)


def _check_workers(num_workers, timeout, prefetch_factor, persistent_workers):
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                         "multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing. let "
                         "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
