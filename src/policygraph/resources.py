"""Where the packaged ontology, data, queries and templates live.

In a wheel, ``ontology/`` and ``data/`` are force-included as ``policygraph/_bundled/``; in a
checkout (an editable install) they are read from the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

from policygraph.datafiles import check_regular
from policygraph.errors import OntologyError

__all__ = ["data_dir", "ontology_dir", "ontology_files"]

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE / "_bundled" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parents[1] / name


def ontology_dir() -> Path:
    """The ontology, concept schemes and SHACL shapes that ship with policygraph."""
    return _bundled("ontology")


def data_dir() -> Path:
    """The bundled seed dataset."""
    return _bundled("data")


def ontology_files(ontology_dir: Path) -> list[Path]:
    """The ontology's Turtle files (concept schemes and shapes among them), in reading order."""
    if not ontology_dir.is_dir():
        raise OntologyError(f"{ontology_dir}: ontology directory not found")
    found = sorted(ontology_dir.rglob("*.ttl"))
    for path in found:
        check_regular(path)  # before anything hashes or parses it: a FIFO would block
    return found
