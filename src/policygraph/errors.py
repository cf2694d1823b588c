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

import re
from pathlib import Path

__all__ = [
    "OntologyError",
    "PolicyGraphError",
    "QueryError",
    "SourceError",
    "StoreError",
    "one_line",
]


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every control character (line breaks too) written as an escape, so that a
    message quoting bad input stays one printable line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class PolicyGraphError(Exception):
    """Base class of every error a user can cause; its message is always one printable line."""

    def __init__(self, message: str = "") -> None:
        super().__init__(one_line(message))


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

    def __init__(self, message: str = "", *, exit_code: int = 1) -> None:
        super().__init__(message)
        #: 2 where the user can act on it now (another build holds the store), else 1.
        self.exit_code = exit_code
