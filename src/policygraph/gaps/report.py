"""The gap report of a store: from the build's gap table where the store has one (each answer one
indexed query, a status as of a year computed from its validity rows), else from the named
queries."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from policygraph.asof import ASSUMPTION, cells_as_of
from policygraph.gaps.fromqueries import (
    by_domain,
    from_queries,
    from_queries_as_of,
    populations,
    province_labels,
)
from policygraph.gaps.model import STATUSES, TIERS, ClaimCheck, Gap, GapReport, Overview, gaps_of
from policygraph.gaptable import CellRow, GapTable
from policygraph.iris import slug
from policygraph.queries import load, region_code, resolve_text

if TYPE_CHECKING:
    from policygraph.store.base import GraphStore

__all__ = ["find_gaps", "paused_collection"]


@contextmanager
def paused_collection() -> Iterator[None]:
    """No cyclic garbage collection while a report is made: it allocates some 100,000 objects
    that live until it is written, and the collector walked them all again and again (66 ms of a
    0.6 s national report). Nothing in a report is a cycle; collection resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@paused_collection()
def find_gaps(
    store: GraphStore,
    *,
    level: str | Sequence[str] = "county",
    tier: str | None = None,
    domain: str | None = None,
    within: str | None = None,
    autonomous: bool = False,
    status: str | None = None,
    every_cell: bool = True,
    sort: str = "code",
    as_of: int | None = None,
) -> GapReport:
    """The gap report for regions at ``level`` (one or several levels, filtered), one
    :class:`Gap` per region × tier: from the store's gap table where it has one, else from the
    named queries. Each cell carries the region's population where the graph has a census.

    With ``every_cell`` false, only the cells of surveyed regions are listed and the report
    carries an :class:`Overview` of them all (counts by status and province): at national scale
    most regions have no source, and "not surveyed" is not "no policy". ``sort`` is ``code`` or
    ``population`` (largest first). With ``as_of`` a year, every status is computed with only
    the documents in force that year and the regions whose code was in use then
    (:mod:`policygraph.asof`)."""
    levels = (level,) if isinstance(level, str) else tuple(level)
    if within:  # a code, an IRI or a name (肃北, Subei): the report names the code
        within = region_code(store, within, option="--within")
    gaps: list[Gap] = []
    params: dict[str, str] = {}
    table = store.gap_table()
    for one in levels:
        params = {"level": one}
        if tier:
            params["tier"] = tier
        if domain:
            params["domain"] = domain
        if within:
            params["within"] = within
        if autonomous:
            params["autonomous"] = "true"
        if table is not None:
            # The named queries' checks and messages, and the IRIs they name (a code or an IRI
            # alike), checked against the table: a report from it runs no query.
            given, terms = resolve_text(store, load(by_domain("gaps/provision", params)), params)
            if "within" not in params:  # the default, China, is every region: no filter
                terms.pop("within", None)
            gaps += _from_table(table, terms, "autonomous" in given, status, as_of)
        elif as_of is not None:
            gaps += from_queries_as_of(store, params, status, as_of)
        else:
            gaps += from_queries(store, params, status)
    if table is None:  # the gap table carries each region's population; the queries do not
        people = populations(store)
        gaps = [replace(g, population=people.get(g.code)) for g in gaps]
    filters = dict(params)
    filters["level"] = ",".join(levels)
    if status:
        filters["status"] = status
    if as_of is not None:
        filters["as_of"] = str(as_of)
        filters["assumption"] = ASSUMPTION
    overview = None
    if not every_cell:
        if table is not None:
            english, chinese = table.province_labels()
        else:
            english, chinese = province_labels(store), province_labels(store, "zh-Hans")
        overview = replace(_overview(gaps), province_labels=english, province_labels_zh=chinese)
        gaps = [g for g in gaps if g.surveyed]
        filters["listed"] = "surveyed regions"
    if sort == "population":
        filters["sort"] = "population"
        gaps.sort(
            key=lambda g: (
                -(g.population or -1),
                g.code,
                TIERS.index(g.tier) if g.tier in TIERS else 9,
            )
        )
    else:
        gaps.sort(key=lambda g: (g.code, TIERS.index(g.tier) if g.tier in TIERS else 9))
    return GapReport(gaps, filters, overview)


def _province(code: str) -> str:
    return code if code == "CN" else code[:2] + "0000"


def _overview(gaps: list[Gap]) -> Overview:
    regions: dict[str, Gap] = {}
    for gap in gaps:
        regions.setdefault(gap.code, gap)
    provinces: dict[str, dict[str, int]] = {}
    for gap in gaps:
        row = provinces.setdefault(
            _province(gap.code),
            {"regions": 0, "surveyed": 0, "population": 0} | dict.fromkeys(STATUSES, 0),
        )
        row[gap.status] += 1
    for code, gap in regions.items():
        row = provinces[_province(code)]
        row["regions"] += 1
        row["surveyed"] += gap.surveyed
        row["population"] += gap.population or 0
    counts = Counter(g.status for g in gaps)
    return Overview(
        regions=len(regions),
        surveyed=sum(g.surveyed for g in regions.values()),
        cells=len(gaps),
        by_status={s: counts.get(s, 0) for s in STATUSES},
        provinces=dict(sorted(provinces.items())),
        province_labels={},
    )


def _from_table(
    table: GapTable,
    terms: dict[str, str],
    autonomous: bool,
    status: str | None,
    as_of: int | None = None,
) -> list[Gap]:
    """The report's cells from the build's gap table (:mod:`policygraph.gaptable`), as of a
    year if given (:mod:`policygraph.asof`)."""
    tier = slug(terms["tier"]) if "tier" in terms else None
    domain = slug(terms["domain"]) if "domain" in terms else None
    level, within = slug(terms["level"]), terms.get("within")
    listed: Iterator[CellRow]
    if as_of is None:
        listed = table.cells(
            level=level, tier=tier, domain=domain, within=within, autonomous=autonomous
        )
    else:
        regions = table.regions(level=level, within=within, autonomous=autonomous)
        listed = cells_as_of(table, as_of, regions, tier=tier, domain=domain, within=within)
    rows = [row for row in listed if not status or row.status == status]
    claims: dict[tuple[str, str], list[ClaimCheck]] = {}
    for code, cell_tier, *check in table.claims(tier):
        claims.setdefault((code, cell_tier), []).append(ClaimCheck(*check))
    ids = {i for row in rows for i in row.evidence} | {i for row in rows for i, _ in row.fallback}
    return gaps_of(rows, table.documents(ids), claims)
