"""Products of tensors (``mm``, ``bmm``, ``einsum``, ...) and ``torch.linalg``'s functions."""

__all__ = []
