"""The words the site's scripts show, in the language of the page that runs them.

``search.js`` and ``gaptable.js`` (every page of the browse site) and ``querypage.js`` (the query
page of ``policygraph serve``) build text in the browser: counts, notes, hints, error prefixes.
They hold no words of their own: each page carries them as a JSON block rendered by its
template from the gettext catalogue, ``<script type="application/json" id="page-words">``
(Jinja2's ``tojson`` escapes ``<``, ``>``, ``&`` and ``'``, so no word can close the element),
and a script reads it with ``JSON.parse(block.textContent)``. The catalogue stays the one place
a word is translated.

Placeholders are ``{name}``, filled by the script. A counted phrase is given in its two forms,
``[one, other]``: English and Chinese need no more.
"""

from __future__ import annotations

from typing import Any

from policygraph.gaps import STATUSES, TIERS
from policygraph.reports.language import Language, translations
from policygraph.reports.language import plural_marker as n

__all__ = ["SITE_KINDS", "query_words", "site_words"]

#: The kinds of things the search lists, as its results name them.
SITE_KINDS = ("region", "document", "body", "programme", "claim")

_MATCHES = n("{n} match", "{n} matches")
_ROWS = n("{n} row", "{n} rows")


def _forms(lang: Language, phrase: tuple[str, str]) -> list[str]:
    """A counted phrase in the forms a script chooses from: for one, for any other number."""
    words = translations(lang.code)
    return [words.ngettext(*phrase, 1), words.ngettext(*phrase, 2)]


def site_words(lang: Language) -> dict[str, Any]:
    """What ``search.js`` and ``gaptable.js`` show."""
    _ = lang._
    kinds = {
        "region": _("region"),
        "document": _("document"),
        "body": _("body"),
        "programme": _("programme"),
        "claim": _("claim"),
    }
    return {
        "kinds": {k: kinds[k] for k in SITE_KINDS},
        "tiers": {t: lang.term(t) for t in TIERS},
        "statuses": {s: lang.term(s) for s in STATUSES},
        "tierStatus": _("{tier}: {status}"),
        "within": _("in {where}"),
        "noPage": _("no page: no source studies it (not surveyed is not no policy)"),
        "matches": _forms(lang, _MATCHES),
        "firstOf": _("first {limit} of {n} matches"),
        "rowsShown": _("{shown} of {total} rows shown"),
        "sortBy": _("sort by {column}"),
    }


def query_words(lang: Language) -> dict[str, Any]:
    """What ``querypage.js`` shows: statuses of a run, error prefixes, the words of a
    parameter's field. The server's own messages (a refused parameter, a SPARQL syntax error)
    come as the server words them, after a prefix in the page's language."""
    _ = lang._
    return {
        "required": _("required"),
        "any": _("(any)"),
        "yes": _("yes"),
        "refusedParams": _("the server refused the parameters"),
        "unreachableServer": _("the server could not be reached: {error}"),
        "unreachableEndpoint": _("the endpoint could not be reached: {error}"),
        "endpointAnswered": _("the endpoint answered {status}"),
        "noDownload": _("no download: "),
        "refusedQuery": _("No results: the query was refused (HTTP {status})."),
        "notRun": _("Not run: the parameters were refused."),
        "running": _("Running…"),
        "noResults": _("No results."),
        "ask": _("ASK: {answer} · {ms} ms"),
        "askYes": _("yes (true)"),
        "askNo": _("no (false)"),
        "rows": _forms(lang, _ROWS),
        "took": _("{ms} ms"),
        "firstShown": _("the first {n} shown; download CSV or JSON for all"),
        "graph": _("A graph (CONSTRUCT or DESCRIBE), in Turtle · {ms} ms"),
        "unknownNamed": _("unknown named query {name}; choose one from the list"),
        "namedUnloaded": _("the named queries could not be loaded: {error}"),
        "hints": {
            "region": _("code or name, e.g. 620000, Gansu, 甘肃"),
            "year": _("four digits, e.g. 2018"),
            "document": _("the document's IRI"),
            "iri": _("an IRI"),
            "text": _("text"),
        },
    }
