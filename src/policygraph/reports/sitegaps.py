"""What the browse site shows of the gap cells, read once from one report over every level.

A region page lists its cells and the claims its status contradicts; a document page lists the
regions that fall back on it; the gap table (``gaps.html``) has one row per county × tier with
the region's prefecture, province, division type and links to its page and documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment

from policygraph.gaps import STATUSES, TIERS, Document, Gap, GapReport
from policygraph.gaptable import AUTONOMOUS
from policygraph.namespaces import BASE
from policygraph.reports.gapreport import (
    by_region,
    claim_verdicts,
    filters_text,
    summary_line,
    to_csv,
    to_json,
)
from policygraph.reports.language import Language
from policygraph.reports.network import page_path
from policygraph.reports.overview import RegionInfo, province_of, tile_places

__all__ = [
    "LEVELS",
    "cell_documents",
    "contradictions",
    "divisions",
    "doc_link",
    "fallback_for",
    "region_info",
    "region_sections",
    "row_documents",
    "table_rows",
    "write_gap_page",
]

LEVELS = ("county", "prefectural", "provincial", "national")
#: Documents shown in a row of the gap table; the rest are counted (the CSV lists them all).
ROW_DOCUMENTS = 3


@dataclass(frozen=True)
class _Facts:
    label: str = ""
    label_zh: str = ""
    level: str = ""
    division: str = ""
    parent: str = ""


def region_info(facts: Mapping[str, list[tuple[str, Any]]]) -> dict[str, RegionInfo]:
    """Code → names, level and parent of every region, from the site's facts."""
    prefix = BASE + "id/region/"
    found: dict[str, RegionInfo] = {}
    for iri, pairs in facts.items():
        if not iri.startswith(prefix):
            continue
        values: dict[str, str] = {}
        for predicate, obj in sorted(pairs, key=lambda p: (p[0], str(p[1]))):
            language = getattr(obj, "language", None) or ""
            key = predicate + ("@" + language.lower() if language else "")
            values.setdefault(key, str(obj))
        code = values.get("skos:notation", iri.removeprefix(prefix))
        found[code] = RegionInfo(
            code=code,
            label=values.get("skos:prefLabel@en", code),
            label_zh=values.get("skos:prefLabel@zh-hans", ""),
            level=values.get("pg:level", "").rsplit("/", 1)[-1],
            parent=values.get("skos:broader", "").rsplit("/", 1)[-1],
        )
    return found


def divisions(facts: Mapping[str, list[tuple[str, Any]]]) -> dict[str, str]:
    """Region IRI → its division type (slug)."""
    return {
        iri: str(obj).rsplit("/", 1)[-1]
        for iri, pairs in facts.items()
        for predicate, obj in pairs
        if predicate == "pg:divisionType"
    }


def doc_link(doc: Document, root: str = "", width: int = 0) -> dict[str, str]:
    """A link to a document's page, its text the document number (else the title, clipped to
    ``width`` characters when given)."""
    text = doc.short
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return {
        "iri": doc.iri,
        "text": text,
        "title": doc.title,
        "href": root + page_path("document", doc.iri),
    }


def _document(doc: Document) -> dict[str, str]:
    return {
        "iri": doc.iri,
        "title": doc.title,
        "number": doc.number,
        "year": doc.year,
        "specificity": doc.specificity,
        "relation": doc.relation,
        "holder": doc.holder,
        "holder_label": doc.holder_label,
        "holder_level": doc.holder_level,
        "url": page_path("document", doc.iri),
    }


def cell_documents(
    evidence: Iterable[Document], fallback: Iterable[Document]
) -> dict[str, list[dict[str, str]]]:
    """What a region page lists beside a cell's status: its own documents and its fall-back."""
    return {"evidence": list(map(_document, evidence)), "fallback": list(map(_document, fallback))}


def _cell(gap: Gap) -> dict[str, Any]:
    return {
        "tier": gap.tier,
        "status": gap.status,
        "surveyed": gap.surveyed,
        **cell_documents(gap.evidence, gap.fallback),
    }


def region_sections(cells: Iterable[Gap], pages: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Region IRI → its cells, by tier, for the regions with a page."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for gap in cells:
        if gap.region in pages:
            sections.setdefault(gap.region, []).append(_cell(gap))
    for found in sections.values():
        found.sort(key=lambda c: TIERS.index(c["tier"]) if c["tier"] in TIERS else 9)
    return sections


def contradictions(cells: Iterable[Gap], pages: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Region IRI → the claims about it that its gap status contradicts (verdict
    ``disagrees``: the claim says provision is missing, the region has a document of its own)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for gap in cells:
        for check in gap.claims:
            if check.verdict != "disagrees" or gap.region not in pages:
                continue
            found.setdefault(gap.region, []).append(
                {
                    "claim": check.claim,
                    "id": check.id,
                    "href": page_path("claim", check.claim),
                    "tier": gap.tier,
                    "status": gap.status,
                    "comment": check.comment,
                    "locator": check.locator,
                    "counterexample": next(
                        (doc_link(d) for d in gap.evidence if d.iri == check.counterexample),
                        {
                            "iri": check.counterexample,
                            "text": check.counterexample.rsplit("/", 1)[-1],
                            "title": "",
                            "href": page_path("document", check.counterexample),
                        },
                    ),
                }
            )
    for rows in found.values():
        rows.sort(key=lambda r: (r["id"], TIERS.index(r["tier"]) if r["tier"] in TIERS else 9))
    return found


def fallback_for(
    cells: Iterable[Gap], regions: Mapping[str, RegionInfo], lang: Language | None = None
) -> dict[str, dict[str, Any]]:
    """Document IRI → the regions that fall back on it (their codes), by province and by the
    tiers they fall back for; ``regions`` gives the province names (Chinese in ``lang`` zh)."""
    zh = lang is not None and lang.zh
    tiers_of: dict[str, dict[str, set[str]]] = {}
    for gap in cells:
        for doc in gap.fallback:
            tiers_of.setdefault(doc.iri, {}).setdefault(gap.code, set()).add(gap.tier)
    out: dict[str, dict[str, Any]] = {}
    for iri, region_tiers in tiers_of.items():
        groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for code, tiers in region_tiers.items():
            ordered = tuple(t for t in TIERS if t in tiers)
            groups.setdefault((_province_key(code), ordered), []).append(code)
        rows = []
        for (province, group_tiers), codes in sorted(groups.items()):
            info = regions.get(province)
            rows.append(
                {
                    "province": province,
                    "label": (info.label_zh if zh and info.label_zh else info.label)
                    if info
                    else province,
                    "tiers": list(group_tiers),
                    "count": len(codes),
                    "regions": sorted(codes),
                }
            )
        out[iri] = {"regions": len(region_tiers), "by_province": rows}
    return out


def _province_key(code: str) -> str:
    return code if code == "CN" else province_of(code)


def table_rows(
    cells: Iterable[Gap],
    regions: Mapping[str, RegionInfo],
    division: Mapping[str, str],
    urls: Mapping[str, str],
    short: Mapping[str, str],
    lang: Language | None = None,
) -> list[dict[str, Any]]:
    """One row per cell for the gap table: the cell, where the region sits, and links;
    ``short`` gives the short names of provinces (in ``lang``, as the prefectures and the
    holders of fall-back documents are named)."""
    lang = lang or Language()
    rows = []
    for gap in cells:
        info = regions.get(gap.code)
        province = regions.get(province_of(gap.code))
        prefecture = gap.parent if gap.parent and gap.parent != province_of(gap.code) else ""
        above = regions.get(prefecture)
        rows.append(
            {
                "code": gap.code,
                "label": gap.label,
                "label_zh": info.label_zh if info else "",
                "href": urls.get(gap.code, ""),
                "prefecture": prefecture,
                "prefecture_label": (
                    (above.label_zh if lang.zh and above and above.label_zh else gap.parent_label)
                    if prefecture
                    else ""
                ),
                "province": province_of(gap.code),
                "province_label": short.get(
                    province_of(gap.code), province.label if province else ""
                ),
                "tier": gap.tier,
                "status": gap.status,
                "surveyed": gap.surveyed,
                "autonomous": division.get(gap.region, "") in AUTONOMOUS,
                "population": gap.population,
                **row_documents(gap.evidence, gap.fallback, gap.fallback_rest, lang),
            }
        )
    return rows


def row_documents(
    evidence: Sequence[Document], fallback: Sequence[Document], rest: int, lang: Language
) -> dict[str, Any]:
    """What a row of the gap table lists beside a cell's status: its own documents, else the
    holder of its fall-back and the fall-back's documents; the first few, the rest counted."""
    documents = evidence or fallback
    holder = documents[0] if documents and not evidence else None
    return {
        "holder": lang.region(holder.holder, holder.holder_label) if holder else "",
        "documents": [doc_link(d, width=28) for d in documents[:ROW_DOCUMENTS]],
        "more": max(len(documents) - ROW_DOCUMENTS, 0) + rest,
    }


def write_gap_page(
    env: Environment,
    out: Path,
    listing: GapReport,
    county: list[Gap],
    *,
    regions: Mapping[str, RegionInfo],
    division: Mapping[str, str],
    urls: Mapping[str, str],
    lang: Language | None = None,
    years: dict[str, Any] | None = None,
    listings: Sequence[dict[str, Any]] = (),
) -> None:
    """gaps.html: the report's summary, the gap table of every county cell (sortable and
    filterable in the browser), the claims the graph disagrees with, the regions ``listing``
    lists; with ``years``, the year selector's block, and the ``listings`` it names (as
    :func:`row_documents` gives them) as templates of the table's document cell. gaps.json is
    ``listing`` as ``policygraph gaps --format json`` writes it; gaps.csv has the table's rows,
    as ``policygraph gaps --all --format csv`` writes them."""
    lang = lang or Language()
    short = {p.code: p.short_zh if lang.zh else p.short_en for p in tile_places()}
    rows = table_rows(county, regions, division, urls, short, lang)
    prefectures = sorted(
        {(r["province"], r["prefecture"], r["prefecture_label"]) for r in rows if r["prefecture"]}
    )
    provinces = sorted({(r["province"], r["province_label"]) for r in rows})
    html = env.get_template("site/gaps.html.j2").render(
        root="",
        lang=lang,
        filters=filters_text(listing, lang),
        report=listing,
        report_regions=by_region(listing),
        rows=rows,
        provinces=provinces,
        prefectures=prefectures,
        tiers=TIERS,
        statuses=STATUSES,
        summary_line=summary_line(listing, lang),
        claim_verdicts=claim_verdicts,
        document_url=lambda iri: page_path("document", iri),
        claim_url=lambda iri: page_path("claim", iri),
        region_url=urls.get,
        years=years,
        listings=listings,
    )
    (out / "gaps.html").write_text(html, encoding="utf-8")
    (out / "gaps.json").write_text(to_json(listing), encoding="utf-8")
    (out / "gaps.csv").write_text(to_csv(GapReport(county)), encoding="utf-8")
