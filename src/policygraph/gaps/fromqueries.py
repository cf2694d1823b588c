"""The report's cells from the named queries, on any store (a SPARQL endpoint has no gap table),
and the names and populations a report shows: each row is what a query over the derived cells
says, so that every line of a report can be reproduced in plain SPARQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from policygraph.asof import cells_of, query_index
from policygraph.gaps.model import ClaimCheck, Document, Gap, gaps_of
from policygraph.gaptable import CellRow, latest_populations
from policygraph.iris import slug
from policygraph.queries import run_query

if TYPE_CHECKING:
    from rdflib.term import Node

    from policygraph.store.base import GraphStore

__all__ = [
    "by_domain",
    "concept_labels",
    "from_queries",
    "from_queries_as_of",
    "populations",
    "province_labels",
    "region_labels",
]


def _slug(node: Node | None) -> str:
    return str(node).rsplit("/", 1)[-1] if node is not None else ""


def _text(node: Node | None) -> str:
    return str(node) if node is not None else ""


def by_domain(name: str, params: dict[str, str]) -> str:
    """The named query for the cells of one risk domain, when the parameters name one."""
    return f"{name}-by-domain" if "domain" in params else name


def _documents(store: GraphStore, params: dict[str, str]) -> dict[tuple[str, str], list[Document]]:
    found: dict[tuple[str, str], list[Document]] = {}
    for row in run_query(store, by_domain("gaps/provision", params), params).dicts():
        doc = Document(
            iri=_text(row["document"]),
            title=_text(row["title"]),
            number=_text(row["number"]),
            year=_text(row["year"]),
            specificity=_slug(row["specificity"]),
            relation=_text(row["relation"]),
            holder=_text(row["holderCode"]),
            holder_label=_text(row["holderLabel"]),
            holder_level=_slug(row["holderLevel"]),
        )
        found.setdefault((_text(row["code"]), _slug(row["tier"])), []).append(doc)
    return found


def _claims(store: GraphStore, tier: str | None) -> dict[tuple[str, str], list[ClaimCheck]]:
    found: dict[tuple[str, str], list[ClaimCheck]] = {}
    for row in run_query(store, "gaps/claims", {"tier": tier} if tier else {}).dicts():
        check = ClaimCheck(
            claim=_text(row["claim"]),
            id=_text(row["id"]),
            kind=_slug(row["kind"]),
            verdict=_text(row["verdict"]),
            locator=_text(row["locator"]),
            comment=_text(row["comment"]),
            counterexample=_text(row["counterexample"]),
            year=_text(row["year"]),
            verdict_then=_text(row["verdictThen"]),
            counterexample_then=_text(row["counterexampleThen"]),
        )
        found.setdefault((_text(row["code"]), _slug(row["tier"])), []).append(check)
    return found


def _fallback(documents: list[Document]) -> tuple[Document, ...]:
    """The documents of the nearest ancestor that provides, and those the region follows."""
    return tuple(sorted({d for d in documents if d.relation != "own"}))


def populations(store: GraphStore) -> dict[str, int]:
    """Region code → resident population of the latest period the graph has (a census)."""
    rows = run_query(store, "lookup/population", {}).dicts()
    return latest_populations(
        (_text(r["code"]), _text(r["year"]), _text(r["value"]), _text(r["unitMult"]) or None)
        for r in rows
    )


_PROVINCES = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?code ?label WHERE {
  ?region pg:level <https://w3id.org/policygraph/id/level/provincial> ;
          skos:notation ?code ; skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "%s"))
}
"""


def province_labels(store: GraphStore, language: str = "en") -> dict[str, str]:
    """Province code → name in ``language`` (en, zh-Hans), for the overview."""
    labels: dict[str, str] = {}
    for code, label in store.select(_PROVINCES % language):
        labels.setdefault(_text(code), _text(label))
    return labels


_CONCEPTS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX id: <https://w3id.org/policygraph/id/>
SELECT ?concept ?label WHERE {
  VALUES ?scheme { id:tier id:gap-status id:level id:domain }
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "%s"))
}
"""

_REGIONS = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX level: <https://w3id.org/policygraph/id/level/>
SELECT ?code ?label WHERE {
  VALUES ?level { %s }
  ?region a pg:Region ; pg:level ?level ; skos:notation ?code ; skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "%s"))
}
"""


def concept_labels(store: GraphStore, language: str) -> dict[str, str]:
    """The slug of each tier, gap status, level and risk domain → its label in ``language``
    (the ontology's ``skos:prefLabel``), for reports in that language."""
    labels: dict[str, str] = {}
    for concept, label in sorted(store.select(_CONCEPTS % language)):
        labels.setdefault(_slug(concept), _text(label))
    return labels


def region_labels(
    store: GraphStore,
    language: str,
    levels: Sequence[str] = ("national", "provincial", "prefectural", "county"),
) -> dict[str, str]:
    """Region code → its name in ``language``, for the regions at ``levels`` that have one
    (the 3,214 regions of China take half a second; the 400 above the counties, the parents
    and fall-back holders a report names, a tenth of that)."""
    values = " ".join(f"level:{one}" for one in levels if one.isalpha())
    labels: dict[str, str] = {}
    for code, label in sorted(store.select(_REGIONS % (values, language))):
        labels.setdefault(_text(code), _text(label))
    return labels


def from_queries_as_of(
    store: GraphStore, params: dict[str, str], status: str | None, as_of: int
) -> list[Gap]:
    """The report's cells as of a year on a store without a gap table (a SPARQL endpoint): the
    regions as ``gaps/coverage-matrix`` lists them, the documents and regions in time from
    ``gaps/validity`` and ``gaps/region-tree``, the same computation as from the table."""
    timed, documents = query_index(store)
    regions: dict[str, CellRow] = {}
    for row in run_query(store, by_domain("gaps/coverage-matrix", params), params).dicts():
        regions.setdefault(
            _text(row["code"]),
            CellRow(
                region=_text(row["region"]),
                code=_text(row["code"]),
                label=_text(row["label"]),
                level=params["level"],
                surveyed=_text(row["surveyed"]).lower() == "true",
                parent=_text(row["parentCode"]),
                parent_label=_text(row["parentLabel"]),
                label_zh=_text(row["labelZh"]),
                autonomous=_text(row["autonomous"]).lower() == "true",
                tier="",
                status="",
                rest=0,
                evidence=(),
                fallback=(),
            ),
        )
    tier = slug(params["tier"]) if params.get("tier") else None
    domain = slug(params["domain"]) if params.get("domain") else None
    listed = cells_of(timed, regions.values(), as_of, tier=tier, domain=domain)
    rows = [row for row in listed if not status or row.status == status]
    return gaps_of(rows, documents, _claims(store, params.get("tier")))


def from_queries(store: GraphStore, params: dict[str, str], status: str | None) -> list[Gap]:
    """The report's cells from the named queries: any store, a SPARQL endpoint among them."""
    documents = _documents(store, params)
    claims = _claims(store, params.get("tier"))
    gaps: list[Gap] = []
    for row in run_query(store, by_domain("gaps/coverage-matrix", params), params).dicts():
        cell_status = _text(row["status"])
        if status and cell_status != status:
            continue
        key = (_text(row["code"]), _slug(row["tier"]))
        docs = documents.get(key, [])
        gaps.append(
            Gap(
                region=_text(row["region"]),
                code=key[0],
                label=_text(row["label"]),
                tier=key[1],
                status=cell_status,
                surveyed=_text(row["surveyed"]).lower() == "true",
                parent=_text(row["parentCode"]),
                parent_label=_text(row["parentLabel"]),
                label_zh=_text(row["labelZh"]),
                autonomous=_text(row["autonomous"]).lower() == "true",
                evidence=tuple(sorted(d for d in docs if d.relation == "own")),
                fallback=_fallback(docs),
                claims=tuple(sorted(set(claims.get(key, [])))),
                fallback_rest=int(_text(row["fallbackRest"]) or 0),
            )
        )
    return gaps
