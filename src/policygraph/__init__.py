"""policygraph: a knowledge graph of social-security policies and the bodies that issue them."""

from __future__ import annotations

__version__ = "0.1.0"

from policygraph.errors import (
    OntologyError,
    PolicyGraphError,
    QueryError,
    SourceError,
    StoreError,
)
from policygraph.gaps import GapReport, find_gaps
from policygraph.pipeline import Inputs, build_dataset, build_store, open_store

__all__ = [
    "GapReport",
    "Inputs",
    "OntologyError",
    "PolicyGraphError",
    "QueryError",
    "SourceError",
    "StoreError",
    "__version__",
    "build_dataset",
    "build_store",
    "find_gaps",
    "open_store",
]
