"""Running one fuzzed build or command in-process and judging its outcome.

The outcome of any input is one of: success (exit 0); SHACL violations (exit 1, the report on
stdout, "store not written"); or the project's one-line error (exit 2, one line on stderr that
starts with ``Error:``). Anything else (a traceback, another exit code, a run over the time
limit) is a failure. After every failed build the previous store must be as it was.
"""

from __future__ import annotations

import re
import signal
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner, Result

from policygraph.cli import cli
from policygraph.pipeline import make_store

#: A run longer than this is a hang.
HANG_SECONDS = 60


class Hang(Exception):
    """Raised in the main thread by the timer when a run takes longer than HANG_SECONDS."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def invoke(*args: str, store: str, data: Path | None = None) -> tuple[Result, float]:
    # The seed tables are what is fuzzed: the national backbone (data/national) is not read.
    options = ["--store", store, "--no-national"]
    options += ["--data", str(data)] if data is not None else []
    started = time.perf_counter()
    with time_limit(HANG_SECONDS):
        result = CliRunner().invoke(cli, [*options, *args], catch_exceptions=True)
    return result, time.perf_counter() - started


def store_state(spec: str) -> tuple[str | None, int]:
    """The store's fingerprint and its number of quads, read through the store's own API."""
    with make_store(spec) as store:
        rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return store.fingerprint(), int(str(rows[0][0]))


@dataclass
class Tally:
    """What a fuzzing run saw, for its closing summary."""

    outcomes: Counter[str] = field(default_factory=Counter)
    classes: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0
    store_checks: int = 0

    def summary(self) -> str:
        total = sum(self.outcomes.values())
        return (
            f"{total} runs; outcomes {dict(sorted(self.outcomes.items()))}; "
            f"classes {dict(sorted(self.classes.items()))}; slowest {self.slowest:.2f} s; "
            f"previous store checked intact {self.store_checks} times"
        )


def judge(
    result: Result,
    seconds: float,
    *,
    label: str,
    bad: bool,
    tally: Tally,
    where: str | None = None,
) -> int:
    """Assert the outcome is one of the three allowed; return the exit code."""
    tally.slowest = max(tally.slowest, seconds)
    tally.classes[label] += 1
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        tally.outcomes["traceback" if not isinstance(exc, Hang) else "hang"] += 1
        kind = "hang" if isinstance(exc, Hang) else "traceback"
        raise AssertionError(f"{label}: {kind}: {type(exc).__name__}: {exc}") from exc
    code = result.exit_code
    tally.outcomes[f"exit {code}"] += 1
    stderr = result.stderr.strip()
    if bad:
        assert code == 2, f"{label}: clearly bad input accepted (exit {code}): {result.output}"
    if code == 2:
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), f"{label}: {stderr!r}"
        assert "Traceback" not in result.output
        if where is not None:
            assert re.search(where, lines[0]), f"{label}: {lines[0]!r} does not match {where}"
    elif code == 1:
        assert "does not conform" in result.stdout, f"{label}: exit 1: {result.output!r}"
    else:
        assert code == 0, f"{label}: exit {code}: {result.output!r}"
    return code
