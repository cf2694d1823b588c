"""The gap report: region × tier coverage, with evidence, fall-backs and the sources' claims.

The cells are derived at build time (:mod:`policygraph.derive`, graph ``graph/derived``); every
number in the report is what a named query over them says (``gaps/coverage-matrix``,
``gaps/provision``) or over the claims (``gaps/claims``), so each line can be reproduced in plain
SPARQL on any endpoint. A local store also keeps the same rows in the gap table the build wrote
(:mod:`policygraph.gaptable`), read in one indexed query instead of joining every county with
its documents; a SPARQL endpoint's report comes from the queries. This package only joins rows
into :class:`Gap` values: the values are in :mod:`~policygraph.gaps.model`, the report of a store
in :mod:`~policygraph.gaps.report`, the rows of the named queries in
:mod:`~policygraph.gaps.fromqueries` (imported by a report that asks them: a report from the gap
table runs no query and imports no rdflib).
"""

from policygraph.gaps.model import (
    COLUMNS,
    LABEL_COLUMNS,
    STATUSES,
    TIERS,
    ClaimCheck,
    Document,
    Gap,
    GapReport,
    Overview,
)
from policygraph.gaps.report import find_gaps, paused_collection

__all__ = [
    "COLUMNS",
    "LABEL_COLUMNS",
    "STATUSES",
    "TIERS",
    "ClaimCheck",
    "Document",
    "Gap",
    "GapReport",
    "Overview",
    "find_gaps",
    "paused_collection",
]
