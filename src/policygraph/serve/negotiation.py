"""Content negotiation: the media types offered for each kind of result, and the one an Accept
header prefers."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

__all__ = ["GRAPH_TYPES", "RESULT_TYPES", "TEXT_TYPES", "content_type", "negotiate"]

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


def content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media in TEXT_TYPES else media
