"""The service description: what GET /sparql with no query answers (SPARQL 1.1 Service
Description), with the store's named graphs."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence

import pyoxigraph as ox
from starlette.responses import PlainTextResponse, Response

from policygraph.serve.execution import Job
from policygraph.serve.negotiation import GRAPH_TYPES, content_type, negotiate
from policygraph.serve.pool import QueryPool
from policygraph.serve.protocol import Refused

__all__ = ["named_graphs", "service_description"]

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"

#: The named graphs of the store, asked of it at each request (its data may be replaced).
_GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"


async def named_graphs(
    pool: QueryPool, endpoint: str, gone: Callable[[], Awaitable[bool]]
) -> list[str]:
    job = Job(query=_GRAPHS_QUERY, base_iri=endpoint, accept="application/sparql-results+json")
    answer = await pool.submit(job, gone)
    if answer.status != 200:
        raise Refused(answer.status, answer.body.decode("utf-8", "replace").strip())
    bindings = json.loads(answer.body)["results"]["bindings"]
    return [binding["g"]["value"] for binding in bindings]


def service_description(
    endpoint: str, accept: str | None, graphs: Sequence[str] = (), *, federated: bool
) -> Response:
    media = negotiate(accept, list(GRAPH_TYPES))
    if media is None:
        return PlainTextResponse(
            "no acceptable format for the service description; this endpoint offers "
            + ", ".join(GRAPH_TYPES)
            + "\n",
            status_code=406,
        )
    service, sd = ox.BlankNode("service"), SD
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def node(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    triples = [
        ox.Triple(service, a, node(sd + "Service")),
        ox.Triple(service, node(sd + "endpoint"), node(endpoint)),
        ox.Triple(service, node(sd + "supportedLanguage"), node(sd + "SPARQL11Query")),
        ox.Triple(service, node(sd + "feature"), node(sd + "UnionDefaultGraph")),
    ]
    if federated:
        triples.append(ox.Triple(service, node(sd + "feature"), node(sd + "BasicFederatedQuery")))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"):
        triples.append(ox.Triple(service, node(sd + "resultFormat"), node(FORMATS + name)))
    for name in ("SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD"):
        triples.append(ox.Triple(service, node(sd + "resultFormat"), node(FORMATS + name)))
    for name in ("N-Quads", "TriG"):
        triples.append(ox.Triple(service, node(sd + "resultFormat"), node(FORMATS + name)))
    # The dataset: the default graph (the union of the named graphs) and each named graph.
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples += [
        ox.Triple(service, node(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, a, node(sd + "Dataset")),
        ox.Triple(dataset, node(sd + "defaultGraph"), default),
        ox.Triple(default, a, node(sd + "Graph")),
    ]
    for number, name in enumerate(graphs):
        named = ox.BlankNode(f"graph{number}")
        triples += [
            ox.Triple(dataset, node(sd + "namedGraph"), named),
            ox.Triple(named, a, node(sd + "NamedGraph")),
            ox.Triple(named, node(sd + "name"), node(name)),
        ]
    fmt = GRAPH_TYPES[media]
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        body = ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples], None, fmt)
    else:
        prefixes = {"sd": SD, "formats": FORMATS} if fmt == ox.RdfFormat.TURTLE else None
        body = ox.serialize(triples, None, fmt, prefixes=prefixes)
    assert body is not None
    return Response(body, media_type=content_type(media))
