"""SELECT results in the formats of ``policygraph query --format``.

``json`` is the SPARQL 1.1 Query Results JSON Format; ``csv`` and ``tsv`` are the SPARQL 1.1
Query Results CSV and TSV Formats (a CSV cell a spreadsheet would run as a formula gets a leading
apostrophe, :mod:`policygraph.reports.csvcells`); ``table`` and ``md`` are for people, with IRIs
shortened (a table's columns line up when cells hold Chinese).
"""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from policygraph.namespaces import shorten
from policygraph.queries import QueryResult
from policygraph.reports.csvcells import safe_row
from policygraph.reports.language import N_, Language
from policygraph.reports.textwidth import clip, columns

__all__ = ["FORMATS", "render"]

FORMATS = ("table", "csv", "tsv", "json", "md")
_WIDTH = 60
#: Variables the named queries use whose meaning is plain, headed in the reader's language in
#: a table or Markdown (``--lang zh``); any other variable, and every machine format (CSV, TSV
#: and JSON are the SPARQL results formats, headed by the variables), keeps its name.
HEADINGS = frozenset(
    (
        N_("code"),
        N_("region"),
        N_("label"),
        N_("labelZh"),
        N_("tier"),
        N_("status"),
        N_("level"),
        N_("population"),
        N_("year"),
        N_("title"),
        N_("document"),
        N_("number"),
        N_("surveyed"),
        N_("autonomous"),
        N_("domain"),
        N_("verdict"),
        N_("locator"),
        N_("source"),
    )
)


def _heads(result: QueryResult, lang: Language) -> list[str]:
    return [lang._(v) if v in HEADINGS else v for v in result.variables]


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    bindings = [
        {var: _json_term(value) for var, value in row.items() if value is not None}
        for row in result.dicts()
    ]
    payload = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def to_csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(result.variables))
    for row in result.rows:
        writer.writerow(
            safe_row("" if v is None else f"_:{v}" if isinstance(v, BNode) else str(v) for v in row)
        )
    return out.getvalue()


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    text = term.n3()
    return text.replace("\t", "\\t").replace("\n", "\\n")


def to_tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(v) for v in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _cell(term: Node | None, width: int | None = _WIDTH) -> str:
    if term is None:
        return ""
    text = shorten(term) if isinstance(term, URIRef) else str(term)
    text = " ".join(text.split())
    return clip(text, width) if width else text


def to_table(result: QueryResult, lang: Language | None = None) -> str:
    words = lang or Language()
    if result.boolean is not None:
        return (words._("yes") if result.boolean else words._("no")) + "\n"
    rows = [[_cell(v) for v in row] for row in result.rows]
    lines = columns(_heads(result, words), rows)
    lines.append(words.n("({n} row)", "({n} rows)", len(rows)))
    return "\n".join(lines) + "\n"


def to_markdown(result: QueryResult, lang: Language | None = None) -> str:
    words = lang or Language()
    if result.boolean is not None:
        return (words._("yes") if result.boolean else words._("no")) + "\n"

    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(map(esc, _heads(result, words))) + " |"]
    lines.append("|" + "---|" * len(result.variables))
    for row in result.rows:
        lines.append("| " + " | ".join(esc(_cell(v, None)) for v in row) + " |")
    return "\n".join(lines) + "\n"


def render(result: QueryResult, fmt: str, lang: Language | None = None) -> str:
    """``result`` in ``fmt``; ``lang`` heads a table or Markdown (the others are standards)."""
    if fmt == "table":
        return to_table(result, lang)
    if fmt == "md":
        return to_markdown(result, lang)
    return {"csv": to_csv, "tsv": to_tsv, "json": to_json}[fmt](result)
