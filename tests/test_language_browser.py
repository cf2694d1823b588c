"""--lang zh in Chromium: the search box and the gap table of a zh site, and the query page of
`serve --lang zh`, show Chinese words from their pages' catalogue blocks and data as text.

Screenshots go to $POLICYGRAPH_SCREENSHOTS when it is set (else to the test's temporary folder)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from policygraph import Inputs
from policygraph import serve as web
from policygraph.pipeline import build_store, open_store
from policygraph.querypage import QueryPage
from policygraph.reports.language import language
from policygraph.reports.site import write_site
from policygraph.store.oxigraph import OxigraphStore

from .conftest import seed_copy
from .servers import running
from .test_browser import CHROMIUM, FLAGS
from .test_site import _add_xss_document

SCREENSHOTS = os.environ.get("POLICYGRAPH_SCREENSHOTS")
ZH_TIER_OPTION = "commercial — 商业/补充保险"


@pytest.fixture(scope="module")
def zh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The seed data plus a document titled <img src=x onerror=alert(1)>, as a zh site, and the
    query page of serve --lang zh over it (its base URL)."""
    data = tmp_path_factory.mktemp("data") / "data"
    seed_copy(data)
    _add_xss_document(data)
    inputs = Inputs.resolve(data)
    spec = f"oxigraph:{tmp_path_factory.mktemp('store')}"
    assert build_store(spec, inputs).written
    site = tmp_path_factory.mktemp("site-zh")
    with open_store(spec, inputs) as store:
        write_site(store, site, lang="zh", served=True)
        assert isinstance(store, OxigraphStore)
        page = QueryPage(store, lambda: site, lang=language(store, "zh"))
        source = web.Source(store.location())
        with running(source, pages=web.Pages(site), workers=1, query_page=page) as server:
            yield site, server.base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.on("dialog", lambda d: (errors.append(d.message), d.dismiss()))
    yield opened
    opened.close()
    assert errors == []


def _shot(page: Page, name: str, tmp_path: Path, *, full_page: bool = False) -> None:
    folder = Path(SCREENSHOTS or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def test_the_zh_search_box_speaks_chinese(page: Page, zh: tuple[Path, str], tmp_path: Path) -> None:
    site, _ = zh
    page.goto((site / "index.html").resolve().as_uri())
    box = page.locator("#search-box")
    assert box.get_attribute("placeholder") == "搜索：肃北、Subei、620923、文件……"
    page.fill("#search-box", "xyzzy")
    count = page.locator(".search-results .result-count")
    count.wait_for(timeout=10_000)
    assert count.inner_text() == "0 条结果"
    page.fill("#search-box", "肃北")
    page.locator(".search-results a.hit").first.wait_for(timeout=10_000)
    shown = page.locator(".search-results").inner_text()
    assert "地区" in shown and "位于 甘肃省酒泉市" in shown
    assert "条结果" in shown and "match" not in shown and "REGION" not in shown
    _shot(page, "zh-index-search", tmp_path)


def test_the_zh_search_names_statuses_in_chinese_and_shows_markup_as_text(
    page: Page, zh: tuple[Path, str]
) -> None:
    site, _ = zh
    page.goto((site / "gaps.html").resolve().as_uri())
    page.fill("#search-box", "onerror")
    page.locator(".search-results a.hit").first.wait_for(timeout=10_000)
    assert "<img src=x onerror=alert(1)>" in page.locator(".search-results").inner_text()
    assert page.locator(".search-results img").count() == 0
    # The table's count and sort hints, from the same block.
    page.wait_for_selector("#gap-table[data-ready=true]", timeout=30_000)
    assert page.locator("#gap-count").inner_text().startswith("显示 ")
    assert page.locator("#gap-table th button").first.get_attribute("title") == "按“代码”排序"


def test_the_zh_gap_table_names_regions_in_chinese_first_and_sorts_them_in_pinyin(
    page: Page, zh: tuple[Path, str], tmp_path: Path
) -> None:
    """The region column of a Chinese gap table: 肃北蒙古族自治县 with "Subei …" beside it, and
    the sort orders by the Chinese name as the zh collation does (阿克塞 before 肃北), not by
    the English name nor by code units (丁青 before 阿克塞)."""
    site, _ = zh
    page.goto((site / "gaps.html").resolve().as_uri())
    page.wait_for_selector("#gap-table[data-ready=true]", timeout=30_000)
    subei = page.locator("#gap-table tbody tr td:nth-child(2)", has_text="肃北").first
    assert subei.inner_text().startswith("肃北蒙古族自治县")
    assert subei.locator("span[lang=en]").inner_text() == "Subei Mongol Autonomous County"
    page.click("#gap-table th button:text-is('地区')")
    shown = page.evaluate(
        """() => [...document.querySelectorAll("#gap-table tbody tr")]
             .map(r => r.cells[1].getAttribute("data-value"))"""
    )
    in_pinyin = page.evaluate("names => [...names].sort(new Intl.Collator('zh').compare)", shown)
    assert None not in shown and shown == in_pinyin != sorted(shown)
    assert shown.index("阿克塞哈萨克族自治县 620924") < shown.index("肃北蒙古族自治县 620923")
    _shot(page, "zh-gap-table", tmp_path)


def test_the_query_page_of_serve_lang_zh_runs_in_chinese(
    page: Page, zh: tuple[Path, str], tmp_path: Path
) -> None:
    _, base = zh
    page.goto(f"{base}/query")
    page.wait_for_selector("#query-app[data-ready=true]", timeout=30_000)
    assert page.locator("h1").inner_text() == "SPARQL 查询"
    assert page.locator("#query-status").inner_text() == "运行查询后，结果显示在此处。"
    page.evaluate(
        "() => document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT * WHERE {')"
    )
    page.click("#run")
    page.wait_for_function(
        "() => document.querySelector('#query-status').textContent.startsWith('无结果')",
        timeout=30_000,
    )
    assert "查询被拒绝（HTTP 400）" in page.locator("#query-status").inner_text()
    page.select_option("#named-query", "gaps/no-dedicated-policy")
    page.locator("#param-within").wait_for(timeout=10_000)
    assert (
        page.get_attribute("#param-within", "placeholder") == "代码或名称，如 620000、Gansu、甘肃"
    )
    assert "（全部）" in page.locator("#param-tier").inner_text()
    assert ZH_TIER_OPTION in page.locator("#param-tier").inner_text()
    page.fill("#param-within", "620000")
    page.press("#param-within", "Enter")
    page.wait_for_function(
        "() => / 行 · \\d+ 毫秒/.test(document.querySelector('#query-status').textContent)",
        timeout=30_000,
    )
    _shot(page, "zh-query-page", tmp_path, full_page=True)
