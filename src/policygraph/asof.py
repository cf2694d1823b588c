"""Gap status as of a year: the cells of DESIGN §3 with only the documents in force that year
and the regions whose code was in use then.

The build writes into the gap table every region with its parent, level and first year in use,
and every document with its holder, tiers, domains, the regions following it and its years in
force (:class:`~policygraph.gaptable.TimedRows`). A status as of a year is the derivation's own
:func:`~policygraph.status.cell` over those rows with a year filter: the same definitions,
evidence and fall-backs, no second implementation, and no rebuild per question. A document is in
force from its entry into force (``eli:first_date_entry_in_force``), which the bundled data takes
from its date or year where no source gives one: an assumption that reports state
(:data:`ASSUMPTION`). A document with no year counts in no year's status.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from weakref import WeakKeyDictionary

from policygraph.gaptable import CellRow, DocumentRow, GapTable, TimedRows
from policygraph.status import Cell, Doc, Index, cell

if TYPE_CHECKING:
    from rdflib import URIRef

    from policygraph.store.base import GraphStore

__all__ = [
    "ASSUMPTION",
    "TimedIndex",
    "cells_as_of",
    "cells_of",
    "document_ids",
    "query_index",
    "timed_index",
]

ASSUMPTION = (
    "documents are taken to be in force from their year (or date) on, unless a source says when "
    "they took effect, and to stay in force: no source in the data gives a cessation or a "
    "repeal; documents with no year count in no year's status"
)


@dataclass(frozen=True)
class TimedIndex:
    """The derivation's index over the table's rows, and each document's id in its table."""

    index: Index
    ids: dict[str, int]
    years: tuple[int, ...]  # every year in which a document enters or leaves force, sorted
    undated: tuple[str, ...]  # documents with no year: in no as-of status
    starts: dict[str, int]  # document → its first year in force, where known


def _index(rows: TimedRows) -> TimedIndex:
    # The table's IRIs stay str: the index only hashes and compares them, and rdflib's URIRef
    # validates each one it makes (26,000 at the benchmark's M scale: a tenth of a second).
    # Every key of this index is a str, so they meet each other, never an rdflib term.
    regions: dict[URIRef, str] = {}
    level: dict[URIRef, str] = {}
    parent: dict[URIRef, URIRef] = {}
    start: dict[URIRef, int] = {}
    for region_iri, code, region_level, parent_iri, since in rows.tree:
        region = cast("URIRef", region_iri)
        regions[region] = code
        if region_level:
            level[region] = region_level
        if parent_iri:
            parent[region] = cast("URIRef", parent_iri)
        if since is not None:
            start[region] = int(since)
    # Column by column (20,000 documents at the benchmark's M scale): the same few tier and
    # domain lists recur on every row, each split once; the index reads the sets, never
    # changes them.
    columns = rows.columns
    iris: list[str] = columns["iri"]
    split = {
        text: frozenset(filter(None, text.split(";")))
        for text in {*columns["tiers"], *columns["domains"]}
    }
    docs = list(
        map(
            Doc,
            iris,
            columns["holder"],
            map(bool, columns["dedicated"]),
            map(split.__getitem__, columns["tiers"]),
            map(split.__getitem__, columns["domains"]),
            map(set, columns["follows"]),
            columns["since"],
            columns["until"],
        )
    )
    ids = {iri: i for iri, i in zip(iris, columns["document"], strict=True) if i is not None}
    starts = {iri: y for iri, y in zip(iris, columns["since"], strict=True) if y is not None}
    undated = [iri for iri, y in zip(iris, columns["since"], strict=True) if y is None]
    years = {*starts.values(), *(y for y in columns["until"] if y is not None)}
    index = Index(
        tiers=list(rows.tiers),
        domains=list(rows.domains),
        regions=regions,
        level=level,
        parent=parent,
        docs=docs,
        surveyed=set(),
        start=start,
    )
    return TimedIndex(index, ids, tuple(sorted(years)), tuple(sorted(undated)), starts)


_CACHE: WeakKeyDictionary[GapTable, TimedIndex] = WeakKeyDictionary()


def timed_index(table: GapTable, within: str | None = None) -> TimedIndex:
    """The index of ``table``, made once per open table; with ``within`` (a region IRI), of
    only what the cells of that region and those under it can rest on, unless the whole one is
    already made (a province's documents are read in a tenth of the time of the nation's)."""
    found = _CACHE.get(table)
    if found is None:
        if within is not None:
            return _index(table.timed(within))
        found = _CACHE[table] = _index(table.timed())
    return found


def document_ids(
    timed: TimedIndex,
    found: Cell,
    shared: dict[tuple[str, ...], tuple[tuple[int, str], ...]] | None = None,
) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    """A computed cell's evidence and fall-back as the gap table's document ids, in its order;
    each fall-back with its relation to the cell (ancestor, relevant-for). ``shared`` keeps
    the ids of fall-backs of ancestors alone: most counties share their prefecture's list."""
    # rdflib's terms are not equal to their text: the ids are looked up by str().
    ids = timed.ids
    evidence = tuple(sorted(ids[i] for i in map(str, found.evidence) if i in ids))
    if not found.fallback:
        return evidence, ()
    named = timed.index.by_follower.get(found.region)
    if not named and shared is not None and (known := shared.get(found.fallback)) is not None:
        return evidence, known
    followed = {str(d.iri) for d in named} if named else set()
    fallback = tuple(
        sorted(
            (ids[i], "relevant-for" if i in followed else "ancestor")
            for i in map(str, found.fallback)
            if i in ids
        )
    )
    if not named and shared is not None:
        shared[found.fallback] = fallback
    return evidence, fallback


def row_of(
    timed: TimedIndex,
    region: CellRow,
    found: Cell,
    shared: dict[tuple[str, ...], tuple[tuple[int, str], ...]] | None = None,
) -> CellRow:
    """A computed cell as the gap table's row for it: document ids in the table's order."""
    evidence, fallback = document_ids(timed, found, shared)
    # The region's columns, then the cell's, by position (a report makes 8,000 of them).
    return CellRow(
        *region[:9], found.tier, found.status, found.rest, evidence, fallback, region.population
    )


def cells_as_of(
    table: GapTable,
    year: int,
    regions: Iterable[CellRow],
    *,
    tier: str | None = None,
    domain: str | None = None,
    within: str | None = None,
) -> Iterator[CellRow]:
    """The cells of ``regions`` (from :meth:`GapTable.regions`; all of them ``within`` that
    region IRI, if given) as of ``year``: regions whose code was not yet in use are left out."""
    return cells_of(timed_index(table, within), regions, year, tier=tier, domain=domain)


def cells_of(
    timed: TimedIndex,
    regions: Iterable[CellRow],
    year: int,
    *,
    tier: str | None = None,
    domain: str | None = None,
) -> Iterator[CellRow]:
    """The cells of ``regions`` as of ``year`` over ``timed``."""
    index = timed.index
    tiers = [tier] if tier else index.tiers
    shared: dict[tuple[str, ...], tuple[tuple[int, str], ...]] = {}
    for region in regions:
        node = cast("URIRef", region.region)  # a str, as every key of the index
        if not index.exists(node, year):
            continue
        for one in tiers:
            yield row_of(timed, region, cell(index, node, one, domain or None, year), shared)


_SCHEME = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept WHERE { ?concept skos:inScheme <https://w3id.org/policygraph/id/%s> }
"""


def _slug(term: object) -> str:
    return str(term).rsplit("/", 1)[-1] if term is not None else ""


def _year(term: object) -> int | None:
    text = str(term) if term is not None else ""
    return int(text[:4]) if text[:4].isdigit() else None


def query_index(store: GraphStore) -> tuple[TimedIndex, dict[int, DocumentRow]]:
    """The index and the documents' rows as the gap table holds them, read with the named
    queries ``gaps/region-tree`` and ``gaps/validity`` (a store without a gap table)."""
    from policygraph.queries import run_query

    tree: dict[str, tuple[Any, ...]] = {}
    for row in run_query(store, "gaps/region-tree", {}).dicts():
        iri = str(row["region"])
        if iri not in tree:
            parent = str(row["parent"]) if row["parent"] is not None else ""
            tree[iri] = (iri, str(row["code"]), _slug(row["level"]), parent, _year(row["since"]))
    docs: dict[str, dict[str, Any]] = {}
    for row in run_query(store, "gaps/validity", {}).dicts():
        iri = str(row["document"])
        doc = docs.setdefault(iri, {"row": row, "tiers": set(), "domains": set(), "follows": set()})
        for key, name in (("tiers", "tier"), ("domains", "domain")):
            if row[name] is not None:
                doc[key].add(_slug(row[name]))
        if row["follows"] is not None:
            doc["follows"].add(str(row["follows"]))
    shown = sorted(iri for iri, doc in docs.items() if _shown(doc["row"], tree))
    ids = {iri: i for i, iri in enumerate(shown)}
    provision = []
    for iri, doc in docs.items():  # TimedRows.of puts them in IRI order
        row = doc["row"]
        start = _year(row["inForce"]) if row["inForce"] is not None else _year(row["year"])
        ends = [y for y in (_year(row["ended"]), _year(row["repealFrom"])) if y is not None]
        provision.append(
            (
                iri,
                ids.get(iri),
                str(row["holder"]),
                int(_slug(row["specificity"]) == "dedicated"),
                ";".join(sorted(doc["tiers"])),
                ";".join(sorted(doc["domains"])),
                sorted(doc["follows"]),
                start,
                min(ends, default=None),
            )
        )
    schemes = {
        name: tuple(sorted(_slug(c) for (c,) in store.select(_SCHEME % name)))
        for name in ("tier", "domain")
    }
    rows = TimedRows.of(schemes["tier"], schemes["domain"], tree.values(), provision)
    documents = {
        ids[iri]: DocumentRow(
            iri=iri,
            title=str(row["title"]),
            number=str(row["number"] or ""),
            year=str(row["year"] or ""),
            specificity=_slug(row["specificity"]),
            holder=str(row["holderCode"]),
            holder_label=str(row["holderLabel"]),
            holder_level=_slug(row["holderLevel"]),
        )
        for iri, doc in docs.items()
        if iri in ids and (row := doc["row"]) is not None
    }
    return _index(rows), documents


def _shown(row: dict[str, Any], tree: dict[str, tuple[Any, ...]]) -> bool:
    """Whether a report can list the document: what the gap table and ``gaps/provision`` need
    (a holder that is a region with code, English label and level; a title; a specificity)."""
    return (
        str(row["holder"]) in tree
        and all(row[k] is not None for k in ("title", "specificity", "holderCode"))
        and row["holderLabel"] is not None
        and row["holderLevel"] is not None
    )
