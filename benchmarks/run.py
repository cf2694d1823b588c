"""Benchmark policygraph at national scale and print one Markdown table.

    python benchmarks/run.py [--scales S,M,L] [--seed 7] [--work DIR] [--timeout 600]
                             [--skip-rdflib-at L]

For each scale, generates the data with ``benchmarks/generate.py`` (or reuses ``WORK/{scale}``
when its stamp file says it was generated from the same seed, generator and bundled data,
``data/national`` included), then measures, each in a fresh process as a user would run it and
each reading the national backbone (``--national`` on every command):

- build: ``policygraph --national --data DIR --store oxigraph:STORE build`` into an empty store
  (wall seconds and peak RSS from /usr/bin/time; the quad count from its first line);
- full report: ``gaps --all --format json`` on the built store (wall, peak RSS, bytes written);
- one province: ``gaps --within 620000`` (wall);
- as-of report, as-of province: the same two with ``--as-of 2012`` (wall);
- as-of 2024 report: the full report as of the last generated year, every dated document in
  force: the largest as-of report, and the most cells computed (wall);
- warm named query: ``gaps/no-dedicated-policy`` with tier=commercial, autonomous=true through
  the Python API, once to warm up, then the median of 5 runs (milliseconds);
- rdflib: the same question on rdflib's in-memory store: parsing the store's N-Triples export
  into an ``rdflib.Graph``, then one plain SPARQL query over the source data (seconds each);
- rebuild: ``build`` again into the same store after appending one row to ``notes.csv`` of a
  copy of DIR (run last, so that the steps before see a store that matches DIR).

The regions column counts the regions of DIR (``regions.csv`` and ``national/divisions.csv``),
the documents column the bundled and the generated ones.

A step that fails shows ``failed: `` and the last line of its stderr; one that runs longer than
``--timeout`` seconds is killed and shows ``timeout``.

Targets (what the rewrite of build, stores and queries aims at):

| scale | build | full report | one province | warm query | rebuild after one CSV edit |
|---|---|---|---|---|---|
| M (20,000 documents) | <= 30 s, <= 1 GiB | <= 0.5 s, <= 300 MiB | <= 0.3 s | <= 20 ms | <= 10 s |
| L (200,000 documents) | <= 120 s, <= 3 GiB | <= 1 s | <= 0.5 s | <= 50 ms | |
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generate import BUNDLED_DATA, DIVISIONS, OUTPUT_NAME, SCALES, Summary, generate

REPO = Path(__file__).resolve().parents[1]
PROVINCE = "620000"
#: The year of the as-of columns: about half the generated documents (2000-2024) in force.
AS_OF = "2012"
#: The last year of the generated documents: the largest report as of a year.
AS_OF_LAST = "2024"
NOTE_ROW = ["region:620923", "Benchmark edit: one appended note.", "", "s0", "benchmark"]
QUERY_NAME = "gaps/no-dedicated-policy"
QUERY_PARAMS = {"tier": "commercial", "autonomous": "true"}

COLUMNS = (
    "scale",
    "regions",
    "documents",
    "quads",
    "national.ttl",
    "build",
    "build peak",
    "rebuild (1 CSV edit)",
    "full report",
    "report peak",
    "report bytes",
    "one province",
    "as-of report",
    "as-of province",
    "as-of 2024 report",
    "warm query",
    "rdflib parse",
    "rdflib query",
)

# Runs in a fresh interpreter: open the built store, warm up, time 5 runs of the named query.
WARM_QUERY = """
import json, statistics, sys, time
from pathlib import Path
from policygraph import Inputs, open_store
from policygraph.queries import run_query
inputs = Inputs.resolve(Path(sys.argv[2]), national=True)
store = open_store("oxigraph:" + sys.argv[1], inputs)
params = json.loads(sys.argv[3])
rows = run_query(store, sys.argv[4], params).rows
regions = sorted({str(row[0]) for row in rows})
times = []
for _ in range(5):
    started = time.perf_counter()
    run_query(store, sys.argv[4], params)
    times.append(time.perf_counter() - started)
print(json.dumps({"ms": statistics.median(times) * 1000, "rows": len(rows), "regions": regions}))
"""

# The same question as the named query, asked of the source data in rdflib's memory store:
# autonomous counties that are the jurisdiction of no dedicated commercial-tier document. The
# regions' pg:divisionType comes from national/divisions.csv; the four autonomous types are those
# the named query lists (at county level: the autonomous counties and banners).
RDFLIB_QUERY = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX level: <https://w3id.org/policygraph/id/level/>
PREFIX divtype: <https://w3id.org/policygraph/id/division-type/>
PREFIX tier: <https://w3id.org/policygraph/id/tier/>
PREFIX specificity: <https://w3id.org/policygraph/id/specificity/>
SELECT ?region WHERE {
  ?region a pg:Region ;
          pg:level level:county ;
          pg:divisionType ?divisionType .
  VALUES ?divisionType {
    divtype:autonomous-region divtype:autonomous-prefecture
    divtype:autonomous-county divtype:autonomous-banner
  }
  OPTIONAL {
    ?document eli:jurisdiction ?region ;
              pg:tier tier:commercial ;
              pg:specificity specificity:dedicated .
  }
  FILTER(!BOUND(?document))
}
"""

# Runs in a fresh interpreter; SIGALRM bounds each of the two steps separately, and each step
# prints its line as soon as it ends, so a slow query still reports the parse time.
RDFLIB_RUN = """
import json, signal, sys, time
import rdflib
path, limit, query = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def expire(signum, frame):
    raise TimeoutError
signal.signal(signal.SIGALRM, expire)
def step(name, action):
    signal.alarm(limit)
    started = time.perf_counter()
    try:
        value = action()
    except TimeoutError:
        print(json.dumps({name: None}), flush=True)
        sys.exit(0)
    finally:
        signal.alarm(0)
    print(json.dumps({name: time.perf_counter() - started}), flush=True)
    return value
graph = step("parse", lambda: rdflib.Graph().parse(path, format="nt"))
rows = step("query", lambda: [str(row[0]) for row in graph.query(query)])
print(json.dumps({"rows": len(rows), "regions": sorted(set(rows))}), flush=True)
"""


@dataclass
class Outcome:
    """One measured process: wall seconds and peak RSS, or why there are none."""

    seconds: float = 0.0
    mib: float = 0.0
    stdout: str = ""
    error: str = ""  # "failed: …", "timeout" or "skipped: …"

    def cell(self, value: str) -> str:
        return self.error or value


@dataclass(frozen=True)
class Answer:
    """What a query found: its rows, and the distinct regions they name."""

    rows: int
    regions: frozenset[str]

    @classmethod
    def of(cls, found: dict[str, object]) -> Answer | None:
        if "rows" not in found:
            return None
        regions = found.get("regions")
        names = frozenset(str(r) for r in regions) if isinstance(regions, list) else frozenset()
        return cls(int(str(found["rows"])), names)

    def __str__(self) -> str:
        if self.rows == len(self.regions):
            return f"{self.rows:,} rows"
        return f"{self.rows:,} rows for {len(self.regions):,} regions"


def compare(named: Answer | None, plain: Answer | None) -> str:
    """Whether the named query and the rdflib query found the same regions."""
    text = (
        f"{QUERY_NAME} (tier commercial, autonomous): named query {named or 'no answer'}, "
        f"rdflib {plain or 'no answer'}"
    )
    if named is None or plain is None:
        return text
    if named.regions == plain.regions:
        return f"{text}; the same regions"
    only_named, only_plain = named.regions - plain.regions, plain.regions - named.regions
    return (
        f"{text}; NOT the same regions: {len(only_named)} only named, {len(only_plain)} only rdflib"
    )


@dataclass
class Row:
    cells: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# -- processes ------------------------------------------------------------------------------------


def policygraph() -> list[str]:
    """The console script of this interpreter's environment, else ``python -m policygraph``."""
    script = Path(sys.executable).with_name("policygraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policygraph"]


def command(data: Path, store: Path) -> list[str]:
    """policygraph on a data directory and an on-disk store, with the national backbone (the
    flag is given even where DATA/national is read by default)."""
    return [*policygraph(), "--national", "--data", str(data), "--store", f"oxigraph:{store}"]


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "no message")[:160]


def run(args: list[str], timeout: float, stdout: Path | None = None) -> Outcome:
    """Run one process under /usr/bin/time in its own session, killed whole on timeout."""
    report = Path(tempfile.gettempdir()) / f"policygraph-bench-time-{os.getpid()}"
    report.unlink(missing_ok=True)
    with open(stdout or os.devnull, "wb") as sink:
        process = subprocess.Popen(
            ["/usr/bin/time", "-f", "%e %M", "-o", str(report), *args],
            stdout=sink if stdout else subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so that a timeout kills policygraph, not only time
        )
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return Outcome(error="timeout")
    timing = report.read_text() if report.exists() else ""
    report.unlink(missing_ok=True)
    if process.returncode != 0:
        return Outcome(error="failed: " + last_line(err.decode("utf-8", "replace")))
    # time writes "Command exited with non-zero status" lines first; the format line is last.
    wall, kib = last_line(timing).split()
    return Outcome(float(wall), int(kib) / 1024, out.decode("utf-8", "replace") if out else "")


def run_python(code: str, args: list[str], timeout: float) -> list[dict[str, object]] | str:
    """JSON lines printed by a snippet in a fresh interpreter, or the cell text of a failure."""
    outcome = run([sys.executable, "-c", code, *args], timeout)
    if outcome.error:
        return outcome.error
    return [json.loads(line) for line in outcome.stdout.splitlines() if line.startswith("{")]


# -- data -----------------------------------------------------------------------------------------


def inputs_hash(seed: int, scale: str) -> str:
    """What a generated directory depends on: seed, scale, generator, and every file of the
    bundled data directory it copies, ``national/`` (the regions) and its subdirectories too."""
    digest = hashlib.sha256(f"{scale} {seed}".encode())
    digest.update(Path(__file__).with_name("generate.py").read_bytes())
    for path in sorted(p for p in BUNDLED_DATA.rglob("*") if p.is_file()):
        name = path.relative_to(BUNDLED_DATA).as_posix().encode()
        digest.update(len(name).to_bytes(4, "big") + name)
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def ensure_data(scale: str, seed: int, work: Path) -> tuple[Path, Summary, bool]:
    """The data directory of a scale, generated unless the stamp says it is current."""
    data, stamp = work / scale, work / f"{scale}.stamp.json"
    key = inputs_hash(seed, scale)
    if stamp.exists() and (data / OUTPUT_NAME).exists():
        try:
            saved = json.loads(stamp.read_text())
            summary = Summary(**saved["summary"])
        except (ValueError, KeyError, TypeError):  # a stamp of another version: regenerate
            saved, summary = {}, None
        size = (data / OUTPUT_NAME).stat().st_size
        if summary and saved.get("inputs") == key and size == summary.bytes:
            return data, summary, True
    summary = generate(SCALES[scale], seed, data)
    stamp.write_text(json.dumps({"inputs": key, "summary": asdict(summary)}, indent=2) + "\n")
    return data, summary, False


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def count_regions(data: Path) -> int:
    """The regions of a data directory: the codes of regions.csv and national/divisions.csv."""
    codes: set[str] = set()
    for path in (data / "regions.csv", data / DIVISIONS):
        with path.open(encoding="utf-8", newline="") as handle:
            codes.update(row["code"] for row in csv.DictReader(handle))
    return len(codes)


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def edited_copy(data: Path, target: Path) -> Path:
    """DIR with one row appended to notes.csv; the other files, national/ with them, are hard
    links (L is big)."""
    if target.exists():
        shutil.rmtree(target)
    ignore = shutil.ignore_patterns("notes.csv")
    shutil.copytree(
        data,
        target,
        ignore=lambda d, names: ignore(d, names) if d == str(data) else [],
        copy_function=link_or_copy,
    )
    text = (data / "notes.csv").read_text(encoding="utf-8")
    with (target / "notes.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
        csv.writer(handle, lineterminator="\n").writerow(NOTE_ROW)
    return target


# -- one scale ------------------------------------------------------------------------------------


def seconds(outcome: Outcome, digits: int = 2) -> str:
    return outcome.cell(f"{outcome.seconds:.{digits}f} s")


def mib(outcome: Outcome) -> str:
    return outcome.cell(f"{outcome.mib:,.0f} MiB")


def measure_build(row: Row, base: list[str], store: Path, timeout: float) -> bool:
    shutil.rmtree(store, ignore_errors=True)
    outcome = run([*base, "build"], timeout)
    row.cells["build"], row.cells["build peak"] = seconds(outcome, 1), mib(outcome)
    first = outcome.stdout.splitlines()[0] if outcome.stdout else ""
    match = re.match(r"read ([\d,]+) quads in (\d+) graphs", first)
    row.cells["quads"] = match.group(1) if match else outcome.cell("?")
    return not outcome.error


def measure_reports(row: Row, base: list[str], work: Path, scale: str, timeout: float) -> None:
    report = work / f"{scale}.gaps.json"
    # --all: every cell, as without --national (which lists only the surveyed regions).
    outcome = run([*base, "gaps", "--all", "--format", "json"], timeout, stdout=report)
    row.cells["full report"], row.cells["report peak"] = seconds(outcome), mib(outcome)
    row.cells["report bytes"] = outcome.cell(f"{report.stat().st_size:,}")
    outcome = run([*base, "gaps", "--within", PROVINCE], timeout, stdout=Path(os.devnull))
    row.cells["one province"] = seconds(outcome)
    as_of = ["--as-of", AS_OF]
    outcome = run([*base, "gaps", "--all", "--format", "json", *as_of], timeout, Path(os.devnull))
    row.cells["as-of report"] = seconds(outcome)
    outcome = run([*base, "gaps", "--within", PROVINCE, *as_of], timeout, Path(os.devnull))
    row.cells["as-of province"] = seconds(outcome)
    last = ["--as-of", AS_OF_LAST]
    outcome = run([*base, "gaps", "--all", "--format", "json", *last], timeout, Path(os.devnull))
    row.cells["as-of 2024 report"] = seconds(outcome)


def measure_warm_query(row: Row, store: Path, data: Path, timeout: float) -> Answer | None:
    args = [str(store), str(data), json.dumps(QUERY_PARAMS), QUERY_NAME]
    result = run_python(WARM_QUERY, args, timeout)
    if isinstance(result, str):
        row.cells["warm query"] = result
        return None
    row.cells["warm query"] = f"{result[0]['ms']:.1f} ms"
    return Answer.of(result[0])


def measure_rdflib(
    row: Row, base: list[str], work: Path, scale: str, timeout: float
) -> Answer | None:
    export = work / f"{scale}.nt"
    outcome = run([*base, "export", "--format", "nt", "-o", str(export)], timeout)
    if outcome.error:
        row.cells["rdflib parse"] = row.cells["rdflib query"] = "export " + outcome.error
        return None
    result = run_python(
        RDFLIB_RUN, [str(export), str(int(timeout)), RDFLIB_QUERY], 2 * timeout + 60
    )
    export.unlink()
    if isinstance(result, str):
        row.cells["rdflib parse"] = row.cells["rdflib query"] = result
        return None
    found: dict[str, object] = {k: v for line in result for k, v in line.items()}
    for step in ("parse", "query"):
        if step not in found:
            cell = "not reached"
        elif found[step] is None:
            cell = "timeout"
        else:
            cell = f"{float(str(found[step])):.2f} s"
        row.cells[f"rdflib {step}"] = cell
    return Answer.of(found)


def measure_rebuild(
    row: Row, data: Path, store: Path, work: Path, scale: str, timeout: float
) -> None:
    edited = edited_copy(data, work / f"{scale}.edited")
    outcome = run([*command(edited, store), "build"], timeout)
    row.cells["rebuild (1 CSV edit)"] = seconds(outcome, 1)


def bench(scale: str, seed: int, work: Path, timeout: float, rdflib: bool) -> Row:
    row = Row({"scale": scale})
    data, summary, reused = ensure_data(scale, seed, work)
    row.cells["regions"] = f"{count_regions(data):,}"
    row.cells["documents"] = f"{summary.documents + count_rows(data / 'documents.csv'):,}"
    row.cells["national.ttl"] = f"{summary.triples:,} triples, {summary.bytes / 2**20:.1f} MiB"
    how = "reused" if reused else f"generated in {summary.seconds:.2f} s"
    row.notes.append(
        f"{scale}: {data / OUTPUT_NAME} {how} (seed {seed}); "
        f"{summary.regions_in_scope:,} regions in scope, "
        f"{summary.no_commercial_share:.0%} of them with no commercial document"
    )
    store = work / f"{scale}.store"
    base = command(data, store)
    progress(f"{scale}: build")
    if not measure_build(row, base, store, timeout):
        for column in COLUMNS:
            row.cells.setdefault(column, "skipped: build failed")
        return row
    progress(f"{scale}: gaps")
    measure_reports(row, base, work, scale, timeout)
    progress(f"{scale}: warm query")
    named = measure_warm_query(row, store, data, timeout)
    if rdflib:
        progress(f"{scale}: rdflib")
        plain = measure_rdflib(row, base, work, scale, timeout)
        row.notes.append(f"{scale}: {compare(named, plain)}")
    else:
        row.cells["rdflib parse"] = row.cells["rdflib query"] = "skipped"
    progress(f"{scale}: rebuild")
    measure_rebuild(row, data, store, work, scale, timeout)
    return row


# -- report ---------------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def git(*args: str) -> str:
    result = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def machine() -> list[str]:
    memory = "?"
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    return [
        f"Machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {memory} memory, "
        f"{platform.machine()}, Python {platform.python_version()}",
        f"policygraph: {version()}",
    ]


def version() -> str:
    """The commit of this checkout, and whether the policygraph that runs is its src/."""
    package = subprocess.run(
        [sys.executable, "-c", "import policygraph; print(policygraph.__file__)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    commit = f"commit {git('rev-parse', '--short', 'HEAD')}"
    if not package.startswith(str(REPO / "src")):
        return f"{commit} checked out, but policygraph is imported from {package or '?'}"
    if git("status", "--porcelain", "--", "src"):
        return f"{commit} with uncommitted changes in src/"
    return commit


def table(rows: list[Row]) -> list[str]:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(row.cells.get(c, "") for c in COLUMNS) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", default="S,M,L", help="comma-separated: S, M, L")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "policygraph-bench",
        help="where the data directories, stamps and stores go (kept for reuse)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds per step")
    parser.add_argument("--skip-rdflib-at", default="", help="scales without the rdflib steps")
    options = parser.parse_args()
    scales = [s.strip().upper() for s in options.scales.split(",") if s.strip()]
    unknown = [s for s in scales if s not in SCALES]
    if unknown:
        parser.error(f"unknown scale {', '.join(unknown)}; use S, M, L")
    skip = {s.strip().upper() for s in options.skip_rdflib_at.split(",")}
    options.work.mkdir(parents=True, exist_ok=True)
    header = machine()  # before the run: the code may change while it runs
    rows = [bench(s, options.seed, options.work, options.timeout, s not in skip) for s in scales]
    print("\n".join([*header, "", *table(rows), "", *[n for r in rows for n in r.notes]]))


if __name__ == "__main__":
    main()
