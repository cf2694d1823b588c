"""What the mapping writes: a :class:`GraphSink` of Oxigraph quads per named graph, gathered in
:class:`Mapped`."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from policygraph.sources.rdffile import to_oxigraph

__all__ = ["GraphSink", "Mapped"]


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
