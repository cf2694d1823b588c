"""A user's list of documents, from CSV or XLSX: its header mapped to the fields the importer
knows (guessed from Chinese or English names, overridable), its rows with their row numbers.

Rows keep the number a spreadsheet shows (the header is row 1), so that an error and a
document's locator point at the row the user sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from policygraph.datafiles import decode_utf8, read_bounded
from policygraph.errors import SourceError

__all__ = ["FIELDS", "Sheet", "SheetRow", "read_sheet"]

#: Each field and the headers that name it, compared without case, spaces or punctuation.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": (
        "标题",
        "文件标题",
        "文件名称",
        "名称",
        "政策名称",
        "文件名",
        "题名",
        "title",
        "documenttitle",
        "name",
        "titlezh",
    ),
    "number": (
        "文号",
        "发文字号",
        "发文文号",
        "文件编号",
        "编号",
        "字号",
        "number",
        "documentnumber",
        "docno",
        "no",
    ),
    "date": (
        "日期",
        "发文日期",
        "成文日期",
        "发布日期",
        "印发日期",
        "发布时间",
        "时间",
        "date",
        "issued",
        "issuedate",
        "dateissued",
    ),
    "issuer": (
        "发文机关",
        "发文单位",
        "发布机构",
        "发布机关",
        "机关",
        "发文部门",
        "issuer",
        "issuedby",
        "body",
        "agency",
    ),
    "region": ("地区", "行政区", "行政区划", "区域", "地域", "region", "jurisdiction", "place"),
    "url": ("链接", "网址", "来源链接", "原文链接", "url", "link", "href"),
    "title_en": ("英文标题", "英文名称", "titleen", "englishtitle"),
}


def _key(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).casefold()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


@dataclass(frozen=True)
class SheetRow:
    line: int
    values: dict[str, str]
    #: Field → the column (1-based) it was read from.
    columns: Mapping[str, int]

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()


@dataclass(frozen=True)
class Sheet:
    path: Path
    headers: list[str]
    mapping: dict[str, int]
    rows: list[SheetRow]

    def error(self, row: SheetRow, name: str | None, message: str, fix: str) -> SourceError:
        column = self.mapping.get(name) if name else None
        return SourceError(self.path, message, line=row.line, column=column, fix=fix)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    text = decode_utf8(path, read_bounded(path)).lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, start = [], 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(
            path, f"malformed CSV ({exc})", line=start, fix="check the quoting of that row"
        ) from None
    return rows


def _xlsx_rows(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a core dependency
        raise SourceError(path, "reading XLSX needs openpyxl", fix="pip install openpyxl") from None
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(read_bounded(path)), read_only=True, data_only=True
        )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SourceError(
            path, f"not an XLSX workbook ({exc})", fix="save it as .xlsx, or export it as UTF-8 CSV"
        ) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise SourceError(
            path, f"no sheet {sheet!r}", fix=f"use one of {', '.join(book.sheetnames)}"
        )
    rows = book[sheet] if sheet is not None else book.worksheets[0]
    found = [
        (n, [_cell(v) for v in values])
        for n, values in enumerate(rows.iter_rows(values_only=True), start=1)
    ]
    book.close()
    return found


def _mapping(path: Path, header: list[str], given: dict[str, str]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    mapping: dict[str, int] = {}
    for name, header_name in given.items():
        if name not in FIELDS:
            raise SourceError(
                path,
                f"--column {name}={header_name}: no field {name!r}",
                fix=f"use one of {', '.join(FIELDS)}",
            )
        if header_name not in header:
            raise SourceError(
                path,
                f"--column {name}={header_name}: no such column",
                line=1,
                fix=f"the columns are {', '.join(header)}",
            )
        mapping[name] = header.index(header_name) + 1
    for name, names in FIELDS.items():
        if name in mapping:
            continue
        for synonym in names:
            if synonym in keys and keys.index(synonym) + 1 not in mapping.values():
                mapping[name] = keys.index(synonym) + 1
                break
    if "title" not in mapping:
        raise SourceError(
            path,
            "no column of titles",
            line=1,
            fix=f"name one with --column title=HEADER (the columns are {', '.join(header)})",
        )
    return mapping


def read_sheet(path: Path, columns: dict[str, str], *, sheet: str | None = None) -> Sheet:
    """The rows of ``path`` (``.csv`` in UTF-8, or ``.xlsx``); ``columns`` maps a field to the
    header that holds it, for headers the guess does not take."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise SourceError(path, "not a .csv or .xlsx file", fix="save the list as .xlsx or CSV")
    lines = _xlsx_rows(path, sheet) if suffix == ".xlsx" else _csv_rows(path)
    lines = [(n, cells) for n, cells in lines if any(c.strip() for c in cells)]
    if not lines:
        raise SourceError(path, "empty file", line=1, fix="add a header row and a row per document")
    _, header = lines[0]
    header = [re.sub(r"\s+", " ", h).strip() for h in header]
    mapping = _mapping(path, header, columns)
    rows = [
        SheetRow(
            n,
            {name: cells[i - 1] if i <= len(cells) else "" for name, i in mapping.items()},
            mapping,
        )
        for n, cells in lines[1:]
    ]
    return Sheet(path, header, mapping, rows)
