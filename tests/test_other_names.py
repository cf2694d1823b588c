"""A region page's "as printed / other names" line: the alternative and hidden labels of
data/aliases.csv and data/national/aliases.divisions.csv, so a reader who met a county under
another spelling knows it is this one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policygraph import Inputs
from policygraph.pipeline import build_store, open_store
from policygraph.reports.site import write_site

from .conftest import append_row


@pytest.fixture(scope="module")
def site(bundled_store: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    with open_store(bundled_store, Inputs.resolve()) as store:
        write_site(store, out)
    return out


def _line(page: str) -> str:
    found = re.search(r'<p class="other-names">(.*?)</p>', page)
    assert found, "no other-names line"
    return found.group(1)


def test_subei_page_names_its_spellings_short_name_and_pinyin(site: Path) -> None:
    page = (site / "region" / "620923.html").read_text(encoding="utf-8")
    line = _line(page)
    # Before the facts table: the first thing under the heading and the kind line.
    assert page.index('class="other-names"') < page.index("<h2>")
    assert line.startswith("<strong>As printed / other names:</strong>")
    # data/aliases.csv (the seed's spellings, alt), then the national short name (alt) ...
    assert '<span lang="en">Su Bei Mongolian Autonomous County</span>' in line
    assert '<span lang="zh-Hans">肃北</span>' in line
    # ... and the toneless pinyin (hidden), marked as a hidden label.
    assert re.search(
        r'<span lang="zh-Latn-pinyin">su bei</span> <small [^>]*>\(hidden label\)', line
    )
    twin = json.loads((site / "region" / "620923.json").read_text(encoding="utf-8"))
    assert {"text": "su bei", "lang": "zh-Latn-pinyin", "hidden": True} in twin["other_names"]


def test_a_name_printed_in_a_table_is_a_hidden_label(site: Path) -> None:
    """data/aliases.csv: Table 2 of S0 prints Zhangjiachuan as "Zhangjia chuan Huizu …"."""
    line = _line((site / "region" / "620525.html").read_text(encoding="utf-8"))
    assert re.search(
        r'<span lang="en">Zhangjia chuan Huizu Autonomous County</span> <small [^>]*>\(hidden', line
    )
    assert "Zhang Jia Chuan Hui Autonomous County" in line


def test_a_name_from_the_data_is_escaped(data_copy: Path, tmp_path: Path) -> None:
    append_row(
        data_copy / "aliases.csv",
        {
            "subject": "region:620923",
            "label": "<script>alert(1)</script>",
            "lang": "en",
            "kind": "hidden",
            "source": "s0",
            "locator": "§3 ¶2 (l.75)",
        },
    )
    inputs = Inputs.resolve(data_copy, national=False)
    spec = f"oxigraph:{tmp_path / 'store'}"
    assert build_store(spec, inputs).written
    with open_store(spec, inputs) as store:
        write_site(store, tmp_path / "site")
    line = _line((tmp_path / "site" / "region" / "620923.html").read_text(encoding="utf-8"))
    assert "<script>" not in line
    assert '<span lang="en">&lt;script&gt;alert(1)&lt;/script&gt;</span>' in line
