"""MNIST / Fashion-MNIST on small fake IDX files, and downloading from a local HTTP server."""
import functools
import hashlib
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from helpers import NO_MNIST, real_mnist_root

from tinygrad_lite.data import (MNIST, DataLoader, DatasetError, DownloadError, FashionMNIST, IDXError,
                                data_root, download, write_idx)

SPLITS = {True: "train", False: "t10k"}
REAL_MNIST = real_mnist_root()


def make_split(directory, train=True, n=12, seed=0, compress=True):
    """Write a small fake split (random images, labels 0..9) into ``directory``; return its arrays."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    suffix = ".gz" if compress else ""
    directory.mkdir(parents=True, exist_ok=True)
    write_idx(directory / f"{SPLITS[train]}-images-idx3-ubyte{suffix}", images)
    write_idx(directory / f"{SPLITS[train]}-labels-idx1-ubyte{suffix}", labels)
    return images, labels


def md5_of(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


# --- reading local files ----------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["", "MNIST", "MNIST/raw"])
@pytest.mark.parametrize("compress", [True, False], ids=["gz", "raw"])
def test_files_are_found_in_root_dataset_folder_or_torchvision_layout(tmp_path, where, compress):
    images, labels = make_split(tmp_path / where, train=False, compress=compress)
    ds = MNIST(root=tmp_path, train=False, download=False)
    assert ds.images.dtype == np.uint8 and ds.images.shape == (12, 28, 28)
    assert ds.labels.dtype == np.int64 and ds.labels.shape == (12,)
    np.testing.assert_array_equal(ds.images, images)
    np.testing.assert_array_equal(ds.labels, labels)
    assert len(ds) == 12
    image, label = ds[3]
    np.testing.assert_array_equal(image, images[3])
    assert label == labels[3]


def test_train_and_test_splits_are_separate(tmp_path):
    train_images, _ = make_split(tmp_path, train=True, n=7, seed=1)
    make_split(tmp_path, train=False, n=3, seed=2)
    assert len(MNIST(root=tmp_path, train=True, download=False)) == 7
    assert len(MNIST(root=tmp_path, train=False, download=False)) == 3


def test_tensors_scaled_flattened_and_standardized(tmp_path):
    images, labels = make_split(tmp_path)
    ds = MNIST(root=tmp_path, download=False)
    x, y = ds.tensors()
    assert x.shape == (12, 784) and x.dtype == np.float32
    assert y.shape == (12,) and y.dtype == np.int64
    np.testing.assert_allclose(x.numpy(), images.reshape(12, 784) / 255, rtol=1e-6)
    assert 0 <= x.numpy().min() and x.numpy().max() <= 1
    np.testing.assert_array_equal(y.numpy(), labels)
    square, _ = ds.tensors(flatten=False, standardize=True)
    assert square.shape == (12, 28, 28) and square.dtype == np.float32
    np.testing.assert_allclose(square.numpy(), (images / 255 - 0.1307) / 0.3081, rtol=1e-5, atol=1e-6)


def test_dataset_feeds_the_dataloader(tmp_path):
    make_split(tmp_path, n=10)
    batches = list(DataLoader(MNIST(root=tmp_path, download=False), batch_size=4, shuffle=True, seed=0))
    assert [tuple(x.shape) for x, _ in batches] == [(4, 28, 28), (4, 28, 28), (2, 28, 28)]
    assert batches[0][1].dtype == np.int64


def test_importing_the_package_does_not_load_the_network_modules():
    """urllib and http.client cost about 25 ms of import; they load on the first download."""
    code = ("import sys, tinygrad_lite; "
            "print([m for m in ('urllib.request', 'http.client') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_root_argument_then_environment_then_home_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TINYGRAD_LITE_DATA", raising=False)
    assert data_root() == str(tmp_path / "home" / ".cache" / "tinygrad_lite")
    monkeypatch.setenv("TINYGRAD_LITE_DATA", str(tmp_path / "env"))
    assert data_root() == str(tmp_path / "env")
    assert data_root(tmp_path / "arg") == str(tmp_path / "arg")

    make_split(tmp_path / "env" / "MNIST", n=5)
    make_split(tmp_path / "arg", n=6)
    assert len(MNIST(download=False)) == 5
    assert len(MNIST(root=tmp_path / "arg", download=False)) == 6


@pytest.mark.skipif(REAL_MNIST is None, reason=NO_MNIST)
def test_real_mnist_test_split():
    ds = MNIST(root=REAL_MNIST, train=False, download=False)
    assert ds.images.shape == (10000, 28, 28)
    assert np.bincount(ds.labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


# --- validation -------------------------------------------------------------------------------------

def test_image_and_label_counts_must_agree(tmp_path):
    make_split(tmp_path, n=5)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(4, np.uint8))
    with pytest.raises(DatasetError, match="holds 5 images but .*train-labels-idx1-ubyte.gz holds 4 labels"):
        MNIST(root=tmp_path, download=False)


def test_labels_must_be_digits(tmp_path):
    make_split(tmp_path, n=5)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.array([1, 2, 3, 12, 4], np.uint8))
    with pytest.raises(DatasetError, match=r"labels-idx1-ubyte.gz: label 12 at index 3 is outside 0..9"):
        MNIST(root=tmp_path, download=False)


def test_labels_must_be_integers(tmp_path):
    make_split(tmp_path, n=5)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(5, np.float32))
    with pytest.raises(DatasetError, match="labels-idx1-ubyte.gz: expected a 1-D array of integer labels"):
        MNIST(root=tmp_path, download=False)


@pytest.mark.parametrize("bad", [np.zeros((5, 27, 28), np.uint8), np.zeros((5, 784), np.uint8),
                                 np.zeros((5, 28, 28), np.int16)])
def test_images_must_be_uint8_28x28(tmp_path, bad):
    make_split(tmp_path, n=5)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", bad)
    with pytest.raises(DatasetError, match=r"images-idx3-ubyte.gz: expected uint8 images of shape \(N, 28, 28"):
        MNIST(root=tmp_path, download=False)


def test_corrupt_local_file_reports_the_file(tmp_path):
    make_split(tmp_path, n=5)
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(IDXError, match="train-images-idx3-ubyte.gz.*corrupt gzip stream"):
        MNIST(root=tmp_path, download=False)


def test_missing_files_without_download_say_what_to_put_where(tmp_path):
    with pytest.raises(DownloadError) as info:
        MNIST(root=tmp_path, train=False, download=False)
    message = str(info.value)
    assert "download=False" in message
    assert f"Put these files in {tmp_path / 'MNIST'}" in message
    assert "t10k-images-idx3-ubyte.gz" in message and "t10k-labels-idx1-ubyte.gz" in message
    assert "train-" not in message
    assert not (tmp_path / "MNIST").exists()


def test_published_mirrors_and_checksums():
    assert MNIST.mirrors == ("https://ossci-datasets.s3.amazonaws.com/mnist/",
                             "http://yann.lecun.com/exdb/mnist/")
    assert MNIST.checksums["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert MNIST.checksums["t10k-labels-idx1-ubyte.gz"] == "ec29112dd5afa0611ce80d1b7f02629c"
    assert FashionMNIST.mirrors == ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
    assert FashionMNIST.checksums["train-images-idx3-ubyte.gz"] == "8d4fb7e6c68d591d4c3dfef9ec88bf0d"
    assert len(FashionMNIST.classes) == 10


# --- downloading from a local server ------------------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """Serve ``tmp_path/served`` on 127.0.0.1; yields the base URL. ``good/`` holds a fake test split,
    ``bad/`` the same files with one byte flipped; ``missing/`` does not exist (404)."""
    served = tmp_path / "served"
    make_split(served / "good", train=False, n=20, seed=3)
    (served / "bad").mkdir()
    for path in (served / "good").iterdir():
        content = bytearray(path.read_bytes())
        content[-10] ^= 0xFF
        (served / "bad" / path.name).write_bytes(bytes(content))
    handler = functools.partial(QuietHandler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def checksums(tmp_path, monkeypatch, server):
    """Point the MNIST and Fashion-MNIST checksum tables at the fake files' real MD5s."""
    table = dict(MNIST.checksums)
    for path in (tmp_path / "served" / "good").iterdir():
        table[path.name] = md5_of(path)
    monkeypatch.setattr(MNIST, "checksums", table)
    monkeypatch.setattr(FashionMNIST, "checksums", table)
    return table


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens."""
    httpd = http.server.HTTPServer(("127.0.0.1", 0), QuietHandler)
    port = httpd.server_address[1]
    httpd.server_close()
    return f"http://127.0.0.1:{port}/"


def test_download_verifies_and_stores_the_files(tmp_path, server, checksums, capsys):
    cache = tmp_path / "cache"
    ds = MNIST(root=cache, train=False, mirrors=[server + "good/"])
    assert len(ds) == 20
    stored = sorted(os.listdir(cache / "MNIST"))
    assert stored == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    for name in stored:
        assert md5_of(cache / "MNIST" / name) == checksums[name]
    progress = capsys.readouterr().err
    assert "t10k-images-idx3-ubyte.gz" in progress and "100%" in progress


def test_present_files_are_not_downloaded_again(tmp_path, server, checksums, closed_port_url):
    cache = tmp_path / "cache"
    MNIST(root=cache, train=False, mirrors=[server + "good/"])
    assert len(MNIST(root=cache, train=False, mirrors=[closed_port_url])) == 20


def test_a_mirror_that_404s_is_followed_by_the_next(tmp_path, server, checksums):
    ds = MNIST(root=tmp_path / "cache", train=False, mirrors=[server + "missing/", server + "good"])
    assert len(ds) == 20


def test_corrupted_download_is_rejected_without_leaving_files(tmp_path, server, checksums):
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError) as info:
        MNIST(root=cache, train=False, mirrors=[server + "bad/"])
    message = str(info.value)
    assert "MD5 mismatch" in message and checksums["t10k-images-idx3-ubyte.gz"] in message
    assert f"Put these files in {cache / 'MNIST'}" in message
    assert not cache.exists()  # no bad files, temporary files or empty folders remain
    assert {url for url, _ in info.value.failures} == {server + "bad/t10k-images-idx3-ubyte.gz",
                                                       server + "bad/t10k-labels-idx1-ubyte.gz"}


def test_corrupted_mirror_is_followed_by_a_good_one(tmp_path, server, checksums):
    assert len(MNIST(root=tmp_path / "cache", train=False, mirrors=[server + "bad/", server + "good/"])) == 20


def test_offline_message_names_files_and_directory(tmp_path, closed_port_url):
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError) as info:
        MNIST(root=cache, train=True, mirrors=[closed_port_url])
    message = str(info.value)
    assert "downloading failed" in message
    assert closed_port_url + "train-images-idx3-ubyte.gz" in message
    assert f"Put these files in {cache / 'MNIST'}" in message
    assert "train-images-idx3-ubyte.gz  (MD5 f68b3c2dcbeaaa9fbdd348bbdeb94873" in message
    assert "train-labels-idx1-ubyte.gz" in message
    assert not cache.exists()  # the folders made for the download are removed again
    assert info.value.dataset == "MNIST" and info.value.directory == str(cache / "MNIST")
    assert info.value.files == tuple(MNIST.checksums) and info.value.mirrors == (closed_port_url,)


def test_fashion_mnist_downloads_into_its_own_folder(tmp_path, server, checksums):
    ds = FashionMNIST(root=tmp_path / "cache", train=False, mirrors=server + "good/")
    assert len(ds) == 20 and ds.mean == 0.2860
    assert sorted(os.listdir(tmp_path / "cache" / "FashionMNIST")) == ["t10k-images-idx3-ubyte.gz",
                                                                       "t10k-labels-idx1-ubyte.gz"]
    assert not (tmp_path / "cache" / "MNIST").exists()


def test_download_function(tmp_path, server, checksums, closed_port_url):
    name = "t10k-labels-idx1-ubyte.gz"
    path = download(name, tmp_path / "dl", checksums[name], [server + "missing/", server + "good/"],
                    progress=False)
    assert Path(path) == tmp_path / "dl" / name and md5_of(Path(path)) == checksums[name]
    with pytest.raises(DownloadError) as info:
        download(name, tmp_path / "dl2", checksums[name], [server + "missing/", closed_port_url],
                 progress=False)
    reasons = dict(info.value.failures)
    assert reasons[server + "missing/" + name].startswith("HTTP 404")
    assert closed_port_url + name in reasons
    assert not (tmp_path / "dl2").exists()


@pytest.fixture
def hanging_url():
    """A URL on 127.0.0.1 whose server never completes a connection: it listens with a backlog
    of one, already taken by a connection nobody accepts, so a new connect waits forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    first = socket.create_connection(("127.0.0.1", port))
    yield f"http://127.0.0.1:{port}/"
    first.close()
    listener.close()


def test_a_hanging_mirror_gets_a_short_connect_timeout(tmp_path, server, checksums, hanging_url,
                                                        capsys):
    name = "t10k-labels-idx1-ubyte.gz"
    result = []
    # timeout (between chunks) is an hour: only the connect timeout can end the wait. The thread
    # keeps a regression from hanging the suite; the test asserts no duration.
    worker = threading.Thread(target=lambda: result.append(download(
        name, tmp_path / "dl", checksums[name], [hanging_url, server + "good/"],
        connect_timeout=0.2, timeout=3600)), daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "the hanging mirror was not given up on"
    assert md5_of(Path(result[0])) == checksums[name]
    err = capsys.readouterr().err
    # one line says which mirror is being tried, another why it failed
    assert f"downloading {name} from {hanging_url}\n  failed: timed out" in err
    assert f"downloading {name} from {server}good/" in err


def test_an_unreachable_mirror_is_not_asked_for_the_next_file(tmp_path, server, checksums,
                                                              closed_port_url, capsys):
    ds = MNIST(root=tmp_path / "cache", train=False, mirrors=[closed_port_url, server + "good/"])
    assert len(ds) == 20
    err = capsys.readouterr().err
    assert err.count(f"from {closed_port_url}") == 1  # tried for the first file only
    assert err.count(f"from {server}good/") == 2


def test_a_failed_download_keeps_directories_that_existed(tmp_path, closed_port_url):
    (tmp_path / "cache").mkdir()
    with pytest.raises(DownloadError):
        MNIST(root=tmp_path / "cache", train=False, mirrors=[closed_port_url])
    assert os.listdir(tmp_path / "cache") == []  # MNIST/ was made for the download and removed
    make_split(tmp_path / "cache2" / "MNIST", train=True, n=3)  # a folder holding other files
    with pytest.raises(DownloadError):
        MNIST(root=tmp_path / "cache2", train=False, mirrors=[closed_port_url])
    assert len(os.listdir(tmp_path / "cache2" / "MNIST")) == 2


class SlowHandler(QuietHandler):
    """Answers, then pauses 0.6 s before the body: longer than a connect timeout of 0.2 s."""

    def copyfile(self, source, outputfile):
        import time
        outputfile.flush()
        time.sleep(0.6)
        super().copyfile(source, outputfile)


def test_the_connect_timeout_does_not_cut_a_slow_download_short(tmp_path, checksums):
    served = tmp_path / "served" / "good"
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SlowHandler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        name = "t10k-labels-idx1-ubyte.gz"
        path = download(name, tmp_path / "dl", checksums[name],
                        [f"http://127.0.0.1:{httpd.server_address[1]}/"], progress=False,
                        connect_timeout=0.2, timeout=30)
        assert md5_of(Path(path)) == checksums[name]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_the_tests_find_the_real_files_where_the_examples_do(tmp_path, monkeypatch):
    """real_mnist_root (used by the tests needing real MNIST) follows TINYGRAD_LITE_DATA, with
    the files in the root, its MNIST/ folder or torchvision's MNIST/raw, as data.MNIST does."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for where in ("MNIST", "", "MNIST/raw"):
        root = tmp_path / f"root-{where.replace('/', '-')}"
        make_split(root / where, train=True, n=2)
        monkeypatch.setenv("TINYGRAD_LITE_DATA", str(root))
        assert real_mnist_root() != root  # the test split is still missing
        make_split(root / where, train=False, n=2, compress=False)
        assert real_mnist_root() == root
    make_split(tmp_path / "home" / ".cache" / "tinygrad_lite" / "MNIST", train=True, n=2)
    make_split(tmp_path / "home" / ".cache" / "tinygrad_lite" / "MNIST", train=False, n=2)
    monkeypatch.setenv("TINYGRAD_LITE_DATA", str(tmp_path / "empty"))
    assert real_mnist_root() == tmp_path / "home" / ".cache" / "tinygrad_lite"
