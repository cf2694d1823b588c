"""Counts by class, by source graph and by level: what is in the graph, at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from policygraph.namespaces import shorten
from policygraph.store.base import GraphStore

__all__ = ["Stats", "graph_stats"]

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


@dataclass(frozen=True)
class Stats:
    by_class: dict[str, int]
    by_graph: dict[str, int]
    by_level: dict[str, dict[str, int]]

    @property
    def quads(self) -> int:
        return sum(self.by_graph.values())


def _short(iri: object) -> str:
    text = shorten(iri)
    return text.removeprefix("id/level/")


def graph_stats(store: GraphStore) -> Stats:
    by_class = {_short(c): int(str(n)) for c, n in store.select(_BY_CLASS)}
    by_graph = {_short(g): int(str(n)) for g, n in store.select(_BY_GRAPH)}
    by_level: dict[str, dict[str, int]] = {}
    for cls, level, n in store.select(_BY_LEVEL):
        by_level.setdefault(_short(cls), {})[_short(level)] = int(str(n))
    return Stats(by_class, by_graph, by_level)
