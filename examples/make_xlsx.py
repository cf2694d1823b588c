"""Write gansu-documents.xlsx from gansu-documents.csv (run from anywhere):

    .venv/bin/python examples/make_xlsx.py

Full dates become Excel dates, a year alone stays text, as in a researcher's spreadsheet. The
workbook's timestamps are fixed, so the same CSV gives the same cells and properties.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]

HERE = Path(__file__).parent


def main() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "文件清单"
    with (HERE / "gansu-documents.csv").open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.reader(handle)):
            if n and len(row[3]) == 10:
                row = [*row[:3], dt.datetime.fromisoformat(row[3])]
            sheet.append(row)
    for column, width in zip("ABCD", (70, 24, 24, 12), strict=True):
        sheet.column_dimensions[column].width = width
    stamp = dt.datetime(2026, 11, 26)
    book.properties.creator = "policygraph editors (general knowledge)"
    book.properties.created = book.properties.modified = stamp
    book.save(HERE / "gansu-documents.xlsx")


if __name__ == "__main__":
    main()
