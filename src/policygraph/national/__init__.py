"""Converters of upstream national data (division codes, their history, pinyin names, the
census) into policygraph's data tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["table_text"]


def table_text(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    """A CSV table as the converters commit it: a header, ``\n`` line ends, csv's quoting."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
