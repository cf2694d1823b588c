"""Counts by class, by source graph and by level: what is in the graph, at a glance."""

from __future__ import annotations

from dataclasses import dataclass, field

from policygraph.namespaces import shorten
from policygraph.store.base import GraphStore

__all__ = ["Autonomy", "Stats", "graph_stats"]

_BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY ?class
"""
_BY_GRAPH = """
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?g ORDER BY ?g
"""
_BY_LEVEL = """
PREFIX pg: <https://w3id.org/policygraph/def#>
SELECT ?class ?level (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { pg:Region pg:PolicyDocument pg:IssuingBody }
  ?s a ?class ; pg:level ?level .
}
GROUP BY ?class ?level ORDER BY ?class ?level
"""
_IN_USE = """
PREFIX pg: <https://w3id.org/policygraph/def#>
SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?r a pg:Region ; pg:level ?level .
  FILTER(?level != <https://w3id.org/policygraph/id/level/national>)
}
"""
# Every autonomous unit (its type a member of the ontology's ethnic-autonomous collection, as
# gaptable.AUTONOMOUS), whether its titular groups are known, and if not, whether a note says
# why (龙胜各族自治县 names none). DISTINCT first: a region stated by two sources is one unit.
_AUTONOMOUS = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?type (COUNT(?r) AS ?n) (SUM(?grouped) AS ?with_group) (SUM(?noted) AS ?with_note)
WHERE {
  { SELECT DISTINCT ?r ?type WHERE {
      <https://w3id.org/policygraph/id/division-type/ethnic-autonomous> skos:member ?type .
      ?r pg:divisionType ?type ; a pg:Region .
  } }
  BIND(IF(EXISTS { ?r pg:titularGroup ?group }, 1, 0) AS ?grouped)
  BIND(IF(?grouped = 0 && EXISTS { ?r pg:qualityNote ?note }, 1, 0) AS ?noted)
}
GROUP BY ?type ORDER BY DESC(?n)
"""


@dataclass(frozen=True)
class Autonomy:
    """The autonomous units of one division type and how their titular groups are known."""

    units: int
    with_group: int
    #: Units without a titular group whose region carries a quality note (saying why).
    with_note: int

    @property
    def unexplained(self) -> int:
        return self.units - self.with_group - self.with_note


@dataclass(frozen=True)
class Stats:
    by_class: dict[str, int]
    by_graph: dict[str, int]
    by_level: dict[str, dict[str, int]]
    #: Regions below the nation (China itself is a region of the graph, not a division).
    regions_in_use: int = 0
    autonomous: dict[str, Autonomy] = field(default_factory=dict)

    @property
    def former_regions(self) -> int:
        return self.by_class.get("pg:FormerRegion", 0)

    @property
    def quads(self) -> int:
        return sum(self.by_graph.values())


def _short(iri: object) -> str:
    text = shorten(iri)
    return text.removeprefix("id/level/").removeprefix("id/division-type/")


def graph_stats(store: GraphStore) -> Stats:
    by_class = {_short(c): int(str(n)) for c, n in store.select(_BY_CLASS)}
    by_graph = {_short(g): int(str(n)) for g, n in store.select(_BY_GRAPH)}
    by_level: dict[str, dict[str, int]] = {}
    for cls, level, n in store.select(_BY_LEVEL):
        by_level.setdefault(_short(cls), {})[_short(level)] = int(str(n))
    (in_use,) = next(iter(store.select(_IN_USE)))
    autonomous = {
        _short(kind): Autonomy(int(str(n)), int(str(grouped)), int(str(noted)))
        for kind, n, grouped, noted in store.select(_AUTONOMOUS)
    }
    return Stats(by_class, by_graph, by_level, int(str(in_use)), autonomous)
