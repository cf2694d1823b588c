"""--lang zh leaves no English interface word: the visible text of the Chinese site's pages and
of the Chinese reports, with the data's own values taken out (names and titles the data gives
only in English, locators, quotes), holds no ASCII word of three letters or more beyond an
allow-list of identifiers (SPARQL, CSV, JSON, the project's name). A CURIE (pg:surveyed) may
stand in a hover title, where a page keeps it for precision, never as the visible text: the facts
table names a predicate by its label. The data's booleans are not values: a page says 是 or 否."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policygraph.pipeline import open_store
from policygraph.reports.overview import tile_places
from policygraph.reports.site import write_site
from policygraph.store.base import GraphStore

from .conftest import SEED, Invoke

#: Identifiers, not words: they read the same in a Chinese page.
ALLOWED = {"SPARQL", "CSV", "JSON", "IRI", "policygraph", "gbt", "editorial", "areacodes"}
#: The search box's example of what it finds: a name in pinyin.
ALLOWED.add("Subei")
#: What the check reads of a page besides its text: attributes a reader sees.
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
#: Elements whose text is code or data as such: scripts (their words are in #page-words, checked
#: in test_language_words), styles, and code.
SKIPPED = {"script", "style", "pre", "code"}
VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base"}
#: Identifiers. A value may hold one (a locator names a file) and one may hold a value (a query's
#: name, gaps/no-dedicated-policy, holds the word "dedicated"): a word is left only when it is
#: left whichever of the two is taken out first.
IDENTIFIERS = re.compile(
    r"https?://\S+"  # IRIs and addresses
    r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*"  # a label's language tag
    r"|\S+\.(?:json|csv|html|txt|xlsx)\b"  # file names
    r"|\b[a-z]+(?:/[\w-]+)+"  # a named query's or a graph's name: gaps/claims, graph/derived
)
#: CURIEs (skos:hiddenLabel, pg:inUseFrom): identifiers in a hover title and in a plain-text
#: report, words in a page's text.
CURIE = re.compile(r"\b[a-z][a-z-]*:[A-Za-z_]\w*")
WORD = re.compile(r"[A-Za-z]{3,}")
#: Literals of the data that are not values a reader is shown as such.
NOT_VALUES = {"true", "false"}


class _Visible(HTMLParser):
    """The text a reader sees, element by element; text inside an element marked as English
    (``lang="en"``: a name or title the data gives only in English) is data and left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        #: The attributes shown on hover: where a CURIE may stand.
        self.titles: list[str] = []
        self._open: list[tuple[str, bool]] = []

    def _hidden(self) -> bool:
        return any(tag in SKIPPED or english for tag, english in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        english = (values.get("lang") or "").startswith("en")
        if not self._hidden() and not english:
            self.titles += [values[a] or "" for a in SHOWN_ATTRIBUTES if values.get(a)]
        if tag not in VOID:
            self._open.append((tag, english))

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._hidden():
            self.texts.append(data.strip())


class Audit:
    """Finds the English left in a text once the data's own values are taken out."""

    def __init__(self, data_values: set[str]) -> None:
        self.values = data_values
        self._sorted = sorted(data_values)
        longest_first = sorted((v for v in data_values if len(v) >= 3), key=len, reverse=True)
        self._values = re.compile("|".join(map(re.escape, longest_first)))

    def _begins_a_value(self, head: str) -> bool:
        at = bisect.bisect_left(self._sorted, head)
        return at < len(self._sorted) and self._sorted[at].startswith(head)

    def _is_clipped_value(self, text: str) -> bool:
        """A title shortened for a table cell: "Opinions on Deepening the R…"."""
        head = text.removesuffix("…")
        return head != text and self._begins_a_value(head)

    def _without_clipped_values(self, text: str) -> str:
        """A line with a value clipped to its column ("相符：No ethnic area of Gansu has…"):
        the longest run before the ellipsis that begins a value is taken out."""
        for end in [m.start() for m in re.finditer("…", text)][::-1]:
            start = next((i for i in range(end) if self._begins_a_value(text[i:end])), end)
            text = text[:start] + " " + text[end + 1 :]
        return text

    def words(self, texts: list[str]) -> list[str]:
        found = []
        for text in texts:
            if text in self.values or self._is_clipped_value(text):
                continue
            text = self._without_clipped_values(text)
            values_first = IDENTIFIERS.sub(" ", self._values.sub(" ", text))
            names_first = set(WORD.findall(self._values.sub(" ", IDENTIFIERS.sub(" ", text))))
            left = [w for w in WORD.findall(values_first) if w in names_first]
            found += [f"{w} in {text[:80]!r}" for w in left if w not in ALLOWED]
        return found

    def page(self, path: Path) -> list[str]:
        parser = _Visible()
        parser.feed(path.read_text(encoding="utf-8"))
        titles = [CURIE.sub(" ", title) for title in parser.titles]
        return self.words(parser.texts + titles)

    def text(self, output: str) -> list[str]:
        """A plain-text report: no markup to set an identifier apart, so its CURIEs (the
        classes ``stats`` counts) are identifiers wherever they stand."""
        lines = [CURIE.sub(" ", line.strip()) for line in output.splitlines() if line.strip()]
        return self.words(lines)


@pytest.fixture(scope="module")
def store(seed_spec: str) -> Iterator[GraphStore]:
    with open_store(seed_spec, SEED) as opened:
        yield opened


@pytest.fixture(scope="module")
def audit(store: GraphStore) -> Audit:
    """The data's values: every literal of the graph, and the tiles' English short names."""
    rows = store.select("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }")
    values = {str(value) for (value,) in rows}
    return Audit((values - NOT_VALUES) | {p.short_en for p in tile_places()})


@pytest.fixture(scope="module")
def zh_site(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("audit-site-zh")
    write_site(store, out, lang="zh")
    return out


PAGES = [
    "index.html",
    "overview.html",
    "gaps.html",
    "region/620923.html",  # Subei: gap cells and their fall-backs
    "region/620721.html",  # Sunan: a timeline with a change, a claim its status contradicts
    "region/620000.html",  # Gansu: statistics
    "document/620000-2015-commercial-health-insurance-opinions.html",  # regions falling back
    "claim/s0-2.html",
    "body/sunan-insurer-branch.html",  # a name the data gives only in English
    "programme/sunan-residents-pension.html",
    "query/gaps-no-dedicated-policy.html",
    "graph-commercial.html",
]


@pytest.mark.parametrize("page", PAGES)
def test_zh_page_shows_no_english_interface_word(audit: Audit, zh_site: Path, page: str) -> None:
    assert audit.page(zh_site / page) == []


def test_every_zh_page_shows_no_english_interface_word(audit: Audit, zh_site: Path) -> None:
    """Beyond the pages above: all of them (the seed site has about 140)."""
    pages = sorted(zh_site.rglob("*.html"))
    assert len(pages) > 100
    left = {str(p.relative_to(zh_site)): w for p in pages if (w := audit.page(p))}
    assert left == {}


def test_zh_region_page_names_specificity_and_holder_in_chinese(zh_site: Path) -> None:
    # The audit takes every literal of the graph for a value, a concept's notation among them
    # ("dedicated"): the specificity beside a document is the scheme's Chinese label, and a
    # fall-back's holder is followed by the full-width colon, as on the gap table.
    gansu = (zh_site / "region/620000.html").read_text(encoding="utf-8")
    assert "(专项文件)" in gansu and "(dedicated)" not in gansu
    subei = (zh_site / "region/620923.html").read_text(encoding="utf-8")
    assert re.search(r"甘肃省[^<]*：<a href", subei) and not re.search(r"甘肃省[^<]*: <a", subei)


def test_the_audit_finds_english_it_is_not_told_about(audit: Audit, tmp_path: Path) -> None:
    """The check can fail: English wording around data values is found, marked English is not."""
    page = tmp_path / "page.html"
    page.write_text(
        '<p>3 more regions have no page: <span lang="en">Sunan</span> Gansu Province</p>'
        '<p title="sort by code">肃北</p><script>var english = "words";</script>',
        encoding="utf-8",
    )
    found = {w.split()[0] for w in audit.page(page)}
    assert {"more", "have", "sort"} <= found and not {"Sunan", "Gansu", "Province"} & found


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_zh_gap_report_shows_no_english_interface_word(
    invoke: Invoke, audit: Audit, seed_spec: str, fmt: str, tmp_path: Path
) -> None:
    args = ("gaps", "--lang", "zh", "--autonomous", "--format", fmt)
    result = invoke(*args, store=seed_spec, seed=True)
    assert result.exit_code == 0, result.stderr
    if fmt == "html":
        page = tmp_path / "report.html"
        page.write_text(result.stdout, encoding="utf-8")
        assert audit.page(page) == []
    else:
        assert audit.text(result.stdout) == []


@pytest.mark.parametrize("region", ["620721", "620000"])
def test_zh_timeline_shows_no_english_interface_word(
    invoke: Invoke, audit: Audit, seed_spec: str, region: str
) -> None:
    result = invoke("timeline", region, "--lang", "zh", store=seed_spec, seed=True)
    assert result.exit_code == 0, result.stderr
    assert "的时间线" in result.stdout and "假设：" in result.stdout
    assert audit.text(result.stdout) == []
    english = invoke("timeline", region, store=seed_spec, seed=True).stdout
    assert english.startswith(f"Timeline of {region}")


@pytest.mark.parametrize("command", [("regions", "肃北"), ("stats",)])
def test_zh_regions_and_stats_show_no_english_interface_word(
    invoke: Invoke, audit: Audit, seed_spec: str, command: tuple[str, ...]
) -> None:
    result = invoke(*command, "--lang", "zh", store=seed_spec, seed=True)
    assert result.exit_code == 0, result.stderr
    assert audit.text(result.stdout) == []
