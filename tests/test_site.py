"""The views and the browse site, checked by parsing their HTML (the browser tests are apart)."""

from __future__ import annotations

import filecmp
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from policygraph import Inputs
from policygraph.errors import QueryError
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
    assert " 18 bodies · " in index and "bodys" not in index


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
    for path in pages(out):
        text = path.read_text(encoding="utf-8")
        assert "<img src=x onerror=alert(1)>" not in text, path


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
