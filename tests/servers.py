"""Running the real endpoint for tests: the Starlette app under uvicorn on a loopback socket, with
real worker processes; plain HTTP helpers that never raise on an error status."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from typing import Any

from policygraph import serve as web
from policygraph.querypage import QueryPage


@dataclass
class Served:
    url: str  # the endpoint, http://127.0.0.1:PORT/sparql
    pool: web.QueryPool

    @property
    def base(self) -> str:
        return self.url.removesuffix("/sparql")


@contextmanager
def running(
    source: web.Source,
    *,
    pages: web.Pages | None = None,
    workers: int = 2,
    limits: web.Limits | None = None,
    cors: tuple[str, ...] = (),
    query_page: QueryPage | None = None,
    **options: Any,
) -> Iterator[Served]:
    """``options``: those of :func:`policygraph.serve.server` (connection limit, timeouts)."""
    limits = limits or web.Limits()
    pool = web.QueryPool(source, workers, limits.timeout)
    app = web.make_app(pool, pages, limits=limits, cors=cors, query_page=query_page)
    sock = web.listen("127.0.0.1", 0)
    server = web.server(app, sock, **options)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):  # bounded: at most ten seconds
            if server.started:
                break
            time.sleep(0.05)
        yield Served(f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", pool)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        pool.close()
        sock.close()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def untyped_post(url: str, body: bytes) -> int:
    """POST ``body`` with no Content-Type header at all (urllib would add one); the status."""
    parsed = urllib.parse.urlsplit(url)
    connection = HTTPConnection(parsed.hostname or "", parsed.port, timeout=30)
    try:
        connection.request("POST", parsed.path, body=body)
        return connection.getresponse().status
    finally:
        connection.close()


def http(
    url: str,
    *,
    method: str | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            head = {k.lower(): v for k, v in response.headers.items()}
            return Reply(response.status, head, response.read())
    except urllib.error.HTTPError as exc:
        head = {k.lower(): v for k, v in exc.headers.items()}
        return Reply(exc.code, head, exc.read())
