"""Module extras (ModuleDict, ParameterList, ParameterDict, traversal, get_*, to/half/cpu,
load_state_dict(assign=)), nn.utils (gradient clipping, parameter vectors, pad_sequence) and
load(map_location=, weights_only=), checked against PyTorch."""
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
from tinygrad_lite import nn
from tinygrad_lite.nn.utils import (clip_grad_norm_, clip_grad_value_, get_total_norm,
                                    parameters_to_vector, vector_to_parameters)
from tinygrad_lite.nn.utils.rnn import pad_sequence, unpad_sequence
from helpers import leaf, seeds, uniform

torch = pytest.importorskip("torch")


# --- containers -------------------------------------------------------------------------------

def test_module_dict():
    d = nn.ModuleDict({"b": nn.Linear(2, 3), "a": nn.ReLU()})
    assert list(d) == ["b", "a"] and list(d.keys()) == ["b", "a"] and "a" in d and len(d) == 2
    d["c"] = nn.Linear(3, 1)
    d.update([("e", nn.Tanh())])
    assert [n for n, _ in d.named_parameters()] == ["b.weight", "b.bias", "c.weight", "c.bias"]
    assert isinstance(d.pop("a"), nn.ReLU) and "a" not in d
    del d["e"]
    assert list(d) == ["b", "c"]
    assert repr(d) == ("ModuleDict(\n  (b): Linear(in_features=2, out_features=3, bias=True)\n"
                       "  (c): Linear(in_features=3, out_features=1, bias=True)\n)")
    with pytest.raises(ValueError, match="element #0 has length 1"):
        d.update([("x",)])
    with pytest.raises(TypeError, match="should be Iterable"):
        d.update([3])
    d.clear()
    assert len(d) == 0


def test_parameter_list_matches_torch():
    mine = nn.ParameterList([nn.Parameter(tg.zeros(3)), tg.zeros(2, 2, dtype=tg.float64)])
    theirs = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(3)), torch.zeros(2, 2, dtype=torch.float64)])
    assert isinstance(mine[1], nn.Parameter) and mine[-1] is mine[1]
    assert repr(mine) == repr(theirs).replace("torch.", "")
    mine.append(tg.ones(1))
    mine += [tg.ones(2)]
    assert len(mine) == 4 and [n for n, _ in mine.named_parameters()] == ["0", "1", "2", "3"]
    assert len(mine[1:3]) == 2
    with pytest.raises(IndexError):
        mine[4]


def test_parameter_dict():
    d = nn.ParameterDict({"z": tg.ones(1), "a": nn.Parameter(tg.zeros(2))})
    assert list(d) == ["a", "z"]  # a plain dict is added in sorted order, as PyTorch
    d["m"] = tg.ones(3)
    assert isinstance(d["m"], nn.Parameter) and len(d) == 3 and "m" in d
    assert list(dict(d.named_parameters())) == ["a", "z", "m"]
    assert d.get("missing") is None and d.pop("z").shape == (1,)
    assert repr(nn.ParameterDict({"a": tg.zeros(3)})) == \
        "ParameterDict(  (a): Parameter containing: [float32 of size 3])"
    with pytest.raises(TypeError, match="not a string"):
        d[1] = tg.ones(1)
    d.clear()
    assert len(d) == 0 and list(d.parameters()) == []


# --- traversal and lookup ---------------------------------------------------------------------

def build(lib):
    inner = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.BatchNorm1d(3))
    return lib.nn.Sequential(inner, lib.nn.ReLU(), inner)  # a shared child


def test_traversal_names_match_torch():
    mine, theirs = build(tg), build(torch)
    for call in (lambda m: [n for n, _ in m.named_modules()],
                 lambda m: [n for n, _ in m.named_modules(prefix="root")],
                 lambda m: [n for n, _ in m.named_modules(remove_duplicate=False)],
                 lambda m: [n for n, _ in m.named_parameters(prefix="p")],
                 lambda m: [n for n, _ in m.named_parameters(remove_duplicate=False)],
                 lambda m: [n for n, _ in m[0].named_parameters(recurse=False)],
                 lambda m: [n for n, _ in m.named_buffers()],
                 lambda m: [n for n, _ in m.named_children()],
                 lambda m: [type(c).__name__ for c in m.children()],
                 lambda m: len(list(m.modules()))):
        assert call(mine) == call(theirs)


def test_named_modules_memo():
    model = build(tg)
    memo = {model[0]}
    assert [n for n, _ in model.named_modules(memo)] == ["", "1"]
    assert model[1] in memo


def test_get_submodule_parameter_buffer():
    model = build(tg)
    assert model.get_submodule("0.1") is model[0][1] and model.get_submodule("") is model
    assert model.get_parameter("0.0.weight") is model[0][0].weight
    assert model.get_buffer("0.1.running_mean") is model[0][1].running_mean
    for call, message in ((lambda: model.get_submodule("0.x"), "Sequential has no attribute `x`"),
                          (lambda: model.get_submodule("0.0.weight"), "`weight` is not an nn.Module"),
                          (lambda: model.get_parameter("0.0.in_features"), "`in_features` is not an nn.Parameter"),
                          (lambda: model.get_buffer("0.0.weight"), "`weight` is not a buffer")):
        with pytest.raises(AttributeError, match=message):
            call()


def test_apply_train_eval_requires_grad_zero_grad():
    model = build(tg)
    seen, torch_seen = [], []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    build(torch).apply(lambda m: torch_seen.append(type(m).__name__))
    assert seen == torch_seen == ["Linear", "BatchNorm1d", "Sequential", "ReLU", "Sequential"]
    assert model.eval() is model and not model[0][1].training
    assert model.train() is model and model[0][1].training
    assert model.requires_grad_(False) is model and not any(p.requires_grad for p in model.parameters())
    model.requires_grad_(True)
    model(tg.randn(4, 3)).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_non_persistent_buffer_and_register_parameter():
    m = nn.Module()
    m.register_buffer("kept", tg.zeros(1))
    m.register_buffer("scratch", tg.zeros(2), persistent=False)
    m.register_parameter("w", nn.Parameter(tg.ones(1)))
    assert list(m.state_dict()) == ["w", "kept"]
    assert [n for n, _ in m.named_buffers()] == ["kept", "scratch"]


# --- conversion -------------------------------------------------------------------------------

def test_to_device_and_dtype_forms():
    lin = nn.Linear(2, 2)
    weight = lin.weight
    assert lin.to("cpu") is lin and lin.cpu() is lin
    assert lin.to("cpu", tg.float64).weight.dtype == np.float64 and lin.weight is weight
    assert lin.to(dtype=tg.float32).weight.dtype == np.float32
    assert lin.to(tg.zeros(1, dtype=tg.float64)).weight.dtype == np.float64
    assert lin.half().weight.dtype == np.float16 and lin.float().weight.dtype == np.float32
    assert lin.to(device="cpu:0", non_blocking=True) is lin


@pytest.mark.parametrize("call, error", [
    (lambda lib, m: m.to("cuda"), AssertionError), (lambda lib, m: m.to("cuda:1"), AssertionError),
    (lambda lib, m: m.cuda(), AssertionError), (lambda lib, m: m.to("meta2"), RuntimeError),
    (lambda lib, m: m.to(lib.int64), TypeError),
])
def test_to_errors_match_torch(call, error):
    for lib in (torch, tg):
        with pytest.raises(error):
            call(lib, lib.nn.Linear(2, 2))


def test_load_state_dict_assign_and_strict_false():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    sd = a.state_dict()
    sd["extra"] = tg.zeros(1)
    del sd["bias"]
    result = b.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(b.weight.numpy(), a.weight.numpy())
    weight = b.weight
    b.load_state_dict({"weight": np.full((2, 2), 7.0, np.float32), "bias": np.zeros(2, np.float32)}, assign=True)
    assert b.weight is weight and b.weight.requires_grad and b.weight.numpy().max() == 7.0


# --- nn.utils -----------------------------------------------------------------------------------

def with_grads(lib, grads):
    params = []
    for g in grads:
        p = lib.nn.Parameter(lib.tensor(np.zeros_like(g)))
        p.grad = lib.tensor(g.copy())
        params.append(p)
    return params


@settings(max_examples=20, deadline=None)
@given(seed=seeds, max_norm=st.floats(0.01, 10.0), norm_type=st.sampled_from([1.0, 2.0, 3.5, float("inf"), 0.0]))
def test_clip_grad_norm_matches_torch(seed, max_norm, norm_type):
    grads = [uniform(seed, (3, 2)), uniform(seed + 1, (4,))]
    mine, theirs = with_grads(tg, grads), with_grads(torch, grads)
    total = clip_grad_norm_(mine, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert total.shape == () and total.dtype == np.float64
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-10)
    for p, q in zip(mine, theirs):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10)


def test_clip_grad_norm_closed_form_single_tensor_and_empty():
    p = nn.Parameter(tg.tensor([3.0, 4.0]))
    p.grad = tg.tensor([3.0, 4.0])
    total = clip_grad_norm_(p, 1.0)
    assert total.item() == 5.0 and total.dtype == np.float32
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    assert clip_grad_norm_([], 1.0).item() == 0.0
    p.grad = tg.tensor([3.0, float("nan")])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert get_total_norm([tg.tensor([3.0, 4.0]), tg.tensor([1.0], dtype=tg.float64)]).dtype == np.float64


def test_clip_grad_value_matches_torch():
    grads = [np.array([-3.0, 0.5, 2.0, np.nan])]
    mine, theirs = with_grads(tg, grads), with_grads(torch, grads)
    assert clip_grad_value_(mine, 1.0) is None
    torch.nn.utils.clip_grad_value_(theirs, 1.0)
    np.testing.assert_array_equal(mine[0].grad.numpy(), theirs[0].grad.numpy())


def test_parameters_to_vector_and_back():
    ps = [nn.Parameter(tg.ones(2, 2)), nn.Parameter(tg.zeros(3))]
    vec = parameters_to_vector(ps)
    assert vec.shape == (7,) and vec.requires_grad
    assert tg.gradcheck(lambda a, b: parameters_to_vector([a, b]), (leaf(np.ones((2, 2))), leaf(np.zeros(3))))
    vector_to_parameters(tg.arange(7, dtype=tg.float32), ps)
    assert ps[0].tolist() == [[0, 1], [2, 3]] and ps[1].tolist() == [4, 5, 6] and ps[1].requires_grad
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        vector_to_parameters([1.0], ps)


@pytest.mark.parametrize("kwargs", [{}, {"batch_first": True}, {"padding_value": -1.5},
                                    {"padding_side": "left", "batch_first": True}])
def test_pad_sequence_matches_torch(kwargs):
    arrays = [np.arange(6.0).reshape(3, 2), np.ones((1, 2)), np.zeros((0, 2))]
    mine = pad_sequence([tg.tensor(a) for a in arrays], **kwargs)
    theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(a) for a in arrays], **kwargs)
    assert mine.dtype == np.float64 and mine.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


@settings(max_examples=10, deadline=None)
@given(seed=seeds, first=st.booleans())
def test_pad_sequence_gradient(seed, first):
    a, b = leaf(uniform(seed, (3, 2))), leaf(uniform(seed + 1, (1, 2)))
    assert tg.gradcheck(lambda a, b: pad_sequence([a, b], batch_first=first, padding_value=0.5), (a, b))
    a, b = leaf(uniform(seed, (2, 3))), leaf(uniform(seed + 1, (1, 4)))  # non-contiguous sequences
    assert tg.gradcheck(lambda a, b: pad_sequence([a.T, b[:, ::2]], padding_side="left"), (a, b))


def test_unpad_sequence_inverts_pad_sequence_and_keeps_gradients():
    a, b = leaf(uniform(0, (3, 2))), leaf(uniform(1, (1, 2)))
    for batch_first in (False, True):
        padded = pad_sequence([a, b], batch_first=batch_first)
        back = unpad_sequence(padded, tg.tensor([3, 1]), batch_first=batch_first)
        assert [t.tolist() for t in back] == [a.tolist(), b.tolist()] and padded.shape[0] == (2 if batch_first else 3)
    assert tg.gradcheck(lambda a, b: unpad_sequence(pad_sequence([a, b]), [3, 1])[1] * 2, (a, b))


@pytest.mark.parametrize("args, error", [(([],), RuntimeError), (([tg.zeros(2, 3), tg.zeros(1, 2)],), RuntimeError),
                                         (([tg.zeros(2)], False, 0.0, "middle"), RuntimeError)])
def test_pad_sequence_errors(args, error):
    with pytest.raises(error):
        pad_sequence(*args)


# --- load arguments ---------------------------------------------------------------------------

def test_load_accepts_map_location_and_weights_only(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"w": tg.ones(2), "step": 3}, path)
    for location in ("cpu", {"cpu": "cpu"}, {"cuda:0": "cpu"}, None):
        assert tg.load(path, map_location=location, weights_only=True)["step"] == 3
    doubled = tg.load(path, map_location=lambda t, where: t * 2 if where == "cpu" else None)
    assert doubled["w"].tolist() == [2.0, 2.0]
    assert tg.load(path, map_location=lambda t, where: None)["w"].tolist() == [1.0, 1.0]
    assert tg.load(str(path), weights_only=False, mmap=True)["step"] == 3
    with pytest.raises(AssertionError, match="CPU only"):
        tg.load(path, map_location="cuda")
    with pytest.raises(AssertionError):
        tg.load(path, map_location={"cpu": "cuda:0"})
