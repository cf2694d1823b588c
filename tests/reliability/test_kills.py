"""Builds killed at random moments (SIGKILL, a real process) and builds that overlap.

After every kill the store is one of two complete stores, the previous one or the new one, and a
gap report read from it (without a rebuild) is that store's report byte for byte; it is never
missing. Two overlapping builds: one writes the store, the other ends in one line and exit 2
naming the first one's pid. The next build removes what the killed ones left.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from policygraph.store import versions
from policygraph.store.oxigraph import stored_fingerprint

from .mutations import BUNDLED

LIMIT = 120
KILLS = 15
SEED = 14


def _command(store: Path, data: Path, *args: str) -> list[str]:
    return [
        *(sys.executable, "-m", "policygraph", "--store", f"oxigraph:{store}", "--no-national"),
        *("--data", str(data), *args),
    ]


def _run(store: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(store, data, *args), capture_output=True, text=True, timeout=LIMIT, check=False
    )


def _build(store: Path, data: Path) -> float:
    started = time.perf_counter()
    done = _run(store, data, "build")
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


def _gaps(store: Path, data: Path) -> str:
    done = _run(store, data, "gaps", "--format", "json")
    assert done.returncode == 0, done.stderr
    return done.stdout


def _edited(tmp_path: Path) -> Path:
    """The bundled data with one document's title changed: another fingerprint, another report."""
    data = tmp_path / "edited"
    shutil.copytree(BUNDLED, data)
    table = data / "documents.csv"
    text = table.read_text(encoding="utf-8")
    title = "Implementation Plan of Basic Pension Insurance for Urban and Rural Residents in Sunan"
    assert title in text
    table.write_text(text.replace(title, title + " (revised)", 1), encoding="utf-8")
    return data


def test_a_build_killed_at_any_moment_leaves_a_complete_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    edited = _edited(tmp_path)
    expected: dict[str, tuple[Path, str]] = {}
    seconds = 0.0
    for data in (BUNDLED, edited):
        seconds = max(seconds, _build(store, data))
        fingerprint = stored_fingerprint(store)
        assert fingerprint is not None
        expected[fingerprint] = (data, _gaps(store, data))
    assert len(expected) == 2 and len({out for _, out in expected.values()}) == 2
    rng = random.Random(SEED)
    # Half the kills fall where a build writes and switches the store (its last fifth).
    delays = [rng.uniform(0.1, seconds) for _ in range(KILLS - KILLS // 2)]
    delays += [rng.uniform(0.8 * seconds, 1.1 * seconds) for _ in range(KILLS // 2)]
    outcomes = []
    for delay in delays:
        held = stored_fingerprint(store)
        # Build the other data set than the one the store holds, and kill it midway.
        target = next(data for fp, (data, _) in expected.items() if fp != held)
        process = subprocess.Popen(
            _command(store, target, "build"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=LIMIT)
        assert process.stderr is not None
        assert b"Traceback" not in process.stderr.read()
        process.stderr.close()
        now = stored_fingerprint(store)
        assert now in expected, f"killed after {delay:.2f} s: no complete store ({now})"
        outcomes.append("new" if now != held else "previous")
        data, report = expected[now]
        pointed = versions.resolve(store)
        assert _gaps(store, data) == report, f"killed after {delay:.2f} s: another report"
        assert versions.resolve(store) == pointed, "the report rebuilt the store"
    print(f"\n{KILLS} kills: {outcomes.count('previous')} previous, {outcomes.count('new')} new")
    # The next build removes every leftover: one version, the one `current` names.
    _build(store, BUNDLED)
    left = sorted(p.name for p in store.iterdir())
    assert [n for n in left if n.startswith(("build-", "store-", "retired-", "current."))] == [
        versions.resolve(store).name
    ], left


def _wait_for(condition: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_an_overlapping_build_is_refused_with_the_pid_of_the_other(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _build(store, BUNDLED)
    before = stored_fingerprint(store)
    edited = _edited(tmp_path)
    first = subprocess.Popen(
        _command(store, edited, "build"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    # Started once the first holds the lock (its pid in the lock file, its build directory made).
    _wait_for(
        lambda: (
            (store / "build.lock").read_text().strip() == str(first.pid)
            and any(p.name.startswith("build-") for p in store.iterdir())
        ),
        LIMIT,
    )
    second = _run(store, BUNDLED, "build")
    assert first.wait(timeout=LIMIT) == 0
    assert first.stderr is not None
    first.stderr.close()
    assert second.returncode == 2, second.stderr
    assert second.stderr == (
        f"Error: {store}: another build (pid {first.pid}) is writing this store; "
        "wait for it to finish, or stop it\n"
    )
    # The first build's store is the one in place: a report of its data reads it as it is.
    assert stored_fingerprint(store) not in (None, before)
    pointed = versions.resolve(store)
    _gaps(store, edited)
    assert versions.resolve(store) == pointed


def test_a_store_from_before_versions_is_switched_to_one(tmp_path: Path) -> None:
    """A store whose `current` is a plain directory (written by an earlier policygraph) is read
    as it is, and the next build replaces it by a version and a `current` symlink."""
    store = tmp_path / "store"
    _build(store, BUNDLED)
    version = versions.resolve(store)
    (store / "current").unlink()
    version.rename(store / "current")
    held = stored_fingerprint(store)
    assert held is not None
    report = _gaps(store, BUNDLED)
    _build(store, _edited(tmp_path))
    assert (store / "current").is_symlink()
    assert stored_fingerprint(store) not in (None, held)
    assert not any(p.name.startswith("store-legacy-") for p in store.iterdir())
    _build(store, BUNDLED)
    assert _gaps(store, BUNDLED) == report
    assert os.readlink(store / "current").startswith("store-")
