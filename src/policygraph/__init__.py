"""policygraph: a knowledge graph of social-security policies and the bodies that issue them."""

from __future__ import annotations

__version__ = "0.1.0"

from policygraph.build import Inputs, build_dataset
from policygraph.errors import (
    OntologyError,
    PolicyGraphError,
    QueryError,
    SourceError,
    StoreError,
)

__all__ = [
    "Inputs",
    "OntologyError",
    "PolicyGraphError",
    "QueryError",
    "SourceError",
    "StoreError",
    "__version__",
    "build_dataset",
]
