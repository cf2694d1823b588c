"""Graph views that read: in every tier view, no two nodes' label boxes overlap in Chromium.

The boxes are vis-network's own (``network.getBoundingBox(id)``: the shape and its label, in
canvas coordinates, so the zoom does not matter), measured in the page as drawn. Screenshots of
each view are saved beside it in the test's temporary directory, or into
``POLICYGRAPH_SCREENSHOTS`` when set (``-s`` prints where), to look at.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from policygraph import Inputs
from policygraph.gaps import TIERS
from policygraph.pipeline import open_store
from policygraph.reports.language import language
from policygraph.reports.views import write_view

from .test_browser import CHROMIUM, FLAGS, Visit

Box = tuple[str, float, float, float, float]

BOXES = """() => {
    const net = window.policygraphNetwork;
    return Object.keys(net.getPositions()).map((id) => {
        const b = net.getBoundingBox(id);
        return [id, b.left, b.top, b.right, b.bottom];
    });
}"""


def overlapping(boxes: list[Box]) -> list[tuple[str, str]]:
    """The pairs of boxes that share any area (touching edges do not count)."""
    found = []
    for a, b in itertools.combinations(sorted(boxes), 2):
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
            found.append((a[0], b[0]))
    return found


def test_overlapping_finds_overlaps_and_only_them() -> None:
    boxes: list[Box] = [
        ("a", 0, 0, 100, 20),
        ("b", 90, 10, 150, 30),  # overlaps a
        ("c", 100, 0, 120, 5),  # touches a's right edge, overlaps b? no: b starts at y 10
        ("d", 0, 20, 80, 40),  # touches a's bottom edge
    ]
    assert overlapping(boxes) == [("a", "b")]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def views(bundled_store: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each tier view of Gansu (`viz --within 620000 --tier T`), of what the sources study
    (the site's graph-T.html), and Gansu's commercial view in Chinese."""
    out = tmp_path_factory.mktemp("views")
    written = {}
    with open_store(bundled_store, Inputs.resolve()) as store:
        for tier in TIERS:
            for name, region in ((f"gansu-{tier}", "620000"), (f"graph-{tier}", None)):
                write_view(store, out / f"{name}.html", site=out, region=region, tier=tier)
                written[name] = out / f"{name}.html"
        zh = language(store, "zh")
        path = out / "gansu-commercial-zh.html"
        write_view(store, path, site=out, region="620000", tier="commercial", lang=zh)
        written["gansu-commercial-zh"] = path
    return written


@pytest.mark.parametrize(
    "name",
    [
        *(f"gansu-{t}" for t in ("assistance", "insurance", "commercial")),
        *(f"graph-{t}" for t in ("assistance", "insurance", "commercial")),
        "gansu-commercial-zh",
    ],
)
def test_no_two_labels_overlap_in_a_tier_view(
    browser: Browser, views: dict[str, Path], name: str
) -> None:
    path = views[name]
    visit = Visit(browser, path.parent)
    page = visit.open(path)
    visit.wait_for_graph()
    boxes: list[Box] = [tuple(b) for b in page.evaluate(BOXES)]  # type: ignore[misc]
    drawn = json.loads(page.locator("#graph-data").text_content() or "{}")["nodes"]
    assert len(boxes) == len(drawn) > 20
    # Every box holds its label: wider than the bare shape (2 × the node size of 10 px).
    labelled = [b for b in boxes if b[3] - b[1] > 20]
    assert len(labelled) > len(boxes) // 2
    page.evaluate("window.policygraphNetwork.fit()")
    shots = Path(os.environ.get("POLICYGRAPH_SCREENSHOTS") or path.parent)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"))
    print(f"screenshot: {shots / f'{name}.png'}")
    assert overlapping(boxes) == []
    assert visit.errors == [] and visit.foreign() == []


def test_a_tier_view_hovers_each_regions_gap_status(views: dict[str, Path]) -> None:
    page = views["gansu-commercial"].read_text(encoding="utf-8")
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    subei = next(n for n in data["nodes"] if n["id"].endswith("/region/620923"))
    assert subei["title"].endswith("\ngap status (commercial): inherited")
    gansu = next(n for n in data["nodes"] if n["id"].endswith("/region/620000"))
    assert gansu["title"].endswith("\ngap status (commercial): own")
    assert data["options"]["physics"] == {"enabled": False}
    assert all(n["fixed"] and isinstance(n["x"], int) for n in data["nodes"])
    # A county set beside others reaches its prefecture by an arc, not through its neighbours.
    at = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    for edge in data["edges"]:
        (x1, y1), (x2, y2) = at[edge["from"]], at[edge["to"]]
        along_a_row = abs(y1 - y2) < 30 and abs(x1 - x2) > 120
        assert bool(edge.get("smooth")) == along_a_row, edge
