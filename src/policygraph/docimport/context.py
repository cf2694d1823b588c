"""What the classifier knows of the data directory: regions and the names titles give them,
issuing bodies, the numbers of the documents already there, and the concept schemes.

Read from the same tables a build reads (``regions.csv``, ``national/divisions.csv``, the
aliases, ``bodies.csv``, every ``documents*.csv``), with the same readers and checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.build import load_ontology
from policygraph.docimport.rules import Rules, issuer_names, load_rules
from policygraph.mapping import Vocabulary
from policygraph.national.divisions import read_groups
from policygraph.sources import TableFile, discover, read

__all__ = ["Context", "Region", "load_context"]

#: The suffix a title adds to a region's short name (甘肃 → 甘肃省, 临夏 → 临夏州).
_SUFFIX = {
    "province": "省",
    "municipality": "市",
    "prefecture-level-city": "市",
    "county-level-city": "市",
    "autonomous-prefecture": "州",
    "prefecture": "地区",
    "league": "盟",
    "county": "县",
    "autonomous-county": "县",
    "district": "区",
    "banner": "旗",
    "autonomous-banner": "旗",
}
_LEVELS = ("national", "provincial", "prefectural", "county")


@dataclass(frozen=True)
class Region:
    code: str
    label_zh: str
    level: str
    parent: str


@dataclass
class Context:
    regions: dict[str, Region] = field(default_factory=dict)
    #: A name as titles and numbers write it → the codes of the regions bearing it.
    names: dict[str, set[str]] = field(default_factory=dict)
    #: Body id → (Chinese name, region code); and a Chinese name → body id.
    bodies: dict[str, tuple[str, str]] = field(default_factory=dict)
    body_names: dict[str, str] = field(default_factory=dict)
    #: Normalised document number → (file, line) of the document that bears it.
    numbers: dict[str, tuple[Path, int]] = field(default_factory=dict)
    vocabulary: dict[str, set[str]] = field(default_factory=dict)
    #: ``DATA/classify``: the rule files.
    rules_dir: Path = Path("classify")

    def rules(self) -> Rules:
        """The rules of ``rules_dir``, checked against this data; the issuers they name join
        the known names of bodies."""
        rules = load_rules(
            self.rules_dir,
            vocabulary=self.vocabulary,
            regions=set(self.regions),
            bodies=set(self.bodies),
        )
        for name, body in issuer_names(rules).items():
            self.body_names.setdefault(name, body)
        return rules

    def add_name(self, name: str, code: str) -> None:
        if len(name) >= 2:
            self.names.setdefault(name, set()).add(code)

    def province_of(self, code: str) -> str:
        return code if code == "CN" else code[:2] + "0000"

    def pick(self, name: str, within: str = "") -> str | None:
        """The one region ``name`` names: within the province ``within`` where several bear
        it, else the highest level; None when that is still not one region."""
        codes = self.names.get(name, set())
        if within and len(codes) > 1:
            codes = {c for c in codes if self.province_of(c) == within} or codes
        if len(codes) > 1:
            top = min(_LEVELS.index(self.regions[c].level) for c in codes)
            codes = {c for c in codes if _LEVELS.index(self.regions[c].level) == top}
        return next(iter(codes)) if len(codes) == 1 else None


def _short(label: str, groups: list[str]) -> str:
    """甘肃省 → 甘肃, 临夏回族自治州 → 临夏, 肃南裕固族自治县 → 肃南 (for data without the
    national aliases, which give short names as they are)."""
    pattern = "(?:" + "|".join(map(re.escape, groups)) + ")族?"
    match = re.fullmatch(rf"(.{{2,}}?)(?:{pattern})+自治(?:区|州|县|旗)", label)
    if match:
        return match.group(1)
    match = re.fullmatch(r"(.{2,}?)(?:省|市|县|区|地区|盟|旗)", label)
    return match.group(1) if match else ""


def _tables(data: Path, national: bool) -> dict[str, list[TableFile]]:
    directories = [data, data / "national"] if national else [data]
    found: dict[str, list[TableFile]] = {}
    for path in discover(*directories):
        name = path.name.split(".", 1)[0]
        if name in ("regions", "divisions", "aliases", "bodies", "documents"):
            records = read(path)
            assert isinstance(records, TableFile)
            found.setdefault(name, []).append(records)
    return found


def load_context(
    data: Path, ontology: Path, *, national: bool, skip: Path | None = None
) -> Context:
    """The context of ``data``; the documents of ``skip`` (an earlier import of the same
    source, about to be replaced) are left out of the known numbers."""
    ctx = Context(rules_dir=data / "classify")
    vocab = Vocabulary.from_graph(load_ontology(ontology))
    ctx.vocabulary = {s: vocab.known(s) for s in ("tier", "domain", "specificity", "document-type")}
    groups = sorted(
        read_groups(ontology / "schemes" / "ethnic-group.ttl")[0], key=len, reverse=True
    )
    tables = _tables(data, national)
    types: dict[str, str] = {}
    for table in (*tables.get("divisions", []), *tables.get("regions", [])):
        for row in table.rows:
            code = row.get("code")
            ctx.regions[code] = Region(
                code, row.get("label_zh"), row.get("level"), row.get("parent")
            )
            types[code] = row.get("division_type")
    shorts: dict[str, set[str]] = {}
    for table in tables.get("aliases", []):
        for row in table.rows:
            kind, _, code = row.get("subject").partition(":")
            if kind == "region" and code in ctx.regions and row.get("lang") == "zh-Hans":
                shorts.setdefault(code, set()).add(row.get("label"))
    for code, region in ctx.regions.items():
        ctx.add_name(region.label_zh, code)
        names = shorts.get(code) or {_short(region.label_zh, groups)}
        for short in names - {""}:
            if region.level == "provincial":
                ctx.add_name(short, code)
            if suffix := _SUFFIX.get(types[code]):
                ctx.add_name(short + suffix, code)
    for table in tables.get("bodies", []):
        for row in table.rows:
            ctx.bodies[row.get("id")] = (row.get("label_zh"), row.get("region"))
            if row.get("label_zh"):
                ctx.body_names[row.get("label_zh")] = row.get("id")
    for table in tables.get("documents", []):
        if skip is not None and table.path.resolve() == skip.resolve():
            continue
        for row in table.rows:
            if row.get("number"):
                ctx.numbers.setdefault(row.get("number"), (table.path, row.line))
    return ctx
