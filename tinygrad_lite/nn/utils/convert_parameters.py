"""All parameters as one flat vector, and back.

>>> ps = [nn.Parameter(tg.ones(2, 2)), nn.Parameter(tg.zeros(3))]
>>> vector_to_parameters(parameters_to_vector(ps) + 1, ps); ps[1]
Parameter containing:
tensor([1., 1., 1.], requires_grad=True)
"""
from ...ops.shape import cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """The parameters flattened and joined into one vector (differentiable)."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the vector ``vec`` into the parameters' data."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    start = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[start:start + n].reshape(p.shape).data
        start += n
