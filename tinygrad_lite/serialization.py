"""Checkpoints: ``save(obj, path)`` and ``load(path)`` for nested dicts, lists and tuples of
Tensors, NumPy arrays, ints, floats, bools, strings and None.

The file is a NumPy ``.npz`` archive that never needs pickle: every Tensor or array is one
entry (``a0``, ``a1``, ...) and the structure is a JSON document in the entry ``structure``,
so loading a file cannot execute code. Saving writes a temporary file next to the target,
flushes and fsyncs it, then renames it over the target in one step, so a crash mid-save
leaves the previous checkpoint intact.

>>> import tinygrad_lite as tg
>>> from tinygrad_lite import nn
>>> model = nn.Linear(3, 2)
>>> tg.save({"model": model.state_dict(), "epoch": 3}, "/tmp/checkpoint.npz")
>>> ckpt = tg.load("/tmp/checkpoint.npz")
>>> model.load_state_dict(ckpt["model"]); ckpt["epoch"]
IncompatibleKeys(missing_keys=[], unexpected_keys=[])
3
"""
import json
import os
import tempfile
import zipfile
from collections import OrderedDict

import numpy as np

from .tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

_FORMAT = "tinygrad_lite.checkpoint"
_VERSION = 1
_STRUCTURE = "structure"


class CheckpointError(ValueError):
    """A file is not a readable checkpoint; the message names the file and the problem.

    >>> try:
    ...     tg.load("notes.txt")   # a text file  # doctest: +SKIP
    ... except CheckpointError as err:
    ...     print(err.problem)
    not a checkpoint (.npz archive): it starts with b'hello,'
    """

    def __init__(self, path, problem):
        self.path, self.problem = os.fspath(path), problem
        super().__init__(f"cannot load checkpoint {self.path!r}: {problem}")


# ---------------------------------------------------------------------------------------------
# encoding: Python objects <-> JSON nodes plus a dict of arrays
# ---------------------------------------------------------------------------------------------
# A node is a JSON scalar (None, bool, int, float, str) or a one-key object:
#   {"dict": [[key, node], ...]}   {"odict": [...]}   {"list": [...]}   {"tuple": [...]}
#   {"tensor": [entry, requires_grad]}   {"array": entry}

_SCALARS = (type(None), bool, int, float, str)


def _encode(obj, arrays, where):
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, _SCALARS):
        return obj
    if isinstance(obj, (Tensor, np.ndarray)):
        array = obj.numpy() if isinstance(obj, Tensor) else obj
        if array.dtype.hasobject:
            raise TypeError(f"save: {where} is an array of Python objects, which cannot be stored "
                            f"without pickle")
        entry = f"a{len(arrays)}"
        arrays[entry] = array
        if isinstance(obj, Tensor):
            return {"tensor": [entry, bool(obj.requires_grad)]}
        return {"array": entry}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not isinstance(key, _SCALARS):
                raise TypeError(f"save: {where} has a key of type {type(key).__name__}; keys must "
                                f"be str, int, float, bool or None")
            items.append([key, _encode(value, arrays, f"{where}[{key!r}]")])
        return {"odict" if isinstance(obj, OrderedDict) else "dict": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    raise TypeError(f"save: {where} has unsupported type {type(obj).__name__}; a checkpoint holds "
                    f"dicts, lists, tuples, Tensors, ndarrays, int, float, bool, str and None")


def _decode(node, read):
    if not isinstance(node, dict):
        return node
    (kind, value), = node.items()
    if kind == "tensor":
        entry, requires_grad = value
        return Tensor(read(entry), requires_grad=requires_grad)
    if kind == "array":
        return read(value)
    if kind in ("dict", "odict"):
        return (OrderedDict if kind == "odict" else dict)((k, _decode(v, read)) for k, v in value)
    if kind == "list":
        return [_decode(v, read) for v in value]
    if kind == "tuple":
        return tuple(_decode(v, read) for v in value)
    raise ValueError(f"unknown node kind {kind!r}")


# ---------------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------------

def _fsync_directory(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open directories; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _new_file_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def save(obj, path):
    """Write ``obj`` to ``path`` atomically (the file name is used as given, no suffix added).

    >>> tg.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3},
    ...         "ckpt.npz")   # doctest: +SKIP
    """
    path = os.fspath(path)
    arrays = {}
    structure = {"format": _FORMAT, "version": _VERSION, "root": _encode(obj, arrays, "obj")}
    arrays[_STRUCTURE] = np.array(json.dumps(structure))
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        os.chmod(tmp, _new_file_mode())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


def load(path):
    """Read a checkpoint written by :func:`save`: Tensors come back as Tensors (same dtype and
    requires_grad), ndarrays as ndarrays. Raises :class:`CheckpointError` for a file that is not
    a checkpoint, is truncated or lacks an entry, and FileNotFoundError for a missing file.

    >>> ckpt = tg.load("ckpt.npz"); model.load_state_dict(ckpt["model"])   # doctest: +SKIP
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic.startswith(b"\x93NUMPY"):
        raise CheckpointError(path, "it holds a single .npy array, not a checkpoint archive")
    if not magic.startswith(b"PK"):
        raise CheckpointError(path, f"not a checkpoint (.npz archive): it starts with {magic!r}")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise CheckpointError(path, f"damaged or truncated archive: {e}") from None
    with archive:
        def read(entry):
            if entry not in archive.files:
                raise CheckpointError(path, f"missing entry {entry!r}")
            try:
                return archive[entry]
            except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as e:
                raise CheckpointError(path, f"entry {entry!r} is damaged: {e}") from None

        text = read(_STRUCTURE)
        try:
            structure = json.loads(str(text[()]))
        except (IndexError, ValueError) as e:
            raise CheckpointError(path, f"entry {_STRUCTURE!r} is not valid JSON: {e}") from None
        if not isinstance(structure, dict) or structure.get("format") != _FORMAT:
            raise CheckpointError(path, f"entry {_STRUCTURE!r} does not describe a "
                                        f"tinygrad_lite checkpoint")
        if structure.get("version") != _VERSION:
            raise CheckpointError(path, f"unsupported checkpoint version {structure.get('version')!r}")
        try:
            return _decode(structure.get("root"), read)
        except CheckpointError:
            raise
        except (ValueError, TypeError) as e:
            raise CheckpointError(path, f"entry {_STRUCTURE!r} is malformed: {e}") from None
