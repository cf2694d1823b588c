# ruff: noqa: RUF001 - full-width digits and look-alike letters are the point of these values
"""Mutations of a data directory, drawn by Hypothesis.

Each mutation changes one thing in a copy of the bundled data and says whether the result is
clearly bad (it must end in exit 2, never be accepted) and, for a bad row, what the one-line
message must show (``file:line:column``). The others (flipped bytes, fuzzed cells, truncated
files, arbitrary RDF) may be accepted, refused by SHACL, or refused with the one-line error.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from policygraph import resources

BUNDLED = resources.data_dir()
CSV_FILES = sorted(p.name for p in BUNDLED.glob("*.csv"))
RDF_SUFFIXES = (".ttl", ".nt", ".trig")

#: Cell values that have broken parsers before, or that are easy to get wrong.
ADVERSARIAL = (
    "",
    " ",
    "0",
    "08",
    "-1",
    "1e999999999",
    "1E+400",
    "NaN",
    "Infinity",
    "1,2,3",
    "１２３",
    "٣",
    "1_000",
    "0x1F",
    "99999999999999999999999",
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "<script>alert(1)</script>",
    '"',
    'a"b',
    "x>",
    "{x}",
    "region:",
    "claim:s0/08",
    "obs:a/b",
    "group:",
    "en us",
    "zh_CN",
    "0en",
    "\u202e",
    "\ufeff",
    "中文",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "a" * 5000,
)
CONTROL = [chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127, *range(0x80, 0xA0)]]
#: Bytes that are never valid anywhere in UTF-8.
NOT_UTF8 = (b"\xc0", b"\xc1", b"\xf5", b"\xfe", b"\xff")

cell_values = st.one_of(
    st.sampled_from(ADVERSARIAL),
    st.text(max_size=40),
    st.from_regex(r"[-+]?[0-9０-９,._eE+]{1,14}", fullmatch=True),
)
bad_numbers = st.one_of(
    st.sampled_from(
        ["1e999999999", "1,2,3", "１２３", "1E5", "NaN", "inf", "0x10", "1_000", "--1"]
    ),
    st.from_regex(r"[0-9]{1,3}[eE][+-]?[0-9]{1,10}", fullmatch=True),
    st.from_regex(r"[1-9][0-9]{18,39}", fullmatch=True),
    st.from_regex(r"[０-９]{1,6}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}(,[0-9]{1,2}){1,3}", fullmatch=True),
)


def bad_integers(low: int, high: int) -> st.SearchStrategy[str]:
    """Whole numbers a column from ``low`` to ``high`` must refuse."""
    return st.one_of(
        st.sampled_from(["08", "00", "1.0", "１", "1e3", "+1", " 0x1"]),
        st.integers(min_value=high + 1).map(str),
        st.integers(max_value=low - 1).map(str),
        st.integers(low, high).map(lambda n: f"0{n}"),
    )


bad_languages = st.one_of(
    st.sampled_from(["en us", "zh_CN", "0en", "en-", "-en", "e", "en--us", "en-a", "x", "中文"]),
    st.from_regex(r"[a-z]{2}[ _.][A-Z]{2}", fullmatch=True),
    st.from_regex(r"[0-9][a-z]{1,3}", fullmatch=True),
)

TURTLE_SAMPLE = """@prefix pg: <https://w3id.org/policygraph/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/policygraph/id/region/620923> skos:altLabel "Subei"@en ;
    pg:qualityNote [ skos:note "a note" ] .
"""
NT_SAMPLE = (
    "<https://w3id.org/policygraph/id/region/620923> "
    '<http://www.w3.org/2004/02/skos/core#altLabel> "Subei"@en .\n'
)
TRIG_SAMPLE = "GRAPH <https://w3id.org/policygraph/graph/extra> {\n" + NT_SAMPLE + "}\n"
RDF_SAMPLES = {".ttl": TURTLE_SAMPLE, ".nt": NT_SAMPLE, ".trig": TRIG_SAMPLE}


@dataclass(frozen=True)
class Mutation:
    label: str
    file: str
    bad: bool
    #: A regex the one-line error must match (bad rows: their file, line and column).
    where: str | None = None


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _at(name: str) -> str:
    return rf"{re.escape(name)}:\d+:\d+: "


def _data_row(data: st.DataObject, rows: list[list[str]]) -> int:
    return data.draw(st.integers(min_value=1, max_value=len(rows) - 1), label="row")


# -- mutations that may be accepted -----------------------------------------------------------
def flip_byte(data: st.DataObject, target: Path) -> Mutation:
    raw = bytearray(target.read_bytes())
    at = data.draw(st.integers(0, len(raw) - 1), label="offset")
    raw[at] = data.draw(st.integers(0, 255), label="byte")
    target.write_bytes(bytes(raw))
    return Mutation("flip-byte", target.name, bad=False)


def insert_text(data: st.DataObject, target: Path) -> Mutation:
    raw = target.read_bytes()
    at = data.draw(st.integers(0, len(raw)), label="offset")
    text = data.draw(st.text(min_size=1, max_size=30), label="text").encode(
        "utf-8", "surrogatepass"
    )
    target.write_bytes(raw[:at] + text + raw[at:])
    return Mutation("insert-text", target.name, bad=False)


def truncate(data: st.DataObject, target: Path) -> Mutation:
    raw = target.read_bytes()
    target.write_bytes(raw[: data.draw(st.integers(0, len(raw)), label="length")])
    return Mutation("truncate", target.name, bad=False)


def fuzz_cell(data: st.DataObject, target: Path) -> Mutation:
    rows = _rows(target)
    i = _data_row(data, rows)
    j = data.draw(st.integers(0, len(rows[i]) - 1), label="column")
    rows[i][j] = data.draw(cell_values, label="value")
    _write_rows(target, rows)
    return Mutation("fuzz-cell", target.name, bad=False)


def duplicate_row(data: st.DataObject, target: Path) -> Mutation:
    rows = _rows(target)
    i = _data_row(data, rows)
    rows.insert(data.draw(st.integers(1, len(rows)), label="to"), list(rows[i]))
    _write_rows(target, rows)
    return Mutation("duplicate-row", target.name, bad=False)


def rdf_file(data: st.DataObject, directory: Path) -> Mutation:
    suffix = data.draw(st.sampled_from(RDF_SUFFIXES), label="suffix")
    text = RDF_SAMPLES[suffix]
    body = data.draw(
        st.one_of(
            st.just(text.encode()),
            st.binary(max_size=200),
            st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.tuples(st.integers(0, len(text)), st.binary(min_size=1, max_size=8)).map(
                lambda p: text.encode()[: p[0]] + p[1] + text.encode()[p[0] :]
            ),
        ),
        label="rdf",
    )
    target = directory / f"extra{suffix}"
    target.write_bytes(body)
    return Mutation("rdf-file", target.name, bad=False)


# -- clearly bad: must end in exit 2 ----------------------------------------------------------
def control_character(data: st.DataObject, target: Path) -> Mutation:
    rows = _rows(target)
    i = _data_row(data, rows)
    j = data.draw(st.integers(0, len(rows[i]) - 1), label="column")
    cell = rows[i][j]
    at = data.draw(st.integers(0, len(cell)), label="at")
    rows[i][j] = cell[:at] + data.draw(st.sampled_from(CONTROL), label="control") + cell[at:]
    _write_rows(target, rows)
    return Mutation("control-character", target.name, bad=True, where=_at(target.name))


def invalid_utf8(data: st.DataObject, target: Path) -> Mutation:
    raw = target.read_bytes()
    at = data.draw(st.integers(0, len(raw)), label="offset")
    target.write_bytes(raw[:at] + data.draw(st.sampled_from(NOT_UTF8), label="byte") + raw[at:])
    return Mutation("invalid-utf8", target.name, bad=True, where=_at(target.name))


def not_a_file(data: st.DataObject, target: Path) -> Mutation:
    kind = data.draw(st.sampled_from(["directory", "fifo", "dangling", "loop"]), label="kind")
    target.unlink()
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "dangling":
        target.symlink_to("nowhere.csv")
    else:
        target.symlink_to(target.name)
    return Mutation(f"not-a-file:{kind}", target.name, bad=True, where=re.escape(target.name))


def short_row(data: st.DataObject, target: Path) -> Mutation:
    rows = _rows(target)
    i = _data_row(data, rows)
    keep = data.draw(st.integers(1, len(rows[i]) - 1), label="keep")
    rows[i] = rows[i][:keep]
    if not any(c.strip() for c in rows[i]):
        rows[i][0] = "x"
    _write_rows(target, rows)
    return Mutation("short-row", target.name, bad=True, where=_at(target.name))


def _set_cell(data: st.DataObject, target: Path, column: str, value: str, label: str) -> Mutation:
    rows = _rows(target)
    i = _data_row(data, rows)
    rows[i][rows[0].index(column)] = value
    _write_rows(target, rows)
    return Mutation(label, target.name, bad=True, where=_at(target.name))


def bad_number(data: st.DataObject, directory: Path) -> Mutation:
    value = data.draw(bad_numbers, label="value")
    return _set_cell(data, directory / "observations.csv", "value", value, "bad-number")


def bad_unit_mult(data: st.DataObject, directory: Path) -> Mutation:
    value = data.draw(bad_integers(0, 12), label="unit_mult")
    return _set_cell(data, directory / "observations.csv", "unit_mult", value, "bad-unit-mult")


def bad_claim_number(data: st.DataObject, directory: Path) -> Mutation:
    value = data.draw(bad_integers(1, 99_999), label="n")
    return _set_cell(data, directory / "claims.csv", "n", value, "bad-claim-number")


def bad_language(data: st.DataObject, directory: Path) -> Mutation:
    value = data.draw(bad_languages, label="lang")
    return _set_cell(data, directory / "aliases.csv", "lang", value, "bad-language")


def parent_cycle(data: st.DataObject, directory: Path) -> Mutation:
    name = data.draw(st.sampled_from(["bodies.csv", "regions.csv"]), label="table")
    target = directory / name
    rows = _rows(target)
    key, parent = rows[0].index("id" if name == "bodies.csv" else "code"), rows[0].index("parent")
    a = _data_row(data, rows)
    b = _data_row(data, rows)
    rows[a][parent] = rows[b][key]
    rows[b][parent] = rows[a][key]
    _write_rows(target, rows)
    # A region that is its own parent has its own message; a 2-cycle is named as a cycle.
    return Mutation("parent-cycle", name, bad=True, where=_at(name))


ANY_FILE = (flip_byte, insert_text, truncate)
ANY_TABLE = (fuzz_cell, duplicate_row, control_character, invalid_utf8, not_a_file, short_row)
WHOLE_DIRECTORY = (
    rdf_file,
    bad_number,
    bad_unit_mult,
    bad_claim_number,
    bad_language,
    parent_cycle,
)


def mutate(data: st.DataObject, directory: Path) -> Mutation:
    """Draw one mutation and apply it to ``directory`` (a copy of the bundled data)."""
    group = data.draw(st.sampled_from(["file", "table", "directory"]), label="group")
    if group == "directory":
        return data.draw(st.sampled_from(WHOLE_DIRECTORY), label="mutation")(data, directory)
    target = directory / data.draw(st.sampled_from(CSV_FILES), label="file")
    pool = ANY_FILE if group == "file" else ANY_TABLE
    return data.draw(st.sampled_from(pool), label="mutation")(data, target)
