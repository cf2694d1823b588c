"""A few of the bad inputs again in a real process: the installed command, its real exit code,
and a time limit that a hang (a FIFO, a number with a billion digits) would exceed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import store_state
from .mutations import BUNDLED

LIMIT = 60


def _run(*args: str, data: Path, store: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "policygraph", "--store", f"oxigraph:{store}", "--no-national"]
    return subprocess.run(
        [*command, "--data", str(data), *args],
        capture_output=True,
        text=True,
        timeout=LIMIT,
        check=False,
    )


def _fifo(data: Path) -> None:
    (data / "documents.csv").unlink()
    os.mkfifo(data / "documents.csv")


def _exponent(data: Path) -> None:
    with (data / "observations.csv").open("a", encoding="utf-8") as handle:
        handle.write("s1-figures,CN,monthly-pension-rural-residents,2020,1e999999999,yuan,,l.1,\n")


def _nul(data: Path) -> None:
    with (data / "regions.csv").open("ab") as handle:
        handle.write(b"620999,X\x00,x,county,county,620900,,s0,l.1,,,\n")


@pytest.mark.parametrize(
    ("damage", "expect"),
    [
        (_fifo, "documents.csv: a FIFO"),
        (_exponent, "observations.csv:57:5: '1e999999999' is not a number"),
        (_nul, r"regions.csv:39:2: control character U+0000"),
    ],
    ids=["fifo", "exponent", "nul"],
)
def test_a_bad_input_ends_in_one_line_in_a_real_process(
    tmp_path: Path, damage: object, expect: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(BUNDLED, data)
    store = tmp_path / "store"
    assert _run("build", data=data, store=store).returncode == 0
    before = store_state(f"oxigraph:{store}")
    damage(data)  # type: ignore[operator]
    done = _run("build", data=data, store=store)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: "), done.stderr
    assert expect in done.stderr
    assert "Traceback" not in done.stderr
    # The previous store is as it was, and answers.
    assert store_state(f"oxigraph:{store}") == before
    assert _run("stats", data=BUNDLED, store=store).returncode == 0


def test_a_refused_parameter_in_a_real_process(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = _run("gaps", "--tier", 'x"y\x1b', data=BUNDLED, store=store)
    assert done.returncode == 2 and done.stderr.startswith('Error: --tier x"y\\x1b: '), done.stderr
    assert done.stderr.count("\n") == 1
