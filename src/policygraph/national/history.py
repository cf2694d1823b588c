"""The history of China's division codes since 1981 (``areacodes/result.csv``): which region a code
named in a given year is today.

A code names different regions over time (120110 was 东郊区 until 1992 and is 东丽区 since), so a
code is resolved together with a year: the record in use that year, then its successors until a
region in use today. The build (a document or a statistic citing an old code) and the census
converter share this reading.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CodeRecord", "History", "Resolution", "parse_successors", "read_history"]

_STATUS = {"在用": "in-use", "变更": "changed", "弃用": "abolished"}
_LEVEL = {"省级": "provincial", "地级": "prefectural", "县级": "county"}
_SUCCESSOR = re.compile(r"^(\d{6})(?:\[(\d{4})\])?$")
#: Until this many steps a chain of successors is followed (the longest real chain has 4).
_MAX_STEPS = 20


@dataclass(frozen=True)
class CodeRecord:
    """One row of the history: a code with the name it had while in use."""

    code: str
    name: str
    level: str
    status: str  # in-use, changed, abolished
    start: int
    end: int | None  # the first year no longer in use; None while in use
    successors: tuple[tuple[str, int | None], ...]  # (code, year of the change or None)
    line: int

    @property
    def in_use(self) -> bool:
        return self.end is None

    def used_in(self, year: int) -> bool:
        return self.start <= year and (self.end is None or year < self.end)


def parse_successors(text: str) -> tuple[tuple[str, int | None], ...]:
    """``130108[2001];130107`` → ((130108, 2001), (130107, None))."""
    found = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _SUCCESSOR.match(part)
        if match is None:
            raise ValueError(f"not a successor code: {part!r}")
        found.append((match[1], int(match[2]) if match[2] else None))
    return tuple(found)


def read_history(path: Path) -> list[CodeRecord]:
    """Every row of ``result.csv``, in file order (line numbers count the header as line 1)."""
    records = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for line, row in enumerate(reader, start=2):
            code, _, _, name, level, status, start, end, successors = row
            records.append(
                CodeRecord(
                    code=code,
                    name=name,
                    level=_LEVEL[level],
                    status=_STATUS[status],
                    start=int(start),
                    end=int(end) if end else None,
                    successors=parse_successors(successors),
                    line=line,
                )
            )
    return records


@dataclass(frozen=True)
class Resolution:
    """Where a code named in a year leads today: one code in use, or a reason why not."""

    code: str | None
    reason: str
    record: CodeRecord | None = None  # the record the code named in that year


@dataclass
class History:
    """The records of every code, for resolving (code, year) to a code in use today."""

    by_code: dict[str, list[CodeRecord]] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Iterable[CodeRecord]) -> History:
        history = cls()
        for record in records:
            history.by_code.setdefault(record.code, []).append(record)
        return history

    def record(self, code: str, year: int | None) -> CodeRecord | None:
        """The record of ``code`` in use in ``year``, or changed during it (a census on 1 November
        still names a district merged that spring); None: the one in use today, else the
        latest."""
        records = self.by_code.get(code, [])
        if year is not None:
            return next((r for r in records if r.used_in(year)), None) or next(
                (r for r in records if r.end == year), None
            )
        return next(
            (r for r in records if r.in_use), max(records, key=lambda r: r.start, default=None)
        )

    def successor(self, code: str, year: int) -> CodeRecord | None:
        """The record a successor code names: the one in use in the year of the change, else
        the one in use today (or the latest)."""
        return self.record(code, year) or self.record(code, None)

    def resolve(self, code: str, year: int | None = None) -> Resolution:
        """Today's code for ``code`` as named in ``year``."""
        first = self.record(code, year)
        if first is None:
            when = f" in {year}" if year is not None else ""
            if code in self.by_code:
                return Resolution(None, f"code {code} was not in use{when}")
            return Resolution(
                None, f"code {code} is not a division code of the 1981\N{EN DASH}2024 list"
            )
        frontier, today = [first], set()
        for _ in range(_MAX_STEPS):
            following = []
            for record in frontier:
                if record.in_use:
                    today.add(record.code)
                    continue
                for successor, changed in record.successors:
                    assert record.end is not None
                    nxt = self.successor(successor, changed if changed is not None else record.end)
                    if nxt is not None:
                        following.append(nxt)
            if not following:
                break
            frontier = following
        if len(today) == 1:
            (found,) = today
            return Resolution(found, "", first)
        if not today:
            return Resolution(
                None,
                f"{code} {first.name} was abolished in {first.end} with no successor in use",
                first,
            )
        return Resolution(
            None,
            f"{code} {first.name} was divided in {first.end} among {', '.join(sorted(today))}",
            first,
        )
