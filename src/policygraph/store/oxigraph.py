"""Oxigraph on disk (RocksDB) through oxrdflib: the default store.

Layout of a store directory (the versions, the ``current`` pointer and the locks:
:mod:`policygraph.store.versions`)::

    DIR/current -> store-…      the store in use
    DIR/store-…/db/             the RocksDB files
    DIR/store-…/manifest.json   {"fingerprint": …, "triples": …}
    DIR/store-…/gaps.sqlite     the gap table (:mod:`policygraph.gaptable`)

A build takes the store's build lock, writes a complete new store into ``DIR/build-…`` (a
background thread loads the graphs while the build validates and derives) and only then points
``current`` at it with one atomic rename, so a failed or killed build leaves the previous store
as it was.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from policygraph.errors import StoreError
from policygraph.gaptable import GapTable, TableRows
from policygraph.iris import DERIVED_GRAPH
from policygraph.store import versions
from policygraph.store.base import GraphStore, Quad, Staging
from policygraph.store.versions import CURRENT

if TYPE_CHECKING:
    from concurrent.futures import Future

    from rdflib import Dataset
    from rdflib.query import Result
    from rdflib.term import Node

__all__ = ["OxigraphStore", "stored_fingerprint"]

MANIFEST = "manifest.json"
TABLE = "gaps.sqlite"


def _manifest(version: Path) -> dict[str, Any]:
    """The manifest of the store version at ``version`` ({} when there is none or it is
    unreadable)."""
    try:
        manifest = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def stored_fingerprint(directory: Path) -> str | None:
    """The fingerprint of the inputs the store at ``directory`` was built from, if any."""
    value = _manifest(versions.resolve(directory)).get("fingerprint")
    return value if isinstance(value, str) else None


#: A graph this large is bulk-loaded by Oxigraph from its own serialisation.
BULK = 10_000


def _partition(
    content: ox.Store, graphs: list[ox.NamedNode] | None = None
) -> tuple[list[ox.NamedNode], list[ox.NamedNode]]:
    """The large graphs without blank nodes, and the rest (of ``graphs``, else of all).

    The first are serialised and bulk-loaded by Oxigraph (no quad passes through Python, and the
    loader releases the interpreter, so the build goes on meanwhile); the rest are copied quad by
    quad, as they are (Oxigraph's loader renames blank nodes, and two builds of the same inputs
    must stay byte-identical)."""
    within = "" if graphs is None else f"VALUES ?g {{ {' '.join(str(g) for g in graphs)} }}"
    rows = content.query(
        "SELECT ?g (COUNT(*) AS ?n) (MAX(isBlank(?s) || isBlank(?o)) AS ?blank)"
        f" WHERE {{ {within} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    )
    assert isinstance(rows, ox.QuerySolutions)
    bulk: list[ox.NamedNode] = []
    kept: list[ox.NamedNode] = []
    for row in rows:
        graph = row["g"]
        if isinstance(graph, ox.NamedNode):
            large = int(row["n"].value) > BULK and row["blank"].value == "false"
            (bulk if large else kept).append(graph)
    return bulk, kept


class _Staging(Staging):
    """A new store in ``DIR/build-…``, written by one background thread in the order given (the
    bulk loader releases the interpreter), made ``DIR/current`` at commit. It holds the store's
    build lock from the start to commit or discard, and begins by removing what killed builds
    left.

    When nothing the derivation read has changed (:meth:`keep_derivation`, e.g. an edit to the
    notes), it begins from a checkpoint of the current store (RocksDB hard links: a
    millisecond) and rewrites only the graphs whose key changed, keeping the nation's documents,
    the million quads of gap cells and the gap table. Otherwise it writes a fresh store:
    removing a million derived quads from a copy costs more than loading everything anew."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.store: ox.Store | None = None
        self._keys: dict[str, str] = {}
        self._kept: dict[str, Any] | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{directory}: cannot create the store ({exc})") from None
        self._lock: versions.BuildLock | None = versions.BuildLock(directory)
        try:
            versions.clean(directory)
            self.current = versions.resolve(directory)
            self._previous = _manifest(self.current)
            self.path = Path(tempfile.mkdtemp(prefix=versions.BUILD_PREFIX, dir=directory))
        except OSError as exc:
            self._unlock()
            raise StoreError(f"{directory}: cannot create the store ({exc})") from None
        from concurrent.futures import ThreadPoolExecutor  # a build's, not a report's

        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policygraph-store")
        self._pending: list[Future[None]] = []

    def _open(self) -> ox.Store:
        if self.store is None:
            try:
                self.store = ox.Store(str(self.path / "db"))
            except OSError as exc:
                raise StoreError(f"{self.directory}: cannot create the store ({exc})") from None
        return self.store

    def _remove(self) -> None:
        if hasattr(self, "path"):
            shutil.rmtree(self.path, ignore_errors=True)

    def _unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _submit(self, job: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        self._pending.append(self._writer.submit(job, *args, **kwargs))

    def previous_derivation(self) -> dict[str, Any] | None:
        record = self._previous.get("derivation")
        graphs = self._previous.get("graphs")
        if not isinstance(record, dict) or not isinstance(graphs, dict):
            return None
        if not isinstance(record.get("quads"), int) or not isinstance(record.get("key"), str):
            return None
        if not (self.current / TABLE).is_file():
            return None
        return record

    def keep_derivation(self, replace: list[ox.Quad]) -> bool:
        record = self.previous_derivation()
        if record is None or self.store is not None:
            return False
        try:
            ox.Store.read_only(str(self.current / "db")).backup(str(self.path / "db"))
            shutil.copyfile(self.current / TABLE, self.path / TABLE)
        except OSError:
            shutil.rmtree(self.path / "db", ignore_errors=True)
            return False
        self._kept = record
        self._submit(self._replace_values, self._open(), replace)
        return True

    @staticmethod
    def _replace_values(store: ox.Store, replace: list[ox.Quad]) -> None:
        for quad in replace:
            pattern = (quad.subject, quad.predicate, None, quad.graph_name)
            for old in list(store.quads_for_pattern(*pattern)):
                store.remove(old)
            store.add(quad)

    def add(self, content: ox.Store, keys: Mapping[str, str] | None = None) -> None:
        store = self._open()
        self._keys = dict(keys or {})
        unchanged: set[str] = set()
        if self._kept is not None:
            before: dict[str, str] = self._previous.get("graphs", {})
            unchanged = {
                name
                for name, key in self._keys.items()
                if before.get(name) == key and name != DERIVED_GRAPH
            }
            # The copy's graphs that the new dataset changes or no longer has.
            stale = {g.value for g in store.named_graphs()} - unchanged - {DERIVED_GRAPH}
            for name in sorted(stale):
                self._submit(store.clear_graph, ox.NamedNode(name))
        # Counted and looked at only where written (M: 0.3 s for every graph of the dataset).
        names = [
            g
            for g in content.named_graphs()
            if isinstance(g, ox.NamedNode) and g.value not in unchanged
        ]
        bulk, copied = _partition(content, names) if unchanged else _partition(content)
        fresh = [g for g in copied if g.value not in unchanged]
        quads = [q for g in fresh for q in content.quads_for_pattern(None, None, None, g)]
        self._submit(store.bulk_extend, quads)
        for graph in bulk:
            if graph.value not in unchanged:
                self._submit(self._load_graph, content, graph)

    def _load_graph(self, content: ox.Store, graph: ox.NamedNode) -> None:
        assert self.store is not None
        triples = content.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        self.store.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)

    def add_quads(self, quads: list[ox.Quad]) -> None:
        assert self._kept is None, "a kept derivation is not written again"
        store = self._open()
        # Made by policygraph, without blank nodes (the contract): the bulk loader keeps them
        # as they are. Checking each of a million quads in Python cost 1.5 s of an M build.
        plain = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        self._submit(store.bulk_load, plain, format=ox.RdfFormat.N_QUADS)

    def _wait(self) -> None:
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def commit(
        self,
        fingerprint: str,
        table: TableRows | None = None,
        derivation: dict[str, Any] | None = None,
    ) -> None:
        store = self._open()
        try:
            if self._kept is None:
                # Compacted once loaded: the chunks the bulk loader wrote overlap, and the
                # national gap query reads them 3× slower (M: 23.8 ms against 7.2 ms after 2.5 s
                # of this). A copy that kept its derivation changed too little to be worth it.
                self._submit(store.optimize)
                if table is not None:
                    table.write(self.path / TABLE)  # meanwhile the writer thread loads quads
            else:
                derivation = derivation or self._kept
                GapTable.restamp(self.path / TABLE, fingerprint)
            self._wait()
            store.flush()
            quads = len(store)
            self.store = None
            self._writer.shutdown()
            manifest = {
                "fingerprint": fingerprint,
                "quads": quads,
                "graphs": dict(sorted(self._keys.items())),
                "derivation": derivation,
            }
            (self.path / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            versions.switch(self.directory, self.path)
            versions.clean(self.directory)  # the previous version, unless a reader holds it
            self._unlock()
        except (OSError, sqlite3.Error) as exc:
            self.discard()
            raise StoreError(f"{self.directory}: cannot write the store ({exc})") from None
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        for future in self._pending:
            future.cancel()
        with contextlib.suppress(Exception):  # the store is being dropped; its errors with it
            self._wait()
        self._writer.shutdown()
        self.store = None
        self._remove()
        self._unlock()


class OxigraphStore(GraphStore):
    """A store directory, opened read-only on first use so that several processes can query it
    at once; ``replace`` writes a new store beside the current one and swaps it in.

    The version ``current`` points to is resolved once, on first use, and held (a shared lock
    that stops a build from removing it) until :meth:`close`: a build that finishes meanwhile
    does not change what this object reads."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.spec = f"oxigraph:{directory}"
        self._opened: tuple[ox.Store, Dataset | None] | None = None
        self._table: GapTable | None = None
        self._at: Path | None = None
        self._hold: int | None = None

    def _version(self) -> Path:
        if self._at is None:
            for _ in range(3):  # a build removed the version between resolving and holding it
                at = versions.resolve(self.directory)
                self._hold = versions.hold(at)
                if self._hold is not None or at.is_dir():
                    break
            self._at = at
        return self._at

    def _open(self) -> tuple[ox.Store, Dataset | None]:
        if self._opened is None:
            db = self._version() / "db"
            if not db.is_dir():
                raise StoreError(f"{self.directory}: no store here; run `policygraph build` first")
            try:
                inner = ox.Store.read_only(str(db))
            except OSError as exc:
                raise StoreError(f"{db}: cannot open the store ({exc})") from None
            self._opened = (inner, None)
        return self._opened

    def _rdflib(self) -> Dataset:
        """rdflib over the same store, for the query forms pyoxigraph's results do not cover;
        imported on first use (oxrdflib brings rdflib's SPARQL engine: 0.13 s per process)."""
        inner, dataset = self._open()
        if dataset is None:
            from oxrdflib import OxigraphStore as OxrdflibStore
            from rdflib import Dataset

            dataset = Dataset(store=OxrdflibStore(store=inner), default_union=True)
            self._opened = (inner, dataset)
        return dataset

    def location(self) -> Path:
        """The Oxigraph database ``current`` points to, as a path through ``current``: readers
        in other processes that resolve it again follow the store to its next version."""
        db = self.directory / CURRENT / "db"
        if not db.is_dir():
            raise StoreError(f"{self.directory}: no store here; run `policygraph build` first")
        return db

    @property
    def _inner(self) -> ox.Store:
        return self._open()[0]

    def fingerprint(self) -> str | None:
        value = _manifest(self._version()).get("fingerprint")
        return value if isinstance(value, str) else None

    def stage(self) -> Staging:
        self.close()
        return _Staging(self.directory)

    def gap_table(self) -> GapTable | None:
        if self._table is None:
            path = self._version() / TABLE
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
        rdflib is imported here, by the first query: opening a store (for a report from the gap
        table) does without it.
        """
        from rdflib.query import Result
        from rdflib.term import Variable

        from policygraph.sources.rdffile import rdflib_converter

        solutions = self._inner.query(sparql, use_default_graph_as_union=True)
        if isinstance(solutions, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(solutions)
            return result
        if not isinstance(solutions, ox.QuerySolutions):
            return self._rdflib().query(sparql)
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
        from policygraph.sources.rdffile import rdflib_converter

        term = rdflib_converter()
        for quad in self._inner.quads_for_pattern(None, None, None, None):
            yield term(quad.subject), term(quad.predicate), term(quad.object), term(quad.graph_name)

    def close(self) -> None:
        self._opened = None
        if self._table is not None:
            self._table.close()
            self._table = None
        versions.release(self._hold)
        self._hold = self._at = None
