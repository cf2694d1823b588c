"""The one error hierarchy of policygraph.

::

    PolicyGraphError
    ├── SourceError     a bad file or row (path, line, column)
    ├── OntologyError   ontology or shapes will not load
    ├── QueryError      unknown query, bad parameter, SPARQL syntax
    └── StoreError      store missing, locked, unreachable, or read-only

The command line catches ``PolicyGraphError`` only and prints its one-line message; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["OntologyError", "PolicyGraphError", "QueryError", "SourceError", "StoreError"]


class PolicyGraphError(Exception):
    """Base class of every error a user can cause."""


class SourceError(PolicyGraphError):
    """A bad data file or row: says where (file, line, column), what, and how to fix it."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.problem = message
        self.fix = fix
        where = str(path)
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        text = f"{where}: {message}"
        if fix:
            text += f"; {fix}"
        super().__init__(text)


class OntologyError(PolicyGraphError):
    """The ontology, the concept schemes or the SHACL shapes will not load."""


class QueryError(PolicyGraphError):
    """An unknown named query, a bad parameter, or a SPARQL syntax error."""


class StoreError(PolicyGraphError):
    """A store that is missing, locked, unreachable or read-only."""
