"""What is said about the data rather than about policy: ``sources.csv`` → the sources every
node cites, with their confidence; ``aliases.csv`` and ``notes.csv`` → the other names and the
quality notes of any node (``kind:id``)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import Literal, URIRef

from policygraph import namespaces as ns
from policygraph.mapping.terms import lit
from policygraph.namespaces import DCTERMS, PG, PROV, RDF, SKOS, XSD
from policygraph.sources import cells
from policygraph.sources.csvtable import Row

if TYPE_CHECKING:
    from policygraph.mapping.mapper import Mapper

__all__ = ["map_aliases", "map_notes", "map_sources"]


def map_sources(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        slug = cells.slug(row, "id")
        mapper.sources[slug] = ns.concept("confidence", row.get("confidence"))
        cells.concepts(row, "confidence", "confidence", mapper.vocab.known("confidence"))
    for row in rows:
        slug = row.get("id")
        node, g = ns.source(slug), mapper.ds.graph(ns.graph(slug))
        for cls in (PG.Source, PROV.Entity, DCTERMS.BibliographicResource):
            g.add((node, RDF.type, cls))
        g.add((node, DCTERMS.title, lit(row.get("title"))))
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
            g.add((node, DCTERMS.description, lit(row.get("description"))))
        g.add((node, PG.confidence, mapper.sources[slug]))
        g.add((ns.graph(slug), PROV.wasDerivedFrom, node))


def map_aliases(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        node = mapper.subject(row, "subject")
        kind = row.get("kind") or "alt"
        if kind not in ("alt", "hidden"):
            raise row.error("kind", f"unknown alias kind {kind!r}", "use alt or hidden")
        predicate = SKOS.altLabel if kind == "alt" else SKOS.hiddenLabel
        mapper.graph_of(row).add(
            (node, predicate, lit(row.get("label"), cells.language(row, "lang", "en")))
        )


def map_notes(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        node = mapper.subject(row, "subject")
        g = mapper.graph_of(row)
        g.add((node, PG.qualityNote, lit(f"{row.get('note')} ({row.get('locator')})")))
        if row.get("conflicting_value"):
            g.add((node, PG.conflictingValue, Literal(row.get("conflicting_value"))))
