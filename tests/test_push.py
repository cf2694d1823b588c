"""`policygraph push` into a real, writable Oxigraph server (`oxigraph serve`, the pip package
`oxigraph`, a dev dependency) by the SPARQL 1.1 Graph Store Protocol, read back through its
query endpoint."""

from __future__ import annotations

import base64
import http.server
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from policygraph.pipeline import open_store
from policygraph.push import graph_counts

from .conftest import SEED, Invoke
from .test_endpoint import _free_port, _oxigraph

_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty, writable Oxigraph server; its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [
            _oxigraph(),
            "serve",
            "--location",
            str(tmp_path / "server"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # bounded: at most ten seconds
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("oxigraph serve did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _remote_counts(base: str) -> dict[str, int]:
    url = f"{base}/query?{urllib.parse.urlencode({'query': _COUNTS})}"
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=30) as response:
        lines = response.read().decode("utf-8").splitlines()[1:]
    return dict(sorted((g, int(n)) for g, n in (line.split(",") for line in lines if line)))


@pytest.fixture()
def local_counts(tmp_path: Path) -> dict[str, int]:
    """Triples per graph of the seed store the `invoke` fixture builds (seed=True)."""
    with open_store(f"oxigraph:{tmp_path / 'store'}", SEED) as store:
        return graph_counts(store)


def test_every_graph_arrives_and_a_second_push_changes_nothing(
    server: str, invoke: Invoke, local_counts: dict[str, int]
) -> None:
    first = invoke("push", "--to", f"{server}/store", seed=True)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith(f"pushed {len(local_counts)} graphs")
    assert len(local_counts) > 1 and all(local_counts.values())
    assert _remote_counts(server) == local_counts
    second = invoke("push", "--to", f"{server}/store", seed=True)
    assert second.exit_code == 0, second.stderr
    assert _remote_counts(server) == local_counts


def test_the_gap_report_through_the_pushed_store_is_the_same(server: str, invoke: Invoke) -> None:
    assert invoke("push", "--to", f"{server}/store", seed=True).exit_code == 0
    remote = invoke("gaps", "--format", "json", store=f"sparql:{server}/query", seed=True)
    local = invoke("gaps", "--format", "json", seed=True)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_a_dry_run_sends_nothing(server: str, invoke: Invoke, local_counts: dict[str, int]) -> None:
    result = invoke("push", "--to", f"{server}/store", "--dry-run", seed=True)
    assert result.exit_code == 0, result.stderr
    assert "nothing sent" in result.stdout
    total = f"{sum(local_counts.values()):,} triples"
    assert total in result.stdout.splitlines()[0]
    assert _remote_counts(server) == {}


def test_an_unreachable_endpoint_is_one_line(invoke: Invoke) -> None:
    url = f"http://127.0.0.1:{_free_port()}/store"
    result = invoke("push", "--to", url, seed=True)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "cannot reach the graph store" in result.stderr


def test_an_http_error_is_one_line_with_the_servers_reason(server: str, invoke: Invoke) -> None:
    result = invoke("push", "--to", f"{server}/nowhere", seed=True)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "(404)" in result.stderr


def test_credentials_come_from_the_environment(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that refuses what lacks the right Basic credentials: refused (401, one line),
    then accepted once the variables are set."""
    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            auth = self.headers.get("Authorization")
            seen.append(auth)
            good = "Basic " + base64.b64encode(b"ann:s3cret").decode()
            self.send_response(204 if auth == good else 401)
            self.end_headers()
            if auth != good:
                self.wfile.write(b"authentication required\n")

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/store"
    try:
        monkeypatch.delenv("POLICYGRAPH_PUSH_USER", raising=False)
        refused = invoke("push", "--to", url, seed=True)
        assert refused.exit_code == 1 and "(401)" in refused.stderr
        assert refused.stderr.count("\n") == 1
        monkeypatch.setenv("POLICYGRAPH_PUSH_USER", "ann")
        monkeypatch.setenv("POLICYGRAPH_PUSH_PASSWORD", "s3cret")
        accepted = invoke("push", "--to", url, seed=True)
        assert accepted.exit_code == 0, accepted.stderr
        assert seen[0] is None and seen[-1] is not None
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_password_without_a_user_is_refused(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("POLICYGRAPH_PUSH_USER", raising=False)
    monkeypatch.setenv("POLICYGRAPH_PUSH_PASSWORD", "s3cret")
    result = invoke("push", "--to", f"http://127.0.0.1:{_free_port()}/store", seed=True)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "POLICYGRAPH_PUSH_USER is not" in result.stderr and "s3cret" not in result.stderr
