"""The timeline section of a region's page: its gap status by tier through the years, as a bar
per tier (one segment per status, as wide as the years it lasted) and the documents that
changed it (:mod:`policygraph.timeline`); and the data of the year selector that region pages
and the gap table carry.

The selector shows each status as of a chosen year without a server: the years in which each
region's status changed, per tier, are computed once here, when the site is written, by the
timeline's own computation (:func:`policygraph.timeline.status_years`), and shipped in the
page as a compact JSON block (``1991i2015o``: inherited from 1991, own from 2015) that
``assets/gapyears.js`` reads. A page opened from disk may not fetch a file, hence the block."""

from __future__ import annotations

from typing import Any

from policygraph.asof import ASSUMPTION, TimedIndex, query_index, timed_index
from policygraph.derive import STATUSES
from policygraph.gaptable import GapTable
from policygraph.reports.language import Language
from policygraph.reports.sitegaps import doc_link
from policygraph.store.base import GraphStore
from policygraph.timeline import Timeline, status_years, timeline_of

__all__ = ["GapYears", "timeline_section"]

#: One letter per status in the compact block.
LETTERS = {"own": "o", "general-only": "g", "inherited": "i", "none": "n"}


def _tier(timeline: Timeline, tier: str, end: int, root: str) -> dict[str, Any]:
    changes = timeline.tiers[tier]
    start = changes[0].year
    span = max(end - start, 1)
    segments = []
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        until = following.year if following is not None else end
        segments.append(
            {
                "status": change.status,
                "start": change.year,
                "end": until - 1 if following is not None else None,
                "width": f"{100 * (until - change.year) / span:.1f}",
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


class GapYears:
    """Each region's status changes by tier, read once per site, and the blocks of the pages."""

    def __init__(self, timed: TimedIndex, lang: Language) -> None:
        self.timed, self.lang = timed, lang
        self.changes = status_years(timed, sorted(timed.index.regions.values()))

    @classmethod
    def read(cls, store: GraphStore, lang: Language) -> GapYears:
        table = store.gap_table()
        return cls(timed_index(table) if table is not None else query_index(store)[0], lang)

    def block(self, codes: list[str]) -> dict[str, Any] | None:
        """The JSON block of a page showing the statuses of ``codes`` (None: none has any)."""
        regions = {
            code: " ".join(
                "".join(f"{year:04d}{LETTERS[status]}" for year, status in changes)
                for changes in self.changes[code].values()
            )
            for code in codes
            if code in self.changes
        }
        if not regions:
            return None
        # Every page offers the same years, from the first year any region's code was in use:
        # before its own, a region's page says its code was not yet in use.
        first = min(self.timed.index.start.values(), default=min(self.timed.years, default=0))
        lang = self.lang
        return {
            "tiers": list(self.timed.index.tiers),
            "letters": {letter: status for status, letter in LETTERS.items()},
            "words": {status: lang.term(status) for status in STATUSES},
            "not_in_use": lang._("code not yet in use"),
            # The statuses change with the year, the documents listed do not (the page holds
            # today's); the note says so, and where the year's documents are.
            "note": lang._("As of {year}: {assumption}.").replace(
                "{assumption}", lang._(ASSUMPTION)
            )
            + " "
            + lang._(
                "The documents listed are today's (dimmed); policygraph gaps --as-of {year} "
                "lists those of the year."
            ),
            "years": list(range(first, max(self.timed.years, default=first) + 1)),
            "regions": regions,
        }
