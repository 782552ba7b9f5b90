"""Reading and writing IDX files, the format MNIST and Fashion-MNIST ship in.

An IDX file is a 4-byte magic number ``00 00 TT ND`` (``TT`` the element type code, ``ND`` the
number of dimensions), then ``ND`` big-endian 32-bit dimension sizes, then the elements in
big-endian C order. Files may be gzip-compressed; :func:`read_idx` recognises gzip by its magic
bytes ``1f 8b``, whatever the file is called.

>>> import numpy as np
>>> write_idx("/tmp/example-idx1-ubyte.gz", np.arange(5, dtype=np.uint8))
>>> read_idx("/tmp/example-idx1-ubyte.gz")
array([0, 1, 2, 3, 4], dtype=uint8)
"""
import contextlib
import gzip
import math
import os
import zlib

import numpy as np

__all__ = ["IDXError", "read_idx", "write_idx"]

# Element type codes of the IDX format and the big-endian dtypes they are stored as.
IDX_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_TYPE_CODES = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 22  # read payloads in 4 MiB pieces so a lying header cannot force a huge allocation


class IDXError(ValueError):
    """An IDX file is corrupt or malformed; the message names the file and the problem.

    ``err.path`` is the file and ``err.problem`` the problem alone.

    >>> try:                                  # doctest: +SKIP
    ...     read_idx("hello.txt")             # a text file starting with "hello"
    ... except IDXError as err:
    ...     print(err.problem)
    wrong magic number 0x68656c6c at byte offset 0: the first two bytes must be zero
    """

    def __init__(self, path, problem):
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"invalid IDX file '{self.path}': {problem}")


def _read_up_to(stream, size):
    """Read ``size`` bytes, or fewer if the stream ends first, in bounded chunks."""
    buffer = bytearray()
    while len(buffer) < size:
        chunk = stream.read(min(_CHUNK, size - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    return buffer


def _count_rest(stream):
    """Number of bytes left in the stream (read and discarded)."""
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
    return total


def _parse(stream, path, where):
    """Parse an uncompressed IDX byte stream; ``where`` says which bytes offsets refer to."""
    magic = _read_up_to(stream, 4)
    if len(magic) < 4:
        raise IDXError(path, f"truncated header: expected a 4-byte magic number at byte offset 0{where}, "
                             f"got {len(magic)} bytes")
    if magic[0] != 0 or magic[1] != 0:
        raise IDXError(path, f"wrong magic number 0x{magic.hex()} at byte offset 0{where}: "
                             "the first two bytes must be zero")
    code, ndim = magic[2], magic[3]
    if code not in IDX_TYPES:
        known = ", ".join(f"0x{c:02X} ({d.name})" for c, d in IDX_TYPES.items())
        raise IDXError(path, f"unsupported element type code 0x{code:02X} at byte offset 2{where}; "
                             f"known codes: {known}")
    if ndim == 0:
        raise IDXError(path, f"the header declares zero dimensions (byte offset 3{where})")
    dims_bytes = _read_up_to(stream, 4 * ndim)
    header_size = 4 + 4 * ndim
    if len(dims_bytes) < 4 * ndim:
        raise IDXError(path, f"truncated header: {ndim} dimensions need a {header_size}-byte header, "
                             f"got {4 + len(dims_bytes)} bytes{where}")
    shape = tuple(int(d) for d in np.frombuffer(bytes(dims_bytes), dtype=">u4"))
    dtype = IDX_TYPES[code]
    expected = math.prod(shape) * dtype.itemsize
    payload = _read_up_to(stream, expected)
    if len(payload) < expected:
        raise IDXError(path, f"truncated payload: header dimensions {shape} of {dtype.name} need "
                             f"{expected} bytes after the {header_size}-byte header, got {len(payload)} "
                             f"(data ends at byte offset {header_size + len(payload)}{where})")
    trailing = _count_rest(stream)
    if trailing:
        raise IDXError(path, f"{trailing} trailing bytes at byte offset {header_size + expected}{where}: "
                             f"header dimensions {shape} of {dtype.name} account for only "
                             f"{header_size + expected} bytes")
    return np.frombuffer(payload, dtype=dtype).astype(dtype.newbyteorder("="), copy=False).reshape(shape)


def read_idx(path):
    """Read an IDX file (raw or gzip-compressed) into a NumPy array in native byte order.

    Raises :class:`IDXError` (a ``ValueError``) naming the file and the problem for corrupt input:
    a wrong magic number, an unsupported element type, a truncated header or payload, trailing
    bytes, or a corrupt gzip stream. Byte offsets count within the uncompressed data.

    >>> read_idx("train-labels-idx1-ubyte.gz")[:5]     # doctest: +SKIP
    array([5, 0, 4, 1, 9], dtype=uint8)
    """
    with open(path, "rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        if not compressed:
            return _parse(raw, path, "")
        try:
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                return _parse(stream, path, " of the decompressed data")
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise IDXError(path, f"corrupt gzip stream: {exc}") from None


@contextlib.contextmanager
def atomic_open(path):
    """Open a temporary file beside ``path`` for binary writing; on success it replaces ``path``.

    If the body raises, the temporary file is removed and ``path`` is left untouched, so readers
    never see a partial file. Temporaries are named as checkpoint saves name theirs, and those
    left by a killed writer (a download interrupted by kill -9) are removed on the next write.
    """
    from ..serialization import _remove_stale_temporaries, _temp_name
    path = os.fspath(path)
    directory, name = os.path.split(os.path.abspath(path))
    _remove_stale_temporaries(directory, name)
    temp = os.path.join(directory, _temp_name(name))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temp)
        raise


def write_idx(path, array):
    """Write ``array`` as an IDX file, gzip-compressed when ``path`` ends in ``.gz``.

    The element type follows the array's dtype, which must be one IDX supports: uint8, int8,
    int16, int32, float32 or float64 (convert others first, e.g. ``labels.astype(np.uint8)``).
    The write is atomic: the data goes to a temporary file in the same directory, which then
    replaces ``path``. Objects with a ``.numpy()`` method (a ``Tensor``) are accepted too.

    >>> import numpy as np
    >>> write_idx("/tmp/images-idx3-ubyte", np.zeros((2, 28, 28), dtype=np.uint8))
    """
    if hasattr(array, "numpy"):
        array = array.numpy()
    array = np.asarray(array)
    code = _TYPE_CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        supported = ", ".join(d.name for d in IDX_TYPES.values())
        raise TypeError(f"write_idx: IDX cannot store dtype {array.dtype}; supported: {supported}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"write_idx: IDX needs 1 to 255 dimensions, got an array of shape {array.shape}")
    if max(array.shape) >= 1 << 32:
        raise ValueError(f"write_idx: every dimension must be below 2**32, got shape {array.shape}")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    with atomic_open(path) as file:
        if os.fspath(path).endswith(".gz"):
            with gzip.GzipFile(fileobj=file, mode="wb", mtime=0) as stream:
                stream.write(header)
                stream.write(payload)
        else:
            file.write(header)
            file.write(payload)
