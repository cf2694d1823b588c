"""A region's timeline (:mod:`policygraph.timeline`) as text or JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from policygraph.gaps import Document
from policygraph.timeline import Change, Timeline

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "json")
SCHEMA = "policygraph/timeline/1"


def _docs(documents: Iterable[Document]) -> str:
    return "; ".join(f"{d.short} ({d.holder_label})" for d in documents)


def _change_line(change: Change, first: str) -> str:
    line = f"  {change.year}  {change.status:<13}"
    if change.before is None:
        line += f" {first}"
        if change.entered:
            line += f"; on {_docs(change.entered)}"
        return line
    line += f" (was {change.before})"
    if change.entered:
        line += f"  + {_docs(change.entered)}"
    if change.left:
        line += f"  no longer in force: {_docs(change.left)}"
    return line


def to_text(timeline: Timeline) -> str:
    names = "  ".join(n for n in (timeline.label, timeline.label_zh) if n)
    since = (
        f"code in use since {timeline.since}"
        if timeline.since is not None
        else "years in use not recorded"
    )
    domain = f", domain {timeline.domain}" if timeline.domain else ""
    lines = [f"Timeline of {timeline.code}  {names}  ({since}{domain})", ""]
    for tier, changes in timeline.tiers.items():
        lines.append(f"{tier}  (today: {timeline.today[tier]})")
        first = "first year in use" if timeline.since is not None else "first year of a document"
        lines += [_change_line(change, first) for change in changes]
        lines.append("")
    if timeline.undated:
        lines.append(
            "Counted today but in no year (no year known): " + _docs(timeline.undated) + "."
        )
    lines.append(f"Assumption: {timeline.assumption}.")
    return "\n".join(lines) + "\n"


def _document(d: Document) -> dict[str, Any]:
    return {
        "iri": d.iri,
        "number": d.number,
        "title": d.title,
        "year": d.year,
        "holder": d.holder,
        "holder_label": d.holder_label,
    }


def to_json_data(timeline: Timeline) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "region": {
            "iri": timeline.region,
            "code": timeline.code,
            "label": timeline.label,
            "label_zh": timeline.label_zh,
            "since": timeline.since,
        },
        "domain": timeline.domain,
        "assumption": timeline.assumption,
        "tiers": {
            tier: {
                "today": timeline.today[tier],
                "changes": [
                    {
                        "year": c.year,
                        "status": c.status,
                        "before": c.before,
                        "entered": [_document(d) for d in c.entered],
                        "left": [_document(d) for d in c.left],
                    }
                    for c in changes
                ],
            }
            for tier, changes in timeline.tiers.items()
        },
        "undated": [_document(d) for d in timeline.undated],
    }


def to_json(timeline: Timeline) -> str:
    data = to_json_data(timeline)
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def render(timeline: Timeline, fmt: str) -> str:
    return {"text": to_text, "json": to_json}[fmt](timeline)
