"""Datasets, the DataLoader, and the augmentation functions used as its transform."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_lite.data import DataLoader, Dataset, TensorDataset, random_rotate, random_shift
from tinygrad_lite.data.augment import _rotate
from tinygrad_lite.rng import manual_seed
from tinygrad_lite.tensor import Tensor


def labelled(n):
    """A dataset whose second array holds each sample's own index."""
    return TensorDataset(np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n))


def visited(loader):
    return [int(i) for _, labels in loader for i in labels.numpy()]


# --- TensorDataset -------------------------------------------------------------------------------

def test_tensor_dataset_indexes_all_arrays_together():
    ds = TensorDataset(np.arange(6).reshape(3, 2), Tensor(np.array([7, 8, 9])))
    assert len(ds) == 3
    row, label = ds[2]
    np.testing.assert_array_equal(row, [4, 5])
    assert label == 9
    assert all(isinstance(a, np.ndarray) for a in ds.arrays)


def test_tensor_dataset_lengths_must_agree():
    with pytest.raises(ValueError, match=r"same length.*\[3, 2\]"):
        TensorDataset(np.zeros((3, 4)), np.zeros(2))


@pytest.mark.parametrize("arrays, fragment", [((), "at least one array"), ((np.float32(1.0),), "scalar")])
def test_tensor_dataset_rejects_unusable_arguments(arrays, fragment):
    with pytest.raises(ValueError, match=fragment):
        TensorDataset(*arrays)


def test_base_dataset_must_be_subclassed():
    with pytest.raises(NotImplementedError, match="__len__"):
        len(Dataset())


# --- DataLoader: batching ------------------------------------------------------------------------

@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), drop_last=st.booleans(), shuffle=st.booleans())
def test_batch_count_and_sizes(n, batch_size, drop_last, shuffle):
    loader = DataLoader(labelled(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, seed=0)
    sizes = [len(labels.numpy()) for _, labels in loader]
    assert len(sizes) == len(loader)
    expected = n // batch_size if drop_last else -(-n // batch_size)
    assert len(loader) == expected
    assert all(size == batch_size for size in sizes[:-1])
    assert sum(sizes) == (n - n % batch_size if drop_last else n)


def test_batch_count_examples():
    assert len(DataLoader(labelled(10), batch_size=4)) == 3
    assert len(DataLoader(labelled(10), batch_size=4, drop_last=True)) == 2
    assert len(DataLoader(labelled(8), batch_size=4, drop_last=True)) == 2


def test_yields_lists_of_tensors_keeping_dtypes():  # a list, as PyTorch's default_collate
    ds = TensorDataset(np.zeros((5, 3), np.float32), np.arange(5, dtype=np.int64))
    batches = list(DataLoader(ds, batch_size=2))
    assert all(isinstance(batch, list) and len(batch) == 2 for batch in batches)
    x, y = batches[0]
    assert isinstance(x, Tensor) and isinstance(y, Tensor)
    assert x.shape == (2, 3) and x.dtype == np.float32 and y.dtype == np.int64


def test_unshuffled_order_is_the_dataset_order():
    assert visited(DataLoader(labelled(7), batch_size=3)) == list(range(7))


def test_batches_do_not_alias_the_dataset():
    ds = labelled(4)
    x, _ = next(iter(DataLoader(ds, batch_size=4)))
    x.numpy()[:] = -1
    assert ds.arrays[0].min() == 0


# --- DataLoader: shuffling ------------------------------------------------------------------------

@given(n=st.integers(1, 60), batch_size=st.integers(1, 16), seed=st.integers(0, 2**32 - 1))
def test_every_sample_exactly_once_per_epoch(n, batch_size, seed):
    loader = DataLoader(labelled(n), batch_size=batch_size, shuffle=True, seed=seed)
    for _ in range(2):
        assert sorted(visited(loader)) == list(range(n))


def test_seeded_shuffle_is_reproducible_and_changes_each_epoch():
    first = DataLoader(labelled(50), batch_size=8, shuffle=True, seed=123)
    second = DataLoader(labelled(50), batch_size=8, shuffle=True, seed=123)
    epochs = [visited(first) for _ in range(3)]
    assert epochs == [visited(second) for _ in range(3)]
    assert epochs[0] != epochs[1] != epochs[2]
    assert epochs[0] != list(range(50))
    assert visited(DataLoader(labelled(50), batch_size=8, shuffle=True, seed=124)) != epochs[0]


def test_unseeded_shuffle_follows_manual_seed():
    loader = DataLoader(labelled(50), batch_size=8, shuffle=True)
    manual_seed(7)
    order = visited(loader)
    manual_seed(7)
    assert visited(loader) == order
    assert visited(loader) != order


# --- DataLoader: generic datasets, fast path, transform -------------------------------------------

class Squares(Dataset):
    def __init__(self, n, ragged_at=None):
        self.n, self.ragged_at = n, ragged_at

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        size = 3 if i == self.ragged_at else 2
        return np.full(size, i, dtype=np.float32), i * i


def test_generic_dataset_samples_are_stacked():
    x, y = next(iter(DataLoader(Squares(5), batch_size=4)))
    assert x.shape == (4, 2) and x.dtype == np.float32
    np.testing.assert_array_equal(y.numpy(), [0, 1, 4, 9])


def test_generic_dataset_of_single_values_gives_one_tensor_per_batch():
    class Plain(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return Tensor(np.array([i, -i]))

    batch = next(iter(DataLoader(Plain(), batch_size=3)))
    np.testing.assert_array_equal(batch.numpy(), [[0, 0], [1, -1], [2, -2]])


def test_generic_dataset_with_ragged_samples_gets_a_clear_error():
    with pytest.raises(ValueError, match=r"samples of different shapes \[\(2,\), \(3,\)\]"):
        list(DataLoader(Squares(4, ragged_at=2), batch_size=4))


class CountingArray(np.ndarray):
    """An ndarray that counts how often it is indexed."""
    calls = 0

    def __getitem__(self, index):
        type(self).calls += 1
        return np.asarray(super().__getitem__(index))


def test_array_datasets_are_gathered_with_one_index_per_batch():
    class Arrays(Dataset):
        arrays = (np.arange(20.0).view(CountingArray), np.arange(20).view(CountingArray))

        def __len__(self):
            return 20

        def __getitem__(self, i):
            raise AssertionError("the DataLoader must not fetch samples one by one")

    CountingArray.calls = 0
    loader = DataLoader(Arrays(), batch_size=6, shuffle=True, seed=0)
    assert sorted(visited(loader)) == list(range(20))
    assert CountingArray.calls == 2 * len(loader)


def test_tensor_dataset_is_not_read_sample_by_sample(monkeypatch):
    def forbidden(self, index):
        raise AssertionError("per-sample access")

    monkeypatch.setattr(TensorDataset, "__getitem__", forbidden)
    assert visited(DataLoader(labelled(9), batch_size=4, shuffle=True, seed=1)) != []


def test_transform_applies_to_the_first_array_only():
    loader = DataLoader(labelled(4), batch_size=4, transform=lambda x: x * 10)
    x, y = next(iter(loader))
    np.testing.assert_array_equal(x.numpy(), np.arange(8).reshape(4, 2) * 10)
    np.testing.assert_array_equal(y.numpy(), np.arange(4))


def test_random_shift_as_transform():
    images = np.zeros((6, 28, 28), np.uint8)
    images[:, 10:18, 10:18] = 255
    loader = DataLoader(TensorDataset(images, np.arange(6)), batch_size=3,
                        transform=lambda x: random_shift(x, rng=0))
    for x, _ in loader:
        assert x.shape == (3, 28, 28) and x.dtype == np.uint8
        assert (x.numpy() == 255).sum(axis=(1, 2)).tolist() == [64, 64, 64]


@pytest.mark.parametrize("kwargs, error", [
    ({"batch_size": 0}, ValueError), ({"batch_size": 2.5}, ValueError), ({"batch_size": True}, ValueError),
    ({"transform": "flip"}, TypeError),
])
def test_invalid_arguments(kwargs, error):
    with pytest.raises(error, match="DataLoader"):
        DataLoader(labelled(3), **kwargs)


# --- augmentation ----------------------------------------------------------------------------------

def shifted(image, dy, dx):
    """Reference shift of one image with zero fill, one pixel at a time."""
    out = np.zeros_like(image)
    height, width = image.shape
    for y in range(height):
        for x in range(width):
            if 0 <= y - dy < height and 0 <= x - dx < width:
                out[y, x] = image[y - dy, x - dx]
    return out


@given(seed=st.integers(0, 2**32 - 1), max_shift=st.integers(0, 3))
def test_random_shift_moves_each_image_by_a_whole_shift_in_range(seed, max_shift):
    rng = np.random.default_rng(seed)
    images = rng.integers(1, 256, size=(4, 9, 9), dtype=np.uint8)
    out = random_shift(images, max_shift=max_shift, rng=seed)
    assert out.shape == images.shape and out.dtype == images.dtype
    offsets = range(-max_shift, max_shift + 1)
    for image, result in zip(images, out):
        assert any(np.array_equal(result, shifted(image, dy, dx)) for dy in offsets for dx in offsets)


def test_random_shift_differs_per_image_and_is_reproducible():
    images = np.tile(np.arange(784, dtype=np.float32) + 1, (50, 1))
    out = random_shift(images, rng=3)
    assert out.shape == (50, 784)
    assert len({row.tobytes() for row in out}) > 1
    np.testing.assert_array_equal(out, random_shift(images, rng=np.random.default_rng(3)))
    manual_seed(5)
    first = random_shift(images)
    manual_seed(5)
    np.testing.assert_array_equal(first, random_shift(images))


def test_zero_shift_and_zero_rotation_are_identities():
    images = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    np.testing.assert_array_equal(random_shift(images, max_shift=0), images)
    for mode in ("bilinear", "nearest"):
        np.testing.assert_array_equal(random_rotate(images, max_degrees=0, mode=mode), images)


@pytest.mark.parametrize("size", [5, 6, 28])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_quarter_turn_matches_rot90(size, mode):
    images = np.random.default_rng(size).random((2, size, size)).astype(np.float32)
    turned = _rotate(images, np.array([np.pi / 2, -np.pi / 2]), mode)
    np.testing.assert_allclose(turned[0], np.rot90(images[0], 1), atol=1e-5)
    np.testing.assert_allclose(turned[1], np.rot90(images[1], -1), atol=1e-5)


def test_small_rotations_keep_a_centred_blob_and_vary_per_image():
    images = np.zeros((20, 784), np.uint8)
    images.reshape(20, 28, 28)[:, 8:20, 12:16] = 200
    out = random_rotate(images, max_degrees=20, rng=1)
    assert out.shape == (20, 784) and out.dtype == np.uint8
    mass = out.astype(float).sum(axis=1) / images.astype(float).sum(axis=1)
    assert np.all(np.abs(mass - 1) < 0.1)
    assert len({row.tobytes() for row in out}) > 1


@pytest.mark.parametrize("call, fragment", [
    (lambda: random_shift(np.zeros(784)), r"\(N, H, W\)"),
    (lambda: random_shift(np.zeros((2, 783))), "got shape"),
    (lambda: random_shift(np.zeros((2, 4, 4)), max_shift=-1), "max_shift"),
    (lambda: random_rotate(np.zeros((2, 4, 4)), max_degrees=-5), "max_degrees"),
    (lambda: random_rotate(np.zeros((2, 4, 4)), mode="cubic"), "mode"),
])
def test_augmentation_argument_errors(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call()
