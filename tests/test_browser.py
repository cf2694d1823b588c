"""The views and the browse site in a real headless browser (Playwright driving Chromium).

Chromium is Debian's package (the README's test command installs it); Playwright never
downloads a browser of its own. Pages are opened from disk, as a visitor of viz/ would.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from policygraph import Inputs
from policygraph.gaps import find_gaps
from policygraph.pipeline import build_store, open_store
from policygraph.reports.network import project
from policygraph.reports.site import write_site

from .conftest import seed_copy
from .test_site import _add_xss_document

CHROMIUM = os.environ.get("POLICYGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags from the machine notes: without the background-networking ones Chromium keeps trying
# (and failing) to reach its vendor's servers, which would show up as requests leaving the page.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The site of the bundled data plus a document titled <img src=x onerror=alert(1)>."""
    data = tmp_path_factory.mktemp("data") / "data"
    seed_copy(data)
    _add_xss_document(data)
    inputs = Inputs.resolve(data)
    spec = f"oxigraph:{tmp_path_factory.mktemp('store')}"
    assert build_store(spec, inputs).written
    out = tmp_path_factory.mktemp("site")
    with open_store(spec, inputs) as store:
        write_site(store, out)
        nodes = project(store).number_of_nodes()
    return out, nodes


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run ./test, which installs it")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


#: Zoom onto a node and return its position on the screen.
POSITION = """(id) => {
    const net = window.policygraphNetwork;
    net.moveTo({position: net.getPosition(id), scale: 2.5, animation: false});
    const dom = net.canvasToDOM(net.getPosition(id));
    const box = document.querySelector('#graph canvas').getBoundingClientRect();
    return [box.left + dom.x, box.top + dom.y];
}"""


class Visit:
    """One page load that records console errors, page errors, dialogs and requests."""

    def __init__(self, browser: Browser, root: Path) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.root = root.resolve().as_uri()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(getattr(dialog, "message", ""))
        dialog.dismiss()  # type: ignore[attr-defined]

    def open(self, path: Path) -> Page:
        self.page.goto(path.resolve().as_uri())
        return self.page

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not (u.startswith(self.root) or u.startswith("data:"))]

    def wait_for_graph(self) -> None:
        self.page.wait_for_selector("#graph[data-ready=true]", timeout=30_000)


def test_every_page_loads_without_errors_or_outside_requests(
    browser: Browser, site: tuple[Path, int]
) -> None:
    root, _ = site
    paths = sorted(root.rglob("*.html"))
    assert len(paths) > 100
    visit = Visit(browser, root)
    for path in paths:
        visit.open(path)
        visit.page.wait_for_load_state("load")
    assert visit.errors == []
    assert visit.foreign() == []
    assert visit.dialogs == []


def test_the_network_view_draws_every_node(browser: Browser, site: tuple[Path, int]) -> None:
    root, nodes = site
    visit = Visit(browser, root)
    page = visit.open(root / "graph.html")
    visit.wait_for_graph()
    drawn = page.evaluate("window.policygraphNetwork.body.data.nodes.length")
    assert drawn == nodes
    painted = page.evaluate(
        """() => {
            const canvas = document.querySelector('#graph canvas');
            const context = canvas.getContext('2d');
            const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) n++; }
            return n;
        }"""
    )
    assert painted > 5000, "the canvas is (nearly) empty"
    assert visit.errors == [] and visit.foreign() == []


def test_clicking_a_node_opens_its_page(browser: Browser, site: tuple[Path, int]) -> None:
    root, _ = site
    visit = Visit(browser, root)
    page = visit.open(root / "graph.html")
    visit.wait_for_graph()
    subei = "https://w3id.org/policygraph/id/region/620923"
    x, y = page.evaluate(POSITION, subei)
    page.mouse.click(x, y)
    page.wait_for_url("**/region/620923.html", timeout=10_000)
    assert page.locator("h1").inner_text() == "Subei Mongol Autonomous County"


def test_a_title_with_markup_shows_its_characters_and_runs_nothing(
    browser: Browser, site: tuple[Path, int]
) -> None:
    root, _ = site
    visit = Visit(browser, root)
    page = visit.open(root / "document" / "620923-2020-xss-test.html")
    visit.wait_for_graph()
    assert page.locator("h1").inner_text() == "<img src=x onerror=alert(1)>"
    assert page.locator("img").count() == 0
    page = visit.open(root / "graph.html")
    visit.wait_for_graph()
    node = "https://w3id.org/policygraph/eli/620923/2020/xss-test"
    x, y = page.evaluate(POSITION, node)
    page.mouse.move(x, y)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert "<img src=x onerror=alert(1)>" in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0
    assert visit.dialogs == [] and visit.errors == []


# -- the national site: search, the gap table, the overview -----------------------------------


@dataclass(frozen=True)
class National:
    root: Path
    #: The gap report's Gansu row, by tier: (county-level units, of them without own provision).
    gansu: dict[str, tuple[int, int]]
    #: Cells of the gap table: (status, tier, province) of each.
    cells: list[tuple[str, str, str]]


@pytest.fixture(scope="module")
def national(bundled_store: str, tmp_path_factory: pytest.TempPathFactory) -> National:
    """The site of the bundled data as `policygraph site` writes it (national backbone in)."""
    out = tmp_path_factory.mktemp("national-site")
    with open_store(bundled_store, Inputs.resolve()) as store:
        write_site(store, out)
        gansu = {}
        for tier in ("assistance", "insurance", "commercial"):
            overview = find_gaps(store, tier=tier, every_cell=False).overview
            assert overview is not None
            row = overview.provinces["620000"]
            gansu[tier] = (row["regions"], row["regions"] - row["own"])
        cells = [(g.status, g.tier, g.code[:2] + "0000") for g in find_gaps(store).gaps]
    return National(out, gansu, cells)


class Routed(Visit):
    """A visit whose every request passes a route that logs it and aborts any that would leave
    the site's own files."""

    def __init__(self, browser: Browser, root: Path) -> None:
        super().__init__(browser, root)
        self.routed: list[str] = []
        self.page.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        self.routed.append(url)
        if url.startswith(self.root) or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    def clean(self) -> None:
        assert self.routed, "the route saw no request"
        assert self.errors == [] and self.dialogs == []
        assert self.foreign() == []
        assert [u for u in self.routed if not u.startswith(self.root)] == []


@pytest.mark.parametrize(
    ("start", "query", "target", "title"),
    [
        ("index.html", "肃北", "region/620923.html", "Subei Mongol Autonomous County"),
        ("gaps.html", "Subei", "region/620923.html", "Subei Mongol Autonomous County"),
        ("region/620923.html", "sunan", "region/620721.html", "Sunan Yugur Autonomous County"),
        (
            "document/620000-2018-commercial-pension-opinions.html",
            "肃南",
            "region/620721.html",
            None,
        ),
    ],
)
def test_search_finds_a_region_by_name_and_opens_it(
    browser: Browser, national: National, start: str, query: str, target: str, title: str | None
) -> None:
    visit = Routed(browser, national.root)
    page = visit.open(national.root / start)
    page.fill("#search-box", query)
    first = page.locator(".search-results a.hit").first
    first.wait_for(timeout=10_000)
    assert first.get_attribute("href", timeout=1_000).endswith(target)  # type: ignore[union-attr]
    page.press("#search-box", "Enter")
    page.wait_for_url(f"**/{target}", timeout=10_000)
    if title:
        assert page.locator("h1").inner_text() == title
    visit.clean()


def test_search_lists_unstudied_regions_with_their_status_and_no_link(
    browser: Browser, national: National
) -> None:
    visit = Routed(browser, national.root)
    page = visit.open(national.root / "index.html")
    page.fill("#search-box", "城关区")
    results = page.locator(".search-results li.result")
    results.first.wait_for(timeout=10_000)
    texts = results.all_inner_texts()
    assert len(texts) == 2  # in Lasa (Lhasa) and in Lanzhou
    assert any("Lanzhou" in t for t in texts) and any("Lasa" in t for t in texts)
    assert all("no page" in t and "assistance: inherited" in t for t in texts)
    assert page.locator(".search-results li.result a").count() == 0
    visit.clean()


def _shown(page: Page) -> int:
    counted: int = page.evaluate(
        "document.querySelectorAll('#gap-table tbody tr:not([hidden])').length"
    )
    assert str(counted) == page.get_attribute("#gap-table", "data-shown")
    return counted


def test_filtering_and_sorting_the_gap_table(browser: Browser, national: National) -> None:
    visit = Routed(browser, national.root)
    page = visit.open(national.root / "gaps.html")
    page.wait_for_selector("#gap-table[data-ready=true]", timeout=30_000)
    cells = national.cells
    assert _shown(page) == len(cells) > 8000
    page.select_option("#gap-filters select[name=status]", "own")
    assert _shown(page) == sum(1 for c in cells if c[0] == "own") == 1
    page.select_option("#gap-filters select[name=status]", "")
    page.select_option("#gap-filters select[name=province]", "620000")
    assert _shown(page) == sum(1 for c in cells if c[2] == "620000") == 258
    page.select_option("#gap-filters select[name=status]", "inherited")
    page.select_option("#gap-filters select[name=tier]", "insurance")
    expected = sum(1 for c in cells if c == ("inherited", "insurance", "620000"))
    assert _shown(page) == expected == national.gansu["insurance"][1]
    assert "#" in page.url and "province=620000" in page.url
    page.select_option("#gap-filters select[name=prefecture]", "620900")  # Jiuquan
    assert 0 < _shown(page) < expected
    page.select_option("#gap-filters select[name=surveyed]", "yes")
    assert _shown(page) == 2  # Subei and Aksai
    page.click("#gap-filters button[type=reset]")
    page.wait_for_function("document.querySelector('#gap-table').dataset.shown > 8000")
    page.click("#gap-table th button:text-is('population')")
    page.click("#gap-table th button:text-is('population')")
    first = page.locator("#gap-table tbody tr").first.locator("td.num").inner_text()
    people = [
        int(t.replace(",", "") or 0) for t in page.locator("#gap-table td.num").all_inner_texts()
    ]
    assert int(first.replace(",", "")) == max(people) > 1_000_000
    visit.clean()


def test_the_gap_table_fits_a_1280_pixel_window(browser: Browser, national: National) -> None:
    # The report's page is wider than the others (its own style comes after the shared one),
    # and Gansu's commercial rows, which list the most documents, still fit in the window.
    visit = Routed(browser, national.root)
    page = visit.open(national.root / "gaps.html")
    page.wait_for_selector("#gap-table[data-ready=true]", timeout=30_000)
    page.select_option("#gap-filters select[name=province]", "620000")
    page.select_option("#gap-filters select[name=tier]", "commercial")
    width = page.evaluate("document.querySelector('.page').getBoundingClientRect().width")
    assert width > 1200
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    visit.clean()


def test_a_tile_link_opens_the_gap_table_filtered(browser: Browser, national: National) -> None:
    visit = Routed(browser, national.root)
    page = visit.open(national.root / "overview.html")
    page.click("label[for=ov-insurance]")
    page.click("svg.tilemap.tier-insurance a.tile[data-code='130000']")
    page.wait_for_url("**/gaps.html#province=130000&tier=insurance", timeout=10_000)
    page.wait_for_selector("#gap-table[data-ready=true]", timeout=30_000)
    assert _shown(page) == sum(1 for c in national.cells if c[1:] == ("insurance", "130000"))
    assert page.input_value("#gap-filters select[name=province]") == "130000"
    visit.clean()


def test_the_overview_draws_tiles_and_a_treemap(browser: Browser, national: National) -> None:
    visit = Routed(browser, national.root)
    page = visit.open(national.root / "overview.html")
    visible = page.locator("svg.tilemap:visible")
    assert visible.count() == 1 and visible.get_attribute("data-tier") == "assistance"
    assert visible.locator("a.tile").count() == 34
    counties = int(page.get_attribute("svg.treemap", "data-counties") or 0)
    assert page.locator("svg.treemap rect.county").count() == counties > 2800
    sunan = page.locator("svg.treemap rect.county[data-code='620721']")
    fill = "el => getComputedStyle(el).fill"
    assert sunan.evaluate(fill) == "rgb(145, 191, 219)"  # inherited for assistance
    page.click("label[for=ov-insurance]")
    visible = page.locator("svg.tilemap:visible")
    assert visible.get_attribute("data-tier") == "insurance"
    assert sunan.evaluate(fill) == "rgb(26, 152, 80)"  # its own insurance plan
    gansu = visible.locator("a.tile[data-code='620000']")
    units, without = national.gansu["insurance"]
    assert gansu.get_attribute("data-units") == str(units)
    assert gansu.get_attribute("data-without-own") == str(without)
    assert "99 %" in (gansu.text_content() or "") and "甘肃" in (gansu.text_content() or "")
    box = page.locator("svg.treemap").bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 350
    gansu.click()
    page.wait_for_url("**/region/620000.html", timeout=10_000)
    visit.clean()


def test_search_shows_markup_as_text(browser: Browser, site: tuple[Path, int]) -> None:
    root, _ = site
    visit = Routed(browser, root)
    page = visit.open(root / "index.html")
    page.fill("#search-box", "onerror")
    hit = page.locator(".search-results a.hit").first
    hit.wait_for(timeout=10_000)
    assert "<img src=x onerror=alert(1)>" in page.locator(".search-results").inner_text()
    assert page.locator(".search-results img").count() == 0
    visit.clean()
