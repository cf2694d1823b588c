"""`--store sparql:URL` against a real SPARQL 1.1 endpoint: `oxigraph serve-read-only` on loopback
(the pip package `oxigraph`, a dev dependency) serving a store built by policygraph."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from policygraph.gaps import find_gaps
from policygraph.pipeline import build_store, open_store
from policygraph.queries import library, run_query

from .conftest import SEED, Invoke
from .test_queries import EXAMPLES, _rows


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the oxigraph server is not installed; run ./test (pip install -e '.[dev]')")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    directory = tmp_path_factory.mktemp("store")
    spec = f"oxigraph:{directory}"
    assert build_store(spec, SEED).written
    port = _free_port()
    server = subprocess.Popen(
        [
            _oxigraph(),
            "serve-read-only",
            "--location",
            str(directory / "current" / "db"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):  # bounded: at most ten seconds
            try:
                urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("oxigraph serve did not start")
        yield spec, url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_gap_report_is_the_same_through_the_endpoint(endpoint: tuple[str, str]) -> None:
    spec, url = endpoint
    inputs = SEED
    with open_store(spec, inputs) as local, open_store(f"sparql:{url}", inputs) as remote:
        for filters in ({}, {"autonomous": True, "within": "620000"}, {"tier": "commercial"}):
            assert find_gaps(remote, **filters) == find_gaps(local, **filters)  # type: ignore[arg-type]


def test_the_gap_report_as_of_a_year_is_the_same_through_the_endpoint(
    endpoint: tuple[str, str],
) -> None:
    """No gap table on the endpoint: gaps/validity and gaps/region-tree give its rows."""
    spec, url = endpoint
    with open_store(spec, SEED) as local, open_store(f"sparql:{url}", SEED) as remote:
        for year in (2013, 2014, 2021):
            remote_report = find_gaps(remote, within="620000", as_of=year)
            assert remote_report == find_gaps(local, within="620000", as_of=year)
        sunan = [g for g in remote_report.gaps if g.code == "620721" and g.tier == "insurance"]
        assert [g.status for g in sunan] == ["own"]


@pytest.mark.parametrize("name", sorted(library()))
def test_every_named_query_gives_the_same_rows(endpoint: tuple[str, str], name: str) -> None:
    spec, url = endpoint
    inputs = SEED
    with open_store(spec, inputs) as local, open_store(f"sparql:{url}", inputs) as remote:
        for params in EXAMPLES.get(name, [{}]):
            expected, actual = run_query(local, name, params), run_query(remote, name, params)
            assert expected.variables == actual.variables
            assert _rows(expected) == _rows(actual)


def test_the_cli_reads_the_endpoint(endpoint: tuple[str, str], invoke: Invoke) -> None:
    _, url = endpoint
    remote = invoke("gaps", "--format", "json", store=f"sparql:{url}", seed=True)
    local = invoke("gaps", "--format", "json", seed=True)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_an_endpoint_is_read_only(endpoint: tuple[str, str], invoke: Invoke) -> None:
    _, url = endpoint
    result = invoke("build", store=f"sparql:{url}")
    assert result.exit_code == 1 and "read-only" in result.stderr


def test_an_unreachable_endpoint_is_one_line(invoke: Invoke) -> None:
    result = invoke("stats", store=f"sparql:http://127.0.0.1:{_free_port()}/query")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "cannot reach the SPARQL endpoint" in result.stderr


@pytest.mark.parametrize("region", ["620000", "620721", "620923", "622900"])
def test_a_timeline_through_the_endpoint_is_the_local_stores_byte_for_byte(
    endpoint: tuple[str, str], invoke: Invoke, region: str
) -> None:
    """The endpoint has no gap table: gaps/region-tree, gaps/validity and lookup/regions give
    what the timeline is computed from. It once refused: "needs a local store"."""
    spec, url = endpoint
    for options in ([], ["--domain", "medical"]):
        args = ("timeline", region, "--format", "json", *options)
        remote = invoke(*args, store=f"sparql:{url}", seed=True)
        local = invoke(*args, store=spec, seed=True)
        assert remote.exit_code == 0, remote.stderr
        assert local.exit_code == 0, local.stderr
        assert remote.stdout == local.stdout
    text = invoke("timeline", region, store=f"sparql:{url}", seed=True)
    assert text.stdout == invoke("timeline", region, store=spec, seed=True).stdout
    assert '"changes"' in remote.stdout


def test_an_unknown_timeline_region_through_the_endpoint_is_one_line(
    endpoint: tuple[str, str], invoke: Invoke
) -> None:
    _, url = endpoint
    result = invoke("timeline", "999999", store=f"sparql:{url}", seed=True)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
