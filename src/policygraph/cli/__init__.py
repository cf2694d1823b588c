"""The command line: each command parses its options, makes one library call, renders the result.

Errors a user can cause arrive as :class:`PolicyGraphError` and end in one line on stderr with a
non-zero exit; anything else is a bug and keeps its traceback.

:mod:`~policygraph.cli.base` holds the ``policygraph`` group and what its commands share; the
commands sit in a module by what they do: :mod:`~policygraph.cli.store` (build, validate, export,
push, stats), :mod:`~policygraph.cli.queries` (queries, query), :mod:`~policygraph.cli.reports`
(gaps, regions, timeline), :mod:`~policygraph.cli.views` (viz, site),
:mod:`~policygraph.cli.importing` (import) and :mod:`~policygraph.cli.serving` (serve).

A command's module is imported when the command runs (:data:`~policygraph.cli.base.COMMANDS`):
a gap report in a fresh process should not pay for the views (networkx, pyvis), the site, the
exporters or the server.
"""

from __future__ import annotations

from policygraph.cli.base import COMMANDS, cli

__all__ = ["COMMANDS", "cli", "main"]


def main() -> None:
    cli(prog_name="policygraph")
