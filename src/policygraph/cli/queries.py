"""The commands of the named queries: ``queries`` lists them, ``query`` runs one (or a file, or
SPARQL given with ``-e``) and renders its table or graph."""

from __future__ import annotations

import json

import click

from policygraph.cli.base import Context, _progress, lang_option, pass_context
from policygraph.errors import QueryError
from policygraph.pipeline import open_store
from policygraph.queries import library as query_library
from policygraph.queries import load as load_query
from policygraph.queries import parse_named, run_query
from policygraph.reports.language import Language, language
from policygraph.reports.querytext import query_listing, query_records
from policygraph.reports.tables import FORMATS as TABLE_FORMATS
from policygraph.reports.tables import render as render_table


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise QueryError(
                f"--param {pair!r} is not NAME=VALUE; write e.g. --param tier=commercial"
            )
        values[name.strip()] = value
    return values


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--prefixes", is_flag=True, help="List the prefixes every query may use undeclared instead."
)
@lang_option
def queries(fmt: str, prefixes: bool, lang: str) -> None:
    """List the named queries with their title and parameters."""
    if prefixes:
        from policygraph.namespaces import PREFIXES

        if fmt == "json":
            click.echo(json.dumps(PREFIXES, indent=2))
        else:
            width = max(len(p) for p in PREFIXES) + 1
            for prefix, namespace in PREFIXES.items():
                click.echo(f"PREFIX {prefix + ':':<{width}} <{namespace}>")
        return
    # The titles' translations are the catalogue's alone: no store to read names from.
    listed, words = query_library().values(), Language(lang)
    if fmt == "json":
        click.echo(json.dumps(query_records(listed, words), indent=2, ensure_ascii=False))
    else:
        click.echo(query_listing(listed, words), nl=False)


#: RDF formats for the graph of a CONSTRUCT or DESCRIBE query: name → rdflib serialiser.
GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "xml": "xml", "jsonld": "json-ld"}


@click.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", help="SPARQL text to run instead of a named query or file.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*TABLE_FORMATS, *GRAPH_FORMATS]),
    help="table, csv, tsv, json (SPARQL JSON) or md for SELECT and ASK [default: table]; "
    "ttl, nt, xml (RDF/XML) or jsonld for CONSTRUCT and DESCRIBE [default: ttl].",
)
@click.option(
    "--print", "show", is_flag=True, help="Print the query as it would run, and do not run it."
)
@lang_option
@pass_context
def query(
    obj: Context,
    name: str | None,
    expression: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    show: bool,
    lang: str,
) -> None:
    """Run a named query, a .rq FILE, or -e SPARQL, with --param NAME=VALUE.

    The prefixes of `policygraph queries --prefixes` may be used without declaring them."""
    from policygraph.queries import bind

    if (name is None) == (expression is None):
        raise QueryError("give a query NAME or FILE, or -e SPARQL (one of them)")
    named = parse_named("-e", expression) if expression is not None else load_query(name or "")
    with open_store(obj.store, obj.inputs, progress=_progress()) as store:
        if show:
            click.echo(bind(store, named, _params(params)), nl=False)
            return
        result = run_query(store, named, _params(params))
        words = language(store, lang)
    if result.graph is not None:
        fmt = fmt or "ttl"
        if fmt not in GRAPH_FORMATS:
            raise QueryError(
                f"{named.name} gives a graph (CONSTRUCT or DESCRIBE); "
                f"choose --format {', '.join(GRAPH_FORMATS)}"
            )
        from policygraph.export import serialize_graph

        click.echo(serialize_graph(result.graph, GRAPH_FORMATS[fmt]), nl=False)
        return
    fmt = fmt or "table"
    if fmt not in TABLE_FORMATS:
        raise QueryError(
            f"{named.name} gives a table (SELECT or ASK); "
            f"choose --format {', '.join(TABLE_FORMATS)}"
        )
    click.echo(render_table(result, fmt, words), nl=False)
