"""The national division tables → regions: ``divisions.csv`` (every code in use) and
``division-history.csv`` (every code no longer in use, with its successors).

A region both the division list and ``regions.csv`` define is one region: the list states its
code, Chinese name, level, type and parent, ``regions.csv`` (a curated source) adds what it knows
better. Where the curated English name differs, the derived one is kept as ``skos:altLabel``;
codes, names, levels, types and parents must agree (one value each, checked by the shapes).

A former code becomes a ``pg:FormerRegion`` (``id/region/{code}/{first year}``) with the years it
was in use and ``dcterms:isReplacedBy`` its successors, so that a document or a statistic citing
it resolves to today's region (:meth:`TerritoryIndex.resolve`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from policygraph import namespaces as ns
from policygraph.namespaces import DCTERMS, PG, RDF, SKOS, XSD
from policygraph.national.history import CodeRecord, History, parse_successors
from policygraph.sources import cells
from policygraph.sources.csvtable import Row

if TYPE_CHECKING:
    from policygraph.mapping import GraphSink, Mapper

__all__ = ["TerritoryIndex", "finish_divisions", "map_division_history", "map_divisions"]


@dataclass
class TerritoryIndex:
    """What the division tables said, kept until every table is mapped."""

    rows: dict[str, Row] = field(default_factory=dict)  # code in use → its divisions.csv row
    english: list[tuple[GraphSink, URIRef, str, str]] = field(default_factory=list)
    parents: list[tuple[Row, GraphSink, URIRef]] = field(default_factory=list)
    successors: list[tuple[Row, GraphSink, URIRef, int]] = field(default_factory=list)
    history: History = field(default_factory=History)
    curated_english: dict[str, str] = field(default_factory=dict)  # code → regions.csv label_en

    def resolve(self, code: str, year: int | None) -> tuple[str | None, str, CodeRecord | None]:
        """(today's code, why not, the record cited) for a code named in ``year``."""
        found = self.history.resolve(code, year)
        return found.code, found.reason, found.record


def _gyear(text: str) -> Literal:
    return Literal(text, datatype=XSD.gYear)


def map_divisions(mapper: Mapper, rows: list[Row]) -> None:
    index = mapper.territory
    for row in rows:
        code = cells.code(row, "code")
        mapper.regions[code] = cells.concepts(row, "level", "level", mapper.vocab.known("level"))[0]
        index.rows[code] = row
    for row in rows:
        code = row.get("code")
        node = ns.region(code)
        g = mapper.provenance(row, node)
        g.add((node, RDF.type, PG.Region))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, ns.scheme("region")))
        g.add((node, SKOS.notation, Literal(code)))
        g.add((node, SKOS.prefLabel, Literal(row.get("label_zh"), lang="zh-Hans")))
        g.add((node, PG.level, mapper.concept(row, "level", "level")))
        g.add((node, PG.divisionType, mapper.concept(row, "division_type", "division-type")))
        if row.get("in_use_from"):
            g.add((node, PG.inUseFrom, _gyear(cells.year(row, "in_use_from"))))
        if row.get("parent"):
            index.parents.append((row, g, node))
        tg = mapper.graph_of(row, "titular_groups")
        for group in mapper.concepts(row, "titular_groups", "ethnic-group"):
            tg.add((node, PG.titularGroup, group))
        index.english.append((mapper.graph_of(row, "label_en"), node, code, row.get("label_en")))
        index.history.by_code.setdefault(code, []).append(
            CodeRecord(
                code,
                row.get("label_zh"),
                "",
                "in-use",
                int(row.get("in_use_from") or 0),
                None,
                (),
                row.line,
            )
        )


def map_division_history(mapper: Mapper, rows: list[Row]) -> None:
    index = mapper.territory
    for row in rows:
        code = cells.code(row, "code")
        start, end = int(cells.year(row, "in_use_from")), int(cells.year(row, "in_use_until"))
        if end < start:
            raise row.error("in_use_until", f"{end} is before {start}", "swap the two years")
        try:
            successors = parse_successors(row.get("successors"))
        except ValueError as exc:
            raise row.error(
                "successors", str(exc), "write codes separated by ;, each optionally with [YEAR]"
            ) from None
        level = cells.concepts(row, "level", "level", mapper.vocab.known("level"))[0]
        record = CodeRecord(code, row.get("label_zh"), level, "former", start, end, successors,
                            row.line)  # fmt: skip
        index.history.by_code.setdefault(code, []).append(record)
        node = ns.former_region(code, start)
        g = mapper.provenance(row, node)
        g.add((node, RDF.type, PG.FormerRegion))
        g.add((node, SKOS.notation, Literal(code)))
        g.add((node, SKOS.prefLabel, Literal(row.get("label_zh"), lang="zh-Hans")))
        g.add((node, PG.level, mapper.concept(row, "level", "level")))
        g.add((node, PG.inUseFrom, _gyear(str(start))))
        g.add((node, PG.inUseUntil, _gyear(str(end))))
        if successors:
            index.successors.append((row, g, node, end))


def _successor_node(index: TerritoryIndex, code: str, year: int) -> URIRef | None:
    record = index.history.successor(code, year)
    if record is None:
        return None
    return ns.region(code) if record.in_use else ns.former_region(code, record.start)


def finish_divisions(mapper: Mapper) -> None:
    """What needs every table: parents (CN comes from regions.csv), successors, and English
    names (a curated one from regions.csv wins)."""
    index = mapper.territory
    for row, g, node in index.parents:
        g.add((node, SKOS.broader, mapper.region_ref(row, "parent")))
    for row, g, node, end in index.successors:
        for code, year in parse_successors(row.get("successors")):
            target = _successor_node(index, code, year if year is not None else end)
            if target is None:
                raise row.error(
                    "successors", f"successor {code} is no code of the division tables",
                    "check the code against division-history.csv and divisions.csv",
                )  # fmt: skip
            g.add((node, DCTERMS.isReplacedBy, target))
    for g, node, code, label in index.english:
        curated = index.curated_english.get(code)
        if curated is None:
            g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
        elif curated != label:
            g.add((node, SKOS.altLabel, Literal(label, lang="en")))
