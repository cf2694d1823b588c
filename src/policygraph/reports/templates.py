"""The one Jinja2 environment every HTML renderer uses: packaged templates, autoescaping on."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from policygraph.wording import count

__all__ = ["environment"]


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("policygraph", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    env.filters["count"] = count  # {{ n|count("body") }}: 1 body, 18 bodies
    return env
