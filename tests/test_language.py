"""--lang zh: the gap report, views and pages in Chinese, and the catalogue they read."""

from __future__ import annotations

import csv
import gettext
import io
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from policygraph.pipeline import build_store, open_store
from policygraph.reports.language import Language, translations
from policygraph.reports.site import write_site

from .conftest import SEED, Invoke

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "policygraph" / "locale" / "zh" / "LC_MESSAGES"


def _catalogue() -> dict[object, object]:
    with (LOCALE / "policygraph.po").open("rb") as po:
        return {m.id: m.string for m in read_po(po, locale="zh") if m.id}


def test_every_interface_message_has_a_chinese_translation(tmp_path: Path) -> None:
    """What pybabel extracts from the reports and templates (pyproject's [tool.babel]) is all
    in the catalogue, translated: a new English string without its Chinese fails here."""
    pot = tmp_path / "messages.pot"
    extract = ["extract", "-F", "pyproject.toml", "-k", "N_", "-k", "n:1,2", "-o", str(pot), "."]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *extract],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    assert len(wanted) > 50
    catalogue = _catalogue()
    assert sorted(map(str, wanted - catalogue.keys())) == []
    untranslated = [i for i, s in catalogue.items() if not (all(s) if isinstance(s, tuple) else s)]
    assert untranslated == []


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    with (LOCALE / "policygraph.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for msgid, text in _catalogue().items():
        if isinstance(msgid, tuple):
            assert isinstance(text, tuple)
            assert compiled.ngettext(msgid[0], msgid[1], 2) == text[0], msgid
        else:
            assert compiled.gettext(str(msgid)) == text, msgid


def test_english_is_the_message_ids_and_chinese_counts_without_plurals() -> None:
    assert translations("en").gettext("Gap report") == "Gap report"
    en, zh = Language("en"), Language("zh")
    assert en.n("{n} region", "{n} regions", 1) == "1 region"
    assert en.n("{n} region", "{n} regions", 3213) == "3,213 regions"
    assert zh.n("{n} region", "{n} regions", 3213) == "3,213 个地区"
    assert zh.term("own") == "own"  # no label from the data: the slug, not a blank
    assert Language("zh", {"own": "自有政策"}).term("own") == "自有政策"
    assert en.name("Subei", "肃北") == "Subei  肃北" and zh.name("Subei", "肃北") == "肃北  Subei"


SUBEI = ("肃北蒙古族自治县", "Subei Mongol Autonomous County")
ZH_STATUS = "沿用上级"  # the ontology's zh-Hans label of id/gap-status/inherited
ZH_TIER = "商业/补充保险"


def _gaps(invoke: Invoke, *args: str) -> str:
    result = invoke("gaps", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_zh_text_report_has_chinese_headings_statuses_and_names_first(invoke: Invoke) -> None:
    text = _gaps(invoke, "--lang", "zh")
    assert text.startswith("保障缺口报告（层级 县级")
    assert "分省统计" in text and "620000 甘肃省 Gansu Province " in text
    subei = next(line for line in text.splitlines() if line.startswith("620923"))
    assert (
        subei == "620923  肃北蒙古族自治县  Subei Mongol Autonomous County  [已调查]  人口 15,093"
    )
    assert f"  {ZH_TIER} {ZH_STATUS}" in text
    assert "沿用 甘肃省 Gansu Province（620000）" in text
    assert "［上级 酒泉市 Jiuquan City（620900）：本层次无专门文件］" in text  # noqa: RUF001
    # The English report is as it was.
    english = _gaps(invoke)
    assert english.startswith("Gap report (level county")
    assert "620923  Subei Mongol Autonomous County  肃北蒙古族自治县  [surveyed]" in english


def test_zh_markdown_report_names_provinces_and_regions_in_chinese(invoke: Invoke) -> None:
    md = _gaps(invoke, "--lang", "zh", "--format", "md", "--autonomous")
    lines = md.splitlines()
    assert lines[0].startswith("| 省份 | 地区数 | 已调查 | 人口 | 自有政策 | 仅综合性文件 |")
    assert "| 620000 甘肃省 Gansu Province | 9 | " in md
    assert "| 代码 | 地区 | 已调查 | 人口 | 社会救助 | 社会保险 | 商业/补充保险 |" in lines
    assert f"| 620923 | {' '.join(SUBEI)} | 是 | 15,093 | {ZH_STATUS} |" in md


def test_markdown_report_gives_the_chinese_name_beside_the_english_by_default(
    invoke: Invoke,
) -> None:
    md = _gaps(invoke, "--format", "md", "--autonomous")
    assert "| 620000 Gansu Province 甘肃省 | 9 | " in md
    assert "| 620923 | Subei Mongol Autonomous County 肃北蒙古族自治县 | yes | 15,093 | " in md


def test_zh_html_report_is_chinese_and_says_so(invoke: Invoke) -> None:
    page = _gaps(invoke, "--lang", "zh", "--format", "html", "--within", "肃北")
    assert '<html lang="zh">' in page
    assert "<h1>哪里缺少保障？</h1>" in page and "<h2>按地区</h2>" in page  # noqa: RUF001
    assert f'<span class="status inherited">{ZH_STATUS}</span>' in page
    assert f"<strong>{'  '.join(SUBEI)}</strong>" in page
    assert '<html lang="en">' in _gaps(invoke, "--format", "html", "--within", "肃北")


def test_zh_json_report_keeps_its_keys_and_adds_the_words(invoke: Invoke) -> None:
    data = json.loads(_gaps(invoke, "--lang", "zh", "--format", "json", "--within", "肃北"))
    english = json.loads(_gaps(invoke, "--format", "json", "--within", "肃北"))
    assert data["lang"] == "zh" and "lang" not in english
    assert data["labels"]["statuses"]["inherited"] == ZH_STATUS
    assert data["labels"]["tiers"]["commercial"] == ZH_TIER
    assert data["labels"]["summary"].startswith("1 个地区（已调查 1 个，未调查 0 个），3 个单元")
    (region,) = data["regions"]
    assert (region["label_zh"], region["label"]) == SUBEI
    assert [c["status_label"] for c in region["cells"]] == [ZH_STATUS] * 3
    # The machine-readable part is the English report's, key for key and value for value.
    for key in ("schema", "statuses", "filters", "summary"):
        assert data[key] == english[key]
    for cell in region["cells"]:
        del cell["status_label"], cell["tier_label"]
    assert data["regions"] == english["regions"]


def test_zh_csv_report_adds_label_columns_after_the_stable_ones(invoke: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(_gaps(invoke, "--lang", "zh", "--format", "csv"))))
    subei = [r for r in rows if r["code"] == "620923"]
    assert [r["status_label"] for r in subei] == [ZH_STATUS] * 3
    assert {r["tier_label"] for r in subei} == {"社会救助", "社会保险", ZH_TIER}
    assert subei[0]["region_zh"] == SUBEI[0]
    english = _gaps(invoke, "--format", "csv").splitlines()[0]
    assert not english.endswith("status_label")


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "json", "html"])
def test_every_format_refuses_an_unknown_language(invoke: Invoke, fmt: str) -> None:
    result = invoke("gaps", "--lang", "fr", "--format", fmt)
    assert result.exit_code == 2
    assert "'fr' is not one of 'en', 'zh'" in result.stderr


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the seed data in Chinese (the seed alone: quick to build)."""
    spec = f"oxigraph:{tmp_path_factory.mktemp('store')}"
    assert build_store(spec, SEED).written
    out = tmp_path_factory.mktemp("site-zh")
    with open_store(spec, SEED) as store:
        write_site(store, out, lang="zh")
    return out


def test_zh_site_pages_are_chinese_with_chinese_names_first(zh_site: Path) -> None:
    subei = (zh_site / "region" / "620923.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in subei
    assert "<h1>肃北蒙古族自治县</h1>" in subei
    assert '<p class="kind">地区 · Subei Mongol Autonomous County</p>' in subei
    assert "<h2>各保障层次的缺口状态</h2>" in subei
    assert f'<span class="status inherited">{ZH_STATUS}</span>' in subei
    assert "甘肃省 Gansu Province：<a" in subei  # what it falls back on, named in Chinese first
    assert '<a href="../overview.html">全国概览</a>' in subei  # the navigation
    index = (zh_site / "index.html").read_text(encoding="utf-8")
    assert "<h1>policygraph：哪里缺少保障？</h1>" in index  # noqa: RUF001
    assert "<h2>政策文件</h2>" in index
    # The overview's tiles name a province in Chinese first, then in English.
    assert re.search(r'lang="zh-Hans">甘肃</text>\s*<text [^>]*lang="en">Gansu</text>', index)
    gaps = (zh_site / "gaps.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in gaps and '<h2 id="table">各县 × 保障层次</h2>' in gaps


def test_zh_site_marks_names_it_can_only_give_in_english(zh_site: Path) -> None:
    """A body with no Chinese name in the data keeps its English one, marked as English."""
    page = (zh_site / "body" / "sunan-insurer-branch.html").read_text("utf-8")
    assert '<h1 class="untranslated" lang="en">' in page
    assert "（数据中无中文名称，显示英文）" in page
    index = (zh_site / "index.html").read_text(encoding="utf-8")
    assert 'class="untranslated" lang="en">Su&#39;nan County Branch' in index


def test_zh_tier_view_speaks_chinese_and_gives_each_regions_status(zh_site: Path) -> None:
    page = (zh_site / "graph-commercial.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "地区填充色：商业/补充保险 的缺口状态" in page
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    subei = next(n for n in data["nodes"] if n["id"].endswith("/region/620923"))
    assert subei["label"] == "肃北蒙古族自治县"
    assert subei["title"].endswith(f"缺口状态（商业/补充保险）：{ZH_STATUS}")
    assert "Subei Mongol Autonomous County" in subei["title"]  # the English name in the hover


def test_zh_query_table_heads_plain_columns_in_chinese_and_keeps_the_standards(
    invoke: Invoke,
) -> None:
    args = ("query", "gaps/no-dedicated-policy", "--param", "within=肃北")
    table = invoke(*args, "--lang", "zh").stdout.splitlines()
    assert table[0].split() == ["地区", "代码", "名称", "已调查"]
    assert invoke(*args, "--lang", "zh", "--format", "md").stdout.startswith(
        "| 地区 | 代码 | 名称 | 已调查 |"
    )
    # CSV and JSON are the SPARQL results formats: headed by the variables in any language.
    assert invoke(*args, "--lang", "zh", "--format", "csv").stdout.startswith(
        "region,code,label,surveyed"
    )
    assert invoke(*args).stdout.splitlines()[0].split() == ["region", "code", "label", "surveyed"]


def test_serve_lang_zh_serves_the_pages_in_chinese(tmp_path: Path) -> None:
    """`serve --lang zh` writes its browse pages as `site --lang zh` does (a real process)."""
    spec = f"oxigraph:{tmp_path / 'store'}"
    assert build_store(spec, SEED).written
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "policygraph", "--store", spec, "--no-national"]
    command += ["serve", "--lang", "zh", "--port", str(port), "--quiet"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/region/620923.html"
        page = ""
        for _ in range(300):  # at most 60 s: the pages are written by a process of their own
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    page = response.read().decode("utf-8")
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert '<html lang="zh">' in page
        assert "<h1>肃北蒙古族自治县</h1>" in page
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_zh_html_report_escapes_what_the_sources_say(invoke: Invoke, data_copy: Path) -> None:
    claims = data_copy / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("Subei, Tianzhu, Aksai", "<b>x</b> Subei, Tianzhu, Aksai"))
    result = invoke("gaps", "--autonomous", "--format", "html", "--lang", "zh", data=data_copy)
    assert result.exit_code == 0, result.stderr
    assert "<b>x</b>" not in result.stdout
    assert "&lt;b&gt;x&lt;/b&gt; Subei" in result.stdout
    assert "<h2>关于该地区的论断：</h2>" not in result.stdout  # a paragraph, not a heading
    assert "<p>关于该地区的论断：</p>" in result.stdout
