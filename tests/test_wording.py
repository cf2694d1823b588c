"""Counted nouns: no "1 regions", no "18 bodys"."""

from __future__ import annotations

import pytest

from policygraph.wording import count, plural


@pytest.mark.parametrize(
    ("noun", "many"),
    [
        ("region", "regions"),
        ("body", "bodies"),
        ("named query", "named queries"),
        ("day", "days"),
        ("census row", "census rows"),
        ("match", "matches"),
    ],
)
def test_plural(noun: str, many: str) -> None:
    assert plural(noun) == many


def test_count() -> None:
    assert count(1, "region") == "1 region"
    assert count(0, "region") == "0 regions"
    assert count(18, "body") == "18 bodies"
    assert count(3213, "region") == "3,213 regions"
