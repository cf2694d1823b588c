"""Rows → triples: the only place that mints IRIs and attaches provenance.

Each row's triples go into the named graph of its source (``graph/{source}``); a value whose
``{column}_source`` names another source goes into that source's graph instead. Every resource
carries ``dcterms:source``, ``pg:locator`` and ``pg:confidence`` (the confidence of its source).
References between files are checked here, with the row's position kept for the error message.

:class:`Mapper` (:mod:`~policygraph.mapping.mapper`) holds what the tables mapped so far define and
resolves references; each table is mapped by a function of its module: the sources, aliases and
notes in :mod:`~policygraph.mapping.metadata`, the regions and bodies in
:mod:`~policygraph.mapping.places`, the documents, programmes and claims in
:mod:`~policygraph.mapping.documents` (the national divisions in :mod:`policygraph.territory`,
the statistics in :mod:`policygraph.cube`). The quads go into the :class:`GraphSink` of each
named graph (:mod:`~policygraph.mapping.graphs`).
"""

from __future__ import annotations

from policygraph.mapping.graphs import GraphSink, Mapped
from policygraph.mapping.mapper import Mapper
from policygraph.mapping.terms import Vocabulary

__all__ = ["GraphSink", "Mapped", "Mapper", "Vocabulary"]
