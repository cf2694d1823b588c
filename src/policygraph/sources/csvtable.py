"""Read one CSV file into rows that remember where each cell came from.

The reader checks the shape of the file (known columns, required columns present and filled,
no duplicate keys); typed parsing of cells is done by :mod:`policygraph.sources.cells`, and
references between files are checked by the mapping, which raises :class:`SourceError` with the
position kept here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.datafiles import decode_utf8, read_bounded
from policygraph.errors import SourceError
from policygraph.wording import count

__all__ = ["Row", "Table", "read_table"]


@dataclass(frozen=True)
class Table:
    """The columns one CSV file may have."""

    name: str
    required: Sequence[str]
    optional: Sequence[str] = ()
    key: Sequence[str] = ()
    #: Columns that may have a ``{column}_source`` companion.
    sourced: Sequence[str] = ()

    @property
    def columns(self) -> list[str]:
        extra = [f"{c}_source" for c in self.sourced]
        return [*self.required, *self.optional, *extra]


@dataclass
class Row:
    """One data row: the raw cells plus the position of each column for error messages."""

    path: Path
    line: int
    cells: dict[str, str]
    positions: dict[str, int] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def error(self, column: str | None, message: str, fix: str | None = None) -> SourceError:
        col = self.positions.get(column) if column else None
        return SourceError(self.path, message, line=self.line, column=col, fix=fix)


#: The longest cell (characters): a cell is a label, a quote or a list of codes, never a book.
MAX_CELL = 65_536
#: Control characters a cell may not hold (C0 but tab and line breaks, DEL, C1): a NUL or an
#: escape sequence in a label is always a mistake, and would reach every export and page.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    text = decode_utf8(path, read_bounded(path))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(
            path, f"malformed CSV ({exc})", line=start, fix="check the quoting of that row"
        ) from None


def _check_cells(path: Path, line: int, cells: list[str]) -> None:
    for index, cell in enumerate(cells, start=1):
        bad = _CONTROL.search(cell)
        if bad:
            raise SourceError(
                path,
                f"control character U+{ord(bad.group()):04X} in a cell",
                line=line,
                column=index,
                fix="remove it (a tab or line break is the only control character a cell may hold)",
            )
        if len(cell) > MAX_CELL:
            raise SourceError(
                path,
                f"a cell of {len(cell):,} characters (at most {MAX_CELL:,})",
                line=line,
                column=index,
                fix="shorten it",
            )


def read_table(path: Path, table: Table) -> list[Row]:
    """Read ``path`` against ``table``; raise :class:`SourceError` at the first bad cell."""
    lines = _rows(path)
    try:
        header_line, header = next(lines)
    except StopIteration:
        raise SourceError(path, "empty file", line=1, fix="add the header row") from None
    _check_cells(path, header_line, header)
    header = [h.strip().lstrip("\ufeff") for h in header]
    allowed = set(table.columns)
    for index, name in enumerate(header, start=1):
        if name not in allowed:
            raise SourceError(
                path,
                f"unknown column {name!r}",
                line=header_line,
                column=index,
                fix=f"rename or remove it (allowed: {', '.join(table.columns)})",
            )
        if header.index(name) != index - 1:
            raise SourceError(path, f"duplicate column {name!r}", line=header_line, column=index)
    for name in table.required:
        if name not in header:
            raise SourceError(
                path,
                f"missing column {name!r}",
                line=header_line,
                fix=f"add a {name!r} column to the header",
            )
    positions = {name: i for i, name in enumerate(header, start=1)}
    rows: list[Row] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        _check_cells(path, line, cells)
        if len(cells) != len(header):
            raise SourceError(
                path,
                f"{count(len(cells), 'cell')} but the header has {count(len(header), 'column')}",
                line=line,
                column=min(len(cells), len(header)) + 1,
                fix="quote cells that contain commas"
                if len(cells) > len(header)
                else "add the missing cells (empty ones too: a row has a comma per column)",
            )
        values = dict(zip(header, cells, strict=False))
        row = Row(path, line, values, positions)
        for name in table.required:
            if not row.get(name):
                raise row.error(name, f"empty required cell {name!r}", "fill it in")
        if table.key:
            key = tuple(row.get(k) for k in table.key)
            if key in seen:
                raise row.error(
                    table.key[-1],
                    f"duplicate id {'/'.join(key)!r} (first on line {seen[key]})",
                    "give each row its own id",
                )
            seen[key] = line
        rows.append(row)
    return rows
