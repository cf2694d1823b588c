"""--lang zh beyond the gap report: the words the site's scripts show, the overview's hover text,
the query page of serve, `regions` and `stats`, and the Python API's lang keyword."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import policygraph
from policygraph import serve as web
from policygraph.gaps import Gap
from policygraph.pipeline import open_store
from policygraph.querypage import QueryPage
from policygraph.reports.language import Language, language
from policygraph.reports.overview import RegionInfo, overview
from policygraph.reports.site import write_site
from policygraph.store.base import GraphStore
from policygraph.store.oxigraph import OxigraphStore

from .conftest import SEED, Invoke
from .servers import http, running

ZH_STATUS = "沿用上级"
ZH_TIER = "商业/补充保险"


@pytest.fixture(scope="module")
def store(seed_spec: str) -> Iterator[GraphStore]:
    with open_store(seed_spec, SEED) as opened:
        yield opened


@pytest.fixture(scope="module")
def sites(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for lang in ("en", "zh"):
        out[lang] = tmp_path_factory.mktemp(f"site-{lang}")
        write_site(store, out[lang], lang=lang)
    return out


def _words(page: Path, block: str = "page-words") -> dict[str, object]:
    html = page.read_text(encoding="utf-8")
    found = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html)
    assert found, f"no #{block} in {page.name}"
    words: dict[str, object] = json.loads(found.group(1))
    return words


# -- the site's scripts ---------------------------------------------------------------------------


def test_the_scripts_hold_no_words_of_their_own() -> None:
    """What search.js and gaptable.js show comes from the page: none of the English they
    used to spell out is left in them."""
    assets = Path(policygraph.__file__).parent / "reports" / "assets"
    search = (assets / "search.js").read_text(encoding="utf-8")
    table = (assets / "gaptable.js").read_text(encoding="utf-8")
    for english in ("no page:", '"first "', '" match"', '"in "'):
        assert english not in search
    for english in ('" rows shown"', '"sort by "'):
        assert english not in table
    assert 'getElementById("page-words")' in search and 'getElementById("page-words")' in table


def test_every_page_of_a_zh_site_carries_the_scripts_words_in_chinese(
    sites: dict[str, Path],
) -> None:
    zh = _words(sites["zh"] / "index.html")
    assert zh["noPage"] == "无页面：尚无来源研究该地区（未调查不等于无政策）"
    assert zh["matches"] == ["{n} 条结果", "{n} 条结果"]
    assert zh["kinds"] == {
        "region": "地区",
        "document": "文件",
        "body": "机构",
        "programme": "项目",
        "claim": "论断",
    }
    assert zh["statuses"]["inherited"] == ZH_STATUS  # type: ignore[index]
    assert zh["tiers"]["commercial"] == ZH_TIER  # type: ignore[index]
    assert _words(sites["zh"] / "gaps.html")["rowsShown"] == "显示 {shown} / {total} 行"
    assert _words(sites["zh"] / "region" / "620923.html") == zh
    en = _words(sites["en"] / "index.html")
    assert en["noPage"] == "no page: no source studies it (not surveyed is not no policy)"
    assert en["matches"] == ["{n} match", "{n} matches"]
    assert en["statuses"]["inherited"] == "inherited"  # type: ignore[index]


def test_the_zh_search_index_names_the_regions_above_in_chinese(sites: dict[str, Path]) -> None:
    def within(site: Path, code: str) -> str:
        index = json.loads((site / "search.json").read_text(encoding="utf-8"))
        fields = index["fields"]
        entry = next(e for e in index["entries"] if e[fields.index("code")] == code)
        return str(entry[fields.index("within")])

    assert within(sites["zh"], "620923") == "甘肃省酒泉市"
    assert within(sites["en"], "620923") == "Jiuquan City, Gansu Province"


def test_the_words_block_escapes_what_would_close_it() -> None:
    from policygraph.reports.templates import environment

    terms = {"own": "</script><script>alert(1)</script>"}
    page = (
        environment("zh")
        .get_template("site/base.html.j2")
        .render(root="", lang=Language("zh", terms), page={})
    )
    block = page.split('id="page-words">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and json.loads(block)["statuses"]["own"] == terms["own"]


# -- the overview's hover text --------------------------------------------------------------------


def _overview(lang: Language) -> dict[str, object]:
    regions = {
        "620000": RegionInfo("620000", "Gansu Province", "甘肃省", "provincial", "CN"),
        "620900": RegionInfo("620900", "Jiuquan City", "酒泉市", "prefectural", "620000"),
        "620923": RegionInfo(
            "620923", "Subei Mongol Autonomous County", "肃北蒙古族自治县", "county", "620900"
        ),
    }
    cells = [
        Gap(
            region="id/region/620923",
            code="620923",
            label="Subei Mongol Autonomous County",
            tier=tier,
            status="inherited",
            surveyed=True,
            parent="620900",
            parent_label="Jiuquan City",
            label_zh="肃北蒙古族自治县",
            population=15093,
        )
        for tier in ("assistance", "insurance", "commercial")
    ]
    return overview(
        cells, regions=regions, populations={"620923": 15093}, urls={"620923": "r.html"}, lang=lang
    )


def test_the_treemaps_hover_text_is_chinese_on_a_zh_site(store: GraphStore) -> None:
    zh = _overview(language(store, "zh"))
    (county,) = zh["treemap"]["counties"]  # type: ignore[index]
    assert county["title"].splitlines() == [
        "肃北蒙古族自治县 Subei Mongol Autonomous County (620923)",
        "甘肃省酒泉市",
        "人口 15,093（2020 年）",
        f"社会救助 {ZH_STATUS} · 社会保险 {ZH_STATUS} · {ZH_TIER} {ZH_STATUS}",
        "已调查",
    ]
    assert zh["treemap"]["provinces"][0]["short"] == "甘肃"  # type: ignore[index]
    assert zh["share_bins"][0]["label"] == "低于 20 %"  # type: ignore[index]
    (english,) = _overview(Language())["treemap"]["counties"]  # type: ignore[index]
    assert english["title"].splitlines()[1:4] == [
        "Jiuquan City, Gansu Province",
        "15,093 people (2020)",
        "assistance inherited · insurance inherited · commercial inherited",
    ]


def test_the_tiles_hover_text_is_chinese_on_a_zh_site(sites: dict[str, Path]) -> None:
    index = (sites["zh"] / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'data-code="620000"[^>]*>\s*<title>([^<]*)</title>', index)
    assert titles and all(t.startswith("甘肃 Gansu · ") for t in titles)
    assert "社会救助：" in titles[0] and "个县级单位中有" in titles[0]
    assert titles[0].endswith("点击打开该省页面。")
    assert "county-level units" not in " ".join(titles)
    assert "鼠标悬停矩形可查看该县" in index and "Hover a rectangle" not in index
    english = (sites["en"] / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<title>Gansu 甘肃 · assistance: \d+ of \d+ county-level units", english)


# -- the query page -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zh_query_page(store: GraphStore) -> Iterator[str]:
    assert isinstance(store, OxigraphStore)
    page = QueryPage(store, lang=language(store, "zh"))
    with running(web.Source(store.location()), workers=1, query_page=page) as server:
        yield server.base


def test_the_query_page_speaks_chinese_with_serve_lang_zh(zh_query_page: str) -> None:
    page = http(f"{zh_query_page}/query").text
    assert '<html lang="zh">' in page
    for chinese in ("<h1>SPARQL 查询</h1>", ">运行</button>", ">下载 CSV</button>", ">复制链接<"):
        assert chinese in page
    # The named queries' titles and descriptions are translated: no note that they are not.
    assert "仅有英文" not in page
    for english in (">Run</button>", ">Download CSV<", ">Results<", "Ask the graph in SPARQL"):
        assert english not in page
    words = json.loads(page.split('id="query-words">', 1)[1].split("</script>", 1)[0])
    assert words["running"] == "正在运行……"
    assert words["refusedQuery"] == "无结果：查询被拒绝（HTTP {status}）。"
    assert words["hints"]["region"] == "代码或名称，如 620000、Gansu、甘肃"


def test_the_zh_query_page_labels_concepts_and_regions_in_chinese(zh_query_page: str) -> None:
    named = json.loads(http(f"{zh_query_page}/query/named").text)
    query = next(q for q in named["queries"] if q["name"] == "gaps/no-dedicated-policy")
    tier = next(p for p in query["params"] if p["name"] == "tier")
    assert {c["value"]: c["label"] for c in tier["choices"]}["commercial"] == ZH_TIER
    (subei, *_) = json.loads(http(f"{zh_query_page}/query/regions?q=Subei").text)
    assert (
        subei["label"]
        == "620923 肃北蒙古族自治县 Subei Mongol Autonomous County（属 620900 酒泉市）"
    )


# -- regions and stats ----------------------------------------------------------------------------


def test_regions_lang_zh_heads_levels_and_types_in_chinese(invoke: Invoke, seed_spec: str) -> None:
    def regions(*args: str) -> str:
        result = invoke("regions", "Subei", "--limit", "1", *args, store=seed_spec, seed=True)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    text = regions("--lang", "zh").splitlines()
    assert text[0].split() == ["代码", "名称", "英文名称", "层级", "区划类型", "上级"]
    assert text[2].startswith(
        "620923  肃北蒙古族自治县  Subei Mongol Autonomous County  县级  自治县"
    )
    assert text[-1] == "（1 个地区）"
    rows = regions("--lang", "zh", "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(rows))
    assert (row["level"], row["level_label"]) == ("county", "县级")
    assert (row["division_type"], row["division_type_label"]) == ("autonomous-county", "自治县")
    english = regions().splitlines()
    assert english[0].split()[:3] == ["code", "name", "English"] and "county" in english[2]


def test_stats_lang_zh_heads_and_levels_in_chinese(invoke: Invoke, seed_spec: str) -> None:
    def stats(*args: str) -> str:
        result = invoke("stats", *args, store=seed_spec, seed=True)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    text = stats("--lang", "zh")
    lines = text.splitlines()
    assert re.fullmatch(r"[\d,]+ 个四元组", lines[0])
    assert re.fullmatch(r"全国以下在用地区 \d+ 个，已停用代码 \d+ 个", lines[1])
    assert "民族自治地方：" in text and "  自治县  " in text
    assert "按来源图：" in text and "按类别：" in text
    assert "pg:Region 按层级：" in text and re.search(r"\n  县级 +\d", text)
    for english in ("quads", "by source graph", "autonomous-county", "\n  county "):
        assert english not in text
    data = json.loads(stats("--lang", "zh", "--format", "json"))
    assert data["labels"]["levels"]["county"] == "县级"
    assert data["labels"]["division_types"]["autonomous-county"] == "自治县"
    assert "by source graph:" in stats()


# -- the Python API -------------------------------------------------------------------------------


def test_the_api_gives_words_in_chinese_with_lang_zh(seed_spec: str) -> None:
    with policygraph.open(seed_spec, national=False) as graph:
        report = graph.gaps(within="620923", lang="zh")
        rows = report.dicts()
        assert [r["status_label"] for r in rows] == [ZH_STATUS] * 3
        assert {r["tier_label"] for r in rows} == {"社会救助", "社会保险", ZH_TIER}
        assert report.columns[-2:] == ("tier_label", "status_label")
        english = graph.gaps(within="620923")
        assert "status_label" not in english.dicts()[0]
        assert graph.render(report, lang="zh").startswith("保障缺口报告（")
        assert graph.render(english).startswith("Gap report (")
        (subei,) = graph.regions("Subei", limit=1)
        assert graph.describe(subei, lang="zh").endswith("（属 620900 酒泉市）")
        assert graph.describe(subei) == subei.describe()
        assert "  县级  自治县" in graph.render([subei], lang="zh")
