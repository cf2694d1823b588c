"""Cells of the CSV exports, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=cmd|' /C calc'!A0`` runs a program; OWASP, "CSV
Injection"). Such a cell gets a leading apostrophe, which spreadsheets take as "text" and do not
show. A plain number (``-12``, ``+0.5``) is not a formula and is left as it is. Only the CSV
outputs do this; JSON, TSV (whose literals are quoted) and RDF keep the values as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["FORMULA_START", "safe_cell", "safe_row"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def safe_cell(text: str) -> str:
    """``text``, with a leading apostrophe if a spreadsheet would read it as a formula."""
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(cells: Iterable[str]) -> list[str]:
    return [safe_cell(cell) for cell in cells]
