"""--lang zh, the last of it: the facts table names predicates by their labels (the ontology's,
or the project's for terms of other vocabularies) and says 是/否; Chinese text takes Chinese
punctuation; the named queries' titles and descriptions are messages of the catalogue (a Babel
extractor reads the .rq headers) and show in Chinese on the site, the query page and
`queries --lang zh`."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from policygraph.pipeline import build_store, open_store
from policygraph.queries import library
from policygraph.queries.babel import extract
from policygraph.querypage import catalogue
from policygraph.reports.language import Language
from policygraph.reports.querytext import identifiers_as_code
from policygraph.reports.site import write_site
from policygraph.store.base import GraphStore

from .conftest import SEED, Invoke

ROOT = Path(__file__).resolve().parents[1]
ZH = Language("zh")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    spec = f"oxigraph:{tmp_path_factory.mktemp('store')}"
    assert build_store(spec, SEED).written
    with open_store(spec, SEED) as opened:
        yield opened


@pytest.fixture(scope="module")
def zh_site(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site-zh")
    write_site(store, out, lang="zh")
    return out


def _facts(page: Path) -> dict[str, tuple[str, list[str]]]:
    """The facts table of a page: the row's hover title (its CURIE) → its name and values."""
    html = page.read_text(encoding="utf-8")
    rows = re.findall(
        r'<td class="name" title="([^"]+)">([^<]*)</td><td>(.*?)</td></tr>', html, re.S
    )
    assert rows
    value = re.compile(r"<(?:span|a)\b[^>]*>([^<]*)</(?:span|a)>")
    return {curie: (name, value.findall(values)) for curie, name, values in rows}


def test_the_facts_table_names_predicates_by_their_labels_in_chinese(zh_site: Path) -> None:
    """Region 肃北: the ontology's zh-Hans labels for pg: terms, the catalogue's words for the
    standard terms the ontology does not declare, the CURIE as the hover title; 是 for true."""
    facts = _facts(zh_site / "region" / "620923.html")
    assert facts["pg:surveyed"] == ("有来源研究", ["是"])
    assert facts["skos:broaderTransitive"] == ("所有上级地区", ["中国", "甘肃省", "酒泉市"])
    assert facts["dcterms:source"][0] == "来源"
    assert not [name for name, _ in facts.values() if re.search(r"[A-Za-z]", name)]
    assert _facts(zh_site / "region" / "620900.html")["pg:surveyed"] == ("有来源研究", ["否"])
    gansu = _facts(zh_site / "region" / "620000.html")
    assert gansu["pg:ownTier"][0] == "有自有专项政策的保障层次"
    document = _facts(zh_site / "document" / "CN-1991-enterprise-pension-reform-decision.html")
    assert document["eli:first_date_entry_in_force"][0] == "生效日期"


def test_the_english_facts_table_names_predicates_by_their_english_labels() -> None:
    """The committed English site (the national data: codes in use since a year)."""
    facts = _facts(ROOT / "viz" / "region" / "620923.html")
    assert facts["pg:inUseFrom"] == ("in use from", ["2002"])
    assert facts["skos:broaderTransitive"][0] == "all regions above"
    assert facts["pg:surveyed"] == ("surveyed", ["yes"])
    twin = json.loads((ROOT / "viz" / "region" / "620923.json").read_text(encoding="utf-8"))
    row = next(r for r in twin["facts"] if r["curie"] == "pg:inUseFrom")
    assert row["name"] == row["label"] == "in use from"


def test_chinese_lists_and_sentences_take_chinese_punctuation(zh_site: Path) -> None:
    index = (zh_site / "index.html").read_text(encoding="utf-8")
    tiers = re.search(r'(<a href="graph-assistance.html">.*?)</p>', index)
    assert tiers is not None
    assert tiers.group(1).endswith("</a>。") and "</a>、<a" in tiers.group(1)
    assert "</a>, <a" not in tiers.group(1)
    english = (ROOT / "viz" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'graph-insurance.html">insurance</a>, <a href="graph-commercial', english)
    gaps = (zh_site / "gaps.html").read_text(encoding="utf-8")
    lines = re.findall(r'<p><span class="status [a-z-]+">[^<]*</span> ([^<]*)', gaps)
    assert lines and all(re.fullmatch(r"[^:]+：.*", line) for line in lines), lines[:3]
    assert '</a>；<a href="document/' in gaps and '</a>; <a href="document/' not in gaps


def test_the_gap_reports_heading_lists_in_chinese(invoke: Invoke) -> None:
    result = invoke("gaps", "--lang", "zh", "--autonomous")
    assert result.exit_code == 0, result.stderr
    heading = result.stdout.splitlines()[0]
    assert "县级、地级" in heading or "地级、县级" in heading
    assert "民族自治地方 是" in heading and "true" not in heading
    english = invoke("gaps", "--autonomous").stdout
    assert "autonomous true" in english.splitlines()[0]


def test_the_extractor_reads_every_title_and_description_as_the_library_does() -> None:
    for name, query in library().items():
        path = ROOT / "src" / "policygraph" / "queries" / f"{name}.rq"
        found = list(extract(io.BytesIO(path.read_bytes()), {}, [], {}))
        messages = [message for _, _, message, _ in found]
        assert messages == [t for t in (query.title, query.description) if t], name
        assert found[0][0] == 1 and all(funcname is None for _, funcname, _, _ in found)


def test_every_query_title_and_description_has_a_chinese_translation() -> None:
    untranslated = [
        (name, text)
        for name, query in library().items()
        for text in (query.title, query.description)
        if text and ZH._(text) == text
    ]
    assert untranslated == []


def test_the_zh_query_page_shows_the_chinese_title_and_marks_identifiers(zh_site: Path) -> None:
    page = (zh_site / "query" / "gaps-no-dedicated-policy.html").read_text(encoding="utf-8")
    assert "<h1>没有自有专项政策的地区</h1>" in page
    assert 'lang="en"' not in page.split("<h1", 1)[1].split("<h2", 1)[0]
    assert "<code>pg:ownTier</code> 按地区和层次汇总" in page
    index = (zh_site / "index.html").read_text(encoding="utf-8")
    assert "<code>gaps/no-dedicated-policy</code></a> 没有自有专项政策的地区</li>" in index
    marked = str(identifiers_as_code("读取 <b>与 gaps --as-of"))
    assert marked == "读取 &lt;<code>b</code>&gt;与 <code>gaps</code> <code>--as-of</code>"


def test_the_query_page_of_serve_lists_the_chinese_titles(store: GraphStore) -> None:
    named = {q["name"]: q for q in catalogue(store, "zh-Hans", ZH)["queries"]}
    query = named["gaps/no-dedicated-policy"]
    assert query["title"] == "没有自有专项政策的地区"
    assert query["title_en"] == "Regions with no dedicated policy of their own"
    assert query["description"].startswith("没有任何社会保障专项文件")
    english = {q["name"]: q for q in catalogue(store)["queries"]}["gaps/no-dedicated-policy"]
    assert english["title"] == query["title_en"] and "title_en" not in english


def test_queries_lang_zh_lists_the_chinese_titles(invoke: Invoke) -> None:
    text = invoke("queries", "--lang", "zh").stdout
    assert (
        "gaps/no-dedicated-policy\n  没有自有专项政策的地区\n  参数：level（level，默认 county）"
        in text
    )
    records = json.loads(invoke("queries", "--lang", "zh", "--format", "json").stdout)
    lookup = next(r for r in records if r["name"] == "lookup/regions")
    assert lookup["title"] == "地区" and lookup["title_en"] == "Regions"
    english = invoke("queries").stdout
    assert "gaps/no-dedicated-policy\n  Regions with no dedicated policy of their own\n" in english
    assert "  params: level (level, default county)" in english
