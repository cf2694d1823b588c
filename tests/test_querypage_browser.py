"""The query page of `policygraph serve` in Chromium (Playwright, Debian's chromium): a real
server (uvicorn, query workers) with the seed data and its browse pages written for serve."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from policygraph import serve as web
from policygraph.namespaces import BASE
from policygraph.pipeline import build_store, open_store
from policygraph.queries import parse_named, run_query
from policygraph.querypage import QueryPage
from policygraph.reports.site import write_site
from policygraph.store.base import GraphStore
from policygraph.store.oxigraph import OxigraphStore

from .conftest import SEED
from .servers import Served, running
from .test_browser import CHROMIUM, FLAGS
from .test_serve import ENDLESS

SCREENSHOTS = os.environ.get("POLICYGRAPH_SCREENSHOTS")
#: The documents of the seed data by year, in the page's own words.
DOCUMENTS = """SELECT ?document ?year WHERE {
  ?document a pg:PolicyDocument ; pg:year ?year .
}
ORDER BY ?document"""
XSS = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    spec = f"oxigraph:{tmp_path_factory.mktemp('querypage') / 'store'}"
    assert build_store(spec, SEED).written
    with open_store(spec, SEED) as opened:
        yield opened


@pytest.fixture(scope="module")
def served(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    assert isinstance(store, OxigraphStore)
    site = tmp_path_factory.mktemp("site")
    write_site(store, site, served=True)
    page = QueryPage(store, lambda: site)
    # A short time limit, so that the endless query is stopped within the test.
    limits = web.Limits(timeout=4.0)
    with running(
        web.Source(store.location()),
        pages=web.Pages(site),
        workers=2,
        limits=limits,
        query_page=page,
    ) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


class Visit:
    """A fresh page that records console errors, dialogs and every request."""

    def __init__(self, browser: Browser, served: Served) -> None:
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        self.page: Page = self.context.new_page()
        self.base = served.base
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, url: str = "/query") -> Page:
        self.page.goto(url if url.startswith("http") else self.base + url)
        self.page.wait_for_selector("#query-app[data-ready=true]", timeout=30_000)
        return self.page

    def run(self) -> None:
        before = self.page.locator("#query-status").text_content()
        self.page.click("#run")
        self.page.wait_for_function(
            "(before) => { const s = document.querySelector('#query-status').textContent;"
            " return s !== before && s !== 'Running…'; }",
            arg=before,
            timeout=30_000,
        )

    def rows(self) -> list[list[str]]:
        return [
            [cell.strip() for cell in row]
            for row in self.page.eval_on_selector_all(
                "#results tbody tr",
                "rows => rows.map(r => Array.from(r.cells, c => c.firstChild ? "
                "c.firstChild.textContent : ''))",
            )
        ]

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not (u.startswith(self.base) or u.startswith("blob:"))]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Browser, served: Served) -> Iterator[Visit]:
    opened = Visit(browser, served)
    yield opened
    assert opened.dialogs == []
    assert opened.foreign() == []
    opened.close()


def write(page: Page, text: str) -> None:
    """Put ``text`` in the editor (CodeMirror's own API; typing is tested on its own)."""
    page.evaluate("t => document.querySelector('.CodeMirror').CodeMirror.setValue(t)", text)


def written(page: Page) -> str:
    """The text in the editor."""
    return str(page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()"))


def _shot(page: Page, name: str, tmp_path: Path) -> Path:
    path = Path(SCREENSHOTS or tmp_path) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def _codes(store: GraphStore, params: dict[str, str]) -> list[str]:
    result = run_query(store, "gaps/no-dedicated-policy", params)
    return [str(row["code"]) for row in result.dicts()]


def test_the_editor_starts_with_the_prefixes_and_an_adhoc_query_shows_rows(
    visit: Visit, store: GraphStore
) -> None:
    page = visit.open()
    assert page.url == f"{visit.base}/query"  # reloading it does not run the example
    assert "query=PREFIX" in page.input_value("#share-url")
    assert written(page).startswith("PREFIX pg: <https://w3id.org/policygraph/def#>")
    write(page, DOCUMENTS)
    visit.run()
    expected = run_query(store, parse_named("-e", DOCUMENTS))
    rows = visit.rows()
    assert len(rows) == len(expected.rows) > 10
    # Shown as the command line's tables show them: the IRI without the policygraph base.
    assert rows == [[str(d).removeprefix(BASE), str(y)] for d, y in expected.rows]
    assert page.text_content("#query-status").startswith(f"{len(rows)} rows")
    assert visit.errors == []
    # The documents link to their browse pages, which open. (A browse page served over HTTP
    # makes the browser ask for /favicon.ico, which the site does not have: not checked here.)
    page.wait_for_selector("#results[data-linked=true]")
    first = page.locator("#results tbody a.iri").first
    href = first.get_attribute("href")
    assert href and href.startswith("document/") and href.endswith(".html")
    first.click()
    page.wait_for_load_state("load")
    assert page.url == f"{visit.base}/{href}"
    assert page.locator("nav a", has_text="SPARQL query").count() == 1


def test_a_named_query_with_parameters_as_fields_gives_the_cli_rows(
    visit: Visit, store: GraphStore, tmp_path: Path
) -> None:
    page = visit.open()
    page.select_option("#named-query", "gaps/no-dedicated-policy")
    page.wait_for_selector("#param-within")
    assert page.input_value("#param-level") == "county"  # the declared default
    page.fill("#param-within", "620000")
    page.dispatch_event("#param-within", "change")
    page.check("#param-autonomous")
    page.wait_for_function(
        "() => document.querySelector('#query-text').value"
        ".includes('VALUES (?level ?within ?autonomous)')"
    )
    visit.run()
    expected = _codes(store, {"within": "620000", "autonomous": "true"})
    assert len(expected) == 6
    rows = visit.rows()
    assert [row[1] for row in rows] == expected
    assert "Subei Mongol Autonomous County" in [row[2] for row in rows]
    assert page.text_content("#query-status").startswith("6 rows")
    page.wait_for_selector("#results[data-linked=true]")
    links = page.eval_on_selector_all("#results tbody a.iri", "a => a.map(x => x.textContent)")
    assert links == [f"id/region/{code}" for code in expected]
    share = page.input_value("#share-url")
    assert "named=gaps%2Fno-dedicated-policy" in share and "within=620000" in share
    assert "autonomous=true" in share
    _shot(page, "query-page-named", tmp_path)
    assert visit.errors == []


def test_the_shareable_url_reproduces_the_query_in_a_fresh_page(
    browser: Browser, served: Served, visit: Visit
) -> None:
    page = visit.open()
    page.select_option("#named-query", "gaps/no-dedicated-policy")
    page.wait_for_selector("#param-within")
    page.fill("#param-within", "Gansu")  # a name, as --param takes it
    page.select_option("#param-tier", "commercial")
    page.wait_for_function("() => location.search.includes('tier=commercial')")
    page.wait_for_function("() => location.search.includes('within=Gansu')")
    visit.run()
    rows, share = visit.rows(), page.input_value("#share-url")
    assert rows
    fresh = Visit(browser, served)
    try:
        again = fresh.open(share)
        again.wait_for_selector("#results:not([hidden]) tbody tr")
        assert fresh.rows() == rows
        assert again.input_value("#named-query") == "gaps/no-dedicated-policy"
        assert again.input_value("#param-within") == "Gansu"
        assert again.input_value("#param-tier") == "commercial"
        assert fresh.errors == []
    finally:
        fresh.close()
    # An edited query is shared by its text.
    write(page, DOCUMENTS)
    visit.run()
    adhoc = Visit(browser, served)
    try:
        adhoc.open(page.input_value("#share-url"))
        adhoc.page.wait_for_selector("#results:not([hidden]) tbody tr")
        assert written(adhoc.page) == DOCUMENTS
        assert adhoc.rows() == visit.rows()
    finally:
        adhoc.close()


def test_the_csv_and_json_downloads_are_the_endpoints_own(
    visit: Visit, store: GraphStore, tmp_path: Path
) -> None:
    page = visit.open("/query?named=gaps/no-dedicated-policy&within=620000&autonomous=true")
    page.wait_for_selector("#results:not([hidden]) tbody tr")
    with page.expect_download() as download:
        page.click("#download-csv")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "gaps-no-dedicated-policy.csv"
    table = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert table[0] == ["region", "code", "label", "surveyed"]
    expected = _codes(store, {"within": "620000", "autonomous": "true"})
    assert [row[1] for row in table[1:]] == expected
    assert table[1][0].startswith("https://w3id.org/policygraph/id/region/")
    with page.expect_download() as download:
        page.click("#download-json")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["head"]["vars"] == ["region", "code", "label", "surveyed"]
    assert [b["code"]["value"] for b in data["results"]["bindings"]] == expected
    assert visit.errors == []


def test_errors_of_the_endpoint_are_one_readable_line(visit: Visit) -> None:
    page = visit.open()
    write(page, DOCUMENTS)
    visit.run()
    assert page.is_visible("#results")
    write(page, "SELECT ?x WHERE {\n  ?x a pg:Region\n")
    visit.run()
    message = page.text_content("#query-error") or ""
    assert message.startswith("SPARQL syntax error at line 3, column 1")
    assert "\n" not in message
    assert page.is_visible("#query-error")
    assert page.is_hidden("#results")
    # The time limit.
    write(page, ENDLESS)
    visit.run()
    assert "time limit of 4 s" in (page.text_content("#query-error") or "")
    # A parameter the server refuses, in the words of --param.
    write(page, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    visit.run()
    assert page.is_hidden("#query-error")
    page.select_option("#named-query", "gaps/no-dedicated-policy")
    page.wait_for_selector("#param-tier")
    page.select_option("#param-tier", "insurance")
    page.fill("#param-within", "Atlantis")
    page.dispatch_event("#param-within", "change")
    page.wait_for_function("() => !document.querySelector('#query-error').hidden")
    assert "--param within=Atlantis" in (page.text_content("#query-error") or "")
    # The endpoint answered 400 and 503 for the first two: the browser logs each as a failed
    # load; the page itself raised nothing.
    assert all("Failed to load resource" in e for e in visit.errors)


def test_results_are_shown_as_text_never_as_html(visit: Visit, tmp_path: Path) -> None:
    query = f"SELECT ?x ?y WHERE {{ BIND({XSS!r} AS ?x) BIND(<javascript:alert(2)> AS ?y) }}"
    page = visit.open()
    write(page, query)
    visit.run()
    assert visit.rows() == [[XSS, "javascript:alert(2)"]]
    assert page.locator("#results img").count() == 0
    page.wait_for_selector("#results[data-linked=true]")
    assert page.locator("#results a").count() == 0  # no page, no link
    assert visit.errors == []


def test_enter_in_a_parameter_field_binds_it_before_the_query_runs(
    visit: Visit, store: GraphStore
) -> None:
    # The field's change event and the run race; the run waits for the binding.
    page = visit.open("/query?named=gaps/no-dedicated-policy&within=620000")
    page.wait_for_selector("#results:not([hidden]) tbody tr")
    page.fill("#param-within", "620900")  # Jiuquan: Subei and Aksai
    page.press("#param-within", "Enter")
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 2")
    assert [row[1] for row in visit.rows()] == _codes(store, {"within": "620900"})
    page.fill("#param-within", "620900")
    page.select_option("#param-level", "provincial")
    page.fill("#param-within", "Atlantis")
    page.click("#run")  # the field's change (a refused name) comes first
    page.wait_for_function("() => !document.querySelector('#query-error').hidden")
    assert "Not run" in (page.text_content("#query-status") or "")
    assert "--param within=Atlantis" in (page.text_content("#query-error") or "")


def test_ask_and_construct_results(visit: Visit) -> None:
    page = visit.open()
    write(page, "ASK { ?r skos:notation '620923' }")
    visit.run()
    assert (page.text_content("#query-status") or "").startswith("ASK: yes (true)")
    write(
        page,
        "CONSTRUCT { ?r skos:notation ?c } WHERE { ?r skos:notation ?c FILTER(?c = '620923') }",
    )
    visit.run()
    assert page.is_visible("#graph-result") and page.is_hidden("#results")
    assert "skos:notation" in (page.text_content("#graph-result") or "")
    assert visit.errors == []


def test_the_table_sorts_by_a_column_and_shows_at_most_2000_rows(visit: Visit) -> None:
    page = visit.open("/query?named=gaps/no-dedicated-policy&within=620000&autonomous=true")
    page.wait_for_selector("#results:not([hidden]) tbody tr")
    codes = [row[1] for row in visit.rows()]
    page.click("#results th:nth-child(2) button")
    page.click("#results th:nth-child(2) button")
    assert page.get_attribute("#results th:nth-child(2)", "aria-sort") == "descending"
    assert [row[1] for row in visit.rows()] == sorted(codes, reverse=True)
    write(page, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2500")
    visit.run()
    assert page.locator("#results tbody tr").count() == 2000
    status = page.text_content("#query-status") or ""
    assert status.startswith("2,500 rows") and "the first 2,000 shown" in status


def test_a_region_field_suggests_regions_as_you_type(visit: Visit) -> None:
    page = visit.open()
    page.select_option("#named-query", "gaps/no-dedicated-policy")
    page.wait_for_selector("#param-within")
    page.type("#param-within", "Jiuquan")
    page.wait_for_selector("#param-within-regions option[value='620900']", state="attached")
    label = page.get_attribute("#param-within-regions option[value='620900']", "label") or ""
    assert "Jiuquan" in label


def test_the_editor_takes_typing_colours_sparql_and_runs_on_ctrl_enter(
    visit: Visit, tmp_path: Path
) -> None:
    page = visit.open()
    page.click(".CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("ASK { ?r skos:notation '620923' }")
    assert written(page) == "ASK { ?r skos:notation '620923' }"
    assert page.locator(".CodeMirror .cm-keyword", has_text="ASK").count() == 1
    assert page.locator(".CodeMirror .cm-string", has_text="'620923'").count() == 1
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        "() => document.querySelector('#query-status').textContent.startsWith('ASK')"
    )
    assert "query=ASK" in page.input_value("#share-url")
    page.keyboard.press("Tab")  # a keyboard gets out of the editor, to Run
    assert page.evaluate("() => document.activeElement.id") == "run"
    page.click(".CodeMirror")
    # A syntax error puts the cursor where the parser stopped.
    write(page, "SELECT ?x WHERE {\n  ?x a pg:Region .\n  FILTER(?x = \n}")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#query-error:not([hidden])")
    cursor = page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getCursor()")
    assert cursor["line"] == 3  # the fourth line, where the parser stopped
    _shot(page, "query-page-error", tmp_path)
