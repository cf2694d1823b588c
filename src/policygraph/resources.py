"""Where the packaged ontology, data, queries and templates live.

In a wheel, ``ontology/`` and ``data/`` are force-included as ``policygraph/_bundled/``; in a
checkout (an editable install) they are read from the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "ontology_dir"]

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
