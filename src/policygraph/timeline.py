"""A region's timeline: for each tier, the years its gap status changed and the documents that
changed it.

The status of a cell can change only in a year in which a document enters or leaves force, so
the timeline evaluates the cell (:func:`policygraph.asof`, the derivation's own definitions) once
from the first year the region's code was in use and then at each such year, and keeps the years
whose status differs from the year before. The documents that changed it are those of the cell's
evidence or fall-back that entered force that year, and those that left it.

A local store reads all of it from its gap table; a store without one (a SPARQL endpoint) from
the named queries ``gaps/region-tree``, ``gaps/validity`` and ``lookup/regions``
(:func:`policygraph.asof.query_index`), through the same computation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from rdflib import URIRef

from policygraph.asof import ASSUMPTION, TimedIndex, query_index, timed_index
from policygraph.errors import QueryError
from policygraph.gaps import TIERS, Document
from policygraph.gaptable import CellRow, DocumentRow, GapTable
from policygraph.queries import region_code, run_query
from policygraph.status import Cell, cell
from policygraph.store.base import GraphStore

__all__ = [
    "Change",
    "Documents",
    "Timeline",
    "cell_years",
    "documents_in",
    "region_timeline",
    "timeline_of",
]


@dataclass(frozen=True)
class Change:
    """From ``year`` on, the cell's status is ``status`` (``before`` until then)."""

    year: int
    status: str
    before: str | None  # None: the first status of the timeline
    entered: tuple[Document, ...] = ()  # documents of the cell that entered force that year
    left: tuple[Document, ...] = ()  # documents of the cell the year before, no longer in force


@dataclass(frozen=True)
class Timeline:
    region: str
    code: str
    label: str
    label_zh: str
    #: The first year the region's code was in use, or None where the graph does not say.
    since: int | None
    domain: str | None
    tiers: dict[str, list[Change]]
    #: Today's status per tier (every document, dated or not).
    today: dict[str, str]
    #: Documents with no year that count in today's status of a tier: in no year's.
    undated: tuple[Document, ...] = ()
    assumption: str = field(default=ASSUMPTION)
    #: The latest year in which any document of the graph enters or leaves force.
    last: int | None = None


#: The documents' rows by their ids: the gap table's, or those read with gaps/validity.
Documents = Callable[[set[int]], dict[int, DocumentRow]]


def documents_in(rows: dict[int, DocumentRow]) -> Documents:
    """:data:`Documents` over rows already read (a store without a gap table: gaps/validity)."""
    return lambda ids: {i: rows[i] for i in ids if i in rows}


def _documents(
    rows_of: Documents, timed: TimedIndex, iris: set[str], relation: str
) -> tuple[Document, ...]:
    ids = {timed.ids[i] for i in iris if i in timed.ids}
    return tuple(sorted(Document.of(d, relation) for d in rows_of(ids).values()))


def _shown(found: Cell) -> set[str]:
    return {str(d) for d in (*found.evidence, *found.fallback)}


def _status(found: Cell) -> object:
    return found.status


def _listed(found: Cell) -> object:
    """What a report says of a cell: its status and the documents it lists beside it."""
    return found.status, found.evidence, found.fallback, found.rest


def _cell_changes(
    timed: TimedIndex,
    region: URIRef,
    tier: str,
    domain: str | None,
    first: int,
    key: Callable[[Cell], object] = _status,
) -> Iterator[tuple[int, Cell | None, Cell]]:
    """The years from ``first`` in which the cell's ``key`` (its status) changed: (year, the
    cell the year before, or None in the first year, the cell that year)."""
    previous: Cell | None = None
    for year in (first, *(y for y in timed.years if y > first)):
        now = cell(timed.index, region, tier, domain, year)
        if previous is None or key(now) != key(previous):
            yield year, previous, now
        previous = now


def _changes(
    table: Documents, timed: TimedIndex, region: URIRef, tier: str, domain: str | None, first: int
) -> list[Change]:
    changes: list[Change] = []
    for year, previous, now in _cell_changes(timed, region, tier, domain, first):
        before = _shown(previous) if previous is not None else set()
        entered = {i for i in _shown(now) - before if _starts(timed, i) == year or previous is None}
        left = before - _shown(now) if previous is not None else set()
        changes.append(
            Change(
                year=year,
                status=now.status,
                before=previous.status if previous is not None else None,
                entered=_documents(table, timed, entered, "entered"),
                left=_documents(table, timed, left, "left"),
            )
        )
    return changes


def _first_year(timed: TimedIndex, region: URIRef) -> tuple[int | None, int]:
    """The first year the region's code was in use (None: not known) and the first year its
    status is computed for (that year, else the first year any document enters force)."""
    since = timed.index.start.get(region)
    return since, since if since is not None else min(timed.years, default=0)


def _starts(timed: TimedIndex, iri: str) -> int | None:
    return timed.starts.get(iri)


def cell_years(
    timed: TimedIndex, codes: Iterable[str]
) -> dict[str, dict[str, list[tuple[int, Cell]]]]:
    """For each region code of ``codes`` in the index, per tier, the years in which its status
    or the documents listed beside it changed (its evidence, its fall-back and the count of
    those not listed), and the cell from then on: what ``gaps --as-of`` says of the cell in
    every year (the year selector of the browse site). The documents can change in a year in
    which the status does not: a county of Gansu falls back on the nation's 1991 decision in
    2014 and on the province's opinions of 2015 from 2015, inherited in both."""
    index = timed.index
    by_code = {code: region for region, code in index.regions.items()}
    found: dict[str, dict[str, list[tuple[int, Cell]]]] = {}
    for code in codes:
        region = by_code.get(code)
        if region is None:
            continue
        # A region whose first year in use is not known is in every year's report: its first
        # cell is that of year 0, before any document is in force (not the first document's
        # year, where its timeline starts).
        first = index.start.get(region, 0)
        found[code] = {
            tier: [
                (year, now)
                for year, _, now in _cell_changes(timed, region, tier, None, first, _listed)
            ]
            for tier in index.tiers
        }
    return found


def region_timeline(store: GraphStore, region: str, *, domain: str | None = None) -> Timeline:
    """The timeline of ``region`` (a code or a name, as ``--within`` takes it)."""
    code = region_code(store, region, option="REGION")
    table = store.gap_table()
    if table is None:
        found = _from_queries(store, code, domain=domain)
    else:
        found = timeline_of(table, code, domain=domain)
    if found is None:
        raise QueryError(f"REGION: {code} has no gap cells (not a region of the graph)")
    return found


def timeline_of(table: GapTable, code: str, *, domain: str | None = None) -> Timeline | None:
    """The timeline of the region with this code in ``table`` (None: no such region)."""
    row = table.region(code)
    if row is None:
        return None
    return _timeline(timed_index(table), table.documents, row, domain)


def _from_queries(store: GraphStore, code: str, *, domain: str | None) -> Timeline | None:
    """The timeline on a store without a gap table, from the named queries."""
    timed, documents = query_index(store)
    rows = run_query(store, "lookup/regions", {"within": code}).dicts()
    found = [r for r in rows if str(r["code"]) == code]
    if not found:
        return None
    label, zh = found[0]["label"], found[0]["labelZh"]
    row = CellRow(
        region=str(found[0]["region"]),
        code=code,
        label=str(label) if label is not None else "",
        level="",
        surveyed=False,
        parent="",
        parent_label="",
        label_zh=str(zh) if zh is not None else "",
        autonomous=False,
        tier="",
        status="",
        rest=0,
        evidence=(),
        fallback=(),
    )

    return _timeline(timed, documents_in(documents), row, domain)


def _timeline(timed: TimedIndex, table: Documents, row: CellRow, domain: str | None) -> Timeline:
    if domain is not None and domain not in timed.index.domains:
        raise QueryError(
            f"--domain: unknown domain {domain!r}; use one of {', '.join(timed.index.domains)}"
        )
    node = cast("URIRef", row.region)  # a str, as every key of the index (policygraph.asof)
    since, first = _first_year(timed, node)
    tiers = sorted(timed.index.tiers, key=lambda t: TIERS.index(t) if t in TIERS else 9)
    changes = {tier: _changes(table, timed, node, tier, domain, first) for tier in tiers}
    today = {tier: cell(timed.index, node, tier, domain) for tier in tiers}
    undated = {i for found in today.values() for i in _shown(found)} & set(timed.undated)
    return Timeline(
        region=row.region,
        code=row.code,
        label=row.label,
        label_zh=row.label_zh,
        since=since,
        domain=domain,
        tiers=changes,
        today={tier: found.status for tier, found in today.items()},
        undated=_documents(table, timed, undated, "undated"),
        last=max(timed.years, default=first),
    )
