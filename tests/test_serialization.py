"""save/load: round trips keep structure and dtypes, writes are atomic, bad files give clear
errors and loading never unpickles."""
import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite import nn, serialization
from tinygrad_lite.serialization import CheckpointError, load, save
from tinygrad_lite.tensor import Tensor


def model():
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def leftovers(directory, keep):
    return sorted(set(os.listdir(directory)) - set(keep))


def test_exposed_at_top_level():
    assert tg.save is save and tg.load is load


def test_round_trip_keeps_structure_types_and_dtypes(tmp_path):
    obj = {
        "f32": Tensor(np.arange(6, dtype=np.float32).reshape(2, 3)),
        "f64": Tensor(np.array([1.5, -2.0])),
        "i64": Tensor(np.array(7, dtype=np.int64)),
        "flag": Tensor(np.array([True, False])),
        "param": nn.Parameter(np.ones(2, dtype=np.float32)),
        "array": np.arange(3, dtype=np.int32),
        "nested": [1, 2.5, True, None, "text", (0.9, 0.999), {"deep": [np.zeros((0, 2))]}],
        "ordered": OrderedDict([("b", 1), ("a", 2)]),
        3: "int key",
        "nan": float("nan"),
        "np_scalar": np.float32(0.25),
    }
    path = tmp_path / "ckpt.npz"
    save(obj, path)
    back = load(path)
    assert list(back) == list(obj)
    for key in ("f32", "f64", "i64", "flag"):
        assert type(back[key]) is Tensor and back[key].dtype == obj[key].dtype
        np.testing.assert_array_equal(back[key].numpy(), obj[key].numpy())
        assert not back[key].requires_grad
    assert type(back["param"]) is Tensor and back["param"].requires_grad
    assert type(back["array"]) is np.ndarray and back["array"].dtype == np.int32
    assert back["nested"][:6] == [1, 2.5, True, None, "text", (0.9, 0.999)]
    assert type(back["nested"][0]) is int and type(back["nested"][2]) is bool
    assert back["nested"][6]["deep"][0].shape == (0, 2)
    assert type(back["ordered"]) is OrderedDict and list(back["ordered"]) == ["b", "a"]
    assert back[3] == "int key" and np.isnan(back["nan"]) and back["np_scalar"] == 0.25


def test_model_and_optimizer_style_checkpoint_round_trip(tmp_path):
    source, target = model(), model()
    source(tg.randn(16, 4))  # move the BatchNorm running statistics
    ckpt = {"model": source.state_dict(),
            "optim": {"state": {0: {"step": 3, "exp_avg": np.ones((8, 4))}},
                      "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 1]}]},
            "epoch": 3}
    save(ckpt, tmp_path / "run.ckpt")  # any file name, used as given
    assert os.listdir(tmp_path) == ["run.ckpt"]
    back = load(str(tmp_path / "run.ckpt"))
    assert list(back["model"]) == list(source.state_dict())
    target.load_state_dict(back["model"])
    x = tg.randn(5, 4)
    np.testing.assert_array_equal(source.eval()(x).numpy(), target.eval()(x).numpy())
    assert target[1].num_batches_tracked.item() == 1
    assert back["optim"]["state"][0]["step"] == 3
    assert back["optim"]["param_groups"][0]["betas"] == (0.9, 0.999) and back["epoch"] == 3


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"v": 1}, path)
    save({"v": 2}, path)
    assert load(path) == {"v": 2} and os.listdir(tmp_path) == ["ckpt.npz"]


def test_failed_write_leaves_previous_checkpoint_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save({"weights": Tensor(np.ones(3, dtype=np.float32)), "epoch": 1}, path)
    before = path.read_bytes()

    def crash_midway(file, **arrays):
        file.write(b"PK\x03\x04 partial archive")
        raise OSError("disk full")

    monkeypatch.setattr(serialization.np, "savez", crash_midway)
    with pytest.raises(OSError, match="disk full"):
        save({"weights": Tensor(np.zeros(3, dtype=np.float32)), "epoch": 2}, path)
    assert path.read_bytes() == before
    assert leftovers(tmp_path, ["ckpt.npz"]) == []
    assert load(path)["epoch"] == 1


def test_interrupted_rename_leaves_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save({"epoch": 1}, path)

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(serialization.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save({"epoch": 2}, path)
    assert load(path) == {"epoch": 1} and leftovers(tmp_path, ["ckpt.npz"]) == []


def test_unsupported_objects_are_refused_before_writing(tmp_path):
    path = tmp_path / "ckpt.npz"
    with pytest.raises(TypeError, match=r"obj\['model'\]\['bad'\] has unsupported type set"):
        save({"model": {"bad": {1, 2}}}, path)
    with pytest.raises(TypeError, match=r"obj\[0\] is an array of Python objects"):
        save([np.array([None, 1], dtype=object)], path)
    with pytest.raises(TypeError, match="has a key of type tuple"):
        save({(1, 2): 3}, path)
    assert os.listdir(tmp_path) == []


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.npz")


@pytest.mark.parametrize("content", [b"hello, not a checkpoint\n", b"", b"PK\x03\x04garbage"])
def test_not_a_checkpoint(tmp_path, content):
    path = tmp_path / "notes.npz"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="notes.npz") as err:
        load(path)
    assert err.value.path == str(path) and isinstance(err.value, ValueError)


def test_truncated_checkpoint(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"w": Tensor(np.arange(1000, dtype=np.float32))}, path)
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10):
        path.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match="ckpt.npz"):
            load(path)


def test_corrupted_entry_names_the_key(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"w": Tensor(np.arange(1000, dtype=np.float32))}, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the array's bytes: the zip CRC no longer matches
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=r"ckpt.npz.*entry 'a0' is damaged"):
        load(path)


def test_plain_npz_and_npy_files_are_not_checkpoints(tmp_path):
    np.savez(tmp_path / "plain.npz", weights=np.ones(3))
    with pytest.raises(CheckpointError, match=r"plain.npz.*missing entry 'structure'"):
        load(tmp_path / "plain.npz")
    np.save(tmp_path / "one.npy", np.ones(3))
    with pytest.raises(CheckpointError, match="one.npy.*single .npy array"):
        load(tmp_path / "one.npy")


def _rewrite(path, drop=(), structure=None):
    """Copy the archive at ``path`` without the entries ``drop``, optionally replacing the
    structure document."""
    with np.load(path) as archive:
        arrays = {k: archive[k] for k in archive.files if k not in drop}
    if structure is not None:
        arrays["structure"] = np.array(structure)
    np.savez(path, **arrays)


def test_checkpoint_lacking_an_entry_names_the_key(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"a": np.zeros(2), "b": Tensor(np.ones(2, dtype=np.float32))}, path)
    _rewrite(path, drop=("a1",))
    with pytest.raises(CheckpointError, match=r"ckpt.npz.*missing entry 'a1'"):
        load(path)


@pytest.mark.parametrize("document, message", [
    ("{not json", "not valid JSON"),
    (json.dumps({"format": "something else", "version": 1, "root": None}), "does not describe"),
    (json.dumps({"format": "tinygrad_lite.checkpoint", "version": 99, "root": None}), "version 99"),
    (json.dumps({"format": "tinygrad_lite.checkpoint", "version": 1, "root": {"what": 1}}),
     "malformed")])
def test_bad_structure_document(tmp_path, document, message):
    path = tmp_path / "ckpt.npz"
    save({"x": 1}, path)
    _rewrite(path, structure=document)
    with pytest.raises(CheckpointError, match=message):
        load(path)


class _Exploit:
    marker = None

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def test_loading_never_unpickles(tmp_path):
    marker = tmp_path / "pwned"
    _Exploit.marker = str(marker)
    payload = np.empty(1, dtype=object)
    payload[0] = _Exploit()
    path = tmp_path / "evil.npz"
    np.savez(path, structure=np.array(json.dumps(
        {"format": "tinygrad_lite.checkpoint", "version": 1, "root": {"array": "a0"}})),
        a0=payload)
    with pytest.raises(CheckpointError, match=r"evil.npz.*entry 'a0'"):
        load(path)
    raw = tmp_path / "evil.pkl"
    raw.write_bytes(pickle.dumps(_Exploit()))
    with pytest.raises(CheckpointError, match="evil.pkl"):
        load(raw)
    assert not marker.exists()


def test_file_is_a_plain_zip_of_npy_entries(tmp_path):
    path = tmp_path / "ckpt.npz"
    save({"w": Tensor(np.ones(2, dtype=np.float32))}, path)
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["a0.npy", "structure.npy"]
        structure = json.loads(str(np.load(io.BytesIO(z.read("structure.npy")))[()]))
    assert structure["root"] == {"dict": [["w", {"tensor": ["a0", False]}]]}


# --- saves that fail, are killed, overwrite or go through links ------------------------------------

def temporaries(directory):
    return sorted(n for n in os.listdir(directory) if n.endswith(".tinygrad_lite-tmp"))


_KILLED_SAVE = """
import os, signal, sys
import numpy as np
import tinygrad_lite as tg
from tinygrad_lite import serialization

def die_midway(file, **arrays):
    file.write(b"PK\\x03\\x04 the first bytes of a large archive")
    file.flush()
    os.kill(os.getpid(), signal.SIGKILL)

serialization.np.savez = die_midway
tg.save({"w": np.zeros(10)}, sys.argv[1])
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_a_killed_save_leaves_a_temporary_that_the_next_save_removes(tmp_path):
    import subprocess
    import sys
    path = tmp_path / "ckpt.npz"
    save({"epoch": 1}, path)
    kills = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-c", _KILLED_SAVE, str(path)],
                                cwd=os.path.dirname(os.path.dirname(serialization.__file__)))
        assert result.returncode == -9
        kills.append(temporaries(tmp_path))
    # each killed save left its temporary; the second removed the first's; the old file holds
    assert len(kills[0]) == 1 and len(kills[1]) == 1 and kills[0] != kills[1]
    assert load(path) == {"epoch": 1}
    # files that are not a dead writer's temporaries of this name are left alone
    alive = f".ckpt.npz.{os.getppid()}.0123456789ab.tinygrad_lite-tmp"
    others = [alive, ".ckpt.npz.abc123.tmp", ".other.npz.1.0123456789ab.tinygrad_lite-tmp",
              "ckpt.npz.99999999.0123456789ab.tinygrad_lite-tmp"]
    for name in others:
        (tmp_path / name).write_bytes(b"not ours to delete")
    save({"epoch": 2}, path)
    assert load(path) == {"epoch": 2}
    assert sorted(os.listdir(tmp_path)) == sorted(["ckpt.npz", *others])


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444])
def test_overwriting_keeps_the_files_permissions(tmp_path, mode):
    path = tmp_path / "ckpt.npz"
    save({"v": 1}, path)
    os.chmod(path, mode)
    save({"v": 2}, path)
    assert load(path) == {"v": 2}
    assert os.stat(path).st_mode & 0o7777 == mode


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_saving_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    (tmp_path / "runs").mkdir()
    real = tmp_path / "runs" / "epoch-3.npz"
    save({"v": 1}, real)
    os.chmod(real, 0o600)
    link = tmp_path / "latest.npz"
    link.symlink_to(os.path.join("runs", "epoch-3.npz"))
    save({"v": 2}, link)
    assert link.is_symlink() and os.readlink(link) == os.path.join("runs", "epoch-3.npz")
    assert load(real) == {"v": 2} and load(link) == {"v": 2}
    assert os.stat(real).st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path / "runs") == ["epoch-3.npz"]
    dangling = tmp_path / "new.npz"
    dangling.symlink_to(tmp_path / "runs" / "new-target.npz")
    save({"v": 3}, dangling)
    assert dangling.is_symlink() and load(tmp_path / "runs" / "new-target.npz") == {"v": 3}


def test_errors_name_the_users_path_not_the_temporary(tmp_path, monkeypatch):
    import errno
    path = tmp_path / "no-such-dir" / "ckpt.npz"
    with pytest.raises(FileNotFoundError) as info:
        save({"v": 1}, path)
    assert info.value.filename == str(path) and "tinygrad_lite-tmp" not in str(info.value)
    with pytest.raises(IsADirectoryError) as info:
        save({"v": 1}, tmp_path)
    assert info.value.filename == str(tmp_path)

    def disk_full(file, **arrays):
        raise OSError(errno.ENOSPC, "No space left on device", file.name)

    monkeypatch.setattr(serialization.np, "savez", disk_full)
    target = tmp_path / "ckpt.npz"
    with pytest.raises(OSError) as info:
        save({"v": 1}, target)
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)
    assert "tinygrad_lite-tmp" not in str(info.value) and str(target) in str(info.value)
    assert os.listdir(tmp_path) == []


# --- any malformed checkpoint is a CheckpointError ------------------------------------------------

def _with_root(tmp_path, root_json):
    path = tmp_path / "ckpt.npz"
    save({"x": np.zeros(2)}, path)
    _rewrite(path, structure='{"format": "tinygrad_lite.checkpoint", "version": 1, "root": '
                             + root_json + "}")
    return path


@pytest.mark.parametrize("depth", [900, 5000, 200_000])
def test_deeply_nested_structure_is_a_checkpoint_error(tmp_path, depth):
    path = _with_root(tmp_path, '{"list": [' * depth + "1" + "]}" * depth)
    with pytest.raises(CheckpointError, match="ckpt.npz.*nested too deeply"):
        load(path)
    too_deep = [1]
    for _ in range(depth):
        too_deep = [too_deep]
    if depth >= 5000:
        with pytest.raises(ValueError, match="nested too deeply"):
            save(too_deep, tmp_path / "deep.npz")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
    | st.sampled_from(["a0", "structure", "tensor", "array", "dict", "list", "tuple", "odict"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["tensor", "array", "dict", "odict", "list", "tuple", "x"]),
                      children, max_size=2),
    max_leaves=12)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(root=json_values)
def test_any_structure_document_loads_or_is_a_checkpoint_error(tmp_path, root):
    path = _with_root(tmp_path, json.dumps(root))
    try:
        load(path)
    except CheckpointError as err:
        assert err.path == str(path)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_damaged_byte_gives_a_checkpoint_error_or_the_data(tmp_path, data):
    path = tmp_path / "ckpt.npz"
    save({"w": Tensor(np.arange(6, dtype=np.float32)), "n": [1, (2, "x")]}, path)
    content = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 3))):
        content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(content)))
    path.write_bytes(bytes(content[:cut]))
    try:
        load(path)
    except CheckpointError:
        pass
