"""tinygrad_lite.utils.data as torch.utils.data: datasets, samplers, collate functions and the
DataLoader's arguments, compared with PyTorch's where the result is deterministic."""
import collections

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import Tensor
from tinygrad_lite.utils import data as tud

torch = pytest.importorskip("torch")
import torch.utils.data as ref  # noqa: E402


def as_plain(value):
    """A framework-free form of a batch: arrays with their dtype name, containers as they are."""
    if isinstance(value, Tensor):
        return ("tensor", str(value.dtype), value.numpy().tolist())
    if isinstance(value, torch.Tensor):
        return ("tensor", str(value.dtype).replace("torch.", ""), value.numpy().tolist())
    if isinstance(value, dict):
        return {k: as_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [as_plain(v) for v in value])
    return value


Point = collections.namedtuple("Point", "x y")


SAMPLES = {
    "arrays": [(np.arange(3, dtype=np.float32) + i, i) for i in range(4)],
    "floats_and_strings": [(float(i), f"s{i}", True) for i in range(3)],
    "dicts": [{"a": np.array([i, i]), "b": [i, 2 * i]} for i in range(3)],
    "namedtuples": [Point(np.float64(i), np.int32(i)) for i in range(3)],
    "numpy_scalars": [np.float32(i) / 2 for i in range(3)],
}


@pytest.mark.parametrize("name", SAMPLES)
def test_default_collate_matches_torch(name):
    batch = SAMPLES[name]
    theirs = ref.default_collate(batch)
    mine = tud.default_collate(batch)
    if name == "namedtuples":
        assert type(mine) is Point and type(theirs) is Point
    assert as_plain(mine) == as_plain(theirs)


def test_default_collate_tensors_and_errors():
    stacked = tud.default_collate([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])])
    assert stacked.shape == (2, 2)
    x = Tensor([1.0], requires_grad=True)
    assert tud.default_collate([x, x * 2]).requires_grad  # stacking stays differentiable
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        tud.default_collate([object()])
    with pytest.raises(TypeError, match="default_collate"):
        tud.default_collate([np.array(["a"])])
    with pytest.raises(RuntimeError, match="equal size"):
        tud.default_collate([[1, 2], [1]])
    with pytest.raises(RuntimeError, match="different shapes"):
        tud.default_collate([np.zeros(2), np.zeros(3)])


def test_default_convert_matches_torch():
    sample = (np.arange(2), "x", {"k": np.float32(1)}, [np.zeros(1)])
    assert as_plain(tud.default_convert(sample)) == as_plain(ref.default_convert(sample))


class Squares(tud.Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return np.full(2, i, np.float32), i * i


class Stream(tud.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return ((np.float32(i), i) for i in range(self.n))


class TorchSquares(ref.Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return np.full(2, i, np.float32), i * i


class TorchStream(ref.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return ((np.float32(i), i) for i in range(self.n))


@pytest.mark.parametrize("kwargs", [
    {"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None},
    {"batch_size": 2, "num_workers": 0, "pin_memory": True},
    {"batch_size": 7}, {"batch_size": 10},
])
@pytest.mark.parametrize("kind", ["map", "iterable"])
def test_loader_batches_match_torch(kwargs, kind):
    mine = Squares() if kind == "map" else Stream(7)
    theirs = TorchSquares() if kind == "map" else TorchStream(7)
    got = [as_plain(b) for b in tud.DataLoader(mine, **kwargs)]
    expected = [as_plain(b) for b in ref.DataLoader(theirs, **kwargs)]
    assert got == expected
    if kind == "map":
        assert len(tud.DataLoader(mine, **kwargs)) == len(ref.DataLoader(theirs, **kwargs))


def test_tensor_dataset_fast_path_matches_torch():
    x, y = np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10)
    sampler = [9, 3, 3, 0, 5]
    for kwargs in ({"batch_size": 4}, {"batch_size": 2, "sampler": sampler}, {"batch_size": 3, "drop_last": True}):
        got = [as_plain(b) for b in tud.DataLoader(tud.TensorDataset(x, y), **kwargs)]
        expected = [as_plain(b) for b in ref.DataLoader(ref.TensorDataset(torch.tensor(x), torch.tensor(y)), **kwargs)]
        assert got == expected


def test_subsets_of_array_datasets_take_the_fast_path_with_the_same_batches(monkeypatch):
    ds = tud.TensorDataset(np.arange(20, dtype=np.float32).reshape(10, 2), np.arange(10))
    nested = tud.Subset(tud.Subset(ds, [9, 7, 5, 3, 1, 0]), [5, 1, 2, -1])
    expected = [as_plain(tud.default_collate([nested[i] for i in (0, 1, 2)])),
                as_plain(tud.default_collate([nested[3]]))]

    def forbidden(self, index):
        raise AssertionError("per-sample access")

    monkeypatch.setattr(tud.TensorDataset, "__getitem__", forbidden)
    assert [as_plain(b) for b in tud.DataLoader(nested, batch_size=3)] == expected


def test_tensor_dataset_items_are_tensors():
    ds = tud.TensorDataset(np.arange(6).reshape(3, 2), Tensor([7, 8, 9]))
    row, label = ds[1]
    assert isinstance(row, Tensor) and row.tolist() == [2, 3] and label.item() == 8
    assert all(isinstance(t, Tensor) for t in ds.tensors)


def test_batch_sampler_and_custom_collate():
    batches = [[0, 6], [2], [5, 1, 3]]
    seen = []
    loader = tud.DataLoader(Squares(), batch_sampler=batches, collate_fn=lambda b: seen.append(len(b)) or b)
    assert len(loader) == 3 and len(list(loader)) == 3 and seen == [2, 1, 3]


def test_getitems_is_used_for_whole_batches():
    class Batched(tud.Dataset):
        def __len__(self):
            return 5

        def __getitems__(self, indices):
            return [(np.float32(i),) for i in indices]

    (batch,) = next(iter(tud.DataLoader(Batched(), batch_size=5)))
    assert batch.tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("kwargs", [
    {"shuffle": True, "sampler": [0, 1]},
    {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True},
    {"num_workers": -1},
    {"prefetch_factor": 2},
    {"persistent_workers": True},
    {"batch_size": 0}, {"batch_size": 2.5},
])
def test_loader_argument_errors_match_torch(kwargs):
    with pytest.raises(ValueError):
        ref.DataLoader(TorchSquares(), **kwargs)
    with pytest.raises(ValueError):
        tud.DataLoader(Squares(), **kwargs)


def test_iterable_dataset_rules():
    with pytest.raises(ValueError, match="shuffle"):
        tud.DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="sampler"):
        tud.DataLoader(Stream(3), sampler=[0])
    with pytest.raises(TypeError):
        len(tud.DataLoader(Stream(3)))
    assert [b.tolist() for b, _ in tud.DataLoader(Stream(3) + Stream(2), batch_size=2)] == [[0, 1], [2, 0], [1]]


def test_shuffle_is_a_permutation_reproducible_by_generator_and_manual_seed():
    ds = tud.TensorDataset(np.arange(50))

    def order(**kwargs):
        return [int(i) for (b,) in tud.DataLoader(ds, batch_size=8, shuffle=True, **kwargs) for i in b.numpy()]

    first = order(generator=np.random.default_rng(5))
    assert sorted(first) == list(range(50)) and first != list(range(50))
    assert order(generator=np.random.default_rng(5)) == first
    tg.manual_seed(3)
    a = order()
    tg.manual_seed(3)
    assert order() == a
    with pytest.raises(TypeError, match="generator"):
        order(generator=5)


def test_shuffle_of_an_empty_dataset_raises_as_torch():
    with pytest.raises(ValueError, match="num_samples"):
        tud.DataLoader(tud.TensorDataset(np.zeros(0)), shuffle=True)


# --- samplers ---------------------------------------------------------------------------------

def test_samplers():
    g = np.random.default_rng(0)
    assert list(tud.SequentialSampler(range(4))) == [0, 1, 2, 3]
    with_replacement = list(tud.RandomSampler(range(3), replacement=True, num_samples=20, generator=g))
    assert len(with_replacement) == 20 and set(with_replacement) <= {0, 1, 2}
    chained = list(tud.RandomSampler(range(3), num_samples=7, generator=g))
    assert sorted(chained[:3]) == sorted(chained[3:6]) == [0, 1, 2] and len(chained) == 7
    assert sorted(tud.SubsetRandomSampler([4, 8, 15], generator=g)) == [4, 8, 15]
    weighted = list(tud.WeightedRandomSampler([0.0, 0.0, 1.0, 1.0], 2, replacement=False, generator=g))
    assert sorted(weighted) == [2, 3]
    with pytest.raises(RuntimeError):
        tud.WeightedRandomSampler([0.0, 1.0], 2, replacement=False)
    assert list(tud.BatchSampler(tud.SequentialSampler(range(5)), 2, drop_last=True)) == [[0, 1], [2, 3]]
    assert len(tud.BatchSampler(range(5), 2, drop_last=False)) == 3


def test_weighted_sampler_follows_weights():
    draws = list(tud.WeightedRandomSampler([1.0, 3.0], 4000, generator=np.random.default_rng(1)))
    assert abs(draws.count(1) / 4000 - 0.75) < 0.03


@pytest.mark.parametrize("make", [
    lambda m: m.RandomSampler(range(3), num_samples=0),
    lambda m: m.BatchSampler(range(3), 0, False),
    lambda m: m.BatchSampler(range(3), 2, "no"),
    lambda m: m.WeightedRandomSampler([1.0, 2.0], 0),
    lambda m: m.WeightedRandomSampler([[1.0]], 1),
])
def test_sampler_argument_errors_match_torch(make):
    with pytest.raises(ValueError):
        make(ref)
    with pytest.raises(ValueError):
        make(tud)


# --- composite datasets ------------------------------------------------------------------------

def test_subset_concat_and_add():
    ds = tud.TensorDataset(np.arange(5))
    sub = tud.Subset(ds, [4, 0, 2])
    assert len(sub) == 3 and sub[0][0].item() == 4
    both = sub + ds
    assert isinstance(both, tud.ConcatDataset) and len(both) == 8 and both.cumulative_sizes == [3, 8]
    assert both[3][0].item() == 0 and both[-1][0].item() == 4
    with pytest.raises(IndexError):
        both[8]
    with pytest.raises(ValueError):
        both[-9]
    with pytest.raises(TypeError):
        tud.ConcatDataset([Stream(2)])
    with pytest.raises(ValueError):
        tud.ConcatDataset([])


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.33, 0.33, 0.34], [0.5, 0.5]])
def test_random_split_lengths_match_torch(lengths):
    mine = tud.random_split(range(10), lengths, generator=np.random.default_rng(0))
    theirs = ref.random_split(range(10), lengths)
    assert [len(s) for s in mine] == [len(s) for s in theirs]
    assert sorted(i for s in mine for i in s.indices) == list(range(10))


def test_random_split_errors():
    with pytest.raises(ValueError, match="Sum of input lengths"):
        tud.random_split(range(10), [3, 3])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        tud.random_split(range(3), [0.9, 0.1])


def test_module_paths():
    import tinygrad_lite.utils.data as by_import
    assert tg.utils.data.DataLoader is by_import.DataLoader is tg.data.DataLoader
    assert tud.get_worker_info() is None
    from tinygrad_lite.utils.data.dataloader import default_collate
    from tinygrad_lite.utils.data.sampler import Sampler
    assert default_collate is tud.default_collate and Sampler is tud.Sampler
    assert tud.dataset.Subset is tud.Subset
