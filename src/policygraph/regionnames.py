"""Region names: a name as people write it → the region's code, and a search over them.

Every option and parameter that takes a region code also takes a name: the Chinese name
(肃北蒙古族自治县), the short name (肃北), the English name (Subei Mongol Autonomous County), the
pinyin (Subei, su bei) and any alias in the data (``skos:altLabel``, ``skos:hiddenLabel``). Names
are compared by :func:`name_key`: case, spaces, hyphens, apostrophes and diacritics do not count.

A name resolves to one region or is refused: a name several regions bear (朝阳, Chaoyang) lists
them with their codes, an unknown name lists the closest. Where two regions share a name but one
bears it as its preferred name (吉林市) and the other as a short name or alias, the preferred
name wins.

The names are read once per build into the gap table (:mod:`policygraph.gaptable`), where one
indexed lookup resolves a name; a SPARQL endpoint's are read with one SELECT into a
:class:`RegionNames`. This module holds the comparison and the ranking, for both.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "ALTERNATIVE",
    "CODE",
    "LEVELS",
    "NAMES_QUERY",
    "PREFERRED",
    "AmbiguousName",
    "NameSource",
    "RegionInfo",
    "RegionNames",
    "UnknownName",
    "name_key",
    "resolve_name",
]

#: Kinds of name, strongest first: the code, a preferred label, an alternative or hidden label.
CODE, PREFERRED, ALTERNATIVE = 0, 1, 2
LEVELS = ("national", "provincial", "prefectural", "county")


def name_key(text: str) -> str:
    """What two spellings of a name share: ``Su Bei`` and ``subei``, ``Lüliang`` and
    ``lv liang`` (pinyin writes ü as v), ``Xi'an`` and ``xian``, full-width and half-width."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    # Letters and digits only: no accents, spaces, punctuation (full-width included) or symbols.
    kept = "".join(c for c in decomposed if unicodedata.category(c)[0] in "LN")
    return kept.replace("v", "u")


@dataclass(frozen=True, order=True)
class RegionInfo:
    """What a person needs to tell one region from another."""

    code: str
    label_zh: str
    label_en: str
    level: str
    division_type: str
    parent: str = ""
    parent_zh: str = ""
    parent_en: str = ""

    def describe(self, *, parent: bool = True) -> str:
        """``620923 肃北蒙古族自治县 Subei Mongol Autonomous County (in 620900 酒泉市)``."""
        names = " ".join(n for n in (self.label_zh, self.label_en) if n)
        text = f"{self.code} {names}".strip()
        if parent and self.parent and self.parent != "CN":
            text += f" (in {self.parent} {self.parent_zh or self.parent_en})".rstrip()
        return text


class UnknownName(ValueError):
    """No region bears this name; ``closest`` are the regions whose names come nearest."""

    def __init__(self, name: str, closest: list[RegionInfo]) -> None:
        self.name, self.closest = name, closest
        if closest:
            listed = "; ".join(r.describe() for r in closest)
            why = f"no region has this name; closest: {listed}"
        else:
            why = "no region has this name or one close to it"
        super().__init__(f"{why}; search with `policygraph regions {name}`")


class AmbiguousName(ValueError):
    """Several regions bear this name; give one of their codes."""

    MAX_LISTED = 8

    def __init__(self, name: str, candidates: list[RegionInfo]) -> None:
        self.name, self.candidates = name, candidates
        shown = "; ".join(r.describe() for r in candidates[: self.MAX_LISTED])
        more = len(candidates) - self.MAX_LISTED
        rest = f"; and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(candidates)} regions have this name: {shown}{rest}; give the code of one"
        )


class NameSource(Protocol):
    """Where names are looked up: the gap table, or a :class:`RegionNames` in memory."""

    def name_matches(self, key: str) -> list[tuple[RegionInfo, int]]:
        """The regions bearing a name with this key, each with the kind of that name."""
        ...

    def region_names(self) -> RegionNames:
        """Every region and name, for searching and for the closest names."""
        ...


def _order(region: RegionInfo) -> tuple[int, str]:
    return (LEVELS.index(region.level) if region.level in LEVELS else len(LEVELS), region.code)


def resolve_name(source: NameSource, name: str) -> RegionInfo:
    """The one region ``name`` names (see the module's docstring), or :class:`UnknownName` /
    :class:`AmbiguousName`."""
    key = name_key(name)
    matches = source.name_matches(key) if key else []
    if not matches:
        raise UnknownName(name.strip(), source.region_names().closest(name))
    strongest = min(kind for _, kind in matches)
    found = sorted({r for r, kind in matches if kind == strongest}, key=_order)
    if len(found) > 1:
        raise AmbiguousName(name.strip(), found)
    return found[0]


class RegionNames:
    """Every region with its names, in memory: lookups, search and the closest names."""

    def __init__(
        self, regions: Iterable[RegionInfo], names: Iterable[tuple[str, str, int]]
    ) -> None:
        """``names``: (region code, name, kind) rows; a region's code is a name of its own."""
        self.regions = {r.code: r for r in regions}
        self._keys: dict[str, dict[str, int]] = {}
        self._names: dict[str, set[str]] = {}
        for code, name, kind in names:
            if code not in self.regions:
                continue
            self._add(code, name, kind)
        for code in self.regions:
            self._add(code, code, CODE)

    def _add(self, code: str, name: str, kind: int) -> None:
        key = name_key(name)
        if not key:
            return
        codes = self._keys.setdefault(key, {})
        codes[code] = min(kind, codes.get(code, kind))
        self._names.setdefault(code, set()).add(key)

    def name_matches(self, key: str) -> list[tuple[RegionInfo, int]]:
        return [(self.regions[c], kind) for c, kind in self._keys.get(key, {}).items()]

    def region_names(self) -> RegionNames:
        return self

    def search(self, query: str, limit: int = 20, *, cutoff: float = 0.6) -> list[RegionInfo]:
        """Regions whose names match ``query``, best first: an exact name, a name that starts
        with it, a name that holds it, then names that come close (difflib); within each, the
        higher level first, then by code."""
        key = name_key(query)
        if not key:
            return []
        ranked: dict[str, tuple[int, int]] = {}

        def offer(codes: Iterable[str], rank: int, score: int = 0) -> None:
            for code in codes:
                if code not in ranked or ranked[code] > (rank, score):
                    ranked[code] = (rank, score)

        offer(self._keys.get(key, {}), 0)
        for name, codes in self._keys.items():
            if name != key and name.startswith(key):
                offer(codes, 1)
            elif key in name:
                offer(codes, 2)
        if len(ranked) < limit:
            for place, name in enumerate(self._close(key, limit * 3, cutoff)):
                offer(self._keys[name], 3, place)  # in _close's order: the nearest first
        order = sorted(ranked, key=lambda c: (*ranked[c], *_order(self.regions[c])))
        return [self.regions[c] for c in order[:limit]]

    def closest(self, query: str, n: int = 3) -> list[RegionInfo]:
        """The regions whose names come nearest to ``query`` (none when nothing is close): names
        that start with it or hold it, then names that look alike."""
        return self.search(query, n, cutoff=0.5)

    def _close(self, key: str, n: int, cutoff: float) -> Iterator[str]:
        """The ``n`` names nearest to ``key`` by difflib's ratio, at least ``cutoff``."""
        if not key:
            return
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        scored = []
        for name in self._keys:
            matcher.set_seq1(name)
            if (
                matcher.real_quick_ratio() >= cutoff
                and matcher.quick_ratio() >= cutoff
                and (ratio := matcher.ratio()) >= cutoff
            ):
                scored.append((ratio, name))
        # Ties (common among two-character names) go to the name that starts alike.
        scored.sort(key=lambda pair: (-pair[0], -_common_prefix(pair[1], key), pair[1]))
        for _, name in scored[:n]:
            yield name


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


#: The names and regions of any store, for a store without a gap table (a SPARQL endpoint):
#: (code, name, kind) and (code, Chinese name, English name, level, type, parent) rows.
NAMES_QUERY = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?code ?name ?kind WHERE {
  ?region a pg:Region ; skos:notation ?code .
  { ?region skos:prefLabel ?name BIND(1 AS ?kind) }
  UNION { ?region skos:altLabel ?name BIND(2 AS ?kind) }
  UNION { ?region skos:hiddenLabel ?name BIND(2 AS ?kind) }
}
"""
REGIONS_QUERY = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code (SAMPLE(?zh) AS ?labelZh) (SAMPLE(?en) AS ?labelEn) (SAMPLE(?level) AS ?lvl)
       (SAMPLE(?type) AS ?divisionType) (SAMPLE(?parentCode) AS ?parent) WHERE {
  ?region a pg:Region ; skos:notation ?code .
  OPTIONAL { ?region skos:prefLabel ?zh FILTER(LANGMATCHES(LANG(?zh), "zh-Hans")) }
  OPTIONAL { ?region skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?region pg:level ?level }
  OPTIONAL { ?region pg:divisionType ?type }
  OPTIONAL { ?region skos:broader/skos:notation ?parentCode }
}
GROUP BY ?code
"""


def _slug(value: object) -> str:
    return "" if value is None else str(value).rsplit("/", 1)[-1]


def from_rows(
    names: Iterable[tuple[object, ...]], regions: Iterable[tuple[object, ...]]
) -> RegionNames:
    """A :class:`RegionNames` from the rows of :data:`NAMES_QUERY` and :data:`REGIONS_QUERY`."""
    plain = [tuple("" if v is None else str(v) for v in row) for row in regions]
    by_code = {row[0]: row for row in plain}
    infos = []
    for code, zh, en, level, kind, parent in plain:
        above = by_code.get(parent, ("", "", ""))
        infos.append(
            RegionInfo(code, zh, en, _slug(level), _slug(kind), parent, above[1], above[2])
        )
    rows = [(str(code), str(name), int(str(kind))) for code, name, kind in names]
    return RegionNames(infos, rows)
