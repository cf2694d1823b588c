"""Orchestration above build and store (being moved here): inputs, store spec, rebuild policy."""

from __future__ import annotations

from policygraph.build import Inputs
from policygraph.store import build_store, open_store

__all__ = ["Inputs", "build_store", "open_store"]
