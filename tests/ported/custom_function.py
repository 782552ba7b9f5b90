"""Custom autograd functions as the PyTorch tutorials write them: a Legendre-polynomial layer
``P3(x) = (5x^3 - 3x) / 2`` with a hand-written backward (``ctx.save_for_backward``), and a
straight-through rounding function, fitted to sin(x) on [-pi, pi] by plain gradient descent.

Runs under PyTorch as written; under tinygrad_lite with only the import lines changed.
"""
import math

import torch


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class RoundStraightThrough(torch.autograd.Function):
    """round() forward; the identity's gradient backward, scaled by a non-tensor argument."""

    @staticmethod
    def forward(ctx, input, scale):
        ctx.scale = scale
        return torch.round(input * scale) / scale

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, None


def build():
    dtype = torch.get_default_dtype()
    return [torch.full((), value, dtype=dtype, requires_grad=True)
            for value in (0.0, -1.0, 0.0, 0.3)]


def parameters(params):
    return params


def train(params, steps, lr=5e-6):
    a, b, c, d = params
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.get_default_dtype())
    y = torch.sin(x)
    P3 = LegendrePolynomial3.apply
    losses = []
    for _ in range(steps):
        y_pred = a + b * P3(c + d * x)
        y_pred = RoundStraightThrough.apply(y_pred, 1e6)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
        losses.append(loss.item())
    return losses


if __name__ == "__main__":
    params = build()
    losses = train(params, 2000)
    print(f"loss {losses[0]:.2f} -> {losses[-1]:.2f}")
    print("y = {:.3f} + {:.3f} * P3({:.3f} + {:.3f} x)".format(*(p.item() for p in params)))
