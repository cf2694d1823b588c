"""The national overview: a tile-grid map of the provinces and a treemap of every county.

For each security tier, the tile map colours each province by the share of its county-level
units without provision of their own (status other than ``own``), and the treemap draws every
county (province → prefecture → county, sized by its 2020 population) in the colour of its gap
status. Both are computed here as plain data (positions, counts, classes); the site's templates
draw them as SVG. The tile positions are a fixed grid (``data/china-tiles.csv``: the 31
mainland provinces, Hong Kong, Macao and Taiwan), not boundaries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from policygraph.gaps import STATUSES, TIERS, Gap
from policygraph.reports.language import N_, Language
from policygraph.reports.treemap import Box, Rect, nest

__all__ = [
    "SHARE_BINS",
    "RegionInfo",
    "TilePlace",
    "overview",
    "province_of",
    "share_text",
    "summary",
    "tile_places",
]

TILE_W, TILE_H, TILE_GAP = 96, 66, 4
TREEMAP_W, TREEMAP_H = 1000, 640
#: The least width and height of the outline of a surveyed county in the treemap.
MARK = 8.0
#: (upper bound, colour, legend text) of the share bins: ColorBrewer OrRd, 5 classes.
SHARE_BINS = (
    (0.2, "#fef0d9", N_("under 20 %")),
    (0.4, "#fdcc8a", "20–40 %"),
    (0.6, "#fc8d59", "40–60 %"),
    (0.8, "#e34a33", "60–80 %"),
    (1.0, "#b30000", "80–100 %"),
)
NO_UNITS = "#e5e7eb"
_EN = Language()


@dataclass(frozen=True)
class TilePlace:
    code: str
    abbr: str
    short_en: str
    short_zh: str
    row: int
    col: int


@dataclass(frozen=True)
class RegionInfo:
    """What the overview needs of a region besides its gap cells."""

    code: str
    label: str
    label_zh: str
    level: str
    parent: str


def tile_places() -> list[TilePlace]:
    """The tile grid shipped with the package, in reading order."""
    text = (resources.files("policygraph.reports") / "data" / "china-tiles.csv").read_text(
        encoding="utf-8"
    )
    rows = csv.DictReader(io.StringIO(text))
    places = [
        TilePlace(r["code"], r["abbr"], r["short_en"], r["short_zh"], int(r["row"]), int(r["col"]))
        for r in rows
    ]
    return sorted(places, key=lambda p: (p.row, p.col))


def province_of(code: str) -> str:
    return code[:2] + "0000"


def share_text(without: int, units: int) -> str:
    """A share as people read it: whole per cent, one decimal where rounding would hide a
    difference from 0 % or 100 %."""
    if not units:
        return "–"
    share = 100 * without / units
    whole = f"{share:.0f} %"
    if whole in ("0 %", "100 %") and without not in (0, units):
        return f"{share:.1f} %"
    return whole


def _bin(share: float) -> int:
    return next(i for i, (top, _, _) in enumerate(SHARE_BINS) if share <= top)


def _tiles(
    cells: list[Gap], places: list[TilePlace], province_urls: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    counts: dict[tuple[str, str], list[int]] = {}  # (tier, province) → [units, without, surveyed]
    for gap in cells:
        row = counts.setdefault((gap.tier, province_of(gap.code)), [0, 0, 0])
        row[0] += 1
        row[1] += gap.status != "own"
        row[2] += gap.surveyed
    out: dict[str, list[dict[str, Any]]] = {}
    for tier in TIERS:
        tiles = []
        for p in places:
            units, without, surveyed = counts.get((tier, p.code), [0, 0, 0])
            share = without / units if units else 0.0
            url = province_urls.get(p.code, "")
            tiles.append(
                {
                    "code": p.code,
                    "abbr": p.abbr,
                    "name_en": p.short_en,
                    "name_zh": p.short_zh,
                    "x": p.col * (TILE_W + TILE_GAP),
                    "y": p.row * (TILE_H + TILE_GAP),
                    "units": units,
                    "without_own": without,
                    "surveyed": surveyed,
                    "share": round(share, 4),
                    "share_text": share_text(without, units),
                    "colour": SHARE_BINS[_bin(share)][1] if units else NO_UNITS,
                    "dark": bool(units) and _bin(share) >= 3,
                    "href": url or f"gaps.html#province={p.code}&tier={tier}",
                    "has_page": bool(url),
                }
            )
        out[tier] = tiles
    return out


def _tree(cells: list[Gap], people: Mapping[str, int]) -> tuple[list[Box], list[str]]:
    """Provinces → prefectures (or the province itself, for the units directly under it) →
    counties with a population; and the counties left out for want of one."""
    provinces: dict[str, dict[str, list[Box]]] = {}
    missing = []
    parents = {g.code: g.parent for g in cells}
    for code, parent in sorted(parents.items()):
        size = people.get(code)
        if not size:
            missing.append(code)
            continue
        province = province_of(code)
        group = parent if parent and parent != province else "direct"
        provinces.setdefault(province, {}).setdefault(group, []).append(Box(code, float(size)))
    forest = [
        Box(p, children=[Box(f"{p}/{g}", children=kids) for g, kids in sorted(groups.items())])
        for p, groups in sorted(provinces.items())
    ]
    return forest, missing


def _marker(r: Rect) -> Rect:
    """Where a surveyed county is outlined: its rectangle, grown to at least ``MARK`` on each
    side (a county of 14,000 people is a sliver among 1.4 billion), kept inside the treemap."""
    w, h = max(r.w, MARK), max(r.h, MARK)
    x = min(max(r.x + (r.w - w) / 2, 0.0), TREEMAP_W - w)
    y = min(max(r.y + (r.h - h) / 2, 0.0), TREEMAP_H - h)
    return Rect(x, y, w, h)


def _county_title(
    gap_by_tier: Mapping[str, Gap],
    info: RegionInfo | None,
    regions: Mapping[str, RegionInfo],
    lang: Language,
) -> str:
    """The hover text of a county: its names, where it is, its people, its status by tier and
    whether a source studied it, in the page's language (the places above it by their Chinese
    names in Chinese, largest first as Chinese writes them)."""
    first = next(iter(gap_by_tier.values()))
    lines = [f"{info.label_zh if info else ''} {first.label} ({first.code})".strip()]

    def name(code: str, english: str) -> str:
        found = regions.get(code)
        return (found.label_zh or english) if lang.zh and found else english

    prefecture = province = ""
    if first.parent and first.parent != province_of(first.code):
        prefecture = name(first.parent, first.parent_label)
    above = regions.get(province_of(first.code))
    if above:
        province = name(above.code, above.label)
    if prefecture and province:
        lines.append(
            lang._("{prefecture}, {province}").format(prefecture=prefecture, province=province)
        )
    elif prefecture or province:
        lines.append(prefecture or province)
    if first.population:
        lines.append(lang._("{n} people (2020)").format(n=f"{first.population:,}"))
    lines.append(
        " · ".join(f"{lang.term(t)} {lang.term(g.status)}" for t, g in gap_by_tier.items())
    )
    lines.append(lang._("surveyed") if first.surveyed else lang._("not surveyed"))
    return "\n".join(lines)


def _treemap(
    cells: list[Gap],
    regions: Mapping[str, RegionInfo],
    people: Mapping[str, int],
    urls: Mapping[str, str],
    short: Mapping[str, str],
    lang: Language,
) -> dict[str, Any]:
    forest, missing = _tree(cells, people)
    placed = nest(
        forest,
        Rect(0, 0, TREEMAP_W, TREEMAP_H),
        padding=[(1.0, 13.0, 1.0, 1.0), (0.0, 0.0, 0.0, 0.0)],
    )
    by_region: dict[str, dict[str, Gap]] = {}
    for gap in cells:
        by_region.setdefault(gap.code, {})[gap.tier] = gap

    def rect(r: Rect) -> dict[str, float]:
        return {"x": round(r.x, 1), "y": round(r.y, 1), "w": round(r.w, 1), "h": round(r.h, 1)}

    provinces, prefectures, counties = [], [], []
    for p in placed:
        if p.depth == 0:
            info = regions.get(p.key)
            label = info.label if info else p.key
            provinces.append(
                {
                    "code": p.key,
                    "label": label,
                    "short": short.get(p.key, label),
                    "labelled": p.rect.w >= 44 and p.rect.h >= 20,
                    **rect(p.rect),
                }
            )
        elif p.depth == 1:
            code = p.key.split("/")[1]
            prefectures.append({"code": "" if code == "direct" else code, **rect(p.rect)})
        else:
            cells_here = by_region[p.key]
            first = next(iter(cells_here.values()))
            counties.append(
                {
                    "code": p.key,
                    "statuses": {t: g.status for t, g in cells_here.items()},
                    "surveyed": first.surveyed,
                    "population": first.population,
                    "href": urls.get(p.key, ""),
                    "title": _county_title(cells_here, regions.get(p.key), regions, lang),
                    **rect(p.rect),
                    **({"mark": rect(_marker(p.rect))} if first.surveyed else {}),
                }
            )
    return {
        "width": TREEMAP_W,
        "height": TREEMAP_H,
        "mark_size": MARK,
        "provinces": provinces,
        "prefectures": prefectures,
        "counties": counties,
        "without_population": missing,
    }


def summary(drawn: Mapping[str, Any]) -> dict[str, Any]:
    """The overview without the treemap's rectangles: what its JSON and CSV twins hold (the
    counties drawn are the rows of the gap table, ``gaps.csv``)."""
    treemap = drawn["treemap"]
    return {
        **{k: v for k, v in drawn.items() if k != "treemap"},
        "treemap": {
            "width": treemap["width"],
            "height": treemap["height"],
            "counties": len(treemap["counties"]),
            "provinces": treemap["provinces"],
            "without_population": treemap["without_population"],
        },
    }


def overview(
    cells: Iterable[Gap],
    *,
    regions: Mapping[str, RegionInfo],
    populations: Mapping[str, int],
    urls: Mapping[str, str],
    lang: Language = _EN,
) -> dict[str, Any]:
    """The overview of the county-level ``cells`` (every county, every tier): tiles by tier and
    the treemap. ``urls`` maps a region code to its page, for the regions that have one;
    ``lang`` is the language of the words it draws (the legend, the hover text of a county, the
    provinces' short names on the treemap)."""
    county = sorted(
        (g for g in cells if g.tier in TIERS), key=lambda g: (g.code, TIERS.index(g.tier))
    )
    places = tile_places()
    province_urls = {p.code: urls[p.code] for p in places if p.code in urls}
    tiles = _tiles(county, places, province_urls)
    by_status = {t: dict.fromkeys(STATUSES, 0) for t in TIERS}
    for gap in county:
        by_status[gap.tier][gap.status] += 1
    rows = 1 + max(p.row for p in places)
    cols = 1 + max(p.col for p in places)
    return {
        "tiers": list(TIERS),
        "statuses": list(STATUSES),
        "units": len({g.code for g in county}),
        "surveyed": len({g.code for g in county if g.surveyed}),
        "by_status": by_status,
        "tile_size": {
            "w": TILE_W,
            "h": TILE_H,
            "width": cols * (TILE_W + TILE_GAP) - TILE_GAP,
            "height": rows * (TILE_H + TILE_GAP) - TILE_GAP,
        },
        "share_bins": [{"colour": c, "label": lang._(text)} for _, c, text in SHARE_BINS],
        "no_units_colour": NO_UNITS,
        "tiles": tiles,
        "treemap": _treemap(
            county,
            regions,
            populations,
            urls,
            {p.code: p.short_zh if lang.zh else p.short_en for p in places},
            lang,
        ),
    }
