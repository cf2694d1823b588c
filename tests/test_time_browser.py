"""The year selector of the browse site in Chromium: region pages and the gap table show each
status as of a chosen year, from the block the site ships, with no request leaving the site."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from policygraph import Inputs
from policygraph.gaps import find_gaps
from policygraph.pipeline import open_store
from policygraph.reports.site import write_site

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
    # The documents listed stay today's: the note says so, and which command lists the year's.
    assert f"The documents listed are today's (dimmed); policygraph gaps --as-of {year} " in note
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
