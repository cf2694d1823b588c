"""A named query's title and description as a page in one language shows them. They are the
``# title:`` and ``# description:`` lines of its ``.rq`` file, in English, extracted into the
catalogue by :mod:`policygraph.queries.babel`; a page in Chinese shows their translation, and
the English where the catalogue has none (marked as English by the page)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

from policygraph.queries import NamedQuery, Param
from policygraph.reports.language import Language

__all__ = [
    "describe_param",
    "identifiers_as_code",
    "query_listing",
    "query_records",
    "query_text",
]

#: What a Chinese description keeps in Latin letters: identifiers (a column, a parameter, a
#: CURIE, a command and its option, a graph's name), never English words.
_LATIN = re.compile(r"-{0,2}[A-Za-z_](?:[\w:/.'-]*\w)?")


def query_text(query: NamedQuery, lang: Language) -> dict[str, str]:
    """``title`` and ``description`` in ``lang``; in Chinese the English beside them
    (``title_en``, ``description_en``), by which a page tells an untranslated one."""
    text = {
        "title": lang._(query.title) if query.title else "",
        "description": lang._(query.description) if query.description else "",
    }
    if lang.zh:
        text |= {"title_en": query.title, "description_en": query.description}
    return text


def identifiers_as_code(text: str) -> Markup:
    """``text`` escaped, its runs of Latin letters as ``<code>``: in a Chinese description
    they are identifiers (verdictThen, pg:inUseFrom, gaps --as-of), shown as such."""
    out, end = [], 0
    for match in _LATIN.finditer(text):
        out += [escape(text[end : match.start()]), Markup("<code>%s</code>") % match.group()]
        end = match.end()
    out.append(escape(text[end:]))
    return Markup("").join(out)


def describe_param(param: Param, lang: Language) -> str:
    """A parameter as the listing gives it: "level (level, default county)"; its name, kind
    and values are identifiers, in English whatever the language."""
    if param.required:
        extra = lang._("required")
    elif param.default:
        extra = lang._("default {value}").format(value=param.default)
    else:
        extra = ""
    return param.name + lang.parenthesis(param.kind + (lang.clause + extra if extra else ""))


def query_listing(queries: Iterable[NamedQuery], lang: Language) -> str:
    """What ``policygraph queries`` prints: each query's name, title and parameters."""
    lines = []
    for query in queries:
        lines += [query.name, "  " + query_text(query, lang)["title"]]
        if query.params:
            params = lang.comma.join(describe_param(p, lang) for p in query.params)
            lines.append("  " + lang._("params: {params}").format(params=params))
    return "".join(line + "\n" for line in lines)


def query_records(queries: Iterable[NamedQuery], lang: Language) -> list[dict[str, Any]]:
    """``policygraph queries --format json``: the listing as records, the words in ``lang``."""
    return [
        {
            "name": q.name,
            **query_text(q, lang),
            "params": [
                {"name": p.name, "kind": p.kind, "required": p.required, "default": p.default}
                for p in q.params
            ],
        }
        for q in queries
    ]
