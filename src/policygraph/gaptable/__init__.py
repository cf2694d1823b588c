"""The gap table: the gap report's rows, made at build time beside the derived graph.

Every gap report reads the same region × tier cells with their evidence and fall-back documents.
Asking a store for them in SPARQL (``gaps/coverage-matrix`` and ``gaps/provision``) joins every
county with every document it rests on and converts each term, 64,000 rows at 20,000 documents:
seconds per report. The build already holds all of it in Python (:mod:`policygraph.derive`), so
it writes the rows once into a small SQLite database that a local store keeps with its quads
(``DIR/current/gaps.sqlite``, swapped in with them) and the report reads with one indexed query.

The table says what the named queries say, row for row: a region needs its code, English label
and level; a document in a cell's lists needs its English title, specificity, and a holder with
code, English label and level (the queries' patterns), and a fall-back document is
``relevant-for`` when the region is named as following it, else ``ancestor``. A SPARQL endpoint
has no table; its reports come from the named queries, and the tests check that both agree.
"""

from __future__ import annotations

from policygraph.gaptable.fromgraph import latest_populations as latest_populations
from policygraph.gaptable.fromgraph import table_rows
from policygraph.gaptable.reader import GapTable
from policygraph.gaptable.schema import AUTONOMOUS, CellRow, DocumentRow, TableRows, TimedRows

__all__ = [
    "AUTONOMOUS",
    "CellRow",
    "DocumentRow",
    "GapTable",
    "TableRows",
    "TimedRows",
    "table_rows",
]
