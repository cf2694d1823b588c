"""Progress of long work on stderr: one line per finished phase, stdout untouched."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from policygraph.cli import base
from policygraph.progress import Progress

from .conftest import Invoke


def test_quick_work_says_nothing_and_long_work_one_line_per_phase() -> None:
    now = [0.0]
    lines: list[str] = []
    progress = Progress(lines.append, after=2.0, clock=lambda: now[0])
    now[0] = 0.5
    progress.done("reading", "10 quads from 2 files")
    assert lines == []  # held back: the work may yet end within two seconds
    now[0] = 2.5
    progress.done("validating", "conforms")
    assert lines == [
        "reading: 10 quads from 2 files (0.5 s, 0.5 s in all)",
        "validating: conforms (2.0 s, 2.5 s in all)",
    ]
    now[0] = 2.6
    progress.done("deriving", "3 triples of gap cells")
    assert lines[-1] == "deriving: 3 triples of gap cells (0.1 s, 2.6 s in all)"


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress on, as on a terminal, from the first second (the seed builds in about two)."""
    monkeypatch.setenv("POLICYGRAPH_PROGRESS", "1")
    monkeypatch.setattr(base, "Progress", functools.partial(Progress, after=0.0))


def test_a_first_build_prints_its_phases_on_stderr_and_the_report_is_unchanged(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = invoke("gaps", "--autonomous", store=f"oxigraph:{tmp_path / 'a'}", seed=True)
    assert quiet.exit_code == 0 and quiet.stderr == ""  # piped: nothing on stderr
    monkeypatch.setenv("POLICYGRAPH_PROGRESS", "1")
    monkeypatch.setattr(base, "Progress", functools.partial(Progress, after=0.0))
    loud = invoke("gaps", "--autonomous", store=f"oxigraph:{tmp_path / 'b'}", seed=True)
    assert loud.exit_code == 0, loud.stderr
    assert loud.stdout == quiet.stdout  # byte-identical
    lines = loud.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "reading",
        "validating",
        "deriving",
        "writing",
    ]
    assert re.fullmatch(
        r"reading: [\d,]+ quads from \d+ files \(\d+\.\d s, \d+\.\d s in all\)", lines[0]
    )
    assert lines[1].startswith("validating: conforms")
    assert re.match(r"deriving: [\d,]+ triples of gap cells \(", lines[2])
    assert lines[3].startswith(f"writing: oxigraph:{tmp_path / 'b'} (")
    # The store is current now: the next command builds nothing and says nothing.
    again = invoke("gaps", "--autonomous", store=f"oxigraph:{tmp_path / 'b'}", seed=True)
    assert again.stderr == "" and again.stdout == quiet.stdout


@pytest.mark.usefixtures("shown")
def test_site_prints_what_it_writes(invoke: Invoke, tmp_path: Path) -> None:
    invoke("build", seed=True)  # the build's own lines are not what this test reads
    result = invoke("site", "-o", str(tmp_path / "site"), seed=True)
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(r"wrote \d+ pages into .*\n", result.stdout)
    lines = result.stderr.splitlines()
    assert lines[0].startswith("reading: ") and "pages to write" in lines[0]
    assert re.match(r"writing: \d+ pages into .* \(\d+ regions, 19 documents, 20 bodies", lines[1])
    assert any(line.startswith("writing: graph.html and graph-assistance.html") for line in lines)
    assert lines[-1].startswith("writing: gaps.html (")


@pytest.mark.usefixtures("shown")
def test_an_error_after_no_work_is_still_one_line(invoke: Invoke) -> None:
    result = invoke("gaps", "--tier", "comercial")  # the shared store: nothing to build
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: --tier comercial")
