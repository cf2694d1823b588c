"""Typed parsing of single cells; every failure is a SourceError at the cell's position."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from policygraph.sources.csvtable import Row

__all__ = [
    "check_known",
    "code",
    "concepts",
    "date",
    "decimal",
    "integer",
    "items",
    "slug",
    "year",
]

_CODE = re.compile(r"^(?:[0-9]{6}|CN)$")
_YEAR = re.compile(r"^[12][0-9]{3}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def items(value: str) -> list[str]:
    """Split a ``;`` list, dropping empty entries."""
    return [part.strip() for part in value.split(";") if part.strip()]


def code(row: Row, column: str, value: str | None = None) -> str:
    text = row.get(column) if value is None else value
    if not _CODE.match(text):
        raise row.error(
            column,
            f"region code {text!r} is not six digits",
            "use the GB/T 2260 code, e.g. 620923, or CN for China",
        )
    return text


def year(row: Row, column: str) -> str:
    text = row.get(column)
    if not _YEAR.match(text):
        raise row.error(column, f"{text!r} is not a year", "write four digits, e.g. 2018")
    return text


def date(row: Row, column: str) -> str:
    text = row.get(column)
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise row.error(column, f"{text!r} is not a date", "write YYYY-MM-DD, e.g. 2021-12-30")


def decimal(row: Row, column: str) -> Decimal:
    text = row.get(column).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise row.error(
            column,
            f"{row.get(column)!r} is not a number",
            "write the value as printed, e.g. 1660223",
        )
    return number


def integer(row: Row, column: str) -> int:
    text = row.get(column)
    if not re.fullmatch(r"-?[0-9]+", text):
        raise row.error(column, f"{text!r} is not a whole number", "write e.g. 4")
    return int(text)


def slug(row: Row, column: str) -> str:
    text = row.get(column)
    if not _SLUG.match(text):
        raise row.error(
            column,
            f"{text!r} is not a valid id",
            "use lower-case letters, digits and single hyphens, e.g. gansu-general-office",
        )
    return text


def concepts(
    row: Row, column: str, scheme: str, known: Collection[str], *, value: str | None = None
) -> list[str]:
    """The slugs of a ``;`` list, each checked against the concept scheme ``scheme``."""
    text = row.get(column) if value is None else value
    out = items(text)
    for entry in out:
        if entry not in known:
            raise row.error(
                column,
                f"unknown {scheme} {entry!r}",
                f"use one of {', '.join(sorted(known))}",
            )
    return out


def check_known(row: Row, column: str, kind: str, value: str, known: Collection[str]) -> str:
    if value not in known:
        raise row.error(
            column,
            f"unknown {kind} {value!r}",
            f"add it to {kind_file(kind)} first or fix the reference",
        )
    return value


def kind_file(kind: str) -> str:
    return {
        "region": "regions.csv",
        "body": "bodies.csv",
        "document": "documents.csv",
        "programme": "programmes.csv",
        "claim": "claims.csv",
        "dataset": "datasets.csv",
        "obs": "observations.csv",
        "source": "sources.csv",
        "group": "region-groups.csv",
    }.get(kind, "the data")
