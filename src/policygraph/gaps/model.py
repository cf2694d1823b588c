"""The gap report's values: a cell (:class:`Gap`) with the documents behind its status and the
sources' claims about it, the report (:class:`GapReport`) and its overview, and the join of the
gap table's rows into cells."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from policygraph.frames import dataframe
from policygraph.gaptable import CellRow, DocumentRow

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
    "gaps_of",
]

STATUSES = ("own", "general-only", "inherited", "none")
TIERS = ("assistance", "insurance", "commercial")


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
        # The row's fields in this class's order, the relation between (a report makes 20,000).
        return _made(cls, _DOCUMENT_FIELDS, (*row[:5], relation, *row[5:]))

    @property
    def short(self) -> str:
        """The number where there is one, else the title."""
        return self.number or self.title


_new = object.__new__
_T = TypeVar("_T")


def _made(cls: type[_T], names: tuple[str, ...], values: Iterable[object]) -> _T:
    """An instance of the frozen dataclass ``cls`` holding ``values`` for its fields ``names``
    (all of them, in order), made without its ``__init__``, which sets each field through
    ``object.__setattr__``: a national report's 20,000 documents and 8,500 cells are made in
    a third less time. For the classes here: no ``__post_init__``, no slots."""
    made = _new(cls)
    made.__dict__.update(zip(names, values, strict=True))
    return made


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


_DOCUMENT_FIELDS = tuple(f.name for f in fields(Document))
_GAP_FIELDS = tuple(f.name for f in fields(Gap))

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


def gaps_of(
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
        _made(
            Gap,
            _GAP_FIELDS,
            (
                *row[:3],  # region, code, label
                row.tier,
                row.status,
                row.surveyed,
                row.parent,
                row.parent_label,
                row.label_zh,
                row.autonomous,
                # The table lists them in the report's order, each once.
                tuple(map(own.__getitem__, row.evidence)),
                tuple(map(fallback.__getitem__, row.fallback)),
                tuple(sorted(set(found))) if (found := claims.get((row.code, row.tier))) else (),
                row.rest,
                row.population,
            ),
        )
        for row in rows
    ]
