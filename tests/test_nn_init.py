"""nn.init: every function PyTorch's has, by its distribution or closed form, with generators."""
import math
import warnings

import numpy as np
import pytest

import tinygrad_lite as tg
from tinygrad_lite import nn
from tinygrad_lite.nn import init


def test_trunc_normal_stays_in_bounds_with_the_right_moments():
    w = init.trunc_normal_(tg.empty(200, 200, dtype=tg.float64), mean=0.5, std=1.0, a=-1.0, b=2.0,
                           generator=tg.Generator().manual_seed(0))
    x = w.numpy()
    assert x.min() >= -1.0 and x.max() <= 2.0
    # the mean of N(0.5, 1) truncated to [-1, 2]: mu + (phi(alpha) - phi(beta)) / Z
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    expected = 0.5 + (phi(-1.5) - phi(1.5)) / (cdf(1.5) - cdf(-1.5))
    assert abs(x.mean() - expected) < 0.01


def test_orthogonal_rows_or_columns_are_orthonormal():
    for shape in [(3, 5), (5, 3), (4, 2, 2)]:
        w = init.orthogonal_(tg.empty(*shape, dtype=tg.float64), gain=2.0).numpy().reshape(shape[0], -1)
        small = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
        np.testing.assert_allclose(small, 4 * np.eye(min(w.shape)), atol=1e-12)


def test_sparse_eye_and_dirac():
    w = init.sparse_(tg.empty(10, 6), sparsity=0.25, std=0.1).numpy()
    assert all((w[:, j] == 0).sum() == 3 for j in range(6))
    np.testing.assert_array_equal(init.eye_(tg.empty(2, 4)).numpy(), np.eye(2, 4))
    conv = nn.Conv2d(3, 6, 3, padding=1, bias=False)
    init.dirac_(conv.weight, groups=2)
    x = tg.randn(1, 3, 5, 5)
    out = conv(x).numpy()
    np.testing.assert_allclose(out[0, :3], x.numpy()[0], rtol=1e-6)  # each group copies the input
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(tg.empty(2, 2, 2))


def test_generators_make_draws_repeatable():
    draws = [init.kaiming_normal_(tg.empty(4, 4), generator=tg.Generator().manual_seed(3)).numpy()
             for _ in range(2)]
    np.testing.assert_array_equal(*draws)
    a = init.xavier_uniform_(tg.empty(4, 4), generator=tg.Generator().manual_seed(1)).numpy()
    assert np.abs(a).max() <= math.sqrt(6 / 8)


def test_deprecated_names_warn_and_work():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        init.uniform(tg.empty(3), 0.0, 1.0)
    assert "deprecated in favor of nn.init.uniform_" in str(caught[0].message)


def test_every_init_function_of_pytorch_exists():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: nothing to compare with")
    theirs = {n for n in dir(torch.nn.init) if not n.startswith("_") and callable(getattr(torch.nn.init, n))
              and getattr(getattr(torch.nn.init, n), "__module__", "") == "torch.nn.init"}
    assert theirs <= set(init.__all__)
