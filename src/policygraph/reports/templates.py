"""The one Jinja2 environment every HTML renderer uses: packaged templates, autoescaping on."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from policygraph.wording import count

__all__ = ["environment"]


@cache
def environment(*, served: bool = False) -> Environment:
    """The environment; ``served``: for pages that ``policygraph serve`` serves, whose nav
    links its query page as well."""
    env = Environment(
        loader=PackageLoader("policygraph", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    env.filters["count"] = count  # {{ n|count("body") }}: 1 body, 18 bodies
    env.globals["served"] = served
    return env
