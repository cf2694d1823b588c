"""The gap report in the formats of ``policygraph gaps --format``.

The JSON form is a stable schema (``"schema": "policygraph/gaps/1"``), documented in the README:
``filters``, ``summary`` and ``regions``, each region with its ``cells`` (one per tier).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import orjson

from policygraph.gaps import STATUSES, TIERS, ClaimCheck, Document, Gap, GapReport, Overview
from policygraph.reports.csvcells import safe_row
from policygraph.reports.language import N_, Language
from policygraph.reports.textwidth import clip, ljust, rjust, width

__all__ = [
    "FORMATS",
    "by_region",
    "claim_verdicts",
    "filters_text",
    "json_bytes",
    "render",
    "summary_line",
    "to_json_data",
]

FORMATS = ("text", "md", "csv", "json", "html")
SCHEMA = "policygraph/gaps/1"
CSV_COLUMNS = (
    "code",
    "region",
    "region_zh",
    "parent",
    "parent_label",
    "autonomous",
    "tier",
    "status",
    "surveyed",
    "population",
    "evidence",
    "fallback",
    "fallback_numbers",
    "fallback_titles",
    "claims",
    "iri",
)
UNSURVEYED = N_("NOT SURVEYED: no source studied it (no data ≠ no policy)")
NO_PARENT_DOCUMENT = N_("no dedicated document for this tier")
_EN = Language()


def by_region(report: GapReport) -> list[list[Gap]]:
    """The cells by region, in the report's order (by code, or by population)."""
    grouped: dict[str, list[Gap]] = {}
    for gap in report.gaps:
        grouped.setdefault(gap.code, []).append(gap)
    return list(grouped.values())


def claim_verdicts(cells: Iterable[Gap]) -> list[tuple[ClaimCheck, str, list[str]]]:
    """One entry per claim over a region's cells: the overall verdict and the disagreeing tiers."""
    seen: dict[str, tuple[ClaimCheck, list[str], list[str]]] = {}
    for gap in cells:
        for check in gap.claims:
            entry = seen.setdefault(check.id, (check, [], []))
            entry[1].append(check.verdict)
            if check.verdict == "disagrees":
                entry[2].append(gap.tier)
    out = []
    for check, verdicts, tiers in seen.values():
        verdict = "disagrees" if tiers else verdicts[0] if len(set(verdicts)) == 1 else "agrees"
        out.append((check, verdict, tiers))
    return sorted(out, key=lambda e: _claim_order(e[0].id))


def _then(checks: Iterable[ClaimCheck], lang: Language) -> str:
    """The verdict as of the claim's source's year, where it is not today's."""
    differing = sorted({(c.year, c.verdict_then) for c in checks if c.differs_in_time})
    if not differing:
        return ""
    year, verdict = differing[0]
    return lang._(" (as of {year}, its source's year: {verdict})").format(
        year=year, verdict=lang._(verdict)
    )


def _claim_order(ident: str) -> tuple[str, int, str]:
    """s0/3 before s0/13: by source, then by number."""
    source, _, number = ident.rpartition("/")
    return (source, int(number), "") if number.isdigit() else (source, 0, number)


def summary(report: GapReport) -> dict[str, Any]:
    """Counts over every matching cell (the overview's, when only surveyed regions are listed)."""
    if report.overview is not None:
        o = report.overview
        return {
            "regions": o.regions,
            "surveyed": o.surveyed,
            "cells": o.cells,
            "by_status": o.by_status,
            "disagreements": len(report.disagreements()),
            "listed": len(report.regions),
        }
    surveyed = {g.code for g in report.gaps if g.surveyed}
    return {
        "regions": len(report.regions),
        "surveyed": len(surveyed),
        "cells": len(report.gaps),
        "by_status": report.by_status(),
        "disagreements": len(report.disagreements()),
    }


def summary_line(report: GapReport, lang: Language = _EN) -> str:
    s = summary(report)
    statuses = " · ".join(f"{lang.term(k)} {v}" for k, v in s["by_status"].items())
    line = lang._(
        "{regions} ({surveyed} surveyed, {not_surveyed} not), {cells}: {statuses}"
    ).format(
        regions=lang.n("{n} region", "{n} regions", s["regions"]),
        surveyed=f"{s['surveyed']:,}",
        not_surveyed=f"{s['regions'] - s['surveyed']:,}",
        cells=lang.n("{n} cell", "{n} cells", s["cells"]),
        statuses=statuses,
    )
    if "listed" in s:
        listed = lang.n("the surveyed region", "the {n} surveyed regions", s["listed"])
        line += lang._(" (listed: {listed}; gaps --all lists every cell)").format(listed=listed)
    return line


def province_lines(report: GapReport, lang: Language = _EN) -> list[str]:
    """The overview by province: regions, how many a source studied, cells by status."""
    if report.overview is None:
        return []
    overview = report.overview
    names = {
        code: clip(
            " ".join(
                n
                for n in (
                    code,
                    lang.name(
                        overview.province_labels.get(code, ""),
                        overview.province_labels_zh.get(code, ""),
                        sep=" ",
                    ),
                )
                if n
            ),
            60,
        )
        for code in overview.provinces
    }
    heads = [lang._(h) for h in ("province", "regions", "surveyed", "population")]
    statuses = [lang.term(s) for s in STATUSES]
    # Display columns, not characters: a Chinese character takes two.
    wide = max([width(heads[0]), *map(width, names.values())])
    cols = [max(7, width(heads[1])), max(8, width(heads[2])), max(13, width(heads[3]))]
    stat = [max(12, width(s)) for s in statuses]
    head = " ".join(
        [ljust(heads[0], wide), *(rjust(h, w) for h, w in zip(heads[1:], cols, strict=True))]
    )
    head += "  " + "  ".join(rjust(s, w) for s, w in zip(statuses, stat, strict=True))
    title = lang._("By province (every matching cell; not surveyed is not no policy):")
    lines = [title, head]
    for code, row in overview.provinces.items():
        people = f"{row['population']:,}" if row["population"] else "-"
        values = [f"{row['regions']:,}", f"{row['surveyed']:,}", people]
        lines.append(
            " ".join(
                [
                    ljust(names[code], wide),
                    *(rjust(v, w) for v, w in zip(values, cols, strict=True)),
                ]
            )
            + "  "
            + "  ".join(rjust(f"{row[s]:,}", w) for s, w in zip(STATUSES, stat, strict=True))
        )
    return [*lines, ""]


def _docs(documents: Iterable[Document], limit: int = 4) -> str:
    docs = list(documents)
    shown = "; ".join(_doc(d) for d in docs[:limit])
    return shown + (f"; +{len(docs) - limit} more" if len(docs) > limit else "")


def _doc(doc: Document) -> str:
    return clip(doc.short, 48)


def filters_text(report: GapReport, lang: Language = _EN) -> str:
    """The report's filters as its heading gives them: "level county · tier commercial"."""

    def value(key: str, text: str) -> str:
        if key == "listed":
            return lang._(text)
        if key == "autonomous" and lang.zh:  # a flag, "true" when given: English echoes it
            return lang._("yes") if text == "true" else lang._("no")
        return lang.join(map(lang.term, text.split(",")), english=",")

    return " · ".join(
        f"{lang._(k)} {value(k, v)}" for k, v in report.filters.items() if k != "assumption"
    )


def _as_of_lines(report: GapReport, lang: Language) -> list[str]:
    """A report as of a year says so, with the assumption its statuses rest on: a status of
    another year must not pass for today's."""
    if "as_of" not in report.filters:
        return []
    return [
        lang._("As of {year}: {assumption}.").format(
            year=report.filters["as_of"], assumption=lang._(report.filters["assumption"])
        )
    ]


def _detail(gap: Gap, lang: Language) -> str:
    """What gives a cell its status: its own documents, or what it falls back on."""
    if gap.evidence:
        return lang._("own: ") + _docs(gap.evidence)
    if not gap.fallback:
        return lang._("no document at any level")
    holder = gap.fallback[0]
    detail = lang._("falls back on {holder} ({code}): ").format(
        holder=lang.region(holder.holder, holder.holder_label), code=holder.holder
    ) + _docs(gap.fallback)
    if gap.fallback_rest:
        detail += lang._(" (and {n} from higher levels)").format(n=gap.fallback_rest)
    if gap.parent and all(d.holder != gap.parent for d in gap.fallback):
        detail += lang._(" [parent {parent} ({code}): {what}]").format(
            parent=lang.region(gap.parent, gap.parent_label),
            code=gap.parent,
            what=lang._(NO_PARENT_DOCUMENT),
        )
    return detail


def to_text(report: GapReport, lang: Language = _EN) -> str:
    lines = [lang._("Gap report ({filters})").format(filters=filters_text(report, lang))]
    lines += [*_as_of_lines(report, lang), ""]
    lines += province_lines(report, lang)
    tier_width = max([11, *(width(lang.term(t)) for t in TIERS)])
    status_width = max([13, *(width(lang.term(s)) for s in STATUSES)])
    for cells in by_region(report):
        first = cells[0]
        seen = lang._("surveyed") if first.surveyed else lang._(UNSURVEYED)
        people = (
            lang._("  population {n}").format(n=f"{first.population:,}")
            if first.population is not None
            else ""
        )
        lines.append(f"{first.code}  {lang.name(first.label, first.label_zh)}  [{seen}]{people}")
        for gap in cells:
            tier, status = ljust(lang.term(gap.tier), tier_width), lang.term(gap.status)
            lines.append(f"  {tier} {ljust(status, status_width)} {_detail(gap, lang)}")
        unchecked = []
        for check, verdict, tiers in claim_verdicts(cells):
            if verdict == "not-checkable":
                unchecked.append(check.id)
                continue
            where = lang._(" on {tiers}").format(tiers=", ".join(map(lang.term, tiers)))
            lines.append(
                lang._("  claim {id} {verdict}{where}: {comment}").format(
                    id=f"{check.id:<5}",
                    verdict=lang._(verdict),
                    where=(where if tiers else "")
                    + _then((c for g in cells for c in g.claims if c.id == check.id), lang),
                    comment=clip(check.comment, 80),
                )
            )
        if unchecked:
            lines.append(
                lang._("  claims the documents cannot check: {ids}").format(
                    ids=", ".join(unchecked)
                )
            )
        lines.append("")
    lines.append(summary_line(report, lang))
    disagreements = report.disagreements()
    if not disagreements:
        lines.append(lang._("Claims the graph disagrees with: none."))
    else:
        lines.append(lang._("Claims the graph disagrees with:"))
        for gap, check in disagreements:
            lines.append(
                lang._(
                    "  {id} [{locator}] on {code} {region}, {tier}: the region has its own "
                    "dedicated document {document}"
                ).format(
                    id=check.id,
                    locator=check.locator,
                    code=gap.code,
                    region=lang.name(gap.label, gap.label_zh) if lang.zh else gap.label,
                    tier=lang.term(gap.tier),
                    document=check.counterexample,
                )
                + _then([check], lang)
            )
    return "\n".join(lines) + "\n"


def _markdown_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _markdown_provinces(overview: Overview, lang: Language) -> list[str]:
    heads = [lang._(h) for h in ("province", "regions", "surveyed", "population")]
    lines = [_markdown_row([*heads, *map(lang.term, STATUSES)])]
    lines.append("|---|---:|---:|---:|" + "---:|" * len(STATUSES))
    for code, row in overview.provinces.items():
        names = lang.name(
            overview.province_labels.get(code, ""),
            overview.province_labels_zh.get(code, ""),
            sep=" ",
        )
        name = f"{code} {names}".strip()
        cells = [name, f"{row['regions']:,}", f"{row['surveyed']:,}", f"{row['population']:,}"]
        cells += [f"{row[s]:,}" for s in STATUSES]
        lines.append(_markdown_row(cells))
    return [*lines, ""]


def to_markdown(report: GapReport, lang: Language = _EN) -> str:
    tiers = [t for t in TIERS if any(g.tier == t for g in report.gaps)]
    lines = _markdown_provinces(report.overview, lang) if report.overview is not None else []
    if as_of := _as_of_lines(report, lang):
        lines[:0] = [*as_of, ""]
    heads = [lang._(h) for h in ("code", "region", "surveyed", "population")]
    lines.append(_markdown_row([*heads, *map(lang.term, tiers)]))
    lines.append("|---|---|---|---:|" + "---|" * len(tiers))
    yes, no = lang._("yes"), "**" + lang._("no") + "**"
    for cells in by_region(report):
        first = cells[0]
        by_tier = {g.tier: lang.term(g.status) for g in cells}
        people = f"{first.population:,}" if first.population is not None else ""
        name = lang.name(first.label, first.label_zh, sep=" ")
        row = [first.code, name, yes if first.surveyed else no, people]
        row += [by_tier.get(t, "") for t in tiers]
        lines.append(_markdown_row(row))
    lines += ["", summary_line(report, lang), ""]
    for gap, check in report.disagreements():
        lines.append(
            lang._("- {id} ({locator}) disagrees on {code} {tier}").format(
                id=check.id, locator=check.locator, code=gap.code, tier=lang.term(gap.tier)
            )
        )
    return "\n".join(lines).rstrip() + "\n"


#: Columns a Chinese CSV adds at the end (the others keep their names and values, so a script
#: reads either): the tier and status as the data labels them in Chinese.
CSV_LABEL_COLUMNS = ("tier_label", "status_label")


def to_csv(report: GapReport, lang: Language = _EN) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + CSV_LABEL_COLUMNS if lang.zh else CSV_COLUMNS)
    for gap in report.gaps:
        row = [
            gap.code,
            gap.label,
            gap.label_zh,
            gap.parent,
            gap.parent_label,
            "true" if gap.autonomous else "false",
            gap.tier,
            gap.status,
            "true" if gap.surveyed else "false",
            "" if gap.population is None else str(gap.population),
            ";".join(d.iri for d in gap.evidence),
            ";".join(d.iri for d in gap.fallback),
            # One entry per fall-back document, in the order of its IRIs (empty where
            # a document has no number).
            "; ".join(d.number for d in gap.fallback),
            "; ".join(d.title for d in gap.fallback),
            ";".join(f"{c.id}:{c.verdict}" for c in gap.claims),
            gap.region,
        ]
        if lang.zh:
            row += [lang.term(gap.tier), lang.term(gap.status)]
        writer.writerow(safe_row(row))
    return out.getvalue()


def to_json_data(report: GapReport, lang: Language = _EN) -> dict[str, Any]:
    """The JSON report as plain dicts and lists."""
    data: dict[str, Any] = orjson.loads(json_bytes(report, lang))
    return data


def _json_tree(report: GapReport, lang: Language) -> dict[str, Any]:
    # Documents and claims stay dataclasses: orjson writes their fields in order, as asdict would.
    regions = []
    for cells in by_region(report):
        first = cells[0]
        regions.append(
            {
                "iri": first.region,
                "code": first.code,
                "label": first.label,
                "label_zh": first.label_zh,
                "surveyed": first.surveyed,
                "population": first.population,
                "cells": [
                    {
                        "tier": g.tier,
                        "status": g.status,
                        **(
                            {"tier_label": lang.term(g.tier), "status_label": lang.term(g.status)}
                            if lang.zh
                            else {}
                        ),
                        "evidence": g.evidence,
                        "fallback": g.fallback,
                        "claims": g.claims,
                    }
                    for g in cells
                ],
            }
        )
    # The Chinese report adds the words a reader sees (the English one is as it always was):
    # the summary in Chinese and each slug's label from the data; the slugs stay the keys.
    words = {
        "lang": lang.code,
        "labels": {
            "statuses": {s: lang.term(s) for s in STATUSES},
            "tiers": {t: lang.term(t) for t in TIERS},
            "summary": summary_line(report, lang),
        },
    }
    return {
        "schema": SCHEMA,
        **(words if lang.zh else {}),
        "statuses": list(STATUSES),
        "filters": report.filters,
        "summary": summary(report),
        **({"provinces": _provinces(report.overview)} if report.overview is not None else {}),
        "regions": regions,
    }


def _provinces(overview: Overview) -> dict[str, dict[str, Any]]:
    labels, chinese = overview.province_labels, overview.province_labels_zh
    return {
        code: {"label": labels.get(code), "label_zh": chinese.get(code), **row}
        for code, row in overview.provinces.items()
    }


def json_bytes(report: GapReport, lang: Language = _EN) -> bytes:
    """The report as :func:`to_json` writes it, encoded in UTF-8."""
    return orjson.dumps(
        _json_tree(report, lang), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    )


def to_json(report: GapReport, lang: Language = _EN) -> str:
    """Indented by two spaces, not ASCII-escaped: what ``json.dumps(indent=2, ensure_ascii=False)``
    writes, byte for byte, at a fiftieth of the time."""
    return json_bytes(report, lang).decode("utf-8")


def to_html(report: GapReport, lang: Language = _EN) -> str:
    from policygraph.reports.templates import environment  # Jinja2: 25 ms, for HTML only

    template = environment(lang.code).get_template("gaps.html.j2")
    tiers = [t for t in TIERS if any(g.tier == t for g in report.gaps)]
    return template.render(
        report=report,
        regions=by_region(report),
        tiers=tiers,
        summary=summary(report),
        summary_line=summary_line(report, lang),
        filters=filters_text(report, lang),
        claim_verdicts=claim_verdicts,
        statuses=STATUSES,
        lang=lang,
    )


def render(report: GapReport, fmt: str, lang: Language = _EN) -> str:
    return {
        "text": to_text,
        "md": to_markdown,
        "csv": to_csv,
        "json": to_json,
        "html": to_html,
    }[fmt](report, lang)
