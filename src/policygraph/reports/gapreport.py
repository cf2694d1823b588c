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
from policygraph.reports.textwidth import clip, ljust, width
from policygraph.wording import count

__all__ = ["FORMATS", "by_region", "claim_verdicts", "render", "summary_line", "to_json_data"]

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
UNSURVEYED = "NOT SURVEYED: no source studied it (no data ≠ no policy)"
NO_PARENT_DOCUMENT = "no dedicated document for this tier"


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


def _then(checks: Iterable[ClaimCheck]) -> str:
    """The verdict as of the claim's source's year, where it is not today's."""
    differing = sorted({(c.year, c.verdict_then) for c in checks if c.differs_in_time})
    if not differing:
        return ""
    year, verdict = differing[0]
    return f" (as of {year}, its source's year: {verdict})"


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


def summary_line(report: GapReport) -> str:
    s = summary(report)
    statuses = " · ".join(f"{k} {v}" for k, v in s["by_status"].items())
    line = (
        f"{count(s['regions'], 'region')} ({s['surveyed']:,} surveyed, "
        f"{s['regions'] - s['surveyed']:,} not), {count(s['cells'], 'cell')}: {statuses}"
    )
    if "listed" in s:
        listed = (
            "the surveyed region" if s["listed"] == 1 else f"the {s['listed']:,} surveyed regions"
        )
        line += f" (listed: {listed}; gaps --all lists every cell)"
    return line


def province_lines(report: GapReport) -> list[str]:
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
                    overview.province_labels.get(code, ""),
                    overview.province_labels_zh.get(code, ""),
                )
                if n
            ),
            60,
        )
        for code in overview.provinces
    }
    # Display columns, not characters: a Chinese character takes two.
    wide = max([len("province"), *map(width, names.values())])
    head = f"{ljust('province', wide)} {'regions':>7} {'surveyed':>8} {'population':>13}  "
    head += "  ".join(f"{s:>12}" for s in STATUSES)
    lines = ["By province (every matching cell; not surveyed is not no policy):", head]
    for code, row in overview.provinces.items():
        people = f"{row['population']:,}" if row["population"] else "-"
        lines.append(
            f"{ljust(names[code], wide)} {row['regions']:>7,} {row['surveyed']:>8,} {people:>13}  "
            + "  ".join(f"{row[s]:>12,}" for s in STATUSES)
        )
    return [*lines, ""]


def _docs(documents: Iterable[Document], limit: int = 4) -> str:
    docs = list(documents)
    shown = "; ".join(_doc(d) for d in docs[:limit])
    return shown + (f"; +{len(docs) - limit} more" if len(docs) > limit else "")


def _doc(doc: Document) -> str:
    return clip(doc.short, 48)


def to_text(report: GapReport) -> str:
    filters = " · ".join(f"{k} {v}" for k, v in report.filters.items() if k != "assumption")
    lines = [f"Gap report ({filters})", ""]
    if "assumption" in report.filters:
        lines[1:1] = [f"As of {report.filters['as_of']}: {report.filters['assumption']}."]
    lines += province_lines(report)
    for cells in by_region(report):
        first = cells[0]
        seen = "surveyed" if first.surveyed else UNSURVEYED
        people = f"  population {first.population:,}" if first.population is not None else ""
        names = "  ".join(n for n in (first.label, first.label_zh) if n)
        lines.append(f"{first.code}  {names}  [{seen}]{people}")
        for gap in cells:
            if gap.evidence:
                detail = "own: " + _docs(gap.evidence)
            elif gap.fallback:
                holder = gap.fallback[0]
                detail = f"falls back on {holder.holder_label} ({holder.holder}): " + _docs(
                    gap.fallback
                )
                if gap.fallback_rest:
                    detail += f" (and {gap.fallback_rest} from higher levels)"
                if gap.parent and all(d.holder != gap.parent for d in gap.fallback):
                    detail += f" [parent {gap.parent_label} ({gap.parent}): {NO_PARENT_DOCUMENT}]"
            else:
                detail = "no document at any level"
            lines.append(f"  {gap.tier:<11} {gap.status:<13} {detail}")
        unchecked = []
        for check, verdict, tiers in claim_verdicts(cells):
            if verdict == "not-checkable":
                unchecked.append(check.id)
                continue
            where = f" on {', '.join(tiers)}" if tiers else ""
            then = _then(c for g in cells for c in g.claims if c.id == check.id)
            lines.append(f"  claim {check.id:<5} {verdict}{where}{then}: {clip(check.comment, 80)}")
        if unchecked:
            lines.append(f"  claims the documents cannot check: {', '.join(unchecked)}")
        lines.append("")
    lines.append(summary_line(report))
    disagreements = report.disagreements()
    if not disagreements:
        lines.append("Claims the graph disagrees with: none.")
    else:
        lines.append("Claims the graph disagrees with:")
        for gap, check in disagreements:
            lines.append(
                f"  {check.id} [{check.locator}] on {gap.code} {gap.label}, {gap.tier}: "
                f"the region has its own dedicated document {check.counterexample}" + _then([check])
            )
    return "\n".join(lines) + "\n"


def _markdown_provinces(overview: Overview) -> list[str]:
    lines = ["| province | regions | surveyed | population | " + " | ".join(STATUSES) + " |"]
    lines.append("|---|---:|---:|---:|" + "---:|" * len(STATUSES))
    for code, row in overview.provinces.items():
        name = f"{code} {overview.province_labels.get(code, '')}".strip()
        cells = [name, f"{row['regions']:,}", f"{row['surveyed']:,}", f"{row['population']:,}"]
        cells += [f"{row[s]:,}" for s in STATUSES]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def to_markdown(report: GapReport) -> str:
    tiers = [t for t in TIERS if any(g.tier == t for g in report.gaps)]
    lines = _markdown_provinces(report.overview) if report.overview is not None else []
    if "as_of" in report.filters:  # a status of another year must not pass for today's
        lines[:0] = [f"As of {report.filters['as_of']}: {report.filters['assumption']}.", ""]
    lines.append("| code | region | surveyed | population | " + " | ".join(tiers) + " |")
    lines.append("|---|---|---|---:|" + "---|" * len(tiers))
    for cells in by_region(report):
        by_tier = {g.tier: g.status for g in cells}
        people = f"{cells[0].population:,}" if cells[0].population is not None else ""
        row = [cells[0].code, cells[0].label, "yes" if cells[0].surveyed else "**no**", people]
        row += [by_tier.get(t, "") for t in tiers]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    lines += ["", summary_line(report), ""]
    for gap, check in report.disagreements():
        lines.append(f"- {check.id} ({check.locator}) disagrees on {gap.code} {gap.tier}")
    return "\n".join(lines).rstrip() + "\n"


def to_csv(report: GapReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for gap in report.gaps:
        writer.writerow(
            safe_row(
                [
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
            )
        )
    return out.getvalue()


def to_json_data(report: GapReport) -> dict[str, Any]:
    """The JSON report as plain dicts and lists."""
    data: dict[str, Any] = orjson.loads(_json_bytes(report))
    return data


def _json_tree(report: GapReport) -> dict[str, Any]:
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
                        "evidence": g.evidence,
                        "fallback": g.fallback,
                        "claims": g.claims,
                    }
                    for g in cells
                ],
            }
        )
    return {
        "schema": SCHEMA,
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


def _json_bytes(report: GapReport) -> bytes:
    return orjson.dumps(_json_tree(report), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def to_json(report: GapReport) -> str:
    """Indented by two spaces, not ASCII-escaped: what ``json.dumps(indent=2, ensure_ascii=False)``
    writes, byte for byte, at a fiftieth of the time."""
    return _json_bytes(report).decode("utf-8")


def to_html(report: GapReport) -> str:
    from policygraph.reports.templates import environment  # Jinja2: 25 ms, for HTML only

    template = environment().get_template("gaps.html.j2")
    tiers = [t for t in TIERS if any(g.tier == t for g in report.gaps)]
    return template.render(
        report=report,
        regions=by_region(report),
        tiers=tiers,
        summary=summary(report),
        summary_line=summary_line(report),
        claim_verdicts=claim_verdicts,
        statuses=STATUSES,
    )


def render(report: GapReport, fmt: str) -> str:
    return {
        "text": to_text,
        "md": to_markdown,
        "csv": to_csv,
        "json": to_json,
        "html": to_html,
    }[fmt](report)
