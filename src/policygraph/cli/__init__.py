"""The command line: each command parses its options, makes one library call, renders the result.

Errors a user can cause arrive as :class:`PolicyGraphError` and end in one line on stderr with a
non-zero exit; anything else is a bug and keeps its traceback.

:mod:`~policygraph.cli.base` holds the ``policygraph`` group and what its commands share; the
commands sit in a module by what they do: :mod:`~policygraph.cli.store` (build, validate, export,
push, stats), :mod:`~policygraph.cli.queries` (queries, query), :mod:`~policygraph.cli.reports`
(gaps, regions, timeline), :mod:`~policygraph.cli.views` (viz, site),
:mod:`~policygraph.cli.importing` (import) and :mod:`~policygraph.cli.serving` (serve).

The views (networkx, pyvis), the site and the exporters are imported by the commands that use
them: a gap report in a fresh process should not pay for them.
"""

from __future__ import annotations

from policygraph.cli.base import cli
from policygraph.cli.importing import import_group
from policygraph.cli.queries import queries, query
from policygraph.cli.reports import gaps, regions, timeline
from policygraph.cli.serving import serve
from policygraph.cli.store import build, export_command, push, stats, validate
from policygraph.cli.views import site, viz_command

__all__ = ["cli", "main"]

# In the order they were written in; `policygraph --help` lists them by name.
for _command in (
    build,
    validate,
    export_command,
    push,
    stats,
    queries,
    query,
    gaps,
    regions,
    timeline,
    viz_command,
    site,
    import_group,
    serve,
):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="policygraph")
