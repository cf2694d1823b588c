"""Serialise the whole store: Turtle and N-Triples hold the union, TriG and JSON-LD the graphs.

Output is deterministic: the same data gives byte-identical files (quads are sorted first).
"""

from __future__ import annotations

from rdflib import Dataset, Graph

from policygraph.errors import PolicyGraphError
from policygraph.namespaces import PREFIXES
from policygraph.store.base import GraphStore

__all__ = ["FORMATS", "export"]

FORMATS = ("ttl", "trig", "nt", "jsonld")


def _sorted_quads(store: GraphStore) -> list[tuple[object, ...]]:
    return sorted(store.quads(), key=lambda q: tuple(t.n3() for t in q))  # type: ignore[attr-defined]


def export(store: GraphStore, fmt: str) -> str:
    if fmt not in FORMATS:
        raise PolicyGraphError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    quads = _sorted_quads(store)
    if fmt == "nt":
        lines = sorted({f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o, _ in quads})  # type: ignore[attr-defined]
        return "".join(lines)
    if fmt == "ttl":
        graph = Graph()
        _bind(graph)
        for s, p, o, _ in quads:
            graph.add((s, p, o))  # type: ignore[arg-type]
        return graph.serialize(format="turtle")
    dataset = Dataset()
    _bind(dataset)
    for s, p, o, g in quads:
        dataset.graph(g).add((s, p, o))  # type: ignore[arg-type]
    if fmt == "trig":
        return dataset.serialize(format="trig")
    return dataset.serialize(format="json-ld", sort_keys=True, indent=2)


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
