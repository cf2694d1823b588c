"""Gap cells, derived once per build from a compact index of the region tree and the documents.

For every region, every tier, and every tier × risk domain, one cell (DESIGN §3):

- ``own``: a dedicated document whose jurisdiction is the region covers the tier;
- ``general-only``: only the region's own general plans or work reports do;
- ``inherited``: nothing of its own, but a dedicated document of an ancestor, or one the region
  is named as following (``eli:relevant_for``), does;
- ``none``: nothing at any level.

A document covers a domain cell when one of its domains is the cell's or ``general``. Each cell
lists its own documents (``pg:evidence``), counts what the status rests on, and names its
fall-back: the nearest ancestor that provides (``pg:fallbackRegion``) and the fall-back documents
(``pg:fallback``: that ancestor's dedicated documents for the cell, and any the region is named as
following), with ``pg:fallbackRest`` counting the inherited documents not listed. A region
with status ``own`` for a tier carries ``pg:ownTier`` for it (a summary of its cells). A region
is ``pg:surveyed`` when a source of stated facts names it (its documents, one it follows, a
claim, a statistic, a programme): no data is not the same as no policy.

The cells go into their own named graph, ``graph/derived``, whose source node says which
policygraph version derived them from which inputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph import namespaces as ns
from policygraph.namespaces import (
    DCTERMS,
    ELI,
    PG,
    PROV,
    RDF,
    SDMX_DIMENSION,
    SKOS,
    XSD,
)
from policygraph.sources.rdffile import StoreView, oxigraph_quads
from policygraph.status import LEVELS, STATUSES, Cell, Doc, Index, cells

__all__ = [
    "LEVELS",
    "STATUSES",
    "Cell",
    "Derived",
    "Index",
    "derive",
    "fingerprint_triples",
    "read_index",
]

_DEDICATED = ns.concept("specificity", "dedicated")
_STATED = ns.concept("confidence", "stated")

Triple = tuple[Node, Node, Node]


def _year(value: object) -> int | None:
    """The year of an xsd:gYear, xsd:gYearMonth or xsd:date literal (its first four digits)."""
    text = str(value)
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


def read_index(dataset: StoreView) -> Index:
    """The index of a build's dataset: every region, its parent and level, every document."""
    regions: dict[URIRef, str] = {}
    for region, code in dataset.subject_objects(SKOS.notation):
        if (region, RDF.type, PG.Region) in dataset and isinstance(region, URIRef):
            regions[region] = str(code)
    start = {
        r: found
        for r, value in dataset.values(PG.inUseFrom).items()
        if r in regions and (found := _year(value)) is not None
    }
    index = Index(
        tiers=sorted(ns.slug(c) for c in dataset.subjects(SKOS.inScheme, ns.scheme("tier"))),
        domains=sorted(ns.slug(c) for c in dataset.subjects(SKOS.inScheme, ns.scheme("domain"))),
        regions=regions,
        level={r: ns.slug(lv) for r, lv in dataset.values(PG.level).items() if r in regions},
        parent=_parents(dataset, regions),
        docs=_documents(dataset),
        surveyed=set(),
        start=start,
    )
    index.surveyed = _surveyed(dataset, index.regions)
    return index


def _surveyed(dataset: StoreView, regions: dict[URIRef, str]) -> set[URIRef]:
    """The regions a source of stated facts names."""
    # A code list or a census names every region without studying any (pg:ReferenceSource).
    reference = set(dataset.subjects(RDF.type, PG.ReferenceSource))
    stated = {s for s in dataset.subjects(PG.confidence, _STATED) if s not in reference}
    found: set[URIRef] = set()
    for predicate in (
        ELI.jurisdiction,
        ELI.relevant_for,
        PG.aboutRegion,
        SDMX_DIMENSION.refArea,
        PG.operatesIn,
    ):
        for evidence, region in dataset.subject_objects(predicate):
            if region in regions and any(
                source in stated for source in dataset.objects(evidence, DCTERMS.source)
            ):
                found.add(region)  # type: ignore[arg-type]
    return found


def _parents(dataset: StoreView, regions: dict[URIRef, str]) -> dict[URIRef, URIRef]:
    found: dict[URIRef, URIRef] = {}
    for region, parent in dataset.subject_objects(SKOS.broader):
        if isinstance(region, URIRef) and region in regions and isinstance(parent, URIRef):
            found[region] = parent
    return found


def _documents(dataset: StoreView) -> list[Doc]:
    docs: dict[Node, Doc] = {}
    for doc, holder in dataset.subject_objects(ELI.jurisdiction):
        if isinstance(doc, URIRef) and isinstance(holder, URIRef):
            dedicated = (doc, PG.specificity, _DEDICATED) in dataset
            docs[doc] = Doc(doc, holder, dedicated)
    for predicate, attribute in ((PG.tier, "tiers"), (PG.domain, "domains")):
        for subject, value in dataset.subject_objects(predicate):
            if subject in docs:
                getattr(docs[subject], attribute).add(ns.slug(value))
    for subject, region in dataset.subject_objects(ELI.relevant_for):
        if subject in docs and isinstance(region, URIRef):
            docs[subject].follows.add(region)
    # In force from its entry into force, else from its year (DESIGN §7: an assumption where
    # no source gives one), until it ceased or the document repealing it took effect.
    years = dataset.values(PG.year)
    for subject, when in dataset.values(ELI.first_date_entry_in_force).items():
        if subject in docs:
            docs[subject].start = _year(when)
    for entry in docs.values():
        if entry.start is None and entry.iri in years:
            entry.start = _year(years[entry.iri])
    for subject, when in dataset.values(ELI.date_no_longer_in_force).items():
        if subject in docs:
            docs[subject].end = _year(when)
    for subject, by in dataset.subject_objects(ELI.repealed_by):
        if subject in docs and by in docs and (ends := docs[by].start) is not None:
            current = docs[subject].end
            docs[subject].end = ends if current is None else min(current, ends)
    return sorted(docs.values(), key=lambda d: str(d.iri))


def _ox(node: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(node))


@cache
def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(str(XSD.integer)))


@cache
def _concept(scheme: str, slug: str) -> ox.NamedNode:
    return ox.NamedNode(str(ns.concept(scheme, slug)))


# A million quads at national scale: the cell writer makes Oxigraph's terms once each.
_GAP_CELL, _DOMAIN_GAP_CELL = _ox(PG.GapCell), _ox(PG.DomainGapCell)
_REGION, _TIER, _DOMAIN, _STATUS = (_ox(p) for p in (PG.region, PG.tier, PG.domain, PG.gapStatus))
_COUNTS = tuple(_ox(p) for p in (PG.ownCount, PG.generalCount, PG.inheritedCount))
_EVIDENCE, _FALLBACK_REGION, _FALLBACK, _REST = (
    _ox(p) for p in (PG.evidence, PG.fallbackRegion, PG.fallback, PG.fallbackRest)
)
_TYPE = _ox(RDF.type)
_GRAPH = ox.NamedNode(str(ns.DERIVED_GRAPH))


class _Terms(dict[str, ox.NamedNode]):
    """Oxigraph's node for each IRI, made once."""

    def __missing__(self, iri: str) -> ox.NamedNode:
        node = self[iri] = ox.NamedNode(iri)
        return node


def _quads(found: Cell, terms: _Terms) -> Iterator[ox.Quad]:
    node = ox.NamedNode(str(ns.cell(ns.slug(found.region), found.tier, found.domain)))
    quad, graph = ox.Quad, _GRAPH
    yield quad(node, _TYPE, _DOMAIN_GAP_CELL if found.domain else _GAP_CELL, graph)
    yield quad(node, _REGION, terms[found.region], graph)
    yield quad(node, _TIER, _concept("tier", found.tier), graph)
    if found.domain:
        yield quad(node, _DOMAIN, _concept("domain", found.domain), graph)
    yield quad(node, _STATUS, _concept("gap-status", found.status), graph)
    for name, count in zip(_COUNTS, (found.own, found.general, found.inherited), strict=True):
        if count:
            yield quad(node, name, _integer(count), graph)
    for document in found.evidence:
        yield quad(node, _EVIDENCE, terms[document], graph)
    if found.fallback_region is not None:
        yield quad(node, _FALLBACK_REGION, terms[found.fallback_region], graph)
    for document in found.fallback:
        yield quad(node, _FALLBACK, terms[document], graph)
    if found.rest:
        yield quad(node, _REST, _integer(found.rest), graph)


def fingerprint_triples(fingerprint: str) -> list[Triple]:
    """The triples of ``graph/derived`` that name the inputs' fingerprint: the only ones that
    change when a build keeps the derivation of the one before (no input it reads changed)."""
    return [(ns.DERIVED_SOURCE, DCTERMS.identifier, Literal(f"inputs sha256:{fingerprint}"))]


def _provenance(
    version: str, fingerprint: str, sources: list[URIRef], dataset: StoreView
) -> Iterator[Triple]:
    node = ns.DERIVED_SOURCE
    # The date of the newest input, not of the build: the same inputs give the same graph.
    dates = [d for s in sources for d in dataset.objects(s, DCTERMS.date)]
    if dates:
        yield node, DCTERMS.date, max(dates, key=str)
    yield node, RDF.type, PG.Source
    yield node, RDF.type, PROV.Entity
    yield node, DCTERMS.title, Literal("Gap cells derived by policygraph", lang="en")
    yield node, DCTERMS.creator, Literal(f"policygraph {version}")
    yield from fingerprint_triples(fingerprint)
    yield node, PG.confidence, ns.concept("confidence", "inferred")
    for source in sources:
        yield node, PROV.wasDerivedFrom, source
    yield ns.DERIVED_GRAPH, PROV.wasDerivedFrom, node


@dataclass(frozen=True)
class Derived:
    """The cells, the index they came from, and the other triples of ``graph/derived``."""

    index: Index
    cells: list[Cell]
    triples: list[Triple]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the named graph ``graph/derived``, made as they are asked for (a
        million at national scale: a store can load the first while the rest are made)."""
        yield from oxigraph_quads(self.triples, graph=ns.DERIVED_GRAPH)
        terms = _Terms()
        for found in self.cells:
            yield from _quads(found, terms)


def derive(dataset: StoreView, *, version: str, fingerprint: str) -> Derived:
    """The cells of ``dataset`` and what else goes into ``graph/derived`` (``ns.DERIVED_GRAPH``)."""
    index = read_index(dataset)
    sources = sorted(s for s in dataset.subjects(RDF.type, PG.Source) if isinstance(s, URIRef))
    triples: list[Triple] = list(_provenance(version, fingerprint, sources, dataset))
    for region in sorted(index.regions, key=str):
        triples.append((region, PG.surveyed, Literal(region in index.surveyed)))
        # The closure of skos:broader, so that "within X" is one lookup on any endpoint.
        triples.extend((region, SKOS.broaderTransitive, a) for a in index.ancestors(region))
    found_cells = list(cells(index))
    triples.extend(
        (found.region, PG.ownTier, ns.concept("tier", found.tier))
        for found in found_cells
        if found.domain is None and found.status == "own"
    )
    return Derived(index, found_cells, triples)
