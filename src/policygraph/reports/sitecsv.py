"""The ``.csv`` beside each ``.json`` twin of the browse site, written with the csv module.

A node page (region, document, body, programme, claim) becomes one row per thing it shows, in
long form: ``section, name, text, iri, lang, href`` (a fact, a link either way, a gap cell and
its documents, a statistic, a claim check, a region that falls back on the document). The index
lists the pages; a query page its fields; the overview its tiles. Cells a spreadsheet would run
as a formula get a leading apostrophe (:mod:`policygraph.reports.csvcells`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from policygraph.gaps import TIERS
from policygraph.reports.csvcells import safe_row

__all__ = ["NODE_HEADER", "page_csv"]

NODE_HEADER = ("section", "name", "text", "iri", "lang", "href")


def _value_row(section: str, name: str, v: Mapping[str, str]) -> tuple[str, ...]:
    return (section, name, v["text"], v.get("iri", ""), v.get("lang", ""), v.get("href", ""))


def _node_rows(page: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
    for row in page["facts"]:
        for v in row["values"]:
            yield _value_row("fact", row["name"], v)
    for link in page["links_out"]:
        yield _value_row("link-out", link["relation"], link)
    for link in page["links_in"]:
        yield _value_row("link-in", link["relation"], link)
    for cell in page.get("gaps", []):
        yield ("gap", cell["tier"], cell["status"], "", "", "")
        for relation in ("evidence", "fallback"):
            for doc in cell[relation]:
                text = doc["title"] if relation == "evidence" else f"{doc['holder_label']}: "
                text += "" if relation == "evidence" else doc["title"]
                yield (relation, cell["tier"], text, doc["iri"], "", doc["url"])
    for c in page.get("contradicted_by", []):
        yield ("contradicted-by", f"{c['id']} {c['tier']}", c["comment"], c["claim"], "", c["href"])
    for obs in page.get("observations", []):
        text = f"{obs['value']} {obs['unit']} ×10^{obs['unit_mult']} ({obs['locator']})"
        yield ("statistic", f"{obs['indicator']} {obs['year']}", text, "", "", "")
    for check in page.get("checks", []):
        counter = check["counterexample"] or {}
        yield (
            "check",
            f"{check['code']} {check['tier']}",
            check["verdict"],
            counter.get("iri", ""),
            "",
            counter.get("href", ""),
        )
    fallback = page.get("fallback_for") or {"by_province": []}
    for group in fallback["by_province"]:
        for code in group["regions"]:
            yield ("fallback-for", ";".join(group["tiers"]), code, "", "", "")


def _index_rows(page: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
    tiers = [f"status_{t}" for t in TIERS]
    yield ("kind", "code", "label", "level", "href", *tiers)
    for kind, entries in page["entries"].items():
        for e in entries:
            yield (
                kind,
                e["code"],
                e["label"],
                e["level"],
                e["href"],
                *(e.get(t, "") for t in tiers),
            )


def _overview_rows(page: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
    yield ("tier", "province", "abbr", "name", "units", "without_own", "share", "surveyed", "href")
    for tier, tiles in page["tiles"].items():
        for t in tiles:
            yield (
                tier,
                t["code"],
                t["abbr"],
                t["name_en"],
                str(t["units"]),
                str(t["without_own"]),
                str(t["share"]),
                str(t["surveyed"]),
                t["href"],
            )


def _query_rows(page: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
    yield ("field", "value")
    for key in ("name", "title", "description"):
        yield (key, page[key])
    for param in page["params"]:
        yield ("param", param)
    yield ("sparql", page["sparql"])


def page_csv(kind: str, page: Mapping[str, Any]) -> str:
    """The CSV twin of a page of ``kind`` (a node kind, ``index``, ``overview`` or ``query``)."""
    if kind == "index":
        rows: Iterator[tuple[str, ...]] = _index_rows(page)
    elif kind == "overview":
        rows = _overview_rows(page)
    elif kind == "query":
        rows = _query_rows(page)
    else:
        rows = iter([NODE_HEADER, *_node_rows(page)])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue()
