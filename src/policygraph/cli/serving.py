"""``policygraph serve``: the read-only SPARQL endpoint and the browse pages, with the limits
and the worker processes it runs them under."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from policygraph.cli.base import Context, _progress, lang_option, pass_context
from policygraph.errors import StoreError
from policygraph.pipeline import open_store
from policygraph.reports.language import language
from policygraph.wording import count


@click.command()
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
