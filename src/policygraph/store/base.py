"""The one small interface every store implements (memory, Oxigraph on disk, SPARQL endpoint).

A store is read (SPARQL over the union of its named graphs, or every quad) and written whole:
``replace(dataset, fingerprint, table)`` swaps in a new dataset together with the fingerprint of
the inputs it was built from and the gap table derived with it. When to rebuild is not a store's
business (:mod:`policygraph.pipeline`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib.query import Result
from rdflib.term import Node

if TYPE_CHECKING:
    import pyoxigraph as ox

    from policygraph.gaptable import GapTable, TableRows

__all__ = ["GraphStore", "Quad"]

Quad = tuple[Node, Node, Node, Node]


class GraphStore(ABC):
    """The built graph: SPARQL over the union of all named graphs, replaced as a whole."""

    #: The ``--store`` value that opened this store, for messages.
    spec: str = ""

    @abstractmethod
    def query(self, sparql: str) -> Result:
        """Run a SPARQL 1.1 query whose default graph is the union of all named graphs."""

    def select(self, sparql: str) -> list[tuple[Node | None, ...]]:
        """The rows of a SELECT query as plain tuples (unbound variables are None)."""
        result = self.query(sparql)
        if result.type != "SELECT":
            raise ValueError("select() needs a SELECT query")
        return [tuple(row) for row in result]  # type: ignore[arg-type]

    @abstractmethod
    def quads(self) -> Iterator[Quad]:
        """Every (subject, predicate, object, graph) of the store."""

    @abstractmethod
    def fingerprint(self) -> str | None:
        """The fingerprint given to the last ``replace``, or None for an empty or foreign store."""

    @abstractmethod
    def replace(self, content: ox.Store, fingerprint: str, table: TableRows | None = None) -> None:
        """Replace everything with the named graphs of ``content`` (a build's in-memory Oxigraph
        store) and the gap table made with them; all or nothing."""

    def gap_table(self) -> GapTable | None:
        """The gap table of the last ``replace``, or None (a SPARQL endpoint has none: its
        reports come from the named queries)."""
        return None

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release files or connections."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
