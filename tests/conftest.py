"""Shared fixtures: the bundled data, a writable copy of it, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from policygraph import resources
from policygraph.cli import cli

BUNDLED = resources.data_dir()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled dataset, for tests that break it."""
    target = tmp_path / "data"
    shutil.copytree(BUNDLED, target)
    return target


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(tmp_path: Path) -> Invoke:
    """Run the CLI in-process with a store under tmp_path; stdout and stderr kept apart."""

    def run(*args: str, store: str | None = None, data: Path | None = None) -> Result:
        runner = CliRunner()
        options = ["--store", store or f"oxigraph:{tmp_path / 'store'}"]
        if data is not None:
            options += ["--data", str(data)]
        return runner.invoke(cli, [*options, *args], catch_exceptions=False)

    return run


def append_row(path: Path, cells: dict[str, str]) -> None:
    """Append one row to a CSV file, in the column order of its header."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writerow({name: cells.get(name, "") for name in header})
