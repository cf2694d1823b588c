"""What changed between two gap reports: ``gaps --compare OLD``.

OLD is an earlier report (the JSON of ``gaps --format json``) or an earlier store directory; the
new report is made with the same filters. A cell is listed when its status changed or its
fall-back changed (the documents it falls back on), with the documents that explain it: those
added to its evidence and fall-back, and those removed from them. A cell whose status and
fall-back stay the same is not listed, even when its own evidence gained or lost a document
(Gansu's commercial tier stays ``own`` on its 2015 and 2018 opinions without the 2021 plan).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from policygraph.errors import QueryError, StoreError
from policygraph.gaps import TIERS, Gap, GapReport, find_gaps
from policygraph.store.base import GraphStore

__all__ = [
    "Cell",
    "CellChange",
    "Comparison",
    "compare",
    "compare_with",
    "read_report",
    "report_cells",
]

#: The filters two reports must share to be compared cell by cell.
SHARED = ("level", "tier", "domain", "within", "autonomous", "as_of")


@dataclass(frozen=True)
class Cell:
    """One cell of a report, as far as a comparison reads it."""

    code: str
    label: str
    tier: str
    status: str
    evidence: dict[str, str]  # document IRI → number (or title)
    fallback: dict[str, str]
    surveyed: bool = True


@dataclass(frozen=True)
class CellChange:
    code: str
    label: str
    tier: str
    kind: str  # status, fallback, added (a cell only the new report has), removed
    before: str  # the old status ("" for an added cell)
    after: str  # the new status ("" for a removed cell)
    added: tuple[tuple[str, str], ...]  # (iri, number or title) of documents new to the cell
    removed: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Comparison:
    old: str
    filters: dict[str, str]
    cells: int  # cells compared (in either report)
    changes: list[CellChange]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def report_cells(report: GapReport) -> dict[tuple[str, str], Cell]:
    def docs(gap: Gap, which: str) -> dict[str, str]:
        return {d.iri: d.short for d in getattr(gap, which)}

    return {
        (g.code, g.tier): Cell(
            g.code, g.label, g.tier, g.status, docs(g, "evidence"), docs(g, "fallback"), g.surveyed
        )
        for g in report.gaps
    }


def read_report(path: Path) -> tuple[dict[str, str], dict[tuple[str, str], Cell]]:
    """The filters and cells of a JSON gap report (``gaps --format json``)."""
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the report ({exc.strerror})") from None
    except orjson.JSONDecodeError as exc:
        raise QueryError(
            f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); give a report written by "
            "`policygraph gaps --format json`, or a store directory"
        ) from None
    if not isinstance(data, dict) or data.get("schema") != "policygraph/gaps/1":
        raise QueryError(
            f'{path}: not a gap report (no "schema": "policygraph/gaps/1"); give a report '
            "written by `policygraph gaps --format json`, or a store directory"
        )
    cells: dict[tuple[str, str], Cell] = {}
    try:
        for region in data["regions"]:
            for found in region["cells"]:

                def docs(which: str, found: dict[str, Any] = found) -> dict[str, str]:
                    return {d["iri"]: d["number"] or d["title"] for d in found[which]}

                key = (region["code"], found["tier"])
                cells[key] = Cell(
                    region["code"],
                    region["label"],
                    found["tier"],
                    found["status"],
                    docs("evidence"),
                    docs("fallback"),
                    bool(region.get("surveyed", True)),
                )
    except (KeyError, TypeError) as exc:
        raise QueryError(
            f"{path}: a region or cell lacks {exc}; give a report written by "
            "`policygraph gaps --format json`"
        ) from None
    return {str(k): str(v) for k, v in data.get("filters", {}).items()}, cells


def _pairs(docs: dict[str, str], iris: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((iri, docs[iri]) for iri in iris))


def _change(old: Cell | None, new: Cell | None) -> CellChange | None:
    if old is None and new is None:
        return None
    if old is not None and new is not None:
        if old.status == new.status and old.fallback.keys() == new.fallback.keys():
            return None
        kind = "status" if old.status != new.status else "fallback"
    else:
        kind = "added" if old is None else "removed"
    before_docs = {**old.evidence, **old.fallback} if old is not None else {}
    after_docs = {**new.evidence, **new.fallback} if new is not None else {}
    some = new if new is not None else old
    assert some is not None
    return CellChange(
        code=some.code,
        label=some.label,
        tier=some.tier,
        kind=kind,
        before=old.status if old is not None else "",
        after=new.status if new is not None else "",
        added=_pairs(after_docs, after_docs.keys() - before_docs.keys()),
        removed=_pairs(before_docs, before_docs.keys() - after_docs.keys()),
    )


def compare(
    old: dict[tuple[str, str], Cell],
    new: dict[tuple[str, str], Cell],
    *,
    source: str,
    filters: dict[str, str],
) -> Comparison:
    """The cells whose status or fall-back differ between ``old`` and ``new``."""
    keys = sorted(
        old.keys() | new.keys(), key=lambda k: (k[0], TIERS.index(k[1]) if k[1] in TIERS else 9)
    )
    changes = [c for k in keys if (c := _change(old.get(k), new.get(k))) is not None]
    return Comparison(source, filters, len(keys), changes)


def check_filters(path: Path, old: dict[str, str], new: dict[str, str]) -> None:
    """Refuse to compare reports made with different filters (one line naming the first)."""
    for name in SHARED:
        if old.get(name) != new.get(name):
            given = old.get(name)
            how = (
                f"--{name.replace('_', '-')} {given}" if given else f"no --{name.replace('_', '-')}"
            )
            raise QueryError(
                f"{path}: the old report was made with {how}; compare with the same filters"
            )


def compare_with(store: GraphStore, old: Path, **filters: Any) -> Comparison:
    """Compare the gap report of ``store`` (made with ``filters``, as :func:`find_gaps` takes
    them) with ``old``: a JSON report, or a store directory whose report is made with the
    same filters."""
    new = find_gaps(store, every_cell=True, **filters)
    if old.is_dir():
        from policygraph.store.oxigraph import OxigraphStore

        with OxigraphStore(old) as earlier:
            before = report_cells(find_gaps(earlier, every_cell=True, **filters))
        return compare(before, report_cells(new), source=str(old), filters=new.filters)
    given, before = read_report(old)
    check_filters(old, given, new.filters)
    after = report_cells(new)
    if given.get("listed"):  # the old report listed the surveyed regions only: so does this
        after = {k: c for k, c in after.items() if c.surveyed}
    return compare(before, after, source=str(old), filters=new.filters)
