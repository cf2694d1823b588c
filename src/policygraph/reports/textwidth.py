"""Text columns that line up on a terminal when cells hold Chinese.

A CJK character takes two columns of a monospaced terminal (Unicode's East Asian Width ``W`` or
``F``), a combining mark none; ``str.ljust`` counts characters, so a column of 肃北蒙古族自治县
would push every cell after it eight columns to the right.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["clip", "columns", "ljust", "rjust", "width"]


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def ljust(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def rjust(text: str, columns: int) -> str:
    return " " * max(0, columns - width(text)) + text


def clip(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` columns, with an ellipsis where it was cut."""
    if width(text) <= columns:
        return text
    out, used = [], 0
    for char in text:
        if used + _char_width(char) > columns - 1:
            break
        out.append(char)
        used += _char_width(char)
    return "".join(out) + "…"


def columns(header: Sequence[str], rows: Sequence[Sequence[str]], gap: str = "  ") -> list[str]:
    """A header, a rule and the rows, each column as wide as its widest cell (the header
    padded to the full width, the rows without trailing spaces)."""
    widths = [max([width(h), *(width(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = [gap.join(ljust(h, w) for h, w in zip(header, widths, strict=True))]
    lines.append(gap.join("-" * w for w in widths))
    lines += [gap.join(ljust(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return lines
