"""The :class:`Mapper`: what the tables mapped so far define (sources, regions, documents…), the
named graph and provenance of each row, the checked references between files, and the function
that maps each table (:data:`_TABLES`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph import cube, territory
from policygraph import namespaces as ns
from policygraph.mapping import documents, metadata, places
from policygraph.mapping.graphs import GraphSink, Mapped
from policygraph.mapping.terms import Vocabulary, lit
from policygraph.namespaces import DCTERMS, PG, RDF
from policygraph.sources import cells
from policygraph.sources.csvtable import Row

__all__ = ["Mapper"]


# Read for every row (an rdflib namespace makes a new term on each attribute read).
_SOURCE, _LOCATOR, _CONFIDENCE = DCTERMS.source, PG.locator, PG.confidence


class Mapper:
    """Maps the rows of every table, in reading order, into :class:`Mapped` graphs."""

    def __init__(self, dataset: Mapped, vocab: Vocabulary) -> None:
        self.ds = dataset
        self.vocab = vocab
        self.sources: dict[str, URIRef] = {}  # slug → confidence concept
        self.regions: dict[str, str] = {}  # code → level slug
        self.groups: dict[str, list[str]] = {}
        self.bodies: set[str] = set()
        self.documents: dict[str, URIRef] = {}
        self.programmes: set[str] = set()
        self.claims: set[str] = set()
        self.datasets: dict[str, str] = {}  # slug → source slug
        self.observations: set[str] = set()
        self.territory = territory.TerritoryIndex()
        #: Each minted node's IRI → the CSV row that made it (``file:line``), for SHACL reports.
        self.origins: dict[str, str] = {}

    def map_table(self, table: str, rows: list[Row]) -> None:
        """Map the rows of one table (a name of :data:`policygraph.sources.tables.TABLES`)."""
        _TABLES[table](self, rows)

    def finish(self) -> None:
        """After every table: what refers forward (a division's parent may be CN of
        regions.csv) or needs every source (curated names win over derived ones)."""
        territory.finish_divisions(self)

    # -- helpers -------------------------------------------------------------------------------
    def graph_of(self, row: Row, column: str = "source") -> GraphSink:
        slug = row.get(f"{column}_source") if column != "source" else ""
        slug = slug or row.get("source")
        col = f"{column}_source" if row.get(f"{column}_source") else "source"
        if slug not in self.sources:
            raise row.error(
                col,
                f"unknown source {slug!r}",
                f"add it to sources.csv or use one of {', '.join(sorted(self.sources))}",
            )
        return self.ds.graph(ns.graph(slug))

    def provenance(self, row: Row, subject: URIRef, *, locator: bool = True) -> GraphSink:
        self.origins.setdefault(str(subject), f"{row.path}:{row.line}")
        g = self.graph_of(row)
        slug = row.get("source")
        g.add((subject, _SOURCE, ns.source(slug)))
        if locator:
            g.add((subject, _LOCATOR, Literal(row.get("locator"))))
        g.add((subject, _CONFIDENCE, self.sources[slug]))
        return g

    def concepts(self, row: Row, column: str, scheme: str) -> list[URIRef]:
        slugs = cells.concepts(row, column, scheme, self.vocab.known(scheme))
        return [ns.concept(scheme, s) for s in slugs]

    def concept(self, row: Row, column: str, scheme: str) -> URIRef:
        found = self.concepts(row, column, scheme)
        if len(found) != 1:
            raise row.error(column, f"expected exactly one {scheme}", "write a single value")
        return found[0]

    def region_ref(
        self,
        row: Row,
        column: str,
        value: str | None = None,
        *,
        subject: URIRef | None = None,
        year: str | None = None,
    ) -> URIRef:
        """A region in use, by code. With ``subject``, a code no longer in use (as it was in
        ``year``) resolves to today's region through the code history, and ``subject`` records
        the code it cited (``pg:citedRegion``) and a note saying so."""
        code = cells.code(row, column, value)
        if code in self.regions:
            return ns.region(code)
        today, reason, record = self.territory.resolve(code, int(year) if year else None)
        if record is None or today not in self.regions or subject is None:
            if record is not None:
                why = reason or f"it is {today} today"
                raise row.error(
                    column,
                    f"region {code} ({record.name}) is no longer in use: {why}",
                    "use the code in use today (see division-history.csv)",
                )
            cells.check_known(row, column, "region", code, self.regions)
        assert today is not None and record is not None and subject is not None
        cited = ns.former_region(code, record.start) if not record.in_use else ns.region(code)
        g = self.graph_of(row)
        g.add((subject, PG.citedRegion, cited))
        g.add(
            (
                subject,
                PG.qualityNote,
                lit(
                    f"cites division code {code} ({record.name}, in use {record.start}\N{EN DASH}"
                    f"{record.end or ''}); resolved to today's {today} through the code history"
                ),
            )
        )
        return ns.region(today)

    def document_ref(self, row: Row, column: str, value: str | None = None) -> URIRef:
        slug = row.get(column) if value is None else value
        cells.check_known(row, column, "document", slug, self.documents)
        return self.documents[slug]

    def body_ref(self, row: Row, column: str, value: str | None = None) -> URIRef:
        slug = row.get(column) if value is None else value
        cells.check_known(row, column, "body", slug, self.bodies)
        return ns.body(slug)

    def classify(self, row: Row, g: GraphSink, node: URIRef) -> None:
        """The tiers, risk domains and target groups of a document, programme or claim; the
        tiers go to the graph of ``tiers_source`` where the source does not state them."""
        tg = self.graph_of(row, "tiers")
        for tier in self.concepts(row, "tiers", "tier"):
            tg.add((node, PG.tier, tier))
        dg = self.graph_of(row, "domains")
        for domain in self.concepts(row, "domains", "domain"):
            dg.add((node, PG.domain, domain))
        for group in self.concepts(row, "target_groups", "target-group"):
            g.add((node, PG.targetGroup, group))

    def statement(self, row: Row, s: URIRef, p: URIRef, o: Node) -> None:
        """Reify one triple so that it can carry its own source and locator."""
        digest = hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]
        node = URIRef(f"{ns.BASE}id/statement/{digest}")
        g = self.provenance(row, node)
        g.add((node, RDF.type, RDF.Statement))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))

    def subject(self, row: Row, column: str) -> URIRef:
        """Resolve a ``kind:id`` reference."""
        kind, _, ident = row.get(column).partition(":")
        resolvers: dict[str, Callable[[], URIRef]] = {
            "region": lambda: self.region_ref(row, column, ident),
            "body": lambda: self.body_ref(row, column, ident),
            "document": lambda: self.document_ref(row, column, ident),
            "programme": lambda: self._known(row, column, "programme", ident, self.programmes),
            "claim": lambda: self._known(row, column, "claim", ident, self.claims),
            "dataset": lambda: self._known(row, column, "dataset", ident, self.datasets),
            "obs": lambda: self._known(row, column, "obs", ident, self.observations),
            "source": lambda: self._known(row, column, "source", ident, self.sources),
            "group": lambda: self._known(row, column, "group", ident, self.groups),
        }
        if kind not in resolvers or not ident:
            raise row.error(
                column,
                f"{row.get(column)!r} is not a reference",
                f"write kind:id with kind one of {', '.join(resolvers)}",
            )
        return resolvers[kind]()

    def _known(self, row: Row, column: str, kind: str, ident: str, known: object) -> URIRef:
        cells.check_known(row, column, kind, ident, known)  # type: ignore[arg-type]
        return _IRI[kind](ident)


#: The function that maps the rows of each table (:data:`policygraph.sources.tables.TABLES`).
_TABLES: dict[str, Callable[[Mapper, list[Row]], None]] = {
    "sources": metadata.map_sources,
    "divisions": territory.map_divisions,
    "division-history": territory.map_division_history,
    "regions": places.map_regions,
    "region-groups": places.map_region_groups,
    "bodies": places.map_bodies,
    "documents": documents.map_documents,
    "document-links": documents.map_document_links,
    "programmes": documents.map_programmes,
    "claims": documents.map_claims,
    "datasets": cube.map_datasets,
    "observations": cube.map_observations,
    "aliases": metadata.map_aliases,
    "notes": metadata.map_notes,
}


_IRI: dict[str, Callable[[str], URIRef]] = {
    "programme": ns.programme,
    "claim": lambda ident: ns.claim(*_split_claim(ident)),
    "dataset": ns.dataset,
    "obs": lambda ident: ns.observation(*_split_obs(ident)),
    "source": ns.source,
    "group": ns.region_group,
}


def _split_claim(ident: str) -> tuple[str, int]:
    slug, _, n = ident.partition("/")
    return slug, int(n)


def _split_obs(ident: str) -> tuple[str, str, str, str]:
    data, code, indicator, period = ident.split("/")
    return data, code, indicator, period
