"""``documents.csv``, ``document-links.csv``, ``programmes.csv`` and ``claims.csv`` → the
policy documents (with the dates they are in force from), the links between them, the
programmes, and the sources' gap claims."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from policygraph import namespaces as ns
from policygraph.mapping.terms import lit
from policygraph.namespaces import DCTERMS, ELI, PG, RDF, RDFS, SKOS, XSD
from policygraph.sources import cells
from policygraph.sources.csvtable import Row

if TYPE_CHECKING:
    from policygraph.mapping.mapper import Mapper

__all__ = [
    "MAX_CLAIM_NUMBER",
    "map_claims",
    "map_document_links",
    "map_documents",
    "map_programmes",
]

_YEAR_IN_NUMBER = "〔"
#: Claims are numbered within their source from 1.
MAX_CLAIM_NUMBER = 99_999


def map_documents(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        slug = cells.slug(row, "id")
        jurisdiction = cells.code(row, "jurisdiction")
        year = cells.year(row, "year") if row.get("year") else None
        mapper.documents[slug] = ns.document(jurisdiction, year, slug)
    for row in rows:
        _map_document(mapper, row)


def _map_document(mapper: Mapper, row: Row) -> None:
    node = mapper.documents[row.get("id")]
    g = mapper.provenance(row, node)
    g.add((node, RDF.type, PG.PolicyDocument))
    if not (row.get("title_en") or row.get("title_zh")):
        raise row.error("title_en", "a document needs a title", "fill title_en or title_zh")
    if row.get("title_en"):
        g.add((node, DCTERMS.title, lit(row.get("title_en"))))
    if row.get("title_zh"):
        mapper.graph_of(row, "title_zh").add(
            (node, DCTERMS.title, lit(row.get("title_zh"), "zh-Hans"))
        )
    jurisdiction = mapper.region_ref(
        row, "jurisdiction", subject=node, year=row.get("year") or None
    )
    jg = mapper.graph_of(row, "jurisdiction")
    jg.add((node, ELI.jurisdiction, jurisdiction))
    code = str(jurisdiction).rsplit("/", 1)[1]
    jg.add((node, PG.level, ns.concept("level", mapper.regions[code])))
    year = row.get("year")
    if year:
        mapper.graph_of(row, "year").add((node, PG.year, Literal(year, datatype=XSD.gYear)))
    if row.get("date"):
        date = cells.date(row, "date")
        if year and not date.startswith(year):
            raise row.error(
                "date", f"date {date} is not in year {year}", "fix the year or the date"
            )
        mapper.graph_of(row, "date").add(
            (node, ELI.date_document, Literal(date, datatype=XSD.date))
        )
    # In force from when a source says (in_force), else from its date or year: the
    # assumption DESIGN §7 names, where no source gives an entry into force.
    if row.get("in_force"):
        when, kind = cells.partial_date(row, "in_force")
        if year and when[:4] < year:
            raise row.error("in_force", f"in force {when}, before its year {year}", "fix either")
        mapper.graph_of(row, "in_force").add(
            (node, ELI.first_date_entry_in_force, Literal(when, datatype=XSD[kind]))
        )
    elif row.get("date"):
        mapper.graph_of(row, "date").add(
            (node, ELI.first_date_entry_in_force, Literal(row.get("date"), datatype=XSD.date))
        )
    elif year:
        mapper.graph_of(row, "year").add(
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
        mapper.graph_of(row, "number").add((node, ELI.id_local, Literal(number)))
    if row.get("number_raw"):
        g.add((node, SKOS.hiddenLabel, Literal(row.get("number_raw"))))
    bg = mapper.graph_of(row, "bodies")
    for slug in cells.items(row.get("bodies")):
        bg.add((node, ELI.passed_by, mapper.body_ref(row, "bodies", slug)))
    mapper.classify(row, g, node)
    tg = mapper.graph_of(row, "doc_types")
    for form in mapper.concepts(row, "doc_types", "document-type"):
        tg.add((node, ELI.type_document, form))
    mapper.graph_of(row, "specificity").add(
        (node, PG.specificity, mapper.concept(row, "specificity", "specificity"))
    )
    if row.get("url"):
        g.add((node, RDFS.seeAlso, URIRef(cells.url(row, "url"))))
    rg = mapper.graph_of(row, "rules")
    for rule in cells.items(row.get("rules")):
        rg.add((node, PG.inferredBy, Literal(rule)))


def map_document_links(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        subject = mapper.document_ref(row, "document")
        relation = row.get("relation")
        target: URIRef
        if relation == "implements":
            predicate, target = ELI.ensures_implementation_of, mapper.document_ref(row, "target")
        elif relation == "relevant-for":
            predicate, target = ELI.relevant_for, mapper.region_ref(row, "target")
        else:
            raise row.error(
                "relation", f"unknown relation {relation!r}", "use implements or relevant-for"
            )
        if target == subject:
            raise row.error("target", "a document cannot link to itself", "fix the target")
        mapper.graph_of(row).add((subject, predicate, target))
        mapper.statement(row, subject, predicate, target)


def map_programmes(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        slug = cells.slug(row, "id")
        mapper.programmes.add(slug)
        node = ns.programme(slug)
        g = mapper.provenance(row, node)
        g.add((node, RDF.type, PG.Programme))
        g.add((node, SKOS.prefLabel, lit(row.get("label_en"))))
        if row.get("label_zh"):
            mapper.graph_of(row, "label_zh").add(
                (node, SKOS.prefLabel, lit(row.get("label_zh"), "zh-Hans"))
            )
        mapper.classify(row, g, node)
        for code in cells.items(row.get("regions")):
            g.add((node, PG.operatesIn, mapper.region_ref(row, "regions", code)))
        for column, predicate in (("start_year", PG.startYear), ("target_year", PG.targetYear)):
            if row.get(column):
                g.add((node, predicate, Literal(cells.year(row, column), datatype=XSD.gYear)))
        if row.get("coverage"):
            g.add((node, PG.coverageStatus, mapper.concept(row, "coverage", "coverage-status")))
        if row.get("established_by"):
            g.add((node, PG.establishedBy, mapper.document_ref(row, "established_by")))
        if row.get("administered_by"):
            g.add((node, PG.administeredBy, mapper.body_ref(row, "administered_by")))


def map_claims(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        slug = row.get("source")
        if slug not in mapper.sources:
            raise row.error("source", f"unknown source {slug!r}", "add it to sources.csv")
        n = cells.integer(row, "n", low=1, high=MAX_CLAIM_NUMBER)
        node = ns.claim(slug, n)
        mapper.claims.add(f"{slug}/{n}")
        g = mapper.provenance(row, node)
        g.add((node, RDF.type, PG.GapClaim))
        g.add((node, DCTERMS.identifier, Literal(f"{slug}/{n}")))
        g.add((node, PG.claimKind, mapper.concept(row, "kind", "claim-kind")))
        for about in _claim_regions(mapper, row):
            g.add((node, PG.aboutRegion, about))
        mapper.classify(row, g, node)
        g.add((node, RDFS.comment, lit(row.get("comment"))))
        g.add((node, PG.quote, lit(row.get("quote"))))


def _claim_regions(mapper: Mapper, row: Row) -> list[URIRef]:
    """Regions and named groups of regions; a group stays a group (its members are not
    thereby surveyed), and queries reach its members through ``skos:member``."""
    out: list[URIRef] = []
    for entry in cells.items(row.get("regions")):
        if entry.startswith("group:"):
            slug = entry.removeprefix("group:")
            cells.check_known(row, "regions", "group", slug, mapper.groups)
            out.append(ns.region_group(slug))
        else:
            out.append(mapper.region_ref(row, "regions", entry))
    return out
