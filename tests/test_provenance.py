"""The seed data's provenance: what S0 and S1 state sits in their graphs, what the editors add
from general knowledge or reconstruct sits in graph/editorial, and reference dates are not
document dates. Each test names the seed lines it rests on. (A tiers_source naming no source
is a bad-input case: tests/cases/bad-input/unknown-*tiers-source.case.)"""

from __future__ import annotations

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from policygraph import build_dataset
from policygraph.namespaces import DCTERMS, ELI, PG, RDF, SKOS, XSD

from .conftest import SEED

BASE = "https://w3id.org/policygraph/"
S0, S1, EDITORIAL = (URIRef(f"{BASE}graph/{slug}") for slug in ("s0", "s1", "editorial"))
NATIONAL_OPINIONS = URIRef(f"{BASE}eli/CN/2017/national-commercial-pension-opinions")
GANSU_OPINIONS = URIRef(f"{BASE}eli/620000/2018/commercial-pension-opinions")
GANNAN_PLAN = URIRef(f"{BASE}eli/623000/2017/gannan-hrss-13th-fyp")
GOVERNANCE_DECISION = URIRef(f"{BASE}eli/CN/2019/governance-modernization-decision")
CONGRESS_19 = URIRef(f"{BASE}eli/CN/2017/cpc-19th-congress-report")
GANSU, LINXIA = URIRef(f"{BASE}id/region/620000"), URIRef(f"{BASE}id/region/622900")


def claim(ident: str) -> URIRef:
    return URIRef(f"{BASE}id/claim/{ident}")


def concept(scheme: str, slug: str) -> URIRef:
    return URIRef(f"{BASE}id/{scheme}/{slug}")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(SEED)  # the seed facts; rdflib would hold the backbone for minutes


def graphs_with(dataset: Dataset, s: Node, p: Node, o: Node | None = None) -> set[Node]:
    """The named graphs that hold a triple matching (s, p, o)."""
    return {g for _, _, _, g in dataset.quads((s, p, o, None))}


def notes(dataset: Dataset, subject: URIRef, graph: URIRef) -> list[str]:
    return [str(n) for n in dataset.graph(graph).objects(subject, PG.qualityNote)]


# 1. Reference dates are not document dates ---------------------------------------------------


@pytest.mark.parametrize(
    ("document", "printed", "locator"),
    [
        (NATIONAL_OPINIONS, "[2017-07-04]", "Ref [9] (l.153)"),
        (GANSU_OPINIONS, "[2018-08-14]", "Ref [10] (l.154)"),
        (GANNAN_PLAN, "[2017-02- 27]", "Ref [13] (l.159)"),
    ],
)
def test_a_references_date_is_kept_in_a_note_not_as_the_document_date(
    dataset: Dataset, document: URIRef, printed: str, locator: str
) -> None:
    assert S0 not in graphs_with(dataset, document, ELI.date_document)
    kept = [n for n in notes(dataset, document, S0) if printed in n and locator in n]
    assert len(kept) == 1, notes(dataset, document, S0)


def test_the_national_opinions_date_is_general_knowledge(dataset: Dataset) -> None:
    """S0 gives 'July 2017' (l.49) and the web page's date (l.153); 2017-06-29 is knowledge."""
    dates = set(dataset.quads((NATIONAL_OPINIONS, ELI.date_document, None, None)))
    assert {(o, g) for _, _, o, g in dates} == {
        (Literal("2017-06-29", datatype=XSD.date), EDITORIAL)
    }
    assert (NATIONAL_OPINIONS, PG.conflictingValue, Literal("2017-07-04")) in dataset.graph(S0)


@pytest.mark.parametrize("document", [GANSU_OPINIONS, GANNAN_PLAN])
def test_documents_dated_only_by_a_reference_have_a_year_and_no_date(
    dataset: Dataset, document: URIRef
) -> None:
    """'implemented ... in 2018' (l.57) and 'In 2017' (l.73): the year is stated, the day not."""
    assert graphs_with(dataset, document, ELI.date_document) == set()
    assert graphs_with(dataset, document, PG.year) == {S0}


# 2. The Gannan number is a reconstruction ----------------------------------------------------


def test_the_gannan_numbers_normalised_form_is_only_editorial(dataset: Dataset) -> None:
    """S0 prints 'No. 41 of the State Government Office [2017]' (l.73)."""
    assert graphs_with(dataset, GANNAN_PLAN, ELI.id_local) == {EDITORIAL}
    assert (GANNAN_PLAN, ELI.id_local, Literal("州政办发〔2017〕41号")) in dataset.graph(EDITORIAL)
    raw = Literal("No. 41 of the State Government Office [2017]")
    assert graphs_with(dataset, GANNAN_PLAN, SKOS.hiddenLabel, raw) == {S0}


# 3. The implementation link is inferred from where citation [9] stands -----------------------


def test_the_gansu_opinions_implementation_link_is_inferred(dataset: Dataset) -> None:
    link = (GANSU_OPINIONS, ELI.ensures_implementation_of, NATIONAL_OPINIONS)
    assert graphs_with(dataset, *link) == {EDITORIAL}
    statements = [
        s
        for s in dataset.subjects(RDF.subject, GANSU_OPINIONS)
        if (s, RDF.object, NATIONAL_OPINIONS) in dataset
    ]
    assert len(statements) == 1
    statement = statements[0]
    assert set(dataset.objects(statement, DCTERMS.source)) == {URIRef(f"{BASE}id/source/editorial")}
    assert set(dataset.objects(statement, PG.confidence)) == {concept("confidence", "inferred")}
    assert "l.57" in str(next(dataset.objects(statement, PG.locator)))
    assert any("citation [9]" in n for n in notes(dataset, GANSU_OPINIONS, EDITORIAL))


# 4. Tiers the seed does not state are editorial ----------------------------------------------


@pytest.mark.parametrize("document", [GOVERNANCE_DECISION, CONGRESS_19])
def test_tiers_not_stated_at_l31_or_l37_are_editorial(dataset: Dataset, document: URIRef) -> None:
    assert graphs_with(dataset, document, PG.tier) == {EDITORIAL}
    assert graphs_with(dataset, document, PG.specificity) == {S0}  # the rest of the row is S0's


def test_the_tier_of_the_poverty_risk_claim_is_editorial(dataset: Dataset) -> None:
    """S0 l.39 and l.99 speak of returning to poverty, without a tier."""
    assert graphs_with(dataset, claim("s0/11"), PG.tier) == {EDITORIAL}
    assert graphs_with(dataset, claim("s0/11"), PG.quote) == {S0}


def test_a_stated_tier_stays_in_the_seeds_graph(dataset: Dataset) -> None:
    assert graphs_with(dataset, GANSU_OPINIONS, PG.tier) == {S0}
    assert graphs_with(dataset, claim("s0/3"), PG.tier) == {S0}


# 5. Table 2's columns are named by the headers of l.85 ---------------------------------------


def test_tianzhus_column_is_identified_by_its_header_not_by_l81(dataset: Dataset) -> None:
    tianzhu = URIRef(f"{BASE}id/region/620623")
    table = URIRef(f"{BASE}id/dataset/s0-table2")
    found = [n for n in notes(dataset, tianzhu, S0) if "Tianzu Tibetn Autonomos" in n]
    assert len(found) == 1 and "(l.85" in found[0] and "l.53" in found[0]
    for text in [*notes(dataset, tianzhu, S0), *notes(dataset, table, S0)]:
        assert "county order of the §4 text" not in text
        assert "l.81: Zhangjiachuan" not in text


# 6. Claim kinds ------------------------------------------------------------------------------


def test_basically_missing_commercial_pension_is_insufficient_provision(dataset: Dataset) -> None:
    """l.101 speaks of provision, while S0 reports Gansu's commercial-pension opinions (l.57)."""
    kind = concept("claim-kind", "insufficient-provision")
    assert (claim("s0/4"), PG.claimKind, kind) in dataset.graph(S0)
    assert (claim("s0/3"), PG.claimKind, kind) in dataset.graph(S0)
    assert any("l.57" in n for n in notes(dataset, claim("s0/4"), EDITORIAL))


# 7. Seed facts the data lacked ---------------------------------------------------------------


def test_gansus_commercial_pension_system_is_due_by_2020(dataset: Dataset) -> None:
    """S0 §2 ¶1 (l.57): 'by 2020, the province of Gansu will basically establish ...'."""
    system = URIRef(f"{BASE}id/programme/gansu-commercial-pension-system")
    s0 = dataset.graph(S0)
    assert (system, PG.targetYear, Literal("2020", datatype=XSD.gYear)) in s0
    assert (system, PG.establishedBy, GANSU_OPINIONS) in s0
    assert (system, PG.operatesIn, GANSU) in s0
    assert (system, PG.tier, concept("tier", "commercial")) in s0
    assert (system, PG.locator, Literal("§2 ¶1 (l.57)")) in s0


@pytest.mark.parametrize(
    "group", ["three-regions-three-prefectures", "out-of-absolute-poverty-2020"]
)
def test_linxias_poverty_status_is_a_group_membership(dataset: Dataset, group: str) -> None:
    """S0 §1.2 ¶2 (l.39) and §5 ¶1 (l.99)."""
    node = URIRef(f"{BASE}id/region-group/{group}")
    s0 = dataset.graph(S0)
    assert (node, SKOS.member, LINXIA) in s0
    locator = str(next(s0.objects(node, PG.locator)))
    assert "l.39" in locator and "l.99" in locator


def test_gansus_main_minorities(dataset: Dataset) -> None:
    """S0 §6 ¶2 (l.107): 'mainly Tibetan, Hui, Mongolian, Kazakh, and Yugur'."""
    s0 = dataset.graph(S0)
    found = set(s0.objects(GANSU, PG.mainMinority))
    assert found == {
        concept("ethnic-group", g) for g in ("tibetan", "hui", "mongol", "kazakh", "yugur")
    }
    assert "l.107" in str(next(s0.objects(GANSU, PG.locator)))


@pytest.mark.parametrize(
    "programme", ["sunan-residents-pension", "sunan-residents-medical-insurance"]
)
def test_sunans_basic_pension_and_medical_insurance_cover_everyone(
    dataset: Dataset, programme: str
) -> None:
    """S0 §3 ¶1 (l.73): 'has achieved full coverage', 'has covered all residents'."""
    node = URIRef(f"{BASE}id/programme/{programme}")
    s0 = dataset.graph(S0)
    assert (node, PG.coverageStatus, concept("coverage-status", "full")) in s0
    assert "l.73" in str(next(s0.objects(node, PG.locator)))


@pytest.mark.parametrize(
    ("ident", "graph", "line", "words"),
    [
        ("s0/12", S0, "l.23", "still far from the people's expectation"),
        ("s0/13", S0, "l.99", "still exist quite a large gap"),
        ("s1/8", S1, "l.55", "laws and regulations fail to follow the trend of The Times"),
    ],
)
def test_the_new_gap_claims_carry_quote_and_locator(
    dataset: Dataset, ident: str, graph: URIRef, line: str, words: str
) -> None:
    g = dataset.graph(graph)
    node = claim(ident)
    assert (node, RDF.type, PG.GapClaim) in g
    assert words in str(next(g.objects(node, PG.quote)))
    assert line in str(next(g.objects(node, PG.locator)))
    assert next(g.objects(node, DCTERMS.source)) == URIRef(
        f"{BASE}id/source/{'s1' if graph == S1 else 's0'}"
    )
