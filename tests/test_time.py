"""Gaps through time on the bundled data: validity in the graph, the status as of a year."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from unittest import mock

import pytest

from policygraph import Inputs
from policygraph.api import PolicyGraph
from policygraph.gaps import Gap, GapReport, find_gaps
from policygraph.pipeline import build_store, open_store
from policygraph.queries import run_query
from policygraph.reports.language import english
from policygraph.reports.sitetime import GapYears, Listing, YearBlock
from policygraph.store.base import GraphStore
from policygraph.timeline import Timeline, region_timeline

from .conftest import BUNDLED, Invoke, append_row

LEVELS = ("national", "provincial", "prefectural", "county")


@pytest.fixture(scope="module")
def store(bundled_store: str) -> GraphStore:
    return open_store(bundled_store, Inputs.resolve())


def cell(report: GapReport, code: str, tier: str) -> Gap:
    (found,) = [g for g in report.gaps if g.code == code and g.tier == tier]
    return found


def numbers(gap: Gap, which: str = "fallback") -> set[str]:
    return {d.short for d in getattr(gap, which)}


def test_documents_carry_their_entry_into_force_from_their_date_or_year(
    store: GraphStore,
) -> None:
    rows = store.select(
        """PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?number ?from WHERE {
          ?d eli:id_local ?number ; eli:first_date_entry_in_force ?from }"""
    )
    found = {str(number): (str(when), str(when.datatype)) for number, when in rows}
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert found["甘政办发〔2015〕80号"] == ("2015", f"{xsd}gYear")
    assert found["甘政办发〔2021〕117号"] == ("2021-12-30", f"{xsd}date")
    # S0 §1.4 ¶2 (l.51): "the implementation of the Measures for Corporate Pensions in
    # February 2018": the one entry into force a source states.
    assert found["人力资源社会保障部 财政部令第36号"] == ("2018-02", f"{xsd}gYearMonth")
    undated = store.select(
        """PREFIX eli: <http://data.europa.eu/eli/ontology#>
        PREFIX pg: <https://w3id.org/policygraph/def#>
        SELECT ?d WHERE { ?d a pg:PolicyDocument .
          OPTIONAL { ?d eli:first_date_entry_in_force ?from } FILTER(!BOUND(?from)) }"""
    )
    # The two documents no source dates: they count in no year's status.
    assert sorted(str(d).rsplit("/", 1)[1] for (d,) in undated) == [
        "basic-old-age-service-standards",
        "zhangye-medical-insurance-integration-plan",
    ]


def test_sunans_insurance_tier_is_own_from_2014_and_not_before(store: GraphStore) -> None:
    before = cell(find_gaps(store, within="620721", as_of=2013), "620721", "insurance")
    then = cell(find_gaps(store, within="620721", as_of=2014), "620721", "insurance")
    assert before.status == "inherited"
    assert before.evidence == ()
    assert then.status == "own"
    assert [d.iri.rsplit("/", 1)[1] for d in then.evidence] == ["sunan-residents-pension-plan"]
    today = cell(find_gaps(store, within="620721"), "620721", "insurance")
    assert today.status == "own"


def test_gansus_commercial_tier_is_own_from_2015_and_inherited_from_the_nation_in_2014(
    store: GraphStore,
) -> None:
    def gansu(year: int) -> Gap:
        report = find_gaps(store, level="provincial", within="620000", as_of=year)
        return cell(report, "620000", "commercial")

    before, then = gansu(2014), gansu(2015)
    assert before.status == "inherited"
    assert numbers(before) == {"国发〔1991〕33号"}
    assert {d.holder for d in before.fallback} == {"CN"}
    assert then.status == "own"
    assert numbers(then, "evidence") == {"甘政办发〔2015〕80号"}
    # 2018's opinions join the evidence in their year.
    assert numbers(gansu(2018), "evidence") == {"甘政办发〔2015〕80号", "甘政办发〔2018〕162号"}


def test_a_region_whose_code_was_not_yet_in_use_is_left_out(store: GraphStore) -> None:
    # 620721 replaced 622222 in 2002, when Zhangye prefecture became a prefecture-level city.
    assert find_gaps(store, within="620700", as_of=2001).gaps == []
    assert "620721" in find_gaps(store, within="620700", as_of=2002).regions

    def prefectures(year: int) -> list[str]:
        return find_gaps(store, level="prefectural", within="620000", as_of=year).regions

    assert "620400" not in prefectures(1984)  # Baiyin, a prefecture-level city since 1985
    assert "620400" in prefectures(1985)


def test_as_of_a_recent_year_differs_from_today_only_where_an_undated_document_counts(
    store: GraphStore,
) -> None:
    """The same definitions, evidence and fall-backs: as of 2026 every document with a year is
    in force, so a cell can differ from today's only through one of the two undated ones."""
    today = find_gaps(store, level=LEVELS)
    recent = find_gaps(store, level=LEVELS, as_of=2026)
    assert len(today.gaps) == len(recent.gaps) > 9_000
    differing = [(a, b) for a, b in zip(today.gaps, recent.gaps, strict=True) if a != b]
    assert differing  # Sunan follows Zhangye's undated plan
    for now, then in differing:
        assert (now.code, now.tier) == (then.code, then.tier)
        shown = {d.iri for d in (*now.evidence, *now.fallback)} - {
            d.iri for d in (*then.evidence, *then.fallback)
        }
        assert any("/undated/" in iri for iri in shown) or now.fallback_rest > then.fallback_rest


def test_gaps_as_of_on_the_command_line_names_the_year_and_the_assumption(invoke: Invoke) -> None:
    result = invoke("gaps", "--level", "provincial", "--within", "620000", "--as-of", "2014")
    assert result.exit_code == 0, result.stderr
    assert "As of 2014: documents are taken to be in force from their year" in result.stdout
    assert "commercial  inherited     falls back on China (CN): 国发〔1991〕33号" in result.stdout
    data = json.loads(
        invoke("gaps", "--within", "620000", "--as-of", "2014", "--format", "json").stdout
    )
    assert data["filters"]["as_of"] == "2014"
    assert "assumption" in data["filters"]
    markdown = invoke("gaps", "--within", "620000", "--as-of", "2014", "--format", "md").stdout
    assert markdown.startswith("As of 2014: documents are taken to be in force from their year")


def test_a_bad_year_is_one_line_and_exit_2(invoke: Invoke) -> None:
    result = invoke("gaps", "--as-of", "20x4")
    assert result.exit_code == 2
    assert "--as-of" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_python_api_takes_as_of_and_gives_timelines(store: GraphStore) -> None:
    graph = PolicyGraph(store, "bundled", Inputs.resolve())
    report = graph.gaps(level="provincial", within="甘肃", as_of=2014)
    assert cell(report, "620000", "commercial").status == "inherited"
    timeline = graph.timeline("肃南")
    assert [(c.year, c.status) for c in timeline.tiers["insurance"]] == [
        (2002, "inherited"),
        (2014, "own"),
    ]


def changes(timeline: Timeline, tier: str) -> list[tuple[int, str, set[str]]]:
    return [(c.year, c.status, {d.short for d in c.entered}) for c in timeline.tiers[tier]]


def test_gansus_timeline_names_the_years_and_documents_that_changed_each_tier(
    store: GraphStore,
) -> None:
    timeline = region_timeline(store, "甘肃")
    assert timeline.code == "620000"
    assert changes(timeline, "commercial") == [
        (1981, "none", set()),
        (1991, "inherited", {"国发〔1991〕33号"}),
        (2015, "own", {"甘政办发〔2015〕80号"}),
    ]
    assert changes(timeline, "insurance")[-1] == (
        2021,
        "own",
        {"甘政办发〔2021〕117号", "甘医保发〔2021〕54号"},
    )
    assert timeline.today == {"assistance": "own", "insurance": "own", "commercial": "own"}


def test_sunans_timeline_starts_with_its_code_and_leaves_the_undated_plan_out_of_every_year(
    store: GraphStore,
) -> None:
    timeline = region_timeline(store, "620721")
    assert timeline.since == 2002
    [(first, status, on), (year, now, entered)] = changes(timeline, "insurance")
    assert (first, status, on) == (2002, "inherited", {"国发〔1991〕33号"})
    assert (year, now) == (2014, "own")
    assert [title.split(" in ")[-1] for title in entered] == ["Sunan Yugur Autonomous County"]
    assert [d.iri.rsplit("/", 1)[1] for d in timeline.undated] == [
        "zhangye-medical-insurance-integration-plan"
    ]


def test_timeline_on_the_command_line_in_text_and_json(invoke: Invoke) -> None:
    text = invoke("timeline", "Gansu")
    assert text.exit_code == 0, text.stderr
    assert "  2015  own           (was inherited)  + 甘政办发〔2015〕80号 (Gansu Province)" in (
        text.stdout
    )
    assert "Assumption: documents are taken to be in force" in text.stdout
    data = json.loads(invoke("timeline", "620000", "--format", "json").stdout)
    assert data["schema"] == "policygraph/timeline/1"
    commercial = data["tiers"]["commercial"]["changes"]
    assert [(c["year"], c["status"], c["before"]) for c in commercial] == [
        (1981, "none", None),
        (1991, "inherited", "none"),
        (2015, "own", "inherited"),
    ]
    assert commercial[2]["entered"][0]["number"] == "甘政办发〔2015〕80号"


@pytest.mark.parametrize(
    ("args", "where"),
    [(("999999",), "REGION"), (("620000", "--domain", "pensions"), "--domain")],
)
def test_a_bad_timeline_region_or_domain_is_one_line_and_exit_2(
    invoke: Invoke, args: tuple[str, ...], where: str
) -> None:
    result = invoke("timeline", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {where}")
    assert len(result.stderr.splitlines()) == 1


GANSU_2021 = ("gansu-14th-fyp-medical-security-plan", "medical-security-rural-revitalization-plan")
GANSU_2021_NUMBERS = {"甘政办发〔2021〕117号", "甘医保发〔2021〕54号"}


def _drop_rows(path: Path, column: str, values: set[str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, [r for r in reader if r[column] not in values]
    assert header is not None
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def without_2021(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The bundled data (national backbone included) without Gansu's two 2021 medical-security
    documents, and its store."""
    data = tmp_path_factory.mktemp("without") / "data"
    shutil.copytree(BUNDLED, data)
    _drop_rows(data / "documents.csv", "id", set(GANSU_2021))
    for name in ("aliases.csv", "notes.csv"):
        _drop_rows(data / name, "subject", {f"document:{d}" for d in GANSU_2021})
    spec = f"oxigraph:{data.parent / 'store'}"
    assert build_store(spec, Inputs.resolve(data)).written
    return data, spec


def test_compare_lists_gansus_two_tiers_and_every_cell_whose_fallback_changes_and_nothing_else(
    invoke: Invoke, bundled_store: str, store: GraphStore, without_2021: tuple[Path, str]
) -> None:
    data, spec = without_2021
    levels = [arg for level in LEVELS for arg in ("--level", level)]
    result = invoke(
        "gaps",
        *levels,
        "--compare",
        bundled_store.removeprefix("oxigraph:"),
        "--format",
        "json",
        store=spec,
        data=data,
    )
    assert result.exit_code == 1, result.stderr
    found = json.loads(result.stdout)
    changes = {(c["code"], c["tier"]): c for c in found["changes"]}
    # Expected from the bundled report alone: the two tiers Gansu's own documents were, and
    # every cell that fell back on one of them.
    before = find_gaps(store, level=LEVELS)
    expected = {("620000", "assistance"), ("620000", "insurance")} | {
        (g.code, g.tier) for g in before.gaps if numbers(g) & GANSU_2021_NUMBERS
    }
    assert set(changes) == expected
    assert len(expected) > 200
    for tier in ("assistance", "insurance"):
        gansu = changes["620000", tier]
        assert (gansu["kind"], gansu["before"], gansu["after"]) == ("status", "own", "inherited")
        assert {d["short"] for d in gansu["removed"]} == GANSU_2021_NUMBERS
    for key, change in changes.items():
        if key[0] != "620000":
            assert change["kind"] == "fallback"
            assert {d["short"] for d in change["removed"]} <= GANSU_2021_NUMBERS
    assert found["summary"]["status"] == 2


def test_compare_with_an_earlier_json_report_exits_0_when_nothing_changed(
    invoke: Invoke, tmp_path: Path
) -> None:
    old = tmp_path / "old.json"
    old.write_text(invoke("gaps", "--within", "620000", "--format", "json").stdout)
    same = invoke("gaps", "--within", "620000", "--compare", str(old))
    assert same.exit_code == 0, same.stderr
    assert "Nothing changed." in same.stdout
    other = invoke("gaps", "--within", "620900", "--compare", str(old))
    assert other.exit_code == 2
    assert other.stderr.startswith(f"Error: {old}: the old report was made with --within 620000")


def test_compare_errors_exit_2_not_1(invoke: Invoke, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": ', encoding="utf-8")
    result = invoke("gaps", "--compare", str(broken))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {broken}:1:")
    (tmp_path / "empty").mkdir()
    assert invoke("gaps", "--compare", str(tmp_path / "empty")).exit_code == 2
    assert invoke("gaps", "--compare", str(broken), "--format", "csv").exit_code == 2


def test_a_claim_is_checked_as_of_its_sources_year_and_both_verdicts_are_shown(
    invoke: Invoke, data_copy: Path, tmp_path: Path
) -> None:
    """S0 (2022) says Subei has no policy of its own; a 2024 document of Subei's contradicts
    that today, not in 2022."""
    append_row(
        data_copy / "documents.csv",
        {
            "id": "subei-commercial-pension-notice",
            "title_en": "Notice on commercial pension insurance in Subei (a test document)",
            "jurisdiction": "620923",
            "year": "2024",
            "tiers": "commercial",
            "domains": "pension",
            "doc_types": "notice",
            "specificity": "dedicated",
            "source": "editorial",
            "locator": "a test row",
        },
    )
    result = invoke("gaps", "--within", "620923", "--tier", "commercial", data=data_copy)
    assert result.exit_code == 0, result.stderr
    assert "claim s0/2  disagrees on commercial (as of 2022, its source's year: agrees)" in (
        result.stdout
    )
    spec = f"oxigraph:{tmp_path / 'store'}"
    store = open_store(spec, Inputs.resolve(data_copy))
    report = find_gaps(store, within="620923", tier="commercial")
    (check,) = [c for c in cell(report, "620923", "commercial").claims if c.id == "s0/2"]
    assert (check.verdict, check.year, check.verdict_then) == ("disagrees", "2022", "agrees")
    assert check.counterexample.endswith("/subei-commercial-pension-notice")
    assert check.counterexample_then == ""
    # The named query says the same as the gap table (what a SPARQL endpoint's report reads).
    with mock.patch.object(store, "gap_table", return_value=None):
        assert find_gaps(store, within="620923", tier="commercial") == report
    store.close()


@pytest.mark.parametrize(
    "params",
    [
        {"tier": "insurance", "as_of": "2013"},
        {"tier": "insurance", "as_of": "2014"},
        {"tier": "commercial", "as_of": "2014", "level": "provincial"},
        {"tier": "commercial", "as_of": "2015", "level": "provincial"},
        {"tier": "assistance", "as_of": "2021", "level": "provincial", "domain": "medical"},
        {"as_of": "2014", "within": "620000"},
        {"as_of": "2001", "within": "620700"},
    ],
)
def test_the_named_query_as_of_a_year_says_what_the_report_as_of_it_says(
    store: GraphStore, params: dict[str, str]
) -> None:
    """gaps/no-dedicated-policy-as-of reads the documents in plain SPARQL; the
    report reads the gap table: the same regions lack a dedicated policy of their own."""
    rows = run_query(store, "gaps/no-dedicated-policy-as-of", params).dicts()
    report = find_gaps(
        store,
        level=params.get("level", "county"),
        tier=params.get("tier"),
        domain=params.get("domain"),
        within=params.get("within"),
        as_of=int(params["as_of"]),
    )
    own = {g.code for g in report.gaps if g.status == "own"}
    expected = {g.code for g in report.gaps} - own
    assert {str(row["code"]) for row in rows} == expected


def test_a_region_page_shows_its_timeline_as_a_bar_per_tier(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = invoke("site", "-o", str(out), seed=True)
    assert result.exit_code == 0, result.stderr
    page = (out / "region" / "620000.html").read_text(encoding="utf-8")
    section = page.split("<h2>Gap status through time</h2>", 1)[1].split("<h2>", 1)[0]
    commercial = section.split("<td>commercial</td>", 1)[1].split("</tr>", 1)[0]
    # 1991 to 2022: inherited for 24 of 32 years, own from 2015 for 8.
    assert 'class="status inherited" style="width: 75.0%" title="1991–2014: inherited"' in (
        commercial
    )
    assert 'class="status own" style="width: 25.0%" title="2015 on: own">2015</span>' in commercial
    # A segment too narrow for its year (assistance inherited in 2020 alone, 1 of 32 years) is
    # not labelled with a cut one ("202"): its title and the line below the bar give it.
    assistance = section.split("<td>assistance</td>", 1)[1].split("</tr>", 1)[0]
    assert 'style="width: 3.1%" title="2020: inherited"></span>' in assistance
    assert 'title="2021 on: own">2021</span>' in assistance
    assert ">甘政办发〔2015〕80号</a>" in commercial
    assert "Assumption: documents are taken to be in force from their year" in section
    data = json.loads((out / "region" / "620000.json").read_text(encoding="utf-8"))
    assert [c["year"] for c in data["timeline"]["tiers"][2]["changes"]] == [1991, 2015]


@pytest.mark.parametrize(("within", "year"), [("620000", 2014), ("620000", 2021), ("620700", 2015)])
def test_as_of_within_a_region_reads_only_its_documents_and_says_what_the_whole_report_says(
    bundled_store: str, within: str, year: int
) -> None:
    fresh = open_store(bundled_store, Inputs.resolve())  # no index of the whole table made yet
    try:
        table = fresh.gap_table()
        assert table is not None
        scoped = find_gaps(fresh, level=LEVELS, within=within, as_of=year)
        region = f"https://w3id.org/policygraph/id/region/{within}"
        # Every bundled document is Gansu's or the nation's: under Zhangye, Linxia's and
        # Gannan's are left out.
        read, every = len(table.timed(region)), len(table.timed())
        assert read < every if within == "620700" else read == every
        whole = find_gaps(fresh, level=LEVELS, as_of=year)  # now from the whole index
        inside = {g.code for g in scoped.gaps}
        assert scoped.gaps
        assert scoped.gaps == [g for g in whole.gaps if g.code in inside]
    finally:
        fresh.close()


def test_a_cessation_or_repeal_in_an_rdf_file_ends_a_document(
    invoke: Invoke, data_copy: Path
) -> None:
    """No source in the bundled data ends a document; data that does, as ELI, is honoured."""
    (data_copy / "validity.ttl").write_text(
        """@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/policygraph/eli/620721/2014/sunan-residents-pension-plan>
    eli:date_no_longer_in_force "2017-01-01"^^xsd:date .
<https://w3id.org/policygraph/eli/620000/2015/commercial-health-insurance-opinions>
    eli:repealed_by <https://w3id.org/policygraph/eli/620000/2018/commercial-pension-opinions> .
""",
        encoding="utf-8",
    )
    result = invoke("timeline", "620721", "--format", "json", data=data_copy)
    assert result.exit_code == 0, result.stderr
    insurance = json.loads(result.stdout)["tiers"]["insurance"]["changes"]
    assert [(c["year"], c["status"]) for c in insurance] == [
        (1991, "inherited"),
        (2014, "own"),
        (2017, "inherited"),
    ]
    assert insurance[2]["left"][0]["iri"].endswith("/sunan-residents-pension-plan")
    gansu = invoke(
        "gaps",
        "--level",
        "provincial",
        "--within",
        "620000",
        "--as-of",
        "2018",
        "--format",
        "json",
        data=data_copy,
    )
    (region,) = json.loads(gansu.stdout)["regions"]
    (commercial,) = [c for c in region["cells"] if c["tier"] == "commercial"]
    assert [d["number"] for d in commercial["evidence"]] == ["甘政办发〔2018〕162号"]


@pytest.mark.parametrize(
    "filters",
    [
        {"level": LEVELS, "as_of": 2014},
        {"level": "county", "within": "620000", "as_of": 2013},
        {"level": "provincial", "tier": "commercial", "as_of": 2015},
        {"level": "county", "domain": "medical", "autonomous": True, "as_of": 2021},
    ],
)
def test_as_of_from_the_named_queries_is_the_report_from_the_gap_table(
    store: GraphStore, filters: dict[str, object]
) -> None:
    """A SPARQL endpoint has no gap table: its report as of a year reads gaps/validity and
    gaps/region-tree, and says what the table says, cell by cell, document by document."""
    from_table = find_gaps(store, **filters)  # type: ignore[arg-type]
    with mock.patch.object(store, "gap_table", return_value=None):
        from_queries = find_gaps(store, **filters)  # type: ignore[arg-type]
    assert from_table.gaps
    assert from_table == from_queries


def _period(block: YearBlock, code: str, tier: str, year: int) -> tuple[str, Listing | None]:
    """The status and listing the year selector's block gives a cell in a year, read as
    assets/gapyears.js reads it ("1981n,1991i0,2015i1"); no status before the code was in use."""
    tiers = dict(zip(block.data["tiers"], block.data["regions"][code].split(" "), strict=True))
    found: tuple[str, Listing | None] = ("", None)
    for period in tiers[tier].split(","):
        since, letter, number = int(period[:4]), period[4], period[5:]
        if since <= year:
            listing = block.listings[int(number)] if number else None
            found = (block.data["letters"][letter], listing)
    return found


@pytest.fixture(scope="module")
def gap_years(store: GraphStore) -> GapYears:
    return GapYears.read(store, english())


@pytest.mark.parametrize("year", [1990, 1991, 2014, 2015, 2018, 2021, 2022])
def test_the_sites_year_selector_lists_each_cells_documents_as_gaps_as_of_does(
    store: GraphStore, gap_years: GapYears, year: int
) -> None:
    """Every cell of every level, as of a year: the status, evidence, fall-back and count of
    farther documents of the block the site ships are those of `gaps --as-of`; a region whose
    code was not yet in use has none of them."""
    codes = sorted(gap_years.periods)
    block = gap_years.block(codes)
    assert block is not None and len(codes) > 3_000
    assert block.data["years"][-1] == 2022  # the last year a document enters force
    listed = {(g.code, g.tier): g for g in find_gaps(store, level=LEVELS, as_of=year).gaps}
    assert listed
    for code in codes:
        for tier in block.data["tiers"]:
            status, listing = _period(block, code, tier, year)
            gap = listed.get((code, tier))
            if gap is None:
                assert (status, listing) == ("", None), (code, tier)
                continue
            assert status == gap.status, (code, tier)
            shown = (listing.evidence, listing.fallback, listing.rest) if listing else ((), (), 0)
            assert shown == (gap.evidence, gap.fallback, gap.fallback_rest), (code, tier)


def test_the_year_selector_lists_the_documents_gansus_commercial_tier_fell_back_on(
    gap_years: GapYears,
) -> None:
    """Inherited in 2014 and 2015 alike, a county of Gansu fell back on the nation's 1991
    decision in 2014 and on the province's own opinions from 2015: the documents change in a
    year in which the status does not."""
    block = gap_years.block(["620000", "620102"])
    assert block is not None

    def shown(code: str, year: int) -> tuple[str, set[str], set[str]]:
        status, listing = _period(block, code, "commercial", year)
        assert listing is not None
        return status, {d.short for d in listing.evidence}, {d.short for d in listing.fallback}

    assert shown("620000", 2014) == ("inherited", set(), {"国发〔1991〕33号"})
    assert shown("620000", 2015) == ("own", {"甘政办发〔2015〕80号"}, {"国发〔1991〕33号"})
    assert shown("620102", 2014) == ("inherited", set(), {"国发〔1991〕33号"})
    status, evidence, fallback = shown("620102", 2015)
    assert (status, evidence, fallback) == ("inherited", set(), {"甘政办发〔2015〕80号"})
    assert {d.holder for d in block.listings[0].fallback} == {"CN"}


def test_the_year_selector_from_the_named_queries_is_the_one_from_the_gap_table(
    store: GraphStore, gap_years: GapYears
) -> None:
    """A store without a gap table (a SPARQL endpoint) reads the same cells through the years
    with gaps/validity and gaps/region-tree."""
    codes = ["620000", "620102", "620721", "622923"]
    with mock.patch.object(store, "gap_table", return_value=None):
        from_queries = GapYears.read(store, english())
    assert from_queries.block(codes) == gap_years.block(codes)


def test_the_nation_whose_first_year_is_not_known_has_no_status_before_its_first_document(
    store: GraphStore, gap_years: GapYears
) -> None:
    """Regression: the year selector gave the nation its 1991 status from year 0, so the site
    said "own" for China in 1985 where `gaps --as-of 1985` says "none"."""
    block = gap_years.block(["CN"])
    assert block is not None
    then = cell(find_gaps(store, level="national", as_of=1985), "CN", "insurance")
    assert then.status == "none"
    assert _period(block, "CN", "insurance", 1985) == ("none", None)
    assert _period(block, "CN", "insurance", 1991)[0] == "own"
