"""The regions ``policygraph regions QUERY`` finds, as a text table, CSV or JSON.

In Chinese (``--lang zh``) the table's headings, levels and division types are Chinese; CSV and
JSON keep their columns and values, so that a script reads either, and add the level and the
division type as the data labels them in Chinese (``level_label``, ``division_type_label``), as
the gap report's CSV adds its tier and status labels."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from policygraph.regionnames import RegionInfo
from policygraph.reports.csvcells import safe_row
from policygraph.reports.language import N_, Language
from policygraph.reports.language import plural_marker as n
from policygraph.reports.textwidth import columns

__all__ = ["FIELDS", "FORMATS", "LABEL_FIELDS", "describe", "render"]

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
#: The fields a Chinese CSV or JSON adds at the end.
LABEL_FIELDS = ("level_label", "division_type_label")
_HEADER = (
    N_("code"),
    N_("name"),
    N_("English name"),
    N_("level"),
    N_("division type"),
    N_("parent"),
)
_COUNT = n("({n} region)", "({n} regions)")


def describe(region: RegionInfo, lang: Language, *, parent: bool = True) -> str:
    """A region in one line, as :meth:`RegionInfo.describe` gives it in English:
    ``620923 肃北蒙古族自治县 Subei Mongol Autonomous County（属 620900 酒泉市）`` in Chinese."""
    if not lang.zh:
        return region.describe(parent=parent)
    text = region.describe(parent=False)
    if parent and region.parent and region.parent != "CN":
        above = f"{region.parent} {region.parent_zh or region.parent_en}".rstrip()
        text = lang._("{region} (in {parent})").format(region=text, parent=above)
    return text


def _fields(lang: Language) -> tuple[str, ...]:
    return FIELDS + LABEL_FIELDS if lang.zh else FIELDS


def _values(region: RegionInfo, lang: Language) -> list[str]:
    values = [str(getattr(region, name)) for name in FIELDS]
    if lang.zh:
        values += [lang.term(region.level), lang.division(region.division_type)]
    return values


def to_text(regions: Sequence[RegionInfo], lang: Language) -> str:
    if not regions:
        return ""  # the command says so on stderr
    # The Chinese name comes first in either language: it is the name a region is known by.
    rows = [
        [
            r.code,
            r.label_zh,
            r.label_en,
            lang.term(r.level),
            lang.division(r.division_type),
            " ".join(p for p in (r.parent, r.parent_zh, r.parent_en) if p),
        ]
        for r in regions
    ]
    lines = columns([lang._(h) for h in _HEADER], rows)
    lines.append(lang.n(*_COUNT, len(rows)))
    return "\n".join(lines) + "\n"


def to_csv(regions: Sequence[RegionInfo], lang: Language) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_fields(lang))
    writer.writerows(safe_row(_values(r, lang)) for r in regions)
    return out.getvalue()


def to_json(regions: Sequence[RegionInfo], lang: Language) -> str:
    fields = _fields(lang)
    payload = [dict(zip(fields, _values(r, lang), strict=True)) for r in regions]
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render(regions: Sequence[RegionInfo], fmt: str, lang: Language | None = None) -> str:
    return {"text": to_text, "csv": to_csv, "json": to_json}[fmt](regions, lang or Language())
