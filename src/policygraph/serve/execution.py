"""One query as a worker runs it (:class:`Job`), and its result serialised by Oxigraph into the
HTTP answer the pool returns (:class:`Answer`), within the result size limit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from policygraph.namespaces import PREFIXES
from policygraph.queries import readable_syntax_error
from policygraph.serve.negotiation import GRAPH_TYPES, RESULT_TYPES, content_type, negotiate

__all__ = ["Answer", "Job", "execute", "one_line", "text_answer"]


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


def text_answer(status: int, message: str, outcome: str, **headers: str) -> Answer:
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
        return text_answer(400, readable_syntax_error(str(exc)), "syntax")
    except (ValueError, OSError) as exc:  # e.g. an IRI the protocol gave that is not one
        return text_answer(400, f"cannot run the query: {one_line(exc)}", "error")
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
        return text_answer(
            413,
            f"the result is larger than the limit of {job.max_bytes:,} bytes "
            "(serve --max-result-bytes); add a LIMIT or narrow the query",
            "too-large",
        )
    except OSError as exc:  # a SERVICE that fails, a store read error
        return text_answer(502, f"the query failed while running: {one_line(exc)}", "error")
    except Exception as exc:  # noqa: BLE001 - the engine's evaluation errors are its own types
        return text_answer(500, f"the query failed while running: {one_line(exc)}", "error")
    return Answer(200, content_type(media), b"".join(out.parts))


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
    return text_answer(
        406,
        f"no acceptable format for {kind}; this endpoint offers " + ", ".join(offered),
        "not-acceptable",
    )


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] or type(exc).__name__
