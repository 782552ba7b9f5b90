"""Checkpoints: ``save(obj, path)`` and ``load(path)`` for nested dicts, lists and tuples of
Tensors, NumPy arrays, ints, floats, bools, strings and None.

The file is a NumPy ``.npz`` archive that never needs pickle: every Tensor or array is one
entry (``a0``, ``a1``, ...) and the structure is a JSON document in the entry ``structure``,
so loading a file cannot execute code. Saving writes a temporary file next to the target,
flushes and fsyncs it, then renames it over the target in one step, so a crash mid-save
leaves the previous checkpoint intact. Overwriting keeps the file's permission bits, and a path
that is a symbolic link is written through to the link's target (the link stays). A save killed
midway leaves its temporary file (``.NAME.PID.XXXXXXXXXXXX.tinygrad_lite-tmp``) behind; the next
save to the same path removes it once the process PID that wrote it has gone.

A path ending in ``.safetensors`` is read and written in the safetensors format (a flat dict of
named tensors, as PyTorch, JAX and Hugging Face use) through the optional ``safetensors``
package (``pip install safetensors``): a ``state_dict`` saved that way loads into the same
architecture in PyTorch with ``safetensors.torch.load_file``, and the reverse.

>>> import tinygrad_lite as tg
>>> from tinygrad_lite import nn
>>> model = nn.Linear(3, 2)
>>> tg.save({"model": model.state_dict(), "epoch": 3}, "/tmp/checkpoint.npz")
>>> ckpt = tg.load("/tmp/checkpoint.npz")
>>> model.load_state_dict(ckpt["model"]); ckpt["epoch"]
IncompatibleKeys(missing_keys=[], unexpected_keys=[])
3
"""
import contextlib
import json
import os
import secrets
import stat
from collections import OrderedDict

import numpy as np

from .arguments import check_cpu_device
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
    if isinstance(node, list):
        raise ValueError("a bare JSON array where a node was expected")
    if not isinstance(node, dict):
        return node
    if len(node) != 1:
        raise ValueError(f"a node has {len(node)} keys, expected one")
    (kind, value), = node.items()
    if kind == "tensor":
        entry, requires_grad = value
        if not isinstance(requires_grad, bool):
            raise ValueError(f"requires_grad is {requires_grad!r}, not a bool")
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


# A temporary file is ".NAME.PID.TOKEN.tinygrad_lite-tmp" beside NAME: PID is the writer's
# process id, TOKEN 12 hex digits. Nothing else is ever named like that, so a later save to NAME
# can recognise the leftovers of a killed save and remove those whose writer has gone.
_TEMP_SUFFIX = ".tinygrad_lite-tmp"


def _temp_name(name):
    return f".{name}.{os.getpid()}.{secrets.token_hex(6)}{_TEMP_SUFFIX}"


def _writer_pid(entry, name):
    """The writer's pid if ``entry`` is one of our temporary names for ``name``, else None."""
    prefix = f".{name}."
    if not (entry.startswith(prefix) and entry.endswith(_TEMP_SUFFIX)):
        return None
    parts = entry[len(prefix):-len(_TEMP_SUFFIX)].split(".")
    if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 12:
        return None
    if any(c not in "0123456789abcdef" for c in parts[1]):
        return None
    return int(parts[0])


def _process_alive(pid):
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists but belongs to someone else
        return True
    return True


def _remove_stale_temporaries(directory, name):
    """Delete the temporary files that saves to ``name`` left behind in ``directory`` when they
    were killed, i.e. those whose writing process no longer exists."""
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        pid = _writer_pid(entry, name)
        if pid is not None and not _process_alive(pid):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, entry))


def _naming(error, path):
    """``error`` (an OSError about some file of the save) re-raised about the user's ``path``."""
    if error.errno is None:
        return OSError(f"cannot save to {path!r}: {error}")
    return OSError(error.errno, f"cannot save: {error.strerror or error}", path)


def _write_atomically(path, write):
    """Call ``write(file)`` on a temporary file beside ``path``'s real target, then rename it over
    the target. A symbolic link is followed (the link is kept and its target replaced); an
    existing file keeps its permission bits. OSErrors name ``path``, never the temporary."""
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        mode = _new_file_mode()
    except OSError as e:
        raise _naming(e, path) from None
    else:
        if stat.S_ISDIR(existing.st_mode):
            raise IsADirectoryError(21, "cannot save: it is a directory", path)
        mode = stat.S_IMODE(existing.st_mode)
    _remove_stale_temporaries(directory, name)
    tmp = os.path.join(directory, _temp_name(name))
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except OSError as e:
        raise _naming(e, path) from None
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _naming(e, path) from None
        raise
    _fsync_directory(directory)


def save(obj, path):
    """Write ``obj`` to ``path`` atomically (the file name is used as given, no suffix added).

    A ``path`` ending in ``.safetensors`` takes a flat dict of names to Tensors or arrays (a
    ``state_dict``) and writes the safetensors format, which needs the ``safetensors`` package.

    >>> tg.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3},
    ...         "ckpt.npz")   # doctest: +SKIP
    >>> tg.save(model.state_dict(), "model.safetensors")   # doctest: +SKIP
    """
    path = os.fspath(path)
    if _is_safetensors(path):
        data = _safetensors_bytes(obj)
        _write_atomically(path, lambda f: f.write(data))
        return
    arrays = {}
    try:
        root = _encode(obj, arrays, "obj")
    except RecursionError:
        raise ValueError("save: obj is nested too deeply to store") from None
    structure = {"format": _FORMAT, "version": _VERSION, "root": root}
    arrays[_STRUCTURE] = np.array(json.dumps(structure))
    _write_atomically(path, lambda f: np.savez(f, **arrays))


# ---------------------------------------------------------------------------------------------
# safetensors (optional): a flat dict of named tensors, the format PyTorch and others share
# ---------------------------------------------------------------------------------------------

def _is_safetensors(path):
    return path.lower().endswith(".safetensors")


def _safetensors_numpy():
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError("reading and writing .safetensors files needs the optional safetensors "
                          "package: pip install safetensors (or pip install -e \".[safetensors]\" "
                          "in a checkout of tinygrad_lite)") from None
    return safetensors.numpy


def _safetensors_bytes(obj):
    if not isinstance(obj, dict):
        raise TypeError(f"save: a .safetensors file holds a flat dict of names to Tensors (a "
                        f"state_dict), got {type(obj).__name__}; use a .npz path for other objects")
    tensors = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"save: a .safetensors file needs str keys, got {key!r}")
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"save: obj[{key!r}] is a {type(value).__name__}; a .safetensors file "
                            f"holds only Tensors and arrays (use a .npz path for other objects)")
        array = value.numpy() if isinstance(value, Tensor) else value
        # not np.ascontiguousarray: it turns a 0-d array (num_batches_tracked) into shape (1,)
        tensors[key] = array if array.flags.c_contiguous else array.copy(order="C")
    st = _safetensors_numpy()
    try:
        return st.save(tensors)
    except Exception as e:  # e.g. a dtype the format lacks
        raise TypeError(f"save: cannot store these arrays as safetensors: {e}") from None


def _load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    st = _safetensors_numpy()
    try:
        arrays = st.load(data)
    except MemoryError:
        raise
    except KeyError as e:  # a dtype NumPy lacks, e.g. 'BF16'
        raise CheckpointError(path, f"it holds tensors of type {e.args[0]}, which NumPy cannot "
                                    f"represent; convert them to float32 before saving") from None
    except Exception as e:  # safetensors' own error type
        raise CheckpointError(path, f"not a readable .safetensors file: {e}") from None
    return {key: Tensor(array) for key, array in arrays.items()}


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Read a checkpoint written by :func:`save`: Tensors come back as Tensors (same dtype and
    requires_grad), ndarrays as ndarrays. Raises :class:`CheckpointError` for a file that is not
    a checkpoint, is truncated, lacks an entry or is otherwise malformed, and FileNotFoundError
    for a missing file. A ``.safetensors`` file comes back as a dict of names to Tensors.

    PyTorch's arguments are accepted: ``map_location`` may be ``"cpu"``, a device, a dict of
    locations (its ``"cpu"`` entry is used) or a callable ``(tensor, "cpu") -> tensor or None``
    applied to every Tensor; a target other than the CPU raises. ``weights_only`` changes
    nothing (a checkpoint never holds code), nor do ``mmap``, ``pickle_module`` and the pickle
    arguments.

    >>> ckpt = tg.load("ckpt.npz", map_location="cpu", weights_only=True)   # doctest: +SKIP
    """
    if isinstance(map_location, dict):
        map_location = map_location.get("cpu")
    if map_location is not None and not callable(map_location):
        check_cpu_device(map_location, "load: map_location")
    obj = _load(os.fspath(f))
    return obj if map_location is None or not callable(map_location) else _mapped(obj, map_location)


def _mapped(obj, fn):
    """``obj`` with every Tensor ``t`` replaced by ``fn(t, "cpu")`` (kept when that is None)."""
    if isinstance(obj, Tensor):
        result = fn(obj, "cpu")
        return obj if result is None else result
    if isinstance(obj, dict):
        return type(obj)((k, _mapped(v, fn)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_mapped(v, fn) for v in obj)
    return obj


def _load(path):
    if _is_safetensors(path):
        return _load_safetensors(path)
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic.startswith(b"\x93NUMPY"):
        raise CheckpointError(path, "it holds a single .npy array, not a checkpoint archive")
    if not magic.startswith(b"PK"):
        raise CheckpointError(path, f"not a checkpoint (.npz archive): it starts with {magic!r}")
    try:
        archive = np.load(path, allow_pickle=False)
    except MemoryError:
        raise
    except Exception as e:  # BadZipFile, EOFError, NotImplementedError (compression), ...
        raise CheckpointError(path, f"damaged or truncated archive: {e}") from None
    with archive:
        def read(entry):
            if not isinstance(entry, str) or entry not in archive.files:
                raise CheckpointError(path, f"missing entry {entry!r}")
            try:
                return archive[entry]
            except MemoryError:
                raise
            except Exception as e:
                raise CheckpointError(path, f"entry {entry!r} is damaged: {e}") from None

        text = read(_STRUCTURE)
        try:
            structure = json.loads(str(text[()]))
        except RecursionError:
            raise CheckpointError(path, f"entry {_STRUCTURE!r} is nested too deeply") from None
        except (IndexError, ValueError) as e:
            raise CheckpointError(path, f"entry {_STRUCTURE!r} is not valid JSON: {e}") from None
        if not isinstance(structure, dict) or structure.get("format") != _FORMAT:
            raise CheckpointError(path, f"entry {_STRUCTURE!r} does not describe a "
                                        f"tinygrad_lite checkpoint")
        if structure.get("version") != _VERSION:
            raise CheckpointError(path, f"unsupported checkpoint version {structure.get('version')!r}")
        try:
            return _decode(structure.get("root"), read)
        except (CheckpointError, MemoryError):
            raise
        except RecursionError:
            raise CheckpointError(path, f"entry {_STRUCTURE!r} is nested too deeply") from None
        except Exception as e:
            raise CheckpointError(path, f"entry {_STRUCTURE!r} is malformed: {e}") from None
