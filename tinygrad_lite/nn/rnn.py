"""Recurrent layers with PyTorch's names, parameters and layouts: RNN, LSTM, GRU and their cells.

A layer runs its cell over the time steps, layer by layer and, when ``bidirectional``, once
forwards and once backwards per layer; everything is composed from recorded ops, so gradients
(and gradients of gradients) come from the engine. The input projection of every time step is one
matrix product per layer and direction, before the loop.

Parameter names and shapes are PyTorch's (``weight_ih_l0``, ``weight_hh_l0_reverse``, ...), so a
``state_dict`` moves between the two frameworks unchanged.

>>> lstm = nn.LSTM(input_size=3, hidden_size=5, num_layers=2, batch_first=True)
>>> output, (h_n, c_n) = lstm(tg.randn(4, 7, 3))
>>> output.shape, h_n.shape, c_n.shape
(torch.Size([4, 7, 5]), torch.Size([2, 4, 5]), torch.Size([2, 4, 5]))
"""
import math
import numbers

import numpy as np

from ..ops.shape import cat, stack
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module, Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# --- one time step of each cell: `gi` is the input's projection x @ w_ih.T + b_ih ---------------

def _rnn_step(gi, h, w_hh, b_hh, relu):
    pre = gi + F.linear(h, w_hh, b_hh)
    return pre.relu() if relu else pre.tanh()


def _lstm_step(gi, h, c, w_hh, b_hh, w_hr=None):
    gates = gi + F.linear(h, w_hh, b_hh)
    n = c.shape[-1]
    i, f = gates[..., :n].sigmoid(), gates[..., n:2 * n].sigmoid()
    g, o = gates[..., 2 * n:3 * n].tanh(), gates[..., 3 * n:].sigmoid()
    c = f * c + i * g
    h = o * c.tanh()
    return (h if w_hr is None else F.linear(h, w_hr)), c


def _gru_step(gi, h, w_hh, b_hh):
    gh = F.linear(h, w_hh, b_hh)
    n = h.shape[-1]
    r = (gi[..., :n] + gh[..., :n]).sigmoid()
    z = (gi[..., n:2 * n] + gh[..., n:2 * n]).sigmoid()
    candidate = (gi[..., 2 * n:] + r * gh[..., 2 * n:]).tanh()
    return candidate + z * (h - candidate)  # (1 - z) * candidate + z * h


def _uniform_init(module, hidden_size):
    """PyTorch's default for recurrent weights: every parameter from U(-1/sqrt(hidden), ...)."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


def _new_parameter(shape, dtype):
    return Parameter(np.zeros(shape, np.dtype(np.float32 if dtype is None else dtype)))


def _check_sizes(name, input_size, hidden_size):
    for what, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"{name}: {what} should be of type int, got: {type(value).__name__}")
    if hidden_size <= 0:
        raise ValueError(f"{name}: hidden_size must be greater than zero, got {hidden_size}")


class RNNBase(Module):
    """The multi-layer, optionally bidirectional recurrent layer behind RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, dtype=None):
        super().__init__()
        name = type(self).__name__
        _check_sizes(name, input_size, hidden_size)
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(f"{name}: dropout should be a number in range [0, 1] representing the "
                             f"probability of an element being zeroed, got {dropout!r}")
        if not isinstance(num_layers, numbers.Integral) or num_layers <= 0:
            raise ValueError(f"{name}: num_layers must be a positive int, got {num_layers!r}")
        if proj_size < 0:
            raise ValueError(f"{name}: proj_size should be a positive integer or zero to disable "
                             f"projections, got {proj_size}")
        if proj_size >= hidden_size and proj_size:
            raise ValueError(f"{name}: proj_size ({proj_size}) has to be smaller than hidden_size "
                             f"({hidden_size})")
        if proj_size and mode != "LSTM":
            raise ValueError(f"{name}: proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        gate_size = _GATES[mode] * hidden_size
        out_size = proj_size or hidden_size
        for layer in range(num_layers):
            for direction in range(2 if bidirectional else 1):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                layer_input = input_size if layer == 0 else out_size * self._directions
                setattr(self, "weight_ih" + suffix, _new_parameter((gate_size, layer_input), dtype))
                setattr(self, "weight_hh" + suffix, _new_parameter((gate_size, out_size), dtype))
                if bias:
                    setattr(self, "bias_ih" + suffix, _new_parameter((gate_size,), dtype))
                    setattr(self, "bias_hh" + suffix, _new_parameter((gate_size,), dtype))
                if proj_size:
                    setattr(self, "weight_hr" + suffix, _new_parameter((proj_size, hidden_size), dtype))
        self.reset_parameters()

    @property
    def _directions(self):
        return 2 if self.bidirectional else 1

    def reset_parameters(self):
        _uniform_init(self, self.hidden_size)

    def _weights(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        p = self._parameters
        return (p["weight_ih" + suffix], p["weight_hh" + suffix], p.get("bias_ih" + suffix),
                p.get("bias_hh" + suffix), p.get("weight_hr" + suffix))

    def _state_shape(self, batch, size):
        return (self.num_layers * self._directions,) + (() if batch is None else (batch,)) + (size,)

    def _check_state(self, state, batch, size, what):
        expected = self._state_shape(batch, size)
        if tuple(state.shape) != expected:
            raise RuntimeError(f"{type(self).__name__}: expected {what} size {expected}, got "
                               f"{tuple(state.shape)}")

    def _prepare(self, input, hx):
        """The input as (L, N, H_in), the initial states as (layers * directions, N, H) each,
        and whether the input was unbatched."""
        name = type(self).__name__
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}: input must be a Tensor, got {type(input).__name__}")
        if input.ndim not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D tensor instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")
        unbatched = input.ndim == 2
        batch = None if unbatched else input.shape[0 if self.batch_first else 1]
        sizes = [self.proj_size or self.hidden_size] + [self.hidden_size] * (self.mode == "LSTM")
        if hx is None:
            states = [Tensor(np.zeros(self._state_shape(batch, s), input.dtype)) for s in sizes]
        else:
            states = list(hx) if self.mode == "LSTM" else [hx]
            if self.mode == "LSTM" and len(states) != 2:
                raise TypeError(f"{name}: hx must be a tuple (h_0, c_0) of two tensors")
            for state, size, what in zip(states, sizes, ("hidden", "cell")):
                self._check_state(state, batch, size, what)
        if unbatched:
            input, states = input.unsqueeze(1), [s.unsqueeze(1) for s in states]
        elif self.batch_first:
            input = input.transpose(0, 1)
        return input, states, unbatched

    def _run_direction(self, steps, weights, states, reverse):
        w_ih, w_hh, b_ih, b_hh, w_hr = weights
        projected = F.linear(steps, w_ih, b_ih)  # (L, N, gates): every step's input at once
        order = range(steps.shape[0] - 1, -1, -1) if reverse else range(steps.shape[0])
        outputs = [None] * steps.shape[0]
        for t in order:
            gi = projected[t]
            if self.mode == "LSTM":
                states = _lstm_step(gi, *states, w_hh, b_hh, w_hr)
            elif self.mode == "GRU":
                states = (_gru_step(gi, states[0], w_hh, b_hh),)
            else:
                states = (_rnn_step(gi, states[0], w_hh, b_hh, self.mode == "RNN_RELU"),)
            outputs[t] = states[0]
        return outputs, states

    def forward(self, input, hx=None):
        steps, states, unbatched = self._prepare(input, hx)
        finals = [[] for _ in states]
        for layer in range(self.num_layers):
            if layer and self.dropout and self.training:
                steps = F.dropout(steps, self.dropout, True)
            per_direction = []
            for direction in range(self._directions):
                index = layer * self._directions + direction
                outputs, last = self._run_direction(steps, self._weights(layer, direction),
                                                    [s[index] for s in states], direction == 1)
                per_direction.append(stack(outputs) if outputs else
                                     Tensor(np.zeros(steps.shape[:2] + (states[0].shape[-1],),
                                                     steps.dtype)))
                for final, state in zip(finals, last):
                    final.append(state)
            steps = per_direction[0] if len(per_direction) == 1 else cat(per_direction, 2)
        finals = [stack(f) for f in finals]
        if unbatched:
            steps, finals = steps.squeeze(1), [f.squeeze(1) for f in finals]
        elif self.batch_first:
            steps = steps.transpose(0, 1)
        return steps, (tuple(finals) if self.mode == "LSTM" else finals[0])

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or ReLU).

    >>> rnn = nn.RNN(4, 6, nonlinearity="relu")
    >>> out, h_n = rnn(tg.randn(5, 2, 4))      # (L, N, H_in) unless batch_first
    >>> out.shape, h_n.shape
    (torch.Size([5, 2, 6]), torch.Size([1, 2, 6]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, dtype)


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o (in that order in the weights), ``c_t = f c_{t-1}
    + i g`` and ``h_t = o tanh(c_t)``, projected by ``weight_hr`` when ``proj_size`` > 0. Returns
    ``output, (h_n, c_n)``.

    >>> lstm = nn.LSTM(4, 6, bidirectional=True)
    >>> out, (h_n, c_n) = lstm(tg.randn(5, 2, 4))
    >>> out.shape, h_n.shape
    (torch.Size([5, 2, 12]), torch.Size([2, 2, 6]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, dtype)


class GRU(RNNBase):
    """Gated recurrent unit: gates r, z, n (in that order in the weights),
    ``n_t = tanh(W_in x_t + b_in + r_t (W_hn h_{t-1} + b_hn))`` and ``h_t = (1 - z_t) n_t + z_t h_{t-1}``.

    >>> gru = nn.GRU(4, 6, num_layers=2, batch_first=True)
    >>> out, h_n = gru(tg.randn(2, 5, 4))
    >>> out.shape, h_n.shape
    (torch.Size([2, 5, 6]), torch.Size([2, 2, 6]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, dtype)


class RNNCellBase(Module):
    """One time step: ``weight_ih`` (gates * hidden, input), ``weight_hh``, ``bias_ih``, ``bias_hh``."""

    def __init__(self, input_size, hidden_size, bias, gates, dtype=None):
        super().__init__()
        _check_sizes(type(self).__name__, input_size, hidden_size)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = _new_parameter((gates * hidden_size, input_size), dtype)
        self.weight_hh = _new_parameter((gates * hidden_size, hidden_size), dtype)
        if bias:
            self.bias_ih = _new_parameter((gates * hidden_size,), dtype)
            self.bias_hh = _new_parameter((gates * hidden_size,), dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        _uniform_init(self, self.hidden_size)

    def _prepare(self, input, states):
        """``input`` as (N, H_in) and the states as (N, H) (zeros when None); whether unbatched."""
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        unbatched = input.ndim == 1
        if unbatched:
            input = input.unsqueeze(0)
        shape = (input.shape[0], self.hidden_size)
        out = []
        for s in states:
            if s is None:
                s = Tensor(np.zeros(shape, input.dtype))
            elif unbatched:
                s = s.unsqueeze(0)
            if tuple(s.shape) != shape:
                raise RuntimeError(f"{name}: expected a hidden state of shape {shape}, got "
                                   f"{tuple(s.shape)}")
            out.append(s)
        return input, out, unbatched

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or ReLU), for (N, H_in) or (H_in) input.

    >>> nn.RNNCell(3, 4)(tg.randn(2, 3)).shape
    torch.Size([2, 4])
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, dtype)

    def forward(self, input, hx=None):
        input, (h,), unbatched = self._prepare(input, [hx])
        h = _rnn_step(F.linear(input, self.weight_ih, self.bias_ih), h, self.weight_hh,
                      self.bias_hh, self.nonlinearity == "relu")
        return h.squeeze(0) if unbatched else h


class LSTMCell(RNNCellBase):
    """One LSTM step: returns ``(h', c')``; ``hx`` is ``(h, c)`` or None (zeros).

    >>> h, c = nn.LSTMCell(3, 4)(tg.randn(2, 3))
    >>> h.shape, c.shape
    (torch.Size([2, 4]), torch.Size([2, 4]))
    """

    def __init__(self, input_size, hidden_size, bias=True, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, dtype)

    def forward(self, input, hx=None):
        input, (h, c), unbatched = self._prepare(input, [None, None] if hx is None else list(hx))
        h, c = _lstm_step(F.linear(input, self.weight_ih, self.bias_ih), h, c, self.weight_hh,
                          self.bias_hh)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """One GRU step, for (N, H_in) or (H_in) input.

    >>> nn.GRUCell(3, 4)(tg.randn(3)).shape
    torch.Size([4])
    """

    def __init__(self, input_size, hidden_size, bias=True, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, dtype)

    def forward(self, input, hx=None):
        input, (h,), unbatched = self._prepare(input, [hx])
        h = _gru_step(F.linear(input, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return h.squeeze(0) if unbatched else h
