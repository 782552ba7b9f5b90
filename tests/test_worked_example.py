"""The hand-derived 3 → 2 → 3 network (leaky ReLU 0.2, sigmoid, C = Σ (a2 − y)²) of the README,
reproduced to 1e-6: activations and every parameter gradient."""
import numpy as np
import pytest

from tinygrad_lite import Tensor, primitives

W1 = [[-0.75, 0.5, -0.25], [0.25, -0.5, 0.75]]
B1 = [0.0, 1.0]
W2 = [[-0.75, 0.75], [0.5, -0.5], [-0.25, 0.25]]
B2 = [0.75, 0.5, 0.25]
X = [0.25, 0.5, 0.75]
Y = [0.0, 1.0, 0.0]

A1 = [-0.025, 1.375]
A2 = [0.8581489, 0.4501660, 0.6456563]
DB2 = [0.2089238, -0.2721861, 0.2954320]
DW2 = [[-0.0052231, 0.2872702], [0.0068047, -0.3742558], [-0.0073858, 0.4062190]]
DB1 = [-0.0733288, 0.3666439]
DW1 = [[-0.0183322, -0.0366644, -0.0549966], [0.0916610, 0.1833219, 0.2749829]]

TOL = 1e-6  # the expected values are rounded to 7 decimals (error ≤ 5e-8)


def _forward_matmul(w1, b1, w2, b2, x):
    a1 = (w1 @ x + b1).leaky_relu(0.2)
    return a1, (w2 @ a1 + b2).sigmoid()


def _forward_linear(w1, b1, w2, b2, x):
    a1 = primitives.Linear.apply(x.reshape(1, 3), w1, b1).leaky_relu(0.2)
    return a1.reshape(2), primitives.Linear.apply(a1, w2, b2).sigmoid().reshape(3)


@pytest.mark.parametrize("forward", [_forward_matmul, _forward_linear])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_worked_example(forward, dtype):
    params = [Tensor(np.array(v, dtype=dtype), requires_grad=True) for v in (W1, B1, W2, B2)]
    x, y = Tensor(np.array(X, dtype=dtype)), Tensor(np.array(Y, dtype=dtype))
    a1, a2 = forward(*params, x)
    cost = ((a2 - y) ** 2).sum()
    cost.backward()
    for got, expected in zip([a1, a2] + [p.grad for p in params], [A1, A2, DW1, DB1, DW2, DB2]):
        assert got.dtype == dtype
        np.testing.assert_allclose(got.numpy(), expected, rtol=0, atol=TOL)


def test_worked_example_by_the_hand_formulas():
    """δ2 = 2(a2 − y)·a2(1 − a2) = dC/db2, dC/dW2 = δ2 a1ᵀ, δ1 = (W2ᵀ δ2)·leaky′(z1) = dC/db1,
    dC/dW1 = δ1 xᵀ: the same numbers from NumPy, so the table itself is checked too."""
    w1, b1, w2, b2, x, y = (np.array(v) for v in (W1, B1, W2, B2, X, Y))
    z1 = w1 @ x + b1
    a1 = np.where(z1 > 0, z1, 0.2 * z1)
    a2 = 1 / (1 + np.exp(-(w2 @ a1 + b2)))
    d2 = 2 * (a2 - y) * a2 * (1 - a2)
    d1 = (w2.T @ d2) * np.where(z1 > 0, 1.0, 0.2)
    for got, expected in zip([a1, a2, d2, np.outer(d2, a1), d1, np.outer(d1, x)],
                             [A1, A2, DB2, DW2, DB1, DW1]):
        np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)
