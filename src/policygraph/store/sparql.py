"""Any SPARQL 1.1 endpoint, read-only, through the SPARQL 1.1 Protocol (no extra dependency).

The endpoint's default graph must be the union of its named graphs, as policygraph's own stores
are: Oxigraph ``serve --union-default-graph``, Fuseki's ``unionDefaultGraph``; Virtuoso and
GraphDB do so by default.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

from rdflib.query import Result

from policygraph.errors import QueryError, StoreError
from policygraph.store.base import GraphStore, Quad, Staging

__all__ = ["SparqlStore"]

_ACCEPT = "application/sparql-results+json"
_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class SparqlStore(GraphStore):
    def __init__(self, url: str, *, timeout: float = 120.0) -> None:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise StoreError(f"--store sparql:{url}: not an http(s) URL of a SPARQL endpoint")
        self.url = url
        self.timeout = timeout
        self.spec = f"sparql:{url}"

    def query(self, sparql: str) -> Result:
        body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={"Accept": _ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            reason = detail[0] if detail else exc.reason
            if 400 <= exc.code < 500:
                raise QueryError(f"{self.url} rejected the query ({exc.code}): {reason}") from None
            raise StoreError(f"{self.url} failed ({exc.code}): {reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            why = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise StoreError(f"cannot reach the SPARQL endpoint {self.url}: {why}") from None
        return Result.parse(io.BytesIO(payload), format="json")

    def quads(self) -> Iterator[Quad]:
        for s, p, o, g in self.select(_QUADS):
            if s is not None and p is not None and o is not None and g is not None:
                yield s, p, o, g

    def fingerprint(self) -> str | None:
        return None  # a foreign store: policygraph never rebuilds it

    def stage(self) -> Staging:
        raise StoreError(
            f"{self.url}: a SPARQL endpoint is read-only here; build into oxigraph:DIR and load "
            "it into the server with policygraph push --to its Graph Store URL"
        )
