"""What every command shares: the ``policygraph`` group and its options, the context it passes
down, the options several commands take (``--tier``, ``--lang``, ``--within``, ``--as-of``), and
the errors and progress lines of the command line.

Errors a user can cause arrive as :class:`PolicyGraphError` and end in one line on stderr with a
non-zero exit (:class:`PolicyGraphGroup`); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from policygraph import __version__
from policygraph.errors import PolicyGraphError, QueryError, SourceError
from policygraph.pipeline import DEFAULT_STORE, Inputs
from policygraph.progress import Progress
from policygraph.queries import ParamError
from policygraph.reports.language import LANGUAGES

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Context:
    store: str
    inputs: Inputs


#: Each command and where it is defined: a command's module is imported only when it runs (or
#: for ``--help``), so a gap report does not pay for the views, the exporters or the server.
COMMANDS = {
    "build": "policygraph.cli.store:build",
    "validate": "policygraph.cli.store:validate",
    "export": "policygraph.cli.store:export_command",
    "push": "policygraph.cli.store:push",
    "stats": "policygraph.cli.store:stats",
    "queries": "policygraph.cli.queries:queries",
    "query": "policygraph.cli.queries:query",
    "gaps": "policygraph.cli.reports:gaps",
    "regions": "policygraph.cli.reports:regions",
    "timeline": "policygraph.cli.reports:timeline",
    "viz": "policygraph.cli.views:viz_command",
    "site": "policygraph.cli.views:site",
    "import": "policygraph.cli.importing:import_group",
    "serve": "policygraph.cli.serving:serve",
}


class PolicyGraphGroup(click.Group):
    """Turns library errors into one line and an exit code: 2 for bad input (a data file, a
    query or a parameter), else 1; finds its commands in :data:`COMMANDS`, importing each one's
    module when it is asked for (click's lazily loaded subcommands)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, name = COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), name)
            assert isinstance(command, click.Command) and command.name == cmd_name
            self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PolicyGraphError as exc:
            click.echo(f"Error: {exc}", err=True)
            bad_input = isinstance(exc, QueryError | SourceError)
            ctx.exit(2 if bad_input else getattr(exc, "exit_code", 1))


@contextmanager
def _options(**names: str) -> Iterator[None]:
    """A refused parameter that the user gave as a command's own option (``gaps --tier``) is
    reported under that option's name."""
    try:
        yield
    except ParamError as exc:
        if exc.param in names:
            raise exc.for_option(names[exc.param]) from None
        raise


@click.group(cls=PolicyGraphGroup)
@click.version_option(__version__, prog_name="policygraph")
@click.option(
    "--store",
    "store",
    default=DEFAULT_STORE,
    show_default=True,
    envvar="POLICYGRAPH_STORE",
    help="oxigraph:DIR (on disk, rebuilt when the data changes), memory, or sparql:URL.",
)
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="POLICYGRAPH_DATA",
    help="Directory of CSV and RDF files [default: the bundled seed dataset].",
)
@click.option(
    "--national/--no-national",
    default=None,
    help="Read DATA/national: every division of China (3,213), the code history since 1981 and "
    "the 2020 census by county [default: when DATA has a national/ directory]; --no-national "
    "reads the seed data alone.",
)
@click.pass_context
def cli(ctx: click.Context, store: str, data: Path | None, national: bool | None) -> None:
    """policygraph: where is social-security provision missing?"""
    ctx.obj = Context(store=store, inputs=Inputs.resolve(data, national=national))


#: Options shared by several commands, defined once.
tier_option = click.option("--tier", help="One security tier: assistance, insurance or commercial.")
lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of headings, status words and names (zh: the Chinese name first).",
)
within_option = click.option(
    "--within",
    metavar="REGION",
    help="Only this region (a code, or a name: 肃北, Subei), the regions under it, and what "
    "links them.",
)

as_of_option = click.option(
    "--as-of",
    "as_of",
    type=click.IntRange(1000, 2999),
    metavar="YEAR",
    help="Status as of YEAR: only the documents in force then (from their year on, unless a "
    "source says otherwise) and the regions whose code was in use.",
)


def _progress() -> Progress | None:
    """Phase lines on stderr for work past two seconds (:mod:`policygraph.progress`): on a
    terminal, or wherever ``POLICYGRAPH_PROGRESS=1`` (``0``: never). Piped, stderr keeps the
    one line an error gives."""
    wanted = os.environ.get("POLICYGRAPH_PROGRESS", "")
    if wanted == "0" or (wanted != "1" and not sys.stderr.isatty()):
        return None
    return Progress(lambda line: click.echo(line, err=True))


def pass_context(func: F) -> F:
    return click.pass_obj(func)  # type: ignore[return-value]


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """An output path the user chose that cannot be written is their error, not a bug."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or path
        raise PolicyGraphError(
            f"{where}: cannot write ({exc.strerror}); choose another -o/--output"
        ) from None
