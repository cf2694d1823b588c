"""Counted nouns in messages and reports: "1 region", "18 bodies", never "1 regions" or
"18 bodys"."""

from __future__ import annotations

__all__ = ["count", "plural"]

_VOWELS = frozenset("aeiou")


def plural(noun: str) -> str:
    """The English plural of a regular noun or a phrase ending in one: ``body`` → ``bodies``,
    ``census row`` → ``census rows``, ``match`` → ``matches``."""
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in _VOWELS:
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(n: int, noun: str) -> str:
    """``n`` (with thousands separators) and ``noun``, plural unless ``n`` is one."""
    return f"{n:,} {noun if n == 1 else plural(noun)}"
