"""Recurrent layers, attention and transformers: gradients against central differences (float64,
Hypothesis shapes, non-contiguous inputs), closed forms, PyTorch's errors, and, when PyTorch is
installed, outputs and gradients equal to PyTorch's for the same weights."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lite as tg
import tinygrad_lite.nn.functional as F
from tinygrad_lite import nn

from helpers import check, rng_of, seeds

RECURRENT = ["RNN", "LSTM", "GRU"]


def float64(module):
    for p in module.parameters():
        p.data = tg.tensor(p.numpy().astype(np.float64))
    return module


def transposed(array):
    """``array`` as a non-contiguous tensor (built transposed, then transposed back)."""
    return tg.Tensor(np.ascontiguousarray(array.swapaxes(0, -1)), requires_grad=True).transpose(0, -1)


def leaves(module):
    return [p for p in module.parameters()]


# --- gradients ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", RECURRENT)
@settings(max_examples=10)  # a gradcheck over every weight of up to four recurrent passes
@given(seed=seeds, layers=st.integers(1, 2), bidirectional=st.booleans(), batch_first=st.booleans(),
       steps=st.integers(1, 3), batch=st.integers(1, 2), bias=st.booleans())
def test_recurrent_gradients(kind, seed, layers, bidirectional, batch_first, steps, batch, bias):
    tg.manual_seed(seed)
    layer = float64(getattr(nn, kind)(3, 2, num_layers=layers, bidirectional=bidirectional,
                                      batch_first=batch_first, bias=bias))
    shape = (batch, steps, 3) if batch_first else (steps, batch, 3)
    x = transposed(rng_of(seed).uniform(-1, 1, shape))

    def run(x, *params):
        out, state = layer(x)
        return (out,) + (state if isinstance(state, tuple) else (state,))

    check(run, x, *leaves(layer))


@pytest.mark.parametrize("kind", RECURRENT)
@given(seed=seeds)
def test_recurrent_gradients_with_initial_state_and_unbatched_input(kind, seed):
    tg.manual_seed(seed)
    layer = float64(getattr(nn, kind)(3, 2, num_layers=2))
    rng = rng_of(seed)
    x = tg.Tensor(rng.uniform(-1, 1, (4, 3)), requires_grad=True)
    states = [tg.Tensor(rng.uniform(-1, 1, (2, 2)), requires_grad=True) for _ in range(2)]
    hx = tuple(states) if kind == "LSTM" else states[0]
    check(lambda x, *s: layer(x, tuple(s) if kind == "LSTM" else s[0])[0], x,
          *(states if kind == "LSTM" else states[:1]))


def test_lstm_projection_gradients():
    tg.manual_seed(0)
    lstm = float64(nn.LSTM(3, 4, proj_size=2, bidirectional=True))
    x = tg.Tensor(rng_of(0).uniform(-1, 1, (3, 2, 3)), requires_grad=True)
    out, (h, c) = lstm(x)
    assert out.shape == (3, 2, 4) and h.shape == (2, 2, 2) and c.shape == (2, 2, 4)
    check(lambda x, *p: lstm(x)[0], x, *leaves(lstm))


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@given(seed=seeds, batched=st.booleans())
def test_cell_gradients(kind, seed, batched):
    tg.manual_seed(seed)
    cell = float64(getattr(nn, kind)(3, 2))
    x = tg.Tensor(rng_of(seed).uniform(-1, 1, (2, 3) if batched else (3,)), requires_grad=True)
    out = cell(x)
    outs = out if isinstance(out, tuple) else (out,)
    assert all(o.shape == ((2, 2) if batched else (2,)) for o in outs)
    check(lambda x, *p: cell(x), x, *leaves(cell))


@given(seed=seeds, heads=st.integers(1, 2), L=st.integers(1, 3), S=st.integers(1, 3),
       mask=st.sampled_from([None, "bool", "float", "causal"]))
def test_attention_gradients(seed, heads, L, S, mask):
    rng = rng_of(seed)
    q = transposed(rng.uniform(-1, 1, (2, heads, L, 3)))
    k = tg.Tensor(rng.uniform(-1, 1, (1, heads, S, 3)), requires_grad=True)  # broadcast batch
    v = tg.Tensor(rng.uniform(-1, 1, (2, heads, S, 4)), requires_grad=True)
    m = None
    if mask == "bool":
        allowed = rng.random((L, S)) < 0.6
        allowed[:, 0] = True
        m = tg.Tensor(allowed)
    elif mask == "float":
        m = tg.Tensor(rng.uniform(-1, 1, (L, S)))
    check(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=m, is_causal=mask == "causal"),
          q, k, v)


@settings(max_examples=10)
@given(seed=seeds, batch_first=st.booleans(), need_weights=st.booleans())
def test_multihead_attention_gradients(seed, batch_first, need_weights):
    tg.manual_seed(seed)
    mha = float64(nn.MultiheadAttention(4, 2, batch_first=batch_first, kdim=3, vdim=2))
    rng = rng_of(seed)
    shape = (lambda L, E: (2, L, E)) if batch_first else (lambda L, E: (L, 2, E))
    q = tg.Tensor(rng.uniform(-1, 1, shape(3, 4)), requires_grad=True)
    k = tg.Tensor(rng.uniform(-1, 1, shape(2, 3)), requires_grad=True)
    v = tg.Tensor(rng.uniform(-1, 1, shape(2, 2)), requires_grad=True)
    padding = tg.Tensor(np.array([[False, True], [False, False]]))
    check(lambda q, k, v, *p: mha(q, k, v, key_padding_mask=padding, need_weights=need_weights)[0],
          q, k, v, *leaves(mha))


def test_transformer_gradients():
    tg.manual_seed(0)
    model = float64(nn.Transformer(4, 2, 1, 1, dim_feedforward=6, dropout=0.0))
    rng = rng_of(0)
    src = tg.Tensor(rng.uniform(-1, 1, (3, 2, 4)), requires_grad=True)
    tgt = tg.Tensor(rng.uniform(-1, 1, (2, 2, 4)), requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(2, dtype=tg.float64)
    cross = model.decoder.layers[0].multihead_attn  # the encoder reaches the output through it
    check(lambda s, t, *p: model(s, t, tgt_mask=mask), src, tgt, *leaves(cross))


def test_second_derivatives_of_an_lstm():
    tg.manual_seed(0)
    lstm = float64(nn.LSTM(2, 2))
    x = tg.Tensor(rng_of(1).uniform(-1, 1, (2, 1, 2)), requires_grad=True)
    assert tg.gradgradcheck(lambda x: lstm(x)[0], (x,))


# --- closed forms -------------------------------------------------------------------------------

def test_rnn_step_closed_form():
    rnn = float64(nn.RNN(2, 3))
    x = np.array([[[0.5, -1.0]], [[2.0, 0.25]]])
    w_ih, w_hh = rnn.weight_ih_l0.numpy(), rnn.weight_hh_l0.numpy()
    b = rnn.bias_ih_l0.numpy() + rnn.bias_hh_l0.numpy()
    h1 = np.tanh(x[0] @ w_ih.T + b)
    h2 = np.tanh(x[1] @ w_ih.T + h1 @ w_hh.T + b)
    out, h_n = rnn(tg.tensor(x))
    np.testing.assert_allclose(out.numpy(), np.stack([h1, h2]), rtol=1e-12)
    np.testing.assert_allclose(h_n.numpy(), h2[None], rtol=1e-12)


def test_lstm_and_gru_step_closed_forms():
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    x, h, c = np.array([[0.3, -0.7]]), np.array([[0.1, 0.2, -0.3]]), np.array([[0.5, -0.5, 0.2]])
    lstm = float64(nn.LSTMCell(2, 3))
    g = x @ lstm.weight_ih.numpy().T + lstm.bias_ih.numpy() + h @ lstm.weight_hh.numpy().T + lstm.bias_hh.numpy()
    i, f, gg, o = np.split(g, 4, axis=1)
    c2 = sig(f) * c + sig(i) * np.tanh(gg)
    h2, c2_ = lstm(tg.tensor(x), (tg.tensor(h), tg.tensor(c)))
    np.testing.assert_allclose(c2_.numpy(), c2, rtol=1e-12)
    np.testing.assert_allclose(h2.numpy(), sig(o) * np.tanh(c2), rtol=1e-12)
    gru = float64(nn.GRUCell(2, 3))
    gi = x @ gru.weight_ih.numpy().T + gru.bias_ih.numpy()
    gh = h @ gru.weight_hh.numpy().T + gru.bias_hh.numpy()
    r, z = sig(gi[:, :3] + gh[:, :3]), sig(gi[:, 3:6] + gh[:, 3:6])
    n = np.tanh(gi[:, 6:] + r * gh[:, 6:])
    np.testing.assert_allclose(gru(tg.tensor(x), tg.tensor(h)).numpy(), (1 - z) * n + z * h, rtol=1e-12)


def test_attention_with_equal_keys_averages_the_values():
    v = np.arange(12.0).reshape(1, 4, 3)
    out = F.scaled_dot_product_attention(tg.ones(1, 2, 5, dtype=tg.float64), tg.ones(1, 4, 5, dtype=tg.float64), tg.tensor(v))
    np.testing.assert_allclose(out.numpy(), np.broadcast_to(v.mean(1, keepdims=True), (1, 2, 3)))


def test_causal_attention_sees_only_the_past():
    v = np.arange(3.0).reshape(3, 1)
    zeros = tg.zeros(3, 2, dtype=tg.float64)
    out = F.scaled_dot_product_attention(zeros, zeros, tg.tensor(v), is_causal=True)
    np.testing.assert_allclose(out.numpy().ravel(), [0.0, 0.5, 1.0])


def test_a_query_that_may_attend_to_nothing_gets_zeros_and_zero_gradient():
    q = tg.Tensor(np.ones((2, 3)), requires_grad=True)
    mask = tg.tensor(np.array([[True, True, False], [False, False, False]]))
    out = F.scaled_dot_product_attention(q, tg.ones(3, 3, dtype=tg.float64), tg.ones(3, 2, dtype=tg.float64), attn_mask=mask)
    out.sum().backward()
    assert np.isfinite(q.grad.numpy()).all()
    np.testing.assert_array_equal(out.numpy()[1], [0.0, 0.0])


def test_grouped_query_attention_shares_key_heads():
    rng = rng_of(0)
    q, k, v = rng.standard_normal((1, 4, 2, 3)), rng.standard_normal((1, 2, 5, 3)), rng.standard_normal((1, 2, 5, 3))
    out = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v), enable_gqa=True)
    repeated = F.scaled_dot_product_attention(tg.tensor(q), tg.tensor(np.repeat(k, 2, 1)), tg.tensor(np.repeat(v, 2, 1)))
    np.testing.assert_allclose(out.numpy(), repeated.numpy())


def test_mha_weights_average_over_heads_and_padding_is_ignored():
    tg.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2)
    x = tg.randn(3, 2, 4)
    _, per_head = mha(x, x, x, average_attn_weights=False)
    _, mean = mha(x, x, x)
    assert per_head.shape == (2, 2, 3, 3)
    np.testing.assert_allclose(mean.numpy(), per_head.numpy().mean(1), rtol=1e-6)
    padding = tg.tensor(np.array([[False, False, True], [False, False, False]]))
    _, w = mha(x, x, x, key_padding_mask=padding)
    np.testing.assert_array_equal(w.numpy()[0, :, 2], 0.0)


def test_dropout_between_layers_only_in_training():
    tg.manual_seed(0)
    lstm = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    x = tg.randn(5, 2, 3)
    lstm.eval()
    np.testing.assert_array_equal(lstm(x)[0].numpy(), lstm(x)[0].numpy())
    lstm.train()
    assert not np.array_equal(lstm(x)[0].numpy(), lstm(x)[0].numpy())


def test_default_initialisation_ranges():
    tg.manual_seed(0)
    gru = nn.GRU(10, 16)
    bound = 1 / math.sqrt(16)
    for p in gru.parameters():
        assert np.abs(p.numpy()).max() <= bound
    mha = nn.MultiheadAttention(8, 2)
    np.testing.assert_array_equal(mha.in_proj_bias.numpy(), 0)
    assert np.abs(mha.in_proj_weight.numpy()).max() <= math.sqrt(6 / (8 + 24))


def test_parameter_names_and_shapes_are_pytorchs():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    shapes = {k: tuple(v.shape) for k, v in lstm.state_dict().items()}
    assert shapes["weight_ih_l0"] == (16, 3) and shapes["weight_hh_l0_reverse"] == (16, 2)
    assert shapes["weight_ih_l1"] == (16, 4) and shapes["weight_hr_l1_reverse"] == (2, 4)
    layer = nn.TransformerDecoderLayer(8, 2, 16)
    assert "multihead_attn.out_proj.weight" in layer.state_dict()
    assert "norm3.bias" in layer.state_dict()


# --- errors -------------------------------------------------------------------------------------

def test_errors_name_what_is_wrong():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match="input_size. Expected 3, got 5"):
        lstm(tg.randn(2, 1, 5))
    with pytest.raises(ValueError, match="2D or 3D"):
        lstm(tg.randn(2, 1, 1, 3))
    with pytest.raises(RuntimeError, match="hidden size"):
        lstm(tg.randn(2, 1, 3), (tg.zeros(1, 2, 4), tg.zeros(1, 1, 4)))
    with pytest.raises(ValueError, match="dropout"):
        nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="proj_size"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(AssertionError, match="divisible"):
        nn.MultiheadAttention(5, 2)
    mha = nn.MultiheadAttention(4, 2)
    x = tg.randn(3, 2, 4)
    with pytest.raises(RuntimeError, match="attn_mask"):
        mha(x, x, x, attn_mask=tg.zeros(2, 2))
    with pytest.raises(RuntimeError, match="is_causal"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerEncoderLayer(4, 2, activation="swish")


# --- PyTorch: the same weights give the same outputs and gradients --------------------------------

def _torch():
    return pytest.importorskip("torch", reason="PyTorch is not installed: nothing to compare with")


def _as(lib, a):
    return None if a is None else lib.tensor(a)


def _compare(torch, theirs, mine, arrays, **kwargs):
    """Copy ``theirs``' weights into ``mine``; run both on ``arrays`` and the masks in
    ``kwargs``; compare every output, the inputs' and every parameter's gradient."""
    state = {k: v.detach().numpy().astype(np.float64) for k, v in theirs.state_dict().items()}
    assert list(mine.state_dict()) == list(state)
    theirs.double().eval()
    for k, p in mine.named_parameters():
        p.data = tg.tensor(state[k])
    mine.eval()
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    m_in = [tg.tensor(a, requires_grad=True) for a in arrays]
    t_kw = {k: _as(torch, v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    m_kw = {k: _as(tg, v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    t_out, m_out = theirs(*t_in, **t_kw), mine(*m_in, **m_kw)
    flat = lambda o: [o] if not isinstance(o, tuple) else [z for y in o for z in flat(y)]  # noqa: E731
    t_out, m_out = flat(t_out), flat(m_out)
    for a, b in zip(m_out, t_out):
        assert (a is None) == (b is None)
        if b is not None:
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-11)
    w = rng_of(1).standard_normal(tuple(t_out[0].shape))
    (t_out[0] * torch.tensor(w)).sum().backward()
    (m_out[0] * tg.tensor(w)).sum().backward()
    for a, b in zip(m_in, t_in):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-11)
    t_params = dict(theirs.named_parameters())
    for k, p in mine.named_parameters():
        if t_params[k].grad is not None:
            np.testing.assert_allclose(p.grad.numpy(), t_params[k].grad.numpy(), rtol=1e-8,
                                       atol=1e-11, err_msg=k)


@pytest.mark.parametrize("kind, options", [
    ("RNN", {}), ("RNN", dict(nonlinearity="relu", num_layers=2, bidirectional=True)),
    ("LSTM", dict(num_layers=2, bidirectional=True, batch_first=True)), ("LSTM", dict(proj_size=3)),
    ("GRU", dict(num_layers=3, bias=False, bidirectional=True)), ("GRU", dict(batch_first=True))])
def test_recurrent_layers_match_pytorch(kind, options):
    torch = _torch()
    theirs, mine = getattr(torch.nn, kind)(4, 5, **options), getattr(nn, kind)(4, 5, **options)
    assert repr(mine) == repr(theirs)
    rng = rng_of(0)
    _compare(torch, theirs, mine, [rng.standard_normal((3, 6, 4))])
    _compare(torch, theirs, mine, [rng.standard_normal((6, 4))])


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_pytorch(kind):
    torch = _torch()
    theirs, mine = getattr(torch.nn, kind)(4, 5), getattr(nn, kind)(4, 5)
    _compare(torch, theirs, mine, [rng_of(0).standard_normal((3, 4))])


@pytest.mark.parametrize("options", [{}, dict(batch_first=True), dict(add_bias_kv=True),
                                     dict(add_zero_attn=True), dict(kdim=3, vdim=5), dict(bias=False)])
@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_matches_pytorch(options, need_weights):
    torch = _torch()
    theirs, mine = torch.nn.MultiheadAttention(8, 2, **options), nn.MultiheadAttention(8, 2, **options)
    rng = rng_of(0)
    kd, vd = options.get("kdim", 8), options.get("vdim", 8)
    shape = (lambda L, E: (3, L, E)) if options.get("batch_first") else (lambda L, E: (L, 3, E))
    arrays = [rng.standard_normal(shape(4, 8)), rng.standard_normal(shape(5, kd)), rng.standard_normal(shape(5, vd))]
    padding = rng.random((3, 5)) < 0.3
    padding[:, 0] = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare(torch, theirs, mine, arrays, need_weights=need_weights)
        _compare(torch, theirs, mine, arrays, key_padding_mask=padding,
                 attn_mask=rng.standard_normal((6, 4, 5)), need_weights=need_weights)


@pytest.mark.parametrize("options", [{}, dict(norm_first=True, activation="gelu", batch_first=True)])
def test_transformer_layers_match_pytorch(options):
    torch = _torch()
    rng = rng_of(0)
    causal = np.triu(np.full((5, 5), -np.inf), 1)
    src = rng.standard_normal((3, 5, 8) if options.get("batch_first") else (5, 3, 8))
    memory = rng.standard_normal((3, 4, 8) if options.get("batch_first") else (4, 3, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare(torch, torch.nn.TransformerEncoderLayer(8, 2, 16, **options),
                 nn.TransformerEncoderLayer(8, 2, 16, **options), [src], src_mask=causal)
        _compare(torch, torch.nn.TransformerDecoderLayer(8, 2, 16, **options),
                 nn.TransformerDecoderLayer(8, 2, 16, **options), [src, memory], tgt_mask=causal)
        _compare(torch, torch.nn.Transformer(8, 2, 2, 2, 16, **options),
                 nn.Transformer(8, 2, 2, 2, 16, **options), [memory, src], tgt_mask=causal)
