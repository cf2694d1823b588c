"""The site's search index: every region, document, body, programme and claim, in English,
Chinese and the pinyin of the English names, for the search box (``assets/search.js``).

``search.json`` holds the index; ``search-index.js`` holds the same data as a script, because a
browser does not let a page opened from disk (``file://``) fetch a file, but it does let it load
a script. Regions without a page (no source studies them) are in the index with their gap
status by tier and no link: the search says what is known of them rather than nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from policygraph.gaps import TIERS, Gap
from policygraph.reports.overview import RegionInfo

__all__ = ["FIELDS", "SCHEMA", "search_index", "search_json", "search_script", "write_search"]

SCHEMA = "policygraph/search/1"
#: The fields of an entry, in order: entries are lists, to keep the index small.
FIELDS = ("kind", "code", "label", "zh", "also", "within", "href", "statuses", "text")
_KIND_ORDER = {"region": 0, "document": 1, "body": 2, "programme": 3, "claim": 4}
_ALSO = ("skos:altLabel", "skos:hiddenLabel", "eli:id_local", "dcterms:identifier")
_TEXT = ("rdfs:comment", "pg:quote")


def _texts(pairs: list[tuple[str, Any]], predicates: tuple[str, ...], language: str = "") -> str:
    found = []
    for predicate, obj in pairs:
        if predicate not in predicates:
            continue
        tag = (getattr(obj, "language", None) or "").lower()
        if language and not tag.startswith(language):
            continue
        found.append(str(obj))
    return " · ".join(sorted(set(found)))


def search_index(
    graph: nx.MultiDiGraph,
    facts: Mapping[str, list[tuple[str, Any]]],
    statuses: Mapping[str, Mapping[str, str]],
    within: Mapping[str, str],
) -> dict[str, Any]:
    """The index of every node of the site's graph; ``statuses`` maps a region code to its gap
    status by tier, ``within`` to the names of the regions above it (two Chengguan Districts,
    one in Lasa (Lhasa) and one in Lanzhou, are told apart by them)."""
    entries = []
    for iri, node in graph.nodes(data=True):
        kind = node["kind"]
        pairs = facts.get(iri, [])
        zh = _texts(pairs, ("skos:prefLabel", "dcterms:title"), "zh")
        english = _texts(pairs, ("skos:prefLabel", "dcterms:title"), "en")
        also = " · ".join(
            t for t in (english if english != node["label"] else "", _texts(pairs, _ALSO)) if t
        )
        by_tier = statuses.get(node["code"], {}) if kind == "region" else {}
        entries.append(
            [
                kind,
                node["code"] if kind == "region" else "",
                node["label"],
                zh if zh != node["label"] else "",  # a Chinese site's label is the name already
                also,
                within.get(node["code"], "") if kind == "region" else "",
                node["url"],
                "/".join(by_tier.get(t, "") for t in TIERS) if by_tier else "",
                _texts(pairs, _TEXT),
            ]
        )
    entries.sort(key=lambda e: (_KIND_ORDER.get(e[0], 9), e[1], e[2], e[6]))
    return {"schema": SCHEMA, "fields": list(FIELDS), "tiers": list(TIERS), "entries": entries}


def _json(index: Mapping[str, Any]) -> str:
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def search_json(index: Mapping[str, Any]) -> str:
    return _json(index) + "\n"


def search_script(index: Mapping[str, Any]) -> str:
    """The index as a script that sets ``window.policygraphSearchIndex``. ``<`` is escaped so
    that no text in it can close the script element it may be inlined in."""
    text = _json(index).replace("<", "\\u003c")
    return f"window.policygraphSearchIndex = {text};\n"


def write_search(
    out: Path,
    assets: Path,
    graph: nx.MultiDiGraph,
    facts: Mapping[str, list[tuple[str, Any]]],
    cells: Iterable[Gap],
    regions: Mapping[str, RegionInfo],
    *,
    chinese: bool = False,
) -> None:
    """search.json in ``out`` and search-index.js in ``assets``: every node of ``graph``, the
    regions with their gap status (from ``cells``) and the regions above them (``chinese``: by
    their Chinese names, largest first, as Chinese writes a place: 甘肃省兰州市)."""
    statuses: dict[str, dict[str, str]] = {}
    for gap in cells:
        statuses.setdefault(gap.code, {})[gap.tier] = gap.status
    within = {}
    for code, info in regions.items():
        above: list[str] = []
        parent = regions.get(info.parent)
        while parent is not None and parent.level != "national" and len(above) < 3:
            above.append((parent.label_zh or parent.label) if chinese else parent.label)
            parent = regions.get(parent.parent)
        within[code] = "".join(reversed(above)) if chinese else ", ".join(above)
    index = search_index(graph, facts, statuses, within)
    (out / "search.json").write_text(search_json(index), encoding="utf-8")
    (assets / "search-index.js").write_text(search_script(index), encoding="utf-8")
