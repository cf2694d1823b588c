"""Read ``data/`` and ``ontology/`` into one rdflib Dataset: a named graph per source.

``build_dataset`` is pure: it reads files and returns a Dataset, or raises
:class:`SourceError`/:class:`OntologyError` at the first bad input. Writing a store is the
store's business (:mod:`policygraph.store`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from policygraph import __version__, resources
from policygraph import namespaces as ns
from policygraph.errors import OntologyError, SourceError
from policygraph.mapping import Mapper, Vocabulary
from policygraph.sources.csvtable import read_table
from policygraph.sources.schemas import FILE_ORDER, TABLES

__all__ = ["Inputs", "build_dataset", "fingerprint", "load_ontology", "load_shapes"]

#: The modules whose code decides what a build writes; a change to any of them rebuilds stores.
MAPPING_CODE = (
    "build.py",
    "mapping.py",
    "cube.py",
    "namespaces.py",
    "sources/cells.py",
    "sources/csvtable.py",
    "sources/schemas.py",
    "store/oxigraph.py",
)
RDF_SUFFIXES = {".ttl": "turtle", ".trig": "trig", ".nt": "nt"}
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class Inputs:
    """The two directories a build reads."""

    data: Path
    ontology: Path

    @classmethod
    def resolve(cls, data: Path | None = None, ontology: Path | None = None) -> Inputs:
        # Paths stay as the user gave them, so that messages name them the same way.
        return cls(data or resources.data_dir(), ontology or resources.ontology_dir())

    def files(self) -> Iterator[Path]:
        if not self.data.is_dir():
            raise SourceError(self.data, "data directory not found", fix="pass --data DIR")
        if not self.ontology.is_dir():
            raise OntologyError(f"{self.ontology}: ontology directory not found")
        for path in sorted(self.ontology.rglob("*.ttl")):
            yield path
        for path in sorted(self.data.iterdir()):
            if path.suffix in RDF_SUFFIXES or path.name in TABLES:
                yield path


def fingerprint(inputs: Inputs) -> str:
    """A hash of every input file and of the code that maps them; a store is current iff equal."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for module in MAPPING_CODE:
        digest.update((package / module).read_bytes())
    for path in inputs.files():
        digest.update(str(path.relative_to(path.parents[0])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _parse(path: Path, fmt: str) -> list[tuple[URIRef | None, Graph]]:
    """Parse one RDF file into (graph name or None for the default graph, triples) pairs.

    Any parser failure becomes a one-line SourceError. Blank nodes get canonical labels
    (rdflib.compare's RGDA1), so that two builds give byte-identical N-Triples.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 text (byte {exc.start})", fix="save as UTF-8") from None
    scratch = Dataset() if fmt == "trig" else Graph()
    try:
        scratch.parse(data=text, format=fmt, publicID=path.as_uri())
    except BadSyntax as exc:
        before = text[: exc._i] if exc._i <= len(text) else text
        line = exc.lines + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise SourceError(
            path, f"bad {fmt} syntax ({exc._why})", line=line, column=column, fix="fix the syntax"
        ) from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises IndexError, KeyError, … (rdflib #3404)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SourceError(path, f"cannot parse {fmt}: {reason}", fix="fix the syntax") from None
    if not isinstance(scratch, Dataset):
        return [(None, to_canonical_graph(scratch))]
    default = scratch.default_graph.identifier
    return [
        (None if g.identifier == default else URIRef(g.identifier), to_canonical_graph(g))
        for g in scratch.graphs()
        if len(g)
    ]


def load_ontology(ontology_dir: Path) -> Graph:
    """Every ``*.ttl`` under ``ontology/`` except the SHACL shapes, in one graph."""
    graph = Graph()
    for path in sorted(ontology_dir.rglob("*.ttl")):
        if path.name != SHAPES_FILE:
            _load_ontology_file(graph, path)
    if len(graph) == 0:
        raise OntologyError(f"{ontology_dir}: no ontology files (*.ttl) found")
    return graph


def load_shapes(ontology_dir: Path) -> Graph:
    graph = Graph()
    path = ontology_dir / SHAPES_FILE
    if not path.exists():
        raise OntologyError(f"{path}: SHACL shapes not found")
    _load_ontology_file(graph, path)
    return graph


def _load_ontology_file(graph: Graph, path: Path) -> None:
    try:
        for _, triples in _parse(path, "turtle"):
            graph += triples
    except SourceError as exc:
        raise OntologyError(str(exc)) from None


def build_dataset(inputs: Inputs) -> Dataset:
    """Map every data file into a fresh Dataset (union default graph) with the ontology."""
    list(inputs.files())  # checks both directories exist
    ontology = load_ontology(inputs.ontology)
    dataset = Dataset(default_union=True)
    for prefix, namespace in ns.PREFIXES.items():
        dataset.bind(prefix, namespace)
    target = dataset.graph(ns.ONTOLOGY_GRAPH)
    for triple in ontology:
        target.add(triple)
    mapper = Mapper(dataset, Vocabulary.from_graph(ontology))
    for name in FILE_ORDER:
        path = inputs.data / name
        if path.exists():
            rows = read_table(path, TABLES[name])
            getattr(mapper, "map_" + path.stem.replace("-", "_"))(rows)
    for path in sorted(inputs.data.iterdir()):
        if path.suffix in RDF_SUFFIXES:
            _load_data_rdf(dataset, path)
    return dataset


def _load_data_rdf(dataset: Dataset, path: Path) -> None:
    """A data RDF file becomes the named graph ``graph/{stem}``; TriG keeps its own graphs."""
    for name, triples in _parse(path, RDF_SUFFIXES[path.suffix]):
        dataset.graph(name or ns.graph(path.stem)).__iadd__(triples)
