"""nn.Module, Parameter and the containers: registration, traversal, state dicts, modes, repr."""
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import nn
from tinygrad_lite.tensor import Tensor


class Block(nn.Module):
    """A small model with parameters, a buffer, a child and a list of children."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(3, dtype=np.float32))
        self.register_buffer("steps", Tensor(np.array(0, dtype=np.int64)))
        self.register_buffer("cache", Tensor(np.zeros(2, dtype=np.float32)), persistent=False)
        self.fc = nn.Linear(3, 4)
        self.heads = nn.ModuleList([nn.Linear(4, 1), nn.BatchNorm1d(1)])

    def forward(self, x):
        h = self.fc(x * self.scale)
        for head in self.heads:
            h = head(h)
        return h


# PyTorch's state_dict keys for the same model: each module's parameters, then its persistent
# buffers, then its children, depth first.
BLOCK_KEYS = ["scale", "steps", "fc.weight", "fc.bias", "heads.0.weight", "heads.0.bias",
              "heads.1.weight", "heads.1.bias", "heads.1.running_mean", "heads.1.running_var",
              "heads.1.num_batches_tracked"]


def numpy_state(module):
    return {k: v.numpy().copy() for k, v in module.state_dict().items()}


# ---------------------------------------------------------------------------------------------
# Parameter
# ---------------------------------------------------------------------------------------------

def test_parameter_is_a_tensor_that_requires_grad():
    p = nn.Parameter(np.arange(3, dtype=np.float32))
    assert isinstance(p, Tensor) and p.requires_grad and p.dtype == np.float32
    assert not nn.Parameter(Tensor([1.0]), requires_grad=False).requires_grad
    assert repr(p).startswith("Parameter containing:\ntensor([0., 1., 2.]")
    assert nn.Parameter().shape == (0,)


def test_parameter_shares_data_and_ops_give_plain_tensors():
    t = Tensor(np.zeros(2, dtype=np.float32))
    p = nn.Parameter(t)
    p.numpy()[0] = 5.0
    assert t.numpy()[0] == 5.0
    assert type(p * 2) is Tensor and type(p.detach()) is Tensor


# ---------------------------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------------------------

def test_attributes_register_parameters_buffers_and_modules():
    m = Block()
    assert list(m._parameters) == ["scale"]
    assert list(m._buffers) == ["steps", "cache"]
    assert list(m._modules) == ["fc", "heads"]
    assert m.scale is m._parameters["scale"] and m.fc is m._modules["fc"]
    assert "scale" not in m.__dict__ and "fc" not in m.__dict__


def test_named_parameters_in_registration_order_including_lists():
    names = [n for n, _ in Block().named_parameters()]
    assert names == ["scale", "fc.weight", "fc.bias", "heads.0.weight", "heads.0.bias",
                     "heads.1.weight", "heads.1.bias"]
    assert len(list(Block().parameters())) == 7
    assert [n for n, _ in Block().named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in Block().named_parameters(prefix="model")][0] == "model.scale"


def test_children_modules_and_buffers():
    m = Block()
    assert [n for n, _ in m.named_children()] == ["fc", "heads"]
    assert list(m.children()) == [m.fc, m.heads]
    assert [n for n, _ in m.named_modules()] == ["", "fc", "heads", "heads.0", "heads.1"]
    assert [type(x).__name__ for x in m.modules()] == ["Block", "Linear", "ModuleList", "Linear",
                                                        "BatchNorm1d"]
    assert [n for n, _ in m.named_buffers()] == ["steps", "cache", "heads.1.running_mean",
                                                 "heads.1.running_var", "heads.1.num_batches_tracked"]
    assert len(list(m.buffers())) == 5


def test_shared_modules_and_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    m = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(m.parameters())) == 2
    assert [n for n, _ in m.named_modules()] == ["", "0", "1"]
    # the state dict, like PyTorch's, keeps every path
    assert list(m.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_reassigning_and_none_and_delete():
    m = nn.Linear(2, 3)
    new_weight = nn.Parameter(np.zeros((3, 2), dtype=np.float32))
    m.weight = new_weight
    assert m.weight is new_weight and list(m._parameters) == ["weight", "bias"]  # same position
    m.bias = None
    assert m.bias is None and "bias" in m._parameters
    assert list(m.state_dict()) == ["weight"]
    with pytest.raises(TypeError, match="nn.Parameter or None expected"):
        m.weight = Tensor(np.zeros((3, 2), dtype=np.float32))
    del m.weight
    assert "weight" not in m._parameters
    with pytest.raises(AttributeError, match="has no attribute 'weight'"):
        m.weight
    m.note = "plain"
    del m.note
    assert not hasattr(m, "note")


def test_assigning_module_replaces_plain_attribute_and_vice_versa():
    m = nn.Module()
    m.layer = 3
    m.layer = nn.ReLU()
    assert "layer" in m._modules and "layer" not in m.__dict__
    with pytest.raises(TypeError, match="nn.Module or None expected"):
        m.layer = 3
    m.layer = None
    assert m.layer is None and list(m.children()) == []


def test_buffers_register_and_reassign():
    m = nn.Module()
    m.register_buffer("count", Tensor(np.array(0)))
    m.count = Tensor(np.array(4))
    assert m._buffers["count"].item() == 4
    with pytest.raises(TypeError, match="Tensor or None expected"):
        m.count = 4
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("training", None)
    with pytest.raises(KeyError, match="no '.'"):
        m.register_buffer("a.b", None)
    with pytest.raises(TypeError, match="Tensor or None expected"):
        m.register_buffer("x", np.zeros(2))


def test_assignment_before_init_is_an_error():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match="super\\(\\).__init__\\(\\)"):
        Broken()


def test_forward_and_call():
    m = Block()
    assert m(tg.randn(5, 3)).shape == (5, 1)
    with pytest.raises(NotImplementedError, match="Module is missing the required forward"):
        nn.Module()(1)


def test_call_runs_the_instance_forward_passes_keywords_and_yields_to_a_custom_call():
    class Scaled(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale

    class Logged(Scaled):
        def __call__(self, *args, **kwargs):
            self.calls = getattr(self, "calls", 0) + 1
            return super().__call__(*args, **kwargs)

    x = tg.ones(2)
    assert Scaled()(x, scale=3.0).tolist() == [3.0, 3.0]
    m = Scaled()
    m.forward = lambda x: x - 1  # PyTorch calls an instance's own forward too
    assert m(x).tolist() == [0.0, 0.0] and Scaled()(x).tolist() == [1.0, 1.0]
    logged = Logged()
    assert logged(x, scale=2.0).tolist() == [2.0, 2.0] and logged.calls == 1
    assert nn.Module.__call__(Scaled(), x, scale=4.0).tolist() == [4.0, 4.0]  # unbound, as in PyTorch
    with pytest.raises(TypeError, match="positional"):
        Scaled()(x, 2.0, 3.0)


def test_apply_visits_children_first_and_returns_self():
    m = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()))
    seen = []
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]


# ---------------------------------------------------------------------------------------------
# state_dict / load_state_dict
# ---------------------------------------------------------------------------------------------

def test_state_dict_keys_order_and_types():
    sd = Block().state_dict()
    assert isinstance(sd, OrderedDict) and list(sd) == BLOCK_KEYS
    assert all(type(v) is Tensor and not v.requires_grad for v in sd.values())
    assert sd["heads.1.num_batches_tracked"].dtype == np.int64
    assert all(isinstance(v, nn.Parameter) for k, v in Block().state_dict(keep_vars=True).items()
               if k not in ("steps", "heads.1.running_mean", "heads.1.running_var",
                            "heads.1.num_batches_tracked"))


def test_state_dict_shares_memory_with_the_model():
    m = nn.Linear(2, 2)
    sd = m.state_dict()
    with tg.no_grad():
        m.weight.fill_(3.0)
    assert np.all(sd["weight"].numpy() == 3.0)


def test_load_state_dict_round_trip_from_numpy_in_place():
    a, b = Block(), Block()
    weight = b.fc.weight
    arrays = numpy_state(a)
    result = b.load_state_dict(arrays)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.fc.weight is weight  # copied in place: optimizers keep working
    for key, value in numpy_state(b).items():
        np.testing.assert_array_equal(value, arrays[key])
    arrays["fc.weight"][:] = 7  # a copy, not an alias
    assert not np.any(b.fc.weight.numpy() == 7)
    x = tg.randn(4, 3)
    np.testing.assert_array_equal(a.eval()(x).numpy(), b.eval()(x).numpy())


def test_load_state_dict_accepts_tensors_and_bumps_version():
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    version = b.weight._version
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    assert b.weight._version > version


def test_load_state_dict_casts_to_the_model_dtype():
    m = nn.Linear(2, 2)
    m.load_state_dict({"weight": np.ones((2, 2)), "bias": [1, 2]})
    assert m.weight.dtype == np.float32 and m.bias.tolist() == [1.0, 2.0]


def test_strict_errors_list_missing_unexpected_and_shapes_and_copy_nothing():
    m = Block()
    before = numpy_state(m)
    sd = numpy_state(Block())
    del sd["fc.bias"], sd["heads.1.running_var"]
    sd["extra.weight"] = np.zeros(1)
    sd["fc.weight"] = np.zeros((5, 3), dtype=np.float32)
    with pytest.raises(RuntimeError) as err:
        m.load_state_dict(sd)
    message = str(err.value)
    assert 'Missing key(s) in state_dict: "fc.bias", "heads.1.running_var".' in message
    assert 'Unexpected key(s) in state_dict: "extra.weight".' in message
    assert ("size mismatch for fc.weight: copying a param with shape (5, 3) from checkpoint, "
            "the shape in current model is (4, 3).") in message
    for key, value in numpy_state(m).items():
        np.testing.assert_array_equal(value, before[key])


def test_non_strict_returns_missing_and_unexpected():
    m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    source = nn.Sequential(nn.Linear(2, 2))
    result = m.load_state_dict({**source.state_dict(), "3.weight": np.zeros(1)}, strict=False)
    assert result == (["1.weight", "1.bias"], ["3.weight"])
    np.testing.assert_array_equal(m[0].weight.numpy(), source[0].weight.numpy())


def test_shape_mismatch_raises_even_when_not_strict():
    m = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r"size mismatch for bias: .*\(3,\).*\(2,\)"):
        m.load_state_dict({"bias": np.zeros(3)}, strict=False)


def test_non_persistent_buffers_are_neither_saved_nor_expected():
    m = Block()
    assert "cache" not in m.state_dict()
    m.load_state_dict(m.state_dict())


def test_load_state_dict_rejects_non_dicts_and_bad_values():
    with pytest.raises(TypeError, match="dict of tensors"):
        nn.Linear(1, 1).load_state_dict([1, 2])
    with pytest.raises(TypeError, match="'bias' has unsupported dtype"):
        nn.Linear(1, 1).load_state_dict({"weight": np.zeros((1, 1)), "bias": np.array(["x"])})


# ---------------------------------------------------------------------------------------------
# modes, gradients, dtype
# ---------------------------------------------------------------------------------------------

def test_train_and_eval_are_recursive_and_return_self():
    m = Block()
    assert m.eval() is m
    assert not any(x.training for x in m.modules())
    assert m.train() is m
    assert all(x.training for x in m.modules())
    assert m.heads[1].train(False) is m.heads[1] and not m.heads[1].training and m.training
    with pytest.raises(ValueError, match="bool"):
        m.train("no")


def test_train_calls_overridden_train_of_children():
    calls = []

    class Frozen(nn.Module):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(False)  # e.g. a layer kept in evaluation mode

    m = nn.Sequential(nn.Linear(1, 1), Frozen())
    m.train()
    assert calls == [True] and m[0].training and not m[1].training


def test_zero_grad():
    m = nn.Linear(3, 2)
    m(tg.randn(4, 3)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert np.all(m.weight.grad.numpy() == 0) and m.weight.grad.shape == (2, 3)
    m.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None


def test_requires_grad_freezes_parameters():
    m = nn.Linear(2, 2).requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_double_and_float_convert_in_place():
    m = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    params = list(m.parameters())
    m(tg.randn(4, 3)).sum().backward()
    assert m.double() is m
    assert list(m.parameters()) == params or all(a is b for a, b in zip(m.parameters(), params))
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64 for p in m.parameters())
    assert m[1].running_mean.dtype == np.float64
    assert m[1].num_batches_tracked.dtype == np.int64
    assert m(tg.randn(4, 3, dtype=tg.float64)).dtype == np.float64
    m.float()
    assert all(p.dtype == np.float32 for p in m.parameters())
    assert m.to(tg.float64).state_dict()["1.running_var"].dtype == np.float64
    with pytest.raises(TypeError, match="floating point"):
        m.to(np.int64)


# ---------------------------------------------------------------------------------------------
# containers
# ---------------------------------------------------------------------------------------------

def test_sequential_indexing_iteration_and_append():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b)
    assert seq.append(c) is seq
    assert len(seq) == 3 and list(seq) == [a, b, c]
    assert seq[0] is a and seq[-1] is c
    assert isinstance(seq[1:], nn.Sequential) and list(seq[1:]) == [b, c]
    assert list(seq[1:]._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    x = tg.randn(4, 2)
    np.testing.assert_allclose(seq(x).numpy(), c(b(a(x))).numpy())
    seq[1] = nn.Tanh()
    assert isinstance(seq[1], nn.Tanh)
    del seq[0]
    assert list(seq._modules) == ["0", "1"] and seq[1] is c


def test_sequential_from_ordered_dict_keeps_names():
    seq = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(seq.state_dict()) == ["hidden.weight", "hidden.bias"]
    assert seq.act is seq[1]


def test_module_list():
    layers = nn.ModuleList([nn.Linear(2, 2)])
    layers.append(nn.ReLU())
    layers.extend([nn.Tanh()])
    layers.insert(0, nn.Identity())
    layers += [nn.Sigmoid()]
    assert [type(m).__name__ for m in layers] == ["Identity", "Linear", "ReLU", "Tanh", "Sigmoid"]
    assert list(layers._modules) == ["0", "1", "2", "3", "4"]
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2
    assert list(layers.state_dict()) == ["1.weight", "1.bias"]
    del layers[0]
    assert list(layers.state_dict()) == ["0.weight", "0.bias"]


def test_identity():
    x = tg.randn(2, 2)
    assert nn.Identity(54, unused="yes")(x) is x


# ---------------------------------------------------------------------------------------------
# repr
# ---------------------------------------------------------------------------------------------

def test_repr_matches_pytorch_layout():
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2),
                          nn.Sequential(nn.Linear(256, 10)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=784, out_features=256, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.2, inplace=False)\n"
        "  (3): Sequential(\n"
        "    (0): Linear(in_features=256, out_features=10, bias=True)\n"
        "  )\n"
        ")")
    assert repr(nn.Sequential()) == "Sequential()"


def test_repr_with_extra_repr_and_children_and_module_list_runs():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()])

        def extra_repr(self):
            return "depth=4"

    assert repr(Net()) == (
        "Net(\n"
        "  depth=4\n"
        "  (layers): ModuleList(\n"
        "    (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n"
        "    (3): ReLU()\n"
        "  )\n"
        ")")


def test_layer_reprs():
    assert repr(nn.BatchNorm1d(3)) == \
        "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    assert repr(nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.Embedding(10, 3, padding_idx=0)) == "Embedding(10, 3, padding_idx=0)"
    assert repr(nn.Embedding(10, 3)) == "Embedding(10, 3)"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Linear(2, 1, bias=False)) == "Linear(in_features=2, out_features=1, bias=False)"
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.LogSoftmax(dim=-1)) == "LogSoftmax(dim=-1)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
