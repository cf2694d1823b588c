"""The query page of ``policygraph serve``: a SPARQL editor in the browser, like the query
services researchers know (Wikidata Query Service, YASGUI).

``GET /query`` is the page: an editor whose first lines declare the project's prefixes, the
named queries as examples with their parameters as form fields, a results table, downloads in
CSV and JSON, and a URL that reproduces the query (``?query=TEXT``, or ``?named=NAME&PARAM=…``).
The page's script runs queries on ``/sparql`` (the endpoint's own serialisers, chosen by
Accept); this module only answers what the endpoint cannot:

- ``GET /query/named``: the named queries with their parameters and the values each may take;
- ``GET /query/named/{name}?PARAM=VALUE…``: the exact text ``policygraph query NAME --param …
  --print`` gives (``queries.bind``, the same checks and messages), or a one-line error (400);
- ``GET /query/regions?q=TEXT``: regions by name, the suggestions of a region field;
- ``POST /query/pages``: which of the IRIs of a result have a browse page, and where.

Everything the page needs ships in the package (``templates/site/querypage.html.j2``,
``querypage-assets/``): nothing is fetched from another site. The page speaks the language of
``serve --lang``: its headings, buttons and labels from the gettext catalogue, the words its
script shows from a JSON block of the page (:mod:`policygraph.reports.scriptwords`), the values
a concept parameter takes labelled in that language where the data has the label, and the named
queries' titles and descriptions from the catalogue (:mod:`policygraph.reports.querytext`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from policygraph import namespaces as ns
from policygraph.errors import QueryError
from policygraph.queries import NamedQuery, Param, bind, find_regions, library
from policygraph.queries.terms import CONCEPT_KINDS
from policygraph.reports.language import LABEL_TAGS, Language
from policygraph.reports.querytext import query_text
from policygraph.reports.regionlist import describe
from policygraph.reports.templates import environment
from policygraph.store.base import GraphStore

__all__ = ["QueryPage", "page_for"]

#: URL parameters of the page that are not parameters of a named query.
RESERVED = ("named", "query")
#: The most IRIs one ``/query/pages`` request may ask about (a results table shows fewer).
MAX_IRIS = 20_000
#: The longest text a region search takes, and the most regions it suggests.
MAX_SEARCH = 100
MAX_SUGGESTED = 12
#: Scripts and styles of the page, by path under ``querypage-assets/``, with their media
#: types: its own, and the editor, CodeMirror 5 (vendored with its licence; see its README.md).
ASSETS = {
    "querypage.js": "text/javascript",
    "querypage.css": "text/css",
    "codemirror/codemirror.js": "text/javascript",
    "codemirror/codemirror.css": "text/css",
    "codemirror/sparql.js": "text/javascript",
    "codemirror/matchbrackets.js": "text/javascript",
    "codemirror/LICENSE": "text/plain",
}

#: Hints shown in the field of a parameter whose values are not listed.
HINTS = {
    "region": "code or name, e.g. 620000, Gansu, 甘肃",
    "year": "four digits, e.g. 2018",
    "document": "the document's IRI",
    "iri": "an IRI",
    "text": "text",
}

_VALUES = """
SELECT ?value (COALESCE(?wanted, ?english) AS ?label) WHERE {{
  ?value <{in_scheme}> <{scheme}> .
  OPTIONAL {{ ?value <{pref}> ?wanted FILTER(LANGMATCHES(LANG(?wanted), "{tag}")) }}
  OPTIONAL {{ ?value <{pref}> ?english FILTER(LANG(?english) = "en") }}
}}
"""
_SOURCES = f"""
SELECT ?value ?label WHERE {{
  ?value a <{ns.PG.Source}> .
  OPTIONAL {{ ?value <{ns.DCTERMS.title}> ?label }}
}}
"""

#: Where the browse site puts the page of an IRI: (IRI prefix, folder, how the rest is named).
_PAGES: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    (f"{ns.BASE}id/region/", "region", lambda rest: rest),
    (f"{ns.BASE}eli/", "document", lambda rest: rest.replace("/", "-")),
    (f"{ns.BASE}id/claim/", "claim", lambda rest: rest.replace("/", "-")),
    (f"{ns.BASE}id/body/", "body", lambda rest: rest),
    (f"{ns.BASE}id/programme/", "programme", lambda rest: rest),
)


def page_for(iri: str, directory: Path) -> str | None:
    """The browse page of ``iri`` relative to the site root (``region/620923.html``), if the
    site in ``directory`` has one. The names follow ``reports.network.page_path``."""
    for prefix, folder, name in _PAGES:
        if iri.startswith(prefix):
            rest = iri.removeprefix(prefix)
            if not rest or ("/" in rest and folder in ("region", "body", "programme")):
                return None
            path = f"{folder}/{name(rest)}.html"
            if ".." in path or "\\" in path:
                return None
            return path if (directory / path).is_file() else None
    return None


class QueryPage:
    """The routes of the query page, over ``store`` (for the parameter checks of named queries,
    as the CLI makes them) and the browse pages in ``pages()`` (for links), when there are any.
    """

    def __init__(
        self,
        store: GraphStore,
        pages: Callable[[], Path | None] = lambda: None,
        *,
        lang: Language | None = None,
    ) -> None:
        self.store = store
        self.pages = pages
        self.lang = lang or Language()
        # The store is one connection shared by the server's threads: one question at a time.
        self._lock = threading.Lock()
        self._catalogue: dict[str, Any] | None = None

    def routes(self) -> list[Route]:
        return [
            Route("/query", self.page, methods=["GET"]),
            # The site has a folder query/ (a page per named query): /query/ is not it.
            Route("/query/", lambda _: RedirectResponse("../query"), methods=["GET"]),
            Route("/query/named", self.named, methods=["GET"]),
            Route("/query/named/{name:path}", self.resolve, methods=["GET"]),
            Route("/query/regions", self.regions, methods=["GET"]),
            Route("/query/pages", self.links, methods=["POST"]),
            Route("/query/assets/{file:path}", self.asset, methods=["GET"]),
        ]

    # -- the page ------------------------------------------------------------------------------
    async def page(self, request: Request) -> Response:
        html = (
            environment(self.lang.code, served=True)
            .get_template("site/querypage.html.j2")
            .render(root="", prefixes=declarations(), lang=self.lang)
        )
        return HTMLResponse(html)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["file"]
        if name not in ASSETS:
            return Response("no such file\n", 404, media_type="text/plain; charset=utf-8")
        found = resources.files("policygraph").joinpath("querypage-assets")
        for part in name.split("/"):
            found = found.joinpath(part)
        return Response(found.read_bytes(), media_type=f"{ASSETS[name]}; charset=utf-8")

    # -- named queries -------------------------------------------------------------------------
    async def named(self, request: Request) -> Response:
        if self._catalogue is None:
            self._catalogue = await run_in_threadpool(
                self._locked, catalogue, self.store, LABEL_TAGS[self.lang.code], self.lang
            )
        return JSONResponse(self._catalogue)

    async def resolve(self, request: Request) -> Response:
        name = request.path_params["name"]
        query = library().get(name)
        if query is None:
            return _error(404, f"unknown named query {name!r}; GET /query/named lists them")
        values: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in values:
                return _error(400, f"{name}: {key} is given twice; give it once")
            values[key] = value
        try:
            text = await run_in_threadpool(self._locked, bind, self.store, query, values)
        except QueryError as exc:
            return _error(400, str(exc))
        return JSONResponse({"name": name, "params": values, "query": text})

    async def regions(self, request: Request) -> Response:
        """The regions whose names match ``?q=`` (as ``policygraph regions`` finds them), for
        the suggestions of a region field."""
        text = request.query_params.get("q", "").strip()[:MAX_SEARCH]
        found = (
            await run_in_threadpool(self._locked, _regions, self.store, text, self.lang)
            if text
            else []
        )
        return JSONResponse(found)

    def _locked(self, call: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            return call(*args)

    # -- links to the browse pages -------------------------------------------------------------
    async def links(self, request: Request) -> Response:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_IRIS * 200:
                return _error(413, f"ask about at most {MAX_IRIS:,} IRIs at once")
        try:
            asked = json.loads(bytes(body))
        except (ValueError, UnicodeDecodeError):
            return _error(400, "send a JSON list of IRIs")
        if not isinstance(asked, list) or not all(isinstance(i, str) for i in asked):
            return _error(400, "send a JSON list of IRIs")
        if len(asked) > MAX_IRIS:
            return _error(413, f"{len(asked):,} IRIs; ask about at most {MAX_IRIS:,} at once")
        directory = self.pages()
        found: dict[str, str] = {}
        if directory is not None:
            for iri in set(asked):
                path = page_for(iri, directory)
                if path is not None:
                    found[iri] = path
        return JSONResponse(found)


def _regions(store: GraphStore, text: str, lang: Language) -> list[dict[str, str]]:
    return [
        {
            "code": r.code,
            "label": describe(r, lang),
            "level": r.level,
        }
        for r in find_regions(store, text, limit=MAX_SUGGESTED)
    ]


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": " ".join(message.split())}, status_code=status)


def declarations() -> str:
    """The PREFIX lines the editor starts with: every prefix of ``namespaces.PREFIXES``."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in ns.PREFIXES.items())


def _param(store: GraphStore, param: Param, tag: str) -> dict[str, Any]:
    described: dict[str, Any] = {
        "name": param.name,
        "kind": param.kind,
        "required": param.required,
        "default": param.default,
        "hint": HINTS.get(param.kind, ""),
    }
    if param.kind == "boolean":
        described["choices"] = [{"value": "true", "label": "yes"}]
    elif param.kind in (*CONCEPT_KINDS, "source"):
        listing = (
            _SOURCES
            if param.kind == "source"
            else _VALUES.format(
                in_scheme=ns.SKOS.inScheme,
                scheme=ns.scheme(param.kind),
                pref=ns.SKOS.prefLabel,
                tag=tag,
            )
        )
        labels: dict[str, str] = {}
        for value, label in store.select(listing):
            slug = ns.slug(value)
            labels[slug] = labels.get(slug) or (str(label) if label is not None else "")
        described["choices"] = [{"value": s, "label": labels[s] or s} for s in sorted(labels)]
    return described


def _query(store: GraphStore, query: NamedQuery, tag: str, lang: Language) -> dict[str, Any]:
    return {
        "name": query.name,
        **query_text(query, lang),
        "params": [_param(store, p, tag) for p in query.params],
    }


def catalogue(store: GraphStore, tag: str = "en", lang: Language | None = None) -> dict[str, Any]:
    """What ``GET /query/named`` answers: the prefixes and every named query with its title
    and description in ``lang`` (in Chinese with the English beside them) and its parameters
    (kind, required, default, and the values a concept or source may take, labelled in the
    language ``tag`` where the data has it, else in English)."""
    words = lang or Language()
    return {
        "prefixes": dict(ns.PREFIXES),
        "base": ns.BASE,
        "reserved": list(RESERVED),
        "queries": [_query(store, q, tag, words) for _, q in sorted(library().items())],
    }
