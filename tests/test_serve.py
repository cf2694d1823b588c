"""`policygraph serve`: the SPARQL 1.1 Protocol endpoint, run for real (uvicorn, workers)."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.query import Result

from policygraph import Inputs
from policygraph import serve as web
from policygraph.gaps import find_gaps
from policygraph.pipeline import open_store
from policygraph.queries import run_query
from policygraph.store.base import GraphStore
from policygraph.store.oxigraph import OxigraphStore
from policygraph.store.sparql import SparqlStore

from .servers import Served, http, running, untyped_post
from .test_queries import CASES, _rows

PG = "https://w3id.org/policygraph/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?d a pg:PolicyDocument }"
#: The same, with no prefix: for clients that send the query elsewhere first.
PLAIN_COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?d a <{PG}def#PolicyDocument> }}"
#: Three unconstrained patterns over ~11,000 quads: 10^12 rows, never done in a test's lifetime.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CONSTRUCT = (
    "CONSTRUCT { ?d a pg:PolicyDocument ; dcterms:title ?t } "
    "WHERE { ?d a pg:PolicyDocument ; dcterms:title ?t }"
)


@pytest.fixture(scope="module")
def store(bundled_store: str) -> Iterator[GraphStore]:
    with open_store(bundled_store, Inputs.resolve()) as opened:
        yield opened


@pytest.fixture(scope="module")
def served(store: GraphStore) -> Iterator[Served]:
    assert isinstance(store, OxigraphStore)
    with running(web.Source(store.location()), workers=2) as server:
        yield server


def _q(url: str, query: str, **params: str) -> str:
    return f"{url}?{urllib.parse.urlencode({'query': query, **params})}"


def _get(url: str, query: str, accept: str | None = None, **params: str) -> tuple[int, str, str]:
    reply = http(_q(url, query, **params), headers={"Accept": accept} if accept else {})
    return reply.status, reply.media, reply.text


def test_get_and_both_posts_answer_sparql_json(served: Served) -> None:
    status, media, body = _get(served.url, COUNT)
    assert (status, media) == (200, "application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "19"
    direct = http(
        served.url, body=COUNT.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    form = http(
        served.url,
        body=urllib.parse.urlencode({"query": COUNT}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert direct.status == form.status == 200
    assert direct.body == form.body == body.encode()


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_select_in_every_results_format(served: Served, accept: str, fmt: str) -> None:
    query = "SELECT ?d ?t WHERE { ?d a pg:PolicyDocument ; dcterms:title ?t } ORDER BY ?d ?t"
    status, media, body = _get(served.url, query, accept)
    assert (status, media) == (200, accept)
    rows = list(Result.parse(io.BytesIO(body.encode()), format=fmt))
    assert len(rows) >= 19
    if fmt != "csv":  # CSV drops language tags and datatypes, by its specification
        reference = list(Result.parse(io.BytesIO(_get(served.url, query)[2].encode()), "json"))
        assert rows == reference


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values", "application/xml"])
def test_ask_has_a_body_in_every_format(served: Served, accept: str) -> None:
    status, _, body = _get(served.url, "ASK { ?d a pg:PolicyDocument }", accept)
    assert status == 200 and "true" in body


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_in_every_rdf_format(served: Served, accept: str, fmt: str) -> None:
    status, media, body = _get(served.url, CONSTRUCT, accept)
    assert (status, media) == (200, accept)
    graph = Graph().parse(data=body, format=fmt)
    reference = Graph().parse(data=_get(served.url, CONSTRUCT, "application/n-triples")[2])
    assert len(graph) == len(reference) >= 38
    assert set(graph) == set(reference)


def test_q_values_choose_and_406_when_nothing_fits(served: Served) -> None:
    xml_first = "application/sparql-results+json;q=0.2, application/sparql-results+xml"
    assert _get(served.url, COUNT, xml_first)[1] == "application/sparql-results+xml"
    assert _get(served.url, COUNT, "text/*;q=0.5, */*;q=0.1")[1] == "text/csv"
    assert _get(served.url, COUNT, "*/*")[1] == "application/sparql-results+json"
    status, _, body = _get(served.url, COUNT, "image/png")
    assert status == 406 and "application/sparql-results+xml" in body
    refused = "application/sparql-results+json;q=0, */*;q=0.1"
    assert _get(served.url, COUNT, refused)[1] != "application/sparql-results+json"
    assert _get(served.url, CONSTRUCT, "text/turtle;q=0.3, application/rdf+xml")[1] == (
        "application/rdf+xml"
    )
    assert _get(served.url, CONSTRUCT, "application/sparql-results+json")[0] == 406


def test_a_row_with_every_variable_unbound_is_a_row(served: Served) -> None:
    body = _get(served.url, "SELECT * {}")[2]
    assert json.loads(body)["results"]["bindings"] == [{}]
    assert _get(served.url, "SELECT ?x {}", "text/csv")[2].splitlines() == ["x", ""]


def test_protocol_dataset_parameters(served: Served) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?d a pg:PolicyDocument }"
    only_s1 = _get(served.url, query, "text/csv", **{"default-graph-uri": f"{PG}graph/s1"})[2]
    everything = _get(served.url, query, "text/csv")[2]
    assert everything.splitlines()[1] == "19" and only_s1.splitlines()[1] != "19"
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = _get(served.url, named, "text/csv", **{"named-graph-uri": f"{PG}graph/s0"})
    assert status == 200 and body.splitlines()[1:] == [f"{PG}graph/s0"]
    status, _, body = _get(served.url, query, **{"default-graph-uri": "not an iri"})
    assert status == 400 and "default-graph-uri" in body


def test_bad_requests_get_an_http_answer(served: Served) -> None:
    status, _, body = _get(served.url, "SELECT ?x WHERE {")
    assert status == 400 and body.startswith("SPARQL syntax error at line 1, column 18")
    assert len(body.strip().splitlines()) == 1 and "u{" not in body
    # A relative IRI resolves against the endpoint, as the protocol allows.
    assert _get(served.url, "SELECT * WHERE { <s> ?p ?o }")[0] == 200
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    # Refused unless serve --allow-service (tests/reliability/test_server.py, where it runs too).
    status, _, body = _get(served.url, f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/x> {{}} }}")
    assert status == 400 and "--allow-service" in body
    for body_bytes, kind in [
        (b"ASK {} \xff", "application/sparql-query"),
        (b"query=ASK%20%7B%7D%FF", "application/x-www-form-urlencoded"),
    ]:
        reply = http(served.url, body=body_bytes, headers={"Content-Type": kind})
        assert reply.status == 400 and "UTF-8" in reply.text, kind
    two = f"{served.url}?query=ASK%7B%7D&query=ASK%7B%7D"
    assert http(two).status == 400
    assert untyped_post(served.url, b"query=ASK%7B%7D") == 415
    assert http(_q(served.url, "ASK {}"), method="PUT").status == 405
    update = b"INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    refused = http(served.url, body=update, headers={"Content-Type": "application/sparql-update"})
    assert refused.status == 403 and "read-only" in refused.text
    assert http(f"{served.url}?update=CLEAR%20ALL").status == 403


def test_a_malformed_request_line_gets_400_not_a_dropped_connection(served: Served) -> None:
    host, port = served.url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: abc\r\n\r\nASK {}"
        )
        assert raw.recv(100).startswith(b"HTTP/1.1 400")


def test_service_description(served: Served) -> None:
    reply = http(served.url, headers={"Accept": "text/turtle"})
    assert reply.status == 200 and reply.media == "text/turtle"
    graph = Graph().parse(data=reply.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = {str(o) for o in graph.objects(predicate=URIRef(sd + "endpoint"))}
    assert endpoints == {served.url}


def test_service_description_lists_the_dataset(served: Served, store: GraphStore) -> None:
    """sd:defaultDataset: the default graph (the union) and one sd:NamedGraph per named graph
    of the store, with its sd:name; the result formats offered."""
    assert isinstance(store, OxigraphStore)
    reply = http(served.url, headers={"Accept": "text/turtle"})
    assert reply.status == 200
    graph = Graph().parse(data=reply.text, format="turtle")
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(predicate=RDF.type, object=sd.Service)
    dataset = graph.value(service, sd.defaultDataset)
    assert dataset is not None and (dataset, RDF.type, sd.Dataset) in graph
    default = graph.value(dataset, sd.defaultGraph)
    assert default is not None and (default, RDF.type, sd.Graph) in graph
    named = list(graph.objects(dataset, sd.namedGraph))
    assert all((n, RDF.type, sd.NamedGraph) in graph for n in named)
    names = {str(graph.value(n, sd.name)) for n in named}
    stored = ox.Store.read_only(str(store.location()))
    assert names == {g.value for g in stored.named_graphs()}
    pg = "https://w3id.org/policygraph/"
    assert {f"{pg}graph/s0", f"{pg}graph/derived", f"{pg}graph/census-2020"} <= names
    formats = {str(f) for f in graph.objects(service, sd.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_XML" in formats
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph


def test_limits_on_body_and_result_size(store: GraphStore) -> None:
    assert isinstance(store, OxigraphStore)
    limits = web.Limits(timeout=10, max_result_bytes=2_000, max_body_bytes=1_000)
    with running(web.Source(store.location()), workers=1, limits=limits) as small:
        big = http(
            small.url,
            body=b"ASK {} #" + b"x" * 2_000,
            headers={"Content-Type": "application/sparql-query"},
        )
        assert big.status == 413 and "1,000 bytes" in big.text
        status, _, body = _get(small.url, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 413 and "LIMIT" in body
        assert _get(small.url, COUNT)[0] == 200  # the same worker goes on


def test_a_query_past_its_time_limit_is_stopped_and_others_go_on(store: GraphStore) -> None:
    assert isinstance(store, OxigraphStore)
    with running(web.Source(store.location()), workers=2, limits=web.Limits(timeout=1.5)) as srv:
        assert _get(srv.url, COUNT)[0] == 200  # both workers started
        endless: dict[str, object] = {}

        def run_endless() -> None:
            started = time.monotonic()
            endless["status"], _, endless["body"] = _get(srv.url, ENDLESS)
            endless["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=run_endless)
        thread.start()
        time.sleep(0.3)
        # Meanwhile another client is answered by the other worker.
        assert _get(srv.url, COUNT)[0] == 200
        assert thread.is_alive(), "the endless query should still be running"
        thread.join(timeout=30)
        assert endless["status"] == 503 and "time limit of 1.5 s" in str(endless["body"])
        assert 1.5 <= float(endless["seconds"]) < 10  # type: ignore[arg-type]
        for number in range(4):  # the stopped worker was replaced: every worker answers again
            # (each a new text, so that a worker runs it rather than the kept answer)
            assert _get(srv.url, f"{COUNT} # {number}")[0] == 200


def test_a_query_whose_client_goes_away_is_stopped(store: GraphStore) -> None:
    assert isinstance(store, OxigraphStore)
    with running(web.Source(store.location()), workers=1, limits=web.Limits(timeout=60)) as srv:
        assert _get(srv.url, COUNT)[0] == 200
        pid = srv.pool.workers[0].process.pid
        host, port = srv.url.split("//")[1].split("/")[0].split(":")
        path = _q("/sparql", ENDLESS)
        with socket.create_connection((host, int(port))) as raw:
            raw.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(0.5)
        for _ in range(100):  # bounded: ten seconds, far below the 60 s limit
            if srv.pool.workers[0].process.pid != pid:
                break
            time.sleep(0.1)
        assert srv.pool.workers[0].process.pid != pid, "the worker was not stopped"
        assert _get(srv.url, f"{COUNT} # the new worker")[0] == 200


def _cached(
    url: str, query: str, accept: str = "application/sparql-results+json"
) -> tuple[str, bytes]:
    reply = http(_q(url, query), headers={"Accept": accept})
    assert reply.status == 200, reply.text
    return reply.headers["x-cache"], reply.body


def test_a_question_asked_again_is_answered_from_the_kept_answer(served: Served) -> None:
    query = f"{COUNT} # asked again"
    first, second = _cached(served.url, query), _cached(served.url, query)
    assert (first[0], second[0]) == ("miss", "hit") and first[1] == second[1]
    # Another wording of the same choice of format shares it; another format does not.
    worded = "text/csv;q=0.5, application/sparql-results+json"
    assert _cached(served.url, query, worded) == ("hit", first[1])
    assert _cached(served.url, query, "text/csv")[0] == "miss"
    # Nor does a query whose answer changes at every asking.
    rand = "SELECT (RAND() AS ?r) WHERE {}"
    assert [_cached(served.url, rand)[0] for _ in "ab"] == ["uncached", "uncached"]


def test_clients_asking_the_same_question_at_once_share_one_computation(served: Served) -> None:
    # Every quad of the national store counted: long enough for the asks to overlap.
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # asked at once"
    hows: list[tuple[str, bytes]] = []
    threads = [
        threading.Thread(target=lambda: hows.append(_cached(served.url, query))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(hows) == 6 and len({body for _, body in hows}) == 1
    assert sorted(how for how, _ in hows).count("miss") == 1, hows


def test_no_answer_is_kept_with_cache_bytes_zero(store: GraphStore) -> None:
    assert isinstance(store, OxigraphStore)
    limits = web.Limits(cache_bytes=0)
    with running(web.Source(store.location()), workers=1, limits=limits) as srv:
        assert [_cached(srv.url, COUNT)[0] for _ in "ab"] == ["uncached", "uncached"]


def test_cors_is_opt_in(served: Served, store: GraphStore) -> None:
    headers = {"Origin": "https://example.org"}
    assert (
        "access-control-allow-origin" not in http(_q(served.url, "ASK {}"), headers=headers).headers
    )
    assert isinstance(store, OxigraphStore)
    with running(web.Source(store.location()), workers=1, cors=("*",)) as open_srv:
        reply = http(_q(open_srv.url, "ASK {}"), headers=headers)
        assert reply.headers.get("access-control-allow-origin") == "*"


def test_clients_sparqlwrapper_rdflib_and_a_service_call(served: Served, store: GraphStore) -> None:
    from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

    for fmt in (JSON, XML, CSV, TSV):
        client = SPARQLWrapper(served.url)
        client.setQuery(PLAIN_COUNT)
        client.setReturnFormat(fmt)
        converted = client.query().convert()
        assert converted, fmt
    for fmt in (TURTLE, RDFXML, N3, JSONLD, XML):
        client = SPARQLWrapper(served.url)
        client.setQuery(
            f"PREFIX pg: <{PG}def#> PREFIX dcterms: <http://purl.org/dc/terms/> {CONSTRUCT}"
        )
        client.setReturnFormat(fmt)
        converted = client.queryAndConvert()
        assert len(converted) >= 38 if isinstance(converted, Graph) else converted, fmt
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(served.url))
    rows = list(remote.query(PLAIN_COUNT))
    assert int(rows[0][0]) == 19  # type: ignore[index]
    federated = ox.Store().query(
        f"SELECT ?n WHERE {{ SERVICE <{served.url}> {{ {PLAIN_COUNT} }} }}"
    )
    assert [s["n"].value for s in federated] == ["19"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_every_named_query_gives_the_same_rows_through_serve(
    served: Served, store: GraphStore, name: str, params: dict[str, str]
) -> None:
    remote = run_query(SparqlStore(served.url), name, params)
    local = run_query(store, name, params)
    assert remote.variables == local.variables
    assert _rows(remote) == _rows(local)


def test_the_gap_report_through_the_endpoint_is_the_same(served: Served, store: GraphStore) -> None:
    remote = SparqlStore(served.url)
    assert find_gaps(remote, autonomous=True) == find_gaps(store, autonomous=True)


def test_the_command_answers_at_once_and_writes_the_pages_meanwhile(bundled_store: str) -> None:
    spec = bundled_store
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "policygraph", "--store", spec, "serve", "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        banner = process.stderr.readline()
        announced = time.monotonic()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", banner)
        assert match, banner
        base = f"http://127.0.0.1:{match.group(1)}"
        assert http(_q(f"{base}/sparql", "ASK {}")).status == 200
        assert time.monotonic() - announced < 5  # the first query waits for a worker to start
        first = http(f"{base}/index.html")
        assert first.status in (200, 503)
        for _ in range(180):  # bounded: three minutes on a loaded machine
            page = http(f"{base}/region/620923.html")
            if page.status == 200:
                break
            assert page.status == 503 and "being written" in page.text
            time.sleep(1)
        assert "Subei Mongol Autonomous County" in page.text
        # Served pages cover every region, also those only the division list names.
        for _ in range(180):
            page = http(f"{base}/region/110101.html")
            if page.status == 200:
                break
            time.sleep(1)
        assert "Dongcheng District" in page.text
    finally:
        process.terminate()
        _, log = process.communicate(timeout=30)
    lines = [line for line in log.splitlines() if " GET " in line]
    assert any(" GET /sparql 200 " in line and "'ASK {}'" in line for line in lines)
    assert any(" GET /region/620923.html 200 " in line for line in lines)
