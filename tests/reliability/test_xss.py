"""The XSS corpus in a real browser: every payload of tests/cases/xss/payloads.txt is put into a
text cell of the data (document titles in English and Chinese, claims' comments and quotes, body
and programme labels, notes, dataset titles), the seed data is built (without the national
backbone) and its site written, and every page is opened in Chromium with hooks on dialogs,
page errors, console errors, requests leaving the site and the functions a payload calls. None
may fire: escaped text shows, nothing runs."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from policygraph import Inputs
from policygraph.pipeline import build_store, open_store
from policygraph.reports.site import write_site

from ..conftest import append_row, seed_copy
from ..test_browser import CHROMIUM, FLAGS, Visit

CORPUS = Path(__file__).parents[1] / "cases" / "xss" / "payloads.txt"
#: New documents, each titled with payloads (English and Chinese titles).
DOCUMENTS = 100
#: Replaces the functions a payload calls with a recorder, before any script of the page runs.
RECORDER = """
window.__ran = [];
for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
  window[name] = (...args) => { window.__ran.push(name + '(' + args.join(',') + ')'); };
}
"""


def payloads() -> list[str]:
    # split("\n"), not splitlines(): a payload holds U+2028, which splitlines() breaks at.
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line and not line.startswith("#")]


def _rewrite(path: Path, column: str, values: Iterator[str]) -> int:
    """Put the next of ``values`` into ``column`` of every row of the CSV file; rows changed."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    for row in rows:
        row[column] = next(values)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _plant(data: Path, corpus: list[str]) -> int:
    """Every payload into at least one cell; the number of cells planted."""
    values = itertools.cycle(corpus)
    planted = 0
    for n in range(DOCUMENTS):
        append_row(
            data / "documents.csv",
            {
                "id": f"xss-{n}",
                "title_en": next(values),
                "title_zh": next(values),
                "jurisdiction": "620923",
                "year": "2020",
                "tiers": "commercial",
                "domains": "pension",
                "doc_types": "plan",
                "specificity": "dedicated",
                "source": "s0",
                "locator": f"xss corpus {n}",
            },
        )
        planted += 2
    for name, column in [
        ("claims.csv", "comment"),
        ("claims.csv", "quote"),
        ("bodies.csv", "label_en"),
        ("programmes.csv", "label_en"),
        ("notes.csv", "note"),
        ("datasets.csv", "title"),
    ]:
        planted += _rewrite(data / name, column, values)
    return planted


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = payloads()
    data = seed_copy(tmp_path_factory.mktemp("xss") / "data")
    assert _plant(data, corpus) >= len(corpus)
    inputs = Inputs.resolve(data, national=False)
    spec = f"oxigraph:{tmp_path_factory.mktemp('xss-store')}"
    summary = build_store(spec, inputs)
    assert summary.written, summary.report
    out = tmp_path_factory.mktemp("xss-site")
    with open_store(spec, inputs) as store:
        write_site(store, out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run ./test, which installs it")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def test_the_corpus_is_large_and_distinct() -> None:
    corpus = payloads()
    assert len(corpus) >= 100 and len(set(corpus)) == len(corpus)


def test_no_payload_runs_on_any_page(browser: Browser, site: Path) -> None:
    corpus = payloads()
    paths = sorted(site.rglob("*.html"))
    # Every document page holds payloads, as text: the site was built from the planted data.
    documents = [p for p in paths if p.parent.name == "document" and "xss-" in p.name]
    assert len(documents) == DOCUMENTS
    shown = set()
    visit = Visit(browser, site)
    visit.page.add_init_script(RECORDER)
    for path in paths:
        page = visit.open(path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(30)  # an animation's onbegin, a timer
        ran = page.evaluate("window.__ran")
        assert ran == [], f"{path.relative_to(site)}: {ran}"
        if path in documents:
            text = page.locator("h1").inner_text()
            assert text in corpus, f"{path.name}: the title shows as {text!r}"
            shown.add(text)
    assert visit.dialogs == [], visit.dialogs
    assert visit.errors == [], visit.errors[:5]
    assert visit.foreign() == [], visit.foreign()[:5]
    assert len(shown) == DOCUMENTS
    print(f"\n{len(corpus)} payloads, {len(paths)} pages opened, nothing ran")
