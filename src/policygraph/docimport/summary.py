"""What an import prints: each row as the rules classified it, the rows they could not, and the
gap cells whose status would change, each traced to the rows that change it."""

from __future__ import annotations

from policygraph import namespaces as ns
from policygraph.docimport.documents import Imported, Row
from policygraph.docimport.preview import StatusChange
from policygraph.wording import count

__all__ = ["change_lines", "row_lines", "unclassified_lines"]


def _values(row: Row) -> str:
    found = row.found
    issuer = " ".join(x for x in (";".join(found.bodies), found.issuer_zh) if x) or "?"
    parts = [
        f"issuer {issuer}",
        f"jurisdiction {found.jurisdiction or '?'} {found.level}".rstrip(),
        f"tiers {';'.join(found.tiers) or '?'}",
        f"domains {';'.join(found.domains) or '?'}",
        found.specificity or "specificity ?",
        ";".join(found.doc_types) or "type ?",
    ]
    return " · ".join(parts)


def row_lines(done: Imported) -> list[str]:
    lines = []
    for row in done.rows + done.unclassified:
        number = f"{row.found.number} " if row.found.number else ""
        year = f"({row.found.year}) " if row.found.year else ""
        lines.append(f"{row.locator}: {row.id} {number}{year}{row.title}")
        lines.append(f"  {_values(row)}")
        lines.append(f"  rules: {row.found.rule_text() or '-'}")
    return lines


def unclassified_lines(done: Imported) -> list[str]:
    if not done.unclassified:
        return []
    lines = [
        f"{count(len(done.unclassified), 'row')} no rule classifies (in "
        f"unclassified.{done.source}.csv; fill the cells, or add a term to classify/terms.csv"
        " or a prefix to classify/prefixes.csv, and import again):"
    ]
    for row in done.unclassified:
        lines.append(f"  {row.locator}: no {', no '.join(row.found.missing)}: {row.title}")
    return lines


def _iri(row: Row) -> str:
    found = row.found
    return str(ns.document(found.jurisdiction, found.year or None, row.id))


def change_lines(done: Imported, changes: list[StatusChange]) -> list[str]:
    if not changes:
        return ["gap report: no cell changes status"]
    rows = {_iri(r): r for r in done.rows}
    lines = [f"gap report: {count(len(changes), 'cell')} change status"]
    for change in changes:
        lines.append(
            f"  {change.code} {change.label} {change.tier}: {change.before} → {change.after}"
        )
        for iri in change.documents:
            row = rows.get(iri)
            if row is not None:
                lines.append(f"    {done.path.name} {row.locator}: {ns.shorten(iri)} {row.title}")
    return lines
