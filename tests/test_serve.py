"""`policygraph serve`: a read-only SPARQL 1.1 Protocol endpoint plus the browse pages."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from policygraph import Inputs
from policygraph.gaps import find_gaps
from policygraph.pipeline import build_store, open_store
from policygraph.reports.site import write_site
from policygraph.serve import make_server
from policygraph.store.base import GraphStore
from policygraph.store.sparql import SparqlStore

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?d a <https://w3id.org/policygraph/def#PolicyDocument> }"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, GraphStore]]:
    spec = f"oxigraph:{tmp_path_factory.mktemp('store')}"
    assert build_store(spec, Inputs.resolve()).written
    store = open_store(spec, Inputs.resolve())
    site = tmp_path_factory.mktemp("site")
    write_site(store, site)
    server = make_server(store, site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", store
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str, accept: str = "application/sparql-results+json") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _post(url: str, body: str, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=body.encode("utf-8"), headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_get_query_answers_sparql_json(served: tuple[str, GraphStore]) -> None:
    base, _ = served
    status, body = _get(f"{base}/sparql?query={urllib.parse.quote(COUNT)}")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "19"


def test_post_forms_and_csv(served: tuple[str, GraphStore]) -> None:
    base, _ = served
    status, body = _post(f"{base}/sparql", COUNT, "application/sparql-query")
    assert status == 200 and '"19"' in body
    form = urllib.parse.urlencode({"query": COUNT})
    status, body = _post(f"{base}/sparql", form, "application/x-www-form-urlencoded")
    assert status == 200 and '"19"' in body
    status, body = _get(f"{base}/sparql?query={urllib.parse.quote(COUNT)}", accept="text/csv")
    assert status == 200 and body.splitlines() == ["n", "19"]


def test_updates_and_bad_queries_are_refused(served: tuple[str, GraphStore]) -> None:
    base, _ = served
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert _post(f"{base}/sparql", update, "application/sparql-update")[0] == 403
    status, body = _get(f"{base}/sparql?query={urllib.parse.quote('SELECT ?x WHERE {')}")
    assert status == 400 and "SPARQL syntax error" in body


def test_the_browse_pages_are_served(served: tuple[str, GraphStore]) -> None:
    base, _ = served
    status, body = _get(f"{base}/region/620923.html", accept="text/html")
    assert status == 200 and "Subei Mongol Autonomous County" in body


def test_the_gap_report_through_the_endpoint_is_the_same(served: tuple[str, GraphStore]) -> None:
    base, store = served
    remote = SparqlStore(f"{base}/sparql")
    assert find_gaps(remote, autonomous=True) == find_gaps(store, autonomous=True)


def test_serve_is_documented(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "policygraph serve" in readme
