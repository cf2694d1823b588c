"""rdflib's own in-memory store: slow at scale, but the reference for differential tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.query import Result

from policygraph.errors import StoreError
from policygraph.gaptable import GapTable, TableRows
from policygraph.namespaces import PREFIXES
from policygraph.sources.rdffile import rdflib_converter
from policygraph.store.base import GraphStore, Quad, Staging

__all__ = ["MemoryStore"]


class MemoryStore(GraphStore):
    def __init__(self, dataset: Dataset | None = None, fingerprint: str | None = None) -> None:
        self._dataset = dataset
        self._fingerprint = fingerprint
        self._table: GapTable | None = None
        self.spec = "memory"

    def _data(self) -> Dataset:
        if self._dataset is None:
            raise StoreError("the memory store is empty; build it first")
        return self._dataset

    def query(self, sparql: str) -> Result:
        return self._data().query(sparql)

    def quads(self) -> Iterator[Quad]:
        for s, p, o, g in self._data().quads((None, None, None, None)):
            if g is not None:
                yield s, p, o, g

    def fingerprint(self) -> str | None:
        return self._fingerprint

    def gap_table(self) -> GapTable | None:
        return self._table

    def stage(self) -> Staging:
        return _MemoryStaging(self)

    def _set(self, dataset: Dataset, fingerprint: str, table: TableRows | None) -> None:
        self._dataset, self._fingerprint = dataset, fingerprint
        self._table = GapTable.in_memory(table) if table is not None else None


class _MemoryStaging(Staging):
    """Collects the quads, and converts them to rdflib's at commit."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._parts: list[Iterable[ox.Quad]] = []

    def add(self, content: ox.Store, keys: Mapping[str, str] | None = None) -> None:
        self._parts.append(content.quads_for_pattern(None, None, None))

    def add_quads(self, quads: list[ox.Quad]) -> None:
        self._parts.append(quads)

    def commit(
        self,
        fingerprint: str,
        table: TableRows | None = None,
        derivation: dict[str, Any] | None = None,
    ) -> None:
        dataset = Dataset(default_union=True)
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace)
        term = rdflib_converter()
        dataset.addN(
            (
                term(q.subject),
                term(q.predicate),
                term(q.object),
                dataset.graph(URIRef(q.graph_name.value)),
            )
            for q in chain.from_iterable(self._parts)
            if isinstance(q.graph_name, ox.NamedNode)
        )
        self._parts = []
        self._store._set(dataset, fingerprint, table)

    def discard(self) -> None:
        self._parts = []
