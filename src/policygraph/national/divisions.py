"""Convert the national division lists into the data tables ``divisions.csv`` and
``division-history.csv``.

Reads ``upstream/areacodes/2024.txt`` (the Ministry of Civil Affairs codes in use on 2024-12-31),
``upstream/areacodes/result.csv`` (every code since 1981) and ``upstream/areacity/
ok_data_level3.csv`` (short names with pinyin), plus the ethnic-group scheme of the ontology.
What follows from a code or a name is derived here and marked so by its source (confidence
``inferred``): the level and parent from the code, the division type from the name's suffix, the
titular groups from an autonomous unit's name, an English name from the pinyin of the short name.
The output depends on nothing else, so running the converter again writes the same bytes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from policygraph.national import table_text
from policygraph.national.history import CodeRecord, read_history

__all__ = [
    "ALIAS_COLUMNS",
    "DIVISION_COLUMNS",
    "HISTORY_COLUMNS",
    "Division",
    "convert_divisions",
    "division_type_of",
    "english_name",
    "level_of",
    "pinyin_name",
    "titular_groups",
]

SOURCE_CODES = "areacodes-2024"
SOURCE_HISTORY = "areacodes-history"
SOURCE_PINYIN = "areacity-pinyin"
PINYIN_FILE = "ok_data_level3.csv"

DIVISION_COLUMNS = (
    "code", "label_zh", "label_en", "level", "division_type", "parent", "titular_groups",
    "in_use_from", "source", "locator", "label_en_source",
)  # fmt: skip
ALIAS_COLUMNS = ("subject", "label", "lang", "kind", "source", "locator")
HISTORY_COLUMNS = (
    "code", "label_zh", "level", "in_use_from", "in_use_until", "successors", "source", "locator",
)  # fmt: skip

#: Name suffixes by level, longest first (自治县 before 县).
_SUFFIXES = {
    "provincial": (
        ("特别行政区", "special-administrative-region"),
        ("自治区", "autonomous-region"),
        ("省", "province"),
        ("市", "municipality"),
    ),
    "prefectural": (
        ("自治州", "autonomous-prefecture"),
        ("地区", "prefecture"),
        ("盟", "league"),
        ("市", "prefecture-level-city"),
    ),
    "county": (
        ("自治县", "autonomous-county"),
        ("自治旗", "autonomous-banner"),
        ("特区", "special-district"),
        ("林区", "forestry-district"),
        ("旗", "banner"),
        ("县", "county"),
        ("区", "district"),
        ("市", "county-level-city"),
    ),
}
#: 林区 also ends ordinary district names (碑林区): only these codes are forestry districts.
_FORESTRY_DISTRICTS = {"429021"}

_ENGLISH_TYPE = {
    "province": "Province",
    "autonomous-region": "Autonomous Region",
    "municipality": "Municipality",
    "special-administrative-region": "Special Administrative Region",
    "prefecture-level-city": "City",
    "autonomous-prefecture": "Autonomous Prefecture",
    "prefecture": "Prefecture",
    "league": "League",
    "county": "County",
    "autonomous-county": "Autonomous County",
    "county-level-city": "City",
    "district": "District",
    "banner": "Banner",
    "autonomous-banner": "Autonomous Banner",
    "forestry-district": "Forestry District",
    "special-district": "Special District",
}
AUTONOMOUS_TYPES = ("autonomous-region", "autonomous-prefecture", "autonomous-county",
                    "autonomous-banner")  # fmt: skip
_AUTONOMY_SUFFIX = {"autonomous-region": "自治区", "autonomous-prefecture": "自治州",
                    "autonomous-county": "自治县", "autonomous-banner": "自治旗"}  # fmt: skip
#: "各族" (all groups): 龙胜各族自治县 and 隆林各族自治县 name no group; data/regions.csv or a
#: note says which.
_SEVERAL_GROUPS = "各族"


@dataclass(frozen=True)
class Division:
    """One code in use on 2024-12-31, with what follows from it."""

    code: str
    name: str
    line: int
    level: str
    division_type: str
    parent: str
    groups: tuple[str, ...]
    label_en: str
    label_source: str
    start: int | None


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "provincial"
    return "prefectural" if code.endswith("00") else "county"


def division_type_of(code: str, name: str, level: str) -> str:
    """The division type a name's suffix says (自治州 → autonomous-prefecture, …)."""
    for suffix, slug in _SUFFIXES[level]:
        if name.endswith(suffix) and (slug != "forestry-district" or code in _FORESTRY_DISTRICTS):
            return slug
    raise ValueError(f"{code} {name}: no division type for this name at {level} level")


def parent_of(code: str, codes: set[str] | dict[str, object]) -> str:
    """The nearest ancestor code in use: a county of a municipality, or one its province
    administers directly (4290xx, 4690xx, 6590xx), sits under the province."""
    level = level_of(code)
    if level == "provincial":
        return "CN"
    candidates = [code[:4] + "00", code[:2] + "0000"] if level == "county" else [code[:2] + "0000"]
    return next(c for c in candidates if c in codes)


def _syllable_case(syllables: list[str]) -> str:
    out = []
    for index, syllable in enumerate(syllables):
        syllable = syllable.replace("v", "ü")
        if index and syllable[:1] in ("a", "o", "e"):
            out.append("'")  # Xi'an, not Xian
        out.append(syllable)
    joined = "".join(out)
    return joined[:1].upper() + joined[1:]


def pinyin_name(pinyin: str) -> str:
    """``su bei`` → ``Subei``; ``xi an`` → ``Xi'an``; ``lv liang`` → ``Lüliang``."""
    return _syllable_case(pinyin.split())


def _join_english(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def english_name(
    short: str, groups: Iterable[str], division_type: str, labels: dict[str, str]
) -> str:
    """``Subei`` + (mongol,) + autonomous-county → ``Subei Mongol Autonomous County``; a unit
    named for its group alone (东乡族自治县) has no short name: ``Dongxiang Autonomous County``."""
    parts = [short] if short else []
    named = [labels[g] for g in groups]
    if named:
        parts.append(_join_english(named))
    parts.append(_ENGLISH_TYPE[division_type])
    return " ".join(parts)


def titular_groups(
    name: str, short: str, division_type: str, groups_zh: dict[str, str]
) -> tuple[str, ...]:
    """The ethnic groups an autonomous unit's name names, in the name's order.

    ``groups_zh`` maps each group's Chinese name without 族 (蒙古, 哈萨克, 回) to its slug: names
    write most groups with 族 (肃北蒙古族自治县) and some without (伊犁哈萨克自治州, 鄂伦春自治旗).
    The part between the short name and the suffix is read; without a short name, the longest
    tail of the name made only of group names.
    """
    suffix = _AUTONOMY_SUFFIX.get(division_type)
    if suffix is None or not name.endswith(suffix):
        return ()
    stem = name[: -len(suffix)]
    if stem.endswith(_SEVERAL_GROUPS):
        return ()
    starts = [len(short)] if short and stem.startswith(short) and short != stem else []
    # Last, the whole stem: 东乡族自治县 and 鄂伦春自治旗 are named for their group alone.
    starts += [*list(range(1, len(stem))), 0]
    for start in starts:
        found = _segment(stem[start:], groups_zh)
        if found:
            return tuple(found)
    return ()


def _segment(text: str, groups_zh: dict[str, str]) -> list[str] | None:
    """``保安族东乡族撒拉族`` → [bonan, dongxiang, salar]; None unless the whole text is groups."""
    if not text:
        return None
    found: list[str] = []
    rest = text
    while rest:
        match = max(
            (zh for zh in groups_zh if rest.startswith(zh)),
            key=len,
            default=None,
        )
        if match is None:
            return None
        found.append(groups_zh[match])
        rest = rest[len(match) :]
        if rest.startswith("族"):
            rest = rest[1:]
    return found


def read_codes(path: Path) -> list[tuple[str, str, int]]:
    """(code, name, line) per line of a ``CODE NAME`` list."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, start=1):
            code, name = text.split()
            rows.append((code, name, line))
    return rows


def read_pinyin(path: Path) -> dict[str, tuple[str, str, int, str]]:
    """Code → (short name, pinyin, line, full name) from the AreaCity list (ids shortened:
    62 → 620000)."""
    found = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for line, row in enumerate(reader, start=2):
            code = row["ext_id"][:6]
            found[code] = (row["name"], row["pinyin"], line, row["ext_name"])
    return found


def read_groups(scheme: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(Chinese name without 族 → slug, slug → English name) from ethnic-group.ttl."""
    graph = Graph().parse(scheme, format="turtle")
    zh, en = {}, {}
    prefix = "https://w3id.org/policygraph/id/ethnic-group/"
    for concept, label in graph.subject_objects(SKOS.prefLabel):
        if not isinstance(concept, URIRef) or not str(concept).startswith(prefix):
            continue
        slug = str(concept).removeprefix(prefix)
        if getattr(label, "language", None) == "zh-Hans":
            zh[str(label).removesuffix("族")] = slug
        elif getattr(label, "language", None) == "en":
            en[slug] = str(label)
    zh.pop("汉", None)  # no autonomous unit is named for the Han
    return zh, en


#: English names the pinyin cannot give: the conventional names of provincial units (陕西 and 山西
#: are both "shan xi" in toneless pinyin; Inner Mongolia, Tibet, Hong Kong and Macao are not
#: spelt in pinyin), and the codes of 2024 the 2023 pinyin list lacks. General knowledge:
#: written with the editorial source.
CURATED_ENGLISH = {
    "110000": "Beijing Municipality", "120000": "Tianjin Municipality",
    "130000": "Hebei Province", "140000": "Shanxi Province",
    "150000": "Inner Mongolia Autonomous Region", "210000": "Liaoning Province",
    "220000": "Jilin Province", "230000": "Heilongjiang Province",
    "310000": "Shanghai Municipality", "320000": "Jiangsu Province",
    "330000": "Zhejiang Province", "340000": "Anhui Province", "350000": "Fujian Province",
    "360000": "Jiangxi Province", "370000": "Shandong Province", "410000": "Henan Province",
    "420000": "Hubei Province", "430000": "Hunan Province", "440000": "Guangdong Province",
    "450000": "Guangxi Zhuang Autonomous Region", "460000": "Hainan Province",
    "500000": "Chongqing Municipality", "510000": "Sichuan Province",
    "520000": "Guizhou Province", "530000": "Yunnan Province",
    "540000": "Tibet Autonomous Region", "610000": "Shaanxi Province",
    "620000": "Gansu Province", "630000": "Qinghai Province",
    "640000": "Ningxia Hui Autonomous Region", "650000": "Xinjiang Uygur Autonomous Region",
    "710000": "Taiwan Province", "810000": "Hong Kong Special Administrative Region",
    "820000": "Macao Special Administrative Region",
    "460303": "Nansha District", "653228": "Hekang County", "653229": "He'an County",
}  # fmt: skip
SOURCE_EDITORIAL = "editorial"


def _short_pinyin(name: str, short: str, spelled: str, division_type: str) -> str:
    """The pinyin of the place name alone: the list keeps a suffix where dropping it would leave
    one character or clash (临夏市 "lin xia shi", 临夏县), and for a unit named for its group the
    whole name; both are cut to the place name here."""
    syllables = spelled.split()
    if len(syllables) != len(short):
        return pinyin_name(spelled)  # not one syllable per character: keep as listed
    cut = len(short)
    for suffix, slug in (*_SUFFIXES["county"], *_SUFFIXES["prefectural"]):
        if slug == division_type and short.endswith(suffix) and len(short) > len(suffix):
            cut = len(short) - len(suffix)
            break
    if short.endswith(_AUTONOMY_SUFFIX.get(division_type, "\0")):
        return ""  # named for its group alone: the group names it
    return pinyin_name(" ".join(syllables[:cut]))


def divisions(
    codes: list[tuple[str, str, int]],
    history: list[CodeRecord],
    pinyin: dict[str, tuple[str, str, int]],
    groups_zh: dict[str, str],
    groups_en: dict[str, str],
) -> list[Division]:
    known = {code for code, _, _ in codes}
    start = {r.code: r.start for r in history if r.in_use}
    found = []
    for code, name, line in codes:
        level = level_of(code)
        division_type = division_type_of(code, name, level)
        short, spelled, _ = pinyin.get(code, ("", "", 0))
        groups = titular_groups(name, short, division_type, groups_zh)
        if code in CURATED_ENGLISH:
            label_en, label_source = CURATED_ENGLISH[code], SOURCE_EDITORIAL
        else:
            place = _short_pinyin(name, short, spelled, division_type)
            label_en = english_name(place, groups, division_type, groups_en)
            label_source = SOURCE_PINYIN
        found.append(
            Division(
                code,
                name,
                line,
                level,
                division_type,
                parent_of(code, known),
                groups,
                label_en,
                label_source,
                start.get(code),
            )
        )
    return found


def division_rows(
    found: list[Division], pinyin: dict[str, tuple[str, str, int]]
) -> list[dict[str, str]]:
    rows = []
    for d in found:
        row = {
            "code": d.code,
            "label_zh": d.name,
            "label_en": d.label_en,
            "level": d.level,
            "division_type": d.division_type,
            "parent": d.parent,
            "titular_groups": ";".join(d.groups),
            "in_use_from": str(d.start) if d.start else "",
            "source": SOURCE_CODES,
            "locator": f"2024.txt, line {d.line}",
            "label_en_source": d.label_source,
        }
        rows.append(row)
    return rows


def alias_rows(
    found: list[Division], pinyin: dict[str, tuple[str, str, int, str]]
) -> list[dict[str, str]]:
    """The AreaCity short name (肃北, an alternative label in Chinese) and its toneless pinyin
    (su bei, a hidden label: what people search with) of each division, where the list names the
    same division (its full name is the code list's: a code of 2023 may name another place)."""
    rows = []
    for d in found:
        short, spelled, line, full = pinyin.get(d.code, ("", "", 0, ""))
        if full != d.name:
            continue
        where = {"source": SOURCE_PINYIN, "locator": f"{PINYIN_FILE}, line {line}"}
        if short and short != d.name:
            rows.append({"subject": f"region:{d.code}", "label": short, "lang": "zh-Hans",
                         "kind": "alt", **where})  # fmt: skip
        if spelled.strip():
            rows.append({"subject": f"region:{d.code}", "label": " ".join(spelled.split()),
                         "lang": "zh-Latn-pinyin", "kind": "hidden", **where})  # fmt: skip
    return rows


def history_rows(history: list[CodeRecord]) -> list[dict[str, str]]:
    rows = []
    for r in history:
        if r.in_use:
            continue
        rows.append(
            {
                "code": r.code,
                "label_zh": r.name,
                "level": r.level,
                "in_use_from": str(r.start),
                "in_use_until": str(r.end),
                "successors": ";".join(
                    f"{code}[{year}]" if year is not None else code for code, year in r.successors
                ),
                "source": SOURCE_HISTORY,
                "locator": f"result.csv, line {r.line}",
            }
        )
    return rows


def convert_divisions(upstream: Path, ontology: Path) -> dict[str, str]:
    """File name → the text of ``divisions.csv`` and ``division-history.csv``."""
    codes = read_codes(upstream / "areacodes" / "2024.txt")
    history = read_history(upstream / "areacodes" / "result.csv")
    listed = read_pinyin(upstream / "areacity" / PINYIN_FILE)
    pinyin = {code: (short, spelled, line) for code, (short, spelled, line, _) in listed.items()}
    groups_zh, groups_en = read_groups(ontology / "schemes" / "ethnic-group.ttl")
    found = divisions(codes, history, pinyin, groups_zh, groups_en)
    return {
        "divisions.csv": table_text(DIVISION_COLUMNS, division_rows(found, pinyin)),
        "division-history.csv": table_text(HISTORY_COLUMNS, history_rows(history)),
        "aliases.divisions.csv": table_text(ALIAS_COLUMNS, alias_rows(found, listed)),
    }
