"""Whether a SPARQL text calls a ``SERVICE`` (a federated query, which makes the engine send an
HTTP request to any URL the query names).

A query that holds the letters of ``SERVICE`` nowhere (in any case, also after decoding its
``\\uXXXX`` escapes) cannot call one: that is almost every query, and the check costs nothing.
Any other is parsed by rdflib's SPARQL parser, which reads strings, comments, IRIs and operators
by the grammar (a scan of words outside strings and comments is fooled by ``FILTER(?a<'x>')``,
where ``<'x>`` looks like an IRI), and its parse tree is searched for a ``SERVICE`` pattern.
pyoxigraph, which runs the query, does not expose its parse. A text rdflib cannot parse counts
as calling one: what it would do cannot be told.
"""

from __future__ import annotations

import re

__all__ = ["uses_service"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decoded(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _ESCAPE.sub(char, text)


def _has_service(node: object) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_has_service(value) for value in node.values())
    if isinstance(node, ParseResults | list | tuple):
        return any(_has_service(value) for value in node)
    return False


def uses_service(text: str) -> bool:
    """Whether ``text`` may call a ``SERVICE``."""
    if "SERVICE" not in text.upper() and "SERVICE" not in _decoded(text).upper():
        return False
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except Exception:  # noqa: BLE001 - pyparsing's and rdflib's errors alike: it cannot be told
        return True
    return _has_service(parsed)
