"""SHACL validation. Results are values: a report, never an exception on violations.

The shapes are compiled to SPARQL and answered by Oxigraph over the whole dataset
(:mod:`policygraph.shacl`); pySHACL, the reference implementation, is what the tests compare it
with. The graph is validated in units (a group of named graphs: the graphs the CSV tables make,
one RDF file, the ontology), and each unit's result is cached under a key that covers the shapes
and the ontology, the unit's own content (given by the caller as file hashes), and what the unit
can see of the other graphs: their types, levels, parents and schemes, and every triple of theirs
about one of the unit's subjects or pointing at one. A one-file edit re-validates the units whose
key changed and reuses the rest.

When some units changed, the checks run for the focus nodes that are subjects in those units'
graphs only, against the whole dataset; a result belongs to the units its focus node is a subject
of (so none is reported twice, and a unit's cached results stay its own).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from policygraph.datafiles import write_atomic
from policygraph.namespaces import ONTOLOGY_GRAPH, PG, PREFIXES
from policygraph.shacl import Check, compile_shapes, run_check
from policygraph.sources.rdffile import to_rdflib

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal

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
#: The changed units' subjects are checked alone when their graphs hold at most 1/30 of the
#: triples: each subject is tested against every check's targets, about 1.5 ms a subject
#: against 0.07 ms a node when all are checked at once (bundled data with the national
#: backbone: 1.4 s for the 126 subjects of graph/s0, 6.4 s for the 3,216 of
#: graph/areacodes-2024, 1.9 s for every node).
WITHIN_SHARE = 30


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, shown to users as ``focus  path: message``."""

    focus: str
    path: str
    message: str
    severity: str = "Violation"
    value: str = ""
    #: The CSV row that made the focus node (``file:line``), when a table made it.
    where: str = ""


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
            text = json.dumps([asdict(v) for v in results])
            write_atomic(self.directory / f"{key}.json", text)
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


def _has_subject(store: ox.Store, node: OxTerm, graph: ox.NamedNode) -> bool:
    if isinstance(node, ox.Literal):
        return False
    return next(iter(store.quads_for_pattern(node, None, None, graph)), None) is not None


def _run(
    store: ox.Store, checks: Sequence[Check], within: Sequence[str]
) -> list[tuple[OxTerm, Violation]]:
    """Each result with its focus node (to tell which unit it belongs to)."""
    names = _new_graph()
    found: list[tuple[OxTerm, Violation]] = []
    for check in checks:
        for result in run_check(store, check, within):
            found.append(
                (
                    result.focus,
                    Violation(
                        focus=_short(names, to_rdflib(result.focus)),
                        path=_short(names, result.path),
                        message=result.message,
                        severity=result.severity,
                        value=_short(names, to_rdflib(result.value) if result.value else None),
                    ),
                )
            )
    return found


def _origin(names: Graph, focus: str, origins: Mapping[str, str]) -> str:
    """The CSV row (``file:line``) that made the node a result names as ``focus``, if any."""
    if focus.startswith("<") and focus.endswith(">"):
        return origins.get(focus[1:-1], "")
    try:
        return origins.get(str(names.namespace_manager.expand_curie(focus)), "")
    except ValueError:  # not a prefixed name: a blank node or a literal, which no row made
        return ""


def _new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


class _Units:
    """The dataset cut into units, with what each unit can see of the others."""

    def __init__(self, store: ox.Store, sizes: dict[URIRef, int], units: Sequence[Unit]) -> None:
        self.store = store
        self.sizes = sizes
        self.units = units
        self.home = {g: unit for unit in units for g in unit.graphs}

    def others(self, unit: Unit) -> list[URIRef]:
        return [
            name
            for name in sorted(self.sizes)  # a stable key
            if name not in unit.graphs and name != ONTOLOGY_GRAPH
        ]

    def key(self, unit: Unit, shapes_key: str) -> str:
        """Shapes, own content, and the parts of other graphs this unit's results depend on."""
        parts = [shapes_key, unit.key]
        own = [ox.NamedNode(str(g)) for g in unit.graphs]
        interface = {ox.NamedNode(str(p)) for p in INTERFACE}

        def mine(node: object) -> bool:
            return isinstance(node, ox.NamedNode | ox.BlankNode) and any(
                _has_subject(self.store, node, graph) for graph in own
            )

        for other in self.others(unit):
            owner = self.home.get(other)
            if owner is not None and self.sizes[other] > 10_000:
                parts.append(f"{other} {owner.key}")  # large: its content key stands in
                continue
            seen = sorted(
                f"{q.subject} {q.predicate} {q.object}"
                for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(str(other)))
                if q.predicate in interface or mine(q.subject) or mine(q.object)
            )
            parts += [str(other), *seen]
        return _digest(parts)


def validate(
    store: ox.Store,
    shapes: Graph,
    ontology: Graph,
    *,
    units: Sequence[Unit],
    sizes: dict[URIRef, int],
    cache: ValidationCache | None = None,
    origins: Mapping[str, str] | None = None,
) -> ValidationReport:
    """Validate the dataset in ``store`` (its ontology graph holds ``ontology``; ``sizes`` counts
    its named graphs) against ``shapes``, unit by unit, reusing from ``cache`` the result of
    every unit whose key is unchanged. ``origins`` (node IRI → ``file:line``) names the CSV row
    behind a focus node in its results."""
    shapes_key = _digest([_graph_digest(shapes), _graph_digest(ontology)])
    cut = _Units(store, sizes, units)
    keys = [cut.key(unit, shapes_key) for unit in units]
    found = [cache.get(key) if cache is not None else None for key in keys]
    missed = [index for index, results in enumerate(found) if results is None]
    if missed:
        # Only the changed units' subjects while they are few; else one pass over all focus
        # nodes (their results for the unchanged units are dropped below).
        changed = [g for index in missed for g in units[index].graphs]
        few = sum(sizes.get(g, 0) for g in changed) * WITHIN_SHARE <= sum(sizes.values())
        within = [str(g) for g in changed] if few and len(missed) < len(units) else []
        fresh = _run(store, compile_shapes(shapes), within)
        for index in missed:
            graphs = [ox.NamedNode(str(g)) for g in units[index].graphs]
            found[index] = own = [
                violation
                for focus, violation in fresh
                if any(_has_subject(store, focus, graph) for graph in graphs)
            ]
            if cache is not None:
                cache.put(keys[index], own)
    # The row behind each result is looked up afresh, not cached: a row can move (a line added
    # above it, the data directory copied elsewhere) while the graphs stay the same.
    names, origins = _new_graph(), origins or {}
    results = [
        replace(violation, where=_origin(names, violation.focus, origins))
        for unit_results in found
        for violation in unit_results or ()
    ]
    validated, reused = len(missed), len(units) - len(missed)
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
