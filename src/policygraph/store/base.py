"""The one small interface every store implements (memory, Oxigraph on disk, SPARQL endpoint).

A store is read (SPARQL over the union of its named graphs, or every quad) and written whole: a
build ``stage()``s a new dataset beside the current one, adds graphs to it as it makes them (a
store may write them while the build goes on), then commits it together with the fingerprint of
the inputs it was built from and the gap table derived with it, or discards it. When to rebuild
is not a store's business (:mod:`policygraph.pipeline`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib.query import Result
    from rdflib.term import Node

    from policygraph.gaptable import GapTable, TableRows

__all__ = ["GraphStore", "Quad", "Staging"]

#: A quad in rdflib's terms (a name for annotations: rdflib is imported where one is made).
Quad: TypeAlias = "tuple[Node, Node, Node, Node]"


class Staging(ABC):
    """A new dataset being written beside a store's current one; nothing shows until ``commit``,
    and leaving a ``with`` block without committing discards it."""

    @abstractmethod
    def add(self, content: ox.Store, keys: Mapping[str, str] | None = None) -> None:
        """Write the named graphs of ``content``; the caller does not change ``content`` after.

        ``keys``: a key per graph standing for its content (a hash of its quads, or of the
        files it comes from); a store that began from a copy of its current dataset keeps the
        graphs whose key is unchanged instead of writing them again."""

    def previous_derivation(self) -> dict[str, Any] | None:
        """The record of the derivation (``commit``'s ``derivation``) of the store's current
        dataset, if it has one that a new dataset could keep."""
        return None

    def keep_derivation(self, replace: list[ox.Quad]) -> bool:
        """Before :meth:`add`: begin from a copy of the current dataset and keep its derived
        graph and gap table (nothing they were made from changed), replacing in that graph the
        values of ``replace``'s subjects and predicates (the fingerprint it names). False when
        the store cannot; the caller then derives as usual."""
        return False

    @abstractmethod
    def add_quads(self, quads: list[ox.Quad]) -> None:
        """Write ``quads``: made by policygraph (the derived graph), all in named graphs, none
        with a blank node."""

    @abstractmethod
    def commit(
        self,
        fingerprint: str,
        table: TableRows | None = None,
        derivation: dict[str, Any] | None = None,
    ) -> None:
        """Swap the new dataset in, with the fingerprint of its inputs, its gap table, and a
        record of its derivation (what a later build needs to tell whether it may keep it)."""

    @abstractmethod
    def discard(self) -> None:
        """Drop what was written; the current dataset stays as it was."""

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


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
    def stage(self) -> Staging:
        """Begin writing a new dataset that will replace everything; all or nothing."""

    def replace(self, content: ox.Store, fingerprint: str, table: TableRows | None = None) -> None:
        """Replace everything with the named graphs of ``content`` and the gap table made with
        them; all or nothing."""
        with self.stage() as staging:
            staging.add(content)
            staging.commit(fingerprint, table)

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
