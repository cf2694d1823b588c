"""policygraph: a knowledge graph of social-security policies and the bodies that issue them."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

from policygraph.errors import (
    OntologyError,
    PolicyGraphError,
    QueryError,
    SourceError,
    StoreError,
)

if TYPE_CHECKING:
    from policygraph.api import PolicyGraph, open
    from policygraph.gaps import GapReport, find_gaps
    from policygraph.pipeline import Inputs, build_dataset, build_store, open_store

#: Where each name of the API lives; imported on first use, so that ``policygraph --version``
#: and a gap report do not pay for the modules they do not run.
_LAZY = {
    "PolicyGraph": "policygraph.api",
    "open": "policygraph.api",
    "GapReport": "policygraph.gaps",
    "find_gaps": "policygraph.gaps",
    "Inputs": "policygraph.pipeline",
    "build_dataset": "policygraph.pipeline",
    "build_store": "policygraph.pipeline",
    "open_store": "policygraph.pipeline",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policygraph' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "GapReport",
    "Inputs",
    "OntologyError",
    "PolicyGraph",
    "PolicyGraphError",
    "QueryError",
    "SourceError",
    "StoreError",
    "__version__",
    "build_dataset",
    "build_store",
    "find_gaps",
    "open",
    "open_store",
]
