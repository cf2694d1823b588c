"""SHACL shapes: valid and invalid cases are Turtle files in tests/cases/shapes/, added to a copy
of the bundled data; `policygraph validate` must exit 0 on valid ones, and 1 on invalid ones with
the violation (focus node, path, message) listed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import Invoke

CASES = Path(__file__).parent / "cases" / "shapes"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))


def test_the_cases_are_collected() -> None:
    assert VALID and len(INVALID) >= 5


@pytest.mark.parametrize("case", VALID, ids=[p.stem for p in VALID])
def test_valid_case_conforms(case: Path, invoke: Invoke, data_copy: Path) -> None:
    shutil.copy(case, data_copy / "extra.ttl")
    result = invoke("validate", data=data_copy)
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize("case", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_case_is_reported(case: Path, invoke: Invoke, data_copy: Path) -> None:
    expect = case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    shutil.copy(case, data_copy / "extra.ttl")
    result = invoke("validate", data=data_copy)
    assert result.exit_code == 1, result.stdout
    assert re.search(r"^\d+ violations?:$", result.stdout, re.MULTILINE)
    listed = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert any(re.search(expect, line) for line in listed), result.stdout
    assert result.stdout.strip().endswith("does not conform")


def test_validate_cannot_run_on_a_broken_file(invoke: Invoke, data_copy: Path) -> None:
    (data_copy / "extra.ttl").write_text("@prefix ex: <https://example.org/> .\nex:a ex:b", "utf-8")
    result = invoke("validate", data=data_copy)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:") and "extra.ttl" in result.stderr


def test_build_refuses_data_with_violations(invoke: Invoke, data_copy: Path) -> None:
    shutil.copy(INVALID[0], data_copy / "extra.ttl")
    result = invoke("build", data=data_copy)
    assert result.exit_code == 1
    assert "store not written" in result.stderr
