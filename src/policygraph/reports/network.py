"""RDF → networkx: the typed projection the graph views and ``export --format graphml`` draw.

Nodes are regions, documents, organisations, programmes and gap claims (from the named query
``views/nodes``); edges are the relations between them (``views/edges``). Every node keeps its
IRI, label, tooltip text, source and locator, so a view can say where each fact comes from.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import networkx as nx

from policygraph.errors import QueryError
from policygraph.gaps import TIERS
from policygraph.namespaces import BASE
from policygraph.queries import run_query
from policygraph.reports.language import N_, Language
from policygraph.store.base import GraphStore

__all__ = [
    "KINDS",
    "MAX_NODES",
    "in_language",
    "neighbourhood",
    "page_path",
    "project",
    "studied",
    "to_graphml",
    "within",
]

KINDS = (N_("region"), N_("document"), N_("body"), N_("programme"), N_("claim"))
MAX_NODES = 1000
_LEVELS = ("county", "prefectural", "provincial", "national")


def page_path(kind: str, iri: str) -> str:
    """Where the browse site puts the page of a node, relative to the site root."""
    tail = iri.removeprefix(BASE)
    if kind == "region":
        return f"region/{tail.rsplit('/', 1)[-1]}.html"
    if kind == "document":
        return "document/" + tail.removeprefix("eli/").replace("/", "-") + ".html"
    if kind == "claim":
        return "claim/" + tail.removeprefix("id/claim/").replace("/", "-") + ".html"
    return f"{kind}/{tail.rsplit('/', 1)[-1]}.html"


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _tooltip(
    kind: str, label: str, title: str, source: str, locator: str, lang: Language | None = None
) -> str:
    words = lang or Language()
    lines = [label]
    if title and title != label:
        lines.append(title)
    lines.append(words._(kind))
    if source:
        where = f"{source.rsplit('/', 1)[-1]}" + (f", {locator}" if locator else "")
        lines.append(words._("source: {where}").format(where=where))
    return "\n".join(lines)


_NAMES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?node ?kind ?label WHERE {
  { ?node skos:prefLabel ?label . BIND("name" AS ?kind) }
  UNION
  { ?node dcterms:title ?label . BIND("title" AS ?kind) }
  FILTER(LANGMATCHES(LANG(?label), "%s"))
}
"""
#: The kinds of node whose label is a name (a document's is its number, a claim's its id).
_NAMED = ("region", "body", "programme")


def in_language(graph: nx.MultiDiGraph, store: GraphStore, lang: Language) -> None:
    """Relabel ``graph``'s nodes for ``lang`` (in place; English leaves it as it is): a region,
    body or programme takes its name in that language (``skos:prefLabel``), a document its
    title, the English kept as ``label_en``; a node without one keeps its English label and
    says so (``label_lang`` ``en``), for pages to mark it. Tooltips are made again in it."""
    if not lang.zh:
        return
    names: dict[str, str] = {}
    titles: dict[str, str] = {}
    for node, kind, label in sorted(store.select(_NAMES % "zh")):
        found = names if str(kind) == "name" else titles
        found.setdefault(str(node), str(label))
    for iri, data in graph.nodes(data=True):
        if data["kind"] in _NAMED:
            if iri in names:
                data["label_en"], data["label"] = data["label"], names[iri]
            else:
                data["label_lang"] = "en"
        elif data["kind"] == "document":
            if iri in titles:
                data["title"] = titles[iri]
            elif data["label"] == data["title"]:  # no number: the English title is the label
                data["label_lang"] = "en"
        english = data.get("label_en", "")
        tooltip = _tooltip(
            data["kind"], data["label"], data["title"], data["source"], data["locator"], lang
        )
        data["tooltip"] = tooltip.replace("\n", f"\n{english}\n", 1) if english else tooltip


def _statuses(store: GraphStore, tier: str) -> dict[str, str]:
    statuses: dict[str, str] = {}
    for level in _LEVELS[:-1]:
        rows = run_query(store, "gaps/coverage-matrix", {"level": level, "tier": tier}).dicts()
        for row in rows:
            statuses[_text(row["region"])] = _text(row["status"])
    return statuses


_STUDIED = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?region WHERE {
  ?region a pg:Region .
  { ?region pg:surveyed true }
  UNION
  { ?region dcterms:source ?source . FILTER NOT EXISTS { ?source a pg:ReferenceSource } }
}
"""


def _studied_regions(store: GraphStore) -> set[str]:
    return {str(region) for (region,) in store.select(_STUDIED)}


def project(
    store: GraphStore,
    *,
    tier: str | None = None,
    every_page: bool = False,
    statuses: Mapping[str, str] | None = None,
) -> nx.MultiDiGraph:
    """The whole view graph, nodes and edges sorted; with ``tier``, only what covers it, and
    each region carries its gap ``status`` for that tier (the overlay).

    Each node says whether it is ``studied``: every node that is not a region, and the regions
    a source other than a code list or census says something about, that a document, body,
    programme or claim links to, or that are above one of those. The others (thousands at
    national scale, named only by the division list) have no page on the static site, so their
    ``url`` is empty, unless ``every_page`` (``site --all``).

    ``statuses`` (region IRI → status for ``tier``) spares the three coverage queries when the
    caller has read the gap cells already."""
    params = {"tier": tier} if tier else {}
    graph = nx.MultiDiGraph()
    if not tier:
        statuses = {}
    elif statuses is None:
        statuses = _statuses(store, tier)
    studied = _studied_regions(store)
    for row in run_query(store, "views/nodes", params).dicts():
        iri, kind = _text(row["node"]), _text(row["kind"])
        if iri in graph:  # the first row: a study's source and locator before a code list's
            continue
        label = _text(row["label"]) or iri.rsplit("/", 1)[-1]
        title = _text(row["title"])
        source, locator = _text(row["source"]), _text(row["locator"])
        tiers = ";".join(t for t in TIERS if _text(row[t]) == "1")
        graph.add_node(
            iri,
            kind=kind,
            label=label,
            title=title,
            tooltip=_tooltip(kind, label, title, source, locator),
            code=_text(row["code"]),
            level=_text(row["level"]).rsplit("/", 1)[-1],
            tiers=tiers,
            source=source,
            locator=locator,
            status=statuses.get(iri, ""),
            url=page_path(kind, iri),
        )
    for row in run_query(store, "views/edges", {}).dicts():
        start, end = _text(row["from"]), _text(row["to"])
        if start in graph and end in graph and start != end:
            relation = _text(row["relation"])
            graph.add_edge(start, end, key=relation, relation=relation)
    _mark_studied(graph, studied, every_page=every_page)
    return graph


def _mark_studied(graph: nx.MultiDiGraph, studied: set[str], *, every_page: bool) -> None:
    marked = {n for n, kind in graph.nodes(data="kind") if kind != "region" or n in studied}
    for node in list(marked):
        if graph.nodes[node]["kind"] != "region":
            marked |= {
                n
                for n in (*graph.successors(node), *graph.predecessors(node))
                if graph.nodes[n]["kind"] == "region"
            }
    parts = nx.DiGraph((u, v) for u, v, rel in graph.edges(data="relation") if rel == "part of")
    for region in [n for n in marked if n in parts]:
        marked |= nx.descendants(parts, region)  # "part of" runs child → parent: the ancestors
    for node, data in graph.nodes(data=True):
        data["studied"] = node in marked
        if not data["studied"] and not every_page:
            data["url"] = ""


def studied(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The studied part of a projection (see :func:`project`): what the whole-graph views draw."""
    return _sorted(graph.subgraph(n for n, keep in graph.nodes(data="studied") if keep))


def _region_by_code(graph: nx.MultiDiGraph, focus: str, option: str = "--focus") -> str:
    if focus in graph:
        return focus
    for node, data in graph.nodes(data=True):
        if data.get("kind") == "region" and data.get("code") == focus:
            return str(node)
    raise QueryError(f"{option} {focus}: no such region code or node IRI in the graph")


def neighbourhood(graph: nx.MultiDiGraph, focus: str, depth: int) -> nx.MultiDiGraph:
    """Everything within ``depth`` steps of ``focus`` (a region code or any node IRI)."""
    if depth < 0:
        raise QueryError(f"--depth {depth}: give 0 or more steps")
    centre = _region_by_code(graph, focus)
    keep = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), centre, depth)
    return _sorted(graph.subgraph(keep))


def within(graph: nx.MultiDiGraph, code: str) -> nx.MultiDiGraph:
    """The regions under ``code`` (and it), their ancestors, and every node linked to them."""
    top = _region_by_code(graph, code, "--within")
    parts = nx.DiGraph((u, v) for u, v, rel in graph.edges(data="relation") if rel == "part of")
    # "part of" edges run from child to parent, so networkx's ancestors are the regions below.
    below = nx.ancestors(parts, top) if top in parts else set()
    above = nx.descendants(parts, top) if top in parts else set()
    regions = {top} | below
    keep = regions | above
    undirected = graph.to_undirected(as_view=True)
    for region in regions:
        keep |= {n for n in undirected.neighbors(region) if graph.nodes[n]["kind"] != "region"}
    return _sorted(graph.subgraph(keep))


def _sorted(view: Iterable[object] | nx.MultiDiGraph) -> nx.MultiDiGraph:
    assert isinstance(view, nx.MultiDiGraph)
    out = nx.MultiDiGraph()
    out.add_nodes_from(sorted(view.nodes(data=True)))
    out.add_edges_from(sorted(view.edges(keys=True, data=True), key=lambda e: e[:3]))
    return out


def check_size(graph: nx.MultiDiGraph) -> None:
    if graph.number_of_nodes() > MAX_NODES:
        raise QueryError(
            f"the view would draw {graph.number_of_nodes():,} nodes (more than {MAX_NODES:,} is "
            "unreadable); narrow it with --within CODE, --focus CODE --depth N, or --tier"
        )


def to_graphml(graph: nx.MultiDiGraph) -> str:
    buffer = io.BytesIO()
    nx.write_graphml(_sorted(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")
