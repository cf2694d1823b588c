"""The commands that make and hand on the store: ``build``, ``validate``, ``export``, ``push``
and ``stats``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from policygraph.cli.base import Context, _progress, _writing, lang_option, pass_context
from policygraph.errors import PolicyGraphError
from policygraph.export import FORMATS as EXPORT_FORMATS
from policygraph.namespaces import shorten
from policygraph.pipeline import build_store, open_store
from policygraph.reports.language import language
from policygraph.reports.statsreport import FORMATS as STATS_FORMATS
from policygraph.reports.statsreport import render as render_stats
from policygraph.wording import count

if TYPE_CHECKING:
    from policygraph.validation import ValidationReport, Violation


def _violation_lines(violations: list[Violation]) -> list[str]:
    lines = []
    for v in violations:
        path = f" {v.path}" if v.path else ""
        value = f" (value {v.value})" if v.value and v.value != v.focus else ""
        # The CSV row that made the node first, as every other input message starts.
        row = f"{v.where}: " if v.where else ""
        lines.append(f"  {row}{v.focus}{path}: {v.message}{value}")
    return lines


def _render_report(report: ValidationReport) -> None:
    if report.violations:
        click.echo(count(len(report.violations), "violation") + ":")
        for line in _violation_lines(report.violations):
            click.echo(line)
    if report.warnings:
        click.echo(count(len(report.warnings), "warning") + ":")
        for line in _violation_lines(report.warnings):
            click.echo(line)
    click.echo("conforms" if report.conforms else "does not conform")


@click.command()
@pass_context
def build(obj: Context) -> None:
    """Read data/ and ontology/, validate, and write the store; print counts."""
    summary = build_store(obj.store, obj.inputs, progress=_progress())
    click.echo(
        f"read {count(summary.quads, 'quad')} in {count(len(summary.graphs), 'graph')} "
        f"from {obj.inputs.data}"
    )
    _section("", {shorten(g): n for g, n in summary.graphs.items()}, heading=False)
    if not summary.report.conforms:
        _render_report(summary.report)
        click.echo("store not written; the previous store is kept", err=True)
        sys.exit(1)
    warnings = (
        f", {count(len(summary.report.warnings), 'warning')}" if summary.report.warnings else ""
    )
    where = f"wrote {obj.store}" if summary.written else f"built {obj.store}"
    units = summary.report.validated + summary.report.reused
    reused = (
        f" ({summary.report.reused} of {count(units, 'unit')} unchanged)"
        if summary.report.reused
        else ""
    )
    click.echo(f"{where} in {summary.seconds:.2f} s; SHACL: conforms{warnings}{reused}")
    if summary.kept:
        click.echo(
            f"kept the {count(summary.derived, 'triple')} of gap cells in graph/derived: "
            "nothing they are derived from changed"
        )
    else:
        click.echo(f"derived {count(summary.derived, 'triple')} of gap cells into graph/derived")


@click.command()
@pass_context
def validate(obj: Context) -> None:
    """SHACL report; exit 0 conforms, 1 violations, 2 could not run."""
    from policygraph.pipeline import build as run_build
    from policygraph.pipeline import cache_dir

    try:
        report = run_build(
            obj.inputs, cache=cache_dir(obj.store), derive_cells=False, progress=_progress()
        ).report
    except PolicyGraphError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    _render_report(report)
    sys.exit(0 if report.conforms else 1)


@click.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*EXPORT_FORMATS, "graphml"]),
    default="trig",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@pass_context
def export_command(obj: Context, fmt: str, output: Path | None) -> None:
    """Serialise the graph (ttl, nt: the union; trig, jsonld: a graph per source; graphml: the
    projection the views draw)."""
    with open_store(obj.store, obj.inputs, progress=_progress()) as store:
        from policygraph.export import export
        from policygraph.reports.network import project, to_graphml

        text = to_graphml(project(store)) if fmt == "graphml" else export(store, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        with _writing(output):
            output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@click.command()
@click.option(
    "--to",
    "url",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint, e.g. http://localhost:7878/store (Oxigraph).",
)
@click.option("--dry-run", is_flag=True, help="List the graphs and their triples; send nothing.")
@pass_context
def push(obj: Context, url: str, dry_run: bool) -> None:
    """Load the graph into a triple store, one named graph per source (each replaced: a second
    push changes nothing). Credentials from POLICYGRAPH_PUSH_USER and POLICYGRAPH_PUSH_PASSWORD
    (HTTP Basic), never from the command line."""
    from policygraph.push import push as push_graphs

    with open_store(obj.store, obj.inputs, progress=_progress()) as store:
        summary = push_graphs(store, url, dry_run=dry_run)
    graphs = count(len(summary.graphs), "graph")
    triples = count(summary.triples, "triple")
    if dry_run:
        click.echo(f"would push {graphs}, {triples} to {url} (dry run: nothing sent)")
    else:
        click.echo(f"pushed {graphs}, {triples} to {url} in {summary.seconds:.2f} s")
    _section("", {shorten(g): n for g, n in summary.graphs.items()}, heading=False)


@click.command()
@click.option("--format", "fmt", type=click.Choice(STATS_FORMATS), default="text")
@lang_option
@pass_context
def stats(obj: Context, fmt: str, lang: str) -> None:
    """Counts by class, source and level."""
    with open_store(obj.store, obj.inputs, progress=_progress()) as store:
        from policygraph.stats import graph_stats

        result = graph_stats(store)
        words = language(store, lang, divisions=True)
    click.echo(render_stats(result, fmt, words), nl=False)


def _section(title: str, counts: dict[str, int], *, heading: bool = True) -> None:
    if heading:
        click.echo(f"\n{title}:")
    width = max((len(k) for k in counts), default=0)
    for key, value in counts.items():
        click.echo(f"  {key:<{width}}  {value:>7,}")
