"""Data loading: IDX files, datasets, batching, MNIST / Fashion-MNIST and augmentation.

>>> from tinygrad_lite.data import MNIST, DataLoader, random_shift     # doctest: +SKIP
>>> loader = DataLoader(MNIST(train=True), batch_size=128, shuffle=True,  # doctest: +SKIP
...                     transform=random_shift)
>>> images, labels = next(iter(loader))                                # doctest: +SKIP
>>> images.shape, labels.shape                                         # doctest: +SKIP
((128, 28, 28), (128,))
"""
from .augment import random_rotate, random_shift
from .dataloader import DataLoader, default_collate, default_convert, get_worker_info
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                      random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)
from .idx import IDXError, read_idx, write_idx
from .mnist import MNIST, DatasetError, DownloadError, FashionMNIST, data_root, download

__all__ = [
    "read_idx", "write_idx", "IDXError",
    "Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "ChainDataset",
    "random_split", "DataLoader", "default_collate", "default_convert", "get_worker_info",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
    "BatchSampler",
    "MNIST", "FashionMNIST", "download", "data_root", "DownloadError", "DatasetError",
    "random_shift", "random_rotate",
]
