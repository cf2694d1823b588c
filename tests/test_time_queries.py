"""The as-of questions in plain SPARQL: gaps/coverage-matrix-as-of and gaps/provision-as-of say
what `gaps --as-of` says on the bundled data (national backbone included)."""

from __future__ import annotations

import pytest

from policygraph import Inputs
from policygraph.gaps import GapReport, find_gaps
from policygraph.pipeline import build_store, open_store
from policygraph.queries import run_query
from policygraph.store.base import GraphStore

from .conftest import append_row, seed_copy


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


#: gaps/provision-as-of has no domain (a domain's cells are another question).
PROVISION_FILTERS = [
    {},
    {"level": "provincial"},
    {"level": "prefectural", "within": "620000"},
    {"tier": "commercial", "autonomous": "true"},
    {"within": "620000"},
]

Listed = set[tuple[str, str, str, str]]


def _provision(store: GraphStore, params: dict[str, str]) -> Listed:
    rows = run_query(store, "gaps/provision-as-of", params).dicts()
    found = {
        (str(r["code"]), str(r["tier"]).rsplit("/", 1)[1], str(r["relation"]), str(r["document"]))
        for r in rows
    }
    assert len(rows) == len(found), "one row per cell, relation and document"
    return found


def _report(store: GraphStore, params: dict[str, str], year: int) -> GapReport:
    return find_gaps(
        store,
        level=params.get("level", "county"),
        tier=params.get("tier"),
        within=params.get("within"),
        autonomous=params.get("autonomous") == "true",
        as_of=year,
    )


def _listed(report: GapReport) -> Listed:
    """What the report lists as each cell's evidence and fall-back, with its relation."""
    return {
        (g.code, g.tier, d.relation, d.iri) for g in report.gaps for d in (*g.evidence, *g.fallback)
    }


@pytest.mark.parametrize("year", [2012, 2014, 2015, 2021])
@pytest.mark.parametrize(
    "params", PROVISION_FILTERS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items())
)
def test_provision_as_of_a_year_lists_the_reports_evidence_and_fallback(
    store: GraphStore, year: int, params: dict[str, str]
) -> None:
    """Every row: own documents (general-only ones among them), the nearest providing
    ancestor's and the followed ones, each with the relation the report shows it with."""
    found = _provision(store, {**params, "as_of": str(year)})
    assert found == _listed(_report(store, params, year))
    assert found


def test_gansus_commercial_tier_falls_back_in_2014_and_is_its_own_in_2015(
    store: GraphStore,
) -> None:
    def numbers(year: str) -> dict[str, set[str]]:
        params = {"level": "provincial", "within": "620000", "tier": "commercial", "as_of": year}
        found: dict[str, set[str]] = {}
        for row in run_query(store, "gaps/provision-as-of", params).dicts():
            found.setdefault(str(row["relation"]), set()).add(str(row["number"]))
        return found

    assert numbers("2014") == {"ancestor": {"国发〔1991〕33号"}}
    assert numbers("2015") == {"own": {"甘政办发〔2015〕80号"}, "ancestor": {"国发〔1991〕33号"}}


@pytest.fixture(scope="module")
def followed_store(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    """The seed with Sunan (620721) named as following Gannan's 2017 plan (a prefecture's,
    insurance and commercial): the bundled data's only followed document has no year."""
    data = seed_copy(tmp_path_factory.mktemp("followed") / "data")
    link = {"document": "gannan-hrss-13th-fyp", "relation": "relevant-for", "target": "620721"}
    append_row(data / "document-links.csv", {**link, "source": "editorial", "locator": "test"})
    spec = f"oxigraph:{data.parent / 'store'}"
    inputs = Inputs.resolve(data, national=False)
    assert build_store(spec, inputs).written
    return open_store(spec, inputs)


@pytest.mark.parametrize("year", [2016, 2017, 2021])
def test_a_followed_document_held_lower_than_the_nearest_ancestor_replaces_its_documents(
    followed_store: GraphStore, year: int
) -> None:
    """Regression guard for the level comparison of derive.cell: from 2017 Gannan's plan
    (prefectural) is Sunan's fall-back for commercial, and Gansu's opinions (provincial, the
    nearest ancestor that provides) are no longer listed."""
    params = {"within": "620721", "as_of": str(year)}
    found = _provision(followed_store, params)
    assert found == _listed(_report(followed_store, {"within": "620721"}, year))
    commercial = {(rel, d.rsplit("/", 1)[1]) for _, tier, rel, d in found if tier == "commercial"}
    if year < 2017:
        assert commercial == {("ancestor", "commercial-health-insurance-opinions")}
    else:
        assert ("relevant-for", "gannan-hrss-13th-fyp") in commercial
        assert not any(rel == "ancestor" for rel, _ in commercial)
