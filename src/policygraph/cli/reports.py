"""The commands that report on regions: ``gaps`` (and its ``--compare``), ``regions`` and
``timeline``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from policygraph.cli.base import (
    Context,
    _options,
    _progress,
    as_of_option,
    lang_option,
    pass_context,
    tier_option,
    within_option,
)
from policygraph.errors import PolicyGraphError, QueryError
from policygraph.gaps import STATUSES, find_gaps, paused_collection
from policygraph.pipeline import open_store
from policygraph.reports.gapreport import FORMATS as GAP_FORMATS
from policygraph.reports.gapreport import json_bytes as gap_json
from policygraph.reports.gapreport import render as render_gaps
from policygraph.reports.language import language
from policygraph.reports.regionlist import FORMATS as REGION_FORMATS
from policygraph.reports.regionlist import render as render_regions


@click.command()
@click.option(
    "--level",
    "levels",
    multiple=True,
    help="Regions at this level (county, prefectural, provincial or national); repeat for "
    "several [default: county; with --autonomous: prefectural and county, the autonomous "
    "prefectures, counties and banners].",
)
@tier_option
@click.option("--domain", help="One risk domain, e.g. pension or medical.")
@within_option
@click.option("--autonomous", is_flag=True, help="Only ethnic autonomous units.")
@click.option("--status", type=click.Choice(STATUSES), help="Only cells with this status.")
@click.option(
    "--all",
    "every_cell",
    is_flag=True,
    help="List every cell; without it (and without --within) only surveyed regions are listed, "
    "the rest counted by province.",
)
@click.option(
    "--sort",
    type=click.Choice(["code", "population"]),
    default="code",
    show_default=True,
    help="Order of the regions (population: largest first).",
)
@as_of_option
@click.option(
    "--compare",
    "old",
    type=click.Path(exists=True, path_type=Path),
    metavar="OLD",
    help="List the cells whose status or fall-back changed since OLD (a report written by "
    "--format json, or a store directory), with the documents added or removed; exit 0 when "
    "nothing changed, 1 when something did.",
)
@click.option("--format", "fmt", type=click.Choice(GAP_FORMATS), default="text", show_default=True)
@lang_option
@click.pass_context
def gaps(
    ctx: click.Context,
    levels: tuple[str, ...],
    tier: str | None,
    domain: str | None,
    within: str | None,
    autonomous: bool,
    status: str | None,
    every_cell: bool,
    sort: str,
    as_of: int | None,
    old: Path | None,
    fmt: str,
    lang: str,
) -> None:
    """The gap report: region × tier status, evidence, fall-backs and the sources' claims."""
    obj: Context = ctx.obj
    if not levels:
        levels = ("prefectural", "county") if autonomous else ("county",)
    if old is not None:
        _compare(
            ctx,
            old,
            fmt,
            level=levels,
            tier=tier,
            domain=domain,
            within=within,
            autonomous=autonomous,
            as_of=as_of,
            status=status,
        )
        return
    with (
        paused_collection(),
        open_store(obj.store, obj.inputs, progress=_progress()) as store,
        _options(tier="--tier", domain="--domain", within="--within", level="--level"),
    ):
        report = find_gaps(
            store,
            level=levels,
            tier=tier,
            domain=domain,
            within=within,
            autonomous=autonomous,
            status=status,
            every_cell=every_cell or within is not None or not obj.inputs.national,
            sort=sort,
            as_of=as_of,
        )
        words = language(store, lang)
        # JSON is written as orjson's bytes, which click passes to the binary stream (decoding
        # 30 MB of a national report to text and encoding it again took 80 ms); color=True:
        # text written as rendered (click would otherwise scan it for terminal escapes, which
        # the renderers never write, whenever it is piped).
        written = gap_json(report, words) if fmt == "json" else render_gaps(report, fmt, words)
        click.echo(written, nl=False, color=True)


@click.command()
@click.argument("text", metavar="QUERY")
@click.option(
    "--format", "fmt", type=click.Choice(REGION_FORMATS), default="text", show_default=True
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N regions."
)
@lang_option
@pass_context
def regions(obj: Context, text: str, fmt: str, limit: int, lang: str) -> None:
    """Find regions by name: Chinese, short, English, pinyin or an alias (any case), or code.

    Exact names first, then names that start with QUERY, that hold it, and that look alike."""
    from policygraph.queries import find_regions

    with open_store(obj.store, obj.inputs, progress=_progress()) as store:
        found = find_regions(store, text, limit=limit)
        words = language(store, lang, divisions=True)
    if not found:
        click.echo(f"no region has a name like {text!r}", err=True)
    click.echo(render_regions(found, fmt, words), nl=False)


def _compare(ctx: click.Context, old: Path, fmt: str, **filters: Any) -> None:
    """``gaps --compare``: exit 0 when nothing changed, 1 when something did, 2 on an error."""
    from policygraph.compare import compare_with
    from policygraph.reports.comparison import FORMATS, render

    if fmt not in FORMATS or filters.pop("status"):
        raise QueryError(
            f"--compare lists changed cells in {' or '.join(FORMATS)}, every status; "
            "drop --status and choose --format text or json"
        )
    obj: Context = ctx.obj
    try:
        with (
            open_store(obj.store, obj.inputs, progress=_progress()) as store,
            _options(tier="--tier", domain="--domain", within="--within", level="--level"),
        ):
            found = compare_with(store, old, **filters)
    except PolicyGraphError as exc:  # exit 1 means "changed" here: every error is 2
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(2)
    click.echo(render(found, fmt), nl=False, color=True)
    ctx.exit(1 if found.changed else 0)


@click.command()
@click.argument("region", metavar="REGION")
@click.option("--domain", help="One risk domain, e.g. pension or medical [default: any].")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@lang_option
@pass_context
def timeline(obj: Context, region: str, domain: str | None, fmt: str, lang: str) -> None:
    """For each tier of REGION (a code or a name), the years its gap status changed and the
    documents that changed it."""
    from policygraph.reports.timelines import render as render_timeline
    from policygraph.timeline import region_timeline

    with open_store(obj.store, obj.inputs, progress=_progress()) as store:
        found = region_timeline(store, region, domain=domain)
        words = language(store, lang)
    click.echo(render_timeline(found, fmt, words), nl=False)
