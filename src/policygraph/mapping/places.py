"""``regions.csv``, ``region-groups.csv`` and ``bodies.csv`` → the curated regions, the named
groups of them, and the issuing bodies; neither regions nor bodies may have a cycle of parents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal

from policygraph import namespaces as ns
from policygraph.mapping.terms import lit
from policygraph.namespaces import DCTERMS, ORG, PG, RDF, SKOS
from policygraph.sources import cells
from policygraph.sources.csvtable import Row

if TYPE_CHECKING:
    from policygraph.mapping.mapper import Mapper

__all__ = ["map_bodies", "map_region_groups", "map_regions"]


def map_regions(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        code = cells.code(row, "code")
        mapper.regions[code] = cells.concepts(row, "level", "level", mapper.vocab.known("level"))[0]
    for row in rows:
        node = ns.region(row.get("code"))
        mapper.territory.curated_english[row.get("code")] = row.get("label_en")
        g = mapper.provenance(row, node)
        g.add((node, RDF.type, PG.Region))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, ns.scheme("region")))
        g.add((node, SKOS.notation, Literal(row.get("code"))))
        g.add((node, SKOS.prefLabel, lit(row.get("label_en"))))
        mapper.graph_of(row, "label_zh").add(
            (node, SKOS.prefLabel, lit(row.get("label_zh"), "zh-Hans"))
        )
        g.add((node, PG.level, mapper.concept(row, "level", "level")))
        g.add((node, PG.divisionType, mapper.concept(row, "division_type", "division-type")))
        if row.get("parent"):
            parent = mapper.region_ref(row, "parent")
            if parent == node:
                raise row.error("parent", "a region cannot be its own parent", "fix the code")
            mapper.graph_of(row, "parent").add((node, SKOS.broader, parent))
        groups = mapper.concepts(row, "titular_groups", "ethnic-group")
        tg = mapper.graph_of(row, "titular_groups")
        for group in groups:
            tg.add((node, PG.titularGroup, group))
        mg = mapper.graph_of(row, "main_minorities")
        for group in mapper.concepts(row, "main_minorities", "ethnic-group"):
            mg.add((node, PG.mainMinority, group))
    _check_acyclic(rows, "code", "parent", "region")


def map_region_groups(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        slug = cells.slug(row, "group")
        node = ns.region_group(slug)
        member = mapper.region_ref(row, "member")
        mapper.groups.setdefault(slug, []).append(row.get("member"))
        g = mapper.provenance(row, node, locator=False)
        g.add((node, RDF.type, PG.RegionGroup))
        g.add((node, RDF.type, SKOS.Collection))
        g.add((node, SKOS.prefLabel, lit(row.get("label_en"))))
        if row.get("label_zh"):
            g.add((node, SKOS.prefLabel, lit(row.get("label_zh"), "zh-Hans")))
        g.add((node, SKOS.member, member))
        g.add((node, PG.locator, Literal(row.get("locator"))))


def map_bodies(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        mapper.bodies.add(cells.slug(row, "id"))
    for row in rows:
        node = ns.body(row.get("id"))
        g = mapper.provenance(row, node)
        kind = row.get("kind") or "government"
        if kind not in ("government", "party", "insurer"):
            raise row.error("kind", f"unknown kind {kind!r}", "use government, party or insurer")
        if kind != "insurer":
            g.add((node, RDF.type, PG.IssuingBody))
        g.add((node, RDF.type, ORG.FormalOrganization))
        g.add((node, SKOS.prefLabel, lit(row.get("label_en"))))
        if row.get("label_zh"):
            mapper.graph_of(row, "label_zh").add(
                (node, SKOS.prefLabel, lit(row.get("label_zh"), "zh-Hans"))
            )
        if row.get("parent"):
            parent = mapper.body_ref(row, "parent")
            mapper.graph_of(row, "parent").add((node, ORG.subOrganizationOf, parent))
        g.add((node, DCTERMS.spatial, mapper.region_ref(row, "region")))
        g.add((node, PG.level, mapper.concept(row, "level", "level")))
    _check_acyclic(rows, "id", "parent", "body")


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
