"""The named queries' titles and descriptions as messages of the --lang catalogue: a Babel
extraction method for the ``.rq`` files, registered in pyproject's ``[tool.babel]`` mappings
(``method = "policygraph.queries.babel:extract"``), so ``pybabel extract`` finds them beside
the reports' words. A message is a header field as :func:`parse_named` reads it: its lines
joined by spaces, so the text the pages look up is the text extracted."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from policygraph.queries import read_header

__all__ = ["FIELDS", "extract"]

#: The header fields a reader sees: the query's title and what it answers.
FIELDS = ("title", "description")


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction method interface: ``(line number, function name, message,
    comments)`` for each field; no function name, so Babel takes the message as it is."""
    encoding = options.get("encoding", "utf-8")
    header = read_header(fileobj.read().decode(encoding))
    for field in FIELDS:
        if field in header:
            number, text = header[field]
            yield number, None, text, []
