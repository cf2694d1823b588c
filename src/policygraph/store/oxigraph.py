"""Oxigraph on disk (RocksDB) through oxrdflib: the default store.

Layout of a store directory::

    DIR/current/db/             the RocksDB files
    DIR/current/manifest.json   {"fingerprint": …, "triples": …}
    DIR/current/gaps.sqlite     the gap table (:mod:`policygraph.gaptable`)

A build writes a complete new store into ``DIR/build-…`` and only then swaps it in, so a failed
build leaves the previous store as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore as OxrdflibStore
from rdflib import Dataset
from rdflib.query import Result
from rdflib.term import Node, Variable

from policygraph.errors import StoreError
from policygraph.gaptable import GapTable, TableRows
from policygraph.sources.rdffile import rdflib_converter
from policygraph.store.base import GraphStore, Quad

__all__ = ["OxigraphStore", "stored_fingerprint", "write_store"]

CURRENT = "current"
MANIFEST = "manifest.json"
TABLE = "gaps.sqlite"


def stored_fingerprint(directory: Path) -> str | None:
    """The fingerprint of the inputs the store at ``directory`` was built from, if any."""
    try:
        manifest = json.loads((directory / CURRENT / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = manifest.get("fingerprint")
    return value if isinstance(value, str) else None


def write_store(
    directory: Path, content: ox.Store, fingerprint: str, table: TableRows | None = None
) -> None:
    """Write the named graphs of ``content`` (and the gap table) as a new store under
    ``directory``, then swap it in."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="build-", dir=directory))
    except OSError as exc:
        raise StoreError(f"{directory}: cannot create the store ({exc.strerror})") from None
    try:
        store = ox.Store(str(staging / "db"))
        named = content.quads_for_pattern(None, None, None)
        store.bulk_extend(q for q in named if q.graph_name != ox.DefaultGraph())
        store.flush()
        quads = len(store)
        del store
        if table is not None:
            table.write(staging / TABLE)
        manifest = {"fingerprint": fingerprint, "quads": quads}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _swap(directory, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(directory: Path, staging: Path) -> None:
    current = directory / CURRENT
    retired = directory / f"retired-{os.getpid()}"
    if current.exists():
        os.replace(current, retired)
    os.replace(staging, current)
    shutil.rmtree(retired, ignore_errors=True)


class OxigraphStore(GraphStore):
    """A store directory, opened read-only on first use so that several processes can query it
    at once; ``replace`` writes a new store beside the current one and swaps it in."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.spec = f"oxigraph:{directory}"
        self._opened: tuple[ox.Store, Dataset] | None = None
        self._table: GapTable | None = None

    def _open(self) -> tuple[ox.Store, Dataset]:
        if self._opened is None:
            db = self.directory / CURRENT / "db"
            if not db.is_dir():
                raise StoreError(f"{self.directory}: no store here; run `policygraph build` first")
            try:
                inner = ox.Store.read_only(str(db))
            except OSError as exc:
                raise StoreError(f"{db}: cannot open the store ({exc})") from None
            dataset = Dataset(store=OxrdflibStore(store=inner), default_union=True)
            self._opened = (inner, dataset)
        return self._opened

    @property
    def _inner(self) -> ox.Store:
        return self._open()[0]

    @property
    def _dataset(self) -> Dataset:
        return self._open()[1]

    def fingerprint(self) -> str | None:
        return stored_fingerprint(self.directory)

    def replace(self, content: ox.Store, fingerprint: str, table: TableRows | None = None) -> None:
        self.close()
        write_store(self.directory, content, fingerprint, table)

    def gap_table(self) -> GapTable | None:
        if self._table is None:
            path = self.directory / CURRENT / TABLE
            if not path.is_file():
                return None
            try:
                self._table = GapTable.open(path)
            except sqlite3.Error as exc:
                raise StoreError(f"{path}: cannot open the gap table ({exc})") from None
        return self._table

    def query(self, sparql: str) -> Result:
        """SELECT and ASK straight from pyoxigraph, with a term cache; the rest through oxrdflib.

        Converting each result term to rdflib was half the time of the national gap report
        (benchmarks/national.py, 20,000 documents: 6.9 s of which 3.4 s conversion for the
        44k rows of gaps/provision); the same few IRIs and literals recur on every row.
        """
        solutions = self._inner.query(sparql, use_default_graph_as_union=True)
        if isinstance(solutions, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(solutions)
            return result
        if not isinstance(solutions, ox.QuerySolutions):
            return self._dataset.query(sparql)
        variables = [Variable(v.value) for v in solutions.variables]
        convert = rdflib_converter()

        def term(value: object) -> Node | None:
            return None if value is None else convert(value)

        result = Result("SELECT")
        result.vars = variables
        rows: list[Mapping[Variable, Any]] = [
            {
                var: bound
                for var, bound in zip(variables, map(term, row), strict=True)
                if bound is not None
            }
            for row in solutions
        ]
        result.bindings = rows
        return result

    def quads(self) -> Iterator[Quad]:
        term = rdflib_converter()
        for quad in self._inner.quads_for_pattern(None, None, None, None):
            yield term(quad.subject), term(quad.predicate), term(quad.object), term(quad.graph_name)

    def close(self) -> None:
        self._opened = None
        if self._table is not None:
            self._table.close()
            self._table = None
