"""A written gap table, opened read-only: the cells, regions, documents, claims and names a report
asks for, each in one indexed query."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from policygraph.errors import StoreError
from policygraph.gaptable.schema import CellRow, DocumentRow, TableRows, TimedRows
from policygraph.regionnames import RegionInfo, RegionNames

__all__ = ["GapTable"]


def _scope(tree: Sequence[Sequence[Any]], within: str) -> set[str]:
    """``within``, the regions under it and its ancestors (IRIs), from the tree's rows."""
    parent = {row[0]: row[3] for row in tree if row[3]}
    found = {region for region in parent if _under(parent, region, within)} | {within}
    current = parent.get(within)
    while current and current not in found:
        found.add(current)
        current = parent.get(current)
    return found


def _under(parent: dict[str, str], region: str, within: str) -> bool:
    """Whether ``region`` is ``within`` or under it."""
    seen: set[str] = set()
    while region and region not in seen:
        if region == within:
            return True
        seen.add(region)
        region = parent.get(region, "")
    return False


#: A region's :class:`CellRow` columns, before its cell's (tier, status, rest, evidence, fallback)
#: and the region's population.
_REGION = (
    "r.iri, r.code, r.label, r.level, r.surveyed, r.parent_code, r.parent_label, r.label_zh,"
    " r.autonomous"
)


_RegionValues = tuple[str, str, str, str, bool, str, str, str, bool]


def _region_values(row: tuple[Any, ...]) -> _RegionValues:
    """The :class:`CellRow` fields of the columns ``_REGION`` (the flags as booleans)."""
    return (row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], bool(row[8]))


def _cell_row(row: tuple[Any, ...]) -> CellRow:
    """A :class:`CellRow` from the columns ``_REGION``, the cell's, and the population."""
    evidence = tuple(orjson.loads(row[12]))
    fallback = tuple(map(tuple, orjson.loads(row[13])))
    return CellRow(*_region_values(row), row[9], row[10], row[11], evidence, fallback, row[14])


#: The most of a table file SQLite maps into memory (the national table at M is 22 MB).
_MMAP = 1 << 30

#: The kinds of parameter whose schemes the table records, and the meta key of each.
_SCHEMES = {"tier": "tiers", "domain": "domains", "level": "levels"}

#: A region's :class:`RegionInfo` columns, its parent's Chinese name joined by code.
_REGION_INFO = (
    "SELECT r.code, r.label_zh, r.label, r.level, r.division_type, r.parent_code,"
    " COALESCE(p.label_zh, ''), r.parent_label"
)
_PARENT = "LEFT JOIN region p ON p.code = r.parent_code AND r.parent_code != ''"


class GapTable:
    """A written table, opened read-only."""

    def __init__(self, db: sqlite3.Connection, name: str = "the gap table") -> None:
        self._db = db
        self._name = name
        self._names: RegionNames | None = None
        self._timed: TimedRows | None = None

    def _execute(self, sql: str, args: Sequence[object] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self._name}: cannot read the gap table ({exc}); run `policygraph build`"
            ) from None

    @classmethod
    def open(cls, path: Path) -> GapTable:
        """Open a table file read-only (it never changes: a build writes a new one)."""
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        # Pages read straight from the mapped file, not copied into SQLite's small page cache:
        # a national report reads most of the file (its rows a tenth faster).
        db.execute(f"PRAGMA mmap_size = {_MMAP}")
        return cls(db, str(path))

    @classmethod
    def in_memory(cls, rows: TableRows) -> GapTable:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        rows.write(db)
        return cls(db)

    @staticmethod
    def restamp(path: Path, fingerprint: str) -> None:
        """Give a copied table the fingerprint of the build that keeps it."""
        connection = sqlite3.connect(path)
        try:
            connection.execute(
                "UPDATE meta SET value = ? WHERE key = 'fingerprint'", (fingerprint,)
            )
            connection.commit()
        finally:
            connection.close()

    def members(self, kind: str) -> tuple[str, ...] | None:
        """The slugs of the scheme of ``kind`` (tier, domain, level) as the build read them;
        None for another kind, or a table that does not record it."""
        if kind not in _SCHEMES:
            return None
        row = self._execute("SELECT value FROM meta WHERE key = ?", (_SCHEMES[kind],)).fetchone()
        return tuple(orjson.loads(row[0])) if row else None

    def holds_region(self, iri: str) -> bool:
        """Whether ``iri`` is a region of the graph."""
        found = self._execute("SELECT 1 FROM region WHERE iri = ? LIMIT 1", (iri,))
        return found.fetchone() is not None

    def fingerprint(self) -> str | None:
        row = self._execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        return row[0] if row else None

    def cells(
        self,
        *,
        level: str,
        tier: str | None = None,
        domain: str | None = None,
        within: str | None = None,
        autonomous: bool = False,
    ) -> Iterator[CellRow]:
        """The cells of regions at ``level`` (filtered as the named queries filter them;
        ``within`` a region IRI: that region and the regions under it)."""
        sql = [
            f"SELECT {_REGION}, c.tier, c.status, c.rest, c.evidence, c.fallback, r.population",
            "FROM cell c JOIN region r ON r.id = c.region",
            "WHERE c.domain = ? AND r.level = ?",
        ]
        args: list[object] = [domain or "", level]
        if tier:
            sql.append("AND c.tier = ?")
            args.append(tier)
        _narrow(sql, args, "c.region", within, autonomous)
        yield from map(_cell_row, self._execute(" ".join(sql), args))

    def region(self, code: str) -> CellRow | None:
        """The region with this code, as :meth:`regions` gives it."""
        return next(self.regions(code=code), None)

    def regions(
        self,
        *,
        level: str | None = None,
        within: str | None = None,
        autonomous: bool = False,
        code: str | None = None,
    ) -> Iterator[CellRow]:
        """The regions :meth:`cells` would list, each as a :class:`CellRow` with no tier and no
        status yet (for a status computed as of a year)."""
        sql = [
            f"SELECT {_REGION}, r.population FROM region r WHERE",
            "r.level = ?" if level is not None else "r.code = ?",
        ]
        args: list[object] = [level if level is not None else code]
        _narrow(sql, args, "r.id", within, autonomous)
        sql.append("ORDER BY r.code")
        for row in self._execute(" ".join(sql), args):
            yield CellRow(*_region_values(row), "", "", 0, (), (), row[9])  # no cell yet

    def timed(self, within: str | None = None) -> TimedRows:
        """The regions and documents a status as of a year is computed from: all of them (read
        once), or those the cells of ``within`` (a region IRI) and the regions under it can
        rest on: the documents of those regions and of their ancestors, and every document
        some region is named as following (a province's documents, not the nation's 20,000)."""
        if self._timed is None:
            meta = dict(self._execute("SELECT key, value FROM meta").fetchall())
            if "timed" not in meta:
                raise StoreError(
                    f"{self._name}: the gap table has no validity rows (made by an older "
                    "policygraph); run `policygraph build`"
                )
            self._timed = TimedRows.decode(
                meta["timed"],
                orjson.loads(meta.get("tiers", "[]")),
                orjson.loads(meta.get("domains", "[]")),
            )
        if within is None:
            return self._timed
        scope = _scope(self._timed.tree, within)
        return self._timed.only(lambda holder, follows: holder in scope or bool(follows))

    def province_labels(self) -> tuple[dict[str, str], dict[str, str]]:
        """Province code → English name, and → Chinese name (where the graph has one)."""
        rows = self._execute("SELECT code, label, label_zh FROM region WHERE level = 'provincial'")
        english: dict[str, str] = {}
        chinese: dict[str, str] = {}
        for code, label, label_zh in rows:
            english[code] = label
            if label_zh:
                chinese[code] = label_zh
        return english, chinese

    def claims(self, tier: str | None = None) -> Iterator[tuple[str, ...]]:
        """(code, tier, claim, id, kind, verdict, locator, comment, counterexample) rows."""
        sql = "SELECT * FROM claim" + (" WHERE tier = ?" if tier else "")
        yield from self._execute(sql, (tier,) if tier else ())

    def documents(self, ids: set[int] | None = None) -> dict[int, DocumentRow]:
        """The documents with these ids (all when None)."""
        if ids is None:
            rows = self._execute("SELECT * FROM document")
        else:
            # One query whatever the number: the ids as a JSON array, each looked up by key
            # (the 10,000 of a national report as of a year: 27 ms, against 42 ms for a scan
            # of all 20,000 and 500-id chunks of placeholders).
            rows = self._execute(
                "SELECT d.* FROM json_each(?) j JOIN document d ON d.id = j.value",
                (orjson.dumps(sorted(ids)),),
            )
        return {int(row[0]): DocumentRow(*row[1:]) for row in rows}

    def name_matches(self, key: str) -> list[tuple[RegionInfo, int]]:
        """The regions bearing a name with this key (:func:`policygraph.regionnames.name_key`),
        each with the kind of that name: one indexed lookup."""
        rows = self._execute(
            f"{_REGION_INFO}, n.kind FROM region_name n JOIN region r ON r.id = n.region"
            f" {_PARENT} WHERE n.key = ?",
            (key,),
        ).fetchall()
        return [(RegionInfo(*row[:8]), int(row[8])) for row in rows]

    def region_names(self) -> RegionNames:
        """Every region and name, in memory (read once: for a search, or the closest names)."""
        if self._names is None:
            regions = self._execute(f"{_REGION_INFO} FROM region r {_PARENT}").fetchall()
            names = self._execute(
                "SELECT r.code, n.name, n.kind FROM region_name n JOIN region r ON r.id = n.region"
            ).fetchall()
            self._names = RegionNames((RegionInfo(*row) for row in regions), names)
        return self._names

    def close(self) -> None:
        self._db.close()


def _narrow(
    sql: list[str], args: list[object], region: str, within: str | None, autonomous: bool
) -> None:
    """Add to a query of regions (``r``) the conditions of ``within`` (a region IRI: the region
    itself and those under it, as the queries' ``skos:broaderTransitive?``) and ``autonomous``;
    ``region`` is the column holding the region's id."""
    if within:
        under = "SELECT region FROM ancestor WHERE ancestor = ?"
        sql.append(f"AND (r.iri = ? OR {region} IN ({under}))")
        args += [within, within]
    if autonomous:
        sql.append("AND r.autonomous = 1")
