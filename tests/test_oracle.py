"""A property-based oracle for the gap report: random data, checked against the definitions.

Hypothesis draws small region trees (China, one to three provinces, their prefectures and
counties, and counties directly under a province) and documents on them, writes them as a data
directory in the bundled CSV format, builds the graph through the public API (memory and
Oxigraph stores) and compares every cell of :func:`policygraph.find_gaps` with a direct Python
reading of the definitions (DESIGN §3):

- a document matches a cell (region R, tier T, domain D) when T is one of its tiers and, if D is
  given, its domains meet {D, general};
- evidence: the matching documents whose jurisdiction is R;
- status: ``own`` if one of them is dedicated, else ``general-only`` if there is one, else
  ``inherited`` if R inherits a document, else ``none``;
- inherited: the matching dedicated documents of R's proper ancestors, and the matching
  dedicated documents relevant-for R (wherever they come from, unless from R itself);
- fallback: of the inherited documents, those relevant-for R and those of the ancestors at the
  lowest level any inherited document's jurisdiction has; ``fallback_rest`` counts the others;
- surveyed: a document of a stated source has R as jurisdiction or is relevant-for R.

Nothing here reads the library's queries: the oracle works on the drawn rows alone.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from policygraph import Inputs, find_gaps, open_store, resources
from policygraph import namespaces as ns
from policygraph.gaps import Gap, GapReport
from policygraph.store.base import GraphStore

TIERS = ("assistance", "insurance", "commercial")
DOMAINS = (
    "pension",
    "medical",
    "unemployment",
    "work-injury",
    "maternity",
    "elderly-care",
    "minimum-living",
    "general",
)
LEVELS = ("county", "prefectural", "provincial", "national")
AUTONOMOUS = {
    "autonomous-region",
    "autonomous-prefecture",
    "autonomous-county",
    "autonomous-banner",
}
PROVINCE_PREFIXES = ("11", "12", "15", "45", "54", "62", "63", "64")
PROVINCE_TYPES = ("province", "autonomous-region", "municipality")
PREFECTURE_TYPES = ("prefecture-level-city", "autonomous-prefecture", "league", "prefecture")
COUNTY_TYPES = ("county", "autonomous-county", "district", "county-level-city", "autonomous-banner")
#: Sources: ``t`` states facts (a seed paper), ``e`` holds inferred general knowledge.
SOURCES = {"t": "stated", "e": "inferred"}
STORES = ("memory", "oxigraph")


# -- the world: what a data directory says ------------------------------------------------------


@dataclass(frozen=True)
class Region:
    code: str
    level: str
    division: str
    parent: str  # "" for China


@dataclass(frozen=True)
class Doc:
    id: str
    jurisdiction: str
    tiers: frozenset[str]
    domains: frozenset[str]
    specificity: str
    source: str
    year: str = ""

    @property
    def iri(self) -> str:
        return str(ns.document(self.jurisdiction, self.year or None, self.id))


@dataclass(frozen=True)
class Link:
    """``document`` is relevant-for region ``target`` (the row's own source is ``source``)."""

    document: str
    target: str
    source: str = "t"


#: One find_gaps call: its keyword arguments, as (name, value) pairs.
Call = tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class World:
    regions: tuple[Region, ...]
    docs: tuple[Doc, ...] = ()
    links: tuple[Link, ...] = ()
    calls: tuple[Call, ...] = ()  # the find_gaps calls the property test makes

    def __repr__(self) -> str:
        lines = ["World("]
        for r in self.regions:
            lines.append(f"  region {r.code} {r.level} {r.division} parent={r.parent or '-'}")
        for d in self.docs:
            lines.append(
                f"  doc {d.id} @{d.jurisdiction} tiers={','.join(sorted(d.tiers))}"
                f" domains={','.join(sorted(d.domains))} {d.specificity} source={d.source}"
                f" year={d.year or '-'}"
            )
        for link in self.links:
            lines.append(f"  link {link.document} relevant-for {link.target} ({link.source})")
        for call in self.calls:
            lines.append("  find_gaps(" + ", ".join(f"{k}={v!r}" for k, v in call) + ")")
        return "\n".join([*lines, ")"])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis prints a falsifying example with this, one row per line."""
        printer.text(repr(self))

    @property
    def region(self) -> dict[str, Region]:
        return {r.code: r for r in self.regions}

    def ancestors(self, code: str) -> list[str]:
        """Proper ancestors, nearest first."""
        regions, found = self.region, []
        parent = regions[code].parent
        while parent:
            found.append(parent)
            parent = regions[parent].parent
        return found


# -- writing the world as a data directory ------------------------------------------------------


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def write_data(world: World, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    _write(
        directory / "sources.csv",
        ["id", "title", "date", "confidence"],
        [
            {"id": slug, "title": f"Source {slug}", "date": "2024", "confidence": confidence}
            for slug, confidence in SOURCES.items()
        ],
    )
    _write(
        directory / "regions.csv",
        [
            "code",
            "label_en",
            "label_zh",
            "level",
            "division_type",
            "parent",
            "titular_groups",
            "source",
            "locator",
        ],
        [
            {
                "code": r.code,
                "label_en": f"Region {r.code}",
                "label_zh": f"地区{r.code}",
                "level": r.level,
                "division_type": r.division,
                "parent": r.parent,
                "titular_groups": "hui" if r.division in AUTONOMOUS else "",
                "source": "t",
                "locator": "Table 1",
            }
            for r in world.regions
        ],
    )
    _write(
        directory / "documents.csv",
        [
            "id",
            "title_en",
            "jurisdiction",
            "year",
            "tiers",
            "domains",
            "doc_types",
            "specificity",
            "source",
            "locator",
        ],
        [
            {
                "id": d.id,
                "title_en": f"Document {d.id}",
                "jurisdiction": d.jurisdiction,
                "year": d.year,
                "tiers": ";".join(sorted(d.tiers)),
                "domains": ";".join(sorted(d.domains)),
                "doc_types": "notice",
                "specificity": d.specificity,
                "source": d.source,
                "locator": "p. 1",
            }
            for d in world.docs
        ],
    )
    _write(
        directory / "document-links.csv",
        ["document", "relation", "target", "source", "locator"],
        [
            {
                "document": link.document,
                "relation": "relevant-for",
                "target": link.target,
                "source": link.source,
                "locator": "p. 2",
            }
            for link in world.links
        ],
    )


@contextmanager
def built(world: World, kind: str) -> Iterator[GraphStore]:
    """The world built into a fresh store of ``kind`` (memory or oxigraph)."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        write_data(world, data)
        inputs = Inputs(data=data, ontology=resources.ontology_dir())
        spec = "memory" if kind == "memory" else f"oxigraph:{Path(tmp) / 'store'}"
        with open_store(spec, inputs) as store:
            yield store


# -- the oracle -----------------------------------------------------------------------------------


@dataclass
class Cell:
    status: str
    surveyed: bool
    parent: str
    evidence: frozenset[str]  # document IRIs
    fallback: dict[str, str]  # document IRI → relation
    fallback_rest: int = 0
    holders: dict[str, str] = field(default_factory=dict)  # IRI → jurisdiction


def expected_cells(
    world: World,
    *,
    level: str = "county",
    tier: str | None = None,
    domain: str | None = None,
    within: str | None = None,
    autonomous: bool = False,
) -> dict[tuple[str, str], Cell]:
    regions = world.region
    relevant: dict[str, set[str]] = {}  # region code → ids of the documents relevant for it
    for link in world.links:
        relevant.setdefault(link.target, set()).add(link.document)
    cells: dict[tuple[str, str], Cell] = {}
    for r in world.regions:
        if r.level != level:
            continue
        ancestors = world.ancestors(r.code)
        if within and within != r.code and within not in ancestors:  # the region itself too
            continue
        if autonomous and r.division not in AUTONOMOUS:
            continue
        followed = relevant.get(r.code, set())
        surveyed = any(
            SOURCES[d.source] == "stated" and (d.jurisdiction == r.code or d.id in followed)
            for d in world.docs
        )
        for t in [tier] if tier else TIERS:

            def matches(d: Doc, t: str = t) -> bool:
                return t in d.tiers and (domain is None or bool(d.domains & {domain, "general"}))

            own = [d for d in world.docs if matches(d) and d.jurisdiction == r.code]
            inherited = [
                d
                for d in world.docs
                if matches(d)
                and d.specificity == "dedicated"
                and d.jurisdiction != r.code
                and (d.jurisdiction in ancestors or d.id in followed)
            ]
            if any(d.specificity == "dedicated" for d in own):
                status = "own"
            elif own:
                status = "general-only"
            elif inherited:
                status = "inherited"
            else:
                status = "none"
            fallback: dict[str, str] = {}
            if inherited:
                nearest = min(LEVELS.index(regions[d.jurisdiction].level) for d in inherited)
                for d in inherited:
                    if d.id in followed:
                        fallback[d.iri] = "relevant-for"
                    elif LEVELS.index(regions[d.jurisdiction].level) == nearest:
                        fallback[d.iri] = "ancestor"
            cells[(r.code, t)] = Cell(
                status=status,
                surveyed=surveyed,
                parent=r.parent,
                evidence=frozenset(d.iri for d in own),
                fallback=fallback,
                fallback_rest=len(inherited) - len(fallback),
                holders={d.iri: d.jurisdiction for d in [*own, *inherited]},
            )
    return cells


def check_report(report: GapReport, world: World, **filters: object) -> None:
    """Every cell of ``report`` is the oracle's, and the report has exactly the oracle's cells."""
    expected = expected_cells(world, **filters)  # type: ignore[arg-type]
    got: dict[tuple[str, str], Gap] = {}
    for gap in report.gaps:
        key = (gap.code, gap.tier)
        assert key not in got, f"{filters}: two cells for {key}"
        got[key] = gap
    assert set(got) == set(expected), f"{filters}: cells differ"
    for key, cell in sorted(expected.items()):
        gap, where = got[key], f"{filters} cell {key}"
        assert gap.status == cell.status, f"{where}: status {gap.status}, expected {cell.status}"
        assert gap.surveyed == cell.surveyed, f"{where}: surveyed {gap.surveyed}"
        assert gap.parent == cell.parent, f"{where}: parent {gap.parent!r}"
        evidence = [d.iri for d in gap.evidence]
        assert set(evidence) == cell.evidence, (
            f"{where}: evidence {sorted(evidence)}, expected {sorted(cell.evidence)}"
        )
        assert len(evidence) == len(set(evidence)), f"{where}: a document twice: {evidence}"
        fallback = {d.iri: d.relation for d in gap.fallback}
        assert len(fallback) == len(gap.fallback), f"{where}: a document twice: {gap.fallback}"
        assert set(fallback) == set(cell.fallback), (
            f"{where}: fallback {sorted(fallback)}, expected {sorted(cell.fallback)}"
        )
        assert fallback == cell.fallback, f"{where}: fallback relations {fallback}"
        for d in (*gap.evidence, *gap.fallback):
            assert d.holder == cell.holders[d.iri], f"{where}: holder of {d.iri} is {d.holder}"
            assert d.holder_level == world.region[d.holder].level, f"{where}: {d.holder_level}"
        rest = getattr(gap, "fallback_rest", None)
        if rest is not None:
            assert rest == cell.fallback_rest, (
                f"{where}: fallback_rest {rest}, expected {cell.fallback_rest}"
            )


# -- drawing worlds ---------------------------------------------------------------------------


LEVEL_CHOICES = ("county", "county", "prefectural", "provincial")


@st.composite
def calls(draw: st.DrawFn, regions: list[Region], docs: list[Doc]) -> tuple[Call, ...]:
    """Two find_gaps calls: one unfiltered, one with a filter (with two, 25 examples take ~2 min).

    Each find_gaps call costs about 0.8 s on the memory store (mostly rdflib parsing each query
    to check it), so a world is queried twice, not once per filter; over 25 examples every
    filter is drawn several times.
    """
    plain: Call = (("level", draw(st.sampled_from(LEVEL_CHOICES))),)
    variant = draw(st.sampled_from(("tier", "domain", "domain+tier", "within", "autonomous")))
    filtered: dict[str, object] = {"level": draw(st.sampled_from(LEVEL_CHOICES))}
    if "tier" in variant:
        filtered["tier"] = draw(st.sampled_from(TIERS))
    if "domain" in variant:
        used = sorted({x for d in docs for x in d.domains} - {"general"})
        filtered["domain"] = draw(st.sampled_from(used or DOMAINS))
    if variant == "within":
        filtered["level"] = draw(st.sampled_from(("county", "prefectural")))
        above = [r.code for r in regions if r.level in ("provincial", "prefectural")]
        filtered["within"] = draw(st.sampled_from(above))
    if variant == "autonomous":
        filtered["autonomous"] = True
    return (plain, tuple(filtered.items()))


@st.composite
def worlds(draw: st.DrawFn) -> World:
    regions = [Region("CN", "national", "country", "")]
    prefixes = draw(
        st.lists(st.sampled_from(PROVINCE_PREFIXES), min_size=1, max_size=3, unique=True)
    )
    for pp in sorted(prefixes):
        province = f"{pp}0000"
        regions.append(Region(province, "provincial", draw(st.sampled_from(PROVINCE_TYPES)), "CN"))
        for f in range(1, draw(st.integers(0, 2)) + 1):
            prefecture = f"{pp}{f:02d}00"
            division = draw(st.sampled_from(PREFECTURE_TYPES))
            regions.append(Region(prefecture, "prefectural", division, province))
            for c in range(1, draw(st.integers(0, 2)) + 1):
                division = draw(st.sampled_from(COUNTY_TYPES))
                regions.append(Region(f"{pp}{f:02d}{c:02d}", "county", division, prefecture))
        # Province-administered county-level units (like 429004 Xiantao), directly under it.
        for c in range(1, draw(st.integers(0, 1)) + 1):
            division = draw(st.sampled_from(COUNTY_TYPES))
            regions.append(Region(f"{pp}90{c:02d}", "county", division, province))
    codes = [r.code for r in regions]
    drawn = draw(
        st.lists(
            st.builds(
                Doc,
                id=st.just(""),
                jurisdiction=st.sampled_from(codes),
                tiers=st.frozensets(st.sampled_from(TIERS), min_size=1),
                domains=st.frozensets(st.sampled_from(DOMAINS), min_size=1, max_size=3),
                specificity=st.sampled_from(("dedicated", "general")),
                source=st.sampled_from(("t", "t", "e")),
                year=st.sampled_from(("", "2018", "2021")),
            ),
            max_size=20,
        )
    )
    docs = [
        Doc(f"d{i}", d.jurisdiction, d.tiers, d.domains, d.specificity, d.source, d.year)
        for i, d in enumerate(drawn)
    ]
    tree = World(tuple(regions))
    links: dict[tuple[str, str], Link] = {}
    for _ in range(draw(st.integers(0, 5)) if docs else 0):
        doc = draw(st.sampled_from(docs))
        below = [r for r in codes if doc.jurisdiction in tree.ancestors(r)]
        # Half the links go down the tree (a document its jurisdiction's descendant follows),
        # the others anywhere (a neighbour's document, or the region's own).
        down = draw(st.booleans())
        target = draw(st.sampled_from(below if down and below else codes))
        source = draw(st.sampled_from(("t", "e")))
        links.setdefault((doc.id, target), Link(doc.id, target, source))
    return World(tuple(regions), tuple(docs), tuple(links.values()), draw(calls(regions, docs)))


#: Shrinking a failure rebuilds the graph for each candidate (1-3 s) and may take the five minutes
#: Hypothesis allows per test; ORACLE_NO_SHRINK=1 reports the first failing world instead.
PHASES = [p for p in Phase if not (p is Phase.shrink and os.environ.get("ORACLE_NO_SHRINK"))]


@pytest.mark.parametrize("kind", STORES)
@settings(
    max_examples=25,
    deadline=None,
    database=None,  # no example database (Hypothesis still caches constants in .hypothesis/)
    phases=PHASES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_every_cell_agrees_with_the_definitions(kind: str, world: World) -> None:
    with built(world, kind) as store:
        for call in world.calls:
            filters = dict(call)
            report = find_gaps(store, **filters)  # type: ignore[arg-type]
            check_report(report, world, **filters)
            if kind == "oxigraph":  # the named queries, as a SPARQL endpoint's report reads them
                with mock.patch.object(store, "gap_table", return_value=None):
                    assert find_gaps(store, **filters) == report  # type: ignore[arg-type]


# -- examples -------------------------------------------------------------------------------------


def _doc(
    ident: str,
    where: str,
    specificity: str = "dedicated",
    *,
    tiers: tuple[str, ...] = ("assistance",),
    domains: tuple[str, ...] = ("pension",),
    source: str = "t",
) -> Doc:
    return Doc(ident, where, frozenset(tiers), frozenset(domains), specificity, source, "2020")


#: China, Gansu; prefecture 620100 with counties 620101, 620102; prefecture 620200 with 620201;
#: and 629001 directly under the province.
TREE = (
    Region("CN", "national", "country", ""),
    Region("620000", "provincial", "province", "CN"),
    Region("620100", "prefectural", "prefecture-level-city", "620000"),
    Region("620101", "county", "autonomous-county", "620100"),
    Region("620102", "county", "county", "620100"),
    Region("620200", "prefectural", "autonomous-prefecture", "620000"),
    Region("620201", "county", "county", "620200"),
    Region("629001", "county", "county-level-city", "620000"),
)


@pytest.mark.parametrize("kind", STORES)
def test_the_nearest_provider_skips_a_prefecture_with_only_general_plans(kind: str) -> None:
    world = World(
        TREE,
        (
            _doc("national", "CN"),
            _doc("province-a", "620000"),
            _doc("province-b", "620000", domains=("medical",)),
            _doc("city-plan", "620100", "general"),  # the prefecture's general plan
            _doc("other-tier", "620100", tiers=("insurance",)),
            _doc("county-plan", "620102", "general", source="e"),
        ),
    )
    with built(world, kind) as store:
        report = find_gaps(store, tier="assistance")
        check_report(report, world, tier="assistance")
        cells = {g.code: g for g in report.gaps}
        county = cells["620101"]
        assert county.status == "inherited" and not county.evidence and not county.surveyed
        assert county.parent == "620100"
        assert {d.holder for d in county.fallback} == {"620000"}
        assert {d.relation for d in county.fallback} == {"ancestor"}
        assert getattr(county, "fallback_rest", 1) == 1  # the national document
        # A general plan of its own: general-only, but it still shows what it falls back on.
        assert cells["620102"].status == "general-only" and not cells["620102"].surveyed
        assert {d.holder for d in cells["620102"].fallback} == {"620000"}
        # Directly under the province.
        assert cells["629001"].parent == "620000"
        assert {d.holder for d in cells["629001"].fallback} == {"620000"}
        for filters in (
            {"level": "prefectural"},
            {"level": "county", "within": "620100", "tier": "insurance"},
            {"level": "county", "autonomous": True, "domain": "medical"},
        ):
            report = find_gaps(store, **filters)
            check_report(report, world, **filters)


@pytest.mark.parametrize("kind", STORES)
def test_a_document_relevant_for_a_region_outside_its_jurisdiction_is_a_fallback(
    kind: str,
) -> None:
    world = World(
        TREE,
        (
            _doc("province", "620000"),
            _doc("neighbour-city", "620200"),  # not an ancestor of 620101
            _doc("own-city", "620100"),
            _doc("inferred", "620201", source="e"),
        ),
        (
            Link("neighbour-city", "620101", source="e"),
            Link("province", "620101"),
            Link("inferred", "620102"),
        ),
    )
    with built(world, kind) as store:
        report = find_gaps(store, tier="assistance")
        cells = {g.code: g for g in report.gaps}
        county = cells["620101"]
        assert county.status == "inherited"
        assert county.surveyed  # stated documents follow it, though the links are inferred
        relations = {d.holder: d.relation for d in county.fallback}
        assert relations == {
            "620200": "relevant-for",
            "620000": "relevant-for",
            "620100": "ancestor",
        }
        # A document of an inferred source relevant for a region does not survey it.
        assert not cells["620102"].surveyed
        assert {d.holder for d in cells["620102"].fallback} == {"620201"}
        check_report(report, world, tier="assistance")


@pytest.mark.parametrize("kind", STORES)
def test_none_when_nothing_anywhere_covers_the_tier(kind: str) -> None:
    world = World(
        TREE,
        (
            # An ancestor's general plan does not provide; other tiers and domains do not count.
            _doc("national-plan", "CN", "general", tiers=TIERS, domains=("general",)),
            _doc("province-insurance", "620000", tiers=("insurance",)),
            _doc("city-medical", "620100", tiers=("commercial",), domains=("medical",)),
        ),
    )
    with built(world, kind) as store:
        report = find_gaps(store, tier="commercial", domain="pension")
        cells = {g.code: g for g in report.gaps}
        assert {g.status for g in report.gaps} == {"none"}
        assert all(not g.fallback and not g.evidence for g in report.gaps)
        assert set(cells) == {"620101", "620102", "620201", "629001"}
        check_report(report, world, tier="commercial", domain="pension")
        everything = find_gaps(store, level="provincial")
        check_report(everything, world, level="provincial")
        assert [g.status for g in everything.gaps] == ["none", "own", "none"]


@pytest.mark.parametrize("kind", STORES)
def test_a_document_of_the_domain_and_of_general_is_listed_once(kind: str) -> None:
    world = World(
        TREE,
        (
            _doc("both", "620101", domains=("pension", "general")),
            _doc("province-both", "620000", domains=("general", "pension", "medical")),
        ),
    )
    with built(world, kind) as store:
        report = find_gaps(store, tier="assistance", domain="pension")
        cells = {g.code: g for g in report.gaps}
        assert [d.holder for d in cells["620101"].evidence] == ["620101"]
        assert [d.holder for d in cells["620102"].fallback] == ["620000"]
        check_report(report, world, tier="assistance", domain="pension")
