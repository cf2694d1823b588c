"""The status of a gap cell, by the definitions of DESIGN §3 (see :mod:`policygraph.derive`),
over a compact index of the region tree and the documents.

The build derives every cell with it (:mod:`policygraph.derive`), and a report computes a status
as of a year with it from the gap table's rows (:mod:`policygraph.asof`): one implementation.
It imports nothing of rdflib: the index's IRIs are rdflib's terms in a build and plain text in a
report, which only hashes and compares them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rdflib import URIRef

__all__ = ["LEVELS", "STATUSES", "Cell", "Doc", "Index", "cell", "cells"]

STATUSES = ("own", "general-only", "inherited", "none")
#: Levels from the bottom up: the nearest fall-back is the one with the lowest index.
LEVELS = ("county", "prefectural", "provincial", "national")
_GENERAL_DOMAIN = "general"


@dataclass(slots=True)
class Doc:
    iri: URIRef
    holder: URIRef
    dedicated: bool
    tiers: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    follows: set[URIRef] = field(default_factory=set)  # regions it is relevant for
    #: The first year in force (its entry into force, else its year); None: no year is known.
    start: int | None = None
    #: The first year no longer in force (ceased or repealed), None while no source says so.
    end: int | None = None

    def in_force(self, year: int | None) -> bool:
        """In force in ``year`` (None: today, every document). A document with no year cannot
        be placed in time and counts in no year's status."""
        if year is None:
            return True
        return (
            self.start is not None and self.start <= year and (self.end is None or year < self.end)
        )


class Index:
    """What the cells need: regions, parents, levels, documents (read once from a build's
    dataset by :func:`policygraph.derive.read_index`, or from the gap table's rows for a status
    as of a year)."""

    def __init__(
        self,
        *,
        tiers: list[str],
        domains: list[str],
        regions: dict[URIRef, str],
        level: dict[URIRef, str],
        parent: dict[URIRef, URIRef],
        docs: list[Doc],
        surveyed: set[URIRef],
        start: dict[URIRef, int] | None = None,
    ) -> None:
        self.tiers, self.domains = tiers, domains
        self.regions = regions  # region → code
        self.level, self.parent, self.docs, self.surveyed = level, parent, docs, surveyed
        #: Region → the first year its code was in use (pg:inUseFrom), where the graph says.
        self.start = start or {}
        self.by_holder: dict[URIRef, list[Doc]] = defaultdict(list)
        self.by_follower: dict[URIRef, list[Doc]] = defaultdict(list)
        for doc in self.docs:
            self.by_holder[doc.holder].append(doc)
            for region in doc.follows:
                if region != doc.holder:
                    self.by_follower[region].append(doc)
        self._chains: dict[URIRef, tuple[URIRef, ...]] = {}
        self._providing: dict[tuple[URIRef, str, str | None, int | None], tuple[URIRef, ...]] = {}
        self._above: dict[
            tuple[tuple[URIRef, ...], str, str | None, int | None],
            tuple[tuple[int, URIRef] | None, frozenset[URIRef]],
        ] = {}

    def exists(self, region: URIRef, year: int | None) -> bool:
        """Whether the region's code was in use in ``year`` (None: today)."""
        first = self.start.get(region)
        return year is None or first is None or first <= year

    def chain(self, region: URIRef) -> tuple[URIRef, ...]:
        """The region's ancestors, nearest first (once per region: a cell per tier asks)."""
        found = self._chains.get(region)
        if found is None:
            found = self._chains[region] = tuple(self.ancestors(region))
        return found

    def above(
        self, chain: tuple[URIRef, ...], tier: str, domain: str | None, year: int | None
    ) -> tuple[tuple[int, URIRef] | None, frozenset[URIRef]]:
        """What the ancestors ``chain`` (nearest first) provide for the cell: the nearest that
        provides, as (level rank, region), and all their documents; once per chain, since every
        county under a prefecture asks the same (3,000 counties, 370 chains)."""
        key = (chain, tier, domain, year)
        found = self._above.get(key)
        if found is None:
            nearest: tuple[int, URIRef] | None = None
            inherited: set[URIRef] = set()
            for ancestor in chain:
                docs = self.providing(ancestor, tier, domain, year)
                if docs and nearest is None:
                    nearest = (_rank(self, ancestor), ancestor)
                inherited.update(docs)
            found = self._above[key] = (nearest, frozenset(inherited))
        return found

    def providing(
        self, holder: URIRef, tier: str, domain: str | None, year: int | None = None
    ) -> tuple[URIRef, ...]:
        """The dedicated documents of ``holder`` that cover the tier (and domain), in force in
        ``year``, once each, in IRI order: a province's or the nation's list is asked for by
        every county (and is the fall-back of most)."""
        key = (holder, tier, domain, year)
        found = self._providing.get(key)
        if found is None:
            found = self._providing[key] = tuple(
                sorted(
                    d.iri
                    for d in self.by_holder.get(holder, ())
                    if d.dedicated and _covers(d, tier, domain) and d.in_force(year)
                )
            )
        return found

    def ancestors(self, region: URIRef) -> Iterator[URIRef]:
        seen = {region}
        current = self.parent.get(region)
        while current is not None and current not in seen:
            seen.add(current)
            yield current
            current = self.parent.get(current)


class Cell(NamedTuple):
    region: URIRef
    tier: str
    domain: str | None
    status: str
    evidence: tuple[URIRef, ...]
    own: int
    general: int
    inherited: int
    fallback_region: URIRef | None
    fallback: tuple[URIRef, ...]
    rest: int


def _covers(doc: Doc, tier: str, domain: str | None) -> bool:
    if tier not in doc.tiers:
        return False
    return domain is None or domain in doc.domains or _GENERAL_DOMAIN in doc.domains


def cell(
    index: Index, region: URIRef, tier: str, domain: str | None, year: int | None = None
) -> Cell:
    """One cell, by the definitions of DESIGN §3 (see the module docstring), with only the
    documents in force in ``year`` (None: every document, the status today)."""
    held = index.by_holder.get(region)
    own = [d for d in held if _covers(d, tier, domain) and d.in_force(year)] if held else []
    dedicated = sum(d.dedicated for d in own)
    nearest, above = index.above(index.chain(region), tier, domain, year)
    named = index.by_follower.get(region)
    following = (
        [d for d in named if d.dedicated and _covers(d, tier, domain) and d.in_force(year)]
        if named
        else []
    )
    inherited: frozenset[URIRef] | set[URIRef]
    if following:
        followed = {d.iri for d in following}
        inherited = above.union(followed)
        followed_rank = min(_rank(index, d.holder) for d in following)
        fallback_region = nearest[1] if nearest and nearest[0] <= followed_rank else None
        listed = set(followed)
        if fallback_region is not None:
            listed.update(index.providing(fallback_region, tier, domain, year))
        fallback = tuple(sorted(listed))
    else:  # most cells: the fall-back is the nearest ancestor's list as it is (sorted, shared)
        inherited = above
        fallback_region = nearest[1] if nearest else None
        fallback = (
            index.providing(fallback_region, tier, domain, year)
            if fallback_region is not None
            else ()
        )
    status = "own" if dedicated else "general-only" if own else "inherited" if inherited else "none"
    return Cell(
        region,
        tier,
        domain,
        status,
        tuple(sorted(d.iri for d in own)),
        dedicated,
        len(own) - dedicated,
        len(inherited),
        fallback_region,
        fallback,
        len(inherited) - len(fallback),  # every listed document is an inherited one
    )


def _rank(index: Index, region: URIRef) -> int:
    level = index.level.get(region, "")
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def cells(index: Index) -> Iterator[Cell]:
    for region in sorted(index.regions, key=str):
        for tier in index.tiers:
            yield cell(index, region, tier, None)
            for domain in index.domains:
                yield cell(index, region, tier, domain)
