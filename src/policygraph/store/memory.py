"""rdflib's own in-memory store: slow at scale, but the reference for differential tests."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Dataset
from rdflib.query import Result

from policygraph.store.base import GraphStore, Quad

__all__ = ["MemoryStore"]


class MemoryStore(GraphStore):
    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self.spec = "memory"

    def query(self, sparql: str) -> Result:
        return self._dataset.query(sparql)

    def quads(self) -> Iterator[Quad]:
        for s, p, o, g in self._dataset.quads((None, None, None, None)):
            if g is not None:
                yield s, p, o, g
