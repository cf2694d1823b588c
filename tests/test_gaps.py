"""The gap report on the bundled data: what researchers rely on it to say."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest

import policygraph
from policygraph import Inputs
from policygraph.gaps import GapReport, find_gaps
from policygraph.pipeline import build_store, open_store
from policygraph.queries import run_query
from policygraph.reports.gapreport import render
from policygraph.store.base import GraphStore

from .conftest import SEED, Invoke

FIVE_STUDIED = {"620525", "620623", "620721", "620923", "620924"}
FOUR_WITHOUT_POLICY = {"620923", "620623", "620924", "620525"}
GANSU_DEDICATED = {
    "assistance": {"甘政办发〔2021〕117号", "甘医保发〔2021〕54号"},
    "insurance": {"甘政办发〔2021〕117号", "甘医保发〔2021〕54号"},
    "commercial": {"甘政办发〔2015〕80号", "甘政办发〔2018〕162号", "甘政办发〔2021〕117号"},
}
PARENTS = {"620923": "620900", "620924": "620900", "620623": "620600", "620525": "620500"}


@pytest.fixture(scope="module")
def store(bundled_store: str) -> GraphStore:
    return open_store(bundled_store, Inputs.resolve())


@pytest.fixture(scope="module")
def autonomous(store: GraphStore) -> GapReport:
    return find_gaps(store, autonomous=True, within="620000")


def test_four_of_the_five_studied_counties_have_no_dedicated_policy(store: GraphStore) -> None:
    rows = run_query(
        store, "gaps/no-dedicated-policy", {"autonomous": "true", "within": "620000"}
    ).dicts()
    studied = {str(r["code"]) for r in rows if str(r["surveyed"]) == "true"}
    assert studied == FOUR_WITHOUT_POLICY  # not Sunan, which has its own pension plan
    assert FOUR_WITHOUT_POLICY < FIVE_STUDIED


def test_the_graph_agrees_with_the_seeds_four_county_claim(store: GraphStore) -> None:
    rows = run_query(store, "gaps/claims", {"source": "s0"}).dicts()
    claim = [r for r in rows if str(r["id"]) == "s0/2"]
    assert {str(r["code"]) for r in claim} == FOUR_WITHOUT_POLICY
    assert {str(r["verdict"]) for r in claim} == {"agrees"}


def test_each_of_the_four_falls_back_on_its_province_and_names_its_parent(
    autonomous: GapReport,
) -> None:
    cells = [g for g in autonomous.gaps if g.code in FOUR_WITHOUT_POLICY]
    assert len(cells) == 12
    for gap in cells:
        assert gap.status == "inherited" and not gap.evidence
        assert {d.holder for d in gap.fallback} == {"620000"}
        assert {d.number for d in gap.fallback} == GANSU_DEDICATED[gap.tier]
        assert gap.parent == PARENTS[gap.code]


def test_sunan_follows_its_parent_citys_plan(store: GraphStore) -> None:
    rows = run_query(store, "gaps/provision", {"autonomous": "true", "tier": "insurance"}).dicts()
    followed = [
        r for r in rows if str(r["code"]) == "620721" and str(r["relation"]) == "relevant-for"
    ]
    assert [str(r["holderCode"]) for r in followed] == ["620700"]


def test_six_of_seven_autonomous_counties_and_two_unsurveyed(autonomous: GapReport) -> None:
    without_own = {
        code
        for code in autonomous.regions
        if all(g.status != "own" for g in autonomous.gaps if g.code == code)
    }
    assert without_own == FOUR_WITHOUT_POLICY | {"622926", "622927"}
    unsurveyed = {g.code for g in autonomous.gaps if not g.surveyed}
    assert unsurveyed == {"622926", "622927"}  # Dongxiang and Jishishan


def test_the_commercial_pension_claim_is_about_provision_which_every_ethnic_area_inherits(
    store: GraphStore,
) -> None:
    """S0's 'commercial pension insurance system is basically missing' (l.101) is read as
    insufficient provision, like s0/3: S0 itself reports Gansu's dedicated commercial-pension
    opinions (l.57), on which the counties of the ethnic areas fall back (those of Gannan on the
    nearer Gannan plan, which names enterprise annuities and commercial insurance, l.73)."""
    members = {
        str(r["code"])
        for r in run_query(store, "gaps/claims", {"source": "s0"}).dicts()
        if str(r["id"]) == "s0/4"
    }
    assert len(members) == 21
    report = find_gaps(store, tier="commercial", domain="pension", within="620000")
    cells = {g.code: g for g in report.gaps if g.code in members}
    assert set(cells) == members
    assert {g.status for g in cells.values()} == {"inherited"}
    fallback = {code: {d.number for d in g.fallback} for code, g in cells.items()}
    for code, numbers in fallback.items():
        expected = "州政办发〔2017〕41号" if code.startswith("6230") else "甘政办发〔2018〕162号"
        assert numbers == {expected}, code
    verdicts = {c.verdict for g in cells.values() for c in g.claims if c.id == "s0/4"}
    assert verdicts == {"not-checkable"}


def test_every_status_is_one_of_four_and_every_cell_has_three_tiers(autonomous: GapReport) -> None:
    assert {g.status for g in autonomous.gaps} <= {"own", "general-only", "inherited", "none"}
    assert len(autonomous.gaps) == 3 * len(autonomous.regions) == 21


def test_the_report_is_the_same_on_the_memory_store(autonomous: GapReport, tmp_path: Path) -> None:
    # rdflib's store is compared on the seed data alone (the national backbone takes minutes).
    directory = tmp_path / "seed"
    assert build_store(f"oxigraph:{directory}", SEED).written
    seed = find_gaps(open_store(f"oxigraph:{directory}", SEED), autonomous=True, within="620000")
    memory = open_store("memory", SEED)
    assert find_gaps(memory, autonomous=True, within="620000") == seed
    # The national backbone adds population, and changes no status of the seed's regions.
    assert [replace(g, population=None) for g in autonomous.gaps] == seed.gaps


def test_a_report_from_the_gap_table_asks_the_store_nothing(store: GraphStore) -> None:
    # Every parameter of a report (a name for --within among them) is checked against the
    # build's table: a report does not open the store, and a bad value is still refused.
    expected = find_gaps(store, tier="commercial", within="肃南", level=("county",))
    asked = mock.patch.object(type(store), "query", side_effect=AssertionError("store queried"))
    with asked, mock.patch.object(type(store), "select", side_effect=AssertionError("selected")):
        again = find_gaps(store, tier="commercial", within="肃南", level=("county",))
        assert again == expected and [g.code for g in again.gaps] == ["620721"]
        assert find_gaps(store, as_of=2014, within="620000", domain="medical").gaps
        with pytest.raises(policygraph.QueryError, match="no such tier; use one of assistance"):
            find_gaps(store, tier="comercial")
        with pytest.raises(policygraph.QueryError, match="no such region"):
            find_gaps(store, within="629999")


_NO_RDFLIB = """
import json, sys
from policygraph.cli import cli
for args in sys.argv[2:]:
    try:
        cli(["--store", sys.argv[1], "gaps", "--format", "json", *args.split()], prog_name="pg")
    except SystemExit as exit:
        assert exit.code == 0, (args, exit.code)
assert "rdflib" not in sys.modules, "rdflib was imported"
"""


def test_a_report_from_the_gap_table_imports_no_rdflib(bundled_store: str) -> None:
    # Importing rdflib alone takes a tenth of a second, a fifth of the national report's 0.5 s
    # budget: the command line, the overview, the checks of its options and a status as of a
    # year all come from the gap table without it.
    runs = [
        "",
        "--as-of 2014 --within 620000 --level provincial --tier commercial",
        "--all --as-of 2012",
    ]
    result = subprocess.run(
        [sys.executable, "-c", _NO_RDFLIB, bundled_store, *runs],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Three indented JSON documents, each closed by a "}" line.
    reports = [json.loads(part + "\n}") for part in result.stdout.split("\n}\n")[:-1]]
    assert len(reports) == 3
    assert reports[0]["provinces"]["620000"]["label"] == "Gansu Province"
    assert reports[0]["provinces"]["620000"]["label_zh"] == "甘肃省"
    gansu = next(r for r in reports[1]["regions"] if r["code"] == "620000")
    assert [c["status"] for c in gansu["cells"]] == ["inherited"]  # own only from 2015


def test_status_filter(store: GraphStore) -> None:
    report = find_gaps(store, status="own", within="620000")
    assert [(g.code, g.tier) for g in report.gaps] == [("620721", "insurance")]


def test_text_report_groups_by_region_and_ends_with_summary_and_disagreements(
    invoke: Invoke,
) -> None:
    result = invoke("gaps", "--autonomous", "--within", "620000", "--level", "county")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("622926  Dongxiang Autonomous County  东乡族自治县  [NOT SURVEYED")
        for line in lines
    )
    summary = next(i for i, line in enumerate(lines) if re.match(r"\d+ regions \(", line))
    assert lines[summary] == (
        "7 regions (5 surveyed, 2 not), 21 cells: own 1 · general-only 0 · inherited 20 · none 0"
    )
    assert lines[summary + 1] == "Claims the graph disagrees with:"
    assert "s0/1" in lines[summary + 2] and "620721" in lines[summary + 2]


def test_json_report_has_a_stable_schema(invoke: Invoke) -> None:
    result = invoke(
        "gaps", "--autonomous", "--within", "620000", "--level", "county", "--format", "json"
    )
    data = json.loads(result.stdout)
    assert data["schema"] == "policygraph/gaps/1"
    assert set(data) == {"schema", "statuses", "filters", "summary", "regions"}
    assert data["summary"]["by_status"] == {"own": 1, "general-only": 0, "inherited": 20, "none": 0}
    region = data["regions"][0]
    assert set(region) == {"iri", "code", "label", "label_zh", "surveyed", "population", "cells"}
    assert (region["label"], region["label_zh"]) == (
        "Zhangjiachuan Hui Autonomous County",
        "张家川回族自治县",
    )
    assert set(region["cells"][0]) == {"tier", "status", "evidence", "fallback", "claims"}


def test_csv_report_has_one_row_per_cell(invoke: Invoke) -> None:
    result = invoke("gaps", "--within", "620000", "--tier", "commercial", "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "code,region,region_zh,parent,parent_label,autonomous,tier,status,surveyed,population,"
        "evidence,fallback,fallback_numbers,fallback_titles,claims,iri"
    )
    assert len(lines) == 1 + 86  # every county-level unit of Gansu, surveyed or not
    seed = invoke(
        "gaps", "--within", "620000", "--tier", "commercial", "--format", "csv", seed=True
    )
    assert len(seed.stdout.splitlines()) == 1 + 21  # the seed's own: S0's 21 units


def test_markdown_report(invoke: Invoke) -> None:
    result = invoke("gaps", "--autonomous", "--format", "md")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| province | regions | surveyed | population | own |")
    assert "| 620000 Gansu Province 甘肃省 | 9 | " in result.stdout  # 7 counties, 2 prefectures
    header = "| code | region | surveyed | population | assistance | insurance | commercial |"
    assert header in lines
    seed = invoke("gaps", "--autonomous", "--format", "md", seed=True).stdout
    assert seed.startswith(header)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and re.match(r"(https?:)?//", value):
                self.external.append(value)


def test_html_report_is_one_self_contained_escaped_page(invoke: Invoke, data_copy: Path) -> None:
    rows = (data_copy / "claims.csv").read_text(encoding="utf-8")
    (data_copy / "claims.csv").write_text(
        rows.replace("Subei, Tianzhu, Aksai", "<script>alert(1)</script> Subei, Tianzhu, Aksai"),
        encoding="utf-8",
    )
    result = invoke("gaps", "--autonomous", "--format", "html", data=data_copy)
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parser = _Links()
    parser.feed(page)
    assert parser.external == []


def test_unknown_filter_values_are_one_line_listing_the_valid_ones(invoke: Invoke) -> None:
    for args, expect in (
        (["--within", "629999"], "Error: --within 629999: no such region"),
        (
            ["--tier", "comercial"],
            "Error: --tier comercial: no such tier; use one of assistance, commercial, insurance",
        ),
        (
            ["--domain", "pensions"],
            "Error: --domain pensions: no such domain; use one of elderly-care, general, "
            "maternity, medical, minimum-living, pension, unemployment, work-injury",
        ),
        (
            ["--level", "town"],
            "Error: --level town: no such level; use one of county, national, prefectural, "
            "provincial",
        ),
    ):
        result = invoke("gaps", *args)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and result.stderr.startswith(expect)


def test_render_covers_every_format(autonomous: GapReport) -> None:
    for fmt in ("text", "md", "csv", "json", "html"):
        assert render(autonomous, fmt)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"tier": "commercial", "within": "620000"},
        {"domain": "pension"},
        {"domain": "medical", "tier": "insurance", "autonomous": True},
        {"level": "prefectural"},
        {"level": "provincial", "status": "inherited"},
        {"status": "none", "domain": "unemployment"},
        {"within": "620900", "autonomous": True},
        {"within": "620923"},
        {"within": "620900", "level": ["prefectural", "county"]},
    ],
)
def test_the_gap_table_says_what_the_named_queries_say(
    store: GraphStore, filters: dict[str, object]
) -> None:
    """A local store answers from the gap table the build wrote; a SPARQL endpoint from the
    named queries: the same report, cell by cell, document by document."""
    assert store.gap_table() is not None
    from_table = find_gaps(store, **filters)  # type: ignore[arg-type]
    with mock.patch.object(store, "gap_table", return_value=None):
        from_queries = find_gaps(store, **filters)  # type: ignore[arg-type]
    assert from_table.gaps, "the filters should select some cells"
    assert from_table == from_queries


def test_within_a_region_includes_the_region_itself(invoke: Invoke, store: GraphStore) -> None:
    """Regression: "within" meant strictly below, so `gaps --within 620923` (a county) listed
    nothing and `--within 620900 --level prefectural` left out Jiuquan itself."""
    subei = find_gaps(store, within="620923")
    assert [(g.code, g.tier) for g in subei.gaps] == [
        ("620923", "assistance"),
        ("620923", "insurance"),
        ("620923", "commercial"),
    ]
    jiuquan = find_gaps(store, within="620900", level=["prefectural", "county"])
    assert {g.code for g in jiuquan.gaps} >= {"620900", "620923", "620924"}
    seed = find_gaps(open_store("memory", SEED), within="620923")
    assert [g.code for g in seed.gaps] == ["620923"] * 3
    for name, params in (
        ("gaps/no-dedicated-policy", {"within": "620923"}),
        ("gaps/coverage-matrix", {"within": "620923"}),
        ("gaps/provision", {"within": "620923"}),
        ("lookup/regions", {"within": "620900"}),
    ):
        codes = {str(r["code"]) for r in run_query(store, name, params).dicts()}
        assert params["within"] in codes, name
    result = invoke("gaps", "--within", "620923")
    assert "3 cells" in result.stdout and "620923  Subei Mongol Autonomous County" in result.stdout


def test_a_tier_or_region_given_as_an_iri_selects_the_same_cells(store: GraphStore) -> None:
    by_code = find_gaps(store, tier="commercial", within="620000")
    by_iri = find_gaps(
        store,
        tier="https://w3id.org/policygraph/id/tier/commercial",
        within="https://w3id.org/policygraph/id/region/620000",
    )
    assert by_code.gaps and by_iri.gaps == by_code.gaps


def test_the_csv_report_names_the_region_its_parent_and_its_fallback_documents(
    invoke: Invoke,
) -> None:
    result = invoke("gaps", "--within", "620923", "--tier", "commercial", "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert row["region"] == "Subei Mongol Autonomous County"
    assert row["region_zh"] == "肃北蒙古族自治县"
    assert (row["parent"], row["parent_label"], row["autonomous"]) == (
        "620900",
        "Jiuquan City",
        "true",
    )
    assert row["fallback_numbers"].split("; ") == [
        "甘政办发〔2015〕80号",
        "甘政办发〔2018〕162号",
        "甘政办发〔2021〕117号",
    ]
    titles = row["fallback_titles"].split("; ")
    assert len(titles) == 3 and all(titles)
    assert len(row["fallback"].split(";")) == 3  # the IRIs, beside them
    county = invoke("gaps", "--within", "620902", "--tier", "commercial", "--format", "csv")
    assert next(csv.DictReader(io.StringIO(county.stdout)))["autonomous"] == "false"


def test_one_region_is_not_one_regions(invoke: Invoke) -> None:
    lines = invoke("gaps", "--within", "肃北").stdout.splitlines()
    assert lines[2] == "620923  Subei Mongol Autonomous County  肃北蒙古族自治县  [surveyed]  " + (
        "population 15,093"
    )
    assert "1 region (1 surveyed, 0 not), 3 cells: " in lines[-2]


def test_the_province_table_lines_up_with_chinese_names(invoke: Invoke) -> None:
    from policygraph.reports.textwidth import width

    lines = invoke("gaps").stdout.splitlines()
    start = lines.index("By province (every matching cell; not surveyed is not no policy):")
    table = lines[start + 1 : lines.index("", start)]
    assert any("620000 Gansu Province 甘肃省" in line for line in table)
    assert (
        len(table) == 1 + 31
    )  # a header and the provincial units with counties (not HK, Macao, Taiwan)
    # Every cell after the name is of fixed width: lines of one width in terminal columns (a
    # Chinese character takes two) are lines whose columns line up.
    assert len({width(line) for line in table}) == 1
    assert len({len(line) for line in table}) > 1  # counted in characters, they differ
