"""CSV exports neutralise formulas: a cell a spreadsheet would run gets a leading apostrophe;
JSON keeps the value as it is."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from policygraph.reports.csvcells import safe_cell

from ..conftest import Invoke

PAYLOAD = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (PAYLOAD, "'" + PAYLOAD),
        ("+1+2", "'+1+2"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12", "-12"),
        ("+0.5", "+0.5"),
        ("Subei", "Subei"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_a_formula_cell_gets_an_apostrophe(text: str, expect: str) -> None:
    assert safe_cell(text) == expect


@pytest.fixture
def poisoned(data_copy: Path) -> Path:
    """The bundled data with Subei's English label replaced by a formula."""
    path = data_copy / "regions.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    for row in rows:
        if row[0] == "620923":
            row[1] = PAYLOAD
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return data_copy


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_gap_report_csv_neutralises_and_json_keeps(invoke: Invoke, poisoned: Path) -> None:
    result = invoke("gaps", "--format", "csv", "--within", "620900", store="memory", data=poisoned)
    assert result.exit_code == 0, result.output
    assert "'" + PAYLOAD in _cells(result.stdout)
    assert PAYLOAD not in _cells(result.stdout)
    report = invoke("gaps", "--format", "json", "--within", "620900", store="memory", data=poisoned)
    labels = [r["label"] for r in json.loads(report.stdout)["regions"]]
    assert PAYLOAD in labels


def test_query_csv_neutralises_and_json_keeps(invoke: Invoke, poisoned: Path) -> None:
    args = ("query", "lookup/regions", "--param", "within=620900")
    result = invoke(*args, "--format", "csv", store="memory", data=poisoned)
    assert result.exit_code == 0, result.output
    assert "'" + PAYLOAD in _cells(result.stdout)
    as_json = invoke(*args, "--format", "json", store="memory", data=poisoned)
    values = [b["label"]["value"] for b in json.loads(as_json.stdout)["results"]["bindings"]]
    assert PAYLOAD in values
