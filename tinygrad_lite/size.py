"""``torch.Size``: the type of ``x.shape`` and ``x.size()``, a tuple with PyTorch's repr and
``numel()``. Inside f-strings it formats as the plain tuple (``f"{x.shape}"`` is ``(2, 3)``), so
error messages read as before.

    >>> Size([2, 3])
    torch.Size([2, 3])
    >>> Size([2, 3]).numel(), Size([2, 3])[1:]
    (6, torch.Size([3]))
"""
__all__ = ["Size"]


class Size(tuple):
    """A shape: a tuple of ints, as PyTorch's ``torch.Size``."""

    __slots__ = ()

    def numel(self):
        """The number of elements of a tensor of this shape."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if type(index) is slice else item

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def __format__(self, format_spec):
        return format(tuple.__repr__(self), format_spec)
