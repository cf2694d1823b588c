"""The gap table: the gap report's rows, made at build time beside the derived graph.

Every gap report reads the same region × tier cells with their evidence and fall-back documents.
Asking a store for them in SPARQL (``gaps/coverage-matrix`` and ``gaps/provision``) joins every
county with every document it rests on and converts each term, 64,000 rows at 20,000 documents:
seconds per report. The build already holds all of it in Python (:mod:`policygraph.derive`), so
it writes the rows once into a small SQLite database that a local store keeps with its quads
(``DIR/current/gaps.sqlite``, swapped in with them) and the report reads with one indexed query.

The table says what the named queries say, row for row: a region needs its code, English label
and level; a document in a cell's lists needs its English title, specificity, and a holder with
code, English label and level (the queries' patterns), and a fall-back document is
``relevant-for`` when the region is named as following it, else ``ancestor``. A SPARQL endpoint
has no table; its reports come from the named queries, and the tests check that both agree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from policygraph.errors import StoreError
from policygraph.regionnames import ALTERNATIVE, PREFERRED, RegionInfo, RegionNames, name_key

if TYPE_CHECKING:
    from rdflib import URIRef

    from policygraph.derive import Cell, Doc, Index
    from policygraph.sources.rdffile import StoreView

#: A region key: an IRI (the build) or a code (the named query).
K = TypeVar("K")

# Reading the table (a gap report) needs neither rdflib nor the derivation: the functions that
# write it at build time import them.

__all__ = [
    "AUTONOMOUS",
    "CellRow",
    "DocumentRow",
    "GapTable",
    "TableRows",
    "TimedRows",
    "table_rows",
]

SCHEMA_VERSION = 5
AUTONOMOUS = frozenset(
    {"autonomous-region", "autonomous-prefecture", "autonomous-county", "autonomous-banner"}
)

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE region(
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL,
    level TEXT NOT NULL, surveyed INTEGER NOT NULL, autonomous INTEGER NOT NULL,
    parent_code TEXT NOT NULL, parent_label TEXT NOT NULL, label_zh TEXT NOT NULL,
    division_type TEXT NOT NULL, population INTEGER);
CREATE TABLE region_name(region INTEGER NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,
    kind INTEGER NOT NULL);
CREATE TABLE ancestor(region INTEGER NOT NULL, ancestor TEXT NOT NULL);
CREATE TABLE document(
    id INTEGER PRIMARY KEY, iri TEXT NOT NULL, title TEXT NOT NULL, number TEXT NOT NULL,
    year TEXT NOT NULL, specificity TEXT NOT NULL, holder TEXT NOT NULL,
    holder_label TEXT NOT NULL, holder_level TEXT NOT NULL);
CREATE TABLE cell(
    region INTEGER NOT NULL, tier TEXT NOT NULL, domain TEXT NOT NULL, status TEXT NOT NULL,
    rest INTEGER NOT NULL, evidence TEXT NOT NULL, fallback TEXT NOT NULL);
CREATE TABLE tree(
    iri TEXT NOT NULL, code TEXT NOT NULL, level TEXT NOT NULL, parent TEXT NOT NULL,
    since INTEGER);
CREATE TABLE provision(
    iri TEXT NOT NULL, document INTEGER, holder TEXT NOT NULL, dedicated INTEGER NOT NULL,
    tiers TEXT NOT NULL, domains TEXT NOT NULL, follows TEXT NOT NULL, since INTEGER,
    until INTEGER);
CREATE TABLE claim(
    code TEXT NOT NULL, tier TEXT NOT NULL, claim TEXT NOT NULL, id TEXT NOT NULL,
    kind TEXT NOT NULL, verdict TEXT NOT NULL, locator TEXT NOT NULL, comment TEXT NOT NULL,
    counterexample TEXT NOT NULL, year TEXT NOT NULL, verdict_then TEXT NOT NULL,
    counterexample_then TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX ancestor_by_ancestor ON ancestor(ancestor, region);
CREATE INDEX cell_by_domain ON cell(domain, tier, region);
CREATE INDEX region_name_by_key ON region_name(key);
CREATE INDEX region_by_code ON region(code);
CREATE INDEX provision_by_holder ON provision(holder);
"""


@dataclass(frozen=True)
class DocumentRow:
    iri: str
    title: str
    number: str
    year: str
    specificity: str
    holder: str
    holder_label: str
    holder_level: str


@dataclass(frozen=True)
class CellRow:
    """One region × tier (× domain) cell, as the report reads it."""

    region: str
    code: str
    label: str
    level: str
    surveyed: bool
    parent: str
    parent_label: str
    label_zh: str
    autonomous: bool
    tier: str
    status: str
    rest: int
    evidence: tuple[int, ...]  # document ids, in IRI order
    fallback: tuple[tuple[int, str], ...]  # (document id, relation), in that order
    #: Resident population of the latest census the graph has, if any.
    population: int | None = None


@dataclass(frozen=True)
class TableRows:
    """A build's table, in memory until a store writes it (:meth:`write`)."""

    fingerprint: str
    regions: list[tuple[object, ...]]
    names: list[tuple[int, str, str, int]]
    ancestors: list[tuple[int, str]]
    documents: list[tuple[object, ...]]
    cells: list[tuple[object, ...]]
    claims: list[tuple[str, ...]]
    #: What a status as of a year is computed from (:mod:`policygraph.asof`): every region
    #: with its parent, level and first year in use; every document with its holder, tiers,
    #: domains, the regions following it, and its years in force.
    tree: list[tuple[object, ...]] = field(default_factory=list)
    provision: list[tuple[object, ...]] = field(default_factory=list)
    tiers: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def write(self, target: Path | sqlite3.Connection) -> None:
        """Write into a new database file, or into an open (empty) connection."""
        connection = target if isinstance(target, sqlite3.Connection) else sqlite3.connect(target)
        try:
            connection.executescript(_SCHEMA)
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("schema", str(SCHEMA_VERSION)),
                    ("fingerprint", self.fingerprint),
                    ("tiers", orjson.dumps(self.tiers).decode()),
                    ("domains", orjson.dumps(self.domains).decode()),
                ],
            )
            connection.executemany("INSERT INTO tree VALUES (?,?,?,?,?)", self.tree)
            connection.executemany(
                "INSERT INTO provision VALUES (?,?,?,?,?,?,?,?,?)", self.provision
            )
            connection.executemany(
                "INSERT INTO region VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.regions
            )
            connection.executemany("INSERT INTO region_name VALUES (?,?,?,?)", self.names)
            connection.executemany("INSERT INTO ancestor VALUES (?,?)", self.ancestors)
            connection.executemany(
                "INSERT INTO document VALUES (?,?,?,?,?,?,?,?,?)", self.documents
            )
            connection.executemany("INSERT INTO cell VALUES (?,?,?,?,?,?,?)", self.cells)
            connection.executemany(
                "INSERT INTO claim VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.claims
            )
            connection.executescript(_INDEXES)
            connection.commit()
        finally:
            if connection is not target:
                connection.close()


def table_rows(dataset: StoreView, index: Index, cells: list[Cell], fingerprint: str) -> TableRows:
    """The table of ``cells`` (all of a build's, from ``index`` over ``dataset``)."""
    from policygraph import namespaces as ns
    from policygraph.namespaces import DCTERMS, ELI, PG, SKOS

    labels = dataset.values(SKOS.prefLabel, language="en")
    labels_zh = dataset.values(SKOS.prefLabel, language="zh-hans")  # Oxigraph's lower case
    # A document imported with a Chinese title only is listed by that title.
    titles = {
        **dataset.values(DCTERMS.title, language="zh-hans"),
        **dataset.values(DCTERMS.title, language="en"),
    }
    numbers = dataset.values(ELI.id_local)
    years = dataset.values(PG.year)
    specificity = {s: ns.slug(o) for s, o in dataset.values(PG.specificity).items()}
    division = {s: ns.slug(o) for s, o in dataset.values(PG.divisionType).items()}
    people = _populations(dataset)

    region_ids: dict[URIRef, int] = {}
    region_rows: list[tuple[object, ...]] = []
    ancestor_rows: list[tuple[int, str]] = []
    for region in sorted(index.regions, key=str):
        label, level = labels.get(region), index.level.get(region)
        if label is None or level is None:
            continue  # the queries need both
        parent = index.parent.get(region)
        parent_label = labels.get(parent) if parent is not None else None
        has_parent = parent is not None and parent in index.regions and parent_label is not None
        region_ids[region] = rid = len(region_rows)
        region_rows.append(
            (
                rid,
                str(region),
                index.regions[region],
                label,
                level,
                int(region in index.surveyed),
                int(division.get(region) in AUTONOMOUS),
                index.regions[parent] if has_parent and parent is not None else "",
                parent_label if has_parent and parent_label is not None else "",
                labels_zh.get(region, ""),
                division.get(region, ""),
                people.get(region),
            )
        )
        ancestor_rows.extend((rid, str(a)) for a in index.ancestors(region))

    holders = {d.iri: d.holder for d in index.docs}
    document_ids: dict[URIRef, int | None] = {}
    document_rows: list[tuple[object, ...]] = []

    def document(iri: URIRef) -> int | None:
        if iri in document_ids:
            return document_ids[iri]
        holder = holders.get(iri)
        title, spec = titles.get(iri), specificity.get(iri)
        found = None
        if (
            holder is not None
            and holder in index.regions
            and title is not None
            and spec is not None
            and holder in labels
            and holder in index.level
        ):
            found = len(document_rows)
            document_rows.append(
                (
                    found,
                    str(iri),
                    title,
                    numbers.get(iri, ""),
                    years.get(iri, ""),
                    spec,
                    index.regions[holder],
                    labels[holder],
                    index.level[holder],
                )
            )
        document_ids[iri] = found
        return found

    for doc in index.docs:  # every document, listed in a cell today or in some year only
        document(doc.iri)
    followed = {d.iri: d.follows for d in index.docs}
    listed: list[tuple[int, tuple[object, ...], list[int], list[tuple[int, str]]]] = []
    for found in cells:
        cell_region = region_ids.get(found.region)
        if cell_region is None:
            continue
        evidence = [i for i in map(document, found.evidence) if i is not None]
        fallback = []
        for iri in found.fallback:
            i = document(iri)
            if i is not None:
                relation = "relevant-for" if found.region in followed.get(iri, ()) else "ancestor"
                fallback.append((i, relation))
        cell = (found.tier, found.domain or "", found.status, found.rest)
        listed.append((cell_region, cell, evidence, fallback))

    # Documents numbered in IRI order and each cell's lists sorted by number: the order the
    # report shows them in, so that reading a cell sorts nothing.
    by_iri = sorted(range(len(document_rows)), key=lambda i: str(document_rows[i][1]))
    renumber = {old: new for new, old in enumerate(by_iri)}
    document_rows = [(new, *document_rows[old][1:]) for new, old in enumerate(by_iri)]
    cell_rows: list[tuple[object, ...]] = [
        (
            cell_region,
            *cell,
            orjson.dumps(sorted(renumber[i] for i in evidence)).decode(),
            orjson.dumps(sorted((renumber[i], r) for i, r in fallback)).decode(),
        )
        for cell_region, cell, evidence, fallback in listed
    ]

    claim_rows = _claims(dataset, index, labels)
    names = _names(dataset, region_ids)
    tree: list[tuple[object, ...]] = [
        (
            str(region),
            code,
            index.level.get(region, ""),
            str(index.parent.get(region, "")),
            index.start.get(region),
        )
        for region, code in sorted(index.regions.items())
    ]
    provision: list[tuple[object, ...]] = [
        (
            str(d.iri),
            renumber[i] if (i := document_ids.get(d.iri)) is not None else None,
            str(d.holder),
            int(d.dedicated),
            ";".join(sorted(d.tiers)),
            ";".join(sorted(d.domains)),
            orjson.dumps(sorted(map(str, d.follows))).decode(),
            d.start,
            d.end,
        )
        for d in index.docs
    ]
    return TableRows(
        fingerprint,
        region_rows,
        names,
        ancestor_rows,
        document_rows,
        cell_rows,
        claim_rows,
        tree,
        provision,
        tuple(index.tiers),
        tuple(index.domains),
    )


def _names(dataset: StoreView, region_ids: dict[URIRef, int]) -> list[tuple[int, str, str, int]]:
    """Every name of every region (:mod:`policygraph.regionnames`), with its key, each once."""
    from rdflib import Literal

    from policygraph.namespaces import SKOS

    found: dict[tuple[int, str], tuple[int, str, str, int]] = {}
    for predicate, kind in (
        (SKOS.prefLabel, PREFERRED),
        (SKOS.altLabel, ALTERNATIVE),
        (SKOS.hiddenLabel, ALTERNATIVE),
    ):
        for region, name in dataset.subject_objects(predicate):
            rid = region_ids.get(region)  # type: ignore[call-overload]
            if rid is None or not isinstance(name, Literal) or not (key := name_key(name)):
                continue
            if (rid, key) not in found or found[rid, key][3] > kind:
                found[rid, key] = (rid, key, str(name), kind)
    return sorted(found.values())


def latest_populations(
    rows: Iterable[tuple[K, str, str, str | None]],
) -> dict[K, int]:
    """(region, year, value, unit multiplier) rows → each region's value of its latest year,
    times 10**multiplier: one reduction for the gap table and for lookup/population."""
    from decimal import Decimal

    found: dict[K, tuple[str, int]] = {}
    for region, year, value, mult in rows:
        people = int(Decimal(value) * 10 ** int(mult or 0))
        if region not in found or found[region][0] < year:
            found[region] = (year, people)
    return {region: people for region, (_, people) in found.items()}


def _populations(dataset: StoreView) -> dict[URIRef, int]:
    """Region → resident population of the latest period observed (what lookup/population
    gives): computed once here, so that no report joins 16,000 census observations."""
    from rdflib import URIRef

    from policygraph.namespaces import BASE, PG, SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE

    resident = URIRef(f"{BASE}id/indicator/resident-population")
    observations = set(dataset.subjects(PG.indicator, resident))
    if not observations:
        return {}
    areas, years = dataset.values(SDMX_DIMENSION.refArea), dataset.values(PG.year)
    values, mults = dataset.values(SDMX_MEASURE.obsValue), dataset.values(SDMX_ATTRIBUTE.unitMult)
    rows = (
        (URIRef(area), year, value, mults.get(obs))
        for obs in map(URIRef, map(str, observations))
        if (area := areas.get(obs)) is not None
        and (year := years.get(obs)) is not None
        and (value := values.get(obs)) is not None
    )
    return latest_populations(rows)


def _claims(dataset: StoreView, index: Index, labels: dict[URIRef, str]) -> list[tuple[str, ...]]:
    """The rows of the named query ``gaps/claims``: each claim × region × tier, its verdict.

    A missing-policy claim agrees when the region has no dedicated document of its own for the
    tier whose domains meet the claim's (or general) and whose target groups meet the claim's,
    where the claim names them; it disagrees otherwise, naming the first such document. It is
    checked twice: against every document, and as of its source's year (``dcterms:date``) with
    only the documents in force then, so that a later document does not contradict it.
    """
    from rdflib import URIRef

    from policygraph import namespaces as ns
    from policygraph.namespaces import DCTERMS, PG, RDF, RDFS, SKOS

    single = {p: dataset.values(p) for p in (DCTERMS.identifier, DCTERMS.source, PG.locator)}
    kinds = {s: ns.slug(o) for s, o in dataset.values(PG.claimKind).items()}
    comments = dataset.values(RDFS.comment)
    dates = dataset.values(DCTERMS.date)
    groups_of: dict[URIRef, set[URIRef]] = {}
    for subject, group in dataset.subject_objects(PG.targetGroup):
        groups_of.setdefault(subject, set()).add(group)  # type: ignore[arg-type]
    rows: list[tuple[str, ...]] = []
    for claim in sorted(
        s for s in dataset.subjects(RDF.type, PG.GapClaim) if isinstance(s, URIRef)
    ):
        values = [single[p].get(claim) for p in single]
        kind, comment = kinds.get(claim), comments.get(claim)
        if None in values or kind is None or comment is None:
            continue  # the query's pattern needs them all
        claim_id, source, locator = (str(v) for v in values)
        date = dates.get(URIRef(source), "")
        year = date[:4] if date[:4].isdigit() else ""
        regions: set[URIRef] = set()
        for about in dataset.objects(claim, PG.aboutRegion):
            if about in index.regions:
                regions.add(about)  # type: ignore[arg-type]
            regions.update(m for m in dataset.objects(about, SKOS.member) if isinstance(m, URIRef))
        claim_tiers = {ns.slug(t) for t in dataset.objects(claim, PG.tier)}
        domains = {ns.slug(d) for d in dataset.objects(claim, PG.domain)}
        groups = groups_of.get(claim, set())
        for region in regions:
            code, label = index.regions.get(region), labels.get(region)
            if code is None or label is None:
                continue
            for tier in index.tiers:
                if claim_tiers and tier not in claim_tiers:
                    continue
                against = [
                    d
                    for d in index.by_holder.get(region, ())
                    if d.dedicated
                    and tier in d.tiers
                    and d.domains
                    and (not domains or d.domains & (domains | {"general"}))
                    and (not groups or groups & groups_of.get(d.iri, set()))
                ]
                then = [d for d in against if d.in_force(int(year))] if year else against
                verdict, counterexample = _verdict(kind, against)
                verdict_then, counterexample_then = _verdict(kind, then)
                rows.append(
                    (
                        code,
                        tier,
                        str(claim),
                        claim_id,
                        kind,
                        verdict,
                        locator,
                        comment,
                        counterexample,
                        year,
                        verdict_then,
                        counterexample_then,
                    )
                )
    return rows


def _verdict(kind: str, against: list[Doc]) -> tuple[str, str]:
    """A claim's verdict and counterexample, given the documents that would contradict it."""
    first = min((str(d.iri) for d in against), default="")
    if kind != "missing-policy":
        return "not-checkable", first
    return ("disagrees" if against else "agrees"), first


@dataclass(frozen=True)
class TimedRows:
    """The table's ``tree`` and ``provision`` rows (see :class:`TableRows`)."""

    tiers: tuple[str, ...]
    domains: tuple[str, ...]
    #: (iri, code, level, parent iri or "", first year in use or None)
    tree: list[tuple[Any, ...]]
    #: (iri, document id or None, holder iri, dedicated, "tier;tier", "domain;domain",
    #: JSON list of followers' iris, first year in force or None, first year no longer or None)
    provision: list[tuple[Any, ...]]


def _scope(tree: list[tuple[Any, ...]], within: str) -> set[str]:
    """``within``, the regions under it and its ancestors (IRIs), from the tree's rows."""
    parent = {row[0]: row[3] for row in tree if row[3]}
    found = {region for region in parent if _under(parent, region, within)} | {within}
    current = parent.get(within)
    while current and current not in found:
        found.add(current)
        current = parent.get(current)
    return found


def _under(parent: dict[str, str], region: str, within: str) -> bool:
    """Whether ``region`` is ``within`` or under it."""
    seen: set[str] = set()
    while region and region not in seen:
        if region == within:
            return True
        seen.add(region)
        region = parent.get(region, "")
    return False


#: A region's :class:`RegionInfo` columns, its parent's Chinese name joined by code.
_REGION_INFO = (
    "SELECT r.code, r.label_zh, r.label, r.level, r.division_type, r.parent_code,"
    " COALESCE(p.label_zh, ''), r.parent_label"
)
_PARENT = "LEFT JOIN region p ON p.code = r.parent_code AND r.parent_code != ''"


class GapTable:
    """A written table, opened read-only."""

    def __init__(self, db: sqlite3.Connection, name: str = "the gap table") -> None:
        self._db = db
        self._name = name
        self._names: RegionNames | None = None
        self._timed: TimedRows | None = None

    def _execute(self, sql: str, args: Sequence[object] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self._name}: cannot read the gap table ({exc}); run `policygraph build`"
            ) from None

    @classmethod
    def open(cls, path: Path) -> GapTable:
        """Open a table file read-only (it never changes: a build writes a new one)."""
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        return cls(sqlite3.connect(uri, uri=True, check_same_thread=False), str(path))

    @classmethod
    def in_memory(cls, rows: TableRows) -> GapTable:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        rows.write(db)
        return cls(db)

    @staticmethod
    def restamp(path: Path, fingerprint: str) -> None:
        """Give a copied table the fingerprint of the build that keeps it."""
        connection = sqlite3.connect(path)
        try:
            connection.execute(
                "UPDATE meta SET value = ? WHERE key = 'fingerprint'", (fingerprint,)
            )
            connection.commit()
        finally:
            connection.close()

    def fingerprint(self) -> str | None:
        row = self._execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        return row[0] if row else None

    def cells(
        self,
        *,
        level: str,
        tier: str | None = None,
        domain: str | None = None,
        within: str | None = None,
        autonomous: bool = False,
    ) -> Iterator[CellRow]:
        """The cells of regions at ``level`` (filtered as the named queries filter them;
        ``within`` a region IRI: that region and the regions under it)."""
        sql = [
            "SELECT r.iri, r.code, r.label, r.level, r.surveyed, r.parent_code, r.parent_label,",
            "r.label_zh, r.autonomous,",
            "c.tier, c.status, c.rest, c.evidence, c.fallback, r.population",
            "FROM cell c JOIN region r ON r.id = c.region",
            "WHERE c.domain = ? AND r.level = ?",
        ]
        args: list[object] = [domain or "", level]
        if tier:
            sql.append("AND c.tier = ?")
            args.append(tier)
        if within:
            # The region itself and those under it, as the queries' `skos:broaderTransitive?`.
            sql.append(
                "AND (r.iri = ? OR c.region IN (SELECT region FROM ancestor WHERE ancestor = ?))"
            )
            args += [within, within]
        if autonomous:
            sql.append("AND r.autonomous = 1")
        for row in self._execute(" ".join(sql), args):
            yield CellRow(
                region=row[0],
                code=row[1],
                label=row[2],
                level=row[3],
                surveyed=bool(row[4]),
                parent=row[5],
                parent_label=row[6],
                label_zh=row[7],
                autonomous=bool(row[8]),
                tier=row[9],
                status=row[10],
                rest=row[11],
                evidence=tuple(orjson.loads(row[12])),
                fallback=tuple((i, r) for i, r in orjson.loads(row[13])),
                population=row[14],
            )

    def region(self, code: str) -> CellRow | None:
        """The region with this code, as :meth:`regions` gives it."""
        return next(self.regions(code=code), None)

    def regions(
        self,
        *,
        level: str | None = None,
        within: str | None = None,
        autonomous: bool = False,
        code: str | None = None,
    ) -> Iterator[CellRow]:
        """The regions :meth:`cells` would list, each as a :class:`CellRow` with no tier and no
        status yet (for a status computed as of a year)."""
        sql = [
            "SELECT r.iri, r.code, r.label, r.level, r.surveyed, r.parent_code, r.parent_label,",
            "r.label_zh, r.autonomous, r.population FROM region r WHERE",
            "r.level = ?" if level is not None else "r.code = ?",
        ]
        args: list[object] = [level if level is not None else code]
        if within:
            sql.append(
                "AND (r.iri = ? OR r.id IN (SELECT region FROM ancestor WHERE ancestor = ?))"
            )
            args += [within, within]
        if autonomous:
            sql.append("AND r.autonomous = 1")
        sql.append("ORDER BY r.code")
        for row in self._execute(" ".join(sql), args):
            yield CellRow(
                region=row[0],
                code=row[1],
                label=row[2],
                level=row[3],
                surveyed=bool(row[4]),
                parent=row[5],
                parent_label=row[6],
                label_zh=row[7],
                autonomous=bool(row[8]),
                tier="",
                status="",
                rest=0,
                evidence=(),
                fallback=(),
                population=row[9],
            )

    def timed(self, within: str | None = None) -> TimedRows:
        """The regions and documents a status as of a year is computed from: all of them (read
        once), or those the cells of ``within`` (a region IRI) and the regions under it can
        rest on: the documents of those regions and of their ancestors, and every document
        some region is named as following (a province's documents, not the nation's 20,000)."""
        if self._timed is not None:
            return self._timed
        meta = dict(self._execute("SELECT key, value FROM meta").fetchall())
        tree = self._execute("SELECT * FROM tree").fetchall()
        if within is None:
            provision = self._execute("SELECT * FROM provision").fetchall()
        else:
            scope = _scope(tree, within)
            provision = self._execute("SELECT * FROM provision WHERE follows != '[]'").fetchall()
            ordered = sorted(scope)
            for start in range(0, len(ordered), 500):
                chunk = ordered[start : start + 500]
                marks = ",".join("?" * len(chunk))
                provision += self._execute(
                    f"SELECT * FROM provision WHERE holder IN ({marks}) AND follows = '[]'",
                    chunk,
                ).fetchall()
        rows = TimedRows(
            tiers=tuple(orjson.loads(meta.get("tiers", "[]"))),
            domains=tuple(orjson.loads(meta.get("domains", "[]"))),
            tree=tree,
            provision=sorted(provision),
        )
        if within is None:
            self._timed = rows
        return rows

    def claims(self, tier: str | None = None) -> Iterator[tuple[str, ...]]:
        """(code, tier, claim, id, kind, verdict, locator, comment, counterexample) rows."""
        sql = "SELECT * FROM claim" + (" WHERE tier = ?" if tier else "")
        yield from self._execute(sql, (tier,) if tier else ())

    def documents(self, ids: set[int] | None = None) -> dict[int, DocumentRow]:
        """The documents with these ids (all when None)."""
        if ids is not None and len(ids) <= 2_000:
            return {int(row[0]): DocumentRow(*row[1:]) for row in self._some(ids)}
        # Many (a national report): one scan beats thousands of lookups.
        rows = self._execute("SELECT * FROM document")
        return {int(row[0]): DocumentRow(*row[1:]) for row in rows if ids is None or row[0] in ids}

    def _some(self, ids: set[int]) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += self._execute(f"SELECT * FROM document WHERE id IN ({marks})", chunk)
        return found

    def name_matches(self, key: str) -> list[tuple[RegionInfo, int]]:
        """The regions bearing a name with this key (:func:`policygraph.regionnames.name_key`),
        each with the kind of that name: one indexed lookup."""
        rows = self._execute(
            f"{_REGION_INFO}, n.kind FROM region_name n JOIN region r ON r.id = n.region"
            f" {_PARENT} WHERE n.key = ?",
            (key,),
        ).fetchall()
        return [(RegionInfo(*row[:8]), int(row[8])) for row in rows]

    def region_names(self) -> RegionNames:
        """Every region and name, in memory (read once: for a search, or the closest names)."""
        if self._names is None:
            regions = self._execute(f"{_REGION_INFO} FROM region r {_PARENT}").fetchall()
            names = self._execute(
                "SELECT r.code, n.name, n.kind FROM region_name n JOIN region r ON r.id = n.region"
            ).fetchall()
            self._names = RegionNames((RegionInfo(*row) for row in regions), names)
        return self._names

    def close(self) -> None:
        self._db.close()
