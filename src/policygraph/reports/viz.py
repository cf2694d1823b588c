"""Interactive graph views: pyvis builds the nodes and edges, our own template writes the page.

pyvis 0.3.2 cannot be used for the page itself: its templates load vis-network and Bootstrap from
CDNs, its ``heading`` is not escaped, and titles containing "href" switch every tooltip to
innerHTML. So pyvis (the only module here that imports it) holds the network and ships the
vis-network library, and :func:`render_view` writes a self-contained page with autoescaped
Jinja2, the data as JSON in a ``<script type="application/json">`` block, plain-text tooltips,
and vis-network either inlined or shipped beside the page.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import networkx as nx
from pyvis.network import Network

from policygraph.gaps import STATUSES, TIERS
from policygraph.reports.language import N_, Language
from policygraph.reports.layout import NODE_SIZE, ROW, layered
from policygraph.reports.templates import environment

__all__ = ["CLASS_COLOURS", "network_data", "render_view", "vis_assets"]

CLASS_COLOURS = {
    "region": "#4e79a7",
    "document": "#f28e2b",
    "body": "#59a14f",
    "programme": "#b07aa1",
    "claim": "#e15759",
}
CLASS_SHAPES = {
    "region": N_("dot"),
    "document": N_("box"),
    "body": N_("diamond"),
    "programme": N_("hexagon"),
    "claim": N_("triangle"),
}
#: The relations of queries/views/edges.rq, as the edge labels show them (for the catalogue).
RELATIONS = (
    N_("about"),
    N_("administered by"),
    N_("based in"),
    N_("established by"),
    N_("followed in"),
    N_("implements"),
    N_("issued by"),
    N_("jurisdiction"),
    N_("operates in"),
    N_("part of"),
)
TIER_BORDERS = {"assistance": "#1b9e77", "insurance": "#1f3fbf", "commercial": "#d95f02"}
SEVERAL_TIERS = "#222222"
STATUS_COLOURS = {
    "own": "#1a9850",
    "general-only": "#fee08b",
    "inherited": "#91bfdb",
    "none": "#d73027",
}
VIS_VERSION = "vis-9.1.2"

OPTIONS: dict[str, Any] = {
    "layout": {"randomSeed": 7, "improvedLayout": True},
    "physics": {
        "solver": "barnesHut",
        "barnesHut": {"gravitationalConstant": -6000, "springLength": 140},
        "stabilization": {"iterations": 400, "fit": True},
    },
    "interaction": {"hover": True, "tooltipDelay": 150},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "font": {"size": 10, "align": "middle", "color": "#555555"},
        "color": {"color": "#9aa5b1"},
        "smooth": False,
    },
    "nodes": {"font": {"size": 13}},
}


#: A view whose places are computed (:mod:`policygraph.reports.layout`): no physics, and
#: straight edges (a curve would be drawn through the neighbouring rows).
FIXED_OPTIONS: dict[str, Any] = {
    **OPTIONS,
    "layout": {"randomSeed": 7, "improvedLayout": False},
    "physics": {"enabled": False},
}


def vis_assets() -> dict[str, str]:
    """The vis-network script and stylesheet shipped inside pyvis (no network needed)."""
    root = resources.files("pyvis") / "lib" / VIS_VERSION
    return {
        "vis-network.min.js": (root / "vis-network.min.js").read_text(encoding="utf-8"),
        "vis-network.css": (root / "vis-network.css").read_text(encoding="utf-8"),
    }


def _border(tiers: str) -> str:
    present = [t for t in tiers.split(";") if t]
    if not present:
        return "#ffffff"
    return TIER_BORDERS[present[0]] if len(present) == 1 else SEVERAL_TIERS


def _hover(data: dict[str, Any], tier: str | None, lang: Language) -> str:
    """The tooltip, and for a region in a tier view its gap status for that tier."""
    if not (tier and data.get("status")):
        return str(data["tooltip"])
    status = lang._("gap status ({tier}): {status}").format(
        tier=lang.term(tier) if lang.zh else tier, status=lang.term(data["status"])
    )
    return f"{data['tooltip']}\n{status}"


def network_data(
    graph: nx.MultiDiGraph,
    *,
    link_prefix: str = "",
    lang: Language | None = None,
    tier: str | None = None,
    fixed: bool = False,
) -> dict[str, Any]:
    """Nodes, edges and options for vis-network, built with pyvis and sorted; in a ``tier``
    view, each region's hover text gives its gap status for that tier. ``fixed``: every node
    at the place :func:`layout.layered` gives it, physics off (labels never overlap)."""
    words = lang or Language()
    net = Network(directed=True)
    labels = {node: _short(label) for node, label in graph.nodes(data="label")}
    places = layered(graph, labels) if fixed else {}
    for node, data in sorted(graph.nodes(data=True)):
        kind = data["kind"]
        fill = STATUS_COLOURS.get(data.get("status", ""), CLASS_COLOURS[kind])
        where: dict[str, Any] = {}
        if fixed:
            x, y = places[node]
            where = {"x": x, "y": y, "fixed": True, "size": NODE_SIZE}
        net.add_node(
            node,
            label=labels[node],
            **where,
            title=_hover(data, tier, words),
            shape=CLASS_SHAPES[kind],
            color={"background": fill, "border": _border(data.get("tiers", ""))},
            borderWidth=3 if data.get("tiers") else 1,
            kind=kind,
            url=link_prefix + data["url"],
            status=data.get("status", ""),
            tiers=data.get("tiers", ""),
        )
    for start, end, relation in sorted(graph.edges(data="relation")):
        net.add_edge(start, end, label=words._(relation), title=words._(relation))
    nodes = [{k: v for k, v in node.items() if k not in ("font",)} for node in net.nodes]
    edges = [
        {"from": e["from"], "to": e["to"], "label": e["label"], "title": e["title"]}
        | (_bend(places[e["from"]], places[e["to"]]) if fixed else {})
        for e in net.edges
    ]
    return {"nodes": nodes, "edges": edges, "options": FIXED_OPTIONS if fixed else OPTIONS}


def _bend(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    """A long edge along a row (a county set beside others to its prefecture) would run
    straight through the nodes between: it is drawn as a shallow arc over them instead."""
    (x1, y1), (x2, y2) = start, end
    if abs(y1 - y2) < ROW / 2 and abs(x1 - x2) > 2 * ROW:
        return {"smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.12}}
    return {}


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def render_view(
    graph: nx.MultiDiGraph,
    *,
    title: str,
    subtitle: str = "",
    tier: str | None = None,
    asset_prefix: str | None = None,
    link_prefix: str = "",
    home: str | None = None,
    lang: Language | None = None,
) -> str:
    """One HTML page drawing ``graph``; vis-network inlined, or loaded from ``asset_prefix``."""
    words = lang or Language()
    data = network_data(graph, link_prefix=link_prefix, lang=words, tier=tier, fixed=True)
    assets = vis_assets() if asset_prefix is None else {}
    template = environment(words.code).get_template("view.html.j2")
    return template.render(
        lang=words,
        title=title,
        subtitle=subtitle,
        data=data,
        assets=assets,
        asset_prefix=asset_prefix,
        home=home,
        node_count=graph.number_of_nodes(),
        edge_count=graph.number_of_edges(),
        class_colours=CLASS_COLOURS,
        class_shapes=CLASS_SHAPES,
        tier_borders=TIER_BORDERS,
        several=SEVERAL_TIERS,
        status_colours=STATUS_COLOURS if tier else {},
        tier=tier,
        statuses=STATUSES,
        tiers=TIERS,
    )
