"""The views and the browse site in a real headless browser (Playwright driving Chromium).

Chromium is Debian's package (the README's test command installs it); Playwright never
downloads a browser of its own. Pages are opened from disk, as a visitor of viz/ would.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from policygraph import Inputs
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
