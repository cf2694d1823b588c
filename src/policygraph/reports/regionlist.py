"""The regions ``policygraph regions QUERY`` finds, as a text table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from policygraph.regionnames import RegionInfo
from policygraph.reports.csvcells import safe_row
from policygraph.reports.textwidth import columns

__all__ = ["FIELDS", "FORMATS", "render"]

FORMATS = ("text", "csv", "json")
FIELDS = (
    "code",
    "label_zh",
    "label_en",
    "level",
    "division_type",
    "parent",
    "parent_zh",
    "parent_en",
)


def _values(region: RegionInfo) -> list[str]:
    return [str(getattr(region, name)) for name in FIELDS]


def to_text(regions: Sequence[RegionInfo]) -> str:
    if not regions:
        return ""  # the command says so on stderr
    header = ("code", "name", "English name", "level", "division type", "parent")
    rows = [
        [
            r.code,
            r.label_zh,
            r.label_en,
            r.level,
            r.division_type,
            " ".join(p for p in (r.parent, r.parent_zh, r.parent_en) if p),
        ]
        for r in regions
    ]
    lines = columns(header, rows)
    lines.append(f"({len(rows)} region{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def to_csv(regions: Sequence[RegionInfo]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    writer.writerows(safe_row(_values(r)) for r in regions)
    return out.getvalue()


def to_json(regions: Sequence[RegionInfo]) -> str:
    payload = [dict(zip(FIELDS, _values(r), strict=True)) for r in regions]
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render(regions: Sequence[RegionInfo], fmt: str) -> str:
    return {"text": to_text, "csv": to_csv, "json": to_json}[fmt](regions)
