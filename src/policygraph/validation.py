"""SHACL validation with pySHACL. Results are values: a report, never an exception on violations.

The graph is validated in units (a group of named graphs: the graphs the CSV tables make, one RDF
file, the ontology), and each unit's result is cached under a key that covers the shapes and the
ontology, the unit's own content (given by the caller as file hashes), and what the unit can see
of the other graphs: their types, levels, parents and schemes, and every triple of theirs about
one of the unit's subjects or pointing at one. A one-file edit re-validates the units whose key
changed and reuses the rest.

A unit is validated as its own triples plus the ontology plus the triples of other graphs that
touch a node of the unit, as subject or object (one hop). The shapes read at most one hop outside
a unit (a document's jurisdiction's type, a region's parent's level, the observations of a data
set); the cube's structure is in the ontology. Results are kept for the unit's own subjects only,
so none is reported twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.namespace import SH, SKOS
from rdflib.term import Node

from policygraph.namespaces import ONTOLOGY_GRAPH, PG, PREFIXES

__all__ = [
    "DirectoryCache",
    "Unit",
    "ValidationCache",
    "ValidationReport",
    "Violation",
    "validate",
]

#: Predicates whose values another graph's shapes may read about a node (sh:class, levels).
INTERFACE = (RDF.type, PG.level, SKOS.broader, SKOS.inScheme)


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, shown to users as ``focus  path: message``."""

    focus: str
    path: str
    message: str
    severity: str = "Violation"
    value: str = ""


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    #: Units validated afresh / taken from the cache (for the build summary).
    validated: int = 0
    reused: int = 0


@dataclass(frozen=True)
class Unit:
    """Named graphs validated together; ``key`` stands for their content (e.g. file hashes)."""

    graphs: tuple[URIRef, ...]
    key: str


class ValidationCache(Protocol):
    def get(self, key: str) -> list[Violation] | None: ...

    def put(self, key: str, results: list[Violation]) -> None: ...


class DirectoryCache:
    """One small JSON file per unit key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, key: str) -> list[Violation] | None:
        try:
            rows = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            return [Violation(**row) for row in rows]
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, results: list[Violation]) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            scratch = self.directory / f"{key}.json.tmp"
            scratch.write_text(json.dumps([asdict(v) for v in results]), encoding="utf-8")
            scratch.replace(self.directory / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written only costs time


def _digest(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _graph_digest(graph: Graph) -> str:
    return _digest(sorted(" ".join(t.n3() for t in triple) for triple in graph))


def _short(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - any IRI rdflib cannot shorten is shown whole
            return f"<{node}>"
    return str(node)


def _run(data: Graph, shapes: Graph, keep: set[Node]) -> list[Violation]:
    import pyshacl  # imported here: it costs 0.1 s at start-up, and only build/validate need it

    _conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        inplace=True,  # the data graph is our own scratch copy: pySHACL need not clone it again
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
    )
    assert isinstance(results, Graph)
    found: list[Violation] = []
    # Top-level results only: sh:detail nests results that would otherwise be listed twice.
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        if focus not in keep:
            continue
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        found.append(
            Violation(
                focus=_short(data, focus),
                path=_short(data, results.value(result, SH.resultPath)),
                message="; ".join(messages) or "constraint not met",
                severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                value=_short(data, results.value(result, SH.value)),
            )
        )
    return found


def _new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


class _Units:
    """The dataset cut into units, with what each unit can see of the others."""

    def __init__(self, dataset: Dataset, units: Sequence[Unit]) -> None:
        self.dataset = dataset
        self.units = units
        self.home = {g: unit for unit in units for g in unit.graphs}

    def triples(self, unit: Unit) -> Iterable[tuple[Node, Node, Node]]:
        for name in unit.graphs:
            yield from self.dataset.graph(name)

    def others(self, unit: Unit) -> list[Graph]:
        names = sorted(URIRef(g.identifier) for g in self.dataset.graphs())  # a stable key
        return [
            self.dataset.graph(name)
            for name in names
            if name not in unit.graphs and name != ONTOLOGY_GRAPH
        ]

    def key(self, unit: Unit, shapes_key: str) -> str:
        """Shapes, own content, and the parts of other graphs this unit's results depend on."""
        parts = [shapes_key, unit.key]
        own = [self.dataset.graph(g) for g in unit.graphs]
        for other in self.others(unit):
            owner = self.home.get(URIRef(other.identifier))
            if owner is not None and len(other) > 10_000:
                parts.append(f"{other.identifier} {owner.key}")  # large: its content key stands in
                continue
            seen = sorted(
                " ".join(t.n3() for t in (s, p, o))
                for s, p, o in other
                if p in INTERFACE or any((s, None, None) in g or (o, None, None) in g for g in own)
            )
            parts += [str(other.identifier), *seen]
        return _digest(parts)

    def data(self, unit: Unit) -> tuple[Graph, set[Node]]:
        data = _new_graph()
        nodes: set[Node] = set()
        subjects: set[Node] = set()
        for s, p, o in self.triples(unit):
            data.add((s, p, o))
            subjects.add(s)
            nodes.add(s)
            nodes.add(o)
        data += self.dataset.graph(ONTOLOGY_GRAPH)
        for other in self.others(unit):
            if len(other) > 4 * len(nodes):  # a large graph: look the unit's nodes up in it
                for node in nodes:
                    data += other.triples((node, None, None))
                    data += other.triples((None, None, node))
            else:
                data += ((s, p, o) for s, p, o in other if s in nodes or o in nodes)
        return data, subjects


def validate(
    dataset: Dataset,
    shapes: Graph,
    *,
    units: Sequence[Unit],
    cache: ValidationCache | None = None,
) -> ValidationReport:
    """Validate ``dataset`` (its ontology graph holds the ontology) against ``shapes``, unit by
    unit, reusing from ``cache`` the result of every unit whose key is unchanged."""
    shapes_key = _digest([_graph_digest(shapes), _graph_digest(dataset.graph(ONTOLOGY_GRAPH))])
    cut = _Units(dataset, units)
    results: list[Violation] = []
    validated = reused = 0
    for unit in units:
        key = cut.key(unit, shapes_key)
        found = cache.get(key) if cache is not None else None
        if found is None:
            data, subjects = cut.data(unit)
            found = _run(data, shapes, subjects)
            validated += 1
            if cache is not None:
                cache.put(key, found)
        else:
            reused += 1
        results += found
    return _report(results, validated=validated, reused=reused)


def _report(results: list[Violation], *, validated: int, reused: int) -> ValidationReport:
    violations = sorted({v for v in results if v.severity == "Violation"})
    warnings = sorted({v for v in results if v.severity == "Warning"})
    return ValidationReport(
        conforms=not violations,
        violations=violations,
        warnings=warnings,
        validated=validated,
        reused=reused,
    )
