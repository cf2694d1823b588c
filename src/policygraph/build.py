"""Read the data files and the ontology into one dataset: a named graph per source.

``build_dataset`` is pure: it reads files and returns the dataset (:class:`Built`), or raises
:class:`SourceError`/:class:`OntologyError` at the first bad input. Validating it is
:mod:`policygraph.validation`'s business, deriving the gap cells :mod:`policygraph.derive`'s,
writing it a store's; :mod:`policygraph.pipeline` decides when each runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from policygraph import namespaces as ns
from policygraph.errors import OntologyError, SourceError
from policygraph.mapping import Mapped, Mapper, Vocabulary
from policygraph.resources import ontology_files
from policygraph.sources import RdfFile, TableFile, is_rdf, read
from policygraph.sources.csvtable import Row
from policygraph.sources.rdffile import oxigraph_quads, rdflib_converter

__all__ = [
    "SHAPES_FILE",
    "Built",
    "build_dataset",
    "load_ontology",
    "load_shapes",
]

SHAPES_FILE = "shapes.ttl"


def _parse_ontology_file(graph: Graph, path: Path) -> None:
    """Ontology files are small and full of blank nodes (SHACL lists): rdflib parses them, and
    canonical blank-node labels (RGDA1) keep two builds byte-identical."""
    scratch = Graph()
    try:
        scratch.parse(path, format="turtle")
    except BadSyntax as exc:
        raise OntologyError(
            f"{path}: line {exc.lines + 1}: bad turtle syntax ({exc._why})"
        ) from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises IndexError, KeyError, … (rdflib #3404)
        raise OntologyError(f"{path}: cannot parse turtle: {exc}") from None
    graph += to_canonical_graph(scratch)


def load_ontology(ontology_dir: Path) -> Graph:
    """Every ``*.ttl`` under ``ontology/`` except the SHACL shapes, in one graph."""
    graph = Graph()
    for path in ontology_files(ontology_dir):
        if path.name != SHAPES_FILE:
            _parse_ontology_file(graph, path)
    if len(graph) == 0:
        raise OntologyError(f"{ontology_dir}: no ontology files (*.ttl) found")
    return graph


def load_shapes(ontology_dir: Path) -> Graph:
    graph = Graph()
    path = ontology_dir / SHAPES_FILE
    if not path.exists():
        raise OntologyError(f"{path}: SHACL shapes not found")
    _parse_ontology_file(graph, path)
    return graph


@dataclass
class Built:
    """The build's dataset: every graph in an in-memory Oxigraph store (``content``), which
    named graphs the tables wrote into, and which came from which RDF files."""

    content: ox.Store
    table_graphs: set[URIRef] = field(default_factory=set)
    rdf_graphs: dict[URIRef, list[Path]] = field(default_factory=dict)
    #: Each node a table made → its row (``file:line``), so that SHACL results can name it.
    origins: dict[str, str] = field(default_factory=dict)

    def graph_sizes(self) -> dict[URIRef, int]:
        """Triples per named graph, by name."""
        rows = self.content.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        assert isinstance(rows, ox.QuerySolutions)
        return {URIRef(row["g"].value): int(row["n"].value) for row in rows}

    def dataset(self) -> Dataset:
        """Everything as one rdflib Dataset (for inspection and tests; slow for national data)."""
        dataset = Dataset(default_union=True)
        for prefix, namespace in ns.PREFIXES.items():
            dataset.bind(prefix, namespace)
        convert = rdflib_converter()
        for name in self.graph_sizes():
            target = dataset.graph(name)
            graph = ox.NamedNode(str(name))
            target.addN(
                (convert(q.subject), convert(q.predicate), convert(q.object), target)
                for q in self.content.quads_for_pattern(None, None, None, graph)
            )
        return dataset


def _load_rdf_files(paths: list[Path], content: ox.Store) -> dict[URIRef, list[Path]]:
    """Load the RDF files into ``content``, in order; which named graphs came from which."""
    graphs: dict[URIRef, list[Path]] = {}
    for path in paths:
        records = read(path)
        assert isinstance(records, RdfFile)
        for name in records.load_into(content):
            graphs.setdefault(URIRef(name), []).append(path)
    return graphs


def _check_keys_across_parts(
    records: TableFile, keys: dict[tuple[str, tuple[str, ...]], Row]
) -> None:
    """A table split over several files (``documents.csv``, ``documents.{part}.csv``) is one
    table: a key stated in two of its files is refused like a key stated twice in one file
    (which the reader refuses)."""
    table = records.table
    if not table.key:
        return
    for row in records.rows:
        key = tuple(row.get(k) for k in table.key)
        first = keys.setdefault((table.name, key), row)
        if first is not row:
            raise row.error(
                table.key[-1],
                f"duplicate id {'/'.join(key)!r} (first in {first.path.name} on line {first.line})",
                "give each row its own id, or remove one of the two rows",
            )


def build_dataset(files: Iterable[Path], ontology: Graph) -> Built:
    """Map the data ``files`` (in reading order), with the ontology graph.

    Tables are mapped by :class:`Mapper` straight into Oxigraph quads; an RDF file's graphs (its
    default graph as the named graph ``graph/{file stem}``) go into the store as they are.

    The RDF files, which come after every table, are loaded by a thread of their own while the
    tables are mapped: Oxigraph's parser releases the interpreter (the M benchmark's national.ttl,
    1 s, beside 1.6 s of mapping). Nothing else writes to the store meanwhile, and an error is
    raised as reading in order would raise it: a table's first.
    """
    content = ox.Store()
    built = Built(content)
    tables = Mapped()
    mapper = Mapper(tables, Vocabulary.from_graph(ontology))
    ordered = list(files)
    loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="policygraph-rdf")
    loading = loader.submit(_load_rdf_files, [p for p in ordered if is_rdf(p)], content)
    keys: dict[tuple[str, tuple[str, ...]], Row] = {}
    try:
        for path in ordered:
            if is_rdf(path):
                continue
            records = read(path)
            if not isinstance(records, TableFile):  # pragma: no cover - one of the two
                raise SourceError(path, "unknown records", fix="report this as a bug")
            _check_keys_across_parts(records, keys)
            mapper.map_table(records.table.name, records.rows)
        mapper.finish()
    except BaseException:
        loader.shutdown(wait=False, cancel_futures=True)  # the store is dropped with the error
        raise
    built.rdf_graphs = loading.result()
    loader.shutdown()
    content.bulk_extend(oxigraph_quads(ontology, graph=ns.ONTOLOGY_GRAPH))
    content.bulk_extend(tables.quads())
    built.table_graphs = {name for name, sink in tables.graphs.items() if sink.quads}
    built.origins = mapper.origins
    return built
