"""Convert the 2020 census by county (``upstream/census/census_county_2020_v1.xlsx``) into
``observations.census-2020.csv`` and ``notes.census-2020.csv``.

For every row: the resident population, the minority share, the share aged 65 and over (the
file's own share, else computed from the five-year age bands), and the urban and rural
population. The file's codes are those of 2020; each is mapped to the code in use on 2024-12-31
through the code history. A row that cannot be mapped (a development zone's statistical code, no
code at all, a county divided since) is not dropped: it becomes a quality note of the data set
saying which row, what it holds and why it was not loaded, and the converter prints it.

The spreadsheet is read with openpyxl, an optional dependency (``pip install -e '.[convert]'``):
the committed output is CSV, so building never needs it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from policygraph.national import table_text
from policygraph.national.history import History, read_history

__all__ = ["CENSUS_FILE", "Unmapped", "convert_census"]

CENSUS_FILE = "census_county_2020_v1.xlsx"
DATASET = "census-2020"
PERIOD = "2020"
SOURCE = "census-2020"
OBSERVATION_COLUMNS = ("dataset", "region", "indicator", "period", "value", "unit", "unit_mult",
                       "locator", "source")  # fmt: skip
NOTE_COLUMNS = ("subject", "note", "conflicting_value", "source", "locator")

#: indicator → (column header, unit).
_DIRECT = {
    "resident-population": ("人口数_合计", "person"),
    "minority-share": ("少数民族人口比重（%）", "percent"),
    "urban-population": ("城镇人口", "person"),
    "rural-population": ("乡村人口", "person"),
}
_SHARE_65 = "人口比重_65岁及以上"
_BANDS_65 = ("65到69岁", "70到74岁", "75到79岁", "80到84岁", "85岁以上")
_TOTAL = "人口数_合计"
_MISSING = ("NA", None, "")


@dataclass(frozen=True)
class Unmapped:
    line: int  # spreadsheet row (the header is row 1)
    code: str
    name: str
    reason: str


def _rows(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    import openpyxl  # type: ignore[import-untyped]  # optional: only the converter needs it
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException) as exc:
        raise ValueError(f"{path} is not an .xlsx spreadsheet ({exc})") from None
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [str(h) for h in next(values)]
        for line, row in enumerate(values, start=2):
            yield line, dict(zip(header, row, strict=False))
    finally:
        book.close()


def _number(value: object) -> Decimal | None:
    if value in _MISSING:
        return None
    return Decimal(str(value))


def _text(value: Decimal) -> str:
    """A decimal as the observations table writes it: no exponent, no trailing zeros."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _share_65(row: dict[str, object]) -> tuple[Decimal, str] | None:
    """The file's share aged 65+, else the bands' sum over the total, to two decimals."""
    share = _number(row.get(_SHARE_65))
    if share is not None:
        return share, f"col {_SHARE_65}"
    total = _number(row.get(_TOTAL))
    bands = [_number(row.get(f"{sex}_{band}")) for band in _BANDS_65 for sex in ("男", "女")]
    if total is None or total == 0 or any(b is None for b in bands):
        return None
    aged = sum(b for b in bands if b is not None)
    computed = (aged * 100 / total).quantize(Decimal("0.01"))
    return computed, "computed from cols 男/女_65到69岁 … 85岁以上 over 人口数_合计"


def _place(row: dict[str, object]) -> str:
    parts = [str(row.get(k) or "") for k in ("省", "市", "区县")]
    return " ".join(dict.fromkeys(p for p in parts if p))


def _target(row: dict[str, object], history: History) -> tuple[str | None, str]:
    code = row.get("区划代码")
    if code in _MISSING:
        if row.get("省") == "全国":
            return "CN", ""
        return None, "the file gives no code (NA)"
    text = str(code)
    name = str(row.get("区县") or "")
    if name in ("市辖区", "县") or name.endswith("直辖县级行政区划"):
        return None, f"{text} {name} groups the units of its province or city, it is not a division"
    if len(text) == 6 and text[4] == "7":
        return None, (
            f"{text} is a statistical code of a development zone or management area, not a division"
        )
    resolved = history.resolve(text, int(PERIOD))
    if resolved.code is None:
        return None, resolved.reason
    return text, ""  # the build resolves a code no longer in use and notes that it did


def census_tables(
    rows: Sequence[tuple[int, dict[str, object]]], history: History
) -> tuple[list[dict[str, str]], list[Unmapped], list[dict[str, str]]]:
    """Observations, the rows not loaded, and notes on regions whose figure covers less than
    today's area."""
    unmapped: list[Unmapped] = []
    targets: dict[str, list[tuple[int, str, dict[str, object]]]] = {}
    for line, row in rows:
        code, reason = _target(row, history)
        if code is None:
            unmapped.append(Unmapped(line, str(row.get("区划代码")), _place(row), reason))
            continue
        today = "CN" if code == "CN" else history.resolve(code, int(PERIOD)).code
        assert today is not None
        targets.setdefault(today, []).append((line, code, row))
    kept: list[tuple[int, str, dict[str, object]]] = []
    notes: list[dict[str, str]] = []
    for today, found in targets.items():
        # A lone row under a new code is a renamed unit (祁阳县 431121 → 祁阳市 431181): the build
        # resolves its code and notes that it did. Rows merged since are not today's unit.
        own = [f for f in found if f[1] == today][:1] or (found if len(found) == 1 else [])
        for line, code, row in found:
            if own and line == own[0][0]:
                continue
            where = f"row {own[0][0]}" if own else "no row of its own"
            unmapped.append(
                Unmapped(line, code, _place(row),
                         f"{code} became part of {today} after the census, which counts it "
                         f"apart ({today}: {where}); its figures are not today's {today}'s")
            )  # fmt: skip
        if own and len(found) > 1:
            others = ", ".join(f"{c} (row {n})" for n, c, _ in found if n != own[0][0])
            notes.append(
                {
                    "subject": f"region:{today}",
                    "note": f"The 2020 census figures of {today} cover its area of 2020; "
                    f"today's {today} also includes {others}, counted apart by the census.",
                    "conflicting_value": "",
                    "source": SOURCE,
                    "locator": f"{CENSUS_FILE}, row {own[0][0]}",
                }
            )
        kept.extend(own)
    observations: list[dict[str, str]] = []
    for line, code, row in sorted(kept):
        values: list[tuple[str, Decimal, str, str]] = []
        for indicator, (column, unit) in _DIRECT.items():
            value = _number(row.get(column))
            if value is not None:
                values.append((indicator, value, unit, f"col {column}"))
        share = _share_65(row)
        if share is not None:
            values.append(("share-65-plus", share[0], "percent", share[1]))
        for indicator, value, unit, where in sorted(values):
            observations.append(
                {
                    "dataset": DATASET,
                    "region": code,
                    "indicator": indicator,
                    "period": PERIOD,
                    "value": _text(value),
                    "unit": unit,
                    "unit_mult": "",
                    "locator": f"{CENSUS_FILE}, row {line}, {where}",
                    "source": "",
                }
            )
    return observations, sorted(unmapped, key=lambda u: u.line), notes


def note_rows(unmapped: list[Unmapped]) -> list[dict[str, str]]:
    return [
        {
            "subject": f"dataset:{DATASET}",
            "note": f"census row {u.line} ({u.code} {u.name}) is not loaded: {u.reason}",
            "conflicting_value": "",
            "source": SOURCE,
            "locator": f"{CENSUS_FILE}, row {u.line}",
        }
        for u in unmapped
    ]


def convert_census(upstream: Path) -> tuple[dict[str, str], list[Unmapped]]:
    """File name → text of the observations and notes tables, and the rows not loaded."""
    history = History.of(read_history(upstream / "areacodes" / "result.csv"))
    rows = list(_rows(upstream / "census" / CENSUS_FILE))
    observations, unmapped, region_notes = census_tables(rows, history)
    dataset = {
        "id": DATASET,
        "title": "The 2020 census by county: resident, urban and rural population, minority share, "
        "share aged 65 and over",
        "source": SOURCE,
        "locator": f"{CENSUS_FILE}, sheet 1",
        "structure": "census-county",
    }
    files = {
        f"datasets.{DATASET}.csv": table_text(tuple(dataset), [dataset]),
        f"observations.{DATASET}.csv": table_text(OBSERVATION_COLUMNS, observations),
        f"notes.{DATASET}.csv": table_text(NOTE_COLUMNS, note_rows(unmapped) + region_notes),
    }
    return files, unmapped
