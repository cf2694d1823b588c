"""The timeline section of a region's page: its gap status by tier through the years, as a bar
per tier (one segment per status, as wide as the years it lasted) and the documents that
changed it (:mod:`policygraph.timeline`)."""

from __future__ import annotations

from typing import Any

from policygraph.gaptable import GapTable
from policygraph.reports.sitegaps import doc_link
from policygraph.timeline import Timeline, timeline_of

__all__ = ["timeline_section"]


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
