"""The site's index (with the national overview), overview.html and the pages of the named
queries: the pages that list the others rather than show one node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policygraph.gaps import TIERS, Gap
from policygraph.queries import library
from policygraph.reports import viz
from policygraph.reports.network import KINDS
from policygraph.reports.overview import summary as overview_summary
from policygraph.reports.querytext import query_text

if TYPE_CHECKING:
    from policygraph.reports.site import Site

__all__ = ["write_index", "write_queries"]


def write_queries(site: Site) -> int:
    """A page per named query, with its text and parameters."""
    pages = 0
    for name, query in sorted(library().items()):
        data = {
            "name": name,
            **query_text(query, site.lang),
            "params": [p.describe() for p in query.params],
            "sparql": query.text,
        }
        site.write(f"query/{name.replace('/', '-')}.html", "site/query.html.j2", data, "query")
        pages += 1
    return pages


def write_index(site: Site, cells: list[Gap], national: dict[str, Any]) -> int:
    """index.html (with the national overview) and overview.html."""
    statuses: dict[str, dict[str, str]] = {}
    for gap in cells:
        statuses.setdefault(gap.region, {})[gap.tier] = gap.status
    entries: dict[str, list[dict[str, str]]] = {kind: [] for kind in KINDS}
    for iri, node in sorted(
        site.graph.nodes(data=True), key=lambda n: (n[1]["code"], n[1]["label"])
    ):
        if iri not in site.pages:
            continue
        entries[node["kind"]].append(
            {
                "label": node["label"],
                **({"label_lang": node["label_lang"]} if node.get("label_lang") else {}),
                "href": node["url"],
                "code": node["code"],
                "level": node["level"],
                **{f"status_{t}": statuses.get(iri, {}).get(t, "") for t in TIERS},
            }
        )
    queries = [
        {
            "label": name,
            **{k: v for k, v in query_text(q, site.lang).items() if k.startswith("title")},
            "href": f"query/{name.replace('/', '-')}.html",
        }
        for name, q in sorted(library().items())
    ]
    data = {
        "counts": {kind: len(items) for kind, items in entries.items()},
        "without_page": site.graph.number_of_nodes() - len(site.pages),
        "entries": entries,
        "queries": queries,
    }
    colours = viz.STATUS_COLOURS
    site.write(
        "index.html",
        "site/index.html.j2",
        data,
        "index",
        tiers=TIERS,
        ov=national,
        status_colours=colours,
    )
    site.write(
        "overview.html",
        "site/overview.html.j2",
        overview_summary(national),
        "overview",
        ov=national,
        status_colours=colours,
    )
    return 2
