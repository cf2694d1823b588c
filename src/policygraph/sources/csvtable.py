"""Read one CSV file into rows that remember where each cell came from.

The reader checks the shape of the file (known columns, required columns present and filled,
no duplicate keys); typed parsing of cells is done by :mod:`policygraph.sources.cells`, and
references between files are checked by the mapping, which raises :class:`SourceError` with the
position kept here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.errors import SourceError

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


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    start = 1
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise SourceError(
            path, f"not UTF-8 text (byte {exc.start})", fix="save the file as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise SourceError(
            path, f"malformed CSV ({exc})", line=start, fix="check the quoting of that row"
        ) from None


def read_table(path: Path, table: Table) -> list[Row]:
    """Read ``path`` against ``table``; raise :class:`SourceError` at the first bad cell."""
    lines = _rows(path)
    try:
        header_line, header = next(lines)
    except StopIteration:
        raise SourceError(path, "empty file", line=1, fix="add the header row") from None
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
        if len(cells) > len(header):
            raise SourceError(
                path,
                f"{len(cells)} cells but the header has {len(header)} columns",
                line=line,
                column=len(header) + 1,
                fix="quote cells that contain commas",
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
