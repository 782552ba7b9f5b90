"""``tinygrad_lite.linalg``: PyTorch's ``torch.linalg`` namespace. The functions live in
``ops/linalg.py`` (with the products, norms and the factorization primitives); a few have other
names there because ``torch.*`` uses the same name differently (``norm``, ``cross``).

    >>> import tinygrad_lite as torch
    >>> A = torch.tensor([[4., 2.], [2., 3.]])
    >>> torch.linalg.solve(A, torch.tensor([2., 1.]))
    tensor([0.5, 0. ])
"""
from .ops.linalg import (LinAlgError, cholesky, det, eigh, eigvalsh, inv, lstsq, matrix_norm,
                         matrix_power, matrix_rank, multi_dot, pinv, qr, slogdet, solve, svd,
                         svdvals, vector_norm)
from .ops.arithmetic import matmul
from .ops.linalg import linalg_cross as cross
from .ops.linalg import linalg_norm as norm

__all__ = ["LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "lstsq", "matmul",
           "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr",
           "slogdet", "solve", "svd", "svdvals", "vector_norm"]
