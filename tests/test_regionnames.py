"""Regions by name: wherever a region code is taken, a name is too; `policygraph regions` finds
them. On the bundled data, national backbone included (its short names and pinyin)."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from unittest import mock

import pytest

from policygraph import Inputs
from policygraph.gaps import find_gaps
from policygraph.gaptable import GapTable
from policygraph.pipeline import open_store
from policygraph.queries import region_code, region_names
from policygraph.regionnames import RegionInfo, RegionNames, name_key, resolve_name
from policygraph.store.base import GraphStore

from .conftest import Invoke

SUBEI = "620923"
SUBEI_NAMES = [
    "620923",
    "肃北蒙古族自治县",  # the Chinese name
    "肃北",  # the short name (AreaCity)
    "Subei Mongol Autonomous County",  # the English name
    "subei mongol autonomous county",
    "Subei",  # pinyin, as written
    "subei",
    "Su Bei",  # pinyin, as listed (su bei)
    "SU BEI",
    "Su Bei Mongolian Autonomous County",  # an alias the seed paper prints
    "https://w3id.org/policygraph/id/region/620923",
]


@pytest.fixture(scope="module")
def store(bundled_store: str) -> GraphStore:
    return open_store(bundled_store, Inputs.resolve())


def _codes(csv_text: str) -> list[str]:
    return [row["code"] for row in csv.DictReader(io.StringIO(csv_text))]


@pytest.mark.parametrize("name", SUBEI_NAMES)
def test_gaps_within_a_region_by_any_of_its_names(invoke: Invoke, name: str) -> None:
    result = invoke("gaps", "--within", name, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert _codes(result.stdout) == [SUBEI] * 3  # Subei's three cells, one per tier


def test_the_report_names_the_code_a_name_resolved_to(invoke: Invoke) -> None:
    result = invoke("gaps", "--within", "肃北")
    assert result.stdout.startswith("Gap report (level county · within 620923)")


@pytest.mark.parametrize("name", ["甘肃省", "甘肃", "Gansu", "gansu province", "Gan Su"])
def test_a_province_by_name_gives_what_its_code_gives(invoke: Invoke, name: str) -> None:
    by_code = invoke("gaps", "--within", "620000", "--tier", "commercial", "--format", "csv")
    by_name = invoke("gaps", "--within", name, "--tier", "commercial", "--format", "csv")
    assert by_name.exit_code == 0, by_name.stderr
    assert by_name.stdout == by_code.stdout and len(_codes(by_code.stdout)) == 86


def test_an_ambiguous_name_is_refused_in_one_line_listing_the_regions(invoke: Invoke) -> None:
    result = invoke("gaps", "--within", "Chaoyang")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    line = result.stderr
    assert line.startswith("Error: --within Chaoyang: 4 regions have this name: ")
    for code, name in (("110105", "朝阳区"), ("211300", "朝阳市"), ("220104", "朝阳区")):
        assert f"{code} {name}" in line
    assert "440513 潮阳区" in line  # another 阳, the same pinyin
    assert "give the code of one" in line


def test_an_unknown_name_is_refused_in_one_line_with_the_closest(invoke: Invoke) -> None:
    for typed in ("Subie", "肃比"):
        result = invoke("gaps", "--within", typed)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith(f"Error: --within {typed}: no region has this name; ")
        assert "closest: 620923 肃北蒙古族自治县 Subei Mongol Autonomous County" in result.stderr
    nothing = invoke("gaps", "--within", "xyzzy")
    assert nothing.exit_code == 2 and nothing.stderr.count("\n") == 1
    assert "no region has this name or one close to it" in nothing.stderr


def test_a_code_that_is_not_one_keeps_its_message(invoke: Invoke) -> None:
    result = invoke("gaps", "--within", "62092")
    assert result.exit_code == 2
    assert "a region code is six digits" in result.stderr


def test_query_params_take_names(invoke: Invoke) -> None:
    result = invoke(
        "query", "gaps/no-dedicated-policy", "--param", "within=Gansu",
        "--param", "autonomous=true", "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert SUBEI in _codes(result.stdout) and len(_codes(result.stdout)) == 6
    documents = invoke(
        "query", "lookup/documents", "--param", "region=Sunan", "--format", "csv"
    ).stdout
    assert "sunan-residents-pension-plan" in documents
    refused = invoke("query", "lookup/regions", "--param", "within=Chaoyang")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("Error: lookup/regions: --param within=Chaoyang: 4 regions")


def test_viz_takes_names(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    by_name = invoke("viz", "--within", "肃北", "-o", str(out))
    by_code = invoke("viz", "--within", SUBEI, "-o", str(out))
    assert by_name.exit_code == 0, by_name.stderr
    assert by_name.stdout == by_code.stdout
    focus = invoke("viz", "--focus", "Subei", "-o", str(out))
    assert focus.exit_code == 0, focus.stderr
    assert focus.stdout == invoke("viz", "--focus", SUBEI, "-o", str(out)).stdout
    refused = invoke("viz", "--focus", "Chaoyang", "-o", str(out))
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("Error: --focus Chaoyang: 4 regions have this name")


def test_a_store_without_a_gap_table_resolves_names_from_its_labels(invoke: Invoke) -> None:
    """A SPARQL endpoint has no gap table: the names come from one SELECT over its labels
    (here rdflib's store, on the seed, whose aliases hold the paper's spellings, with its table
    hidden)."""
    seed = open_store("memory", Inputs.resolve(national=False))
    with mock.patch.object(seed, "gap_table", return_value=None):
        assert isinstance(region_names(seed), RegionNames)
        assert region_code(seed, "肃北蒙古族自治县", option="--within") == SUBEI
        assert region_code(seed, "Su Bei Mongol Autonomous County", option="--within") == SUBEI
        report = find_gaps(seed, within="Su Bei Mongol Autonomous County")
    assert [g.code for g in report.gaps] == [SUBEI] * 3


def test_a_local_store_resolves_a_name_with_one_indexed_lookup(store: GraphStore) -> None:
    names = region_names(store)
    assert isinstance(names, GapTable)
    started = time.perf_counter()
    for _ in range(100):
        assert resolve_name(names, "Subei").code == SUBEI
    assert (time.perf_counter() - started) / 100 < 0.01  # measured: about 0.01 ms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Su Bei", "subei"),
        ("Lüliang", "lv liang"),
        ("Xi'an", "xian"),
        ("\uff33\uff55\uff22\uff45\uff49", "Subei"),
    ],
)
def test_names_compare_without_case_spaces_or_marks(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_a_preferred_name_wins_over_a_short_name() -> None:
    city = RegionInfo("220200", "吉林市", "Jilin City", "prefectural", "prefecture-level-city")
    province = RegionInfo("220000", "吉林省", "Jilin Province", "provincial", "province")
    names = RegionNames([city, province], [("220200", "吉林市", 1), ("220000", "吉林市", 2)])
    assert resolve_name(names, "吉林市") == city


def _regions(invoke: Invoke, *args: str) -> list[dict[str, str]]:
    result = invoke("regions", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, str]] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize("query", ["subei", "SUBEI", "Su Bei", "肃北", "肃北蒙古族自治县"])
def test_regions_finds_a_region_by_any_name_first(invoke: Invoke, query: str) -> None:
    first = _regions(invoke, query)[0]
    assert first == {
        "code": SUBEI,
        "label_zh": "肃北蒙古族自治县",
        "label_en": "Subei Mongol Autonomous County",
        "level": "county",
        "division_type": "autonomous-county",
        "parent": "620900",
        "parent_zh": "酒泉市",
        "parent_en": "Jiuquan City",
    }


def test_regions_ranks_exact_then_prefix_then_substring_then_close(invoke: Invoke) -> None:
    codes = [r["code"] for r in _regions(invoke, "chaoyang", "--limit", "50")]
    exact = {"211300", "110105", "220104", "440513"}
    assert set(codes[:4]) == exact
    assert codes[:4][0] == "211300"  # the prefecture before the districts
    assert codes.index("211321") > 3  # 朝阳县, Chaoyang County: a name that starts so
    assert _regions(invoke, "Subie")[0]["code"] == SUBEI  # no name holds it: a close one
    assert [r["code"] for r in _regions(invoke, "6209", "--limit", "3")] == [
        "620900",
        "620902",
        "620921",
    ]


def test_regions_text_csv_and_limit(invoke: Invoke) -> None:
    text = invoke("regions", "朝阳", "--limit", "3")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["code", "name", "English", "name", "level", "division", "type",
                                "parent"]  # fmt: skip
    assert lines[2].startswith("211300  朝阳市  Chaoyang City      prefectural  ")
    assert lines[2].endswith("210000 辽宁省 Liaoning Province")
    assert lines[-1] == "(3 regions)"
    table = invoke("regions", "Subei", "--format", "csv", "--limit", "1").stdout
    assert table.splitlines() == [
        "code,label_zh,label_en,level,division_type,parent,parent_zh,parent_en",
        "620923,肃北蒙古族自治县,Subei Mongol Autonomous County,county,autonomous-county,620900,"
        "酒泉市,Jiuquan City",
    ]
    nothing = invoke("regions", "xyzzy")
    assert nothing.exit_code == 0 and nothing.stdout == ""
    assert nothing.stderr == "no region has a name like 'xyzzy'\n"
