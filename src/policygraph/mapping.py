"""Rows → triples: the only place that mints IRIs and attaches provenance.

Each row's triples go into the named graph of its source (``graph/{source}``); a value whose
``{column}_source`` names another source goes into that source's graph instead. Every resource
carries ``dcterms:source``, ``pg:locator`` and ``pg:confidence`` (the confidence of its source).
References between files are checked here, with the row's position kept for the error message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policygraph import cube, territory
from policygraph import namespaces as ns
from policygraph.namespaces import (
    DCTERMS,
    ELI,
    ORG,
    PG,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
)
from policygraph.sources import cells
from policygraph.sources.csvtable import Row
from policygraph.sources.rdffile import to_oxigraph

__all__ = ["GraphSink", "Mapped", "Mapper", "Vocabulary"]

_YEAR_IN_NUMBER = "〔"
#: Claims are numbered within their source from 1.
MAX_CLAIM_NUMBER = 99_999


@dataclass
class Vocabulary:
    """The slugs of every concept scheme, read from the ontology graph."""

    schemes: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph) -> Vocabulary:
        vocab = cls()
        prefix = ns.BASE + "id/"
        for concept, scheme in graph.subject_objects(SKOS.inScheme):
            name = str(scheme).removeprefix(prefix)
            if str(scheme).startswith(prefix) and str(concept).startswith(f"{scheme}/"):
                vocab.schemes.setdefault(name, set()).add(str(concept)[len(str(scheme)) + 1 :])
        return vocab

    def known(self, scheme: str) -> set[str]:
        return self.schemes.get(scheme, set())


# Read for every row (an rdflib namespace makes a new term on each attribute read).
_SOURCE, _LOCATOR, _CONFIDENCE = DCTERMS.source, PG.locator, PG.confidence


def _lit(text: str, lang: str = "en") -> Literal:
    return Literal(text, lang=lang)


class GraphSink:
    """One named graph being mapped: its triples as Oxigraph quads, in the order made.

    The mapping wrote into rdflib graphs, then copied them into the build's Oxigraph store:
    with the national backbone (270,000 triples) that was 10 s of a 20 s build and about
    400 MB; this keeps nothing but the quads. A triple added twice is kept once by the store.
    """

    __slots__ = ("_iris", "name", "quads")

    def __init__(self, name: URIRef, iris: dict[str, ox.NamedNode]) -> None:
        self.name = ox.NamedNode(str(name))
        self.quads: list[ox.Quad] = []
        self._iris = iris

    def _iri(self, node: URIRef) -> ox.NamedNode:
        key = str(node)
        found = self._iris.get(key)
        if found is None:
            found = self._iris[key] = ox.NamedNode(key)
        return found

    def _term(self, node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        # As :func:`to_oxigraph`, without its chain of isinstance for the two common kinds.
        if type(node) is URIRef:
            return self._iri(node)
        if type(node) is Literal:
            if node.language:
                return ox.Literal(str(node), language=node.language)
            if node.datatype:
                return ox.Literal(str(node), datatype=self._iri(node.datatype))
            return ox.Literal(str(node))
        return to_oxigraph(node)

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        s, p, o = triple
        term = self._term
        self.quads.append(ox.Quad(term(s), term(p), term(o), self.name))  # type: ignore[arg-type]


class Mapped:
    """What the mapping made: a :class:`GraphSink` per named graph."""

    def __init__(self) -> None:
        self.graphs: dict[URIRef, GraphSink] = {}
        self._iris: dict[str, ox.NamedNode] = {}  # the same IRIs recur on every row

    def graph(self, name: URIRef) -> GraphSink:
        found = self.graphs.get(name)
        if found is None:
            found = self.graphs[name] = GraphSink(name, self._iris)
        return found

    def quads(self) -> list[ox.Quad]:
        return [quad for sink in self.graphs.values() for quad in sink.quads]


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
        self._by_table: dict[str, Callable[[list[Row]], None]] = {
            "sources": self.map_sources,
            "divisions": lambda rows: territory.map_divisions(self, rows),
            "division-history": lambda rows: territory.map_division_history(self, rows),
            "regions": self.map_regions,
            "region-groups": self.map_region_groups,
            "bodies": self.map_bodies,
            "documents": self.map_documents,
            "document-links": self.map_document_links,
            "programmes": self.map_programmes,
            "claims": self.map_claims,
            "datasets": self.map_datasets,
            "observations": self.map_observations,
            "aliases": self.map_aliases,
            "notes": self.map_notes,
        }

    def map_table(self, table: str, rows: list[Row]) -> None:
        """Map the rows of one table (a name of :data:`policygraph.sources.tables.TABLES`)."""
        self._by_table[table](rows)

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
                _lit(
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

    # -- files ---------------------------------------------------------------------------------
    def map_sources(self, rows: list[Row]) -> None:
        for row in rows:
            slug = cells.slug(row, "id")
            self.sources[slug] = ns.concept("confidence", row.get("confidence"))
            cells.concepts(row, "confidence", "confidence", self.vocab.known("confidence"))
        for row in rows:
            slug = row.get("id")
            node, g = ns.source(slug), self.ds.graph(ns.graph(slug))
            for cls in (PG.Source, PROV.Entity, DCTERMS.BibliographicResource):
                g.add((node, RDF.type, cls))
            g.add((node, DCTERMS.title, _lit(row.get("title"))))
            for creator in cells.items(row.get("creator")):
                g.add((node, DCTERMS.creator, Literal(creator)))
            if row.get("publisher"):
                g.add((node, DCTERMS.publisher, Literal(row.get("publisher"))))
            if row.get("license"):
                g.add((node, DCTERMS.license, URIRef(cells.url(row, "license"))))
            kind = row.get("kind") or "study"
            if kind not in ("study", "reference"):
                raise row.error(
                    "kind", f"unknown source kind {kind!r}",
                    "use study (a paper that studied the regions it names) or reference (a code "
                    "list or a census, which does not make a region surveyed)",
                )  # fmt: skip
            if kind == "reference":
                g.add((node, RDF.type, PG.ReferenceSource))
            when = row.get("date")
            if len(when) == 4:
                g.add((node, DCTERMS.date, Literal(cells.year(row, "date"), datatype=XSD.gYear)))
            else:
                g.add((node, DCTERMS.date, Literal(cells.date(row, "date"), datatype=XSD.date)))
            if row.get("file"):
                file_node = URIRef(ns.BASE + "id/file/" + quote(row.get("file")))
                g.add((node, PROV.wasDerivedFrom, file_node))
                g.add((file_node, DCTERMS.identifier, Literal(row.get("file"))))
            if row.get("description"):
                g.add((node, DCTERMS.description, _lit(row.get("description"))))
            g.add((node, PG.confidence, self.sources[slug]))
            g.add((ns.graph(slug), PROV.wasDerivedFrom, node))

    def map_regions(self, rows: list[Row]) -> None:
        for row in rows:
            code = cells.code(row, "code")
            self.regions[code] = cells.concepts(row, "level", "level", self.vocab.known("level"))[0]
        for row in rows:
            node = ns.region(row.get("code"))
            self.territory.curated_english[row.get("code")] = row.get("label_en")
            g = self.provenance(row, node)
            g.add((node, RDF.type, PG.Region))
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.inScheme, ns.scheme("region")))
            g.add((node, SKOS.notation, Literal(row.get("code"))))
            g.add((node, SKOS.prefLabel, _lit(row.get("label_en"))))
            self.graph_of(row, "label_zh").add(
                (node, SKOS.prefLabel, _lit(row.get("label_zh"), "zh-Hans"))
            )
            g.add((node, PG.level, self.concept(row, "level", "level")))
            g.add((node, PG.divisionType, self.concept(row, "division_type", "division-type")))
            if row.get("parent"):
                parent = self.region_ref(row, "parent")
                if parent == node:
                    raise row.error("parent", "a region cannot be its own parent", "fix the code")
                self.graph_of(row, "parent").add((node, SKOS.broader, parent))
            groups = self.concepts(row, "titular_groups", "ethnic-group")
            tg = self.graph_of(row, "titular_groups")
            for group in groups:
                tg.add((node, PG.titularGroup, group))
            mg = self.graph_of(row, "main_minorities")
            for group in self.concepts(row, "main_minorities", "ethnic-group"):
                mg.add((node, PG.mainMinority, group))
        _check_acyclic(rows, "code", "parent", "region")

    def map_region_groups(self, rows: list[Row]) -> None:
        for row in rows:
            slug = cells.slug(row, "group")
            node = ns.region_group(slug)
            member = self.region_ref(row, "member")
            self.groups.setdefault(slug, []).append(row.get("member"))
            g = self.provenance(row, node, locator=False)
            g.add((node, RDF.type, PG.RegionGroup))
            g.add((node, RDF.type, SKOS.Collection))
            g.add((node, SKOS.prefLabel, _lit(row.get("label_en"))))
            if row.get("label_zh"):
                g.add((node, SKOS.prefLabel, _lit(row.get("label_zh"), "zh-Hans")))
            g.add((node, SKOS.member, member))
            g.add((node, PG.locator, Literal(row.get("locator"))))

    def map_bodies(self, rows: list[Row]) -> None:
        for row in rows:
            self.bodies.add(cells.slug(row, "id"))
        for row in rows:
            node = ns.body(row.get("id"))
            g = self.provenance(row, node)
            kind = row.get("kind") or "government"
            if kind not in ("government", "party", "insurer"):
                raise row.error(
                    "kind", f"unknown kind {kind!r}", "use government, party or insurer"
                )
            if kind != "insurer":
                g.add((node, RDF.type, PG.IssuingBody))
            g.add((node, RDF.type, ORG.FormalOrganization))
            g.add((node, SKOS.prefLabel, _lit(row.get("label_en"))))
            if row.get("label_zh"):
                self.graph_of(row, "label_zh").add(
                    (node, SKOS.prefLabel, _lit(row.get("label_zh"), "zh-Hans"))
                )
            if row.get("parent"):
                parent = self.body_ref(row, "parent")
                self.graph_of(row, "parent").add((node, ORG.subOrganizationOf, parent))
            g.add((node, DCTERMS.spatial, self.region_ref(row, "region")))
            g.add((node, PG.level, self.concept(row, "level", "level")))
        _check_acyclic(rows, "id", "parent", "body")

    def map_documents(self, rows: list[Row]) -> None:
        for row in rows:
            slug = cells.slug(row, "id")
            jurisdiction = cells.code(row, "jurisdiction")
            year = cells.year(row, "year") if row.get("year") else None
            self.documents[slug] = ns.document(jurisdiction, year, slug)
        for row in rows:
            self.map_document(row)

    def map_document(self, row: Row) -> None:
        node = self.documents[row.get("id")]
        g = self.provenance(row, node)
        g.add((node, RDF.type, PG.PolicyDocument))
        if not (row.get("title_en") or row.get("title_zh")):
            raise row.error("title_en", "a document needs a title", "fill title_en or title_zh")
        if row.get("title_en"):
            g.add((node, DCTERMS.title, _lit(row.get("title_en"))))
        if row.get("title_zh"):
            self.graph_of(row, "title_zh").add(
                (node, DCTERMS.title, _lit(row.get("title_zh"), "zh-Hans"))
            )
        jurisdiction = self.region_ref(
            row, "jurisdiction", subject=node, year=row.get("year") or None
        )
        jg = self.graph_of(row, "jurisdiction")
        jg.add((node, ELI.jurisdiction, jurisdiction))
        code = str(jurisdiction).rsplit("/", 1)[1]
        jg.add((node, PG.level, ns.concept("level", self.regions[code])))
        year = row.get("year")
        if year:
            self.graph_of(row, "year").add((node, PG.year, Literal(year, datatype=XSD.gYear)))
        if row.get("date"):
            date = cells.date(row, "date")
            if year and not date.startswith(year):
                raise row.error(
                    "date", f"date {date} is not in year {year}", "fix the year or the date"
                )
            self.graph_of(row, "date").add(
                (node, ELI.date_document, Literal(date, datatype=XSD.date))
            )
        # In force from when a source says (in_force), else from its date or year: the
        # assumption DESIGN §7 names, where no source gives an entry into force.
        if row.get("in_force"):
            when, kind = cells.partial_date(row, "in_force")
            if year and when[:4] < year:
                raise row.error(
                    "in_force", f"in force {when}, before its year {year}", "fix either"
                )
            self.graph_of(row, "in_force").add(
                (node, ELI.first_date_entry_in_force, Literal(when, datatype=XSD[kind]))
            )
        elif row.get("date"):
            self.graph_of(row, "date").add(
                (node, ELI.first_date_entry_in_force, Literal(row.get("date"), datatype=XSD.date))
            )
        elif year:
            self.graph_of(row, "year").add(
                (node, ELI.first_date_entry_in_force, Literal(year, datatype=XSD.gYear))
            )
        number = row.get("number")
        if number:
            if year and _YEAR_IN_NUMBER in number and f"〔{year}〕" not in number:
                raise row.error(
                    "year",
                    f"year {year} does not agree with document number {number}",
                    "keep the year the number carries and record the other in notes.csv",
                )
            self.graph_of(row, "number").add((node, ELI.id_local, Literal(number)))
        if row.get("number_raw"):
            g.add((node, SKOS.hiddenLabel, Literal(row.get("number_raw"))))
        bg = self.graph_of(row, "bodies")
        for slug in cells.items(row.get("bodies")):
            bg.add((node, ELI.passed_by, self.body_ref(row, "bodies", slug)))
        self.classify(row, g, node)
        tg = self.graph_of(row, "doc_types")
        for form in self.concepts(row, "doc_types", "document-type"):
            tg.add((node, ELI.type_document, form))
        self.graph_of(row, "specificity").add(
            (node, PG.specificity, self.concept(row, "specificity", "specificity"))
        )
        if row.get("url"):
            g.add((node, RDFS.seeAlso, URIRef(cells.url(row, "url"))))
        rg = self.graph_of(row, "rules")
        for rule in cells.items(row.get("rules")):
            rg.add((node, PG.inferredBy, Literal(rule)))

    def map_document_links(self, rows: list[Row]) -> None:
        for row in rows:
            subject = self.document_ref(row, "document")
            relation = row.get("relation")
            target: URIRef
            if relation == "implements":
                predicate, target = ELI.ensures_implementation_of, self.document_ref(row, "target")
            elif relation == "relevant-for":
                predicate, target = ELI.relevant_for, self.region_ref(row, "target")
            else:
                raise row.error(
                    "relation", f"unknown relation {relation!r}", "use implements or relevant-for"
                )
            if target == subject:
                raise row.error("target", "a document cannot link to itself", "fix the target")
            self.graph_of(row).add((subject, predicate, target))
            self.statement(row, subject, predicate, target)

    def statement(self, row: Row, s: URIRef, p: URIRef, o: Node) -> None:
        """Reify one triple so that it can carry its own source and locator."""
        digest = hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]
        node = URIRef(f"{ns.BASE}id/statement/{digest}")
        g = self.provenance(row, node)
        g.add((node, RDF.type, RDF.Statement))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))

    def map_programmes(self, rows: list[Row]) -> None:
        for row in rows:
            slug = cells.slug(row, "id")
            self.programmes.add(slug)
            node = ns.programme(slug)
            g = self.provenance(row, node)
            g.add((node, RDF.type, PG.Programme))
            g.add((node, SKOS.prefLabel, _lit(row.get("label_en"))))
            if row.get("label_zh"):
                self.graph_of(row, "label_zh").add(
                    (node, SKOS.prefLabel, _lit(row.get("label_zh"), "zh-Hans"))
                )
            self.classify(row, g, node)
            for code in cells.items(row.get("regions")):
                g.add((node, PG.operatesIn, self.region_ref(row, "regions", code)))
            for column, predicate in (("start_year", PG.startYear), ("target_year", PG.targetYear)):
                if row.get(column):
                    g.add((node, predicate, Literal(cells.year(row, column), datatype=XSD.gYear)))
            if row.get("coverage"):
                g.add((node, PG.coverageStatus, self.concept(row, "coverage", "coverage-status")))
            if row.get("established_by"):
                g.add((node, PG.establishedBy, self.document_ref(row, "established_by")))
            if row.get("administered_by"):
                g.add((node, PG.administeredBy, self.body_ref(row, "administered_by")))

    def map_claims(self, rows: list[Row]) -> None:
        for row in rows:
            slug = row.get("source")
            if slug not in self.sources:
                raise row.error("source", f"unknown source {slug!r}", "add it to sources.csv")
            n = cells.integer(row, "n", low=1, high=MAX_CLAIM_NUMBER)
            node = ns.claim(slug, n)
            self.claims.add(f"{slug}/{n}")
            g = self.provenance(row, node)
            g.add((node, RDF.type, PG.GapClaim))
            g.add((node, DCTERMS.identifier, Literal(f"{slug}/{n}")))
            g.add((node, PG.claimKind, self.concept(row, "kind", "claim-kind")))
            for about in self.claim_regions(row):
                g.add((node, PG.aboutRegion, about))
            self.classify(row, g, node)
            g.add((node, RDFS.comment, _lit(row.get("comment"))))
            g.add((node, PG.quote, _lit(row.get("quote"))))

    def claim_regions(self, row: Row) -> list[URIRef]:
        """Regions and named groups of regions; a group stays a group (its members are not
        thereby surveyed), and queries reach its members through ``skos:member``."""
        out: list[URIRef] = []
        for entry in cells.items(row.get("regions")):
            if entry.startswith("group:"):
                slug = entry.removeprefix("group:")
                cells.check_known(row, "regions", "group", slug, self.groups)
                out.append(ns.region_group(slug))
            else:
                out.append(self.region_ref(row, "regions", entry))
        return out

    def map_datasets(self, rows: list[Row]) -> None:
        cube.map_datasets(self, rows)

    def map_observations(self, rows: list[Row]) -> None:
        cube.map_observations(self, rows)

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

    def map_aliases(self, rows: list[Row]) -> None:
        for row in rows:
            node = self.subject(row, "subject")
            kind = row.get("kind") or "alt"
            if kind not in ("alt", "hidden"):
                raise row.error("kind", f"unknown alias kind {kind!r}", "use alt or hidden")
            predicate = SKOS.altLabel if kind == "alt" else SKOS.hiddenLabel
            self.graph_of(row).add(
                (node, predicate, _lit(row.get("label"), cells.language(row, "lang", "en")))
            )

    def map_notes(self, rows: list[Row]) -> None:
        for row in rows:
            node = self.subject(row, "subject")
            g = self.graph_of(row)
            g.add((node, PG.qualityNote, _lit(f"{row.get('note')} ({row.get('locator')})")))
            if row.get("conflicting_value"):
                g.add((node, PG.conflictingValue, Literal(row.get("conflicting_value"))))


def _check_acyclic(rows: list[Row], key: str, parent: str, kind: str) -> None:
    """Refuse a cycle of parents (a → b → a): every walk up a hierarchy must end at a root."""
    parents = {row.get(key): row for row in rows if row.get(parent)}
    done: set[str] = set()
    for row in rows:
        path: list[str] = []
        here = row.get(key)
        while here in parents and here not in done:
            if here in path:
                cycle = path[path.index(here) :]
                first = parents[min(cycle, key=lambda k: parents[k].line)]
                raise first.error(
                    parent,
                    f"the {kind} parents form a cycle: {' → '.join([*cycle, here])}",
                    "one of them must have a different parent (or none)",
                )
            path.append(here)
            here = parents[here].get(parent)
        done.update(path)


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
