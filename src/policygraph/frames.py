"""pandas DataFrames for notebooks, with pandas as an optional extra (``policygraph[notebook]``).

Nothing else in policygraph needs pandas, so it is imported only when a ``to_dataframe()`` is
called; without it the call fails in one line that says what to install.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib.term import Node

__all__ = ["PANDAS_MISSING", "dataframe", "python_value"]

PANDAS_MISSING = "to_dataframe() needs pandas: pip install 'policygraph[notebook]'"


def python_value(node: Node | None) -> object:
    """A cell as Python: a literal's value (xsd:decimal as float, so that columns are numeric),
    an IRI or blank node as its string, an unbound variable as None."""
    from rdflib.term import Literal  # a node is rdflib's: rdflib is loaded already

    if node is None:
        return None
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, Decimal):
            return float(value)
        return value if not isinstance(value, Literal) else str(value)
    return str(node)


def dataframe(
    columns: Sequence[str], rows: Iterable[Sequence[object]], dtypes: dict[str, str] | None = None
) -> Any:
    """A ``pandas.DataFrame`` of ``rows`` under ``columns`` (typed as ``dtypes`` says)."""
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise ImportError(PANDAS_MISSING) from None
    frame = pandas.DataFrame([list(row) for row in rows], columns=list(columns))
    return frame.astype(dtypes) if dtypes else frame
