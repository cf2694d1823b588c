"""Stores: where the built graph lives, chosen by ``--store SPEC``.

``oxigraph:DIR`` (the default, ``oxigraph:.policygraph``) is built on first use and rebuilt when
``data/``, ``ontology/`` or policygraph itself changed; ``memory`` builds the graph afresh in
rdflib's own store for every command; ``sparql:URL`` reads any SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset

from policygraph.build import Inputs, build_dataset, fingerprint, load_shapes
from policygraph.errors import SourceError, StoreError
from policygraph.store.base import GraphStore
from policygraph.validation import ValidationReport, validate

__all__ = ["DEFAULT_STORE", "BuildSummary", "GraphStore", "build_store", "open_store"]

DEFAULT_STORE = "oxigraph:.policygraph"


@dataclass(frozen=True)
class BuildSummary:
    """What ``build`` did: counts, time, and the validation report."""

    quads: int
    graphs: dict[str, int]
    seconds: float
    report: ValidationReport
    written: bool


def _kind(spec: str) -> tuple[str, str]:
    kind, _, rest = spec.partition(":")
    if kind == "memory" and not rest:
        return kind, ""
    if kind in ("oxigraph", "sparql") and rest:
        return kind, rest
    raise StoreError(f"--store {spec!r} is not a store; use oxigraph:DIR, memory, or sparql:URL")


def _checked(inputs: Inputs) -> tuple[Dataset, ValidationReport]:
    dataset = build_dataset(inputs)
    report = validate(dataset, load_shapes(inputs.ontology))
    return dataset, report


def build_store(spec: str, inputs: Inputs) -> BuildSummary:
    """Build the graph from ``inputs``, validate it, and write it to the store if it conforms."""
    kind, location = _kind(spec)
    if kind == "sparql":
        raise StoreError(f"{spec}: SPARQL endpoints are read-only here; build into oxigraph:DIR")
    started = time.perf_counter()
    dataset, report = _checked(inputs)
    graphs: dict[str, int] = {}
    for _, _, _, g in dataset.quads((None, None, None, None)):
        graphs[str(g)] = graphs.get(str(g), 0) + 1
    written = report.conforms and kind == "oxigraph"
    if written:
        from policygraph.store.oxigraph import write_store

        write_store(Path(location), dataset, fingerprint(inputs))
    return BuildSummary(
        quads=sum(graphs.values()),
        graphs=dict(sorted(graphs.items())),
        seconds=time.perf_counter() - started,
        report=report,
        written=written,
    )


def _refuse(inputs: Inputs, report: ValidationReport) -> SourceError:
    return SourceError(
        inputs.data,
        f"the data does not conform to the shapes ({len(report.violations)} violations)",
        fix="run `policygraph validate` to list them",
    )


def open_store(spec: str, inputs: Inputs) -> GraphStore:
    """Open the store named by ``spec``, building or rebuilding it first when needed."""
    kind, location = _kind(spec)
    if kind == "memory":
        from policygraph.store.memory import MemoryStore

        dataset, report = _checked(inputs)
        if not report.conforms:
            raise _refuse(inputs, report)
        return MemoryStore(dataset)
    if kind == "sparql":
        from policygraph.store.sparql import SparqlStore

        return SparqlStore(location)
    from policygraph.store.oxigraph import OxigraphStore, stored_fingerprint

    directory = Path(location)
    if stored_fingerprint(directory) != fingerprint(inputs):
        summary = build_store(spec, inputs)
        if not summary.written:
            raise _refuse(inputs, summary.report)
    return OxigraphStore(directory)
