"""policygraph: a knowledge graph of social-security policies and the bodies that issue them."""

from __future__ import annotations

__version__ = "0.1.0"

from policygraph.build import Inputs, build_dataset  # noqa: E402
from policygraph.errors import (  # noqa: E402
    OntologyError,
    PolicyGraphError,
    QueryError,
    SourceError,
    StoreError,
)

__all__ = [
    "__version__",
    "Inputs",
    "build_dataset",
    "PolicyGraphError",
    "SourceError",
    "OntologyError",
    "QueryError",
    "StoreError",
]
