"""The SPARQL 1.1 Protocol's request side: the query and its parameters read from a GET or POST,
and every malformed or refused request answered with the reason (:class:`Refused`)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping

import pyoxigraph as ox
from starlette.requests import Request

__all__ = ["Refused", "graph_iris", "read_operation"]


class Refused(Exception):
    def __init__(self, status: int, message: str, **headers: str) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers


_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
_READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"the request body is larger than the limit of {limit:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"the request body is larger than the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(
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
        raise Refused(400, f"{len(values)} {name} parameters; send exactly one")
    return values[0] if values else None


async def read_operation(request: Request, limit: int) -> tuple[str | None, dict[str, list[str]]]:
    """The query text (None for a service description request) and every protocol parameter."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    if request.method == "GET":
        if "update" in params:
            raise Refused(403, _READ_ONLY + " (and an update is never sent by GET)")
        return _one(params, "query"), params
    media, charset = _media(request)
    if media == _UPDATE:
        raise Refused(403, _READ_ONLY)
    if charset not in (None, "utf-8", "utf8"):
        raise Refused(415, f"charset {charset} is not supported; send UTF-8")
    body = await _body(request, limit)
    if media == _QUERY:
        if "query" in params:
            raise Refused(400, "a query in the URL and another in the body; send one")
        return _decode(body, "query"), params
    if media == _FORM:
        text = _decode(body, "form body")
        try:
            pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise Refused(400, f"a %-escape of the form is not UTF-8 ({exc.reason})") from None
        for key, value in pairs:
            params.setdefault(key, []).append(value)
        if "update" in params:
            raise Refused(403, _READ_ONLY)
        query = _one(params, "query")
        if query is None:
            raise Refused(400, "the form has no query parameter")
        return query, params
    shown = media or "none"
    raise Refused(
        415,
        f"a POST must be {_FORM} (query=…) or {_QUERY}; this one's Content-Type is {shown}",
    )


def graph_iris(params: Mapping[str, list[str]], name: str) -> tuple[str, ...] | None:
    values = params.get(name)
    if values is None:
        return None
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise Refused(400, f"{name}={value!r} is not an absolute IRI") from None
    return tuple(values)
