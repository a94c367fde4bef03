"""How numbers are written on the page: (y, x) pairs as the tensors order them, sizes as W x H."""

from __future__ import annotations


def yx(pair, digits: int | None = None) -> str:
    """``(12, 20)`` for a cell, ``(197.31, 317.90)`` with ``digits`` for a position or vector."""
    if digits is None:
        return f"({int(pair[0])}, {int(pair[1])})"
    return f"({pair[0]:.{digits}f}, {pair[1]:.{digits}f})"


def size(height_width) -> str:
    """A (height, width) size the way people say it: ``1000 × 667`` (width first)."""
    return f"{height_width[1]} × {height_width[0]}"


def ms(value: float) -> str:
    return f"{value:.1f} ms"
