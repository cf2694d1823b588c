"""The gap table's SQLite schema and its rows: as a build makes them (:class:`TableRows`, written
into a new database) and as a report reads them (:class:`CellRow`, :class:`DocumentRow`,
:class:`TimedRows`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import orjson

__all__ = [
    "AUTONOMOUS",
    "SCHEMA_VERSION",
    "CellRow",
    "DocumentRow",
    "TableRows",
    "TimedRows",
]

SCHEMA_VERSION = 7
AUTONOMOUS = frozenset(
    {"autonomous-region", "autonomous-prefecture", "autonomous-county", "autonomous-banner"}
)

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE region(
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL,
    level TEXT NOT NULL, surveyed INTEGER NOT NULL, autonomous INTEGER NOT NULL,
    parent_code TEXT NOT NULL, parent_label TEXT NOT NULL, label_zh TEXT NOT NULL,
    division_type TEXT NOT NULL, population INTEGER);
CREATE TABLE region_name(region INTEGER NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,
    kind INTEGER NOT NULL);
CREATE TABLE ancestor(region INTEGER NOT NULL, ancestor TEXT NOT NULL);
CREATE TABLE document(
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL, title TEXT NOT NULL, number TEXT NOT NULL,
    year TEXT NOT NULL, specificity TEXT NOT NULL, holder TEXT NOT NULL,
    holder_label TEXT NOT NULL, holder_level TEXT NOT NULL);
CREATE TABLE cell(
    region INTEGER NOT NULL, tier TEXT NOT NULL, domain TEXT NOT NULL, status TEXT NOT NULL,
    rest INTEGER NOT NULL, evidence TEXT NOT NULL, fallback TEXT NOT NULL);
CREATE TABLE claim(
    code TEXT NOT NULL, tier TEXT NOT NULL, claim TEXT NOT NULL, id TEXT NOT NULL,
    kind TEXT NOT NULL, verdict TEXT NOT NULL, locator TEXT NOT NULL, comment TEXT NOT NULL,
    counterexample TEXT NOT NULL, year TEXT NOT NULL, verdict_then TEXT NOT NULL,
    counterexample_then TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX ancestor_by_ancestor ON ancestor(ancestor, region);
CREATE INDEX cell_by_domain ON cell(domain, tier, region);
CREATE INDEX region_name_by_key ON region_name(key);
CREATE INDEX region_by_code ON region(code);
"""


# The two row types a report reads by the thousand are named tuples: a national report makes
# 20,000 documents and 8,500 cells, and a tuple is made in a third of a frozen dataclass's time.


class DocumentRow(NamedTuple):
    iri: str
    title: str
    number: str
    year: str
    specificity: str
    holder: str
    holder_label: str
    holder_level: str


class CellRow(NamedTuple):
    """One region × tier (× domain) cell, as the report reads it."""

    region: str
    code: str
    label: str
    level: str
    surveyed: bool
    parent: str
    parent_label: str
    label_zh: str
    autonomous: bool
    tier: str
    status: str
    rest: int
    evidence: tuple[int, ...]  # document ids, in IRI order
    fallback: tuple[tuple[int, str], ...]  # (document id, relation), in that order
    #: Resident population of the latest census the graph has, if any.
    population: int | None = None


@dataclass(frozen=True)
class TableRows:
    """A build's table, in memory until a store writes it (:meth:`write`)."""

    fingerprint: str
    regions: list[tuple[object, ...]]
    names: list[tuple[int, str, str, int]]
    ancestors: list[tuple[int, str]]
    documents: list[tuple[object, ...]]
    cells: list[tuple[object, ...]]
    claims: list[tuple[str, ...]]
    #: What a status as of a year is computed from (:mod:`policygraph.asof`): every region
    #: with its parent, level and first year in use; every document with its holder, tiers,
    #: domains, the regions following it, and its years in force.
    tree: list[tuple[object, ...]] = field(default_factory=list)
    provision: list[tuple[object, ...]] = field(default_factory=list)
    tiers: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    #: The slugs of the level scheme (with the tiers and domains: what a parameter of these
    #: kinds may name, checked without the store).
    levels: tuple[str, ...] = ()

    def timed(self) -> TimedRows:
        """The regions and documents a status as of a year is computed from."""
        return TimedRows.of(self.tiers, self.domains, self.tree, self.provision)

    def write(self, target: Path | sqlite3.Connection) -> None:
        """Write into a new database file, or into an open (empty) connection."""
        connection = target if isinstance(target, sqlite3.Connection) else sqlite3.connect(target)
        try:
            connection.executescript(_SCHEMA)
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("schema", str(SCHEMA_VERSION)),
                    ("fingerprint", self.fingerprint),
                    ("tiers", orjson.dumps(self.tiers).decode()),
                    ("domains", orjson.dumps(self.domains).decode()),
                    ("levels", orjson.dumps(self.levels).decode()),
                    ("timed", self.timed().encode().decode()),
                ],
            )
            connection.executemany(
                "INSERT INTO region VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.regions
            )
            connection.executemany("INSERT INTO region_name VALUES (?,?,?,?)", self.names)
            connection.executemany("INSERT INTO ancestor VALUES (?,?)", self.ancestors)
            connection.executemany(
                "INSERT INTO document VALUES (?,?,?,?,?,?,?,?,?)", self.documents
            )
            connection.executemany("INSERT INTO cell VALUES (?,?,?,?,?,?,?)", self.cells)
            connection.executemany(
                "INSERT INTO claim VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.claims
            )
            connection.executescript(_INDEXES)
            connection.commit()
        finally:
            if connection is not target:
                connection.close()


#: The columns of :class:`TimedRows`' documents, in the order of one document's values.
_DOCUMENT_COLUMNS = (
    "iri", "document", "holder", "dedicated", "tiers", "domains", "follows", "since", "until"
)  # fmt: skip
#: The columns kept as numbers into one list of texts: few values, each on thousands of rows.
_SHARED_TEXT = ("holder", "tiers", "domains")


@dataclass(frozen=True)
class TimedRows:
    """What a status as of a year is computed from (see :class:`TableRows`): every region of
    ``tree``, and every document in IRI order, one list per column of :data:`_DOCUMENT_COLUMNS`:
    its iri, its id in the table's document list or None, its holder's iri, 1 when dedicated,
    its tiers and domains ("tier;tier"), the iris of the regions following it, its first year
    in force and its first year no longer in force (None where not known).

    The table keeps it as one JSON value (:meth:`encode`): read in one parse, each holder's
    iri and each tier list made once and shared by its documents, where 20,000 rows of a
    table made a string of each (a national index read in half the time)."""

    tiers: tuple[str, ...]
    domains: tuple[str, ...]
    #: (iri, code, level, parent iri or "", first year in use or None)
    tree: list[Sequence[Any]]
    columns: dict[str, list[Any]]

    @classmethod
    def of(
        cls,
        tiers: Sequence[str],
        domains: Sequence[str],
        tree: Iterable[Sequence[Any]],
        documents: Iterable[Sequence[Any]],
    ) -> TimedRows:
        """From a document's values per row (in the order of :data:`_DOCUMENT_COLUMNS`)."""
        ordered = sorted(documents, key=lambda row: str(row[0]))
        columns = {name: [row[i] for row in ordered] for i, name in enumerate(_DOCUMENT_COLUMNS)}
        return cls(tuple(tiers), tuple(domains), list(tree), columns)

    def __len__(self) -> int:
        """The number of documents."""
        return len(self.columns["iri"])

    def documents(self) -> Iterator[tuple[Any, ...]]:
        """Each document's values, in the order of :data:`_DOCUMENT_COLUMNS`."""
        return zip(*(self.columns[name] for name in _DOCUMENT_COLUMNS), strict=True)

    def only(self, keep: Callable[[str, list[str]], bool]) -> TimedRows:
        """The same regions, and the documents for whose holder and followers ``keep`` holds."""
        columns = self.columns
        pairs = zip(columns["holder"], columns["follows"], strict=True)
        kept = [i for i, (holder, follows) in enumerate(pairs) if keep(holder, follows)]
        return replace(self, columns={k: [v[i] for i in kept] for k, v in columns.items()})

    def encode(self) -> bytes:
        """One JSON value: the tree, and the documents' columns, the holders and the tier and
        domain lists as numbers into the list ``texts``."""
        texts: dict[str, int] = {}
        data: dict[str, Any] = {"tree": self.tree}
        for name in _DOCUMENT_COLUMNS:
            values = self.columns[name]
            if name in _SHARED_TEXT:
                values = [texts.setdefault(v, len(texts)) for v in values]
            data[name] = values
        data["texts"] = list(texts)
        return orjson.dumps(data)

    @classmethod
    def decode(cls, value: str | bytes, tiers: Sequence[str], domains: Sequence[str]) -> TimedRows:
        """What :meth:`encode` wrote."""
        data = orjson.loads(value)
        texts = data["texts"]
        columns = {
            name: [texts[i] for i in data[name]] if name in _SHARED_TEXT else data[name]
            for name in _DOCUMENT_COLUMNS
        }
        return cls(tuple(tiers), tuple(domains), data["tree"], columns)
