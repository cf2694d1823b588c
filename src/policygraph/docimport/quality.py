"""How well the rules classify: a labelled list of documents (title, number, and the true tiers,
domains, level and issuer) classified as an import would, with the accuracy of each field.

A row the rules leave unclassified in a field counts as wrong in that field: the figure is the
share of rows the rules get right, not the share of the rows they dare to answer.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.docimport.classify import Classification, classify
from policygraph.docimport.context import load_context
from policygraph.sources.cells import items

__all__ = ["FIELDS", "Quality", "measure"]

FIELDS = ("tiers", "domains", "level", "issuer")


@dataclass
class Quality:
    #: Field → (right, counted); a row whose true value is blank is not counted.
    scores: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Field → the (title, expected, found) of each miss.
    misses: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def accuracy(self, name: str) -> float:
        right, counted = self.scores[name]
        return right / counted if counted else 0.0


def _found(found: Classification, name: str) -> str:
    if name in ("tiers", "domains"):
        return ";".join(sorted(getattr(found, name)))
    return found.issuer_zh if name == "issuer" else found.level


def measure(labelled: Path, data: Path, ontology: Path, *, national: bool = True) -> Quality:
    ctx = load_context(data, ontology, national=national)
    rules = ctx.rules()
    quality = Quality({name: (0, 0) for name in FIELDS}, {name: [] for name in FIELDS})
    with labelled.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found = classify(row["title"], row["number"], "", rules, ctx)
            for name in FIELDS:
                truth = row[name]
                if name in ("tiers", "domains"):
                    truth = ";".join(sorted(items(truth)))
                if not truth:
                    continue
                right, counted = quality.scores[name]
                got = _found(found, name)
                quality.scores[name] = (right + (got == truth), counted + 1)
                if got != truth:
                    quality.misses[name].append((row["title"], truth, got))
    return quality
