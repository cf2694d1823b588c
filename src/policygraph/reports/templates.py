"""The Jinja2 environments every HTML renderer uses: packaged templates, autoescaping on, and
the interface words of one language (``_("…")`` in a template, Jinja2's i18n extension over the
gettext catalogue of :mod:`policygraph.reports.language`)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from policygraph.reports.language import plural_marker as n
from policygraph.reports.language import translations
from policygraph.reports.querytext import identifiers_as_code
from policygraph.reports.scriptwords import query_words, site_words
from policygraph.wording import count, plural

__all__ = ["COUNTED", "environment"]


#: The nouns templates count (``n|count(kind)``), marked for the catalogue (``-k n:1,2``).
COUNTED = (
    n("{n} region", "{n} regions"),
    n("{n} document", "{n} documents"),
    n("{n} body", "{n} bodies"),
    n("{n} programme", "{n} programmes"),
    n("{n} claim", "{n} claims"),
    n("{n} named query", "{n} named queries"),
    n("{n} node", "{n} nodes"),
    n("{n} edge", "{n} edges"),
)


@cache
def environment(lang: str = "en", *, served: bool = False) -> Environment:
    """One environment per language: the translations are installed on the environment, so
    pages in two languages never share one. ``served``: for pages that ``policygraph serve``
    serves, whose nav links its query page as well."""
    env = Environment(
        loader=PackageLoader("policygraph", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: _("… %(name)s", name=value) escapes the value and formats it in one call.
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    words = translations(lang)

    def counted(n: int, noun: str) -> str:
        """{{ n|count("body") }}: 1 body, 18 bodies; in Chinese 18 个机构 (the catalogue's
        "{n} body" / "{n} bodies")."""
        if lang == "en":
            return count(n, noun)
        return words.ngettext(f"{{n}} {noun}", f"{{n}} {plural(noun)}", n).format(n=f"{n:,}")

    env.filters["count"] = counted
    env.filters["identifiers_as_code"] = identifiers_as_code
    env.globals["served"] = served
    # The words the page's scripts show (reports.scriptwords), for its JSON block.
    env.globals["site_words"] = site_words
    env.globals["query_words"] = query_words
    return env
