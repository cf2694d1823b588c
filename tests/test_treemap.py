"""The squarified treemap layout and the tile grid of the national overview."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policygraph.reports.overview import share_text, tile_places
from policygraph.reports.treemap import Box, Rect, nest, squarify

NATIONAL = Path(__file__).parents[1] / "data" / "national" / "divisions.csv"


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return max(w, 0.0) * max(h, 0.0)


def _inside(inner: Rect, outer: Rect, eps: float = 1e-6) -> bool:
    return (
        inner.x >= outer.x - eps
        and inner.y >= outer.y - eps
        and inner.x + inner.w <= outer.x + outer.w + eps
        and inner.y + inner.h <= outer.y + outer.h + eps
    )


def test_the_papers_example() -> None:
    """Bruls et al. (2000), figure 3: 6, 6, 4, 3, 2, 2, 1 in a 6 × 4 rectangle."""
    rects = squarify([6, 6, 4, 3, 2, 2, 1], Rect(0, 0, 6, 4))
    assert rects[0] == Rect(0, 0, 3, 2) and rects[1] == Rect(0, 2, 3, 2)
    assert rects[2].y == rects[3].y == 0 and rects[2].h == pytest.approx(7 / 3)
    assert [r.area for r in rects] == pytest.approx([6, 6, 4, 3, 2, 2, 1])
    worst = max(max(r.w / r.h, r.h / r.w) for r in rects)
    assert worst < 3  # slice-and-dice would give strips of 24:1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0.01, max_value=1e6), min_size=1, max_size=40),
    st.floats(min_value=1, max_value=2000),
    st.floats(min_value=1, max_value=2000),
)
def test_rectangles_tile_the_area_in_proportion(sizes: list[float], w: float, h: float) -> None:
    outer = Rect(10, 20, w, h)
    rects = squarify(sizes, outer)
    total = sum(sizes)
    for size, r in zip(sizes, rects, strict=True):
        assert r.area == pytest.approx(size / total * w * h, rel=1e-6, abs=1e-6)
        assert _inside(r, outer)
    for a, b in itertools.combinations(rects, 2):
        assert _overlap(a, b) <= 1e-6 * w * h


def test_empty_and_zero_sizes_get_empty_rectangles() -> None:
    assert squarify([], Rect(0, 0, 10, 10)) == []
    rects = squarify([0, 5, -1, 5], Rect(0, 0, 10, 10))
    assert rects[0].area == 0 and rects[2].area == 0
    assert rects[1].area == pytest.approx(50) and rects[3].area == pytest.approx(50)


def test_the_layout_is_deterministic_and_keeps_the_order_given() -> None:
    sizes = [3.0, 1.0, 3.0, 2.0]
    assert squarify(sizes, Rect(0, 0, 4, 3)) == squarify(sizes, Rect(0, 0, 4, 3))
    rects = squarify(sizes, Rect(0, 0, 4, 3))
    assert rects[0].area == pytest.approx(rects[2].area) and rects[0] != rects[2]


def test_nested_boxes_sit_inside_their_parents_padding() -> None:
    forest = [
        Box("a", children=[Box("a1", 10), Box("a2", 30)]),
        Box("b", children=[Box("b1", 60)]),
    ]
    placed = nest(forest, Rect(0, 0, 100, 50), padding=[(1, 10, 1, 1)])
    by_key = {p.key: p for p in placed}
    assert [p.key for p in placed] == ["a", "a1", "a2", "b", "b1"]
    assert by_key["a"].rect.area == pytest.approx(2000) and by_key["b"].rect.area == 3000
    for parent, child in [("a", "a1"), ("a", "a2"), ("b", "b1")]:
        inner = by_key[parent].rect.inset(1, 10, 1, 1)
        assert _inside(by_key[child].rect, inner) and by_key[child].depth == 1
    assert by_key["a1"].rect.area / by_key["a2"].rect.area == pytest.approx(1 / 3)


def test_the_tile_grid_places_every_province_once() -> None:
    places = tile_places()
    with NATIONAL.open(encoding="utf-8", newline="") as handle:
        provinces = {r["code"]: r for r in csv.DictReader(handle) if r["level"] == "provincial"}
    assert {p.code for p in places} == set(provinces)  # 31 mainland, Hong Kong, Macao, Taiwan
    assert len(places) == 34
    assert len({(p.row, p.col) for p in places}) == 34
    assert len({p.abbr for p in places}) == 34
    for p in places:
        assert provinces[p.code]["label_zh"].startswith(p.short_zh[:2]), p


@pytest.mark.parametrize(
    ("without", "units", "text"),
    [
        (0, 0, "–"),
        (0, 10, "0 %"),
        (10, 10, "100 %"),
        (85, 86, "99 %"),
        (999, 1000, "99.9 %"),
        (1, 1000, "0.1 %"),
        (1, 3, "33 %"),
    ],
)
def test_share_text(without: int, units: int, text: str) -> None:
    assert share_text(without, units) == text
