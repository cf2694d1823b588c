"""Named SPARQL queries: one question per ``.rq`` file, with a header, bound by VALUES blocks.

A file starts with comment lines::

    # title: Regions with no dedicated policy of their own
    # description: …
    # params: level (level, default county), tier (tier, optional), autonomous (boolean, optional)

and holds its parameters in one line of plain SPARQL, with their defaults::

    VALUES (?level ?tier ?autonomous) { (<…/id/level/county> UNDEF UNDEF) }

so that the file, run as it stands on any endpoint, asks the question the command line asks
without parameters. Parameters are validated (a region code must exist, a tier must be a tier)
and bound by replacing that line with one holding their terms (a boolean given as true binds
``true``; one not given is left out, which leaves its variable unbound as ``UNDEF`` does); values
are never pasted into the text elsewhere. The
query itself says what an unbound parameter means (``COALESCE``, ``BOUND``, or a join that an
``UNDEF`` leaves unrestricted). A query file of one's own without such a line gets a VALUES
block of the parameters given at the top of its outermost ``WHERE { … }``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policygraph.errors import QueryError
from policygraph.queries.terms import (
    KINDS,
    ParamError,
    as_term,
    checked,
    find_regions,
    region_code,
    region_names,
)

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from policygraph.store.base import GraphStore

# rdflib (a tenth of a second to import) is imported by what runs a query or spells its terms:
# a report from the gap table loads a query's header and checks its parameters without it.

__all__ = [
    "NamedQuery",
    "Param",
    "ParamError",
    "QueryResult",
    "declare_prefixes",
    "find_regions",
    "library",
    "load",
    "parse_named",
    "read_header",
    "readable_syntax_error",
    "region_code",
    "region_names",
    "resolve",
    "resolve_text",
    "run_query",
]

_PARAM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)")
_WHERE = re.compile(r"^(?![ \t]*#).*?\bWHERE\s*\{", re.IGNORECASE | re.MULTILINE)
#: The line of a query file that holds its parameters: ``VALUES (?a ?b) { (… …) }``.
_PARAMS_LINE = re.compile(
    r"^([ \t]*)VALUES[ \t]*\(((?:[ \t]*\?\w+)+)[ \t]*\)[ \t]*\{[ \t]*\(.*\)[ \t]*\}[ \t]*$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool = False
    default: str | None = None

    def describe(self) -> str:
        extra = "required" if self.required else f"default {self.default}" if self.default else ""
        return f"{self.name} ({self.kind}{', ' + extra if extra else ''})"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    text: str
    params: tuple[Param, ...] = ()
    description: str = ""
    #: A query of the library: its text is syntax-checked by the test suite, not when it runs.
    packaged: bool = False

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class QueryResult:
    """Rows of a SELECT (or the answer of an ASK, or the graph of a CONSTRUCT or DESCRIBE)
    with the variable names, in order."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    boolean: bool | None = None
    graph: Graph | None = None

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def values(self) -> list[tuple[object, ...]]:
        """The rows as Python values: a literal's value (xsd:decimal as float), an IRI as its
        string, an unbound variable as None."""
        from policygraph.frames import python_value

        return [tuple(python_value(cell) for cell in row) for row in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a ``pandas.DataFrame``, one column per variable, in order, holding
        :meth:`values` (needs ``pip install 'policygraph[notebook]'``). An ASK or CONSTRUCT
        result has no rows to show; it is refused."""
        from policygraph.frames import dataframe

        if self.boolean is not None or self.graph is not None:
            raise QueryError("to_dataframe(): only a SELECT query has rows")
        return dataframe(self.variables, self.values())


def _parse_params(name: str, spec: str) -> tuple[Param, ...]:
    params = []
    for match in _PARAM.finditer(spec):
        pname, options = match.group(1), [o.strip() for o in match.group(2).split(",")]
        kind = options[0]
        if kind not in KINDS:
            raise QueryError(f"{name}: parameter {pname} has unknown kind {kind!r}")
        default = next(
            (o.removeprefix("default ") for o in options if o.startswith("default ")), None
        )
        params.append(Param(pname, kind, "required" in options, default))
    return tuple(params)


def read_header(text: str) -> dict[str, tuple[int, str]]:
    """The header of a query's text: ``title``, ``description``, ``params`` → the number of
    the line it starts on and its text (a field over several lines joined by spaces)."""
    header: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"#\s*(title|description|params):\s*(.*)$", line)
        if match:
            key = match.group(1)
            start, before = header.get(key, (number, ""))
            header[key] = (start, (before + " " + match.group(2)).strip())
        elif line.strip() and not line.startswith("#"):
            break
    return header


def parse_named(name: str, text: str) -> NamedQuery:
    """Read the header of a query file (or of a query given on the command line)."""
    header = {key: value for key, (_, value) in read_header(text).items()}
    return NamedQuery(
        name=name,
        title=header.get("title", ""),
        text=text,
        params=_parse_params(name, header.get("params", "")),
        description=header.get("description", ""),
    )


@lru_cache(maxsize=1)
def library() -> dict[str, NamedQuery]:
    """Every packaged query, by name (``gaps/no-dedicated-policy``)."""
    root = resources.files(__package__)
    found: dict[str, NamedQuery] = {}
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name):
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".rq"):
                name = f"{folder.name}/{entry.name.removesuffix('.rq')}"
                query = _packaged(name)
                assert query is not None
                found[name] = query
    return found


@cache
def _packaged(name: str) -> NamedQuery | None:
    """The packaged query ``name`` (``folder/stem``), read alone: a report asks for one query
    and need not read the other two dozen."""
    folder, _, stem = name.partition("/")
    if not folder.isidentifier() or not stem or "/" in stem or stem.startswith("."):
        return None
    entry = resources.files(__package__) / folder / f"{stem}.rq"
    if not entry.is_file():
        return None
    return replace(parse_named(name, entry.read_text(encoding="utf-8")), packaged=True)


def load(name_or_path: str) -> NamedQuery:
    """A packaged query by name, or a ``.rq`` file by path."""
    packaged = _packaged(name_or_path)
    if packaged is not None:
        return packaged
    queries = library()
    if name_or_path in queries:
        return queries[name_or_path]
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.exists():
        try:
            return parse_named(str(path), path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise QueryError(f"{path}: cannot read the query ({exc.strerror})") from None
    close = difflib.get_close_matches(name_or_path, queries, n=3)
    hint = (
        f"did you mean {', '.join(close)}?" if close else "run `policygraph queries` for the list"
    )
    raise QueryError(f"unknown query {name_or_path!r}; {hint}")


def resolve(
    store: GraphStore, query: NamedQuery, values: dict[str, str]
) -> tuple[set[str], dict[str, Node]]:
    """The parameters given (defaults included, booleans only when true) and their validated
    terms: every check and message of ``--param``, without the query text."""
    given, found = resolve_text(store, query, values)
    kinds = {p.name: p.kind for p in query.params}
    return given, {name: as_term(kinds[name], value) for name, value in found.items()}


def resolve_text(
    store: GraphStore, query: NamedQuery, values: dict[str, str]
) -> tuple[set[str], dict[str, str]]:
    """:func:`resolve` with each value as text (a year, a text, an IRI): every check, no term."""
    for name in values:
        if query.param(name) is None:
            names = ", ".join(p.name for p in query.params) or "none"
            raise QueryError(f"{query.name}: unknown parameter {name!r} (declared: {names})")
    chosen = dict(values)
    for declared in query.params:
        if declared.name not in chosen and declared.default is not None:
            chosen[declared.name] = declared.default
        if declared.required and declared.name not in chosen:
            raise QueryError(
                f"{query.name}: missing required parameter; add --param {declared.name}=…"
            )
    given: set[str] = set()
    terms: dict[str, str] = {}
    for name, raw in chosen.items():
        param = query.param(name)
        assert param is not None
        if param.kind == "boolean":
            if raw.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise ParamError(query.name, name, raw, "write true or false")
            if raw.lower() in ("true", "yes", "1"):
                given.add(name)
            continue
        terms[name] = checked(store, query.name, name, param.kind, raw)
        given.add(name)
    return given, terms


def params_line(query: NamedQuery) -> re.Match[str] | None:
    """The line of ``query`` that holds its parameters (their names, in the header's order)."""
    names = [p.name for p in query.params]
    for match in _PARAMS_LINE.finditer(query.text):
        if match.group(2).replace("?", " ").split() == names:
            return match
    return None


def bind(store: GraphStore, query: NamedQuery, values: dict[str, str]) -> str:
    """The query text that runs with the given parameters: the file as it stands when none is
    given, else its parameter line holding the terms of those given and of the defaults, and
    leaving out the others."""
    from rdflib import Literal

    given, terms = resolve(store, query, values)
    for name in given - set(terms):  # a boolean given as true
        terms[name] = Literal(True)
    text = query.text
    if not query.packaged:
        _check_template(query.name, text)
        text = declare_prefixes(text)
    line = params_line(replace(query, text=text))
    if line is not None:
        # Only the parameters that have a value: a variable left out is unbound, as UNDEF
        # leaves it, but Oxigraph plans a join from a VALUES column only when it holds no UNDEF
        # (gaps/no-dedicated-policy within=620000: 31 ms against 109 ms).
        bound = [p.name for p in query.params if p.name in terms]
        if not values or not bound:  # the file as it stands: its defaults, the rest UNDEF
            return text
        names = " ".join(f"?{name}" for name in bound)
        cells = " ".join(terms[name].n3() for name in bound)
        block = f"{line.group(1)}VALUES ({names}) {{ ({cells}) }}"
        return text[: line.start()] + block + text[line.end() :]
    if not terms:
        return text
    ordered = sorted(terms)
    block = "\n  VALUES ({}) {{ ({}) }}\n".format(
        " ".join(f"?{n}" for n in ordered), " ".join(terms[n].n3() for n in ordered)
    )
    match = _WHERE.search(text)
    if match is None:
        raise QueryError(f"{query.name}: cannot bind parameters: the query has no `WHERE {{`")
    return text[: match.end()] + block + text[match.end() :]


@lru_cache(maxsize=256)
def _check_template(name: str, text: str) -> None:
    """Check a query's text once: the VALUES block bind() adds is made of validated terms and
    cannot break the syntax, and rdflib's parser takes 30 ms (and
    80 ms to import), more than a gap question takes to answer. The library's queries are
    checked by the tests instead (``tests/test_queries.py``)."""
    check_syntax(name, text)


_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def declare_prefixes(text: str) -> str:
    """``text`` with a PREFIX declaration for each of policygraph's prefixes (``policygraph
    queries --prefixes``) that it uses and does not declare itself. They go at the start of the
    first line, so that the line numbers of the query stay as written."""
    from policygraph.namespaces import PREFIXES

    declared = set(_DECLARED.findall(text))
    missing = [
        (prefix, namespace)
        for prefix, namespace in PREFIXES.items()
        if prefix not in declared and re.search(rf"(?<![\w:?$<-]){re.escape(prefix)}:", text)
    ]
    if not missing:
        return text
    return "".join(f"PREFIX {p}: <{n}> " for p, n in missing) + text


_POSITION = re.compile(r"error at (\d+):(\d+)")


def readable_syntax_error(message: str) -> str:
    """Oxigraph's parse error in one line: the position and what was expected, without the
    Unicode ranges of the grammar's name characters."""
    first = message.splitlines()[0] if message else "syntax error"
    match = _POSITION.search(first)
    where = f"line {match.group(1)}, column {match.group(2)}" if match else ""
    expected = re.search(r"expected (one of )?(.*)", message, re.DOTALL)
    if expected:
        items = [i.strip() for i in re.split(r",\s*(?=[\"'\[A-Za-z])", expected.group(2))]
        words = [i for i in items if i and not i.startswith("[")]
        if any(i.startswith("[") for i in items):
            words.append("a name")
        shown = ", ".join(words[:12]) + (", …" if len(words) > 12 else "")
        reason = f"expected {'one of ' if len(words) > 1 else ''}{shown}"
    else:
        reason = _POSITION.sub("", first).strip(" :") or first
    return f"SPARQL syntax error{' at ' + where if where else ''}: {reason}"


def check_syntax(name: str, text: str) -> None:
    """Parse with rdflib's SPARQL parser, so that every store reports syntax errors alike."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except Exception as exc:  # noqa: BLE001 - pyparsing raises several exception types
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "col", None)
        where = f" at line {line}, column {col}" if line is not None else ""
        reason = str(getattr(exc, "msg", "")) or str(exc).splitlines()[0]
        raise QueryError(f"{name}: SPARQL syntax error{where}: {reason}") from None


def run_query(
    store: GraphStore, query: NamedQuery | str, params: dict[str, str] | None = None
) -> QueryResult:
    """Run a named query (or a NamedQuery) with ``params`` on ``store``."""
    from rdflib import Graph

    from policygraph import namespaces as ns

    named = load(query) if isinstance(query, str) else query
    text = bind(store, named, params or {})
    try:
        result = store.query(text)
    except SyntaxError as exc:  # Oxigraph's parser, where rdflib's accepted the text
        raise QueryError(f"{named.name}: {readable_syntax_error(str(exc))}") from None
    except Exception as exc:  # noqa: BLE001 - engines raise their own error types
        reason = " ".join(str(exc).split())[:300]
        raise QueryError(f"{named.name}: the store could not run the query: {reason}") from None
    if result.type == "ASK":
        return QueryResult((), (), bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        graph = Graph()
        for prefix, namespace in ns.PREFIXES.items():
            graph.bind(prefix, namespace)
        graph += result.graph
        return QueryResult((), (), graph=graph)
    variables = tuple(str(v) for v in (result.vars or []))
    rows = tuple(tuple(ns.normal(v) for v in row) for row in result)  # type: ignore[union-attr]
    return QueryResult(variables, rows)
