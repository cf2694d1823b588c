"""Load test of `policygraph serve` on loopback: bounded in clients and time, stops by itself.

    .venv/bin/python tests/load/serve_load.py [--clients 20] [--seconds 30] [--timeout 10]
        [--pages DIR] [--no-national] [--max-growth-mb 200] [--exclude NAME,...] [--no-cache]

Builds the bundled data into a temporary Oxigraph store, starts `policygraph serve` on a free
loopback port (browse pages from an empty directory, so that no page writing competes, or from
``--pages DIR``, e.g. ``viz``), and runs ``--clients`` clients for ``--seconds``: each sends, one
after the other, a named gap query with one of its parameter sets, a small ad-hoc SELECT/ASK, or
(with ``--pages``) a GET of one of the pages, over its own keep-alive connection, waiting
``--think`` seconds on average between two (default 0: as fast as the server answers).
One more client sends a query that never ends, again and again; each must come back 503 at the
time limit. Prints latency percentiles per kind of request, errors, the endless query's cuts, the
resident memory of the server's process tree (server, fork server, query workers) after the
warm-up and after the load, and the load average. Exits 1 on any error, an endless query not
cut, or memory grown by more than ``--max-growth-mb``. The full run is not in CI (timings depend
on the machine); ``tests/reliability/test_load.py`` runs a short one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Sequence
from http.client import HTTPConnection
from pathlib import Path

from policygraph import Inputs
from policygraph.pipeline import build_store, open_store
from policygraph.queries import bind, library

#: Small ad-hoc queries; ``{code}`` is a region code drawn anew for each request, so that most of
#: them are asked for the first time and run in a worker rather than answered from memory.
SMALL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?d a pg:PolicyDocument }",
    "SELECT ?r ?label WHERE { ?r a pg:Region ; skos:prefLabel ?label } LIMIT 20",
    "ASK { <https://w3id.org/policygraph/id/region/{code}> a pg:Region }",
    "SELECT ?d ?t WHERE { ?d a pg:PolicyDocument ; dcterms:title ?t } ORDER BY ?d LIMIT 10",
    "SELECT * WHERE { <https://w3id.org/policygraph/id/region/{code}> ?p ?o }",
    "SELECT ?tier ?status WHERE { ?cell pg:region <https://w3id.org/policygraph/id/region/{code}> ;"
    " pg:tier ?tier ; pg:gapStatus/skos:notation ?status }",
    "SELECT ?child ?label WHERE { ?child skos:broader <https://w3id.org/policygraph/id/region/{code}>"
    " ; skos:prefLabel ?label }",
]
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PARAMS: dict[str, list[dict[str, str]]] = {
    "gaps/no-dedicated-policy": [{}, {"tier": "commercial"}, {"autonomous": "true"}],
    "gaps/coverage-matrix": [{}],
    "gaps/provision": [{}],
    "gaps/claims": [{}],
    "gaps/regions-without-implementation": [{}],
}


def gap_queries(spec: str, inputs: Inputs) -> list[tuple[str, str]]:
    """(label, bound text) of the named gap queries, each with its parameter sets."""
    found = []
    with open_store(spec, inputs) as store:
        for name, query in sorted(library().items()):
            if not name.startswith("gaps/"):
                continue
            for params in PARAMS.get(name, [{}]):
                try:
                    text = bind(store, query, params)
                except Exception:  # noqa: BLE001 - a query that needs a parameter we do not give
                    continue
                found.append((name, text))
    return found


def region_codes(spec: str, inputs: Inputs) -> list[str]:
    """The codes of every region of the store, for the ad-hoc queries."""
    with open_store(spec, inputs) as store:
        rows = store.select(
            "SELECT ?code WHERE { ?r a <https://w3id.org/policygraph/def#Region> ; "
            "<http://www.w3.org/2004/02/skos/core#notation> ?code }"
        )
    return sorted(str(code) for (code,) in rows)


def tree_rss(pid: int) -> int:
    """Resident bytes of process ``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


def sample_pages(directory: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """("page", URL path) of up to ``count`` HTML pages under ``directory``, seeded."""
    found = sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*.html"))
    chosen = random.Random(seed).sample(found, min(count, len(found)))
    return [("page", "/" + urllib.parse.quote(path)) for path in ["", *chosen]]


def client(
    port: int,
    queries: list[tuple[str, str]],
    until: float,
    seed: int,
    results: list[tuple[str, int, float]],
    think: float = 0.0,
    codes: Sequence[str] = ("620923",),
) -> None:
    rng = random.Random(seed)
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        kind, text = rng.choice(queries)
        if "{code}" in text:
            text = text.replace("{code}", rng.choice(codes))
        body = urllib.parse.urlencode({"query": text})
        started = time.perf_counter()
        try:
            if kind == "page":
                connection.request("GET", text)
            else:
                connection.request(
                    "POST",
                    "/sparql",
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "application/sparql-results+json",
                    },
                )
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 0
            connection.close()
            connection = HTTPConnection("127.0.0.1", port, timeout=60)
        results.append((kind, status, (time.perf_counter() - started) * 1000))
        if think:
            time.sleep(max(0.0, min(rng.expovariate(1 / think), until - time.monotonic())))
    connection.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--workers", type=int, help="serve --workers (default: its own)")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a client waits between requests (exponential; default 0: none)",
    )
    parser.add_argument(
        "--pages",
        type=Path,
        help="serve these browse pages (e.g. viz) and mix GETs of them into the load",
    )
    parser.add_argument(
        "--no-national",
        action="store_true",
        help="the seed data alone, without data/national (a build of seconds)",
    )
    parser.add_argument(
        "--max-growth-mb",
        type=float,
        default=200,
        help="fail when the server's memory grew by more than this (default 200)",
    )
    parser.add_argument(
        "--exclude",
        default="",
        help="named queries left out of the mix, comma-separated (e.g. gaps/provision, whose "
        "national answer is 25 MB)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="serve --cache-bytes 0: every request runs its query (the engine's own speed)",
    )
    options = parser.parse_args(argv)
    if not (1 <= options.clients <= 64 and 1 <= options.seconds <= 300):
        parser.error("--clients 1..64 and --seconds 1..300 keep the test bounded")
    with tempfile.TemporaryDirectory() as scratch:
        spec = f"oxigraph:{scratch}/store"
        inputs = Inputs.resolve(national=False if options.no_national else None)
        build_store(spec, inputs)
        left_out = {name for name in options.exclude.split(",") if name}
        named = [(kind, text) for kind, text in gap_queries(spec, inputs) if kind not in left_out]
        codes = region_codes(spec, inputs)
        small = [("ad-hoc", text) for text in SMALL]
        pages = options.pages or Path(scratch) / "pages"
        pages.mkdir(exist_ok=True)
        browse = sample_pages(pages, 40, seed=1) if options.pages else []
        command = [sys.executable, "-m", "policygraph", "--store", spec]
        command += ["--no-national"] if options.no_national else []
        command += ["serve", "--port", "0"]
        command += ["--site", str(pages), "--timeout", str(options.timeout), "--quiet"]
        if options.workers:
            command += ["--workers", str(options.workers)]
        if options.no_cache:
            command += ["--cache-bytes", "0"]
        server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        try:
            assert server.stderr is not None
            banner = server.stderr.readline()
            match = re.search(r":(\d+)/", banner)
            if not match:
                print(f"serve did not start: {banner}", file=sys.stderr)
                return 1
            port = int(match.group(1))
            for kind, text in named + small + browse:  # warm up: every worker, query, page
                text = text.replace("{code}", "620923")
                conn = HTTPConnection("127.0.0.1", port, timeout=60)
                if kind == "page":
                    conn.request("GET", text)
                else:
                    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
                reply = conn.getresponse()
                reply.read()
                conn.close()
                if reply.status != 200:
                    print(f"warm-up: {kind} answered {reply.status}", file=sys.stderr)
                    return 1
            mix = named + small + browse
            memory = {"before_mb": tree_rss(server.pid) / 2**20}
            load = {"before": os.getloadavg()}
            until = time.monotonic() + options.seconds
            results: list[tuple[str, int, float]] = []
            endless: list[tuple[str, int, float]] = []
            threads = [
                threading.Thread(
                    target=client, args=(port, mix, until, i, results, options.think, codes)
                )
                for i in range(options.clients)
            ]
            threads.append(
                threading.Thread(
                    target=client, args=(port, [("endless", ENDLESS)], until, 0, endless)
                )
            )
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=options.seconds + options.timeout + 60)
            elapsed = time.monotonic() - started
            time.sleep(2)  # the last cut worker restarted, the last connections closed
            memory["after_mb"] = tree_rss(server.pid) / 2**20
            load["after"] = os.getloadavg()
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(results, endless, elapsed, options, memory, load)
    errors = [r for r in results if r[1] != 200]
    cut = bool(endless) and all(status == 503 for _, status, _ in endless)
    flat = memory["after_mb"] - memory["before_mb"] <= options.max_growth_mb
    return 0 if not errors and cut and flat else 1


def report(
    results: list[tuple[str, int, float]],
    endless: list[tuple[str, int, float]],
    elapsed: float,
    options: argparse.Namespace,
    memory: dict[str, float],
    load: dict[str, tuple[float, float, float]],
) -> None:
    by_kind: dict[str, list[float]] = {}
    for kind, status, ms in results:
        if status == 200:
            by_kind.setdefault(kind, []).append(ms)
    everything = [ms for kind, status, ms in results if status == 200]
    errors = [(kind, status) for kind, status, _ in results if status != 200]
    summary = {
        "clients": options.clients,
        "think_s": options.think,
        "cache": not options.no_cache,
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "per_second": round(len(results) / elapsed, 1),
        "errors": len(errors),
        "p50_ms": round(statistics.median(everything), 1) if everything else None,
        "p99_ms": round(percentile(everything, 99), 1) if everything else None,
        "max_ms": round(max(everything), 1) if everything else None,
        "endless": [(status, round(ms / 1000, 2)) for _, status, ms in endless],
        "rss_mb_before": round(memory["before_mb"], 1),
        "rss_mb_after": round(memory["after_mb"], 1),
        "loadavg_before": [round(x, 2) for x in load["before"]],
        "loadavg_after": [round(x, 2) for x in load["after"]],
    }
    print(f"{'query':42} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in sorted(by_kind.items()):
        print(
            f"{kind:42} {len(values):6} {statistics.median(values):8.1f} "
            f"{percentile(values, 95):8.1f} {percentile(values, 99):8.1f} {max(values):8.1f}"
        )
    if errors:
        print("errors:", errors[:20])
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())
