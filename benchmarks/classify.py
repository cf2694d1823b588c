"""Accuracy of the import classifier, per field, on the labelled documents of
tests/cases/import/labelled.csv (real titles and numbers, labelled from general knowledge).

    .venv/bin/python benchmarks/classify.py [--misses]

Reads the bundled data (national backbone included) and its rules (data/classify/); prints one
Markdown table, and with --misses every row a field gets wrong.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from policygraph import resources
from policygraph.docimport.quality import FIELDS, measure

LABELLED = Path(__file__).parents[1] / "tests" / "cases" / "import" / "labelled.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the rows each field misses")
    args = parser.parse_args()
    quality = measure(LABELLED, resources.data_dir(), resources.ontology_dir())
    print("| field | right | labelled | accuracy |")
    print("|---|---|---|---|")
    for name in FIELDS:
        right, counted = quality.scores[name]
        print(f"| {name} | {right} | {counted} | {quality.accuracy(name):.1%} |")
    if args.misses:
        for name in FIELDS:
            for title, truth, got in quality.misses[name]:
                print(f"{name}: {title}: expected {truth!r}, got {got!r}")


if __name__ == "__main__":
    main()
