"""The Starlette app: /sparql on the query pool, with the answers kept per store version
(:mod:`policygraph.resultcache`), the query page and the browse pages; one log line per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policygraph.queries.service import uses_service
from policygraph.querypage import QueryPage
from policygraph.resultcache import ResultCache, depends_on, query_form
from policygraph.serve.description import named_graphs, service_description
from policygraph.serve.execution import Answer, Job
from policygraph.serve.negotiation import GRAPH_TYPES, RESULT_TYPES, negotiate
from policygraph.serve.pages import Pages
from policygraph.serve.pool import QueryPool
from policygraph.serve.protocol import Refused, graph_iris, read_operation

__all__ = ["Limits", "log", "make_app"]

log = logging.getLogger("policygraph.serve")


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_result_bytes: int = 64 * 2**20
    max_body_bytes: int = 2**20
    #: Run federated queries (SERVICE), which make this server send requests to other servers.
    allow_service: bool = False
    #: Bytes of answers kept for the store version served (0: none kept); see ``resultcache``.
    cache_bytes: int = 256 * 2**20


_NO_SERVICE = (
    "SERVICE (a federated query) is refused: this endpoint does not send requests to other "
    "servers; query each endpoint yourself, or start it with `policygraph serve --allow-service`"
)


_TABLE_FORMS = ("SELECT", "ASK")
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


def _request_key(job: Job, accept: str | None) -> tuple[object, ...]:
    """What an answer depends on in a request: the job, with the format its Accept header
    chooses for the query's form rather than the header's text, so that clients that word it
    differently share one kept answer."""
    # A form not read (None): both formats, as either may be the answer's.
    form = query_form(job.query)
    results = negotiate(accept, list(RESULT_TYPES)) if form not in _GRAPH_FORMS else None
    graph = negotiate(accept, list(GRAPH_TYPES)) if form not in _TABLE_FORMS else None
    return (
        job.query,
        job.base_iri,
        results,
        graph,
        job.default_graphs,
        job.named_graphs,
        job.max_bytes,
    )


def make_app(
    pool: QueryPool,
    pages: Pages | None = None,
    *,
    limits: Limits | None = None,
    cors: Sequence[str] = (),
    query_page: QueryPage | None = None,
) -> Starlette:
    """The web app: /sparql on ``pool``, the query page (/query, see ``querypage``) when
    given, everything else from ``pages``."""
    limits = limits or Limits()
    cache: ResultCache[Answer] = ResultCache(limits.cache_bytes)

    async def sparql(request: Request) -> Response:
        try:
            text, params = await read_operation(request, limits.max_body_bytes)
            endpoint = str(request.url.replace(query="", fragment=""))
            accept = request.headers.get("accept")
            if text is None:
                request.state.outcome = "description"
                federated = limits.allow_service
                if negotiate(accept, list(GRAPH_TYPES)) is None:  # 406 before asking the store
                    return service_description(endpoint, accept, federated=federated)
                graphs = await named_graphs(pool, endpoint, request.is_disconnected)
                return service_description(endpoint, accept, graphs, federated=federated)
            request.state.query = text
            if not text.strip():
                raise Refused(400, "the query is empty")
            if not limits.allow_service and uses_service(text):
                raise Refused(400, _NO_SERVICE)
            job = Job(
                query=text,
                base_iri=endpoint,
                accept=accept,
                default_graphs=graph_iris(params, "default-graph-uri"),
                named_graphs=graph_iris(params, "named-graph-uri"),
                max_bytes=limits.max_result_bytes,
            )
        except Refused as refused:
            request.state.outcome = "refused"
            return PlainTextResponse(
                str(refused) + "\n", status_code=refused.status, headers=refused.headers
            )
        depends = depends_on(text)
        got = await cache.answer(
            pool.version(),
            (*_request_key(job, accept), depends),
            lambda: pool.submit(job, request.is_disconnected),
            cacheable=depends is not None,
        )
        answer = got.answer
        request.state.outcome = answer.outcome if got.how in ("miss", "uncached") else got.how
        headers = {"Vary": "Accept", "X-Cache": got.how, **answer.headers}
        return Response(answer.body, answer.status, headers, media_type=answer.content_type)

    routes: list[Route | Mount] = [
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/sparql/", sparql, methods=["GET", "POST"]),
    ]
    if query_page is not None:
        routes.extend(query_page.routes())
    if pages is not None:
        routes.append(Mount("/", app=pages))
    middleware = [Middleware(_AccessLog)]
    if cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors),
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type", "Accept"],
            )
        )
    return Starlette(routes=routes, middleware=middleware)


class _AccessLog:
    """One log line per request: client, method, path, status, bytes, milliseconds, outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size = 500, 0

        async def sending(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            state = scope.get("state", {})
            client = scope.get("client") or ("-", 0)
            path = scope.get("path", "")
            query = " ".join(str(state.get("query", "")).split())
            detail = f" {state.get('outcome', '')}".rstrip()
            if query:
                detail += f" {query[:120]!r}"
            log.info(
                "%s %s %s %d %dB %.1fms%s",
                client[0],
                scope.get("method", "-"),
                path,
                status,
                size,
                (time.perf_counter() - started) * 1000,
                detail,
            )
