"""``policygraph serve``: a read-only SPARQL 1.1 Protocol endpoint plus the browse pages.

``/sparql`` answers queries sent by GET (``?query=``) or POST (form-encoded, or a raw
``application/sparql-query`` body) in SPARQL 1.1 Query Results JSON, CSV or TSV (by the Accept
header; JSON by default) and CONSTRUCT/DESCRIBE results in N-Triples; updates are refused.
Everything else is a file of the browse site. Queries run one at a time (the stores make no
promise about concurrent readers), and the server binds to loopback unless told otherwise.
"""

from __future__ import annotations

import threading
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from policygraph.errors import PolicyGraphError
from policygraph.namespaces import normal
from policygraph.queries import QueryResult, check_syntax
from policygraph.reports.tables import to_csv, to_json, to_tsv
from policygraph.store.base import GraphStore

__all__ = ["make_server"]

_FORMATS = {
    "text/csv": ("text/csv; charset=utf-8", to_csv),
    "text/tab-separated-values": ("text/tab-separated-values; charset=utf-8", to_tsv),
    "application/sparql-results+json": ("application/sparql-results+json", to_json),
    "application/json": ("application/sparql-results+json", to_json),
}


def _result(store: GraphStore, text: str) -> tuple[QueryResult | None, bytes]:
    result = store.query(text)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in result.graph)
        return None, "".join(lines).encode("utf-8")
    if result.type == "ASK":
        return QueryResult((), (), bool(result.askAnswer)), b""
    variables = tuple(str(v) for v in (result.vars or []))
    rows = tuple(tuple(normal(v) for v in row) for row in result)  # type: ignore[union-attr]
    return QueryResult(variables, rows), b""


class _Handler(SimpleHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        parsed = urllib.parse.urlparse(self.path)
        if parsed.path == "/sparql":
            query = urllib.parse.parse_qs(parsed.query).get("query", [""])[0]
            self._sparql(query)
        else:
            super().do_GET()

    def do_POST(self) -> None:
        if urllib.parse.urlparse(self.path).path != "/sparql":
            self._fail(HTTPStatus.NOT_FOUND, "only /sparql accepts POST")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        kind = self.headers.get("Content-Type", "").split(";")[0].strip()
        if kind == "application/sparql-query":
            self._sparql(body)
        elif kind == "application/sparql-update" or "update" in urllib.parse.parse_qs(body):
            self._fail(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        else:
            self._sparql(urllib.parse.parse_qs(body).get("query", [""])[0])

    def _sparql(self, text: str) -> None:
        if not text.strip():
            self._fail(HTTPStatus.BAD_REQUEST, "no query: send ?query=… or a POST body")
            return
        try:
            check_syntax("query", text)
            with self.server.lock:
                result, graph_bytes = _result(self.server.store, text)
        except PolicyGraphError as exc:
            self._fail(HTTPStatus.BAD_REQUEST, str(exc))
            return
        if result is None:
            self._send(HTTPStatus.OK, "application/n-triples; charset=utf-8", graph_bytes)
            return
        accept = self.headers.get("Accept", "")
        chosen = next((f for f in _FORMATS if f in accept), "application/sparql-results+json")
        content_type, render = _FORMATS[chosen]
        self._send(HTTPStatus.OK, content_type, render(result).encode("utf-8"))

    def _fail(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: GraphStore, site: Path, verbose: bool):
        self.store = store
        self.lock = threading.Lock()
        self.verbose = verbose
        self.site = site
        super().__init__(address, lambda *a: _Handler(*a, directory=str(site)))


def make_server(
    store: GraphStore,
    site: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    verbose: bool = False,
) -> ThreadingHTTPServer:
    """A server ready for ``serve_forever()``; ``site`` must already hold the browse pages."""
    return _Server((host, port), store, site, verbose)
