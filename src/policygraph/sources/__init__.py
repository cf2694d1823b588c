"""Readers of a data directory: a registry that says which reader takes which file.

Each reader turns one file into records (CSV rows that remember their position, or the graphs of
an RDF file) and raises :class:`~policygraph.errors.SourceError` at the first bad cell. Adding a
kind of input (a spreadsheet, say) is adding a reader here; nothing downstream looks at suffixes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from policygraph.datafiles import check_regular
from policygraph.errors import SourceError
from policygraph.iris import graph
from policygraph.sources.csvtable import Row, Table, read_table
from policygraph.sources.tables import TABLES

__all__ = [
    "RDF_FORMATS",
    "READERS",
    "RdfFile",
    "Reader",
    "Records",
    "TableFile",
    "discover",
    "is_rdf",
    "read",
]


#: File suffix → (format name for messages, Oxigraph format).
RDF_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    ".ttl": ("turtle", ox.RdfFormat.TURTLE),
    ".trig": ("trig", ox.RdfFormat.TRIG),
    ".nt": ("nt", ox.RdfFormat.N_TRIPLES),
}


@dataclass(frozen=True)
class TableFile:
    """The rows of one CSV table."""

    path: Path
    table: Table
    rows: list[Row]


@dataclass(frozen=True)
class RdfFile:
    """One RDF file, whose graphs become named graphs of the build as they are; its default
    graph is the named graph ``default_graph`` (graph/{file stem})."""

    path: Path
    default_graph: str

    def load_into(self, store: ox.Store) -> list[str]:
        """Parse the file into ``store``; the names of its graphs."""
        from policygraph.sources.rdffile import load_rdf  # rdflib's terms: for a build only

        return load_rdf(self.path, self.default_graph, store)


Records = TableFile | RdfFile


class Reader(Protocol):
    def accepts(self, path: Path) -> bool: ...

    def rank(self, path: Path) -> tuple[int, str]:
        """Reading order: files a reader's records refer to come first."""
        ...

    def read(self, path: Path) -> Records: ...


def table_name(path: Path) -> str | None:
    """The table a file holds: ``notes.csv`` and ``notes.{part}.csv`` both hold notes."""
    if path.suffix != ".csv":
        return None
    name = path.name.split(".", 1)[0] + ".csv"
    return name if name in TABLES else None


class CsvTableReader:
    """The known CSV tables, by file name, in the order of :data:`TABLES`."""

    def accepts(self, path: Path) -> bool:
        return table_name(path) is not None

    def rank(self, path: Path) -> tuple[int, str]:
        name = table_name(path)
        assert name is not None
        return list(TABLES).index(name), path.name

    def read(self, path: Path) -> Records:
        name = table_name(path)
        assert name is not None
        table = TABLES[name]
        return TableFile(path, table, read_table(path, table))


class RdfFileReader:
    """Turtle, TriG and N-Triples files, after every table, by name."""

    def accepts(self, path: Path) -> bool:
        return path.suffix in RDF_FORMATS

    def rank(self, path: Path) -> tuple[int, str]:
        return len(TABLES), path.name

    def read(self, path: Path) -> Records:
        return RdfFile(path, graph(path.stem))


READERS: tuple[Reader, ...] = (CsvTableReader(), RdfFileReader())


def _reader(path: Path) -> Reader | None:
    return next((r for r in READERS if r.accepts(path)), None)


def is_rdf(path: Path) -> bool:
    """Whether :func:`read` gives the file as an :class:`RdfFile` (without reading it)."""
    return isinstance(_reader(path), RdfFileReader)


def discover(directory: Path, *more: Path) -> list[Path]:
    """The files of ``directory`` (and of ``more`` directories, read as one with it) that some
    reader takes, in reading order."""
    if more:
        paths = [p for d in (directory, *more) for p in discover(d)]
        return sorted(paths, key=lambda p: (_reader(p) or READERS[0]).rank(p))
    if not directory.is_dir():
        raise SourceError(directory, "data directory not found", fix="pass --data DIR")
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        raise SourceError(
            directory, f"cannot list ({exc.strerror})", fix="check the directory"
        ) from None
    found = [(reader, path) for path in entries if (reader := _reader(path))]
    for _, path in found:
        # Before anything opens or hashes it: a FIFO would block, a directory or a broken link
        # would fail far from here.
        check_regular(path)
    return [path for reader, path in sorted(found, key=lambda pair: pair[0].rank(pair[1]))]


def read(path: Path) -> Records:
    """Read one file with the reader that takes it."""
    reader = _reader(path)
    if reader is None:
        raise SourceError(path, "no reader takes this file", fix="use a known CSV name or .ttl")
    return reader.read(path)
