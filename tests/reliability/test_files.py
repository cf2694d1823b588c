"""Readers take regular files only: each other kind of path is refused before it is read."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from policygraph.datafiles import check_regular, read_bounded
from policygraph.errors import SourceError


def _make(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "regions.csv"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling":
        path.symlink_to(tmp_path / "nowhere.csv")
    elif kind == "loop":
        path.symlink_to(path)
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("directory", "a directory, not a data file"),
        ("fifo", "a FIFO (named pipe), not a data file"),
        ("dangling", "dangling symlink"),
        ("loop", "symlink loop"),
    ],
)
def test_what_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str, message: str) -> None:
    path = _make(tmp_path, kind)
    for read in (check_regular, read_bounded):
        with pytest.raises(SourceError, match=re.escape(message)) as caught:
            read(path)
        assert caught.value.path == path


def test_a_file_larger_than_the_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.nt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(SourceError, match="101 bytes, more than the 100"):
        read_bounded(path, limit=100)
    assert read_bounded(path, limit=101) == b"x" * 101


def test_an_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(The tests may run as root, who reads every file: the permission check is simulated.)"""
    path = tmp_path / "regions.csv"
    path.write_text("code\n", encoding="utf-8")
    monkeypatch.setattr(os, "access", lambda *_args, **_kw: False)
    with pytest.raises(SourceError, match="permission denied"):
        check_regular(path)
