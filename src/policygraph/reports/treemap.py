"""Squarified treemaps (Bruls, Huizing and van Wijk, "Squarified Treemaps", 2000).

:func:`squarify` splits a rectangle into one rectangle per value, each with an area in
proportion to it, laid out in rows along the shorter side and kept as close to square as the
greedy rule allows; :func:`nest` does so again inside every box for a tree of boxes. Pure
geometry, no drawing: the site's overview template draws the rectangles as SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Box", "Placed", "Rect", "nest", "squarify"]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def area(self) -> float:
        return self.w * self.h

    def inset(self, left: float, top: float, right: float, bottom: float) -> Rect:
        """The rectangle with margins taken off (never narrower or lower than nothing)."""
        w = max(self.w - left - right, 0.0)
        h = max(self.h - top - bottom, 0.0)
        return Rect(self.x + min(left, self.w), self.y + min(top, self.h), w, h)


@dataclass
class Box:
    """A node of the tree to lay out: its size is its own, or the sum of its children's."""

    key: str
    size: float = 0.0
    children: list[Box] = field(default_factory=list)

    def total(self) -> float:
        return sum(c.total() for c in self.children) if self.children else max(self.size, 0.0)


@dataclass(frozen=True)
class Placed:
    key: str
    depth: int
    rect: Rect


def _worst(row: Sequence[float], side: float) -> float:
    """The worst aspect ratio of a row of areas laid along a side of this length."""
    total = sum(row)
    if total <= 0 or side <= 0:
        return float("inf")
    return max(
        max(side * side * a / (total * total), total * total / (side * side * a)) for a in row
    )


def _place(row: list[float], rect: Rect) -> tuple[list[Rect], Rect]:
    """Lay a row along the shorter side of ``rect``; return its rectangles and what is left."""
    total = sum(row)
    out = []
    if rect.w >= rect.h:  # a column at the left
        width = min(total / rect.h, rect.w) if rect.h else 0.0
        y = rect.y
        for i, a in enumerate(row):
            # The row spans the side: the last one ends at its end, whatever the rounding.
            h = rect.y + rect.h - y if i == len(row) - 1 else (a / width if width else 0.0)
            out.append(Rect(rect.x, y, width, h))
            y += h
        return out, Rect(rect.x + width, rect.y, max(rect.w - width, 0.0), rect.h)
    height = min(total / rect.w, rect.h) if rect.w else 0.0  # a row along the top
    x = rect.x
    for i, a in enumerate(row):
        w = rect.x + rect.w - x if i == len(row) - 1 else (a / height if height else 0.0)
        out.append(Rect(x, rect.y, w, height))
        x += w
    return out, Rect(rect.x, rect.y + height, rect.w, max(rect.h - height, 0.0))


def squarify(sizes: Sequence[float], rect: Rect) -> list[Rect]:
    """One rectangle per size, in the order given, together tiling ``rect``.

    Larger values are placed first (ties in the order given), so the layout is deterministic.
    A size of zero or less gets an empty rectangle at the far corner."""
    order = sorted((i for i in range(len(sizes)) if sizes[i] > 0), key=lambda i: (-sizes[i], i))
    total = sum(sizes[i] for i in order)
    empty = Rect(rect.x + rect.w, rect.y + rect.h, 0.0, 0.0)
    out: list[Rect] = [empty] * len(sizes)
    if total <= 0 or rect.area <= 0:
        return out
    scale = rect.area / total
    areas = [sizes[i] * scale for i in order]
    placed: list[Rect] = []
    row: list[float] = []
    left = rect
    for area in areas:
        side = min(left.w, left.h)
        if not row or _worst([*row, area], side) <= _worst(row, side):
            row.append(area)
            continue
        done, left = _place(row, left)
        placed += done
        row = [area]
    done, _ = _place(row, left)
    placed += done
    for i, r in zip(order, placed, strict=True):
        out[i] = r
    return out


def nest(
    boxes: Sequence[Box], rect: Rect, *, padding: Sequence[tuple[float, float, float, float]] = ()
) -> list[Placed]:
    """Lay out a forest: the top boxes in ``rect``, each box's children inside it.

    ``padding[depth]`` is the (left, top, right, bottom) margin kept inside a box of that depth
    before its children are laid out (room for a label, a visible border). Boxes come out
    parents before children, siblings in the order given."""
    out: list[Placed] = []

    def lay(level: Sequence[Box], area: Rect, depth: int) -> None:
        rects = squarify([b.total() for b in level], area)
        for box, r in zip(level, rects, strict=True):
            out.append(Placed(box.key, depth, r))
            if box.children:
                pad = padding[depth] if depth < len(padding) else (0.0, 0.0, 0.0, 0.0)
                inner = r.inset(*pad)
                if inner.area <= 0:
                    inner = r
                lay(box.children, inner, depth + 1)

    lay(boxes, rect, 0)
    return out
