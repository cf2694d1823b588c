"""``policygraph import``: upstream national data into the tables of DATA/national
(``divisions``, ``census``), and a list of documents into a table of DATA (``documents``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from policygraph.cli.base import Context, F, _progress, _writing, pass_context
from policygraph.wording import count


@click.group(name="import")
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
