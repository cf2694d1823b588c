"""Progress of long work: one line per finished phase, once the work has run a while.

A national build reads, validates, derives and writes for half a minute, and ``site`` writes
its pages for ten seconds; a user at a terminal should see which phase is done rather than a
silent prompt. Each phase that finishes gives one line (what it did, its seconds and the total);
the lines are held back until the work has run ``after`` seconds, so quick work says nothing.
The command line writes them on stderr, on a terminal only (or with ``POLICYGRAPH_PROGRESS=1``):
stdout, and a piped stderr that tests and scripts parse, stay as they were.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Progress"]


class Progress:
    """Finished phases, reported as lines through ``write``."""

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        after: float = 2.0,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._write, self._after, self._clock = write, after, clock
        self._start = self._last = clock()
        self._held: list[str] = []
        self._showing = False

    def done(self, phase: str, what: str) -> None:
        """Phase ``phase`` (reading, validating, …) finished, having done ``what``."""
        now = self._clock()
        line = f"{phase}: {what} ({now - self._last:.1f} s, {now - self._start:.1f} s in all)"
        self._last = now
        self._held.append(line)
        if self._showing or now - self._start >= self._after:
            self._showing = True
            for held in self._held:
                self._write(held)
            self._held.clear()
