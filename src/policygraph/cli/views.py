"""The commands that write pages: ``viz`` (one interactive graph view) and ``site`` (the static
browse pages). The renderers (networkx, pyvis, jinja2) are imported when a command runs."""

from __future__ import annotations

from pathlib import Path

import click

from policygraph.cli.base import (
    Context,
    _options,
    _progress,
    _writing,
    lang_option,
    pass_context,
    tier_option,
    within_option,
)
from policygraph.pipeline import open_store
from policygraph.reports.language import language
from policygraph.wording import count


@click.command(name="viz")
@click.option(
    "--focus", metavar="REGION|IRI", help="Centre the view on a region (code or name) or node IRI."
)
@click.option("--depth", type=int, default=1, show_default=True, help="Steps around --focus.")
@within_option
@tier_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("viz/graph.html"),
    show_default=True,
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("viz"),
    show_default=True,
    help="Where the browse pages are (node clicks open them).",
)
@lang_option
@pass_context
def viz_command(
    obj: Context,
    focus: str | None,
    depth: int,
    within: str | None,
    tier: str | None,
    output: Path,
    site_dir: Path,
    lang: str,
) -> None:
    """Write an interactive graph view (one self-contained HTML page)."""
    with (
        open_store(obj.store, obj.inputs, progress=_progress()) as store,
        _writing(output),
        _options(tier="--tier", within="--within", focus="--focus"),
    ):
        from policygraph.reports.views import write_view

        graph = write_view(
            store,
            output,
            site=site_dir,
            focus=focus,
            depth=depth,
            region=within,
            tier=tier,
            lang=language(store, lang),
        )
    nodes, edges = count(graph.number_of_nodes(), "node"), count(graph.number_of_edges(), "edge")
    click.echo(f"wrote {output}: {nodes}, {edges}")


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("viz"),
    show_default=True,
)
@click.option(
    "--all",
    "every_page",
    is_flag=True,
    help="A page for every region, also those only the division list names (about 110 MB "
    "with the national data) [default: the regions a source studies and those above them].",
)
@click.option(
    "--served",
    is_flag=True,
    help="Pages for `serve --site`: the nav links the query page of `serve` (/query) as well.",
)
@lang_option
@pass_context
def site(obj: Context, output: Path, every_page: bool, served: bool, lang: str) -> None:
    """Write the static browse pages (and their .json twins)."""
    with open_store(obj.store, obj.inputs, progress=_progress()) as store, _writing(output):
        from policygraph.reports.site import write_site

        pages = write_site(
            store, output, every_page=every_page, progress=_progress(), served=served, lang=lang
        )
    click.echo(f"wrote {count(pages, 'page')} into {output}")
