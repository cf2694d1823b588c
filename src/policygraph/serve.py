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

import asyncio
import dataclasses
import json
import logging
import multiprocessing
import os
import queue
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policygraph.namespaces import PREFIXES
from policygraph.queries import readable_syntax_error
from policygraph.queries.service import uses_service
from policygraph.querypage import QueryPage
from policygraph.resultcache import ResultCache, depends_on, query_form
from policygraph.store import versions
from policygraph.store.base import GraphStore
from policygraph.store.oxigraph import OxigraphStore

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

log = logging.getLogger("policygraph.serve")

#: Media types offered for SELECT and ASK results, in the order preferred when the client has no
#: preference (the first is the default).
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
}
#: Media types offered for CONSTRUCT and DESCRIBE results and the service description.
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/n3": ox.RdfFormat.TURTLE,  # Turtle is N3; older clients ask for this
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # N-Triples' media type before 2014
}
TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "text/n3", "text/plain"}

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"


# --- content negotiation -------------------------------------------------------------------------


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    """The media ranges of an Accept header as (type, subtype, q)."""
    found = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        kind, _, sub = pieces[0].lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        found.append((kind, sub, q))
    return found


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the Accept header rates highest (RFC 9110 §12.5.1: the most specific
    matching range gives a type its q; ties go to the order of ``offered``); None if no offered
    type is acceptable. No header, or an empty one, accepts anything."""
    if not accept or not accept.strip():
        return offered[0] if offered else None
    ranges = _ranges(accept)
    best: tuple[float, int] | None = None
    chosen = None
    for index, media in enumerate(offered):
        kind, _, sub = media.partition("/")
        rating: tuple[int, float] | None = None  # (specificity, q)
        for rkind, rsub, q in ranges:
            if rkind == kind and rsub == sub:
                specificity = 2
            elif rkind == kind and rsub == "*":
                specificity = 1
            elif rkind == "*" and rsub == "*":
                specificity = 0
            else:
                continue
            if rating is None or specificity > rating[0]:
                rating = (specificity, q)
        if rating is None or rating[1] <= 0:
            continue
        key = (rating[1], -index)
        if best is None or key > best:
            best, chosen = key, media
    return chosen


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media in TEXT_TYPES else media


# --- query execution in worker processes --------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """What a worker opens: an Oxigraph store directory (read-only) or an N-Quads file that each
    worker loads into memory."""

    path: Path
    kind: str = "oxigraph"  # or "nquads"

    def open(self) -> ox.Store:
        if self.kind == "oxigraph":
            return ox.Store.read_only(str(self.path))
        store = ox.Store()
        store.bulk_load(path=str(self.path), format=ox.RdfFormat.N_QUADS)
        return store

    def current(self) -> Source:
        """The source as it is now: an Oxigraph path through the store's ``current`` pointer
        resolved to the version it names (a few system calls, made before each query)."""
        if self.kind != "oxigraph":
            return self
        return Source(Path(os.path.realpath(self.path)), self.kind)


@dataclass(frozen=True)
class Job:
    """One query as a worker runs it."""

    query: str
    base_iri: str
    accept: str | None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_bytes: int = 64 * 2**20


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    #: A word for the log line: ok, syntax, timeout, too-large, not-acceptable, error, cancelled,
    #: busy.
    outcome: str = "ok"
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The store version the query ran on (set by the pool; kept answers are per version).
    version: str = ""


def _text(status: int, message: str, outcome: str, **headers: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode(), outcome, headers)


class _Bounded:
    """A binary writer that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


class _TooLarge(Exception):
    pass


def _graphs(iris: tuple[str, ...]) -> list[ox.NamedNode]:
    return [ox.NamedNode(i) for i in iris]


def execute(store: ox.Store, job: Job) -> Answer:
    """Run one query and serialise its result; every failure becomes an HTTP answer."""
    dataset: dict[str, Any] = {}
    if job.default_graphs is None and job.named_graphs is None:
        dataset["use_default_graph_as_union"] = True
    else:  # the protocol's dataset replaces the query's own FROM / FROM NAMED
        dataset["default_graph"] = _graphs(job.default_graphs or ())
        dataset["named_graphs"] = _graphs(job.named_graphs or ())
    try:
        result = store.query(job.query, base_iri=job.base_iri, prefixes=PREFIXES, **dataset)
    except SyntaxError as exc:
        return _text(400, readable_syntax_error(str(exc)), "syntax")
    except (ValueError, OSError) as exc:  # e.g. an IRI the protocol gave that is not one
        return _text(400, f"cannot run the query: {_one_line(exc)}", "error")
    if isinstance(result, ox.QueryTriples):
        graph_media = negotiate(job.accept, list(GRAPH_TYPES))
        if graph_media is None:
            return _not_acceptable("a graph (CONSTRUCT or DESCRIBE)", GRAPH_TYPES)
        media, write = graph_media, _graph_writer(result, GRAPH_TYPES[graph_media])
    else:
        result_media = negotiate(job.accept, list(RESULT_TYPES))
        if result_media is None:
            kind = "a boolean (ASK)" if isinstance(result, ox.QueryBoolean) else "a table (SELECT)"
            return _not_acceptable(kind, RESULT_TYPES)
        media, write = result_media, _results_writer(result, RESULT_TYPES[result_media])
    out = _Bounded(job.max_bytes)
    try:
        write(out)
    except _TooLarge:
        return _text(
            413,
            f"the result is larger than the limit of {job.max_bytes:,} bytes "
            "(serve --max-result-bytes); add a LIMIT or narrow the query",
            "too-large",
        )
    except OSError as exc:  # a SERVICE that fails, a store read error
        return _text(502, f"the query failed while running: {_one_line(exc)}", "error")
    except Exception as exc:  # noqa: BLE001 - the engine's evaluation errors are its own types
        return _text(500, f"the query failed while running: {_one_line(exc)}", "error")
    return Answer(200, _content_type(media), b"".join(out.parts))


def _graph_writer(result: ox.QueryTriples, fmt: ox.RdfFormat) -> Callable[[_Bounded], object]:
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):  # triples in the default graph
        quads = (ox.Quad(t.subject, t.predicate, t.object) for t in result)
        return lambda out: ox.serialize(quads, out, fmt)  # type: ignore[arg-type]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return lambda out: ox.serialize(result, out, fmt, prefixes=prefixes)  # type: ignore[arg-type]


def _results_writer(
    result: ox.QuerySolutions | ox.QueryBoolean, fmt: ox.QueryResultsFormat
) -> Callable[[_Bounded], object]:
    return lambda out: result.serialize(out, fmt)  # type: ignore[arg-type]


def _not_acceptable(kind: str, offered: Mapping[str, object]) -> Answer:
    return _text(
        406,
        f"no acceptable format for {kind}; this endpoint offers " + ", ".join(offered),
        "not-acceptable",
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] or type(exc).__name__


def _worker_main(source: Source, conn: Connection) -> None:
    """A worker process: open the store once, then answer jobs until the pipe closes."""
    try:
        store = source.open()
    except (OSError, ValueError, SyntaxError) as exc:
        conn.send(("failed", _one_line(exc)))
        return
    conn.send(("ready", ""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(execute(store, job))


#: A query that has run this long is lowered in priority (niceness LONG_NICENESS), so that the
#: short queries of other clients keep their cores while it goes on to its time limit.
LONG = 0.5
LONG_NICENESS = 15


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, source: Source) -> None:
        self._context = context
        self._source = source
        self.started = 0.0
        self._start()

    def _start(self) -> None:
        self.conn, child = self._context.Pipe()
        self.process = self._context.Process(
            target=_worker_main, args=(self._source, child), daemon=True, name="policygraph-query"
        )
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()

    def restart(self, source: Source | None = None) -> None:
        self.stop()
        self._source = source or self._source
        self._start()

    @property
    def source(self) -> Source:
        return self._source

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def _wait_ready(self, limit: float) -> str | None:
        """None once the worker has opened the store, or why it could not."""
        if self.ready:
            return None
        if not self.conn.poll(limit):
            return f"the query worker did not open the store within {limit:.0f} s"
        try:
            state, detail = self.conn.recv()
        except (EOFError, OSError):
            return "the query worker could not start"
        if state != "ready":
            return f"the query worker cannot open the store: {detail}"
        self.ready = True
        return None

    def run(self, job: Job, timeout: float, cancelled: threading.Event) -> Answer:
        problem = self._wait_ready(60.0)
        if problem is not None:
            self.restart()
            return _text(503, problem, "error")
        self.conn.send(job)
        started = time.monotonic()
        deadline = started + timeout
        niced = False
        try:
            while True:
                remaining = deadline - time.monotonic()
                if not niced and time.monotonic() - started > LONG:
                    niced = self._nice(LONG_NICENESS)
                answer = self._poll(remaining, timeout, cancelled)
                if answer is not None:
                    return answer
        finally:
            if niced and self.process.is_alive() and not self._nice(0):
                self.restart()  # cannot raise its priority again: a fresh worker instead

    def _nice(self, niceness: int) -> bool:
        """Set the worker's scheduling niceness; False where the system does not allow it."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, niceness)
        except OSError:
            return False
        return True

    def _poll(self, remaining: float, timeout: float, cancelled: threading.Event) -> Answer | None:
        """The worker's answer, an answer for a stopped query, or None to wait on."""
        if remaining <= 0:
            self.restart()
            return _text(
                503,
                f"the query ran past the time limit of {timeout:g} s and was stopped "
                "(serve --timeout); narrow it or add a LIMIT",
                "timeout",
            )
        if cancelled.is_set():
            self.restart()
            return _text(499, "the client went away; the query was stopped", "cancelled")
        try:
            if self.conn.poll(min(remaining, 0.1)):
                answer: Answer = self.conn.recv()
                return answer
        except (EOFError, OSError):
            pass
        else:
            return None
        self.restart()  # the worker died (out of memory, say); its query with it
        return _text(500, "the query worker stopped unexpectedly", "error")


class QueryPool:
    """Worker processes that run queries, at most one each at a time, with a time limit."""

    def __init__(self, source: Source, workers: int = 2, timeout: float = 10.0) -> None:
        if workers < 1:
            raise ValueError("at least one worker")
        self.timeout = timeout
        # Not a plain fork: the server has threads, and a forked copy of them is undefined. A fork
        # server (one clean process with this module imported) starts a replacement worker in
        # milliseconds, where spawning one would import policygraph again (0.6 s of CPU).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._source = source
        self._holds = _Holds()
        opened = source.current()
        self.workers = [_Worker(context, self._holds.take(opened)) for _ in range(workers)]
        for worker in self.workers:
            self._idle.put(worker)
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="policygraph-q")

    def run(
        self, job: Job, cancelled: threading.Event | None = None, ticket: _Ticket | None = None
    ) -> Answer:
        """Run ``job`` on the next free worker (blocking)."""
        cancelled = cancelled or threading.Event()
        worker = self._idle.get()
        try:
            if cancelled.is_set():
                return _text(499, "the client went away before the query ran", "cancelled")
            if ticket is not None and not ticket.take():
                return _text(503, "the query waited too long for a worker", "busy")
            self._follow(worker)
            answer = worker.run(job, self.timeout, cancelled)
            return dataclasses.replace(answer, version=str(worker.source.path))
        finally:
            self._idle.put(worker)

    def version(self) -> str:
        """The store version a query started now would read."""
        return str(self._source.current().path)

    async def submit(self, job: Job, gone: Callable[[], Awaitable[bool]]) -> Answer:
        """Run ``job`` without blocking the event loop; stop it if ``gone()`` turns true.

        A query that finds no free worker within the time limit is answered 503 then, with
        ``Retry-After``: however many heavy queries arrive at once, every client has an answer
        within two time limits (one waiting, one running)."""
        cancelled, ticket = threading.Event(), _Ticket()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.executor, self.run, job, cancelled, ticket)
        deadline = time.monotonic() + self.timeout
        while True:
            done, _ = await asyncio.wait({future}, timeout=0.25)
            if done:
                return future.result()
            if not cancelled.is_set() and await gone():
                cancelled.set()
            if time.monotonic() > deadline and ticket.abandon():
                workers = len(self.workers)
                return _text(
                    503,
                    f"all {workers} query workers stayed busy for the time limit of "
                    f"{self.timeout:g} s; retry in a few seconds",
                    "busy",
                    **{"Retry-After": "5"},
                )

    def _follow(self, worker: _Worker) -> None:
        """Start ``worker`` afresh on the store's current version if a build replaced the one
        it has open."""
        now = self._source.current()
        if now != worker.source:
            previous = worker.source
            worker.restart(self._holds.take(now))
            self._holds.drop(previous)
            log.info("the store was rebuilt: a query worker now reads %s", now.path)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        for worker in self.workers:
            worker.stop()
            self._holds.drop(worker.source)


class _Ticket:
    """A queued query's place: either a worker takes it, or its client is answered 503 for
    waiting too long, never both."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = "queued"

    def _leave(self, state: str) -> bool:
        with self._lock:
            if self._state != "queued":
                return False
            self._state = state
            return True

    def take(self) -> bool:
        return self._leave("taken")

    def abandon(self) -> bool:
        return self._leave("abandoned")


class _Holds:
    """The store versions the workers have open, each held (:func:`versions.hold`) while at
    least one does, so that a build does not remove a version a worker still reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[Path, tuple[int | None, int]] = {}

    def take(self, source: Source) -> Source:
        if source.kind == "oxigraph":
            version = source.path.parent  # the db's directory: a store version
            with self._lock:
                fd, users = self._held.get(version, (None, 0))
                if users == 0:
                    fd = versions.hold(version)
                self._held[version] = (fd, users + 1)
        return source

    def drop(self, source: Source) -> None:
        if source.kind != "oxigraph":
            return
        version = source.path.parent
        with self._lock:
            fd, users = self._held.pop(version, (None, 0))
            if users > 1:
                self._held[version] = (fd, users - 1)
            else:
                versions.release(fd)


# --- the browse pages ----------------------------------------------------------------------------


class Pages:
    """The browse pages: a directory that is ready, or being written by a background process."""

    def __init__(self, directory: Path, writer: subprocess.Popen[bytes] | None = None) -> None:
        self.directory = directory
        self.writer = writer
        self._static: StaticFiles | None = None

    def state(self) -> str:
        """ready, writing or failed."""
        if self.writer is not None:
            code = self.writer.poll()
            if code is None:
                return "writing"
            if code != 0:
                return "failed"
        return "ready" if self.directory.is_dir() else "failed"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.state()
        if state != "ready":
            message = (
                "the browse pages are still being written; the SPARQL endpoint (/sparql) works "
                "now; retry in a few seconds"
                if state == "writing"
                else "the browse pages could not be written; see the server log"
            )
            response = PlainTextResponse(message + "\n", status_code=503)
            response.headers["Retry-After"] = "5"
            await response(scope, receive, send)
            return
        if self._static is None:
            # No symlink leads out of the directory (Starlette resolves it and answers 404), and
            # a directory without an index page is 404, never a listing.
            self._static = StaticFiles(directory=self.directory, html=True, follow_symlink=False)
        await self._static(scope, receive, send)


# --- the app -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_result_bytes: int = 64 * 2**20
    max_body_bytes: int = 2**20
    #: Run federated queries (SERVICE), which make this server send requests to other servers.
    allow_service: bool = False
    #: Bytes of answers kept for the store version served (0: none kept); see ``resultcache``.
    cache_bytes: int = 256 * 2**20


class _Refused(Exception):
    def __init__(self, status: int, message: str, **headers: str) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers


_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
_READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"
_NO_SERVICE = (
    "SERVICE (a federated query) is refused: this endpoint does not send requests to other "
    "servers; query each endpoint yourself, or start it with `policygraph serve --allow-service`"
)


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _Refused(413, f"the request body is larger than the limit of {limit:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refused(413, f"the request body is larger than the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(
            400, f"the {what} is not UTF-8 (byte {exc.start}); send it encoded as UTF-8"
        ) from None


def _media(request: Request) -> tuple[str, str | None]:
    """The request's media type and its charset parameter."""
    header = request.headers.get("content-type", "")
    pieces = [p.strip() for p in header.split(";")]
    charset = None
    for param in pieces[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return pieces[0].lower(), charset


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise _Refused(400, f"{len(values)} {name} parameters; send exactly one")
    return values[0] if values else None


async def _operation(request: Request, limit: int) -> tuple[str | None, dict[str, list[str]]]:
    """The query text (None for a service description request) and every protocol parameter."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "GET":
        if "update" in params:
            raise _Refused(403, _READ_ONLY + " (and an update is never sent by GET)")
        return _one(params, "query"), params
    media, charset = _media(request)
    if media == _UPDATE:
        raise _Refused(403, _READ_ONLY)
    if charset not in (None, "utf-8", "utf8"):
        raise _Refused(415, f"charset {charset} is not supported; send UTF-8")
    body = await _body(request, limit)
    if media == _QUERY:
        if "query" in params:
            raise _Refused(400, "a query in the URL and another in the body; send one")
        return _decode(body, "query"), params
    if media == _FORM:
        text = _decode(body, "form body")
        try:
            pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise _Refused(400, f"a %-escape of the form is not UTF-8 ({exc.reason})") from None
        for key, value in pairs:
            params.setdefault(key, []).append(value)
        if "update" in params:
            raise _Refused(403, _READ_ONLY)
        query = _one(params, "query")
        if query is None:
            raise _Refused(400, "the form has no query parameter")
        return query, params
    shown = media or "none"
    raise _Refused(
        415,
        f"a POST must be {_FORM} (query=…) or {_QUERY}; this one's Content-Type is {shown}",
    )


#: The named graphs of the store, asked of it at each request (its data may be replaced).
_GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"


async def _named_graphs(
    pool: QueryPool, endpoint: str, gone: Callable[[], Awaitable[bool]]
) -> list[str]:
    job = Job(query=_GRAPHS_QUERY, base_iri=endpoint, accept="application/sparql-results+json")
    answer = await pool.submit(job, gone)
    if answer.status != 200:
        raise _Refused(answer.status, answer.body.decode("utf-8", "replace").strip())
    bindings = json.loads(answer.body)["results"]["bindings"]
    return [binding["g"]["value"] for binding in bindings]


def _service_description(
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
    return Response(body, media_type=_content_type(media))


def _iris(params: Mapping[str, list[str]], name: str) -> tuple[str, ...] | None:
    values = params.get(name)
    if values is None:
        return None
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise _Refused(400, f"{name}={value!r} is not an absolute IRI") from None
    return tuple(values)


def _request_key(job: Job, accept: str | None) -> tuple[object, ...]:
    """What an answer depends on in a request: the job, with the format its Accept header
    chooses for the query's form rather than the header's text, so that clients that word it
    differently share one kept answer."""
    form = query_form(job.query)
    results = negotiate(accept, list(RESULT_TYPES)) if form != "CONSTRUCT" else None
    graph = negotiate(accept, list(GRAPH_TYPES)) if form not in ("SELECT", "ASK") else None
    if form == "DESCRIBE":
        results = None
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
            text, params = await _operation(request, limits.max_body_bytes)
            endpoint = str(request.url.replace(query="", fragment=""))
            accept = request.headers.get("accept")
            if text is None:
                request.state.outcome = "description"
                federated = limits.allow_service
                if negotiate(accept, list(GRAPH_TYPES)) is None:  # 406 before asking the store
                    return _service_description(endpoint, accept, federated=federated)
                graphs = await _named_graphs(pool, endpoint, request.is_disconnected)
                return _service_description(endpoint, accept, graphs, federated=federated)
            request.state.query = text
            if not text.strip():
                raise _Refused(400, "the query is empty")
            if not limits.allow_service and uses_service(text):
                raise _Refused(400, _NO_SERVICE)
            job = Job(
                query=text,
                base_iri=endpoint,
                accept=accept,
                default_graphs=_iris(params, "default-graph-uri"),
                named_graphs=_iris(params, "named-graph-uri"),
                max_bytes=limits.max_result_bytes,
            )
        except _Refused as refused:
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


# --- running it ----------------------------------------------------------------------------------


def listen(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free port); OSError if the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


#: Connections (and requests in progress) at once; past it a request is answered 503 at once.
MAX_CONNECTIONS = 256
#: Seconds a client has to send a whole request (head and body) once connected or after its
#: previous answer; a connection that is slower is closed (a slowloris holds no slot).
REQUEST_SECONDS = 10.0
#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE_SECONDS = 5


def _protocol(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's HTTP/1.1 protocol with a deadline for each request to arrive whole.

    uvicorn 0.54 has no such timeout: its keep-alive timer starts after a first answer and stops
    when any byte arrives, so a client that sends a request's head a byte at a time, or never
    ends it, holds its connection (and a place under the connection limit) forever."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class DeadlineProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline = self.loop.call_later(seconds, self._expired)

        def _expired(self) -> None:
            # IDLE: the head is not all here; SEND_BODY: the body is not. Either is too slow.
            slow = self.conn.their_state in (h11.IDLE, h11.SEND_BODY)
            if slow and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

    return DeadlineProtocol


def server(
    app: Starlette,
    sock: socket.socket,
    *,
    max_connections: int = MAX_CONNECTIONS,
    request_seconds: float = REQUEST_SECONDS,
    keep_alive_seconds: int = KEEP_ALIVE_SECONDS,
) -> Any:
    """A uvicorn server for ``app`` on ``sock``; ``.run(sockets=[sock])`` serves until stopped."""
    import uvicorn

    config = uvicorn.Config(
        app,
        http=_protocol(request_seconds),
        log_config=None,  # our own one line per request (policygraph.serve)
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        limit_concurrency=max_connections,
        timeout_keep_alive=keep_alive_seconds,
    )
    return uvicorn.Server(config)


def serve(app: Starlette, sock: socket.socket, *, max_connections: int = MAX_CONNECTIONS) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    server(app, sock, max_connections=max_connections).run(sockets=[sock])


def exposed(host: str) -> bool:
    """Whether binding ``host`` lets other machines connect (not a loopback address)."""
    import ipaddress

    if host.lower() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a name: it may resolve to anything


#: Worker processes by default: one more than the cores, so that a query stuck until its time
#: limit leaves every core to the others.
DEFAULT_WORKERS = min(os.cpu_count() or 2, 8) + 1


def source_for(store: GraphStore, scratch: Path) -> Source:
    """What the workers open for ``store``: an Oxigraph store's own files, read-only; any other
    store's quads written once as N-Quads (by rdflib) for each worker to load."""
    if isinstance(store, OxigraphStore):
        return Source(store.location())
    from rdflib import Dataset

    dataset = Dataset()
    dataset.addN((s, p, o, dataset.graph(g)) for s, p, o, g in store.quads())  # type: ignore[arg-type]
    path = scratch / "dataset.nq"
    dataset.serialize(path, format="nquads", encoding="utf-8")
    return Source(path, kind="nquads")
