"""``tinygrad_lite.utils.data``, as ``torch.utils.data``: the datasets, samplers, collate
functions and DataLoader of :mod:`tinygrad_lite.data` under PyTorch's module path.

>>> from tinygrad_lite.utils.data import DataLoader, TensorDataset
>>> next(iter(DataLoader(TensorDataset(tg.arange(4)), batch_size=2)))
[tensor([0, 1])]
"""
from . import dataloader, dataset, sampler
from .dataloader import DataLoader, default_collate, default_convert, get_worker_info
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                      random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "ChainDataset",
           "random_split", "DataLoader", "default_collate", "default_convert", "get_worker_info",
           "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]
