"""IDX reading and writing: round trips of every element type, and a clear error for each corruption."""
import gzip
import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_lite.data import IDXError, read_idx, write_idx
from tinygrad_lite.data.idx import atomic_open

IDX_DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


def idx_bytes(type_code, dims, payload):
    """Hand-built IDX bytes: magic, big-endian dimensions, then the payload as given."""
    return bytes([0, 0, type_code, len(dims)]) + np.asarray(dims, dtype=">u4").tobytes() + payload


def save(path, content, compress):
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


@given(data=st.data(), dtype=st.sampled_from(IDX_DTYPES), compress=st.booleans())
def test_round_trip_every_element_type(tmp_path_factory, data, dtype, compress):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6), label="shape")
    array = data.draw(hnp.arrays(dtype, shape), label="array")
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if compress else "a.idx")
    write_idx(path, array)
    result = read_idx(path)
    assert result.shape == array.shape
    assert result.dtype == np.dtype(dtype) and result.dtype.isnative
    assert result.flags.writeable
    np.testing.assert_array_equal(result, array)
    assert os.listdir(path.parent) == [path.name]  # no temporary file left behind


def test_written_bytes_follow_the_format(tmp_path):
    write_idx(tmp_path / "x", np.array([[1, 258]], dtype=np.int16))
    assert (tmp_path / "x").read_bytes() == bytes.fromhex("0000 0B02 00000001 00000002 0001 0102")


def test_big_endian_payload_is_read_in_native_order(tmp_path):
    path = save(tmp_path / "f", idx_bytes(0x0D, [2], np.array([1.5, -2.0], dtype=">f4").tobytes()), False)
    result = read_idx(path)
    assert result.dtype == np.float32 and result.dtype.isnative
    np.testing.assert_array_equal(result, [1.5, -2.0])


def test_gzip_is_detected_by_magic_bytes_not_extension(tmp_path):
    content = idx_bytes(0x08, [3], b"\x01\x02\x03")
    np.testing.assert_array_equal(read_idx(save(tmp_path / "compressed.idx", content, True)), [1, 2, 3])
    np.testing.assert_array_equal(read_idx(save(tmp_path / "raw.gz", content, False)), [1, 2, 3])


def test_zero_sized_dimension(tmp_path):
    assert read_idx(save(tmp_path / "empty", idx_bytes(0x08, [0, 28, 28], b""), False)).shape == (0, 28, 28)


CORRUPTIONS = {
    "wrong magic": (b"\x01\x00\x08\x01\x00\x00\x00\x01\x07",
                    ["wrong magic number 0x01000801", "byte offset 0", "first two bytes must be zero"]),
    "unsupported type": (idx_bytes(0x0A, [1], b"\x00"),
                         ["unsupported element type code 0x0A", "byte offset 2"]),
    "no dimensions": (b"\x00\x00\x08\x00", ["zero dimensions"]),
    "short magic": (b"\x00\x00\x08", ["truncated header", "got 3 bytes"]),
    "short dimensions": (b"\x00\x00\x08\x03" + b"\x00" * 5,
                         ["truncated header", "3 dimensions need a 16-byte header", "got 9 bytes"]),
    "short payload": (idx_bytes(0x0C, [2, 3], b"\x00" * 20),
                      ["truncated payload", "(2, 3) of int32 need 24 bytes", "got 20",
                       "byte offset 32"]),
    "trailing bytes": (idx_bytes(0x08, [2], b"\x01\x02\x03\x04\x05"),
                       ["3 trailing bytes at byte offset 10", "(2,) of uint8"]),
}


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupt_file_error_names_file_and_problem(tmp_path, case, compress):
    content, fragments = CORRUPTIONS[case]
    path = save(tmp_path / "broken-idx-ubyte", content, compress)
    with pytest.raises(IDXError) as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message and info.value.path == str(path)
    for fragment in fragments:
        assert fragment in message
    assert ("decompressed" in message) == compress
    assert isinstance(info.value, ValueError)


def test_truncated_gzip_stream(tmp_path):
    whole = gzip.compress(idx_bytes(0x08, [1000], bytes(range(256)) * 3 + b"\x00" * 232))
    path = tmp_path / "cut.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IDXError, match="corrupt gzip stream") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_damaged_gzip_stream(tmp_path):
    rng = np.random.default_rng(0)
    whole = bytearray(gzip.compress(idx_bytes(0x08, [4000], rng.integers(0, 256, 4000, np.uint8).tobytes())))
    whole[len(whole) // 2] ^= 0xFF
    path = tmp_path / "damaged.gz"
    path.write_bytes(bytes(whole))
    with pytest.raises(IDXError, match="corrupt gzip stream"):
        read_idx(path)


def test_huge_declared_size_does_not_allocate(tmp_path):
    path = save(tmp_path / "liar", idx_bytes(0x0E, [2**32 - 1, 2**32 - 1], b"\x00" * 8), True)
    with pytest.raises(IDXError, match="truncated payload"):
        read_idx(path)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope")


@pytest.mark.parametrize("bad, error, fragment", [
    (np.arange(3, dtype=np.int64), TypeError, "cannot store dtype int64"),
    (np.array([True]), TypeError, "cannot store dtype bool"),
    (np.float32(1.0), ValueError, "1 to 255 dimensions"),
])
def test_write_rejects_what_idx_cannot_hold(tmp_path, bad, error, fragment):
    with pytest.raises(error, match=fragment):
        write_idx(tmp_path / "x", bad)
    assert os.listdir(tmp_path) == []


def test_write_accepts_big_endian_and_non_contiguous_arrays(tmp_path):
    array = np.arange(12, dtype=">i4").reshape(3, 4)[:, ::2]
    write_idx(tmp_path / "x", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "x"), array)


def test_write_replaces_existing_file(tmp_path):
    write_idx(tmp_path / "x.gz", np.zeros(3, np.uint8))
    write_idx(tmp_path / "x.gz", np.ones(2, np.float64))
    np.testing.assert_array_equal(read_idx(tmp_path / "x.gz"), [1.0, 1.0])
    assert os.listdir(tmp_path) == ["x.gz"]


def test_failed_atomic_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "data"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as file:
            file.write(b"partial")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["data"]


def test_a_killed_writers_temporary_is_removed_by_the_next_write(tmp_path):
    import subprocess
    import sys
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".x-idx1-ubyte.gz.{int(dead.stdout)}.0123456789ab.tinygrad_lite-tmp"
    stale.write_bytes(b"half a download")
    alive = tmp_path / f".x-idx1-ubyte.gz.{os.getpid()}.0123456789ab.tinygrad_lite-tmp"
    alive.write_bytes(b"a download in progress")
    write_idx(tmp_path / "x-idx1-ubyte.gz", np.arange(3, dtype=np.uint8))
    assert sorted(os.listdir(tmp_path)) == sorted(["x-idx1-ubyte.gz", alive.name])
