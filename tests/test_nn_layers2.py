"""Convolutions (1-3 dims, groups, transposed, padding modes), pooling variants, F.pad modes,
interpolation, pixel shuffle, normalisation layers, the dropouts, Embedding options, Unflatten and
Bilinear (issue 17): gradients against finite differences in float64 on non-contiguous inputs,
values against closed forms and, where installed, against PyTorch with state_dicts moved across.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
from helpers import check, distinct, rng_of, seeds, uniform
from tinygrad_lite import Tensor, nn
from tinygrad_lite.nn import functional as F

LAYOUTS = ("C", "T", "strided")


def laid_out(array, layout):
    """``array``'s values in a C-contiguous, transposed-in-memory or strided float64 array."""
    array = np.asarray(array, dtype=np.float64)
    if layout == "T":
        return np.ascontiguousarray(array.swapaxes(-1, -2)).swapaxes(-1, -2)
    if layout == "strided":
        return np.repeat(array, 2, axis=-1)[..., ::2]
    return np.array(array)


def leaf_in(array, layout):
    return Tensor(laid_out(array, layout), requires_grad=True)


# ---------------------------------------------------------------------------------------------
# 1. gradients against finite differences (float64, every memory layout)
# ---------------------------------------------------------------------------------------------

# name: (function of the inputs, input shapes, values: "any" or "distinct" (no ties for max))
GRAD_CASES = {
    "conv1d_groups": (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=2, dilation=2, groups=2),
                      [(2, 4, 7), (4, 2, 3), (4,)], "any"),
    "conv1d_same": (lambda x, w: F.conv1d(x, w, padding="same", dilation=2), [(1, 2, 6), (3, 2, 2)], "any"),
    "conv2d_depthwise": (lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=3),
                         [(1, 3, 4, 4), (6, 1, 3, 2), (6,)], "any"),
    "conv2d_groups_strided": (lambda x, w: F.conv2d(x, w, stride=(2, 1), padding=(1, 0), groups=2),
                              [(2, 4, 5, 3), (2, 2, 2, 2)], "any"),
    "conv3d": (lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=(0, 1, 1)),
               [(1, 2, 3, 3, 2), (2, 2, 2, 2, 2), (2,)], "any"),
    "conv_transpose1d": (lambda x, w, b: F.conv_transpose1d(x, w, b, stride=3, padding=1,
                                                            output_padding=2, groups=2),
                         [(2, 4, 3), (4, 1, 3), (2,)], "any"),
    "conv_transpose2d": (lambda x, w: F.conv_transpose2d(x, w, stride=(2, 1), padding=(0, 1),
                                                         dilation=(1, 2)),
                         [(1, 2, 3, 3), (2, 3, 2, 2)], "any"),
    "max_pool1d_ceil": (lambda x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True), [(2, 3, 6)], "distinct"),
    "max_pool2d_indices": (lambda x: F.max_pool2d(x, (2, 3), 2, (1, 1), return_indices=True)[0],
                           [(1, 2, 5, 5)], "distinct"),
    "max_pool3d": (lambda x: F.max_pool3d(x, 2, 1, dilation=(1, 2, 1)), [(1, 1, 3, 4, 3)], "distinct"),
    "avg_pool1d_ceil": (lambda x: F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
                        [(2, 3, 6)], "any"),
    "avg_pool2d_divisor": (lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, divisor_override=4),
                           [(1, 2, 5, 4)], "any"),
    "adaptive_avg_pool1d": (lambda x: F.adaptive_avg_pool1d(x, 4), [(2, 3, 7)], "any"),
    "adaptive_max_pool2d": (lambda x: F.adaptive_max_pool2d(x, (3, 2)), [(1, 2, 5, 5)], "distinct"),
    "max_unpool2d": (lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2),
                     [(1, 2, 4, 4)], "distinct"),
    "pad_reflect": (lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), [(2, 3, 4)], "any"),
    "pad_replicate": (lambda x: F.pad(x, (3, -1), mode="replicate"), [(2, 3, 4)], "any"),
    "pad_circular": (lambda x: F.pad(x, (1, 2, 0, 1, 2, 0), mode="circular"), [(1, 2, 3, 3)], "any"),
    "pad_negative": (lambda x: F.pad(x, (-1, 2, 1, -1), value=0.5), [(2, 3, 4)], "any"),
    "interpolate_nearest": (lambda x: F.interpolate(x, scale_factor=(1.5, 2)), [(1, 2, 3, 3)], "any"),
    "interpolate_linear": (lambda x: F.interpolate(x, size=7, mode="linear"), [(2, 2, 4)], "any"),
    "interpolate_bilinear": (lambda x: F.interpolate(x, scale_factor=1.7, mode="bilinear",
                                                     align_corners=True), [(1, 2, 3, 4)], "any"),
    "interpolate_area": (lambda x: F.interpolate(x, size=(2, 3), mode="area"), [(1, 2, 5, 5)], "any"),
    "pixel_shuffle": (lambda x: F.pixel_unshuffle(F.pixel_shuffle(x, 2) * 2.0, 2), [(1, 8, 2, 3)], "any"),
    "group_norm": (lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)], "any"),
    "instance_norm": (lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [(2, 3, 4), (3,), (3,)], "any"),
    "rms_norm": (lambda x, w: F.rms_norm(x, (3, 4), w), [(2, 3, 4), (3, 4)], "any"),
    "layer_norm_nobias": (lambda x, w: F.layer_norm(x, (4,), w), [(2, 3, 4), (4,)], "any"),
    "bilinear": (lambda a, b, w, c: F.bilinear(a, b, w, c), [(3, 2), (3, 4), (5, 2, 4), (5,)], "any"),
    "normalize": (lambda x: F.normalize(x, p=3, dim=0), [(3, 4)], "any"),
    "cosine_similarity": (lambda a, b: F.cosine_similarity(a, b, dim=-1), [(3, 4), (4,)], "any"),
    "pairwise_distance": (lambda a, b: F.pairwise_distance(a, b, p=1.5), [(3, 4), (3, 4)], "any"),
    "cdist": (lambda a, b: tg.cdist(a, b), [(2, 3, 4), (2, 5, 4)], "any"),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
@settings(max_examples=4)
@given(seed=seeds, layout=st.sampled_from(LAYOUTS))
def test_gradients_match_finite_differences(name, seed, layout):
    fn, shapes, values = GRAD_CASES[name]
    rng = rng_of(seed)
    arrays = [distinct(seed + i, s) if values == "distinct" and i == 0 else
              rng.uniform(-2, 2, s) for i, s in enumerate(shapes)]
    inputs = [leaf_in(a, layout if a.ndim >= 2 else "C") for a in arrays]
    check(fn, *inputs)


@settings(max_examples=10)
@given(seed=seeds, groups=st.sampled_from([1, 2, 4]), stride=st.integers(1, 3),
       dilation=st.integers(1, 2), padding=st.integers(0, 2), kernel=st.integers(1, 3))
def test_conv_transpose_is_the_adjoint_of_conv(seed, groups, stride, dilation, padding, kernel):
    """<conv(x, w), y> = <x, conv_transpose(y, w)>: the transposed convolution is the
    convolution's adjoint for every stride, padding, dilation and grouping."""
    rng = rng_of(seed)
    x = rng.standard_normal((2, 4, 9))
    w = rng.standard_normal((4, 4 // groups, kernel))
    y = F.conv1d(Tensor(x), Tensor(w), stride=stride, padding=padding, dilation=dilation,
                 groups=groups)
    g = rng.standard_normal(y.shape)
    length = (y.shape[2] - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1
    back = F.conv_transpose1d(Tensor(g), Tensor(w), stride=stride, padding=padding,
                              output_padding=9 - length, groups=groups, dilation=dilation)
    assert back.shape == x.shape
    np.testing.assert_allclose((y.numpy() * g).sum(), (x * back.numpy()).sum(), rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# 2. values against closed forms
# ---------------------------------------------------------------------------------------------

def test_depthwise_conv_filters_each_channel_alone():
    x = uniform(0, (1, 3, 5))
    w = uniform(1, (3, 1, 2))
    out = F.conv1d(Tensor(x), Tensor(w), groups=3).numpy()
    for c in range(3):
        np.testing.assert_allclose(out[0, c], np.correlate(x[0, c], w[c, 0], mode="valid"))


def test_pad_modes_on_a_row():
    row = Tensor([[[1.0, 2.0, 3.0, 4.0]]])
    assert F.pad(row, (2, 1), mode="reflect").tolist() == [[[3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0]]]
    assert F.pad(row, (2, 1), mode="replicate").tolist() == [[[1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 4.0]]]
    assert F.pad(row, (2, 1), mode="circular").tolist() == [[[3.0, 4.0, 1.0, 2.0, 3.0, 4.0, 1.0]]]
    assert F.pad(row, (-1, 1), value=9.0).tolist() == [[[2.0, 3.0, 4.0, 9.0]]]


@pytest.mark.parametrize("call, exc, match", [
    (lambda: F.pad(tg.ones(1, 3), (3, 0), mode="reflect"), RuntimeError, "smaller than the size 3"),
    (lambda: F.pad(tg.ones(3), (1, 1), mode="replicate"), NotImplementedError, "2-D or 3-D input"),
    (lambda: F.pad(tg.ones(2, 3), (-2, -2)), RuntimeError, "removes more than the 3 elements"),
    (lambda: F.pad(tg.ones(2, 3), (1,)), RuntimeError, "pairs"),
    (lambda: F.pad(tg.ones(2, 3, dtype=tg.uint8), (1, 1), value=-1), RuntimeError, "overflow"),
    (lambda: F.conv1d(tg.ones(1, 3, 5), tg.ones(4, 2, 3), groups=2), RuntimeError,
     "expected input with 4 channels"),
    (lambda: F.conv1d(tg.ones(1, 4, 5), tg.ones(3, 2, 3), groups=2), RuntimeError, "groups=2 must divide"),
    (lambda: F.conv_transpose1d(tg.ones(1, 2, 5), tg.ones(2, 1, 3), output_padding=1), RuntimeError,
     "output padding"),
    (lambda: F.max_pool1d(tg.ones(1, 2, 5, dtype=tg.int64), 2), NotImplementedError, "int64"),
    (lambda: F.interpolate(tg.ones(1, 1, 4), scale_factor=2, mode="bicubic"), NotImplementedError,
     "bicubic"),
    (lambda: F.interpolate(tg.ones(1, 1, 4), scale_factor=2, align_corners=True), ValueError,
     "align_corners"),
    (lambda: F.pixel_shuffle(tg.ones(1, 6, 2, 2), 2), RuntimeError, "pixel_shuffle"),
    (lambda: F.group_norm(tg.ones(2, 6, 3), 4), RuntimeError, "divisible by num_groups=4"),
])
def test_bad_arguments_raise_what_pytorch_raises(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_max_pool_indices_round_trip_through_max_unpool():
    x = Tensor(distinct(3, (2, 3, 5, 5)))
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    restored = F.max_unpool2d(out, idx, 2, output_size=(5, 5)).numpy()
    flat = x.numpy().reshape(2, 3, -1)
    np.testing.assert_array_equal(np.take_along_axis(flat, idx.numpy().reshape(2, 3, -1), 2),
                                  out.numpy().reshape(2, 3, -1))
    assert (restored != 0).sum() == out.numel()
    np.testing.assert_array_equal(restored[restored != 0], np.sort(out.numpy().ravel())[
        np.argsort(np.argsort(restored[restored != 0]))])


def test_integer_pooling_and_convolution_keep_the_dtype():
    x = Tensor(np.arange(-8, 8).reshape(1, 1, 4, 4))
    assert F.max_pool2d(x, 2).tolist() == [[[[-3, -1], [5, 7]]]]
    assert F.avg_pool2d(x, 3, 1, 1).tolist()[0][0][0] == [-2, -3, -2, -1]  # rounds toward zero
    out = F.conv2d(x, Tensor(np.ones((1, 1, 2, 2), np.int64)), stride=2)
    assert out.dtype == np.int64 and out.tolist() == [[[[-22, -14], [10, 18]]]]


def test_interpolate_linear_values():
    x = Tensor([[[0.0, 3.0]]])
    np.testing.assert_allclose(F.interpolate(x, size=4, mode="linear", align_corners=True).numpy(),
                               [[[0.0, 1.0, 2.0, 3.0]]])
    np.testing.assert_allclose(F.interpolate(x, size=4, mode="linear").numpy(),
                               [[[0.0, 0.75, 2.25, 3.0]]])
    assert F.interpolate(x, scale_factor=2).tolist() == [[[0.0, 0.0, 3.0, 3.0]]]


def test_norm_layers_normalise_their_groups():
    x = tg.randn(4, 6, 5, dtype=tg.float64)
    groups = nn.GroupNorm(3, 6, dtype=tg.float64)(x).numpy().reshape(4, 3, 10)
    np.testing.assert_allclose(groups.mean(-1), 0, atol=1e-12)
    np.testing.assert_allclose(groups.var(-1), 1, rtol=1e-3)
    inst = nn.InstanceNorm1d(6)(x).numpy()
    np.testing.assert_allclose(inst.mean(-1), 0, atol=1e-12)
    rms = nn.RMSNorm(5, dtype=tg.float64)(x).numpy()
    np.testing.assert_allclose((rms ** 2).mean(-1), 1, rtol=1e-6)


def test_instance_norm_running_statistics_and_eval():
    norm = nn.InstanceNorm2d(2, momentum=0.5, track_running_stats=True)
    x = tg.Tensor(np.stack([np.full((2, 3, 3), 2.0), np.full((2, 3, 3), 4.0)]) +
                  uniform(0, (2, 2, 3, 3), -0.1, 0.1))
    norm(x)
    np.testing.assert_allclose(norm.running_mean.numpy(), 0.5 * x.numpy().mean((0, 2, 3)), rtol=1e-5)
    assert norm.num_batches_tracked.item() == 1
    norm.eval()
    expected = (x.numpy() - norm.running_mean.numpy()[:, None, None]) / np.sqrt(
        norm.running_var.numpy()[:, None, None] + 1e-5)
    np.testing.assert_allclose(norm(x).numpy(), expected, rtol=1e-5)
    assert list(norm.state_dict()) == ["running_mean", "running_var", "num_batches_tracked"]


# ---------------------------------------------------------------------------------------------
# 3. dropout, embedding, small layers
# ---------------------------------------------------------------------------------------------

def test_channel_dropouts_zero_whole_channels():
    tg.manual_seed(0)
    for drop, shape in ((F.dropout1d, (20, 6, 5)), (F.dropout3d, (20, 6, 2, 2, 2))):
        y = drop(tg.ones(*shape), 0.5).numpy().reshape(20, 6, -1)
        assert np.all((y == 0).all(-1) | (y == 2).all(-1)) and 0 < (y == 0).mean() < 1
    unbatched = F.dropout1d(tg.ones(6, 5), 0.5).numpy()
    assert np.all((unbatched == 0).all(-1) | (unbatched == 2).all(-1))


def test_alpha_dropout_keeps_mean_and_variance():
    tg.manual_seed(0)
    x = tg.randn(200000, dtype=tg.float64)
    y = F.alpha_dropout(x, 0.3, training=True).numpy()
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.02
    assert F.alpha_dropout(x, 0.3) is x and nn.AlphaDropout(0.3).eval()(x) is x


def test_inplace_writes_into_the_input_outside_autograd():
    x = Tensor([-1.0, 2.0])
    assert F.relu(x, inplace=True) is x and x.tolist() == [0.0, 2.0]
    assert nn.Hardtanh(-0.5, 0.5, inplace=True)(x) is x and x.tolist() == [0.0, 0.5]
    leaf = Tensor([-1.0, 2.0], requires_grad=True)
    out = F.elu(leaf, inplace=True)  # recorded: a new tensor, the leaf unchanged
    assert out is not leaf and leaf.tolist() == [-1.0, 2.0]


def test_embedding_padding_row_gets_no_gradient_and_max_norm_renormalises():
    emb = nn.Embedding(5, 3, padding_idx=1, dtype=tg.float64)
    emb(Tensor([[0, 1, 1, 4]])).sum().backward()
    g = emb.weight.grad.numpy()
    assert np.all(g[1] == 0) and np.all(g[0] == 1) and np.all(g[2] == 0)
    table = np.arange(15.0).reshape(5, 3)
    emb = nn.Embedding.from_pretrained(Tensor(table), freeze=False, max_norm=2.0)
    emb(Tensor([0, 3]))
    norms = np.linalg.norm(emb.weight.numpy(), axis=1)
    np.testing.assert_allclose(norms[[0, 3]], 2.0, rtol=1e-6)
    np.testing.assert_array_equal(emb.weight.numpy()[[1, 2, 4]], table[[1, 2, 4]])  # untouched
    assert not nn.Embedding.from_pretrained(Tensor(table)).weight.requires_grad


def test_unflatten_and_bilinear():
    assert nn.Unflatten(-1, (2, -1))(tg.zeros(3, 8)).shape == (3, 2, 4)
    with pytest.raises(RuntimeError, match="Unflatten"):
        nn.Unflatten(1, (3, 3))(tg.zeros(2, 8))
    layer = nn.Bilinear(2, 3, 4, dtype=tg.float64)
    a, b = uniform(0, (5, 2)), uniform(1, (5, 3))
    expected = np.einsum("ni,oij,nj->no", a, layer.weight.numpy(), b) + layer.bias.numpy()
    np.testing.assert_allclose(layer(Tensor(a), Tensor(b)).numpy(), expected, rtol=1e-12)


def test_dropout2d_warns_for_3d_input_as_pytorch_2():
    with pytest.warns(UserWarning, match="3-D input"):
        F.dropout2d(tg.ones(2, 3, 4), 0.5)


# ---------------------------------------------------------------------------------------------
# 4. modules against PyTorch with the state_dict moved across
# ---------------------------------------------------------------------------------------------

def _module_pairs():
    torch = pytest.importorskip("torch")
    tnn = torch.nn
    return [
        ("Conv1d", nn.Conv1d(4, 6, 3, 2, 1, groups=2, padding_mode="reflect"),
         tnn.Conv1d(4, 6, 3, 2, 1, groups=2, padding_mode="reflect"), [(2, 4, 9)]),
        ("Conv2d_circular", nn.Conv2d(3, 6, (3, 2), padding="same", groups=3, padding_mode="circular"),
         tnn.Conv2d(3, 6, (3, 2), padding="same", groups=3, padding_mode="circular"), [(2, 3, 5, 6)]),
        ("Conv2d_replicate", nn.Conv2d(2, 4, 3, stride=2, padding=2, padding_mode="replicate", bias=False),
         tnn.Conv2d(2, 4, 3, stride=2, padding=2, padding_mode="replicate", bias=False), [(1, 2, 6, 6)]),
        ("Conv3d", nn.Conv3d(2, 4, 2, padding=1), tnn.Conv3d(2, 4, 2, padding=1), [(1, 2, 3, 4, 3)]),
        ("ConvTranspose1d", nn.ConvTranspose1d(4, 6, 3, 2, 1, output_padding=1, groups=2),
         tnn.ConvTranspose1d(4, 6, 3, 2, 1, output_padding=1, groups=2), [(2, 4, 5)]),
        ("ConvTranspose2d", nn.ConvTranspose2d(3, 2, (3, 2), stride=(2, 3), dilation=2),
         tnn.ConvTranspose2d(3, 2, (3, 2), stride=(2, 3), dilation=2), [(1, 3, 4, 3)]),
        ("GroupNorm", nn.GroupNorm(2, 4), tnn.GroupNorm(2, 4), [(3, 4, 5)]),
        ("InstanceNorm2d", nn.InstanceNorm2d(3, affine=True), tnn.InstanceNorm2d(3, affine=True),
         [(2, 3, 4, 4)]),
        ("RMSNorm", nn.RMSNorm((3, 4)), tnn.RMSNorm((3, 4)), [(2, 3, 4)]),
        ("LayerNorm_nobias", nn.LayerNorm(4, bias=False), tnn.LayerNorm(4, bias=False), [(2, 3, 4)]),
        ("Bilinear", nn.Bilinear(3, 2, 4), tnn.Bilinear(3, 2, 4), [(5, 3), (5, 2)]),
        ("PReLU", nn.PReLU(3), tnn.PReLU(3), [(2, 3, 4)]),
        ("MaxPool2d_ceil", nn.MaxPool2d(3, 2, ceil_mode=True), tnn.MaxPool2d(3, 2, ceil_mode=True),
         [(1, 2, 6, 6)]),
        ("AvgPool1d", nn.AvgPool1d(3, 2, 1), tnn.AvgPool1d(3, 2, 1), [(2, 3, 8)]),
        ("AdaptiveMaxPool2d", nn.AdaptiveMaxPool2d((2, 3)), tnn.AdaptiveMaxPool2d((2, 3)), [(1, 2, 5, 7)]),
        ("AdaptiveAvgPool1d", nn.AdaptiveAvgPool1d(3), tnn.AdaptiveAvgPool1d(3), [(2, 3, 7)]),
        ("Upsample", nn.Upsample(scale_factor=2, mode="bilinear"),
         tnn.Upsample(scale_factor=2, mode="bilinear"), [(1, 2, 3, 3)]),
        ("UpsamplingBilinear2d", nn.UpsamplingBilinear2d(size=(5, 4)),
         tnn.UpsamplingBilinear2d(size=(5, 4)), [(1, 2, 3, 3)]),
        ("PixelShuffle", nn.PixelShuffle(2), tnn.PixelShuffle(2), [(1, 8, 2, 3)]),
        ("Softplus", nn.Softplus(2.0, 3.0), tnn.Softplus(2.0, 3.0), [(3, 4)]),
        ("GLU", nn.GLU(0), tnn.GLU(0), [(4, 3)]),
        ("Softmin", nn.Softmin(1), tnn.Softmin(1), [(3, 4)]),
        ("ReflectionPad2d", nn.ReflectionPad2d((2, 1, 0, 2)), tnn.ReflectionPad2d((2, 1, 0, 2)),
         [(1, 2, 3, 4)]),
        ("ReplicationPad1d", nn.ReplicationPad1d(3), tnn.ReplicationPad1d(3), [(2, 3)]),
        ("CircularPad3d", nn.CircularPad3d(1), tnn.CircularPad3d(1), [(1, 1, 2, 3, 2)]),
        ("ConstantPad2d", nn.ConstantPad2d((1, 0, 2, 1), -1.5), tnn.ConstantPad2d((1, 0, 2, 1), -1.5),
         [(2, 3, 3)]),
        ("ZeroPad1d", nn.ZeroPad1d(2), tnn.ZeroPad1d(2), [(2, 3)]),
    ]


def test_modules_match_pytorch_with_its_state_dict():
    torch = pytest.importorskip("torch")
    for name, mine, theirs, shapes in _module_pairs():
        state = {k: tg.Tensor(v.detach().numpy().copy()) for k, v in theirs.state_dict().items()}
        mine.load_state_dict(state)
        assert list(mine.state_dict()) == list(theirs.state_dict()), name
        arrays = [rng_of(i).standard_normal(s).astype(np.float32) for i, s in enumerate(shapes)]
        ours = mine(*[Tensor(a, requires_grad=True) for a in arrays])
        ref = theirs(*[torch.from_numpy(a) for a in arrays])
        np.testing.assert_allclose(ours.numpy(), ref.detach().numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=name)
        if not ref.requires_grad:  # no parameters
            continue
        ours.sum().backward()
        ref.sum().backward()
        for (key, p), (_, q) in zip(mine.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-4,
                                       err_msg=f"{name}.{key}")


def test_reprs_match_pytorch():
    torch = pytest.importorskip("torch")
    for name, mine, theirs, _ in _module_pairs():
        assert repr(mine) == repr(theirs), name
    assert repr(nn.ReLU(inplace=True)) == repr(torch.nn.ReLU(inplace=True))
    assert repr(nn.Dropout(0.2)) == repr(torch.nn.Dropout(0.2))
