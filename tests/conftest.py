"""Shared fixtures: the bundled data, a writable copy of it, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from policygraph import resources
from policygraph.cli import cli
from policygraph.pipeline import Inputs, build_store

BUNDLED = resources.data_dir()
#: The seed data without the national backbone: quick to build (1.5 s against 25 s), and what
#: the memory store (rdflib) is compared on.
SEED = Inputs.resolve(national=False)


def _without_national(directory: str, names: list[str]) -> list[str]:
    return ["national"] if Path(directory) == BUNDLED else []


def seed_copy(target: Path) -> Path:
    """Copy the bundled seed dataset (without data/national) to ``target``."""
    shutil.copytree(BUNDLED, target, ignore=_without_national)
    return target


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled seed dataset (without data/national), for tests that
    break it."""
    return seed_copy(tmp_path / "data")


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled data as a user gets it (national backbone included), built once per run and
    opened read-only by every test that only reads it."""
    spec = f"oxigraph:{tmp_path_factory.mktemp('bundled') / 'store'}"
    assert build_store(spec, Inputs.resolve()).written
    return spec


@pytest.fixture(scope="session")
def seed_spec(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed data alone (without data/national) built once per run, for tests that only
    read it."""
    spec = f"oxigraph:{tmp_path_factory.mktemp('seed') / 'store'}"
    assert build_store(spec, SEED).written
    return spec


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(tmp_path: Path, request: pytest.FixtureRequest) -> Invoke:
    """Run the CLI in-process; stdout and stderr kept apart. The store is ``store``, else the
    shared bundled store when neither ``data`` nor ``seed`` (the seed data alone, without
    data/national) is given, else one under tmp_path."""

    def run(
        *args: str, store: str | None = None, data: Path | None = None, seed: bool = False
    ) -> Result:
        runner = CliRunner()
        if store is None and data is None and not seed:
            store = request.getfixturevalue("bundled_store")
        options = ["--store", store or f"oxigraph:{tmp_path / 'store'}"]
        if data is not None:
            options += ["--data", str(data)]
        if seed:
            options += ["--no-national"]
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
