"""A region's timeline (:mod:`policygraph.timeline`) as text or JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from policygraph.gaps import Document
from policygraph.reports.language import N_, Language
from policygraph.reports.textwidth import ljust
from policygraph.timeline import Change, Timeline

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "json")
SCHEMA = "policygraph/timeline/1"

#: The assumption every status as of a year rests on (asof.ASSUMPTION, which the text and the
#: site translate), marked for the catalogue here: asof.py sits below the reports.
ASSUMPTION = N_(
    "documents are taken to be in force from their year (or date) on, unless a source says when "
    "they took effect, and to stay in force: no source in the data gives a cessation or a "
    "repeal; documents with no year count in no year's status"
)


def _docs(documents: Iterable[Document], lang: Language) -> str:
    return "; ".join(
        lang._("{document} ({holder})").format(
            document=d.short, holder=lang.region(d.holder, d.holder_label)
        )
        for d in documents
    )


def _change_line(change: Change, first: str, lang: Language) -> str:
    line = f"  {change.year}  {ljust(lang.term(change.status), 13)}"
    if change.before is None:
        line += f" {first}"
        if change.entered:
            line += lang._("; on {documents}").format(documents=_docs(change.entered, lang))
        return line
    line += lang._(" (was {status})").format(status=lang.term(change.before))
    if change.entered:
        line += lang._("  + {documents}").format(documents=_docs(change.entered, lang))
    if change.left:
        line += lang._("  no longer in force: {documents}").format(
            documents=_docs(change.left, lang)
        )
    return line


def to_text(timeline: Timeline, lang: Language | None = None) -> str:
    lang = lang or Language()
    _ = lang._
    names = lang.name(timeline.label, timeline.label_zh)
    since = (
        _("code in use since {year}").format(year=timeline.since)
        if timeline.since is not None
        else _("years in use not recorded")
    )
    domain = _(", domain {domain}").format(domain=timeline.domain) if timeline.domain else ""
    head = _("Timeline of {code}  {names}  ({since}{domain})")
    lines = [head.format(code=timeline.code, names=names, since=since, domain=domain), ""]
    for tier, changes in timeline.tiers.items():
        today = _("{tier}  (today: {status})")
        lines.append(today.format(tier=lang.term(tier), status=lang.term(timeline.today[tier])))
        known = timeline.since is not None
        first = _("first year in use") if known else _("first year of a document")
        lines += [_change_line(change, first, lang) for change in changes]
        lines.append("")
    if timeline.undated:
        undated = _("Counted today but in no year (no year known): {documents}.")
        lines.append(undated.format(documents=_docs(timeline.undated, lang)))
    assumption = _(timeline.assumption)
    lines.append(_("Assumption: {assumption}.").format(assumption=assumption))
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


def to_json(timeline: Timeline, lang: Language | None = None) -> str:
    data = to_json_data(timeline)
    if lang is not None and lang.zh:  # as gaps --format json: the words beside the slugs
        statuses = {c.status for changes in timeline.tiers.values() for c in changes}
        data["lang"] = lang.code
        data["labels"] = {
            "tiers": {t: lang.term(t) for t in timeline.tiers},
            "statuses": {s: lang.term(s) for s in sorted(statuses | set(timeline.today.values()))},
        }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def render(timeline: Timeline, fmt: str, lang: Language | None = None) -> str:
    """``fmt`` text in ``lang``; JSON keeps its keys and slugs (and the English assumption) in
    any language, as the gap report's does."""
    if fmt == "json":
        return to_json(timeline, lang)
    return to_text(timeline, lang)
