"""The command line: each command parses its options, makes one library call, renders the result.

Errors a user can cause arrive as :class:`PolicyGraphError` and end in one line on stderr with a
non-zero exit; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from policygraph import __version__
from policygraph.errors import PolicyGraphError, QueryError, SourceError, StoreError
from policygraph.export import FORMATS as EXPORT_FORMATS
from policygraph.gaps import STATUSES, find_gaps, paused_collection
from policygraph.namespaces import shorten
from policygraph.pipeline import DEFAULT_STORE, Inputs, build_store, open_store
from policygraph.progress import Progress
from policygraph.queries import ParamError, parse_named, run_query
from policygraph.queries import library as query_library
from policygraph.queries import load as load_query
from policygraph.reports.gapreport import FORMATS as GAP_FORMATS
from policygraph.reports.gapreport import json_bytes as gap_json
from policygraph.reports.gapreport import render as render_gaps
from policygraph.reports.language import LANGUAGES, Language, language
from policygraph.reports.querytext import query_listing, query_records
from policygraph.reports.regionlist import FORMATS as REGION_FORMATS
from policygraph.reports.regionlist import render as render_regions
from policygraph.reports.statsreport import FORMATS as STATS_FORMATS
from policygraph.reports.statsreport import render as render_stats
from policygraph.reports.tables import FORMATS as TABLE_FORMATS
from policygraph.reports.tables import render as render_table
from policygraph.wording import count

if TYPE_CHECKING:
    from policygraph.validation import ValidationReport, Violation

# The views (networkx, pyvis), the site and the exporters are imported by the commands that use
# them: a gap report in a fresh process should not pay for them.

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Context:
    store: str
    inputs: Inputs


class PolicyGraphGroup(click.Group):
    """Turns library errors into one line and an exit code: 2 for bad input (a data file, a
    query or a parameter), else 1."""

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


def _violation_lines(violations: list[Violation]) -> list[str]:
    lines = []
    for v in violations:
        path = f" {v.path}" if v.path else ""
        value = f" (value {v.value})" if v.value and v.value != v.focus else ""
        # The CSV row that made the node first, as every other input message starts.
        row = f"{v.where}: " if v.where else ""
        lines.append(f"  {row}{v.focus}{path}: {v.message}{value}")
    return lines


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


@cli.command()
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


@cli.command()
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


@cli.command(name="export")
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command(name="viz")
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


@cli.command()
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


@cli.group(name="import")
def import_group() -> None:
    """Convert upstream national data into the tables of DATA/national (read with --national),
    or a list of documents into a table of DATA."""


def _upstream_option(func: F) -> F:
    return click.option(
        "--upstream",
        type=click.Path(path_type=Path, file_okay=False),
        help="Directory of the upstream files [default: DATA/national/upstream].",
    )(func)


def _write_tables(directory: Path, files: dict[str, str]) -> None:
    from policygraph.datafiles import write_atomic

    for name, text in files.items():
        target = directory / name
        with _writing(target):
            write_atomic(target, text)
        click.echo(f"wrote {target} ({count(text.count(chr(10)) - 1, 'row')})", err=True)


@import_group.command(name="divisions")
@_upstream_option
@pass_context
def import_divisions(obj: Context, upstream: Path | None) -> None:
    """divisions.csv and division-history.csv from the code lists (areacodes, areacity)."""
    from policygraph.national.divisions import convert_divisions

    source = upstream or obj.inputs.national_dir / "upstream"
    with _upstream_errors(source):
        files = convert_divisions(source, obj.inputs.ontology)
    _write_tables(obj.inputs.national_dir, files)


@import_group.command(name="census")
@_upstream_option
@pass_context
def import_census(obj: Context, upstream: Path | None) -> None:
    """observations/datasets/notes.census-2020.csv from the 2020 census by county (needs
    openpyxl: pip install -e '.[convert]'); lists the rows it cannot map to a division in use."""
    try:
        import openpyxl  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        raise click.ClickException(
            "reading the census spreadsheet needs openpyxl: pip install -e '.[convert]'"
        ) from None
    from policygraph.national.census import convert_census

    source = upstream or obj.inputs.national_dir / "upstream"
    with _upstream_errors(source):
        files, unmapped = convert_census(source)
    _write_tables(obj.inputs.national_dir, files)
    click.echo(f"{count(len(unmapped), 'census row')} not mapped to a division in use:", err=True)
    for row in unmapped:
        click.echo(f"  row {row.line}: {row.code} {row.name}: {row.reason}", err=True)


def _column_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        name, sep, header = pair.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise click.BadParameter(
                f"{pair!r}: write FIELD=HEADER, e.g. title=标题", param_hint="--column"
            )
        found[name.strip()] = header.strip()
    return found


@import_group.command(name="documents")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--source",
    "source",
    required=True,
    metavar="SLUG",
    help="Id of the new source: written as DATA/documents.SLUG.csv and sources.SLUG.csv, "
    "built as graph/SLUG (and graph/SLUG-rules for what the rules inferred).",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Read FIELD (title, number, date, issuer, region, url, title_en) from the column "
    "HEADER, where the guess from the headers does not take it; repeatable.",
)
@click.option("--supplied-by", default="", help="Who supplied the list (the source's creator).")
@click.option(
    "--date",
    "when",
    default="",
    metavar="YYYY-MM-DD",
    help="The list's date [default: the file's modification date].",
)
@click.option("--sheet", default=None, help="The XLSX sheet to read [default: the first].")
@click.option(
    "--confidence",
    type=click.Choice(["stated", "inferred"]),
    default="stated",
    show_default=True,
    help="stated: the list copies its sources; inferred: it is general knowledge (its "
    "documents then make no region surveyed).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Write nothing: print what each row becomes and the gap cells it would change.",
)
@pass_context
def import_documents(
    obj: Context,
    file: Path,
    source: str,
    columns: tuple[str, ...],
    supplied_by: str,
    when: str,
    sheet: str | None,
    confidence: str,
    dry_run: bool,
) -> None:
    """DATA/documents.SLUG.csv from a list of documents (CSV or XLSX), each row classified by
    the rules of DATA/classify; rows no rule classifies go to DATA/unclassified.SLUG.csv."""
    from policygraph.docimport.documents import Options
    from policygraph.docimport.documents import import_documents as run_import
    from policygraph.docimport.summary import change_lines, row_lines, unclassified_lines

    options = Options(source, _column_pairs(columns), supplied_by, when, sheet, confidence)
    inputs = obj.inputs
    done = run_import(file, inputs.data, inputs.ontology, national=inputs.national, options=options)
    for line in row_lines(done):
        click.echo(line)
    for line in unclassified_lines(done):
        click.echo(line, err=True)
    if dry_run:
        from policygraph.docimport.preview import preview

        domains = sorted({d for row in done.rows for d in row.found.domains})
        changes = preview(obj.store, inputs, done.files, domains=domains, progress=_progress())
        for line in change_lines(done, changes):
            click.echo(line)
        return
    _write_tables(inputs.data, done.files)


@contextmanager
def _upstream_errors(source: Path) -> Iterator[None]:
    """A missing or unreadable upstream file is the user's error: one line, exit 1."""
    try:
        yield
    except (OSError, KeyError, ValueError) as exc:
        raise click.ClickException(f"{source}: cannot convert: {exc}") from None


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Serve these browse pages [default: write them afresh, in the background].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=64),
    help="Query worker processes (queries that run at once) [default: cores + 1].",
)
@click.option(
    "--max-result-bytes",
    type=click.IntRange(min=1),
    default=64 * 2**20,
    show_default=True,
    help="Largest result sent; a larger one is refused (413).",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(min=1),
    default=2**20,
    show_default=True,
    help="Largest request body accepted (413 past it).",
)
@click.option(
    "--cache-bytes",
    type=click.IntRange(min=0),
    default=256 * 2**20,
    show_default=True,
    help="Answers kept for the store version served, in bytes (0: none); a question asked "
    "again is answered from them.",
)
@click.option(
    "--cors",
    "cors",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages from ORIGIN (or * for any) query the endpoint from a browser.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Run federated queries (SERVICE), which make this server send requests anywhere.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Connections at once; past it a request is answered 503.",
)
@click.option("--quiet", is_flag=True, help="No log line per request.")
@lang_option
@pass_context
def serve(
    obj: Context,
    host: str,
    port: int,
    site_dir: Path | None,
    timeout: float,
    workers: int | None,
    max_result_bytes: int,
    max_body_bytes: int,
    cache_bytes: int,
    cors: tuple[str, ...],
    allow_service: bool,
    max_connections: int,
    quiet: bool,
    lang: str,
) -> None:
    """A read-only SPARQL endpoint (/sparql) plus the browse pages, on loopback by default."""
    import logging
    import subprocess
    import tempfile

    from policygraph import serve as web
    from policygraph.querypage import QueryPage

    try:
        sock = web.listen(host, port)
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port} ({exc.strerror}); try --port") from None
    if web.exposed(host):
        click.echo(
            f"Warning: listening on {host}, not only on loopback: anyone who can reach this "
            "machine can query the endpoint and read the pages; --host 127.0.0.1 keeps it local",
            err=True,
        )
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    web.log.addHandler(handler)
    web.log.setLevel(logging.WARNING if quiet else logging.INFO)
    with (
        open_store(obj.store, obj.inputs, progress=_progress()) as store,
        tempfile.TemporaryDirectory() as scratch,
    ):
        source = web.source_for(store, Path(scratch))
        words = language(store, lang)  # the query page's, read while the store is open
        store.close()  # the workers hold the store version they read; this process reads none
        if site_dir is None:
            # Written by a separate process, so that the endpoint answers meanwhile.
            site_dir = Path(scratch) / "site"
            command = [sys.executable, "-m", "policygraph", "--store", obj.store]
            command += ["--data", str(obj.inputs.data)]
            command += ["--national" if obj.inputs.national else "--no-national"]
            command += ["site", "--all", "--served", "--lang", lang, "-o", str(site_dir)]
            quiet_env = {**os.environ, "POLICYGRAPH_PROGRESS": "0"}  # the log is serve's
            writer = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=quiet_env)
            pages = web.Pages(site_dir, writer)
        else:
            pages = web.Pages(site_dir)
        pool = web.QueryPool(source, workers or web.DEFAULT_WORKERS, timeout)
        limits = web.Limits(
            timeout, max_result_bytes, max_body_bytes, allow_service, cache_bytes=cache_bytes
        )
        query_page = QueryPage(
            store, lambda: pages.directory if pages.state() == "ready" else None, lang=words
        )
        app = web.make_app(pool, pages, limits=limits, cors=cors, query_page=query_page)
        bound = sock.getsockname()
        click.echo(
            f"serving http://{host}:{bound[1]}/ (SPARQL endpoint: /sparql, "
            f"{count(len(pool.workers), 'query worker')}, {timeout:g} s per query); Ctrl-C stops",
            err=True,
        )
        try:
            web.serve(app, sock, max_connections=max_connections)
        finally:
            pool.close()
            if pages.writer is not None and pages.writer.poll() is None:
                pages.writer.kill()
                pages.writer.wait()


def main() -> None:
    cli(prog_name="policygraph")
