"""SHACL validation with pySHACL. Results are values: a report, never an exception on violations."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from policygraph.namespaces import PREFIXES

__all__ = ["ValidationReport", "Violation", "validate"]


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


def _union(dataset: Dataset | Graph) -> Graph:
    """pySHACL validates each named graph apart; our shapes need the union (cross-source links)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if isinstance(dataset, Dataset):
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph += dataset
    return graph


def _short(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - any IRI rdflib cannot shorten is shown whole
            return f"<{node}>"
    return str(node)


def validate(dataset: Dataset | Graph, shapes: Graph) -> ValidationReport:
    """Validate the union of ``dataset`` against ``shapes`` (which already hold the ontology)."""
    import pyshacl  # imported here: it costs 0.1 s at start-up, and only build/validate need it

    data = _union(dataset)
    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
    )
    assert isinstance(results, Graph)
    found: dict[str, list[Violation]] = {"Violation": [], "Warning": []}
    # Top-level results only: sh:detail nests results that would otherwise be listed twice.
    for result in results.objects(None, SH.result):
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        violation = Violation(
            focus=_short(data, results.value(result, SH.focusNode)),
            path=_short(data, results.value(result, SH.resultPath)),
            message="; ".join(messages) or "constraint not met",
            severity=severity,
            value=_short(data, results.value(result, SH.value)),
        )
        found.setdefault(severity, []).append(violation)
    return ValidationReport(
        conforms=bool(conforms),
        violations=sorted(set(found["Violation"])),
        warnings=sorted(set(found["Warning"])),
    )
