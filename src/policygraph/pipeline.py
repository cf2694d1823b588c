"""Orchestration: the inputs, the store spec, the fingerprint and the rebuild policy.

Data flows one way: sources → mapping → build (+ validation, + derivation) → store → queries →
gaps → reports. This module sits above build and store and decides when each runs; nothing below
imports it. ``--store`` is ``oxigraph:DIR`` (the default, built on first use and rebuilt when the
inputs or policygraph changed), ``memory`` (built afresh for each command) or ``sparql:URL``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from policygraph import __version__, iris, resources
from policygraph.datafiles import read_bounded, write_atomic
from policygraph.errors import SourceError, StoreError
from policygraph.progress import Progress
from policygraph.resources import ontology_files
from policygraph.sources import discover
from policygraph.wording import count

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Dataset, URIRef

    from policygraph.build import Built
    from policygraph.gaptable import TableRows
    from policygraph.store.base import GraphStore, Staging
    from policygraph.validation import Unit, ValidationReport

# Reading a built store (a gap report) needs none of the build: its modules (the mapping,
# SHACL, derivation; rdflib's parsers) are imported by the functions that build.

__all__ = [
    "DEFAULT_STORE",
    "Build",
    "BuildSummary",
    "Inputs",
    "build",
    "build_dataset",
    "build_store",
    "cache_dir",
    "fingerprint",
    "make_store",
    "open_store",
]

DEFAULT_STORE = "oxigraph:.policygraph"
VALIDATION_CACHE = "validation"
#: In the cache directory: each input file's hash with its stat.
DIGESTS = "inputs.json"
#: Derived quads go to the store in chunks this large: it loads one while the next is made, and
#: the bulk loader's memory is bounded by the chunk, not by the million quads of a nation.
DERIVED_CHUNK = 200_000

#: The modules whose code decides what a build writes; a change to any of them rebuilds stores.
BUILD_CODE = (
    "build.py",
    "mapping/__init__.py",
    "mapping/terms.py",
    "mapping/graphs.py",
    "mapping/mapper.py",
    "mapping/metadata.py",
    "mapping/places.py",
    "mapping/documents.py",
    "cube.py",
    "territory.py",
    "national/history.py",
    "regionnames.py",
    "derive.py",
    "status.py",
    "gaptable/schema.py",
    "gaptable/fromgraph.py",
    "namespaces.py",
    "iris.py",
    "validation.py",
    "shacl.py",
    "pipeline.py",
    "datafiles.py",
    "sources/__init__.py",
    "sources/cells.py",
    "sources/csvtable.py",
    "sources/rdffile.py",
    "sources/tables.py",
    "store/oxigraph.py",
)


@dataclass(frozen=True)
class Inputs:
    """The two directories a build reads."""

    data: Path
    ontology: Path
    #: Also read ``data/national/``: every division of China, the code history, the census.
    national: bool = False

    @classmethod
    def resolve(
        cls, data: Path | None = None, ontology: Path | None = None, *, national: bool | None = None
    ) -> Inputs:
        """``national`` None: read DATA/national when the data directory has one."""
        # Paths stay as the user gave them, so that messages name them the same way.
        data = data or resources.data_dir()
        if national is None:
            national = (data / "national").is_dir()
        return cls(data, ontology or resources.ontology_dir(), national)

    @property
    def national_dir(self) -> Path:
        return self.data / "national"

    def data_files(self) -> list[Path]:
        if self.national:
            if self.data.is_dir() and not self.national_dir.is_dir():
                raise SourceError(
                    self.national_dir,
                    "not found, but --national asks for it",
                    fix="use --no-national, or pass --data DIR with a national/ directory",
                )
            return discover(self.data, self.national_dir)
        return discover(self.data)

    def files(self) -> list[Path]:
        return [*ontology_files(self.ontology), *self.data_files()]


def _file_digest(path: Path) -> str:
    return hashlib.sha256(read_bounded(path)).hexdigest()


@functools.cache
def _code_digest() -> str:
    """The hash of the build code: it cannot change while a process runs."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for module in BUILD_CODE:
        digest.update((package / module).read_bytes())
    return digest.hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _digests(inputs: Inputs, cache: Path | None = None) -> dict[Path, str]:
    """Every input file's hash, read once per build (the fingerprint and the units share them).

    With ``cache`` (a store's cache directory), a file whose size, times, inode and device are
    those recorded with its hash is not read again: every command checks that its store is
    current, and hashing the national Turtle file costs 25 ms at M and 0.2 s at L. A file is
    recorded only when it did not change while it was read.
    """
    record = cache / DIGESTS if cache is not None else None
    known: dict[str, list[object]] = {}
    if record is not None:
        try:
            loaded = json.loads(record.read_text(encoding="utf-8"))
            known = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            known = {}
    found: dict[Path, str] = {}
    seen: dict[str, list[object]] = {}
    for path in inputs.files():
        key, before = str(path.resolve()), _stat(path)
        entry = known.get(key)
        if before is not None and isinstance(entry, list) and entry[:-1] == before:
            found[path] = str(entry[-1])
        else:
            found[path] = _file_digest(path)
            if before is None or _stat(path) != before:
                continue
        seen[key] = [*(before or []), found[path]]
    if record is not None and seen != known:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_atomic(record, json.dumps(seen, sort_keys=True))
    return found


def _fingerprint(digests: dict[Path, str]) -> str:
    digest = hashlib.sha256(_code_digest().encode())
    for path, file_digest in digests.items():
        digest.update(path.name.encode())
        digest.update(file_digest.encode())
    return digest.hexdigest()


def fingerprint(inputs: Inputs, cache: Path | None = None) -> str:
    """A hash of every input file and of the code that maps them; a store is current iff equal.
    ``cache``: where the files' hashes are kept with their stat (see :func:`_digests`)."""
    return _fingerprint(_digests(inputs, cache))


def _content_digest(content: ox.Store, name: URIRef) -> str:
    """A hash of one graph's triples, whatever the order the store gives them in."""
    import pyoxigraph as ox

    text = content.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
    assert text is not None
    return hashlib.sha256(b"\n".join(sorted(text.split(b"\n")))).hexdigest()


def _graph_keys(
    inputs: Inputs, built: Built, sizes: dict[URIRef, int], digests: dict[Path, str]
) -> dict[URIRef, str]:
    """A key per named graph that changes whenever the graph's content can.

    A graph the tables wrote into is keyed by its content: which rows reach it depends on other
    tables too (a row's source, the sources' confidence, a curated region's English name, the
    code history a cited code resolves through), and hashing the quads (0.3 s for the 270,000
    of the national backbone) is cheaper than getting that right by file. So an edit rewrites
    and re-validates the graphs it changed, not every graph some table made. A graph only RDF
    files made is keyed by their hashes, the ontology graph by the ontology's.
    """
    from policygraph import namespaces as ns

    code = _code_digest()
    ontology = set(ontology_files(inputs.ontology))
    keys: dict[URIRef, str] = {}
    for name in sorted(sizes):
        files = [f"{p.name}:{digests[p]}" for p in built.rdf_graphs.get(name, [])]
        if name == ns.ONTOLOGY_GRAPH:
            files += [f"{p.name}:{d}" for p, d in digests.items() if p in ontology]
        if name in built.table_graphs or not files:
            keys[name] = _key(code, str(name), "content", _content_digest(built.content, name))
        else:
            keys[name] = _key(code, str(name), *files)
    return keys


def _units(keys: dict[URIRef, str], sizes: dict[URIRef, int]) -> list[Unit]:
    """Validation units: the ontology, and each other named graph alone, keyed by its
    :func:`_graph_keys` key. An edit re-validates only the units of the graphs it changed (and
    those whose view of them changed, see :mod:`policygraph.validation`)."""
    from policygraph import namespaces as ns
    from policygraph.validation import Unit

    units = [Unit((ns.ONTOLOGY_GRAPH,), keys[ns.ONTOLOGY_GRAPH])]
    for name in sorted(keys):
        if name != ns.ONTOLOGY_GRAPH and sizes.get(name):
            units.append(Unit((name,), keys[name]))
    return units


def _derivation_key(
    content: ox.Store,
    predicates: list[str],
    keys: dict[URIRef, str],
    known: object = None,
) -> tuple[str, dict[str, list[str]]]:
    """A hash of the quads of ``predicates`` (what derivation and the gap table read) in every
    graph, and that hash per graph with the graph's key: a graph whose key is the one ``known``
    (the previous build's parts, for the same predicates) records reuses its hash instead of
    serialising its quads again (M with the backbone: 0.8 s for all)."""
    from policygraph.sources.rdffile import predicate_key

    salt = _code_digest()
    previous = known if isinstance(known, dict) else {}
    digest = hashlib.sha256(salt.encode())
    parts: dict[str, list[str]] = {}
    for name in sorted(keys):
        old = previous.get(str(name))
        if isinstance(old, list) and len(old) == 2 and old[0] == keys[name]:
            part = str(old[1])
        else:
            part = predicate_key(content, predicates, salt, graph=str(name))
        parts[str(name)] = [keys[name], part]
        digest.update(f"{name} {part}\n".encode())
    return digest.hexdigest(), parts


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class BuildSummary:
    """What ``build`` did: counts, time, the validation report, whether it wrote the store."""

    quads: int
    graphs: dict[str, int]
    seconds: float
    report: ValidationReport
    written: bool
    derived: int = 0
    #: The derived graph and gap table are the previous build's: nothing they read changed.
    kept: bool = False


def cache_dir(spec: str) -> Path | None:
    kind, _, location = spec.partition(":")
    return Path(location) / VALIDATION_CACHE if kind == "oxigraph" and location else None


@dataclass(frozen=True)
class Build:
    """What a build made: every graph in an in-memory Oxigraph store (the sources' and, when the
    data conforms and no staging took them, the derived one), the gap table, the validation
    report, and the fingerprint of the inputs."""

    content: ox.Store
    report: ValidationReport
    fingerprint: str
    derived: int = 0
    #: The gap report's rows (:mod:`policygraph.gaptable`), when the cells were derived.
    table: TableRows | None = None
    #: Triples per source graph (the derived graph is counted in ``derived``).
    sizes: dict[URIRef, int] = field(default_factory=dict)
    #: What a store records of the derivation (:meth:`Staging.commit`).
    derivation: dict[str, object] | None = None
    #: The staging kept the previous build's derived graph and gap table: nothing they read
    #: changed.
    kept: bool = False


def build(
    inputs: Inputs,
    *,
    cache: Path | None = None,
    derive_cells: bool = True,
    staging: Staging | None = None,
    progress: Progress | None = None,
) -> Build:
    """Read, validate and (when the data conforms) derive: the dataset a store is replaced with.

    With ``staging``, the graphs go to it as soon as they are made (a store writes them while
    the build validates and derives) and the derived quads are not added to ``content``. Each
    phase that finishes is told to ``progress``.
    """
    from policygraph import namespaces as ns
    from policygraph.build import build_dataset as map_files
    from policygraph.build import load_ontology, load_shapes
    from policygraph.sources.rdffile import StoreView, oxigraph_quads
    from policygraph.validation import DirectoryCache, validate

    digests = _digests(inputs, cache)
    stamp = _fingerprint(digests)
    ontology = load_ontology(inputs.ontology)
    shapes = load_shapes(inputs.ontology)
    built = map_files(inputs.data_files(), ontology)
    content = built.content
    sizes = built.graph_sizes()
    if progress is not None:
        files = count(len(inputs.files()), "file")
        progress.done("reading", f"{count(sum(sizes.values()), 'quad')} from {files}")
    keys = _graph_keys(inputs, built, sizes, digests)
    units = _units(keys, sizes)
    # The derived graph and gap table depend on the quads of the predicates derivation and
    # table read, and on the code: when none changed (an edit to the notes), the store keeps
    # the previous build's instead of deriving a million quads again.
    kept, before = False, staging.previous_derivation() if staging is not None else None
    derivation: dict[str, object] | None = None
    if before is not None and derive_cells:
        from policygraph.derive import fingerprint_triples

        predicates = [str(p) for p in before.get("predicates", ["*"])]
        key, parts = _derivation_key(content, predicates, keys, before.get("parts"))
        if key == before.get("key"):
            replace = oxigraph_quads(fingerprint_triples(stamp), graph=ns.DERIVED_GRAPH)
            kept = staging.keep_derivation(replace)  # type: ignore[union-attr]
            # The same record, with the hashes of the graphs that changed (and kept it).
            derivation = {**before, "parts": parts}
        before = {**before, "parts": parts}
    if staging is not None:
        staging.add(content, {str(g): key for g, key in keys.items()})
    report = validate(
        content,
        shapes,
        ontology,
        units=units,
        sizes=sizes,
        cache=DirectoryCache(cache) if cache is not None else None,
        origins=built.origins,
    )
    if progress is not None:
        progress.done("validating", _validated(report))
    derived, table = 0, None
    if kept and before is not None:
        derived = int(before["quads"])
    if report.conforms and derive_cells and not kept:
        from policygraph.derive import derive
        from policygraph.gaptable import table_rows

        view = StoreView(content)
        found = derive(view, version=__version__, fingerprint=stamp)
        write = staging.add_quads if staging is not None else content.bulk_extend
        quads = found.quads()
        while chunk := list(islice(quads, DERIVED_CHUNK)):
            write(chunk)
            derived += len(chunk)
        table = table_rows(view, found.index, found.cells, stamp)
        if staging is not None:  # (else ``content`` now holds the derived quads as well)
            read = sorted(view.read)
            known = before.get("parts") if before and before.get("predicates") == read else None
            key, parts = _derivation_key(content, read, keys, known)
            derivation = {"key": key, "predicates": read, "parts": parts, "quads": derived}
        if progress is not None:
            progress.done("deriving", f"{count(derived, 'triple')} of gap cells")
    elif kept and progress is not None:
        progress.done("deriving", "kept the gap cells: nothing they are derived from changed")
    return Build(content, report, stamp, derived, table, sizes, derivation, kept)


def _validated(report: ValidationReport) -> str:
    if not report.conforms:
        return f"does not conform ({count(len(report.violations), 'violation')})"
    warnings = f", {count(len(report.warnings), 'warning')}" if report.warnings else ""
    units = report.validated + report.reused
    reused = f" ({report.reused} of {count(units, 'unit')} unchanged)" if report.reused else ""
    return f"conforms{warnings}{reused}"


def build_dataset(inputs: Inputs) -> Dataset:
    """The data and ontology as an rdflib Dataset, neither validated nor derived (for
    inspection)."""
    from policygraph.build import build_dataset as map_files
    from policygraph.build import load_ontology

    return map_files(inputs.data_files(), load_ontology(inputs.ontology)).dataset()


def make_store(spec: str) -> GraphStore:
    """The store named by ``--store SPEC`` (not yet opened or built)."""
    kind, _, location = spec.partition(":")
    if kind == "memory" and not location:
        from policygraph.store.memory import MemoryStore

        return MemoryStore()
    if kind == "oxigraph" and location:
        from policygraph.store.oxigraph import OxigraphStore

        return OxigraphStore(Path(location))
    if kind == "sparql" and location:
        from policygraph.store.sparql import SparqlStore

        return SparqlStore(location)
    raise StoreError(  # a usage error: exit 2
        f"--store {spec!r} is not a store; use oxigraph:DIR, memory, or sparql:URL",
        exit_code=2,
    )


def build_store(
    spec: str,
    inputs: Inputs,
    *,
    store: GraphStore | None = None,
    progress: Progress | None = None,
) -> BuildSummary:
    """Build from ``inputs`` and, if the data conforms, replace the store's content with it
    (the phases told to ``progress``: reading, validating, deriving, writing)."""
    target = store or make_store(spec)
    if spec.startswith("sparql:"):
        raise StoreError(f"{spec}: SPARQL endpoints are read-only here; build into oxigraph:DIR")
    started = time.perf_counter()
    with target.stage() as staging:
        done = build(inputs, cache=cache_dir(spec), staging=staging, progress=progress)
        if done.report.conforms:
            staging.commit(done.fingerprint, done.table, done.derivation)
    if progress is not None and done.report.conforms:
        progress.done("writing", spec)
    report, derived = done.report, done.derived
    graphs = {str(name): n for name, n in done.sizes.items()}
    if derived:
        graphs[iris.DERIVED_GRAPH] = derived
    graphs = dict(sorted(graphs.items()))
    return BuildSummary(
        quads=sum(graphs.values()),
        graphs=graphs,
        seconds=time.perf_counter() - started,
        report=report,
        written=report.conforms and not spec.startswith("memory"),
        derived=derived,
        kept=done.kept and report.conforms,
    )


def _refuse(inputs: Inputs, report: ValidationReport) -> SourceError:
    return SourceError(
        inputs.data,
        f"the data does not conform to the shapes ({count(len(report.violations), 'violation')})",
        fix="run `policygraph validate` to list them",
    )


def open_store(spec: str, inputs: Inputs, *, progress: Progress | None = None) -> GraphStore:
    """Open the store named by ``spec``, building or rebuilding it first when it is not current
    (telling ``progress`` the build's phases)."""
    store = make_store(spec)
    if spec.startswith("sparql:"):
        return store
    if store.fingerprint() != fingerprint(inputs, cache_dir(spec)):
        summary = build_store(spec, inputs, store=store, progress=progress)
        if not summary.report.conforms:
            raise _refuse(inputs, summary.report)
    return store
