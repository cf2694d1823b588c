"""``policygraph import documents``: a user's list of documents → ``documents.{source}.csv``
(one row per classified document), ``sources.{source}.csv`` (the list as a source, and the rules
as a second, inferred one) and ``unclassified.{source}.csv`` (the rows no rule classifies, for
the user to complete; no reader takes that file, so a build does not see it).

Every row is checked first (a title, a well-formed date that agrees with the number's year, a
number that no other row or document bears, a known region); the first bad row stops the import
with one line, and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.docimport.classify import Classification, classify, normalise_number, number_parts
from policygraph.docimport.context import Context, load_context
from policygraph.docimport.spreadsheet import Sheet, SheetRow, read_sheet
from policygraph.errors import SourceError

__all__ = ["COLUMNS", "Imported", "Options", "Row", "import_documents"]

#: The columns of ``documents.{source}.csv``, a subset of the documents table's.
COLUMNS = (
    "id",
    "title_en",
    "title_zh",
    "jurisdiction",
    "year",
    "date",
    "number",
    "number_raw",
    "bodies",
    "tiers",
    "domains",
    "doc_types",
    "specificity",
    "source",
    "locator",
    "url",
    "rules",
    "jurisdiction_source",
    "year_source",
    "bodies_source",
    "tiers_source",
    "domains_source",
    "doc_types_source",
    "specificity_source",
    "rules_source",
)
#: A value's column → the rule field that gave it.
_RULED = {
    "jurisdiction": "jurisdiction",
    "year": "year",
    "bodies": "issuer",
    "tiers": "tiers",
    "domains": "domains",
    "doc_types": "doc_types",
    "specificity": "specificity",
}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Options:
    source: str
    columns: dict[str, str] = field(default_factory=dict)
    supplied_by: str = ""
    #: The list's date (YYYY-MM-DD); default: the file's modification date.
    date: str = ""
    sheet: str | None = None
    #: ``stated`` (a list the user copied from sources) or ``inferred`` (general knowledge).
    confidence: str = "stated"


@dataclass
class Row:
    """One imported row: what the user gave and what the rules made of it."""

    line: int
    id: str
    title: str
    title_en: str
    number_raw: str
    date: str
    url: str
    found: Classification

    @property
    def locator(self) -> str:
        return f"row {self.line}"


@dataclass
class Imported:
    source: str
    path: Path
    rows: list[Row]
    unclassified: list[Row]
    #: File name (in the data directory) → its text.
    files: dict[str, str]


_DATE_FORMS = (
    re.compile(r"(?P<y>[12]\d{3})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(r"(?P<y>[12]\d{3})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
    re.compile(r"(?P<y>[12]\d{3})(?:[-/.](?P<m>\d{1,2})|年(?P<m2>\d{1,2})月)?年?"),
)


def _date(sheet: Sheet, row: SheetRow) -> tuple[str, str]:
    """(YYYY-MM-DD or "", the year) of the row's date cell."""
    text = row.get("date").replace(" ", "")
    if not text:
        return "", ""
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if not match:
            continue
        if match.groupdict().get("d"):
            try:
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
            return day.isoformat(), match["y"]
        return "", match["y"]
    raise sheet.error(
        row,
        "date",
        f"{text!r} is not a date",
        "write YYYY-MM-DD (2018-06-29), 2018年6月29日, or the year alone",
    )


def _region(sheet: Sheet, row: SheetRow, ctx: Context) -> str:
    text = row.get("region")
    code = text if text in ctx.regions else ctx.pick(text)
    if code is None:
        close = sorted(n for n in ctx.names if text and (text in n or n in text))[:3]
        hint = f"; names like it: {', '.join(close)}" if close else ""
        raise sheet.error(
            row,
            "region",
            f"unknown region {text!r}{hint}",
            "write a region's code or name as `policygraph regions NAME` lists it",
        )
    return code


def _given(found: Classification, sheet: Sheet, row: SheetRow, ctx: Context) -> None:
    """Values the user gave win over the rules' and carry no rule."""
    if row.get("issuer"):
        names = [n for n in re.split(r"[\s、;；,，]+", row.get("issuer")) if n]
        found.issuer_zh = names[0]
        found.bodies = tuple(ctx.body_names[n] for n in names if n in ctx.body_names)
        found.rules.pop("issuer", None)
    if row.get("region"):
        found.jurisdiction = _region(sheet, row, ctx)
        found.rules.pop("jurisdiction", None)
    elif found.bodies and "issuer" not in found.rules and "jurisdiction" not in found.rules:
        found.jurisdiction = ctx.bodies[found.bodies[0]][1]
        found.rules.pop("jurisdiction", None)
    if found.jurisdiction in ctx.regions:
        found.level = ctx.regions[found.jurisdiction].level
        found.rules.pop("level", None)
        if "jurisdiction" in found.rules:
            found.rules["level"] = found.rules["jurisdiction"]


def _check_row(
    sheet: Sheet, row: SheetRow, ctx: Context, numbers: dict[str, int]
) -> tuple[str, str, str]:
    """(normalised number, date, year) of a row whose title, number and date are sound."""
    if not row.get("title"):
        raise sheet.error(row, "title", "missing title", "fill in the document's title")
    date, date_year = _date(sheet, row)
    number = normalise_number(row.get("number")) if row.get("number") else ""
    if number:
        if number in numbers:
            raise sheet.error(
                row,
                "number",
                f"duplicate number {number} (also on row {numbers[number]})",
                "keep one row per document",
            )
        if number in ctx.numbers:
            path, line = ctx.numbers[number]
            raise sheet.error(
                row,
                "number",
                f"number {number} is already a document's ({path}:{line})",
                "remove the row, it is in the data",
            )
        numbers[number] = row.line
        parts = number_parts(row.get("number"))
        number_year = parts[1] if parts else ""
        if number_year and date_year and number_year != date_year:
            raise sheet.error(
                row,
                "date",
                f"date {row.get('date')} is not in {number_year}, the year of number {number}",
                "fix the date or the number",
            )
    return number, date, date_year


def _rows(sheet: Sheet, ctx: Context, options: Options) -> list[Row]:
    rules = ctx.rules()
    numbers: dict[str, int] = {}
    out = []
    for row in sheet.rows:
        _, date, date_year = _check_row(sheet, row, ctx, numbers)
        found = classify(row.get("title"), row.get("number"), date, rules, ctx)
        if not found.year and date_year:
            found.year = date_year
            found.rules["year"] = "date"
        _given(found, sheet, row, ctx)
        out.append(
            Row(
                row.line,
                f"{options.source}-row-{row.line}",
                row.get("title"),
                row.get("title_en"),
                row.get("number"),
                date,
                row.get("url"),
                found,
            )
        )
    return out


def _csv(header: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _document(row: Row, source: str, file_name: str) -> dict[str, str]:
    found, rules = row.found, f"{source}-rules"
    chinese = bool(_CJK.search(row.title))
    cells = {
        "id": row.id,
        "title_en": row.title_en or ("" if chinese else row.title),
        "title_zh": row.title if chinese else "",
        "jurisdiction": found.jurisdiction,
        "year": found.year,
        "date": row.date,
        "number": found.number,
        "number_raw": row.number_raw if row.number_raw.strip() != found.number else "",
        "bodies": ";".join(found.bodies),
        "tiers": ";".join(found.tiers),
        "domains": ";".join(found.domains),
        "doc_types": ";".join(found.doc_types),
        "specificity": found.specificity,
        "source": source,
        "locator": f"{file_name}, {row.locator}",
        "url": row.url,
        "rules": found.rule_text(),
        "rules_source": rules if found.rules else "",
    }
    for column, rule in _RULED.items():
        if cells[column] and rule in found.rules:
            cells[f"{column}_source"] = rules
    return cells


def _sources(path: Path, options: Options, count: int) -> str:
    when = (
        options.date or dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat()
    )
    rows = [
        {
            "id": options.source,
            "title": f"List of policy documents {path.name}",
            "creator": options.supplied_by,
            "date": when,
            "file": path.name,
            "confidence": options.confidence,
            "description": f"{count} documents listed in {path.name} (title, number, date as the "
            "list gives them), imported with policygraph import documents."
            + (
                " General knowledge, not the text of a source."
                if options.confidence == "inferred"
                else ""
            ),
        },
        {
            "id": f"{options.source}-rules",
            "title": f"Classification of {path.name} by the rules of DATA/classify",
            "creator": "policygraph import documents",
            "date": when,
            "file": "classify/",
            "confidence": "inferred",
            "description": "Jurisdictions, issuers, tiers, domains, specificity, document types and"
            " years inferred from the titles and numbers of "
            f"{path.name} by the rules of classify/terms.csv and classify/prefixes.csv; each "
            "value's rule is in pg:inferredBy.",
        },
    ]
    header = ("id", "title", "creator", "date", "file", "confidence", "description")
    return _csv(header, rows)


def import_documents(
    path: Path, data: Path, ontology: Path, *, national: bool, options: Options
) -> Imported:
    """Read, check and classify ``path``; the files to write into ``data`` (nothing is
    written here)."""
    if not _SLUG.fullmatch(options.source) or options.source.endswith("-rules"):
        raise SourceError(
            path,
            f"--source {options.source!r} is not a usable id",
            fix="use lower-case letters, digits and hyphens, e.g. gansu-2024",
        )
    target = data / f"documents.{options.source}.csv"
    ctx = load_context(data, ontology, national=national, skip=target)
    sheet = read_sheet(path, options.columns, sheet=options.sheet)
    rows = _rows(sheet, ctx, options)
    done = [r for r in rows if not r.found.missing]
    todo = [r for r in rows if r.found.missing]
    files = {
        target.name: _csv(COLUMNS, [_document(r, options.source, path.name) for r in done]),
        f"sources.{options.source}.csv": _sources(path, options, len(rows)),
    }
    unclassified = [
        {**_document(r, options.source, path.name), "missing": ";".join(r.found.missing)}
        for r in todo
    ]
    files[f"unclassified.{options.source}.csv"] = _csv((*COLUMNS, "missing"), unclassified)
    return Imported(options.source, path, done, todo, files)
