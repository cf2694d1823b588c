"""The timeline section of a region's page: its gap status by tier through the years, as a bar
per tier (one segment per status, as wide as the years it lasted) and the documents that
changed it (:mod:`policygraph.timeline`); and the data of the year selector that region pages
and the gap table carry.

The selector shows each cell as of a chosen year without a server: its status and the documents
listed beside it, its evidence and fall-back, as ``gaps --as-of`` lists them. The years in which
each cell's status or documents changed are computed once here, when the site is written, by
the timeline's own computation (:func:`policygraph.timeline.cell_years`), and shipped in the
page as a compact JSON block that ``assets/gapyears.js`` reads: ``1981n,1991i0,2015i1`` is none
from 1981, inherited from 1991 with the page's listing 0, from 2015 with its listing 1. A
listing is a set of documents some cells list in some years, numbered per page and written
once into it as a ``<template>`` of a row's document cells, by the same macro as today's rows
(the gap table's 8,538 cells list 23 of them). A page opened from disk may not fetch a file,
hence the block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policygraph.asof import ASSUMPTION, TimedIndex, document_ids, query_index, timed_index
from policygraph.gaps import Document
from policygraph.gaptable import GapTable
from policygraph.reports.language import Language
from policygraph.reports.sitegaps import doc_link
from policygraph.status import STATUSES, Cell
from policygraph.store.base import GraphStore
from policygraph.timeline import Documents, Timeline, cell_years, documents_in, timeline_of

__all__ = ["GapYears", "Listing", "YearBlock", "timeline_section"]

#: The narrowest segment of a timeline bar, in percent of the bar, that is labelled with its
#: first year: a narrower one cut the year ("202" for 2020, beside 2021); its hover title and the
#: line below the bar still give it.
LABELLED_WIDTH = 4.0

#: One letter per status in the compact block.
LETTERS = {"own": "o", "general-only": "g", "inherited": "i", "none": "n"}


def _tier(timeline: Timeline, tier: str, end: int, root: str) -> dict[str, Any]:
    changes = timeline.tiers[tier]
    start = changes[0].year
    span = max(end - start, 1)
    segments = []
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        until = following.year if following is not None else end
        width = 100 * (until - change.year) / span
        segments.append(
            {
                "status": change.status,
                "start": change.year,
                "end": until - 1 if following is not None else None,
                "width": f"{width:.1f}",
                "labelled": width >= LABELLED_WIDTH,
            }
        )
    return {
        "tier": tier,
        "segments": segments,
        "changes": [
            {
                "year": c.year,
                "status": c.status,
                "documents": [doc_link(d, root, 40) for d in c.entered],
                "ended": [doc_link(d, root, 40) for d in c.left],
            }
            for c in changes
        ],
    }


def timeline_section(table: GapTable | None, iri: str, root: str) -> dict[str, Any] | None:
    """The data of a region page's timeline, or None without a gap table or cells."""
    if table is None:
        return None
    timeline = timeline_of(table, iri.rsplit("/", 1)[-1])
    if timeline is None or not any(timeline.tiers.values()):
        return None
    end = max(timeline.last or 0, *(c[-1].year for c in timeline.tiers.values() if c)) + 1
    return {
        "since": timeline.since,
        "first": min(c[0].year for c in timeline.tiers.values() if c),
        "end": end - 1,
        "assumption": timeline.assumption,
        "tiers": [_tier(timeline, tier, end, root) for tier in timeline.tiers],
    }


@dataclass(frozen=True)
class Listing:
    """The documents a cell lists beside its status in some years: its own (evidence), those it
    falls back on, and how many inherited documents the fall-back does not list."""

    evidence: tuple[Document, ...]
    fallback: tuple[Document, ...]
    rest: int


@dataclass(frozen=True)
class YearBlock:
    """The year selector's data for one page: the JSON block the script reads, and the listings
    its years name by number (the page writes each as a template of its document cells)."""

    data: dict[str, Any]
    listings: list[Listing]


#: A period of a cell: from ``year`` on its status, and its listing (None: no document).
Period = tuple[int, str, Listing | None]


class GapYears:
    """Each region's cells by tier through the years, read once per site, and the blocks of the
    pages."""

    def __init__(self, timed: TimedIndex, documents: Documents, lang: Language) -> None:
        self.timed, self.lang = timed, lang
        changes = cell_years(timed, sorted(timed.index.regions.values()))
        found = [c for tiers in changes.values() for cells in tiers.values() for _, c in cells]
        ids = {one: document_ids(timed, one) for one in found}
        rows = documents({i for e, f in ids.values() for i in (*e, *(i for i, _ in f))})
        listings: dict[tuple[object, ...], Listing] = {}

        def listing(one: Cell) -> Listing | None:
            evidence, fallback = ids[one]
            if not evidence and not fallback and not one.rest:
                return None
            key = (evidence, fallback, one.rest)
            if key not in listings:
                listings[key] = Listing(
                    evidence=tuple(Document.of(rows[i], "own") for i in evidence),
                    fallback=tuple(Document.of(rows[i], relation) for i, relation in fallback),
                    rest=one.rest,
                )
            return listings[key]

        self.periods: dict[str, dict[str, list[Period]]] = {
            code: {
                tier: [(year, one.status, listing(one)) for year, one in cells]
                for tier, cells in tiers.items()
            }
            for code, tiers in changes.items()
        }

    @classmethod
    def read(cls, store: GraphStore, lang: Language) -> GapYears:
        table = store.gap_table()
        if table is not None:
            return cls(timed_index(table), table.documents, lang)
        timed, rows = query_index(store)
        return cls(timed, documents_in(rows), lang)

    def block(self, codes: list[str]) -> YearBlock | None:
        """The year selector's data for a page showing the cells of ``codes`` (None: none has
        any)."""
        numbers: dict[Listing, int] = {}

        def period(year: int, status: str, listing: Listing | None) -> str:
            number = "" if listing is None else str(numbers.setdefault(listing, len(numbers)))
            return f"{year:04d}{LETTERS[status]}{number}"

        regions = {
            code: " ".join(
                ",".join(period(*one) for one in periods) for periods in self.periods[code].values()
            )
            for code in codes
            if code in self.periods
        }
        if not regions:
            return None
        # Every page offers the same years, from the first year any region's code was in use:
        # before its own, a region's page says its code was not yet in use.
        first = min(self.timed.index.start.values(), default=min(self.timed.years, default=0))
        lang = self.lang
        data = {
            "tiers": list(self.timed.index.tiers),
            "letters": {letter: status for status, letter in LETTERS.items()},
            "words": {status: lang.term(status) for status in STATUSES},
            "not_in_use": lang._("code not yet in use"),
            "note": lang._("As of {year}: {assumption}.").replace(
                "{assumption}", lang._(ASSUMPTION)
            ),
            "years": list(range(first, max(self.timed.years, default=first) + 1)),
            "regions": regions,
        }
        return YearBlock(data, list(numbers))
