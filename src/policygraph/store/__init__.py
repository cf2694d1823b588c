"""Stores: where the built graph lives. Each is read and replaced whole; none builds.

``oxigraph:DIR`` (on disk), ``memory`` (rdflib's own store) and ``sparql:URL`` (any SPARQL 1.1
endpoint, read-only). :func:`policygraph.pipeline.open_store` picks one from ``--store SPEC``.
"""

from __future__ import annotations

from policygraph.store.base import GraphStore, Quad

__all__ = ["GraphStore", "Quad"]
