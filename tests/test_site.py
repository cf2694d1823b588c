"""The views and the browse site, checked by parsing their HTML (the browser tests are apart)."""

from __future__ import annotations

import csv
import filecmp
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from policygraph import Inputs
from policygraph.errors import QueryError
from policygraph.gaps import TIERS, find_gaps
from policygraph.namespaces import BASE
from policygraph.pipeline import open_store
from policygraph.reports import network
from policygraph.reports.network import MAX_NODES, project, studied
from policygraph.reports.site import write_site
from policygraph.reports.views import select_view
from policygraph.store.base import GraphStore

from .conftest import Invoke

REPO_VIZ = Path(__file__).parents[1] / "viz"


class Page(HTMLParser):
    """Titles, links, scripts and the graph element of one page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.title = ""
        self.refs: list[str] = []
        self.graph: dict[str, str] = {}
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self._in_title = tag == "title"
        for key in ("href", "src"):
            if key in values:
                self.refs.append(values[key])
        if values.get("id") == "graph":
            self.graph = values

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


@pytest.fixture(scope="module")
def store(bundled_store: str) -> GraphStore:
    # The bundled data as a user has it, national backbone included, on the default store.
    return open_store(bundled_store, Inputs.resolve())


@pytest.fixture(scope="module")
def site(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_site(store, out)
    return out


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_a_page_for_every_studied_node_and_query(site: Path, store: GraphStore) -> None:
    graph = project(store)
    for _, data in graph.nodes(data=True):
        if data["studied"]:
            assert data["url"] and (site / data["url"]).exists(), data["url"]
        else:  # named only by the division list: no page, and nothing links to one
            assert data["kind"] == "region" and not data["url"]
    assert (site / "region" / "620923.html").exists() and (site / "region" / "620900.html").exists()
    assert not (site / "region" / "110101.html").exists()
    unstudied = sum(1 for _, studied in graph.nodes(data="studied") if not studied)
    assert unstudied > 3000
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"{unstudied:,} more regions of the division list have no page here" in index
    assert len(list((site / "query").glob("*.html"))) >= 10
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds == {"region", "document", "body", "programme", "claim"}
    # Regression: the index counted "18 bodys".
    assert " 20 bodies · " in index and "bodys" not in index


def test_every_page_has_a_title_and_every_link_resolves(site: Path) -> None:
    found = pages(site)
    assert len(found) > 100
    for path in found:
        page = Page(path.read_text(encoding="utf-8"))
        assert page.title.strip(), path
        for ref in page.refs:
            assert not re.match(r"(https?:)?//", ref), f"{path} loads {ref}"
            target = (path.parent / ref.split("#")[0]).resolve()
            assert target.exists(), f"{path.relative_to(site)} links to missing {ref}"


def test_every_page_has_a_json_twin(site: Path) -> None:
    for path in pages(site):
        if path.parent == site and path.name != "index.html":
            continue  # the views and the gap report are pages of their own
        twin = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert twin


def test_the_whole_graph_view_draws_what_the_sources_study(site: Path, store: GraphStore) -> None:
    page = Page((site / "graph.html").read_text(encoding="utf-8"))
    drawn = int(page.graph["data-nodes"])
    assert drawn == studied(project(store)).number_of_nodes()
    assert 100 < drawn < MAX_NODES


def test_a_province_view_draws_every_county_and_links_only_to_pages(store: GraphStore) -> None:
    graph, _ = select_view(store, region="620000")
    regions = {d["code"] for _, d in graph.nodes(data=True) if d["kind"] == "region"}
    assert len([c for c in regions if c.startswith("62") and not c.endswith("00")]) == 86
    assert not graph.nodes[f"{BASE}id/region/620102"]["url"]  # Chengguan: no source studies it
    assert graph.nodes[f"{BASE}id/region/620923"]["url"] == "region/620923.html"


def test_region_pages_give_the_gap_status_by_tier_and_links_both_ways(site: Path) -> None:
    subei = json.loads((site / "region" / "620923.json").read_text(encoding="utf-8"))
    assert [c["tier"] for c in subei["gaps"]] == ["assistance", "insurance", "commercial"]
    assert {c["status"] for c in subei["gaps"]} == {"inherited"}
    assert {link["text"] for link in subei["links_out"]} >= {"Jiuquan City"}
    assert "s0/2" in {link["text"] for link in subei["links_in"]}
    jiuquan = json.loads((site / "region" / "620900.json").read_text(encoding="utf-8"))
    assert "Subei Mongol Autonomous County" in {link["text"] for link in jiuquan["links_in"]}


def test_claim_pages_quote_the_source_and_check_it(site: Path) -> None:
    claim = json.loads((site / "claim" / "s0-2.json").read_text(encoding="utf-8"))
    quote = next(r for r in claim["facts"] if r["name"] == "the source's words")
    assert "no special governance policy" in quote["values"][0]["text"]
    assert claim["locator"] and {c["verdict"] for c in claim["checks"]} == {"agrees"}


def test_the_site_is_deterministic(store: GraphStore, site: Path, tmp_path: Path) -> None:
    write_site(store, tmp_path)
    compare = filecmp.dircmp(site, tmp_path)
    assert not compare.diff_files and not compare.left_only and not compare.right_only
    for sub in compare.subdirs.values():
        assert not sub.diff_files and not sub.left_only and not sub.right_only


def test_committed_views_are_current(site: Path) -> None:
    """viz/ is what `policygraph site` writes from the bundled data; regenerate it if not."""
    mismatched = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        committed = REPO_VIZ / path.relative_to(site)
        if not committed.exists() or committed.read_bytes() != path.read_bytes():
            mismatched.append(str(path.relative_to(site)))
    extra = [
        str(p.relative_to(REPO_VIZ))
        for p in REPO_VIZ.rglob("*")
        if p.is_file() and not (site / p.relative_to(REPO_VIZ)).exists()
    ]
    assert not mismatched and not extra, (
        f"viz/ is stale ({len(mismatched)} changed, {len(extra)} extra); run `policygraph site`"
    )


def test_a_title_with_markup_is_escaped_everywhere(
    invoke: Invoke, data_copy: Path, tmp_path: Path
) -> None:
    _add_xss_document(data_copy)
    out = tmp_path / "site"
    assert invoke("site", "-o", str(out), data=data_copy).exit_code == 0
    for path in [*pages(out), out / "assets" / "search-index.js"]:
        text = path.read_text(encoding="utf-8")
        assert "<img src=x onerror=alert(1)>" not in text, path
    assert "\\u003cimg src=x onerror=alert(1)>" in (out / "assets" / "search-index.js").read_text(
        "utf-8"
    )


def _add_xss_document(data: Path) -> None:
    from .conftest import append_row

    append_row(
        data / "documents.csv",
        {
            "id": "xss-test",
            "title_en": "<img src=x onerror=alert(1)>",
            "jurisdiction": "620923",
            "year": "2020",
            "tiers": "commercial",
            "domains": "pension",
            "doc_types": "plan",
            "specificity": "dedicated",
            "source": "s0",
            "locator": "test",
        },
    )


def test_viz_focus_depth_and_tier(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "v.html"
    result = invoke(
        "viz", "--focus", "620923", "--depth", "1", "--tier", "commercial", "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert 1 < int(page.graph["data-nodes"]) < 20
    assert "Region fill: gap status for commercial" in out.read_text(encoding="utf-8")
    assert not [r for r in page.refs if re.match(r"(https?:)?//", r)]


def test_viz_bad_focus_is_one_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("viz", "--focus", "629999", "-o", str(tmp_path / "v.html"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no such region" in result.stderr


def test_a_view_over_the_limit_is_refused_with_a_hint(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(network, "MAX_NODES", 20)
    result = invoke("viz", "-o", str(tmp_path / "v.html"))
    assert result.exit_code == 2
    assert "--within" in result.stderr and "--focus" in result.stderr
    assert not (tmp_path / "v.html").exists()


def test_check_size_counts_nodes() -> None:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(range(network.MAX_NODES + 1))
    with pytest.raises(QueryError):
        network.check_size(graph)


def test_export_graphml_is_the_view_projection(invoke: Invoke, store: GraphStore) -> None:
    result = invoke("export", "--format", "graphml")
    assert result.exit_code == 0, result.stderr
    parsed = nx.read_graphml(__import__("io").StringIO(result.stdout))
    assert parsed.number_of_nodes() == project(store).number_of_nodes()


# -- the national overview, the gap table, search, twins --------------------------------------


def test_every_json_twin_has_a_csv_beside_it(site: Path) -> None:
    twins = [p for p in site.rglob("*.json") if p.name != "search.json"]
    assert len(twins) > 100
    for twin in twins:
        beside = twin.with_suffix(".csv")
        assert beside.exists(), twin
        with beside.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) > 1 and len({len(r) for r in rows}) == 1, beside
    subei = _csv_rows(site / "region" / "620923.csv")
    assert {"section", "name", "text", "iri", "lang", "href"} == set(subei[0])
    assert {"fact", "link-out", "link-in", "gap", "fallback"} <= {r["section"] for r in subei}
    gaps = [(r["name"], r["text"]) for r in subei if r["section"] == "gap"]
    assert gaps == [(t, "inherited") for t in TIERS]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_gap_twins_are_what_the_gaps_command_writes(site: Path, invoke: Invoke) -> None:
    every = invoke("gaps", "--all", "--format", "csv")
    assert every.exit_code == 0 and (site / "gaps.csv").read_text("utf-8") == every.stdout
    listing = invoke("gaps", "--format", "json")
    assert (site / "gaps.json").read_text("utf-8") == listing.stdout


class Rows(HTMLParser):
    """The rows of the gap table: their data attributes and the links in them."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.links: list[list[str]] = []
        self._in = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "table":
            self._in = values.get("id") == "gap-table"
        elif tag == "tr" and self._in and "data-status" in values:
            self.rows.append(values)
            self.links.append([])
        elif tag == "a" and self._in and self.links:
            self.links[-1].append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in = False


def test_the_gap_table_has_a_row_per_county_cell_with_links(site: Path, store: GraphStore) -> None:
    report = find_gaps(store)
    table = Rows((site / "gaps.html").read_text(encoding="utf-8"))
    assert len(table.rows) == len(report.gaps) > 8000
    statuses = Counter(r["data-status"] for r in table.rows)
    assert statuses == Counter(g.status for g in report.gaps)
    assert {r["data-tier"] for r in table.rows} == set(TIERS)
    gansu = [r for r in table.rows if r["data-province"] == "620000"]
    assert len(gansu) == 86 * 3
    assert {r.get("data-prefecture") for r in gansu} >= {"620900", "622900", "623000"}
    assert {r["data-autonomous"] for r in gansu} == {"yes", "no"}
    assert sum(r["data-surveyed"] == "yes" for r in table.rows) == 3 * sum(
        1 for g in report.gaps if g.surveyed and g.tier == "assistance"
    )
    for row, links in zip(table.rows, table.links, strict=True):
        assert any(link.startswith("document/") for link in links), row
    subei = [
        links
        for row, links in zip(table.rows, table.links, strict=True)
        if "region/620923.html" in links
    ]
    assert len(subei) == 3  # one row per tier, each linking to the region page


def test_the_overview_shares_are_the_gap_reports(site: Path, store: GraphStore) -> None:
    data = json.loads((site / "overview.json").read_text(encoding="utf-8"))
    assert set(data["tiles"]) == set(TIERS)
    for tier in TIERS:
        tiles = {t["code"]: t for t in data["tiles"][tier]}
        assert len(tiles) == 34
        overview = find_gaps(store, tier=tier, every_cell=False).overview
        assert overview is not None
        for code, row in overview.provinces.items():
            if code == "CN":
                continue
            assert tiles[code]["units"] == row["regions"], (tier, code)
            assert tiles[code]["without_own"] == row["regions"] - row["own"], (tier, code)
            assert tiles[code]["surveyed"] == row["surveyed"]
        assert {tiles[c]["units"] for c in ("710000", "810000", "820000")} == {0}
    gansu = {t: next(x for x in data["tiles"][t] if x["code"] == "620000") for t in TIERS}
    assert gansu["insurance"]["without_own"] == 85 and gansu["insurance"]["units"] == 86
    assert gansu["insurance"]["href"] == "region/620000.html"
    hebei = next(x for x in data["tiles"]["assistance"] if x["code"] == "130000")
    assert hebei["href"] == "gaps.html#province=130000&tier=assistance"
    treemap = data["treemap"]
    units = {g.code for g in find_gaps(store).gaps}
    assert treemap["counties"] + len(treemap["without_population"]) == len(units) == data["units"]
    for page in ("index.html", "overview.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert len(re.findall(r'<a class="tile[ "]', text)) == 3 * 34, page
        assert text.count('<rect class="county ') == treemap["counties"], page
        assert f'data-counties="{treemap["counties"]}"' in text


def test_the_search_index_covers_every_region_in_both_languages(
    site: Path, store: GraphStore
) -> None:
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    fields = index["fields"]
    entries = [dict(zip(fields, e, strict=True)) for e in index["entries"]]
    regions = {e["code"]: e for e in entries if e["kind"] == "region"}
    assert len(regions) == sum(1 for _, k in project(store).nodes(data="kind") if k == "region")
    subei = regions["620923"]
    assert subei["zh"] == "肃北蒙古族自治县" and subei["label"].startswith("Subei")
    assert subei["href"] == "region/620923.html" and "Jiuquan" in subei["within"]
    assert subei["statuses"] == "inherited/inherited/inherited"
    dongcheng = regions["110101"]  # no source studies it: listed with its status, no link
    assert dongcheng["href"] == "" and dongcheng["zh"] == "东城区" and dongcheng["statuses"]
    kinds = Counter(e["kind"] for e in entries)
    assert set(kinds) == {"region", "document", "body", "programme", "claim"}
    claim = next(e for e in entries if e["kind"] == "claim" and e["label"] == "s0/2")
    assert "no special governance policy" in claim["text"]
    document = next(e for e in entries if e["label"] == "甘政办发〔2018〕162号")
    assert document["zh"] and "ommercial" in document["also"]
    for e in entries:
        assert not e["href"] or (site / e["href"]).exists(), e
    script = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.policygraphSearchIndex = {") and "<" not in script


def test_document_pages_list_the_regions_that_fall_back_on_them(
    site: Path, store: GraphStore
) -> None:
    levels = ("county", "prefectural", "provincial", "national")
    cells = find_gaps(store, level=levels).gaps
    iri = f"{BASE}eli/620000/2018/commercial-pension-opinions"
    expected = {g.code for g in cells for d in g.fallback if d.iri == iri}
    page = json.loads(
        (site / "document" / "620000-2018-commercial-pension-opinions.json").read_text("utf-8")
    )
    listed = {c for group in page["fallback_for"]["by_province"] for c in group["regions"]}
    assert listed == expected and page["fallback_for"]["regions"] == len(expected) > 80
    assert "620923" in listed
    html = (site / "document" / "620000-2018-commercial-pension-opinions.html").read_text("utf-8")
    assert "Regions that fall back on it" in html and "Subei Mongol Autonomous County" in html
    national = json.loads(
        (site / "document" / "CN-2020-medical-security-reform-opinions.json").read_text("utf-8")
    )
    assert national["fallback_for"]["regions"] > 3000
    assert len(national["fallback_for"]["by_province"]) >= 31


def test_region_pages_show_the_claims_their_status_contradicts(site: Path) -> None:
    sunan = json.loads((site / "region" / "620721.json").read_text(encoding="utf-8"))
    [claim] = sunan["contradicted_by"]
    assert claim["id"] == "s0/1" and claim["tier"] == "insurance" and claim["status"] == "own"
    assert claim["href"] == "claim/s0-1.html"
    assert claim["counterexample"]["href"].startswith("document/620721-")
    assert (site / claim["counterexample"]["href"]).exists()
    subei = json.loads((site / "region" / "620923.json").read_text(encoding="utf-8"))
    assert subei["contradicted_by"] == []


def test_claim_counterexamples_link_to_the_document_page(site: Path) -> None:
    claim = json.loads((site / "claim" / "s0-1.json").read_text(encoding="utf-8"))
    [check] = [c for c in claim["checks"] if c["verdict"] == "disagrees"]
    counter = check["counterexample"]
    assert counter["href"] == "../document/620721-2014-sunan-residents-pension-plan.html"
    assert counter["text"] and not counter["text"].startswith("https://")
    html = (site / "claim" / "s0-1.html").read_text(encoding="utf-8")
    assert f'<a href="{counter["href"]}">' in html
    assert not [c for c in claim["checks"] if c["verdict"] == "agrees" and c["counterexample"]]
    assert check["href"] == "../region/620721.html"  # the region, linked where it has a page
    assert (site / "claim" / check["href"]).resolve().exists()
