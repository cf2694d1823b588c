"""The gap report: region × tier coverage, with evidence, fall-backs and the sources' claims.

The cells are derived at build time (:mod:`policygraph.derive`, graph ``graph/derived``); every
number in the report is what a named query over them says (``gaps/coverage-matrix``,
``gaps/provision``) or over the claims (``gaps/claims``), so each line can be reproduced in plain
SPARQL on any endpoint. A local store also keeps the same rows in the gap table the build wrote
(:mod:`policygraph.gaptable`), read in one indexed query instead of joining every county with
its documents; a SPARQL endpoint's report comes from the queries. This module only joins rows
into :class:`Gap` values.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from policygraph.asof import ASSUMPTION, cells_as_of, cells_of, query_index
from policygraph.frames import dataframe
from policygraph.gaptable import CellRow, DocumentRow, GapTable, latest_populations
from policygraph.queries import load, region_code, resolve, run_query
from policygraph.store.base import GraphStore

__all__ = [
    "COLUMNS",
    "LABEL_COLUMNS",
    "STATUSES",
    "TIERS",
    "ClaimCheck",
    "Document",
    "Gap",
    "GapReport",
    "Overview",
    "concept_labels",
    "find_gaps",
    "paused_collection",
    "populations",
    "region_labels",
]

STATUSES = ("own", "general-only", "inherited", "none")
TIERS = ("assistance", "insurance", "commercial")


def _slug(node: Node | None) -> str:
    return str(node).rsplit("/", 1)[-1] if node is not None else ""


def _text(node: Node | None) -> str:
    return str(node) if node is not None else ""


@dataclass(frozen=True, order=True)
class Document:
    """A document behind a status: the region's own, or one it falls back on."""

    iri: str
    title: str
    number: str
    year: str
    specificity: str
    relation: str  # own, ancestor, relevant-for
    holder: str  # the code of the region whose document it is
    holder_label: str
    holder_level: str

    @classmethod
    def of(cls, row: DocumentRow, relation: str) -> Document:
        """A document of the gap table, shown with ``relation`` to a cell."""
        # The row's fields in this class's order, the relation between (by position: a report
        # makes 20,000 of them).
        return cls(*row[:5], relation, *row[5:])

    @property
    def short(self) -> str:
        """The number where there is one, else the title."""
        return self.number or self.title


@dataclass(frozen=True, order=True)
class ClaimCheck:
    """What one source claim says about a cell, and whether the graph agrees."""

    claim: str
    id: str
    kind: str
    verdict: str  # agrees, disagrees, not-checkable
    locator: str
    comment: str
    counterexample: str = ""
    #: The year of the claim's source, and the verdict as of that year: only the documents in
    #: force then (a 2022 paper is not contradicted by a 2024 document).
    year: str = ""
    verdict_then: str = ""
    counterexample_then: str = ""

    @property
    def differs_in_time(self) -> bool:
        """Whether the verdict as of the source's year is not today's."""
        return bool(self.verdict_then) and self.verdict_then != self.verdict


@dataclass(frozen=True)
class Gap:
    """One region × tier cell of the report."""

    region: str
    code: str
    label: str
    tier: str
    status: str
    surveyed: bool
    parent: str = ""
    parent_label: str = ""
    #: The region's Chinese name, and whether it is an ethnic autonomous unit.
    label_zh: str = ""
    autonomous: bool = False
    evidence: tuple[Document, ...] = ()
    fallback: tuple[Document, ...] = ()
    claims: tuple[ClaimCheck, ...] = ()
    #: Inherited documents of farther ancestors that the fall-back does not list.
    fallback_rest: int = 0
    #: Resident population of the region (latest census in the graph), when known.
    population: int | None = None


@dataclass(frozen=True)
class Overview:
    """Counts over every cell the filters match, whether listed or not, and by province."""

    regions: int
    surveyed: int
    cells: int
    by_status: dict[str, int]
    #: Province code → {"regions", "surveyed", "population", and a count per status}.
    provinces: dict[str, dict[str, int]]
    province_labels: dict[str, str]
    province_labels_zh: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GapReport:
    """The listed cells (``gaps``) and, for a report that lists only the surveyed regions, the
    counts over every matching cell (``overview``)."""

    gaps: list[Gap]
    filters: dict[str, str] = field(default_factory=dict)
    overview: Overview | None = None
    #: A tier's or status's slug → its label in the language the report was asked for
    #: (``PolicyGraph.gaps(lang="zh")``); when given, :meth:`rows` ends with the cell's tier and
    #: status in those words (:data:`LABEL_COLUMNS`).
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        """The names of the values of :meth:`rows`."""
        return COLUMNS + LABEL_COLUMNS if self.labels else COLUMNS

    @property
    def regions(self) -> list[str]:
        return sorted({g.code for g in self.gaps})

    def by_status(self) -> dict[str, int]:
        counts = Counter(g.status for g in self.gaps)
        return {status: counts.get(status, 0) for status in STATUSES}

    def disagreements(self) -> list[tuple[Gap, ClaimCheck]]:
        return [(g, c) for g in self.gaps for c in g.claims if c.verdict == "disagrees"]

    def rows(self) -> list[tuple[object, ...]]:
        """One tuple per cell, in the order of :attr:`columns`: the documents as their numbers
        (or titles) joined with "; ", the population None where the graph has no census."""
        words = self.labels
        return [
            (
                g.code,
                g.label,
                g.label_zh,
                g.parent,
                g.tier,
                g.status,
                g.surveyed,
                g.autonomous,
                g.population,
                len(g.evidence),
                "; ".join(d.short for d in g.evidence),
                len(g.fallback),
                "; ".join(d.short for d in g.fallback),
                *((words.get(g.tier, g.tier), words.get(g.status, g.status)) if words else ()),
            )
            for g in self.gaps
        ]

    def dicts(self) -> list[dict[str, object]]:
        """:meth:`rows` as dicts keyed by :attr:`columns`."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows()]

    def to_dataframe(self) -> Any:
        """One row per cell under :attr:`columns` as a ``pandas.DataFrame`` (population as
        pandas' nullable Int64; needs ``pip install 'policygraph[notebook]'``)."""
        return dataframe(self.columns, self.rows(), {"population": "Int64"})


#: The columns of :meth:`GapReport.rows` and :meth:`GapReport.to_dataframe`.
COLUMNS = (
    "code",
    "region",
    "region_zh",
    "parent",
    "tier",
    "status",
    "surveyed",
    "autonomous",
    "population",
    "evidence_count",
    "evidence",
    "fallback_count",
    "fallback",
)
#: The columns a report asked for in another language adds (the tier and status in its words).
LABEL_COLUMNS = ("tier_label", "status_label")


def _by_domain(name: str, params: dict[str, str]) -> str:
    """The named query for the cells of one risk domain, when the parameters name one."""
    return f"{name}-by-domain" if "domain" in params else name


def _documents(store: GraphStore, params: dict[str, str]) -> dict[tuple[str, str], list[Document]]:
    found: dict[tuple[str, str], list[Document]] = {}
    for row in run_query(store, _by_domain("gaps/provision", params), params).dicts():
        doc = Document(
            iri=_text(row["document"]),
            title=_text(row["title"]),
            number=_text(row["number"]),
            year=_text(row["year"]),
            specificity=_slug(row["specificity"]),
            relation=_text(row["relation"]),
            holder=_text(row["holderCode"]),
            holder_label=_text(row["holderLabel"]),
            holder_level=_slug(row["holderLevel"]),
        )
        found.setdefault((_text(row["code"]), _slug(row["tier"])), []).append(doc)
    return found


def _claims(store: GraphStore, tier: str | None) -> dict[tuple[str, str], list[ClaimCheck]]:
    found: dict[tuple[str, str], list[ClaimCheck]] = {}
    for row in run_query(store, "gaps/claims", {"tier": tier} if tier else {}).dicts():
        check = ClaimCheck(
            claim=_text(row["claim"]),
            id=_text(row["id"]),
            kind=_slug(row["kind"]),
            verdict=_text(row["verdict"]),
            locator=_text(row["locator"]),
            comment=_text(row["comment"]),
            counterexample=_text(row["counterexample"]),
            year=_text(row["year"]),
            verdict_then=_text(row["verdictThen"]),
            counterexample_then=_text(row["counterexampleThen"]),
        )
        found.setdefault((_text(row["code"]), _slug(row["tier"])), []).append(check)
    return found


def _fallback(documents: list[Document]) -> tuple[Document, ...]:
    """The documents of the nearest ancestor that provides, and those the region follows."""
    return tuple(sorted({d for d in documents if d.relation != "own"}))


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
            # The named queries' checks and messages, and their terms (a code or an IRI alike).
            given, terms = resolve(store, load(_by_domain("gaps/provision", params)), params)
            if "within" not in params:  # the default, China, is every region: no filter
                terms.pop("within", None)
            gaps += _from_table(table, terms, "autonomous" in given, status, as_of)
        elif as_of is not None:
            gaps += _from_queries_as_of(store, params, status, as_of)
        else:
            gaps += _from_queries(store, params, status)
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


def populations(store: GraphStore) -> dict[str, int]:
    """Region code → resident population of the latest period the graph has (a census)."""
    rows = run_query(store, "lookup/population", {}).dicts()
    return latest_populations(
        (_text(r["code"]), _text(r["year"]), _text(r["value"]), _text(r["unitMult"]) or None)
        for r in rows
    )


_PROVINCES = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?code ?label WHERE {
  ?region pg:level <https://w3id.org/policygraph/id/level/provincial> ;
          skos:notation ?code ; skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "%s"))
}
"""


def province_labels(store: GraphStore, language: str = "en") -> dict[str, str]:
    """Province code → name in ``language`` (en, zh-Hans), for the overview."""
    labels: dict[str, str] = {}
    for code, label in store.select(_PROVINCES % language):
        labels.setdefault(_text(code), _text(label))
    return labels


_CONCEPTS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX id: <https://w3id.org/policygraph/id/>
SELECT ?concept ?label WHERE {
  VALUES ?scheme { id:tier id:gap-status id:level id:domain }
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "%s"))
}
"""

_REGIONS = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX level: <https://w3id.org/policygraph/id/level/>
SELECT ?code ?label WHERE {
  VALUES ?level { %s }
  ?region a pg:Region ; pg:level ?level ; skos:notation ?code ; skos:prefLabel ?label .
  FILTER(LANGMATCHES(LANG(?label), "%s"))
}
"""


def concept_labels(store: GraphStore, language: str) -> dict[str, str]:
    """The slug of each tier, gap status, level and risk domain → its label in ``language``
    (the ontology's ``skos:prefLabel``), for reports in that language."""
    labels: dict[str, str] = {}
    for concept, label in sorted(store.select(_CONCEPTS % language)):
        labels.setdefault(_slug(concept), _text(label))
    return labels


def region_labels(
    store: GraphStore,
    language: str,
    levels: Sequence[str] = ("national", "provincial", "prefectural", "county"),
) -> dict[str, str]:
    """Region code → its name in ``language``, for the regions at ``levels`` that have one
    (the 3,214 regions of China take half a second; the 400 above the counties, the parents
    and fall-back holders a report names, a tenth of that)."""
    values = " ".join(f"level:{one}" for one in levels if one.isalpha())
    labels: dict[str, str] = {}
    for code, label in sorted(store.select(_REGIONS % (values, language))):
        labels.setdefault(_text(code), _text(label))
    return labels


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
    terms: dict[str, Node],
    autonomous: bool,
    status: str | None,
    as_of: int | None = None,
) -> list[Gap]:
    """The report's cells from the build's gap table (:mod:`policygraph.gaptable`), as of a
    year if given (:mod:`policygraph.asof`)."""
    tier = _slug(terms["tier"]) if "tier" in terms else None
    domain = _slug(terms["domain"]) if "domain" in terms else None
    level, within = _slug(terms["level"]), str(terms["within"]) if "within" in terms else None
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
    return _gaps_of(rows, table.documents(ids), claims)


def _from_queries_as_of(
    store: GraphStore, params: dict[str, str], status: str | None, as_of: int
) -> list[Gap]:
    """The report's cells as of a year on a store without a gap table (a SPARQL endpoint): the
    regions as ``gaps/coverage-matrix`` lists them, the documents and regions in time from
    ``gaps/validity`` and ``gaps/region-tree``, the same computation as from the table."""
    timed, documents = query_index(store)
    regions: dict[str, CellRow] = {}
    for row in run_query(store, _by_domain("gaps/coverage-matrix", params), params).dicts():
        regions.setdefault(
            _text(row["code"]),
            CellRow(
                region=_text(row["region"]),
                code=_text(row["code"]),
                label=_text(row["label"]),
                level=params["level"],
                surveyed=_text(row["surveyed"]).lower() == "true",
                parent=_text(row["parentCode"]),
                parent_label=_text(row["parentLabel"]),
                label_zh=_text(row["labelZh"]),
                autonomous=_text(row["autonomous"]).lower() == "true",
                tier="",
                status="",
                rest=0,
                evidence=(),
                fallback=(),
            ),
        )
    tier = _slug(URIRef(params["tier"])) if params.get("tier") else None
    domain = _slug(URIRef(params["domain"])) if params.get("domain") else None
    listed = cells_of(timed, regions.values(), as_of, tier=tier, domain=domain)
    rows = [row for row in listed if not status or row.status == status]
    return _gaps_of(rows, documents, _claims(store, params.get("tier")))


def _gaps_of(
    rows: list[CellRow],
    documents: dict[int, DocumentRow],
    claims: dict[tuple[str, str], list[ClaimCheck]],
) -> list[Gap]:
    """Gaps of table rows, their documents given by id."""
    # Each document once per relation it is shown with (the same value in every cell).
    evidence_ids = {i for row in rows for i in row.evidence}
    fallback_pairs = {pair for row in rows for pair in row.fallback}

    def document(i: int, relation: str) -> Document:
        return Document.of(documents[i], relation)

    own = {i: document(i, "own") for i in evidence_ids}
    fallback = {pair: document(*pair) for pair in fallback_pairs}

    return [
        Gap(
            region=row.region,
            code=row.code,
            label=row.label,
            tier=row.tier,
            status=row.status,
            surveyed=row.surveyed,
            parent=row.parent,
            parent_label=row.parent_label,
            label_zh=row.label_zh,
            autonomous=row.autonomous,
            # The table lists them in the report's order, each once.
            evidence=tuple(map(own.__getitem__, row.evidence)),
            fallback=tuple(map(fallback.__getitem__, row.fallback)),
            claims=tuple(sorted(set(found))) if (found := claims.get((row.code, row.tier))) else (),
            fallback_rest=row.rest,
            population=row.population,
        )
        for row in rows
    ]


def _from_queries(store: GraphStore, params: dict[str, str], status: str | None) -> list[Gap]:
    """The report's cells from the named queries: any store, a SPARQL endpoint among them."""
    documents = _documents(store, params)
    claims = _claims(store, params.get("tier"))
    gaps: list[Gap] = []
    for row in run_query(store, _by_domain("gaps/coverage-matrix", params), params).dicts():
        cell_status = _text(row["status"])
        if status and cell_status != status:
            continue
        key = (_text(row["code"]), _slug(row["tier"]))
        docs = documents.get(key, [])
        gaps.append(
            Gap(
                region=_text(row["region"]),
                code=key[0],
                label=_text(row["label"]),
                tier=key[1],
                status=cell_status,
                surveyed=_text(row["surveyed"]).lower() == "true",
                parent=_text(row["parentCode"]),
                parent_label=_text(row["parentLabel"]),
                label_zh=_text(row["labelZh"]),
                autonomous=_text(row["autonomous"]).lower() == "true",
                evidence=tuple(sorted(d for d in docs if d.relation == "own")),
                fallback=_fallback(docs),
                claims=tuple(sorted(set(claims.get(key, [])))),
                fallback_rest=int(_text(row["fallbackRest"]) or 0),
            )
        )
    return gaps
