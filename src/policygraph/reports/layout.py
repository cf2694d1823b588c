"""Where a graph view puts its nodes: a deterministic layout computed here, drawn with physics off.

vis-network's force layout piled the claims of a tier view of Gansu on the Gansu cluster, and
labels overlapped even at 2× zoom. This layout cannot: every node gets a column by what it is and
a row of its own in that column, rows at least one label apart, columns at least one label wide.

- regions, as a tree drawn left to right: the nation, then provinces, prefectures and counties,
  one column per level; each region with children in the view is centred on them, the others take
  the next row in the tree's order (by code);
- documents in a column beside the regions, each on the row of its jurisdiction as far as it can
  be (or just below the document before it);
- bodies beside the documents they issued, programmes beside the regions they operate in;
- gap claims grouped in one column at the left, each near the regions it is about.

The test that holds it to that opens every tier view in Chromium and compares the bounding boxes
vis-network gives each node and its label (``tests/test_browser.py``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from statistics import fmean

import networkx as nx

__all__ = ["NODE_SIZE", "ROW", "label_width", "layered"]

#: Radius of a dot, triangle, diamond or hexagon (vis-network's ``size``), in canvas pixels.
NODE_SIZE = 10
#: Distance between two rows: a shape, its label below it (13 px text) and a margin.
ROW = 60
_GAP = 60  # between a column's widest label and the next column
_LEVELS = {"national": 0, "provincial": 1, "prefectural": 2, "county": 3}
_SIDE = ("document", "body", "programme")
_TALL = 24  # counties one under the other before they are set side by side ...
_ACROSS = 4  # ... in at most this many columns


def label_width(text: str, font: int = 13) -> float:
    """A generous estimate of ``text``'s width in pixels at ``font`` px: a CJK character is
    about one em, a Latin one at most 0.62 em (system-ui sans)."""
    wide = sum(unicodedata.east_asian_width(c) in ("W", "F") for c in text)
    return font * (wide + 0.62 * (len(text) - wide))


def _parents(graph: nx.MultiDiGraph, regions: set[str]) -> dict[str, str]:
    """Region → its parent in the view ("part of" runs from child to parent)."""
    parent: dict[str, str] = {}
    for child, up, relation in sorted(graph.edges(data="relation")):
        if relation == "part of" and child in regions and up in regions:
            parent.setdefault(child, up)
    return parent


def _region_rows(
    graph: nx.MultiDiGraph, regions: set[str], across: int
) -> tuple[dict[str, float], dict[str, int]]:
    """Row of each region: leaves in tree order, each parent centred on its children; the
    leaves of one parent ``across`` to a row (a grid under it, so that 86 counties of Gansu
    take 30 rows, not 86), with the place in its row as the second mapping."""
    parent = _parents(graph, regions)
    children: dict[str, list[str]] = {}
    for child, up in parent.items():
        children.setdefault(up, []).append(child)

    def key(node: str) -> tuple[str, str]:
        return (str(graph.nodes[node].get("code", "")), node)

    rows: dict[str, float] = {}
    slots: dict[str, int] = {}
    next_row = 0

    def place(node: str) -> float:
        nonlocal next_row
        below = sorted(children.get(node, []), key=key)
        if below and not any(c in children for c in below):
            for i, leaf in enumerate(below):
                rows[leaf], slots[leaf] = float(next_row + i // across), i % across
            next_row += -(-len(below) // across)
            rows[node] = fmean(rows[c] for c in below)
        elif below:
            rows[node] = fmean(place(c) for c in below)
        else:
            rows[node] = float(next_row)
            next_row += 1
        return rows[node]

    for root in sorted((r for r in regions if r not in parent), key=key):
        place(root)
    return rows, slots


def _stack(wanted: Mapping[str, float]) -> dict[str, float]:
    """Rows as near ``wanted`` as they can be, in that order, at least one row apart."""
    placed: dict[str, float] = {}
    last = float("-inf")
    for node, row in sorted(wanted.items(), key=lambda item: (item[1], item[0])):
        last = max(row, last + 1)
        placed[node] = last
    return placed


def _near(rows: Mapping[str, float], others: Iterable[str], default: float) -> float:
    found = [rows[o] for o in others if o in rows]
    return fmean(found) if found else default


def layered(graph: nx.MultiDiGraph, labels: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """Node → (x, y) in canvas pixels, for every node of ``graph``, given the ``labels`` the
    view draws; the same graph gives the same positions."""
    kinds = dict(graph.nodes(data="kind"))
    regions = {n for n, k in kinds.items() if k == "region"}
    counties = sum(graph.nodes[r].get("level") == "county" for r in regions)
    across = max(1, min(_ACROSS, -(-counties // _TALL)))
    rows, slots = _region_rows(graph, regions, across)
    column: dict[str, str] = {}
    for region in regions:
        level = graph.nodes[region].get("level", "")
        column[region] = f"level-{_LEVELS.get(level, 3)}"
    end = max(rows.values(), default=-1.0) + 1
    undirected = graph.to_undirected(as_view=True)

    def linked(node: str, relation: str | None = None) -> list[str]:
        ends = []
        for _, other, rel in undirected.edges(node, data="relation"):
            if relation is None or rel == relation:
                ends.append(other)
        return sorted(set(ends))

    # Documents by their jurisdiction, then bodies by their documents, programmes by their
    # regions, claims by the regions they are about: each column stacked in that order.
    for kind, relation in (
        ("document", "jurisdiction"),
        ("body", "issued by"),
        ("programme", "operates in"),
        ("claim", "about"),
    ):
        # Half a row off the regions' rows, so that a straight edge to a region does not run
        # through the regions of the row it starts on (bodies follow their documents' rows).
        offset = 0.0 if kind == "body" else 0.5
        wanted = {
            node: _near(rows, linked(node, relation) or linked(node), end) + offset
            for node, k in kinds.items()
            if k == kind
        }
        rows |= _stack(wanted)
        for node in wanted:
            column[node] = kind
    order = ["claim", *(f"level-{i}" for i in range(4)), *_SIDE]
    x = 0.0
    xs: dict[str, float] = {}
    width: dict[str, float] = {}
    for name in order:
        members = [n for n, c in column.items() if c == name]
        if not members:
            continue
        widest = max(label_width(labels.get(n, "")) for n in members)
        width[name] = widest + _GAP
        across_here = 1 + max((slots.get(n, 0) for n in members), default=0)
        xs[name] = x + widest / 2
        x += width[name] * across_here

    def place_x(node: str) -> float:
        return xs[column[node]] + slots.get(node, 0) * width[column[node]]

    return {node: (round(place_x(node)), round(rows[node] * ROW)) for node in sorted(graph)}
