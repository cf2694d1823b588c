"""``policygraph serve``: a read-only SPARQL 1.1 Protocol endpoint plus the browse pages.

The web side is a Starlette app under uvicorn. ``/sparql`` takes queries by GET (``?query=``) and
POST (a form, or an ``application/sparql-query`` body), with the protocol's dataset parameters
(``default-graph-uri``, ``named-graph-uri``); with no query, GET answers the service description.
Updates are refused (403): the endpoint is read-only. Every other path is a browse page.

Queries run in worker processes, each with its own read-only view of the store, so that several
run at once on several cores and one that passes its time limit can be stopped: the worker is
killed (SIGKILL) and a fresh one started in its place. A query whose client disconnects is
stopped the same way. When a build replaces the store, each worker is started afresh on the new
version before its next query (no restart of the server); the old version is held until no
worker has it open. A worker answers with the bytes of the result, written by Oxigraph's own
serialisers (SPARQL XML, JSON, CSV, TSV; Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) in
the format the Accept header prefers (q-values honoured; 406 when nothing offered fits), and stops
writing when the result passes the size limit.
"""

from __future__ import annotations

from policygraph.queries import readable_syntax_error
from policygraph.serve.app import Limits, make_app
from policygraph.serve.app import log as log
from policygraph.serve.execution import Answer as Answer
from policygraph.serve.execution import Job as Job
from policygraph.serve.execution import execute as execute
from policygraph.serve.httpserver import MAX_CONNECTIONS as MAX_CONNECTIONS
from policygraph.serve.httpserver import exposed, serve
from policygraph.serve.httpserver import listen as listen
from policygraph.serve.httpserver import server as server
from policygraph.serve.negotiation import GRAPH_TYPES as GRAPH_TYPES
from policygraph.serve.negotiation import RESULT_TYPES as RESULT_TYPES
from policygraph.serve.negotiation import negotiate
from policygraph.serve.pages import Pages
from policygraph.serve.pool import DEFAULT_WORKERS as DEFAULT_WORKERS
from policygraph.serve.pool import QueryPool, Source, source_for

__all__ = [
    "Limits",
    "Pages",
    "QueryPool",
    "Source",
    "exposed",
    "make_app",
    "negotiate",
    "readable_syntax_error",
    "serve",
    "source_for",
]
