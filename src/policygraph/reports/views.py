"""Choosing what a graph view shows (whole graph, a neighbourhood, a region's subtree, a tier)
and writing it to a file. Shared by ``policygraph viz`` and ``policygraph site``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import networkx as nx

from policygraph.queries import region_code
from policygraph.reports import viz
from policygraph.reports.language import Language
from policygraph.reports.network import (
    check_size,
    in_language,
    neighbourhood,
    project,
    studied,
    within,
)
from policygraph.store.base import GraphStore

__all__ = ["select_view", "write_view"]


def select_view(
    store: GraphStore,
    *,
    focus: str | None = None,
    depth: int = 1,
    region: str | None = None,
    tier: str | None = None,
    every_page: bool = False,
    projection: nx.MultiDiGraph | None = None,
    statuses: Mapping[str, str] | None = None,
    lang: Language | None = None,
) -> tuple[nx.MultiDiGraph, str]:
    """The graph to draw and a subtitle saying what it is. Without ``region`` or ``focus``, the
    studied part of the graph: at national scale the division list alone names 3,213 regions.
    ``projection`` is the store's projection without a tier, when the caller has it already
    (it takes two seconds at national scale), and ``statuses`` the regions' gap status for
    ``tier`` (see :func:`network.project`)."""
    # A region may be named (肃北, Subei): resolved to its code, refused under its option.
    if region:
        region = region_code(store, region, option="--within")
    if focus and ":" not in focus:  # a node IRI is taken as it is
        focus = region_code(store, focus, option="--focus")
    words = lang or Language()
    if projection is None or tier:
        projection = project(store, tier=tier, every_page=every_page, statuses=statuses)
        in_language(projection, store, words)
    graph = projection
    parts = []
    if not region and not focus:
        whole = graph.number_of_nodes()
        graph = studied(graph)
        if graph.number_of_nodes() < whole:
            parts.append(words._("what the sources study"))
    if region:
        graph = within(graph, region)
        parts.append(words._("within {region}").format(region=region))
    if focus:
        graph = neighbourhood(graph, focus, depth)
        steps = words.n("{n} step", "{n} steps", depth)
        parts.append(words._("{steps} around {focus}").format(steps=steps, focus=focus))
    if tier:
        name = words.term(tier)
        parts.append(words._("tier {tier}, regions coloured by gap status").format(tier=name))
    check_size(graph)
    return graph, "; ".join(parts) or words._("the whole graph")


def write_view(
    store: GraphStore,
    output: Path,
    *,
    site: Path,
    focus: str | None = None,
    depth: int = 1,
    region: str | None = None,
    tier: str | None = None,
    asset_prefix: str | None = None,
    every_page: bool = False,
    projection: nx.MultiDiGraph | None = None,
    statuses: Mapping[str, str] | None = None,
    lang: Language | None = None,
) -> nx.MultiDiGraph:
    """Write one view; node clicks lead to the browse pages under ``site``. vis-network is
    inlined (a self-contained page) unless ``asset_prefix`` says where it is shipped."""
    graph, subtitle = select_view(
        store,
        focus=focus,
        depth=depth,
        region=region,
        tier=tier,
        every_page=every_page,
        projection=projection,
        statuses=statuses,
        lang=lang,
    )
    words = lang or Language()
    prefix = os.path.relpath(site.resolve(), output.parent.resolve()).replace(os.sep, "/")
    link_prefix = "" if prefix == "." else prefix + "/"
    html = viz.render_view(
        graph,
        title=words._("policygraph graph view"),
        subtitle=subtitle,
        tier=tier,
        link_prefix=link_prefix,
        home=link_prefix + "index.html",
        asset_prefix=asset_prefix,
        lang=words,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return graph
