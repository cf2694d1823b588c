"""The W3C SPARQL 1.1 Protocol test suite (tests/w3c/protocol/manifest.ttl), run against the real
endpoint: every case of the manifest, in its order.

Query cases must pass as written. The endpoint is read-only, so in the update cases the update
request must be refused (403) instead of succeeding; the requests that follow an update check
its effect and are not sent. The bad_update_* cases expect a 4xx and get it like any other.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from policygraph import serve as web

from .servers import Served, running

SUITE = Path(__file__).parent / "w3c" / "protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

#: Cases the published manifest gets wrong, with the reason; they must fail (strict xfail), so that
#: a corrected manifest shows up here.
KNOWN_WRONG = {
    "query_multiple_dataset": (
        "the manifest percent-encodes the '&' between its two named-graph-uri parameters "
        "(…data1.rdf%26named-graph-uri%3D…), so the request names one graph that does not exist "
        "and the ASK is false; the test as approved sends two parameters (w3c/rdf-tests#78)"
    ),
}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: frozenset[str]  # StatusCode2xx, StatusCode3xx, StatusCode4xx
    result: str | None  # boolean, tabular, RDF
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        kind = self.headers.get("content-type", "")
        text = (self.body or b"").decode("utf-8", "replace")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        return "sparql-update" in kind or text.startswith("update=") or "update" in query


@dataclass(frozen=True)
class Case:
    name: str
    calls: tuple[Call, ...]


def _list(graph: Graph, head: Node) -> list[Node]:
    return list(Collection(graph, head))


def _cases() -> tuple[list[Case], dict[str, Path]]:
    graph = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    cases: list[Case] = []
    data: dict[str, Path] = {}
    for entry in _list(graph, graph.value(manifest, MF.entries)):  # type: ignore[arg-type]
        for spec in graph.objects(entry, UT.graphData):
            file = Path(str(graph.value(spec, UT.graph)).removeprefix("file://"))
            data[str(graph.value(spec, RDFS.label))] = SUITE / file.name
        action = graph.value(entry, MF.action)
        calls = []
        for request in _list(graph, graph.value(action, HT.requests)):  # type: ignore[arg-type]
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            headers = {}
            head_list = graph.value(request, HT.headers)
            for header in _list(graph, head_list) if head_list is not None else []:
                name = str(graph.value(header, HT.fieldName)).lower()
                headers[name] = str(graph.value(header, HT.fieldValue))
            response = graph.value(request, HT.resp)
            expected = graph.value(response, MF.expectedBoolean)
            fmt = graph.value(response, MF.expectedFormat)
            calls.append(
                Call(
                    method=str(graph.value(request, HT.methodName)),
                    path=str(graph.value(request, HT.absolutePath)),
                    body=body,
                    headers=headers,
                    statuses=frozenset(
                        str(s).removeprefix(str(HT))
                        for s in graph.objects(response, MF.expectedStatus)
                    ),
                    result=None if fmt is None else str(fmt),
                    boolean=None if expected is None else bool(expected.toPython()),  # type: ignore[attr-defined]
                )
            )
        name = str(entry).rpartition("#")[2]
        cases.append(Case(name, tuple(calls)))
    return cases, data


CASES, DATA = _cases()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    quads = []
    for graph_iri, file in sorted(DATA.items()):
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.N_TRIPLES):
            quads.append(
                ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(graph_iri))
            )
    path = tmp_path_factory.mktemp("protocol") / "dataset.nq"
    ox.serialize(quads, str(path), ox.RdfFormat.N_QUADS)
    with running(web.Source(path, kind="nquads"), workers=2) as served:
        yield served


def _send(served: Served, call: Call) -> tuple[int, str, bytes]:
    parsed = urllib.parse.urlsplit(served.url)
    connection = HTTPConnection(parsed.hostname or "", parsed.port, timeout=30)
    try:
        connection.request(call.method, call.path, body=call.body, headers=call.headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def _status_ok(status: int, expected: frozenset[str]) -> bool:
    return any(f"StatusCode{status // 100}xx" == code for code in expected)


def _check_result(call: Call, content_type: str, body: bytes) -> None:
    media = content_type.split(";")[0].strip()
    if call.result in ("boolean", "tabular"):
        fmt = web.RESULT_TYPES.get(media)
        assert fmt is not None, f"{media} is not a SPARQL results format"
        parsed = ox.parse_query_results(body, fmt)
        if call.result == "boolean":
            assert isinstance(parsed, ox.QueryBoolean), "expected a boolean result"
            if call.boolean is not None:
                assert bool(parsed) is call.boolean
        else:
            assert isinstance(parsed, ox.QuerySolutions), "expected a table of results"
            list(parsed)
    elif call.result == "RDF":
        rdf = web.GRAPH_TYPES.get(media)
        assert rdf is not None, f"{media} is not an RDF format"
        list(ox.parse(body, rdf))


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c, id=c.name, marks=[pytest.mark.xfail(reason=KNOWN_WRONG[c.name], strict=True)]
        )
        if c.name in KNOWN_WRONG
        else pytest.param(c, id=c.name)
        for c in CASES
    ],
)
def test_protocol_case(endpoint: Served, case: Case) -> None:
    for call in case.calls:
        status, content_type, body = _send(endpoint, call)
        if call.is_update and not case.name.startswith("bad_"):
            # Read-only: the update is refused, and the checks of its effect are moot.
            assert status == 403, f"{call.method} {call.path}: {status} {body!r}"
            return
        assert _status_ok(status, call.statuses), (
            f"{call.method} {call.path}: {status}, expected {sorted(call.statuses)}: {body[:300]!r}"
        )
        if status < 300:
            _check_result(call, content_type, body)


def test_the_manifest_is_read_whole() -> None:
    names = [c.name for c in CASES]
    assert len(names) == 34 and len(set(names)) == 34
    assert sum(n.startswith(("query_", "bad_query", "bad_multiple_queries")) for n in names) == 20
    assert set(DATA) == {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)}


def test_query_multiple_dataset_as_approved(endpoint: Served) -> None:
    """The case above with its two named-graph-uri parameters apart: the protocol's dataset
    replaces the query's FROM, and both named graphs are there."""
    (call,) = next(c for c in CASES if c.name == "query_multiple_dataset").calls
    fixed = call.path.replace("%26named-graph-uri%3D", "&named-graph-uri=")
    status, content_type, body = _send(endpoint, Call(**{**call.__dict__, "path": fixed}))
    assert status == 200
    _check_result(call, content_type, body)
