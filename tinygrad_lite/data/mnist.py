"""The MNIST and Fashion-MNIST datasets, read from IDX files and downloaded on first use.

Where the files live: the data root is the ``root=`` argument, else the ``TINYGRAD_LITE_DATA``
environment variable, else ``~/.cache/tinygrad_lite``. Each dataset's four files
(``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
``t10k-labels-idx1-ubyte``, each gzip-compressed with a ``.gz`` suffix or raw) are looked for in
``<root>/MNIST`` (``<root>/FashionMNIST``), then in ``<root>`` itself, then in torchvision's
``<root>/MNIST/raw``. Missing files of the requested split are downloaded into
``<root>/MNIST`` from the first mirror that serves them with the published MD5 checksum.

>>> train = MNIST(train=True)                                   # doctest: +SKIP
>>> X, y = train.tensors()                                      # doctest: +SKIP
>>> X.shape, X.dtype, y.shape                                   # doctest: +SKIP
((60000, 784), dtype('float32'), (60000,))
"""
import hashlib
import os
import sys

import numpy as np

from ..tensor import Tensor
from .dataset import Dataset
from .idx import atomic_open, read_idx

__all__ = ["MNIST", "FashionMNIST", "download", "data_root", "DownloadError", "DatasetError"]

_DEFAULT_ROOT = os.path.join("~", ".cache", "tinygrad_lite")
_USER_AGENT = "tinygrad_lite"


class DownloadError(RuntimeError):
    """Dataset files are missing and could not be downloaded (or ``download=False`` was given).

    The message says which files to put in which directory; ``failures`` lists each
    ``(url, reason)`` that was tried.

    >>> try:
    ...     MNIST(root="/nonexistent", download=False)
    ... except DownloadError as err:
    ...     print(str(err).splitlines()[0])
    MNIST train files are missing and download=False was given
    """

    def __init__(self, message, failures=(), *, dataset=None, directory=None, files=(), mirrors=()):
        super().__init__(message)
        self.failures = list(failures)
        # What a command-line tool needs to say how to fix it (set by MNIST and FashionMNIST):
        # the dataset's name, where its files belong, all its file names and the mirrors tried.
        self.dataset, self.directory = dataset, directory
        self.files, self.mirrors = tuple(files), tuple(mirrors)


class DatasetError(ValueError):
    """Dataset files were read but their contents are wrong (the message names the file).

    >>> MNIST(root="data_with_bad_labels")       # doctest: +SKIP
    DatasetError: data_with_bad_labels/MNIST/train-labels-idx1-ubyte.gz: label 12 at index 3 ...
    """


class _ChecksumMismatch(Exception):
    """A downloaded file's MD5 differs from the published one."""


def data_root(root=None):
    """The data root: ``root`` if given, else ``$TINYGRAD_LITE_DATA``, else ``~/.cache/tinygrad_lite``.

    >>> data_root("/data")
    '/data'
    """
    chosen = root if root is not None else (os.environ.get("TINYGRAD_LITE_DATA") or _DEFAULT_ROOT)
    return os.path.expanduser(os.fspath(chosen))


class _Progress:
    """A one-line progress bar on stderr, redrawn only when the shown value changes."""

    def __init__(self, label, total):
        self.label, self.total, self.shown = label, total, None

    def update(self, done):
        if self.total:
            percent = min(100, done * 100 // self.total)
            if percent == self.shown:
                return
            self.shown = percent
            bar = "#" * (percent * 30 // 100)
            text = f"{self.label} [{bar:<30}] {percent:3d}% of {self.total / 1e6:.1f} MB"
        else:
            megabytes = done // 1_000_000
            if megabytes == self.shown:
                return
            self.shown = megabytes
            text = f"{self.label} {megabytes} MB"
        sys.stderr.write("\r" + text)
        sys.stderr.flush()

    def close(self):
        sys.stderr.write("\n")
        sys.stderr.flush()


def _opener(connect_timeout, read_timeout):
    """A urllib opener whose connections give up after ``connect_timeout`` seconds when the
    server does not answer (a dead mirror fails fast) but wait ``read_timeout`` seconds between
    chunks once connected (a slow download goes on)."""
    import http.client
    import urllib.request

    def connect_then_read(base):
        class Connection(base):
            def connect(self):
                self.timeout = connect_timeout
                super().connect()
                self.sock.settimeout(read_timeout)
        return Connection

    http_connection = connect_then_read(http.client.HTTPConnection)
    https_connection = connect_then_read(http.client.HTTPSConnection)

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_connection, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(https_connection, req, context=self._context)

    return urllib.request.build_opener(HTTP, HTTPS)


def _fetch(url, target, md5, progress, timeout, connect_timeout):
    """Stream ``url`` into ``target`` atomically, checking the MD5 before the file appears."""
    import urllib.request  # the network modules load on the first download: 25 ms of import
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    with _opener(connect_timeout, timeout).open(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        bar = _Progress(os.path.basename(target), total) if progress else None
        digest = hashlib.md5(usedforsecurity=False)
        try:
            with atomic_open(target) as file:
                received = 0
                while chunk := response.read(1 << 16):
                    file.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if bar:
                        bar.update(received)
                if digest.hexdigest() != md5:
                    raise _ChecksumMismatch(f"MD5 mismatch: expected {md5}, got {digest.hexdigest()} "
                                            f"for the {received} bytes received")
        finally:
            if bar:
                bar.close()


def _reason(exc):
    import urllib.error
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def _unreachable(exc):
    """Whether ``exc`` means the mirror could not be reached at all (no route, no DNS, refused,
    timed out), so that asking it for the next file is pointless."""
    import urllib.error
    if isinstance(exc, urllib.error.HTTPError):
        return False
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError))


def _url_list(mirrors):
    """``mirrors`` as a tuple of URLs; a single URL string counts as a list of one."""
    return (mirrors,) if isinstance(mirrors, str) else tuple(mirrors)


def _missing_directories(directory):
    """``directory`` and those of its parents that do not exist yet, deepest first."""
    missing, path = [], os.path.abspath(directory)
    while not os.path.exists(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return missing


def _remove_empty(directories):
    for path in directories:  # deepest first; stops at the first that is not empty
        try:
            os.rmdir(path)
        except OSError:
            return


def download(filename, directory, md5, mirrors, progress=True, timeout=30, connect_timeout=5,
             _skip=None):
    """Download ``filename`` into ``directory`` from the first mirror serving it with MD5 ``md5``.

    ``mirrors`` is a list of base URLs (or one URL) that ``filename`` is appended to. Each
    mirror gets ``connect_timeout`` seconds to answer and then ``timeout`` seconds between
    chunks of data. The file is streamed to a temporary file in ``directory`` and renamed into
    place only once its checksum matches, so a failed or corrupted download never leaves a
    partial file, and directories created for it are removed again if it fails. Unless
    ``progress=False``, a line on stderr names each mirror tried and a progress bar follows
    the download. Returns the path of the file; raises :class:`DownloadError` listing every
    mirror's failure if none works.

    >>> download("t10k-labels-idx1-ubyte.gz", "/tmp/mnist",          # doctest: +SKIP
    ...          "ec29112dd5afa0611ce80d1b7f02629c", MNIST.mirrors)
    '/tmp/mnist/t10k-labels-idx1-ubyte.gz'
    """
    import http.client  # see _fetch
    directory = os.fspath(directory)
    created = _missing_directories(directory)
    target = os.path.join(directory, filename)
    failures = []
    try:
        os.makedirs(directory, exist_ok=True)
        for mirror in _url_list(mirrors):
            url = mirror if mirror.endswith("/") else mirror + "/"
            url += filename
            if _skip is not None and mirror in _skip:
                failures.append((url, f"skipped: {_skip[mirror]}"))
                continue
            if progress:
                sys.stderr.write(f"downloading {filename} from {mirror}\n")
                sys.stderr.flush()
            try:
                _fetch(url, target, md5, progress, timeout, connect_timeout)
                return target
            except (OSError, http.client.HTTPException, ValueError, _ChecksumMismatch) as exc:
                failures.append((url, _reason(exc)))
                if progress:
                    sys.stderr.write(f"  failed: {_reason(exc)}\n")
                if _skip is not None and _unreachable(exc):
                    _skip[mirror] = f"unreachable a moment ago ({_reason(exc)})"
    except BaseException:
        _remove_empty(created)
        raise
    _remove_empty(created)
    details = "".join(f"\n  {url}: {reason}" for url, reason in failures) or " (no mirrors given)"
    raise DownloadError(f"could not download {filename}:{details}", failures)


class MNIST(Dataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28 pixels.

    Args:
        root: data root (see the module docs); default ``$TINYGRAD_LITE_DATA`` or
            ``~/.cache/tinygrad_lite``. The files are looked for in ``root/MNIST``, ``root`` and
            ``root/MNIST/raw``; downloads go to ``root/MNIST``.
        train: the training split if true, else the test split.
        download: fetch the split's missing files from ``mirrors``. Files already present are
            used as they are (checked for structure, not checksum).
        mirrors: base URLs to try in turn; default the class attribute ``mirrors``.

    Attributes: ``images`` (uint8, ``(N, 28, 28)``), ``labels`` (int64, ``(N,)``), ``arrays``
    (both, so :class:`DataLoader` batches them fast), ``paths`` (the image and label files read)
    and ``directory`` (where missing files are downloaded to). ``dataset[i]`` is
    ``(image, label)``. Raises :class:`DownloadError` when the files are missing and cannot be
    fetched, :class:`DatasetError` or ``IDXError`` when they are corrupt.

    >>> test = MNIST(root="/work/shared/data/mnist", train=False)   # doctest: +SKIP
    >>> len(test), test.images.shape, test[0][1]                    # doctest: +SKIP
    (10000, (10000, 28, 28), 7)
    """

    folder = "MNIST"
    mirrors = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")
    # MD5 of the published .gz files (torchvision's checksums).
    checksums = {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }
    # Pixel mean and standard deviation of the training images scaled to [0, 1].
    mean, std = 0.1307, 0.3081
    classes = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")

    def __init__(self, root=None, train=True, download=True, mirrors=None):
        self.root = data_root(root)
        self.directory = os.path.join(self.root, self.folder)
        self.train = bool(train)
        split = "train" if self.train else "t10k"
        names = (f"{split}-images-idx3-ubyte", f"{split}-labels-idx1-ubyte")
        mirrors = self.mirrors if mirrors is None else _url_list(mirrors)
        paths = [self._find(name) for name in names]
        missing = [name + ".gz" for name, path in zip(names, paths) if path is None]
        if missing:
            if not download:
                raise self._error(missing, mirrors, "download=False was given")
            self._download(missing, mirrors)
            paths = [self._find(name) for name in names]
        self.paths = tuple(paths)
        self.images, self.labels = self._load(*paths)

    def _find(self, name):
        """Path of ``name`` (``.gz`` preferred over raw) in the first search directory holding it."""
        for directory in (self.directory, self.root, os.path.join(self.directory, "raw")):
            for candidate in (name + ".gz", name):
                path = os.path.join(directory, candidate)
                if os.path.isfile(path):
                    return path
        return None

    def _download(self, missing, mirrors):
        failures, unreachable = [], {}  # a mirror that cannot be reached is not asked again
        for filename in missing:
            try:
                download(filename, self.directory, self.checksums[filename], mirrors,
                         _skip=unreachable)
            except DownloadError as err:
                failures += err.failures
        if failures:
            details = "".join(f"\n  {url}: {reason}" for url, reason in failures)
            raise self._error(missing, mirrors, "downloading failed:" + details, failures)

    def _error(self, missing, mirrors, reason, failures=()):
        split = "train" if self.train else "test"
        source = f", e.g. from {mirrors[0].rstrip('/')}/" if mirrors else ""
        wanted = "".join(f"\n  {name}  (MD5 {self.checksums[name]}{source}{name})" for name in missing)
        message = (f"{type(self).__name__} {split} files are missing and {reason}\n"
                   f"Put these files in {self.directory} (gzip-compressed as published, or "
                   f"uncompressed without the .gz suffix):{wanted}\n"
                   f"or point root= or the TINYGRAD_LITE_DATA environment variable at a directory "
                   f"holding them.")
        return DownloadError(message, failures, dataset=type(self).__name__,
                             directory=self.directory, files=tuple(self.checksums),
                             mirrors=mirrors)

    @staticmethod
    def _load(image_path, label_path):
        images, labels = read_idx(image_path), read_idx(label_path)
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
            raise DatasetError(f"{image_path}: expected uint8 images of shape (N, 28, 28), "
                               f"got {images.dtype} data of shape {images.shape}")
        if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
            raise DatasetError(f"{label_path}: expected a 1-D array of integer labels, "
                               f"got {labels.dtype} data of shape {labels.shape}")
        if len(images) != len(labels):
            raise DatasetError(f"{image_path} holds {len(images)} images but {label_path} holds "
                               f"{len(labels)} labels; the counts must agree")
        bad = np.flatnonzero((labels < 0) | (labels > 9))
        if bad.size:
            raise DatasetError(f"{label_path}: label {labels[bad[0]]} at index {bad[0]} is outside 0..9 "
                               f"({bad.size} labels out of range)")
        return images, labels.astype(np.int64)

    @property
    def arrays(self):
        """``(images, labels)``, the arrays :class:`DataLoader` indexes whole batches from."""
        return self.images, self.labels

    def tensors(self, flatten=True, standardize=False):
        """The whole split as ``(X, y)`` Tensors: X float32 scaled to [0, 1], y int64.

        ``flatten`` gives X the shape ``(N, 784)`` instead of ``(N, 28, 28)``. ``standardize``
        further maps X to ``(X - mean) / std`` with the class's training-set statistics
        (MNIST: 0.1307 and 0.3081), giving roughly zero mean and unit variance.

        >>> X, y = MNIST(train=False).tensors()                     # doctest: +SKIP
        >>> X.shape, float(X.numpy().max()), y.dtype                # doctest: +SKIP
        ((10000, 784), 1.0, dtype('int64'))
        """
        x = self.images.astype(np.float32) / np.float32(255)
        if flatten:
            x = x.reshape(len(x), -1)
        if standardize:
            x = (x - np.float32(self.mean)) / np.float32(self.std)
        return Tensor(x), Tensor(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]

    def __len__(self):
        return len(self.labels)

    def __repr__(self):
        split = "train" if self.train else "test"
        return f"{type(self).__name__}({split}, {len(self)} samples, images from {self.paths[0]!r})"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 greyscale clothing images in 10 classes, laid out as MNIST.

    Same arguments and attributes as :class:`MNIST`; files live in ``root/FashionMNIST``.
    ``classes`` names the labels.

    >>> train = FashionMNIST(train=True)                            # doctest: +SKIP
    >>> train.classes[int(train.labels[0])]                         # doctest: +SKIP
    'Ankle boot'
    """

    folder = "FashionMNIST"
    mirrors = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
    checksums = {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    }
    mean, std = 0.2860, 0.3530
    classes = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
