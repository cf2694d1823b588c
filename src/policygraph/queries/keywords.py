"""The keywords of a SPARQL text: its words outside comments, string literals and IRIs.

Enough to tell whether a query asks for a federated ``SERVICE`` without parsing it: pyoxigraph
does not expose the algebra of a query, and rdflib's parser takes tens of milliseconds and
refuses some queries Oxigraph runs. Scanning is conservative where the two could disagree: the
text is scanned as written and again with its ``\\uXXXX`` escapes decoded (the SPARQL grammar
decodes them before parsing; Oxigraph only inside strings and IRIs), and a keyword found in
either counts.
"""

from __future__ import annotations

import re

__all__ = ["keywords", "uses_service"]

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>
          '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
        | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
        | '(?:[^'\\\n\r]|\\.)*'
        | "(?:[^"\\\n\r]|\\.)*"
      )
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<word>[?$@_]?[^\s{}()\[\];,.'"<>\#=!&|*/+^?$@-][^\s{}()\[\];,'"<>\#=!&|*/+^?$@]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decoded(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _ESCAPE.sub(char, text)


def _words(text: str) -> set[str]:
    found = set()
    for match in _TOKEN.finditer(text):
        word = match.group("word")
        # A variable (?x, $x), a language tag (@en), a blank node (_:b) or a prefixed name
        # (ex:service) is never a keyword.
        if word and word[0] not in "?$@" and ":" not in word:
            found.add(word.rstrip(".").upper())
    return found


def keywords(text: str) -> set[str]:
    """The upper-cased bare words of ``text``, as written and with its escapes decoded."""
    return _words(text) | _words(_decoded(text))


def uses_service(text: str) -> bool:
    """Whether ``text`` may call a ``SERVICE`` (a federated query): a bare word holds it (as a
    part too: a parser without a tokenizer may read ``1SERVICE`` as a number and a keyword)."""
    return any("SERVICE" in word for word in keywords(text))
