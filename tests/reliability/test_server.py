"""`policygraph serve` under a store that is rebuilt while it runs, and against hostile clients."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from policygraph import Inputs
from policygraph import serve as web
from policygraph.pipeline import build_store
from policygraph.queries.service import uses_service
from policygraph.store import versions
from policygraph.store.oxigraph import OxigraphStore

from ..servers import Served, http, running
from .mutations import BUNDLED

TITLE = (
    "Implementation Plan of Basic Pension Insurance for Urban and Rural Residents in Sunan Yugur "
    "Autonomous County"
)
#: The title of the one document whose title the second data set changes.
TITLES = f'SELECT ?t WHERE {{ ?d dcterms:title ?t FILTER(STRSTARTS(STR(?t), "{TITLE}")) }}'


def _titles(url: str) -> list[str]:
    reply = http(f"{url}?{urllib.parse.urlencode({'query': TITLES})}")
    assert reply.status == 200, reply.text
    return [row["t"]["value"] for row in json.loads(reply.text)["results"]["bindings"]]


def _revised(tmp_path: Path) -> Path:
    data = tmp_path / "revised"
    shutil.copytree(BUNDLED, data)
    table = data / "documents.csv"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace(TITLE, TITLE + " (revised)", 1), encoding="utf-8")
    return data


def _build(spec: str, data: Path) -> Path:
    assert build_store(spec, Inputs.resolve(data, national=False)).written
    return versions.resolve(Path(spec.removeprefix("oxigraph:")))


def test_serve_answers_from_a_rebuilt_store_without_a_restart(tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'store'}"
    revised = _revised(tmp_path)
    first = _build(spec, BUNDLED)
    store = OxigraphStore(tmp_path / "store")
    with running(web.Source(store.location()), workers=1) as served:
        assert _titles(served.url) == [TITLE]
        second = _build(spec, revised)
        # The worker still has the first version open: the build kept it.
        assert first.is_dir() and second.is_dir()
        assert _titles(served.url) == [TITLE + " (revised)"]
        # The worker moved on, so the next build removes the first version, not the second.
        third = _build(spec, BUNDLED)
        assert not first.exists() and second.is_dir() and third.is_dir()
        assert _titles(served.url) == [TITLE]
    # No worker holds any version now: a build leaves only its own.
    fourth = _build(spec, revised)
    left = [p for p in (tmp_path / "store").iterdir() if p.name.startswith("store-")]
    assert left == [fourth]


# --- hostile clients ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("seed") / "store"
    _build(f"oxigraph:{directory}", BUNDLED)
    return directory


@pytest.fixture(scope="module")
def served(seed_store: Path) -> Iterator[Served]:
    with running(web.Source(OxigraphStore(seed_store).location()), workers=1) as server:
        yield server


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback port that counts who connects to it (a server SERVICE must not reach)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.settimeout(1.5)
        yield sock


def _query(url: str, text: str) -> tuple[int, str]:
    reply = http(f"{url}?{urllib.parse.urlencode({'query': text})}")
    return reply.status, reply.text


def _reached(sock: socket.socket) -> bool:
    try:
        connection, _ = sock.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


FEDERATED = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * {{ service<{url}>{{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ # a comment\n SeRvIcE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?s ?p ?o FILTER(?o < 1)SERVICE<{url}>{{ ?a ?b ?c }} }}",
    'SELECT * {{ BIND("x" AS ?x)SERVICE <{url}> {{ ?a ?b ?c }} }}',
    # `<'x>` looks like an IRI to a scan of words, and then `') SERVICE … ('` like a string.
    "SELECT * {{ FILTER(?a<'x>') SERVICE <{url}> {{ ?s ?p ?o }} FILTER(?b = 'k') }}",
    "SELECT * {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * {{ {{ SELECT ?s {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
]
#: SERVICE in a comment, a string, an IRI, a variable, a prefixed name: ordinary queries.
ORDINARY = [
    "SELECT * {{ ?s ?p ?o }} LIMIT 1 # SERVICE <{url}> {{ }}",
    'SELECT * {{ ?s ?p "SERVICE <{url}> {{ ?a ?b ?c }}" }}',
    "SELECT * {{ ?s ?p '''it's SERVICE <{url}> {{}}''' }}",
    "SELECT ?service {{ ?service <{url}SERVICE> ?o }}",
    "PREFIX service: <{url}> SELECT * {{ ?s service:SERVICE ?o }}",
    "SELECT * {{ ?s ?p ?o FILTER(?o < 'x>') }} # SERVICE <{url}> {{ }}",
]


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        ("SELECT * { ?s ?p ?o }", False),
        ("SELECT ?service { ?service ?p 'SERVICE' }", False),
        # Oxigraph's own syntax that rdflib's parser does not read: it cannot be told, so it
        # counts as calling one; without the word, it is never parsed at all.
        ("SELECT * { ?s ?p ?o FILTER(?o = <<( ?s ?p ?o )>>) } # service", True),
        ("SELECT * { ?s ?p ?o FILTER(?o = <<( ?s ?p ?o )>>) }", False),
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
    ],
)
def test_what_counts_as_calling_a_service(text: str, calls: bool) -> None:
    assert uses_service(text) is calls


@pytest.mark.parametrize("text", FEDERATED)
def test_service_is_refused_and_no_request_leaves(
    served: Served, listener: socket.socket, text: str
) -> None:
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    status, body = _query(served.url, text.format(url=target))
    assert status == 400, body
    assert body.startswith("SERVICE (a federated query) is refused") and "--allow-service" in body
    assert not _reached(listener)


@pytest.mark.parametrize("text", ORDINARY)
def test_service_in_a_comment_string_or_name_is_not_refused(
    served: Served, listener: socket.socket, text: str
) -> None:
    target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    status, body = _query(served.url, text.format(url=target))
    assert status == 200, body
    assert not _reached(listener)


def test_service_runs_when_allowed(seed_store: Path, listener: socket.socket) -> None:
    source = web.Source(OxigraphStore(seed_store).location())
    limits = web.Limits(timeout=5, allow_service=True)
    with running(source, workers=1, limits=limits) as allowed:
        target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        reply = http(
            f"{allowed.url}?{urllib.parse.urlencode({'query': FEDERATED[0].format(url=target)})}",
            timeout=10,
        )
        assert _reached(listener)
        assert reply.status in (502, 503), reply.text  # the listener never answers
        description = http(allowed.url, headers={"Accept": "text/turtle"}).text
        assert "BasicFederatedQuery" in description


def test_the_service_description_offers_no_federation_unless_allowed(served: Served) -> None:
    description = http(served.url, headers={"Accept": "text/turtle"})
    assert description.status == 200 and "sd:UnionDefaultGraph" in description.text
    assert "BasicFederatedQuery" not in description.text


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed ``sock`` (None if it was still open after ``seconds``)."""
    started = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def test_a_partial_request_is_closed_and_holds_no_slot(seed_store: Path) -> None:
    source = web.Source(OxigraphStore(seed_store).location())
    with running(source, workers=1, request_seconds=1.0, max_connections=4) as srv:
        port = int(srv.url.split(":")[2].split("/")[0])
        held = []
        for _ in range(4):  # the head of a request, never ended (a slowloris)
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-A: ")
            held.append(sock)
        # The connection limit is reached: an answer at once, 503, not a wait.
        assert http(srv.url + "?query=ASK%7B%7D", timeout=5).status == 503
        # A client that trickles a byte at a time is cut at the same deadline.
        trickle = socket.create_connection(("127.0.0.1", port))
        started = time.monotonic()
        with pytest.raises((BrokenPipeError, ConnectionResetError)):
            for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                trickle.sendall(bytes([byte]))
                time.sleep(0.1)
        assert time.monotonic() - started < 5
        trickle.close()
        for sock in held:
            closed = _closed_within(sock, 5.0)
            assert closed is not None, "a partial request was held open"
            sock.close()
        # Their slots are free again.
        assert http(srv.url + "?query=ASK%7B%7D", timeout=5).status == 200


def test_a_slow_query_is_not_cut_by_the_request_deadline(seed_store: Path) -> None:
    """The deadline is for the request to arrive, not for the answer."""
    source = web.Source(OxigraphStore(seed_store).location())
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running(source, workers=1, limits=web.Limits(timeout=2.5), request_seconds=1.0) as srv:
        started = time.monotonic()
        status, body = _query(srv.url, endless)
        assert status == 503 and "time limit of 2.5 s" in body, body
        assert time.monotonic() - started >= 2.5


def test_pages_follow_no_symlink_out_and_list_no_directory(tmp_path: Path) -> None:
    site, outside = tmp_path / "site", tmp_path / "outside"
    (site / "region").mkdir(parents=True)
    (site / "empty").mkdir()
    outside.mkdir()
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    (site / "region" / "index.html").write_text("<h1>region</h1>", encoding="utf-8")
    (outside / "secret.txt").write_text("secret", encoding="utf-8")
    (site / "secret.txt").symlink_to(outside / "secret.txt")
    (site / "out").symlink_to(outside, target_is_directory=True)
    (site / "passwd").symlink_to("/etc/passwd")
    (site / "inside.html").symlink_to(site / "index.html")  # within the site: served
    pages = web.Pages(site)
    source = web.Source(tmp_path / "no-store")
    with running(source, pages=pages, workers=1) as srv:
        base = srv.base
        assert http(f"{base}/").status == 200
        assert http(f"{base}/region/").text == "<h1>region</h1>"
        assert http(f"{base}/inside.html").status == 200
        for path in ("secret.txt", "out/secret.txt", "passwd", "out/", "empty/", "empty"):
            reply = http(f"{base}/{path}")
            assert reply.status == 404, (path, reply.status)
            assert b"secret" not in reply.body and b"root:" not in reply.body


@pytest.mark.parametrize(
    ("host", "exposed"),
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("[::1]", False),
        ("localhost", False),
        ("0.0.0.0", True),
        ("::", True),
        ("192.168.1.20", True),
        ("example.org", True),
    ],
)
def test_which_hosts_are_exposed(host: str, exposed: bool) -> None:
    assert web.exposed(host) is exposed


def _first_lines(seed_store: Path, tmp_path: Path, host: str) -> list[str]:
    """What `policygraph serve --host HOST` says on stderr before it serves."""
    command = [sys.executable, "-m", "policygraph", "--store", f"oxigraph:{seed_store}"]
    command += ["--no-national", "--data", str(BUNDLED), "serve", "--host", host, "--port", "0"]
    (tmp_path / "site").mkdir(parents=True)
    command += ["--site", str(tmp_path / "site"), "--workers", "1", "--quiet"]
    env = {**os.environ, "POLICYGRAPH_PROGRESS": "0"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    lines = []
    try:
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if line.startswith("serving "):
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()
    return lines


def test_binding_beyond_loopback_is_warned_about(seed_store: Path, tmp_path: Path) -> None:
    lines = _first_lines(seed_store, tmp_path / "exposed", "0.0.0.0")
    assert lines[-1].startswith("serving http://0.0.0.0:")
    assert lines[:-1] == [
        "Warning: listening on 0.0.0.0, not only on loopback: anyone who can reach this machine "
        "can query the endpoint and read the pages; --host 127.0.0.1 keeps it local"
    ]
    quiet = _first_lines(seed_store, tmp_path / "local", "127.0.0.1")
    assert len(quiet) == 1 and quiet[0].startswith("serving http://127.0.0.1:")


def test_policygraph_serve_follows_policygraph_build(tmp_path: Path) -> None:
    """The user's flow, two real processes: `serve` runs, `build` rewrites the store, the next
    query answers from the new one."""
    store = tmp_path / "store"
    revised = _revised(tmp_path)
    _build(f"oxigraph:{store}", BUNDLED)
    (tmp_path / "site").mkdir()
    base = [sys.executable, "-m", "policygraph", "--store", f"oxigraph:{store}", "--no-national"]
    serve = [*base, "--data", str(BUNDLED), "serve", "--port", "0", "--workers", "1"]
    serve += ["--site", str(tmp_path / "site"), "--quiet"]
    env = {**os.environ, "POLICYGRAPH_PROGRESS": "0"}
    process = subprocess.Popen(serve, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    try:
        banner = process.stderr.readline()
        url = "http://127.0.0.1:{}/sparql".format(banner.split(":")[2].split("/")[0])
        assert _titles(url) == [TITLE]
        build = [*base, "--data", str(revised), "build"]
        done = subprocess.run(build, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert _titles(url) == [TITLE + " (revised)"]
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


def test_an_idle_keep_alive_connection_is_closed(seed_store: Path) -> None:
    source = web.Source(OxigraphStore(seed_store).location())
    with running(source, workers=1, keep_alive_seconds=1, request_seconds=30.0) as srv:
        port = int(srv.url.split(":")[2].split("/")[0])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(10)
            answer = sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
            # Then nothing: closed after the keep-alive second, long before the request deadline.
            closed = _closed_within(sock, 5.0)
            assert closed is not None and closed < 5.0


def test_a_query_that_finds_no_free_worker_in_time_is_answered_503(seed_store: Path) -> None:
    """Two endless queries hold the one worker for two time limits; a third query, queued
    behind them, is answered 503 with Retry-After once it has waited one time limit."""
    source = web.Source(OxigraphStore(seed_store).location())
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running(source, workers=1, limits=web.Limits(timeout=3)) as srv:
        assert _query(srv.url, "ASK {}")[0] == 200  # the worker has started
        answers: dict[int, tuple[int, str, float]] = {}

        def ask(n: int, text: str) -> None:
            started = time.monotonic()
            reply = http(f"{srv.url}?{urllib.parse.urlencode({'query': text})}", timeout=30)
            waited = time.monotonic() - started
            answers[n] = (reply.status, reply.headers.get("retry-after", ""), waited)

        threads = []
        # Three texts: the same text asked again would share the first one's run, or its kept
        # answer, rather than queue for a worker.
        for n, text in enumerate([f"{endless} # 1", f"{endless} # 2", "ASK {} # 3"]):
            threads.append(threading.Thread(target=ask, args=(n, text)))
            threads[-1].start()
            time.sleep(0.8)  # in this order: the second is taken when the first is cut
        for thread in threads:
            thread.join(timeout=30)
        assert answers[0][0] == 503 and answers[1][0] == 503  # both cut at the time limit
        status, retry, seconds = answers[2]
        assert (status, retry) == (503, "5")
        assert 3 <= seconds < 5.5  # it waited one time limit, not two
        assert _query(srv.url, "ASK {}")[0] == 200
