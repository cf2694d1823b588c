"""Every kind of bad input ends in one line naming file, line and column, and a non-zero exit.

Cases are data files in tests/cases/bad-input/*.case::

    file: regions.csv          the data file the case touches
    mode: append-row           append-row (body: JSON cells), append-raw, write (body: the file),
                               append-bytes, write-bytes (body: text with \\xNN escapes),
                               directory, fifo (the file becomes one), symlink (body: target)
    expect: regex              what the one-line message must match

    <body>
"""

from __future__ import annotations

import codecs
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from policygraph.store.oxigraph import stored_fingerprint

from .conftest import Invoke, append_row

CASES = sorted((Path(__file__).parent / "cases" / "bad-input").glob("*.case"))


@dataclass
class Case:
    file: str
    mode: str
    expect: str
    body: str

    @classmethod
    def load(cls, path: Path) -> Case:
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        fields = dict(line.split(": ", 1) for line in head.splitlines())
        return cls(fields["file"], fields["mode"], fields["expect"], body)

    def apply(self, data: Path) -> None:
        target = data / self.file
        if self.mode == "append-row":
            append_row(target, json.loads(self.body))
        elif self.mode == "append-raw":
            with target.open("a", encoding="utf-8") as handle:
                handle.write(self.body)
        elif self.mode == "write":
            target.write_text(self.body, encoding="utf-8")
        elif self.mode in ("append-bytes", "write-bytes"):
            raw = codecs.escape_decode(self.body.strip().encode("utf-8"))[0]
            with target.open("ab" if self.mode == "append-bytes" else "wb") as handle:
                handle.write(raw)
        elif self.mode in ("directory", "fifo", "symlink"):
            target.unlink(missing_ok=True)
            if self.mode == "directory":
                target.mkdir()
            elif self.mode == "fifo":
                os.mkfifo(target)
            else:
                target.symlink_to(self.body.strip())
        else:
            raise AssertionError(f"unknown mode {self.mode}")


def test_the_cases_are_collected() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input_gives_one_clear_line(path: Path, invoke: Invoke, data_copy: Path) -> None:
    case = Case.load(path)
    case.apply(data_copy)
    result = invoke("build", data=data_copy)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    assert re.search(case.expect, lines[0]), lines[0]


def test_a_failed_build_keeps_the_previous_store(
    invoke: Invoke, data_copy: Path, tmp_path: Path
) -> None:
    assert invoke("build", data=data_copy).exit_code == 0
    before = stored_fingerprint(tmp_path / "store")
    Case.load(CASES[0]).apply(data_copy)
    assert invoke("build", data=data_copy).exit_code == 2
    assert stored_fingerprint(tmp_path / "store") == before
    # Only the store (its one version, `current` pointing at it, the build lock) and the
    # validation cache remain: no half-written build directory.
    leftovers = sorted(p.name for p in (tmp_path / "store").iterdir())
    version = os.readlink(tmp_path / "store" / "current")
    assert version.startswith("store-")
    assert leftovers == sorted(["build.lock", "current", version, "validation"])


def test_a_shacl_violation_names_the_csv_row_that_made_the_node(
    invoke: Invoke, data_copy: Path
) -> None:
    regions = data_copy / "regions.csv"
    line = len(regions.read_text(encoding="utf-8").splitlines()) + 1
    cells = {"code": "620998", "label_en": "Test County", "label_zh": "测试县", "level": "county"}
    append_row(
        regions,
        {**cells, "division_type": "county", "parent": "CN", "source": "s0", "locator": "l.1"},
    )
    result = invoke("validate", data=data_copy)
    assert result.exit_code == 1, result.output
    listed = [row for row in result.stdout.splitlines() if "620998>" in row]
    assert listed and all(
        row.startswith(f"  {regions}:{line}: <https://w3id.org/policygraph/id/region/620998>")
        for row in listed
    ), result.stdout
