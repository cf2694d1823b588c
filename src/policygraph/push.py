"""Load the built graph into a running triple store by the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph of the store is sent as N-Triples by ``PUT URL?graph=IRI``, which replaces
that graph on the server: a second push of the same data changes nothing. Each graph is
serialised by Oxigraph into a temporary file and sent from there with its length, so the
national store (830k quads) never becomes one string in memory.

Credentials come from the environment only (``POLICYGRAPH_PUSH_USER`` and
``POLICYGRAPH_PUSH_PASSWORD``: HTTP Basic), never from the command line, where other users
of the machine could read them.
"""

from __future__ import annotations

import base64
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

import pyoxigraph as ox

from policygraph.errors import StoreError
from policygraph.sources.rdffile import oxigraph_converter
from policygraph.store.base import GraphStore
from policygraph.store.oxigraph import OxigraphStore

__all__ = ["PASSWORD_VARIABLE", "USER_VARIABLE", "PushSummary", "graph_counts", "push"]

USER_VARIABLE = "POLICYGRAPH_PUSH_USER"
PASSWORD_VARIABLE = "POLICYGRAPH_PUSH_PASSWORD"

_CONTENT_TYPE = "application/n-triples"


@dataclass
class PushSummary:
    url: str
    #: Triples per graph IRI, in the order sent.
    graphs: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    sent: bool = False

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def _check_url(url: str) -> None:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise StoreError(f"--to {url}: not an http(s) URL of a Graph Store Protocol endpoint")


def graph_counts(store: GraphStore) -> dict[str, int]:
    """Triples per named graph, sorted by graph IRI."""
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {str(g): int(str(n)) for g, n in rows if g is not None and n is not None}
    return dict(sorted(counts.items()))


@contextmanager
def _serialised(store: GraphStore, graph: str) -> Iterator[tuple[IO[bytes], int]]:
    """One graph as N-Triples in a temporary file (rewound), with its size in bytes."""
    with tempfile.TemporaryFile() as handle:
        if isinstance(store, OxigraphStore):
            store._inner.dump(handle, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        else:
            term = oxigraph_converter()
            rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            triples = (ox.Triple(*map(term, row)) for row in rows)  # type: ignore[arg-type]
            ox.serialize(triples, handle, format=ox.RdfFormat.N_TRIPLES)
        size = handle.tell()
        handle.seek(0)
        yield handle, size


def _target(url: str, graph: str) -> str:
    joiner = "&" if urllib.parse.urlparse(url).query else "?"
    return f"{url}{joiner}{urllib.parse.urlencode({'graph': graph})}"


def _credentials() -> dict[str, str]:
    user = os.environ.get(USER_VARIABLE)
    if not user:
        if os.environ.get(PASSWORD_VARIABLE):
            raise StoreError(f"{PASSWORD_VARIABLE} is set but {USER_VARIABLE} is not")
        return {}
    secret = f"{user}:{os.environ.get(PASSWORD_VARIABLE, '')}".encode()
    return {"Authorization": "Basic " + base64.b64encode(secret).decode("ascii")}


def _put(url: str, graph: str, body: IO[bytes], size: int, timeout: float) -> None:
    headers = {"Content-Type": _CONTENT_TYPE, "Content-Length": str(size), **_credentials()}
    request = urllib.request.Request(_target(url, graph), data=body, headers=headers, method="PUT")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        reason = detail[0] if detail else exc.reason
        raise StoreError(f"{url} refused graph <{graph}> ({exc.code}): {reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        why = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise StoreError(f"cannot reach the graph store {url}: {why}") from None


def push(
    store: GraphStore,
    url: str,
    *,
    dry_run: bool = False,
    timeout: float = 600.0,
    sent: Callable[[str, int], None] | None = None,
) -> PushSummary:
    """PUT every named graph of ``store`` to the Graph Store endpoint ``url`` (``dry_run``:
    count them and send nothing); ``sent`` is told each graph once the server has it."""
    _check_url(url)
    _credentials()
    started = time.perf_counter()
    summary = PushSummary(url=url, graphs=graph_counts(store))
    if not dry_run:
        for graph, triples in summary.graphs.items():
            with _serialised(store, graph) as (body, size):
                _put(url, graph, body, size, timeout)
            if sent is not None:
                sent(graph, triples)
        summary.sent = True
    summary.seconds = time.perf_counter() - started
    return summary
