"""Typed parsing of single cells; every failure is a SourceError at the cell's position."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal

import pyoxigraph as ox

from policygraph.sources.csvtable import Row

__all__ = [
    "check_known",
    "code",
    "concepts",
    "date",
    "decimal",
    "integer",
    "items",
    "language",
    "slug",
    "url",
    "year",
]

_CODE = re.compile(r"^(?:[0-9]{6}|CN)$")
_YEAR = re.compile(r"^[12][0-9]{3}$")
_MONTH = re.compile(r"^[12][0-9]{3}-(0[1-9]|1[0-2])$")
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


def partial_date(row: Row, column: str) -> tuple[str, str]:
    """A year, year and month, or day (YYYY, YYYY-MM or YYYY-MM-DD) and its XSD type's name
    (gYear, gYearMonth, date): a source often gives no more than the month."""
    text = row.get(column)
    if _YEAR.match(text):
        return text, "gYear"
    if _MONTH.match(text):
        return text, "gYearMonth"
    if len(text) == 10:
        return date(row, column), "date"
    raise row.error(
        column, f"{text!r} is not a year, month or date", "write YYYY, YYYY-MM or YYYY-MM-DD"
    )


def date(row: Row, column: str) -> str:
    text = row.get(column)
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise row.error(column, f"{text!r} is not a date", "write YYYY-MM-DD, e.g. 2021-12-30")


#: A decimal as printed in a table: ASCII digits (full-width ones are refused, since Python's
#: ``int`` and ``Decimal`` would quietly read them), thousands separated by commas in groups of
#: three or not at all, an optional fraction; no exponent (``1e999999999`` would be a literal
#: with a billion digits).
_DECIMAL = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
#: Digits a value may have before and after the point: more than any statistic needs (10^18 is
#: a million times China's GDP in yuan), few enough that every engine handles the number.
MAX_DIGITS = (18, 9)


def decimal(row: Row, column: str) -> Decimal:
    """A number as printed, e.g. ``1660223``, ``1,660,223`` or ``-0.25``, within
    :data:`MAX_DIGITS`."""
    text = row.get(column)
    if not _DECIMAL.fullmatch(text):
        raise row.error(
            column,
            f"{text!r} is not a number",
            "write the value as printed with ASCII digits, e.g. 1660223, 1,660,223 or 0.25",
        )
    whole, _, fraction = text.lstrip("-").replace(",", "").partition(".")
    if len(whole.lstrip("0")) > MAX_DIGITS[0] or len(fraction) > MAX_DIGITS[1]:
        raise row.error(
            column,
            f"{text!r} is out of range",
            f"at most {MAX_DIGITS[0]} digits before the point and {MAX_DIGITS[1]} after;"
            " use unit_mult for large units",
        )
    return Decimal(text.replace(",", ""))


def integer(row: Row, column: str, *, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, in ASCII digits with no leading zero (``08`` and
    ``8`` would otherwise be two spellings of one id)."""
    text = row.get(column)
    if not re.fullmatch(r"-?(?:0|[1-9][0-9]{0,17})", text):
        raise row.error(
            column,
            f"{text!r} is not a whole number",
            f"write ASCII digits without leading zeros, from {low} to {high}",
        )
    number = int(text)
    if not low <= number <= high:
        raise row.error(column, f"{number} is out of range", f"use a number from {low} to {high}")
    return number


#: A BCP 47 language tag as RDF takes it: a primary language subtag of letters, then subtags of
#: letters and digits, separated by hyphens (``en``, ``zh-Hans``, ``zh-Latn-pinyin``).
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def language(row: Row, column: str, default: str) -> str:
    text = row.get(column) or default
    if not _LANGUAGE.fullmatch(text):
        raise row.error(
            column,
            f"{text!r} is not a language tag",
            "write a BCP 47 tag such as en, zh-Hans or zh-Latn-pinyin (hyphens, no spaces)",
        )
    try:
        ox.Literal("", language=text)  # the store's own check of the full BCP 47 grammar
    except ValueError as exc:
        raise row.error(
            column, f"{text!r} is not a language tag ({exc})", "write e.g. en or zh-Hans"
        ) from None
    return text


_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def url(row: Row, column: str) -> str:
    text = row.get(column)
    if not _URL.match(text):
        raise row.error(
            column, f"{text!r} is not an http(s) URL",
            "write the full address, e.g. https://creativecommons.org/publicdomain/zero/1.0/",
        )  # fmt: skip
    return text


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
