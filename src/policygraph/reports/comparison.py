"""``gaps --compare``: the cells whose status or fall-back changed, as text or JSON."""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson

from policygraph.compare import CellChange, Comparison

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "json")
SCHEMA = "policygraph/compare/1"
KINDS = ("status", "fallback", "added", "removed")


def _summary(comparison: Comparison) -> dict[str, int]:
    counts = Counter(c.kind for c in comparison.changes)
    return {"cells": comparison.cells, **{kind: counts.get(kind, 0) for kind in KINDS}}


def _docs(pairs: tuple[tuple[str, str], ...]) -> str:
    return "; ".join(short for _, short in pairs)


def _line(change: CellChange) -> str:
    if change.kind == "status":
        what = f"{change.before} → {change.after}"
    elif change.kind == "fallback":
        what = f"{change.after}, fall-back changed"
    elif change.kind == "added":
        what = f"new cell: {change.after}"
    else:
        what = f"cell gone (was {change.before})"
    line = f"{change.code}  {change.label}  {change.tier}: {what}"
    if change.removed:
        line += f"; removed {_docs(change.removed)}"
    if change.added:
        line += f"; added {_docs(change.added)}"
    return line


def to_text(comparison: Comparison) -> str:
    s = _summary(comparison)
    filters = " · ".join(f"{k} {v}" for k, v in comparison.filters.items() if k != "assumption")
    head = (
        f"Compared with {comparison.old} ({filters}): {s['cells']:,} cells, "
        f"{s['status']} status changes, {s['fallback']} fall-back changes"
    )
    if s["added"] or s["removed"]:
        head += f", {s['added']} new cells, {s['removed']} cells gone"
    lines = [head]
    if not comparison.changes:
        lines.append("Nothing changed.")
    lines += [_line(change) for change in comparison.changes]
    return "\n".join(lines) + "\n"


def _document(pair: tuple[str, str]) -> dict[str, str]:
    return {"iri": pair[0], "short": pair[1]}


def to_json(comparison: Comparison) -> str:
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "old": comparison.old,
        "filters": comparison.filters,
        "summary": _summary(comparison),
        "changes": [
            {
                "code": c.code,
                "label": c.label,
                "tier": c.tier,
                "kind": c.kind,
                "before": c.before,
                "after": c.after,
                "added": [_document(d) for d in c.added],
                "removed": [_document(d) for d in c.removed],
            }
            for c in comparison.changes
        ],
    }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def render(comparison: Comparison, fmt: str) -> str:
    return {"text": to_text, "json": to_json}[fmt](comparison)
