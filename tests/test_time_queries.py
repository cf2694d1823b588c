"""The as-of question in plain SPARQL: gaps/coverage-matrix-as-of says what `gaps --as-of` says
on the bundled data (national backbone included)."""

from __future__ import annotations

import pytest

from policygraph import Inputs
from policygraph.gaps import find_gaps
from policygraph.pipeline import open_store
from policygraph.queries import run_query
from policygraph.store.base import GraphStore


@pytest.fixture(scope="module")
def store(bundled_store: str) -> GraphStore:
    return open_store(bundled_store, Inputs.resolve())


FILTERS = [
    {},
    {"level": "provincial"},
    {"level": "prefectural", "within": "620000"},
    {"tier": "commercial", "autonomous": "true"},
    {"domain": "medical", "within": "620000"},
]


@pytest.mark.parametrize("year", [2012, 2014, 2015, 2021])
@pytest.mark.parametrize(
    "params", FILTERS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items())
)
def test_the_coverage_matrix_as_of_a_year_is_the_report_as_of_it(
    store: GraphStore, year: int, params: dict[str, str]
) -> None:
    """Every cell: the same regions, the same status, and the counts behind it (own and
    general-only documents are the evidence; inherited ones the fall-back and its rest)."""
    rows = run_query(store, "gaps/coverage-matrix-as-of", {**params, "as_of": str(year)}).dicts()
    report = find_gaps(
        store,
        level=params.get("level", "county"),
        tier=params.get("tier"),
        domain=params.get("domain"),
        within=params.get("within"),
        autonomous=params.get("autonomous") == "true",
        as_of=year,
    )
    found = {
        (str(r["code"]), str(r["tier"]).rsplit("/", 1)[1]): (
            str(r["status"]),
            int(r["own"]) + int(r["general"]),  # type: ignore[call-overload]
            int(r["inherited"]),  # type: ignore[call-overload]
        )
        for r in rows
    }
    expected = {
        (g.code, g.tier): (g.status, len(g.evidence), len(g.fallback) + g.fallback_rest)
        for g in report.gaps
    }
    assert len(rows) == len(found), "one row per cell"
    assert found == expected
    assert found


def test_gansus_tiers_as_of_2014_and_2015_in_plain_sparql(store: GraphStore) -> None:
    def statuses(year: str) -> dict[str, str]:
        params = {"level": "provincial", "within": "620000", "as_of": year}
        rows = run_query(store, "gaps/coverage-matrix-as-of", params).dicts()
        return {str(r["tier"]).rsplit("/", 1)[1]: str(r["status"]) for r in rows}

    assert statuses("2014") == {
        "assistance": "none",
        "insurance": "inherited",
        "commercial": "inherited",
    }
    assert statuses("2015")["commercial"] == "own"
