"""Times the query page of a running `policygraph serve` in Chromium, as a visitor waits for it.

    .venv/bin/python benchmarks/querypage.py http://127.0.0.1:8765 [--runs 5]

Prints one Markdown table (median and slowest of the runs, each in a fresh browser page):
opening the page until the named queries are loaded; opening a shared link of a named query
until its rows are shown and linked to their pages; running an ad-hoc query of every county with
its Chinese name until the table is shown. Needs Chromium at /usr/bin/chromium (or
$POLICYGRAPH_CHROMIUM). Nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("POLICYGRAPH_CHROMIUM", "/usr/bin/chromium")
SHARED = "/query?named=gaps/no-dedicated-policy&within=620000&autonomous=true"
COUNTIES = """SELECT ?region ?code ?zh WHERE {
  ?region pg:level <https://w3id.org/policygraph/id/level/county> ;
          skos:notation ?code ;
          skos:prefLabel ?zh .
  FILTER(LANGMATCHES(LANG(?zh), "zh"))
}
ORDER BY ?code"""


def _open(page: Page, base: str) -> str:
    page.goto(base + "/query")
    page.wait_for_selector("#query-app[data-ready=true]")
    return "named queries loaded"


def _shared(page: Page, base: str) -> str:
    page.goto(base + SHARED)
    page.wait_for_selector("#results[data-linked=true]")
    return page.text_content("#query-status") or ""


def _adhoc(page: Page, base: str) -> str:
    page.goto(base + "/query")
    page.wait_for_selector("#query-app[data-ready=true]")
    page.evaluate("t => document.querySelector('.CodeMirror').CodeMirror.setValue(t)", COUNTIES)
    page.click("#run")
    page.wait_for_selector("#results[data-linked=true]")
    return page.text_content("#query-status") or ""


STEPS: list[tuple[str, Callable[[Page, str], str]]] = [
    ("open /query", _open),
    ("open a shared link of gaps/no-dedicated-policy (Gansu, autonomous)", _shared),
    ("open /query, run a query of every county (Chinese names), table linked", _adhoc),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:8765")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    print("| step | median | slowest | what the page says |")
    print("|---|---|---|---|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, step in STEPS:
            times, said = [], ""
            for _ in range(args.runs):
                page = browser.new_page()
                started = time.perf_counter()
                said = step(page, base)
                times.append((time.perf_counter() - started) * 1000)
                page.close()
            print(f"| {name} | {statistics.median(times):.0f} ms | {max(times):.0f} ms | {said} |")
        browser.close()


if __name__ == "__main__":
    main()
