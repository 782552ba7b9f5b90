"""Sorting and selection: ``sort``, ``argsort``, ``topk``, ``unique``, ``searchsorted``, ...."""

__all__ = []
