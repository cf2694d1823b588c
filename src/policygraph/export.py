"""Serialise the whole store: Turtle and N-Triples hold the union, TriG, N-Quads and JSON-LD the
graphs. Every format is written by a library's serialiser (rdflib's; Oxigraph's for TriG), never
by hand, so that whatever a literal holds (a newline, a quote, a backslash) the output parses.

Output is deterministic: the same data gives byte-identical files, whatever the process (quads
are sorted first, the line-based formats sorted by line, TriG written by Oxigraph in that order,
JSON-LD's unordered arrays sorted). JSON-LD is compacted with policygraph's prefixes as its
``@context``.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph

from policygraph.errors import PolicyGraphError
from policygraph.namespaces import PREFIXES
from policygraph.sources.rdffile import oxigraph_converter
from policygraph.store.base import GraphStore

__all__ = ["FORMATS", "export", "serialize_graph"]

FORMATS = ("ttl", "trig", "nt", "nq", "jsonld")


def _sorted_quads(store: GraphStore) -> list[tuple[object, ...]]:
    return sorted(store.quads(), key=lambda q: tuple(t.n3() for t in q))  # type: ignore[attr-defined]


def _sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "".join(f"{line}\n" for line in lines)


def serialize_graph(graph: Graph, fmt: str) -> str:
    """One graph in an rdflib format (``turtle``, ``nt``, ``xml``, ``json-ld``); N-Triples sorted
    by line and JSON-LD compacted with the project's prefixes."""
    if fmt == "nt":
        return _sorted_lines(graph.serialize(format="nt", encoding="utf-8").decode("utf-8"))
    if fmt == "json-ld":
        return _jsonld(graph)
    return graph.serialize(format=fmt)


def _jsonld(graph: Graph) -> str:
    """Compacted with the project's prefixes; its arrays (unordered in JSON-LD, except lists)
    sorted, since rdflib writes nodes and graphs in set order, which changes between processes."""
    text = graph.serialize(format="json-ld", context=dict(PREFIXES), sort_keys=True)
    return json.dumps(_ordered(json.loads(text)), sort_keys=True, indent=2, ensure_ascii=False)


def _ordered(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _ordered(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_ordered(v) for v in value]
        return (
            items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        )
    return value


def export(store: GraphStore, fmt: str) -> str:
    if fmt not in FORMATS:
        raise PolicyGraphError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    quads = _sorted_quads(store)
    if fmt in ("ttl", "nt"):
        graph = Graph()
        _bind(graph)
        for s, p, o, _ in quads:
            graph.add((s, p, o))  # type: ignore[arg-type]
        return serialize_graph(graph, "turtle" if fmt == "ttl" else "nt")
    dataset = Dataset()
    _bind(dataset)
    for s, p, o, g in quads:
        dataset.graph(g).add((s, p, o))  # type: ignore[arg-type]
    if fmt == "trig":
        # Oxigraph's serialiser writes the graphs in the order of the (sorted) quads; rdflib's
        # writes them in set order, which changes from one process to the next.
        term = oxigraph_converter()
        rows = (ox.Quad(*map(term, quad)) for quad in quads)  # type: ignore[arg-type]
        data = ox.serialize(rows, format=ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))
        return (data or b"").decode("utf-8")
    if fmt == "nq":
        return _sorted_lines(dataset.serialize(format="nquads", encoding="utf-8").decode("utf-8"))
    return _jsonld(dataset)


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
