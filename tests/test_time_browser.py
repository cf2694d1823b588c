"""The year selector of the browse site in Chromium: region pages and the gap table show each
status as of a chosen year, from the block the site ships, with no request leaving the site."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from policygraph import Inputs
from policygraph.gaps import Gap, find_gaps
from policygraph.pipeline import open_store
from policygraph.reports.language import english
from policygraph.reports.site import write_site
from policygraph.reports.sitegaps import row_documents

from .test_browser import Routed, browser  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def national(bundled_store: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    """The site of the bundled data, and the county cells of `gaps --as-of` for some years."""
    out = tmp_path_factory.mktemp("time-site")
    with open_store(bundled_store, Inputs.resolve()) as store:
        write_site(store, out)
        as_of = {year: find_gaps(store, as_of=year).gaps for year in (1990, 2014, 2021)}
    return out, as_of


def _status(page: Page, tier: str) -> tuple[str, str]:
    span = page.locator(f"#gap-status tr[data-tier={tier}] span.status")
    return span.inner_text(), span.get_attribute("class") or ""


def test_a_region_page_shows_its_statuses_as_of_a_chosen_year(
    browser: Browser,  # noqa: F811
    national: tuple[Path, dict],  # type: ignore[type-arg]
) -> None:
    root, _ = national
    visit = Routed(browser, root)
    page = visit.open(root / "region" / "620000.html")
    page.wait_for_selector("#as-of[data-ready=true]", timeout=10_000)
    select = "#as-of select"
    assert _status(page, "commercial") == ("own", "status own")  # today
    page.select_option(select, "2014")
    assert _status(page, "commercial") == ("inherited", "status inherited")
    assert _status(page, "assistance") == ("none", "status none")
    note = page.locator("#as-of-note")
    assert note.is_visible()
    assert note.inner_text().startswith("As of 2014: documents are taken to be in force from")
    page.select_option(select, "2015")
    assert _status(page, "commercial") == ("own", "status own")
    assert _status(page, "insurance") == ("inherited", "status inherited")
    page.select_option(select, "1981")
    assert _status(page, "commercial") == ("none", "status none")
    page.select_option(select, "")
    assert _status(page, "assistance") == ("own", "status own")
    assert not note.is_visible()
    visit.clean()


def test_a_region_whose_code_was_not_yet_in_use_says_so(
    browser: Browser,  # noqa: F811
    national: tuple[Path, dict],  # type: ignore[type-arg]
) -> None:
    root, _ = national
    visit = Routed(browser, root)
    page = visit.open(root / "region" / "620721.html")  # Sunan: its code is in use from 2002
    page.wait_for_selector("#as-of[data-ready=true]", timeout=10_000)
    page.select_option("#as-of select", "2001")
    assert _status(page, "insurance") == ("code not yet in use", "status not-in-use")
    page.select_option("#as-of select", "2013")
    assert _status(page, "insurance")[0] == "inherited"
    page.select_option("#as-of select", "2014")
    assert _status(page, "insurance")[0] == "own"
    visit.clean()


def _documents_text(gap: Gap) -> str:
    """The text of a gap table row's documents cell for a cell of the report."""
    listed = row_documents(gap.evidence, gap.fallback, gap.fallback_rest, english())
    holder = f"{listed['holder']}: " if listed["holder"] else ""
    more = f" +{listed['more']} more" if listed["more"] else ""
    return holder + "; ".join(d["text"] for d in listed["documents"]) + more


def _documents(page: Page, selector: str) -> dict[str, str]:
    """Each tier's documents cells, the evidence and the fall-back, by their text."""
    found: dict[str, str] = {}
    for tier in ("assistance", "insurance", "commercial"):
        cells = page.locator(f"{selector} tr[data-tier={tier}] td.docs")
        found[tier] = " | ".join(cells.all_inner_texts())
    return found


def test_a_region_page_lists_the_documents_of_the_chosen_year(
    browser: Browser,  # noqa: F811
    national: tuple[Path, dict],  # type: ignore[type-arg]
) -> None:
    """Gansu's commercial tier fell back on the nation's 1991 decision in 2014; its own opinions
    of 2015 are listed from 2015 on, and today, not in 2014."""
    root, _ = national
    visit = Routed(browser, root)
    page = visit.open(root / "region" / "620000.html")
    page.wait_for_selector("#as-of[data-ready=true]", timeout=10_000)
    select = "#as-of select"
    written = page.inner_html("#gap-status tbody")
    commercial = "#gap-status tr[data-tier=commercial]"
    evidence, fallback = f"{commercial} td.docs >> nth=0", f"{commercial} td.docs >> nth=1"
    assert "甘政办发〔2015〕80号" in page.inner_text(evidence)  # today
    page.select_option(select, "2014")
    assert page.inner_text(evidence) == ""
    assert page.inner_text(fallback) == "China: 国发〔1991〕33号"
    assert "甘政办发〔2015〕80号" not in page.inner_text(commercial)
    link = page.locator(f"{commercial} a", has_text="国发〔1991〕33号")
    target = (root / "region" / (link.get_attribute("href") or "")).resolve()
    assert target.name == "CN-1991-enterprise-pension-reform-decision.html" and target.exists()
    assert _documents(page, "#gap-status")["assistance"] == " | "  # none in 2014
    page.select_option(select, "2015")
    assert page.inner_text(evidence) == "甘政办发〔2015〕80号 (dedicated)"
    latest = page.eval_on_selector(select, "s => s.options[s.options.length - 1].value")
    page.select_option(select, latest)
    assert "甘政办发〔2015〕80号" in page.inner_text(evidence)
    page.select_option(select, "1981")
    assert _status(page, "commercial")[0] == "none"
    assert page.inner_text(evidence) == page.inner_text(fallback) == ""
    # Back to today: the cells as the page was written, whatever a year showed in between.
    page.select_option(select, "")
    assert page.inner_html("#gap-status tbody") == written
    visit.clean()


def test_the_gap_table_lists_the_documents_of_the_chosen_year(
    browser: Browser,  # noqa: F811
    national: tuple[Path, dict],  # type: ignore[type-arg]
) -> None:
    """Gansu's counties fall back on the nation's 1991 decision for the commercial tier in 2014
    and on the province's 2015 opinions from 2015: inherited both years, the documents differ."""
    root, _ = national
    visit = Routed(browser, root)
    page = visit.page
    page.goto((root / "gaps.html").resolve().as_uri() + "#province=620000&tier=commercial")
    page.wait_for_selector("#gap-table[data-ready=true]", timeout=30_000)
    visible = "#gap-table tbody tr:not([hidden]) td.docs"

    def listed() -> list[str]:
        return page.locator(visible).all_inner_texts()

    def provinces() -> int:
        """The rows that fall back on Gansu's opinions of 2015; the rest, Gannan's 8 counties,
        on Gannan's own plan of 2017."""
        texts = listed()
        assert all("甘政办发〔2015〕80号" in t or "州政办发〔2017〕41号" in t for t in texts)
        return sum("甘政办发〔2015〕80号" in t for t in texts)

    today = listed()
    assert len(today) == 86 and provinces() == 78
    page.select_option("#gap-filters select[name=year]", "2014")
    statuses = page.locator("#gap-table tbody tr:not([hidden]) span.status").all_inner_texts()
    # Every county then in use fell back on the nation's decision; the others list nothing.
    assert Counter(zip(statuses, listed(), strict=True)) == {
        ("inherited", "China: 国发〔1991〕33号"): 85,
        ("code not yet in use", ""): 1,
    }
    page.select_option("#gap-filters select[name=year]", "2015")
    assert Counter(listed()) == {"Gansu Province: 甘政办发〔2015〕80号 +1 more": 85, "": 1}
    page.select_option("#gap-filters select[name=year]", "2022")
    assert provinces() == 78
    page.select_option("#gap-filters select[name=year]", "")
    assert listed() == today
    visit.clean()


def _shown(page: Page) -> int:
    counted: int = page.evaluate(
        "document.querySelectorAll('#gap-table tbody tr:not([hidden])').length"
    )
    assert str(counted) == page.get_attribute("#gap-table", "data-shown")
    return counted


@pytest.mark.parametrize("year", [1990, 2014, 2021])
def test_the_gap_table_filters_by_the_status_of_the_chosen_year(
    browser: Browser,  # noqa: F811
    national: tuple[Path, dict],  # type: ignore[type-arg]
    year: int,
) -> None:
    """Every status count of the table as of a year is that of `gaps --as-of` for the same
    county-level cells; the regions whose code was not yet in use match no status."""
    root, as_of = national
    visit = Routed(browser, root)
    page = visit.open(root / "gaps.html")
    page.wait_for_selector("#gap-table[data-ready=true]", timeout=30_000)
    everything = _shown(page)
    codes = set(
        page.eval_on_selector_all(
            "#gap-table tbody tr", "rs => rs.map(r => r.cells[0].textContent.trim())"
        )
    )
    expected = Counter(g.status for g in as_of[year] if g.code in codes)
    page.select_option("#gap-filters select[name=year]", str(year))
    assert _shown(page) == everything
    note = page.locator("#gap-as-of-note").inner_text()
    assert note.startswith(f"As of {year}: ")
    assert "today" not in note  # the documents listed are the year's too
    # Every row lists the documents `gaps --as-of` lists for its cell that year (none before
    # the region's code was in use), as the table lists today's.
    cells = {(g.code, g.tier): g for g in as_of[year]}
    shown = page.eval_on_selector_all(
        "#gap-table tbody tr",
        "rs => rs.map(r => [r.cells[0].textContent.trim(), r.dataset.tier,"
        " r.querySelector('td.docs').textContent])",
    )
    for code, tier, text in shown:
        gap = cells.get((code, tier))
        assert text == (_documents_text(gap) if gap else ""), (code, tier)
    for status in ("own", "general-only", "inherited", "none"):
        page.select_option("#gap-filters select[name=status]", status)
        assert _shown(page) == expected[status], status
        texts = set(page.locator("#gap-table tbody tr:not([hidden]) span.status").all_inner_texts())
        assert texts <= {status}
    assert f"year={year}" in page.url and "status=none" in page.url
    page.select_option("#gap-filters select[name=status]", "")
    page.select_option("#gap-filters select[name=province]", "620000")
    page.select_option("#gap-filters select[name=tier]", "commercial")
    gansu = Counter(
        g.status
        for g in as_of[year]
        if g.code in codes and g.code[:2] == "62" and g.tier == "commercial"
    )
    page.select_option("#gap-filters select[name=status]", "inherited")
    assert _shown(page) == gansu["inherited"]
    page.click("#gap-filters button[type=reset]")
    page.wait_for_function("document.querySelector('#gap-table').dataset.shown > 8000")
    assert page.input_value("#gap-filters select[name=year]") == ""
    assert not page.locator("#gap-as-of-note").is_visible()
    visit.clean()


def test_the_year_in_the_address_opens_the_table_as_of_it(
    browser: Browser,  # noqa: F811
    national: tuple[Path, dict],  # type: ignore[type-arg]
) -> None:
    root, as_of = national
    visit = Routed(browser, root)
    page = visit.page
    page.goto((root / "gaps.html").resolve().as_uri() + "#year=2014&status=own")
    page.wait_for_selector("#gap-table[data-ready=true]", timeout=30_000)
    assert page.input_value("#gap-filters select[name=year]") == "2014"
    codes = set(
        page.eval_on_selector_all(
            "#gap-table tbody tr", "rs => rs.map(r => r.cells[0].textContent.trim())"
        )
    )
    assert _shown(page) == sum(1 for g in as_of[2014] if g.code in codes and g.status == "own")
    visit.clean()
