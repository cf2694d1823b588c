"""Answers of ``serve`` kept per store version, so that a question asked again is not run again.

A store version never changes once built (a rebuild writes a new version and switches to it), so
an answer computed on one version is the answer for as long as that version is served. The gap
questions researchers ask most are also the most expensive at national scale: the county × tier
coverage matrix (8,538 rows, 9.4 MB of JSON, 1.5–2 s in the engine) and the provision behind it
(25 MB, 3 s). Kept here, the second asker gets them in milliseconds instead of taking a worker
for seconds.

- The key is the whole request as the engine sees it: the store version, the query text, its
  base IRI, the dataset, the result-size limit and the formats the ``Accept`` header chooses.
- One computation per key at a time: clients asking the same question while it runs wait for
  that one answer instead of each starting their own.
- Only successful answers are kept, of queries whose answer depends on the store alone: none
  with ``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()``, ``BNODE()`` or ``SERVICE``, except
  ``YEAR(NOW())`` (what the as-of queries default to), whose answer is kept for the year.
- Bounded in bytes, least recently used out first; the answers of a replaced version are dropped
  as soon as a newer one is seen.
"""

from __future__ import annotations

import asyncio
import datetime
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

__all__ = ["Cached", "ResultCache", "depends_on", "query_form"]

#: Functions whose value is not a function of the store (and SERVICE, whose data lives
#: elsewhere). Matched anywhere in the text, comments and strings too: a false match only
#: means the answer is not kept.
_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(|\bSERVICE\b", re.IGNORECASE)
_YEAR_OF_NOW = re.compile(r"\bYEAR\s*\(\s*$", re.IGNORECASE)


def depends_on(query: str) -> tuple[int, ...] | None:
    """What the answer to ``query`` depends on besides the store: ``()`` nothing, ``(year,)``
    the current year (UTC, as ``NOW()`` is), None something that changes at every asking."""
    found = list(_VOLATILE.finditer(query))
    if not found:
        return ()
    for match in found:
        before = query[max(0, match.start() - 20) : match.start()]
        if not (match.group().upper().startswith("NOW") and _YEAR_OF_NOW.search(before)):
            return None
    return (datetime.datetime.now(datetime.UTC).year,)


_PROLOGUE = re.compile(
    r"\s*(?:#[^\n]*(?:\n|$)|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)", re.IGNORECASE
)
_FORM = re.compile(r"\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the word after the prologue (comments, BASE and
    PREFIX declarations); None when the text does not begin that way (the engine will say)."""
    position = 0
    while (match := _PROLOGUE.match(query, position)) is not None and match.end() > position:
        position = match.end()
    form = _FORM.match(query, position)
    return form.group(1).upper() if form else None


class Answer(Protocol):
    """What the cache needs of an answer."""

    @property
    def status(self) -> int: ...
    @property
    def body(self) -> bytes: ...
    @property
    def outcome(self) -> str: ...
    @property
    def version(self) -> str:
        """The store version the query ran on."""


A = TypeVar("A", bound=Answer)


@dataclass(frozen=True)
class Cached(Generic[A]):
    """An answer and how it was had: ``hit`` (kept), ``shared`` (computed once for several
    clients at once), ``miss`` (computed for this one) or ``uncached`` (not to be kept)."""

    answer: A
    how: str


class ResultCache(Generic[A]):
    """Answers by key, for one store version at a time, within ``max_bytes``: the bodies and
    the texts of their keys (a query text may be as long as the answer).

    Kept: answers with status 200 computed on the version asked for. An answer whose outcome is
    ``cancelled`` ended for its own client only (it went away), so those waiting on it ask
    again."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._version: str | None = None
        self._answers: OrderedDict[Hashable, tuple[A, int]] = OrderedDict()
        self._running: dict[Hashable, asyncio.Future[A]] = {}
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._answers)

    async def answer(
        self,
        version: str,
        key: Hashable,
        compute: Callable[[], Awaitable[A]],
        *,
        cacheable: bool = True,
    ) -> Cached[A]:
        """The answer for ``key`` on store ``version``: kept, being computed, or computed now
        by ``compute()``."""
        if self.max_bytes <= 0 or not cacheable:
            return Cached(await compute(), "uncached")
        self._follow(version)
        full = (version, key)
        while True:
            if full in self._answers:
                self._answers.move_to_end(full)
                return Cached(self._answers[full][0], "hit")
            running = self._running.get(full)
            if running is None:
                break
            try:
                shared = await asyncio.shield(running)
            except asyncio.CancelledError:
                if running.cancelled():  # the one computing was cancelled, not this request
                    continue
                raise
            if shared.outcome != "cancelled":
                return Cached(shared, "shared")
        future: asyncio.Future[A] = asyncio.get_running_loop().create_future()
        self._running[full] = future
        try:
            computed = await compute()
        except asyncio.CancelledError:
            future.cancel()  # those waiting compute it themselves
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: those waiting re-raise it, none is left unread
            raise
        else:
            future.set_result(computed)
            self._store(version, full, computed)
        finally:
            del self._running[full]
        return Cached(computed, "miss")

    def _follow(self, version: str) -> None:
        """Drop every answer of a version other than ``version`` (the store was replaced)."""
        if version != self._version:
            self._version = version
            self._answers.clear()
            self.bytes = 0

    def _store(self, version: str, full: Hashable, answer: A) -> None:
        size = len(answer.body) + _text_bytes(full)
        kept = answer.status == 200 and answer.version == version == self._version
        if not kept or size > self.max_bytes:
            return
        self._answers[full] = (answer, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, dropped) = self._answers.popitem(last=False)
            self.bytes -= dropped


def _text_bytes(key: object) -> int:
    """The characters of the strings in a key (nested in tuples), a measure of its memory."""
    if isinstance(key, str | bytes):
        return len(key)
    if isinstance(key, tuple):
        return sum(_text_bytes(part) for part in key)
    return 0
