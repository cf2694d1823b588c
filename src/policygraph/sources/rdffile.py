"""Read one RDF data file (Turtle, TriG, N-Triples) into graphs, with errors at file:line:column.

Oxigraph's parser reads the file: it is about ten times faster than rdflib's (a 330,000-triple
Turtle file: 1.4 s against 14 s, benchmarks/README.md) and reports line and column itself. The
quads stay Oxigraph's: the build holds its dataset in an Oxigraph store, and a national file
never passes through rdflib. Blank nodes get labels derived from the file's content, so two
builds give byte-identical output.

Also here: converting terms between rdflib and Oxigraph, and :class:`StoreView`, rdflib's
reading methods over an Oxigraph store, for the build steps written against rdflib's API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from policygraph.datafiles import decode_utf8, read_bounded
from policygraph.errors import SourceError
from policygraph.namespaces import bcp47_case
from policygraph.sources import RDF_FORMATS

__all__ = ["RDF_FORMATS", "RdfGraph", "StoreView", "load_rdf", "read_rdf"]


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class RdfGraph:
    """The quads of one graph of a data file, as Oxigraph's terms."""

    name: str
    quads: list[ox.Quad]


def to_rdflib(term: object) -> Node:
    """One Oxigraph term as rdflib's (simple literals stay simple, as rdflib writes them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=bcp47_case(term.language))
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def rdflib_converter() -> Callable[[object], Node]:
    """:func:`to_rdflib` with a cache of its own: query results and store copies repeat the same
    few thousand terms on every row."""
    cache: dict[object, Node] = {}

    def term(value: object) -> Node:
        found = cache.get(value)
        if found is None:
            found = cache[value] = to_rdflib(value)
        return found

    return term


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as Oxigraph's."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")


def oxigraph_converter() -> Callable[[Node], ox.NamedNode | ox.BlankNode | ox.Literal]:
    """:func:`to_oxigraph` with a cache of its own (the same few thousand IRIs recur on every
    quad)."""
    cache: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = cache.get(node)
        if found is None:
            found = cache[node] = to_oxigraph(node)
        return found

    return term


def oxigraph_quads(
    source: Dataset | Iterable[tuple[Node, Node, Node]], graph: URIRef | None = None
) -> list[ox.Quad]:
    """The quads of a Dataset's named graphs, or triples put in ``graph``, as Oxigraph quads; each
    distinct term converted once."""
    term = oxigraph_converter()
    if isinstance(source, Dataset):
        return [
            ox.Quad(term(s), term(p), term(o), term(g))  # type: ignore[arg-type]
            for s, p, o, g in source.quads((None, None, None, None))
            if isinstance(g, URIRef)
        ]
    assert graph is not None
    name = ox.NamedNode(str(graph))
    return [ox.Quad(term(s), term(p), term(o), name) for s, p, o in source]  # type: ignore[arg-type]


class StoreView:
    """rdflib's reading methods (``subjects``, ``objects``, ``subject_objects``, ``in``) over
    the union of an Oxigraph store's graphs, each answer once, with rdflib's terms."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._rdflib = rdflib_converter()
        self._ox = oxigraph_converter()
        #: Every predicate asked for ("*": a pattern without one): what the answers depend on
        #: (see :func:`predicate_key`).
        self.read: set[str] = set()

    def _term(self, node: Node | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        return None if node is None else self._ox(node)

    def _quads(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[ox.Quad]:
        self.read.add("*" if p is None else str(p))
        return self.store.quads_for_pattern(self._term(s), self._term(p), self._term(o), None)  # type: ignore[arg-type]

    def subjects(self, predicate: Node, obj: Node) -> Iterator[Node]:
        seen: set[object] = set()
        for quad in self._quads(None, predicate, obj):
            if quad.subject not in seen:
                seen.add(quad.subject)
                yield self._rdflib(quad.subject)

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        seen: set[object] = set()
        for quad in self._quads(subject, predicate, None):
            if quad.object not in seen:
                seen.add(quad.object)
                yield self._rdflib(quad.object)

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        seen: set[tuple[object, object]] = set()
        convert = self._rdflib
        for quad in self._quads(None, predicate, None):
            pair = (quad.subject, quad.object)
            if pair not in seen:
                seen.add(pair)
                yield convert(pair[0]), convert(pair[1])

    def values(self, predicate: Node, language: str | None = None) -> dict[URIRef, str]:
        """Each IRI subject's (first) value of ``predicate`` as a string (a literal's lexical
        form, an IRI's text), only literals in ``language`` if given: no rdflib literal is made."""
        found: dict[URIRef, str] = {}
        for quad in self._quads(None, predicate, None):
            subject, obj = quad.subject, quad.object
            if not isinstance(subject, ox.NamedNode) or isinstance(obj, ox.Triple):
                continue
            if language is not None and getattr(obj, "language", None) != language:
                continue
            found.setdefault(URIRef(subject.value), obj.value)
        return found

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        return next(iter(self._quads(*triple)), None) is not None


def predicate_key(
    store: ox.Store, predicates: Iterable[str], salt: str = "", graph: str | None = None
) -> str:
    """A hash of every quad of ``store`` (of its named graph ``graph``) whose predicate is one of
    ``predicates`` ("*": all): equal for two stores whose answers to a :class:`StoreView` that
    read only those agree.

    Oxigraph serialises them; the lines are sorted, since the order in which an in-memory store
    lists quads differs from one process to the next (blank nodes are labelled from content,
    see :func:`read_rdf`). M scale, 400,000 quads: 0.6 s."""
    digest = hashlib.sha256(salt.encode())
    wanted = sorted(set(predicates))
    patterns = [None] if "*" in wanted else [ox.NamedNode(p) for p in wanted]
    name = ox.NamedNode(graph) if graph is not None else None
    for predicate in patterns:
        quads = store.quads_for_pattern(None, predicate, None, name)
        lines = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").split(b"\n")
        lines.sort()
        digest.update(b"\0".join([str(predicate).encode(), *lines]))
    return digest.hexdigest()


def read_rdf(path: Path, default_graph: str, data: bytes | None = None) -> list[RdfGraph]:
    """Parse ``path`` (its bytes ``data`` if already read) into Oxigraph quads, graphs in the
    order they first occur; the file's default graph is named ``default_graph``."""
    fmt, ox_format = RDF_FORMATS[path.suffix]
    data = _read_bytes(path) if data is None else data
    salt = hashlib.sha256(data).hexdigest()[:12]
    default = ox.NamedNode(default_graph)
    graphs: dict[str, list[ox.Quad]] = {}
    blanks: dict[ox.BlankNode, ox.BlankNode] = {}

    def blank(node: ox.BlankNode) -> ox.BlankNode:
        # Parser-chosen blank node ids change from run to run; content-derived ones do not.
        found = blanks.get(node)
        if found is None:
            found = blanks[node] = ox.BlankNode(f"b{salt}x{len(blanks)}")
        return found

    try:
        for quad in ox.parse(data, format=ox_format, base_iri=path.as_uri()):
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                graph = default
            subject, obj = quad.subject, quad.object
            if isinstance(subject, ox.BlankNode):
                subject = blank(subject)
            if isinstance(obj, ox.BlankNode):
                obj = blank(obj)
            target = graphs.get(graph.value)
            if target is None:
                target = graphs[graph.value] = []
            target.append(ox.Quad(subject, quad.predicate, obj, graph))
    except (SyntaxError, ValueError) as exc:
        raise _bad_syntax(path, fmt, exc) from None
    return [RdfGraph(name, quads) for name, quads in graphs.items() if quads]


def _bad_syntax(path: Path, fmt: str, exc: SyntaxError | ValueError) -> SourceError:
    """Oxigraph's parse error at its line and column (a ``ValueError`` has none: line 1)."""
    if isinstance(exc, SyntaxError):
        message, line, column = str(exc.msg), exc.lineno, exc.offset
    else:
        message, line, column = str(exc), None, None
    reason = message.partition(": ")[2] or message
    reason = " ".join(reason.split())[:200]
    return SourceError(
        path,
        f"bad {fmt} syntax ({reason})",
        line=line or 1,
        column=column or 1,
        fix="fix the syntax",
    )


def _read_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file within the size bound, in UTF-8 (checked here, so that
    an encoding error is reported at its line and column rather than as a parse error)."""
    data = read_bounded(path)
    decode_utf8(path, data)
    return data


def load_rdf(path: Path, default_graph: str, store: ox.Store) -> list[str]:
    """Add the graphs of ``path`` to ``store`` (its default graph as ``default_graph``); their
    names, in the order they first occur.

    A Turtle or N-Triples file without blank nodes is loaded by Oxigraph itself, no quad passing
    through Python (a national file: 2.0 s against 4.1 s); one with blank nodes, or a TriG file,
    is read by :func:`read_rdf`, which gives its blank nodes labels derived from the content.
    """
    fmt, ox_format = RDF_FORMATS[path.suffix]
    name = ox.NamedNode(default_graph)
    data = _read_bytes(path)
    if ox_format != ox.RdfFormat.TRIG and not store.contains_named_graph(name):
        try:
            store.load(data, format=ox_format, base_iri=path.as_uri(), to_graph=name)
        except (SyntaxError, ValueError) as exc:
            raise _bad_syntax(path, fmt, exc) from None
        blank = (
            f"ASK {{ GRAPH <{default_graph}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}"
        )
        if not store.query(blank):
            return [default_graph] if store.contains_named_graph(name) else []
        store.remove_graph(name)
    graphs = read_rdf(path, default_graph, data)
    for graph in graphs:
        store.bulk_extend(graph.quads)
    return [graph.name for graph in graphs]
