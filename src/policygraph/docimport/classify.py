"""Classify a policy document from its title and number alone, saying which rule gave each
value (a short code such as ``prefix:甘政办发`` or ``term:养老保险``).

* the number is normalised as GB/T 9704 writes it (国发〔2014〕8号: hexagonal brackets around
  the year, no 第, no leading zeros, 号 at the end); its year gives the document's year;
* its issuer code (prefixes.csv) gives the jurisdiction, the issuing body and its level;
* otherwise the issuer named before 关于 in the title, or a region named in the title (甘肃省,
  临夏州, 肃南县) gives the jurisdiction;
* the title's terms (terms.csv, longest first) give tiers, risk domains, specificity and
  document type.

A field no rule gives is listed in :attr:`Classification.missing`, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from policygraph.docimport.context import Context
from policygraph.docimport.rules import Rules, Term

__all__ = ["Classification", "classify", "normalise_number", "number_parts"]

#: Brackets printed around a number's year (full-width square ones written as escapes).
_OPEN, _CLOSE = "[【\uff3b(（〔﹝", "]】\uff3d)）〕﹞"
_BRACKETED = re.compile(
    rf"^(?P<prefix>.*?)\s*[{re.escape(_OPEN)}]\s*(?P<year>[12]\d{{3}})\s*[{re.escape(_CLOSE)}]"
    r"\s*第?\s*0*(?P<serial>\d+)\s*号?$"
)
_YEARED = re.compile(r"^(?P<prefix>.*?)\s*(?P<year>[12]\d{3})\s*年\s*第?\s*0*(?P<serial>\d+)\s*号$")
_ORDINAL = re.compile(r"^(?P<prefix>.*?)\s*第\s*0*(?P<serial>\d+)\s*号$")


def _digits(text: str) -> str:
    """Full-width digits and spaces as ASCII; nothing else changes."""
    return "".join(
        unicodedata.normalize("NFKC", c) if c.isdigit() or c.isspace() else c for c in text
    ).strip()


def number_parts(raw: str) -> tuple[str, str, str] | None:
    """(issuer code, year or "", serial) of a document number, or None when it has no serial."""
    text = _digits(raw)
    for pattern in (_BRACKETED, _YEARED, _ORDINAL):
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            return parts["prefix"].strip(), parts.get("year") or "", parts["serial"]
    return None


def normalise_number(raw: str) -> str:
    """国发[2014]8号, 国发（2014）8号, 国发〔2014〕第08号 → 国发〔2014〕8号; other forms
    (国务院令第649号, 财政部 税务总局公告2022年第34号) as printed, with ASCII digits."""
    text = _digits(raw)
    match = _BRACKETED.match(text)
    if match:
        return f"{match['prefix'].strip()}〔{match['year']}〕{match['serial']}号"
    return re.sub(r"\s+", " ", text)


@dataclass
class Classification:
    number: str = ""
    year: str = ""
    jurisdiction: str = ""
    level: str = ""
    bodies: tuple[str, ...] = ()
    issuer_zh: str = ""
    tiers: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    specificity: str = ""
    doc_types: tuple[str, ...] = ()
    #: Field → the rule that gave its value.
    rules: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        """The required fields no rule gave."""
        wanted = ("jurisdiction", "tiers", "specificity", "doc_types")
        return [name for name in wanted if not getattr(self, name)]

    def rule_text(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.rules.items())


def _issuer_from_prefix(out: Classification, prefix: str, rules: Rules, ctx: Context) -> None:
    _by_rule(out, prefix, rules, ctx)
    lead = prefix.split()[0] if prefix.split() else ""
    if not out.issuer_zh and lead != prefix and lead in ctx.body_names:
        # A joint number names its issuers, the lead first: 人力资源社会保障部 财政部令第36号.
        body = ctx.body_names[lead]
        out.jurisdiction, out.issuer_zh, out.bodies = ctx.bodies[body][1], lead, (body,)
        out.rules["jurisdiction"] = out.rules["issuer"] = f"prefix-issuer:{lead}"


def _by_rule(out: Classification, prefix: str, rules: Rules, ctx: Context) -> None:
    for rule in rules.prefixes:
        code = _match_prefix(rule.prefix, prefix, rules, ctx)
        if code is None:
            continue
        region = ctx.regions.get(code)
        issuer = rule.issuer_zh.replace("{region}", region.label_zh if region else "")
        bodies = rule.bodies or ((ctx.body_names[issuer],) if issuer in ctx.body_names else ())
        # A pattern's code names the row and what it matched: prefix:{p}政办发@甘政办发.
        why = f"prefix:{prefix}" if rule.prefix == prefix else f"prefix:{rule.prefix}@{prefix}"
        out.jurisdiction, out.issuer_zh, out.bodies = code, issuer, bodies
        out.rules["jurisdiction"] = out.rules["issuer"] = why
        return


def _match_prefix(pattern: str, prefix: str, rules: Rules, ctx: Context) -> str | None:
    """The jurisdiction ``pattern`` gives ``prefix``, or None when it does not match."""
    if "{p}" in pattern:
        head, _, tail = pattern.partition("{p}")
        if prefix.startswith(head) and prefix.endswith(tail) and len(prefix) > len(head + tail):
            return rules.abbreviations.get(prefix[len(head) : len(prefix) - len(tail)])
        return None
    if "{r}" in pattern:
        tail = pattern.partition("{r}")[2]
        if prefix.endswith(tail) and len(prefix) > len(tail):
            return ctx.pick(prefix[: len(prefix) - len(tail)])
        return None
    return _jurisdiction_of(pattern, prefix, rules)


def _jurisdiction_of(pattern: str, prefix: str, rules: Rules) -> str | None:
    if pattern != prefix:
        return None
    return next(r.jurisdiction for r in rules.prefixes if r.prefix == pattern)


def _names_before(title: str) -> list[str]:
    """The issuers a title names before 关于: 人力资源社会保障部 财政部关于… → both."""
    head, found, _ = title.partition("关于")
    if not found or not head.strip() or len(head) > 60:
        return []
    return [n for n in re.split(r"[\s、，,]+", head.strip()) if n]


def _scan(text: str, vocabulary: Mapping[str, object]) -> list[tuple[int, str]]:
    """Leftmost-longest matches of ``vocabulary``'s keys in ``text``: (start, key)."""
    longest = max(map(len, vocabulary), default=0)
    found, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            if text[i : i + size] in vocabulary:
                found.append((i, text[i : i + size]))
                i += size
                break
        else:
            i += 1
    return found


def _place(out: Classification, title: str, ctx: Context) -> None:
    """Issuer and jurisdiction from the title, where the number gave none."""
    names = _names_before(title)
    more = tuple(
        ctx.body_names[n] for n in names if ctx.body_names.get(n, "") not in ("", *out.bodies)
    )
    if out.issuer_zh and more:  # a joint document: the title names the co-issuers
        out.bodies += more
        out.rules["issuer"] += "+title-issuer"
    if not out.issuer_zh and names:
        out.issuer_zh = names[0]
        out.bodies = tuple(ctx.body_names[n] for n in names if n in ctx.body_names)
        out.rules["issuer"] = f"title-issuer:{names[0]}"
    if out.jurisdiction:
        return
    if out.bodies:
        out.jurisdiction = ctx.bodies[out.bodies[0]][1]
        out.rules["jurisdiction"] = f"issuer:{out.bodies[0]}"
        return
    for _, name in _scan(title, ctx.names):
        code = ctx.pick(name)
        if code is not None:
            out.jurisdiction = code
            out.rules["jurisdiction"] = f"title-region:{name}"
            return


def _terms(out: Classification, title: str, rules: Rules) -> None:
    matches = [(i, rules.terms[t]) for i, t in _scan(title, rules.terms)]
    tiered = [t for _, t in matches if t.tier]
    if tiered:
        out.tiers = tuple(dict.fromkeys(t.tier for t in tiered))
        domains = list(dict.fromkeys(t.domain for t in tiered))
        out.domains = tuple(d for d in domains if d != "general") or ("general",)
        out.rules["tiers"] = out.rules["domains"] = "term:" + ",".join(
            dict.fromkeys(t.term for t in tiered)
        )
    general = [t for _, t in matches if t.specificity]
    if general:
        out.specificity = general[0].specificity
        out.rules["specificity"] = f"term:{general[0].term}"
    elif tiered:
        out.specificity = "dedicated"
        out.rules["specificity"] = f"term:{tiered[0].term}"
    _doc_types(out, title, matches)


def _doc_types(out: Classification, title: str, matches: list[tuple[int, Term]]) -> None:
    """The type the title ends with (…的通知); and the form it issues, inside 《》."""
    typed = [(i, t) for i, t in matches if t.doc_type]
    if not typed:
        return
    chosen = [typed[-1][1]]
    inner = title.rfind("》")
    issued = [t for i, t in typed if i < inner]
    if issued and issued[-1].doc_type != chosen[0].doc_type:
        chosen.insert(0, issued[-1])
    out.doc_types = tuple(t.doc_type for t in chosen)
    out.rules["doc_types"] = "term:" + ",".join(t.term for t in chosen)


def classify(title: str, raw_number: str, date: str, rules: Rules, ctx: Context) -> Classification:
    """What the rules say of one document (``date`` as YYYY-MM-DD, or "")."""
    out = Classification()
    if raw_number:
        out.number = normalise_number(raw_number)
        if out.number != raw_number.strip():
            out.rules["number"] = "gbt9704"
        parts = number_parts(raw_number)
        if parts is not None:
            prefix, year, _ = parts
            if year:
                out.year = year
                out.rules["year"] = "number"
            _issuer_from_prefix(out, prefix, rules, ctx)
    if not out.year and date:
        out.year = date[:4]
        out.rules["year"] = "date"
    _place(out, title, ctx)
    if out.jurisdiction in ctx.regions:
        out.level = ctx.regions[out.jurisdiction].level
        out.rules["level"] = out.rules["jurisdiction"]
    _terms(out, title, rules)
    return out
