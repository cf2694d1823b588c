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


#: Regions named in a group of changed cells; the rest are counted.
SHOWN = 5


def change_lines(done: Imported, changes: list[StatusChange]) -> list[str]:
    """The changed cells grouped by tier (and domain), old and new status and the imported
    rows that make the change; each group names its first regions and counts the rest."""
    cells = sum(1 for c in changes if not c.domain)
    if not changes:
        return ["gap report: no cell changes status"]
    groups: dict[tuple[str, str, str, str, tuple[str, ...]], list[StatusChange]] = {}
    for change in changes:
        key = (change.tier, change.domain, change.before, change.after, change.documents)
        groups.setdefault(key, []).append(change)
    rows = {_iri(r): r for r in done.rows}
    lines = [
        f"gap report: {count(cells, 'region × tier cell')} and "
        f"{count(len(changes) - cells, 'region × tier × domain cell')} change status"
    ]
    for (tier, domain, before, after, documents), members in sorted(
        groups.items(), key=lambda item: (bool(item[0][1]), item[0][:4], -len(item[1]))
    ):
        shown = "; ".join(f"{c.code} {c.label}" for c in members[:SHOWN])
        rest = f"; and {len(members) - SHOWN} more" if len(members) > SHOWN else ""
        name = f"{tier}/{domain}" if domain else tier
        lines.append(
            f"  {name}: {before} → {after}: {count(len(members), 'region')}: {shown}{rest}"
        )
        for iri in documents:
            row = rows.get(iri)
            if row is not None:
                lines.append(f"    {done.path.name} {row.locator}: {ns.shorten(iri)} {row.title}")
    return lines
