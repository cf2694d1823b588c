"""The classification rules of ``DATA/classify/``, read and checked like any other data table.

* ``terms.csv``: a term of a title → tier and risk domain, specificity, document type;
* ``prefixes.csv``: the issuer code of a document number (发文机关代字: 国办发, 甘政办发) →
  jurisdiction, issuing body and the issuer's Chinese name; ``{p}`` stands for a province's
  abbreviation (``abbreviations.csv``: 甘 → 620000) and ``{r}`` for a region's name as titles
  write it (临夏州, 肃南县);
* ``abbreviations.csv``: province abbreviations (简称).

Users extend the rules by adding rows; a bad row stops with the usual one-line error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from policygraph.errors import SourceError
from policygraph.sources import cells
from policygraph.sources.csvtable import Row, Table, read_table

__all__ = ["RULE_FILES", "Prefix", "Rules", "Term", "issuer_names", "load_rules"]

_PROVENANCE = ("source", "locator")

RULE_FILES: dict[str, Table] = {
    "abbreviations.csv": Table(
        "abbreviations", required=("abbr", "region", *_PROVENANCE), key=("abbr",)
    ),
    "prefixes.csv": Table(
        "prefixes",
        required=("prefix", "jurisdiction", *_PROVENANCE),
        optional=("body", "issuer_zh"),
        key=("prefix",),
    ),
    "terms.csv": Table(
        "terms",
        required=("term", *_PROVENANCE),
        optional=("tier", "domain", "specificity", "doc_type"),
        key=("term",),
    ),
}


@dataclass(frozen=True)
class Term:
    term: str
    tier: str = ""
    domain: str = ""
    specificity: str = ""
    doc_type: str = ""


@dataclass(frozen=True)
class Prefix:
    """One issuer code; ``jurisdiction`` is a code, ``{p}`` or ``{r}``."""

    prefix: str
    jurisdiction: str
    bodies: tuple[str, ...] = ()
    issuer_zh: str = ""


@dataclass
class Rules:
    terms: dict[str, Term] = field(default_factory=dict)
    prefixes: list[Prefix] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)


def _read(directory: Path, name: str) -> list[Row]:
    path = directory / name
    if not path.is_file():
        raise SourceError(path, "rule file not found", fix="restore it from the bundled data")
    return read_table(path, RULE_FILES[name])


def _check(row: Row, column: str, known: set[str], kind: str) -> str:
    value = row.get(column)
    if value and value not in known:
        raise row.error(
            column, f"unknown {kind} {value!r}", f"use one of {', '.join(sorted(known))}"
        )
    return value


def load_rules(
    directory: Path,
    *,
    vocabulary: dict[str, set[str]],
    regions: set[str],
    bodies: set[str],
) -> Rules:
    """Read ``directory`` (``DATA/classify``); ``vocabulary`` maps a scheme (tier, domain,
    specificity, document-type) to its slugs, against which every cell is checked, as are
    region codes and body ids."""
    rules = Rules()
    for row in _read(directory, "abbreviations.csv"):
        code = cells.code(row, "region")
        if code in regions:  # a province the data leaves out (--no-national) is not read
            rules.abbreviations[row.get("abbr")] = code
    for row in _read(directory, "terms.csv"):
        term = Term(
            row.get("term"),
            _check(row, "tier", vocabulary["tier"], "tier"),
            _check(row, "domain", vocabulary["domain"], "domain"),
            _check(row, "specificity", vocabulary["specificity"], "specificity"),
            _check(row, "doc_type", vocabulary["document-type"], "document type"),
        )
        if bool(term.tier) != bool(term.domain):
            raise row.error(
                "domain",
                "a term with a tier needs a domain, and the reverse",
                "fill both tier and domain, or neither",
            )
        if not (term.tier or term.specificity or term.doc_type):
            raise row.error(
                "tier", "the term says nothing", "fill tier and domain, specificity or doc_type"
            )
        rules.terms[term.term] = term
    for row in _read(directory, "prefixes.csv"):
        where = row.get("jurisdiction")
        if where not in ("{p}", "{r}"):
            cells.check_known(
                row, "jurisdiction", "region", cells.code(row, "jurisdiction"), regions
            )
        placeholder = next((p for p in ("{p}", "{r}") if p in row.get("prefix")), "")
        if placeholder and where != placeholder:
            raise row.error(
                "jurisdiction",
                f"a prefix with {placeholder} has that jurisdiction",
                f"write {placeholder} in the jurisdiction column",
            )
        found = tuple(cells.items(row.get("body")))
        for body in found:
            cells.check_known(row, "body", "body", body, bodies)
        rules.prefixes.append(Prefix(row.get("prefix"), where, found, row.get("issuer_zh")))
    return rules


def issuer_names(rules: Rules) -> dict[str, str]:
    """The issuers the prefixes name (人力资源社会保障部 → mohrss): names as documents write
    them, beside the names of bodies.csv."""
    return {
        p.issuer_zh: p.bodies[0]
        for p in rules.prefixes
        if p.bodies and p.issuer_zh and "{" not in p.issuer_zh
    }
