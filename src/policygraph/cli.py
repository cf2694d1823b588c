"""The command line: each command parses its options, makes one library call, renders the result.

Errors a user can cause arrive as :class:`PolicyGraphError` and end in one line on stderr with a
non-zero exit; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from policygraph import __version__
from policygraph.build import Inputs
from policygraph.errors import PolicyGraphError, QueryError
from policygraph.export import FORMATS as EXPORT_FORMATS
from policygraph.export import export
from policygraph.namespaces import shorten
from policygraph.stats import graph_stats
from policygraph.store import DEFAULT_STORE, build_store, open_store
from policygraph.validation import ValidationReport, Violation

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Context:
    store: str
    inputs: Inputs


class PolicyGraphGroup(click.Group):
    """Turns library errors into one line and an exit code (2 for query errors, else 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PolicyGraphError as exc:
            click.echo(f"Error: {exc}", err=True)
            code = 2 if isinstance(exc, QueryError) else getattr(exc, "exit_code", 1)
            ctx.exit(code)


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
@click.pass_context
def cli(ctx: click.Context, store: str, data: Path | None) -> None:
    """policygraph: where is social-security provision missing?"""
    ctx.obj = Context(store=store, inputs=Inputs.resolve(data))


def pass_context(func: F) -> F:
    return click.pass_obj(func)  # type: ignore[return-value]


def _violation_lines(violations: list[Violation]) -> list[str]:
    lines = []
    for v in violations:
        path = f" {v.path}" if v.path else ""
        value = f" (value {v.value})" if v.value and v.value != v.focus else ""
        lines.append(f"  {v.focus}{path}: {v.message}{value}")
    return lines


def _render_report(report: ValidationReport) -> None:
    if report.violations:
        click.echo(f"{len(report.violations)} violations:")
        for line in _violation_lines(report.violations):
            click.echo(line)
    if report.warnings:
        click.echo(f"{len(report.warnings)} warnings:")
        for line in _violation_lines(report.warnings):
            click.echo(line)
    click.echo("conforms" if report.conforms else "does not conform")


@cli.command()
@pass_context
def build(obj: Context) -> None:
    """Read data/ and ontology/, validate, and write the store; print counts."""
    summary = build_store(obj.store, obj.inputs)
    click.echo(
        f"read {summary.quads:,} quads in {len(summary.graphs)} graphs from {obj.inputs.data}"
    )
    _section("", {shorten(g): n for g, n in summary.graphs.items()}, heading=False)
    if not summary.report.conforms:
        _render_report(summary.report)
        click.echo("store not written; the previous store is kept", err=True)
        sys.exit(1)
    warnings = f", {len(summary.report.warnings)} warnings" if summary.report.warnings else ""
    where = f"wrote {obj.store}" if summary.written else f"built {obj.store}"
    click.echo(f"{where} in {summary.seconds:.2f} s; SHACL: conforms{warnings}")


@cli.command()
@pass_context
def validate(obj: Context) -> None:
    """SHACL report; exit 0 conforms, 1 violations, 2 could not run."""
    from policygraph.build import build_dataset, load_shapes
    from policygraph.validation import validate as run_validation

    try:
        report = run_validation(build_dataset(obj.inputs), load_shapes(obj.inputs.ontology))
    except PolicyGraphError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    _render_report(report)
    sys.exit(0 if report.conforms else 1)


@cli.command(name="export")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="trig", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@pass_context
def export_command(obj: Context, fmt: str, output: Path | None) -> None:
    """Serialise the graph (ttl and nt: the union; trig and jsonld: one graph per source)."""
    with open_store(obj.store, obj.inputs) as store:
        text = export(store, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_context
def stats(obj: Context, fmt: str) -> None:
    """Counts by class, source and level."""
    with open_store(obj.store, obj.inputs) as store:
        result = graph_stats(store)
    if fmt == "json":
        payload = {
            "quads": result.quads,
            "by_class": result.by_class,
            "by_graph": result.by_graph,
            "by_level": result.by_level,
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(f"{result.quads:,} quads")
    _section("by source graph", result.by_graph)
    _section("by class", result.by_class)
    for cls, levels in result.by_level.items():
        _section(f"{cls} by level", levels)


def _section(title: str, counts: dict[str, int], *, heading: bool = True) -> None:
    if heading:
        click.echo(f"\n{title}:")
    width = max((len(k) for k in counts), default=0)
    for key, value in counts.items():
        click.echo(f"  {key:<{width}}  {value:>7,}")


def main() -> None:
    cli(prog_name="policygraph")
