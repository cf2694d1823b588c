"""The query page of `policygraph serve`, server side: the named queries and their parameters as
JSON, a named query resolved into the text `query --print` gives, links to the browse pages.
The page in a browser is tested in test_querypage_browser.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from policygraph import serve as web
from policygraph.namespaces import BASE, PREFIXES
from policygraph.pipeline import open_store
from policygraph.queries import library
from policygraph.querypage import RESERVED, QueryPage, page_for
from policygraph.reports.network import page_path as site_path
from policygraph.reports.network import project
from policygraph.store.base import GraphStore
from policygraph.store.oxigraph import OxigraphStore

from .conftest import SEED, Invoke
from .servers import Served, http, running

GANSU_AUTONOMOUS = {"620525", "620623", "620923", "620924", "622926", "622927"}


@pytest.fixture(scope="module")
def store(seed_spec: str) -> Iterator[GraphStore]:
    with open_store(seed_spec, SEED) as opened:
        yield opened


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in for the browse pages: one region page and one document page."""
    root = tmp_path_factory.mktemp("pages")
    (root / "region").mkdir()
    (root / "region" / "620923.html").write_text("<p>Subei</p>", encoding="utf-8")
    (root / "document").mkdir()
    (root / "document" / "620000-2018-x.html").write_text("<p>x</p>", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def served(store: GraphStore, pages: Path) -> Iterator[Served]:
    assert isinstance(store, OxigraphStore)
    page = QueryPage(store, lambda: pages)
    with running(web.Source(store.location()), workers=1, query_page=page) as server:
        yield server


def _json(url: str, **params: str) -> tuple[int, dict[str, object]]:
    reply = http(url + ("?" + urllib.parse.urlencode(params) if params else ""))
    assert reply.media == "application/json"
    return reply.status, json.loads(reply.text)


def test_the_named_queries_are_listed_with_parameters_and_valid_values(served: Served) -> None:
    status, body = _json(f"{served.base}/query/named")
    assert status == 200
    assert body["prefixes"] == PREFIXES
    queries = {q["name"]: q for q in body["queries"]}  # type: ignore[attr-defined]
    assert list(queries) == sorted(library())
    params = {p["name"]: p for p in queries["gaps/no-dedicated-policy"]["params"]}
    assert list(params) == ["level", "tier", "within", "autonomous"]
    assert params["level"]["default"] == "county"
    assert [c["value"] for c in params["tier"]["choices"]] == [
        "assistance",
        "commercial",
        "insurance",
    ]
    assert {"value": "commercial", "label": "commercial and supplementary insurance"} in params[
        "tier"
    ]["choices"]
    by_domain = {p["name"]: p for p in queries["gaps/no-dedicated-policy-by-domain"]["params"]}
    assert "pension" in [c["value"] for c in by_domain["domain"]["choices"]]
    assert params["within"]["kind"] == "region" and "choices" not in params["within"]
    assert params["autonomous"]["kind"] == "boolean"
    assert queries["gaps/claims"]["params"][0]["choices"]  # the sources of the graph


def test_no_parameter_of_a_named_query_takes_a_name_the_page_url_uses() -> None:
    # ?named=NAME&PARAM=VALUE: a parameter called "named" or "query" could not be shared.
    used = {p.name for q in library().values() for p in q.params}
    assert used and not used & set(RESERVED)


@pytest.mark.parametrize(
    "params",
    [
        {"within": "620000", "autonomous": "true"},
        {"within": "Gansu", "tier": "commercial"},
        {},
    ],
)
def test_a_named_query_resolves_to_the_text_query_print_gives(
    served: Served, invoke: Invoke, seed_spec: str, params: dict[str, str]
) -> None:
    status, body = _json(f"{served.base}/query/named/gaps/no-dedicated-policy", **params)
    assert status == 200
    options = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
    printed = invoke(
        "query", "gaps/no-dedicated-policy", *options, "--print", store=seed_spec, seed=True
    )
    assert printed.exit_code == 0, printed.stderr
    assert body["query"] == printed.stdout
    assert body["params"] == params


def test_the_resolved_text_runs_on_the_endpoint_and_gives_the_cli_rows(served: Served) -> None:
    _, body = _json(
        f"{served.base}/query/named/gaps/no-dedicated-policy", within="620000", autonomous="true"
    )
    form = urllib.parse.urlencode({"query": body["query"]}).encode()
    reply = http(
        served.url,
        body=form,
        headers={"Accept": "text/csv", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200
    codes = {line.split(",")[1] for line in reply.text.splitlines()[1:]}
    assert codes == GANSU_AUTONOMOUS


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [
        ("gaps/no-dedicated-policy", {"within": "Nowhere-at-all"}, 400, "--param within="),
        ("gaps/no-dedicated-policy", {"tier": "luxury"}, 400, "use one of assistance"),
        ("gaps/no-dedicated-policy", {"colour": "red"}, 400, "unknown parameter 'colour'"),
        ("gaps/no-dedicated-policy", {"autonomous": "maybe"}, 400, "write true or false"),
        ("gaps/no-such-question", {}, 404, "GET /query/named lists them"),
    ],
)
def test_a_refused_named_query_gets_one_line_that_says_why(
    served: Served, path: str, params: dict[str, str], status: int, words: str
) -> None:
    got, body = _json(f"{served.base}/query/named/{path}", **params)
    assert got == status
    message = str(body["error"])
    assert words in message and "\n" not in message and "Traceback" not in message


def test_a_parameter_given_twice_is_refused(served: Served) -> None:
    reply = http(
        f"{served.base}/query/named/gaps/no-dedicated-policy?tier=insurance&tier=commercial"
    )
    assert reply.status == 400
    assert "tier is given twice" in json.loads(reply.text)["error"]


def test_iris_with_a_browse_page_get_its_path_and_no_other(served: Served) -> None:
    asked = [
        f"{BASE}id/region/620923",
        f"{BASE}id/region/620924",  # no page in this site
        f"{BASE}eli/620000/2018/x",
        f"{BASE}id/region/../../etc",
        "http://example.org/region/620923",
    ]
    reply = http(f"{served.base}/query/pages", method="POST", body=json.dumps(asked).encode())
    assert reply.status == 200
    assert json.loads(reply.text) == {
        f"{BASE}id/region/620923": "region/620923.html",
        f"{BASE}eli/620000/2018/x": "document/620000-2018-x.html",
    }
    huge = json.dumps([f"{BASE}id/region/{n:06d}" for n in range(30_000)]).encode()
    assert http(f"{served.base}/query/pages", method="POST", body=huge).status == 413
    for bad in (b"not json", b'{"a": 1}', b"[1, 2]"):
        refused = http(f"{served.base}/query/pages", method="POST", body=bad)
        assert refused.status == 400 and "JSON list of IRIs" in refused.text


def test_page_for_finds_the_page_the_site_writes_for_every_node(
    store: GraphStore, tmp_path: Path
) -> None:
    graph = project(store, every_page=True)
    expected = {}
    for iri, kind in graph.nodes(data="kind"):
        path = tmp_path / site_path(kind, iri)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        expected[iri] = site_path(kind, iri)
    assert len({k for _, k in graph.nodes(data="kind")}) == 5
    assert {iri: page_for(iri, tmp_path) for iri in expected} == expected


def test_the_page_and_its_assets_are_served_from_the_package(served: Served) -> None:
    page = http(f"{served.base}/query")
    assert page.status == 200 and page.media == "text/html"
    for prefix, namespace in PREFIXES.items():
        assert f"PREFIX {prefix}: &lt;{namespace}&gt;" in page.text
    assert 'href="query">SPARQL query</a>' in page.text  # the nav links the page
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # nothing from elsewhere
    script = http(f"{served.base}/query/assets/querypage.js")
    assert script.status == 200 and script.media == "text/javascript"
    assert "innerHTML" not in script.text
    assert http(f"{served.base}/query/assets/querypage.css").media == "text/css"
    # The editor, CodeMirror, is vendored with its licence, and the page loads it.
    for name in ("codemirror.js", "codemirror.css", "sparql.js", "matchbrackets.js"):
        assert f'"query/assets/codemirror/{name}"' in page.text
        assert http(f"{served.base}/query/assets/codemirror/{name}").status == 200
    licence = http(f"{served.base}/query/assets/codemirror/LICENSE")
    assert "Marijn Haverbeke" in licence.text and "Permission is hereby granted" in licence.text
    assert http(f"{served.base}/query/assets/../querypage.py").status == 404
    assert http(f"{served.base}/query/assets/other.js").status == 404


def test_the_nav_links_the_query_page_only_on_pages_for_serve(
    invoke: Invoke, seed_spec: str, tmp_path: Path
) -> None:
    for served, flags in ((False, []), (True, ["--served"])):
        out = tmp_path / str(served)
        result = invoke("site", *flags, "-o", str(out), store=seed_spec, seed=True)
        assert result.exit_code == 0, result.stderr
        for page in ("index.html", "region/620923.html", "gaps.html"):
            html = (out / page).read_text(encoding="utf-8")
            link = ("../" if "/" in page else "") + 'query">SPARQL query</a>'
            assert (link in html) is served, page
        named = (out / "query" / "gaps-no-dedicated-policy.html").read_text(encoding="utf-8")
        opens = 'href="../query?named=gaps/no-dedicated-policy">Open it in the query page'
        assert (opens in named) is served


def test_query_with_a_slash_goes_to_the_page_not_to_the_site_folder(served: Served) -> None:
    reply = http(f"{served.base}/query/")
    assert reply.status == 200 and "<h1>SPARQL query</h1>" in reply.text


@pytest.mark.parametrize(
    ("text", "code"), [("Subei", "620923"), ("肃北", "620923"), ("甘肃", "620000")]
)
def test_a_region_field_suggests_regions_by_name(served: Served, text: str, code: str) -> None:
    reply = http(f"{served.base}/query/regions?{urllib.parse.urlencode({'q': text})}")
    assert reply.status == 200
    found = json.loads(reply.text)
    assert found[0]["code"] == code
    assert found[0]["label"].startswith(code + " ")
    assert json.loads(http(f"{served.base}/query/regions?q=").text) == []


def test_the_serve_command_has_the_query_page_and_its_pages_link_it(seed_spec: str) -> None:
    command = [sys.executable, "-m", "policygraph", "--store", seed_spec, "--no-national"]
    command += ["serve", "--port", "0", "--quiet"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", process.stderr.readline())
        assert match
        base = f"http://127.0.0.1:{match.group(1)}"
        status, body = _json(f"{base}/query/named/gaps/no-dedicated-policy", within="Gansu")
        assert status == 200 and "VALUES (?level ?within)" in str(body["query"])
        assert http(f"{base}/query").status == 200
        for _ in range(120):  # bounded: two minutes on a loaded machine
            page = http(f"{base}/region/620923.html")
            if page.status == 200:
                break
            time.sleep(1)
        assert '<a href="../query">SPARQL query</a>' in page.text
    finally:
        process.terminate()
        process.communicate(timeout=30)
