"""The named-query library: well-formed files, parameter binding, errors, both stores agree."""

from __future__ import annotations

import itertools
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from policygraph.pipeline import build_store, open_store
from policygraph.queries import (
    NamedQuery,
    QueryResult,
    _select,
    bind,
    check_syntax,
    library,
    run_query,
)
from policygraph.store.base import GraphStore

from .conftest import SEED, Invoke

QUERY_DIR = Path(__file__).parents[1] / "src" / "policygraph" / "queries"
FILES = sorted(QUERY_DIR.glob("*/*.rq"))
LIBRARY = library()

#: Parameters to run each query with in the differential test (besides its defaults).
EXAMPLES: dict[str, list[dict[str, str]]] = {
    "gaps/no-dedicated-policy": [
        {},
        {"autonomous": "true", "within": "620000"},
        {"tier": "insurance"},
        {"tier": "commercial"},  # once 20 rows on the memory store against 21 (Sunan)
    ],
    "gaps/coverage-matrix": [{}, {"domain": "pension", "tier": "commercial"}],
    "gaps/provision": [{"autonomous": "true"}, {"domain": "medical", "within": "622900"}],
    "gaps/claims": [{}, {"source": "s1"}, {"kind": "missing-policy", "tier": "commercial"}],
    "lookup/indicator": [
        {"indicator": "gdp"},
        {"indicator": "rural-disposable-income", "year": "2018"},
    ],
    "lookup/documents": [{}, {"region": "620000", "tier": "commercial"}],
    "lookup/regions": [{}, {"autonomous": "true", "within": "620000"}],
}


def test_the_library_is_collected() -> None:
    assert len(FILES) >= 10
    assert set(LIBRARY) == {f"{p.parent.name}/{p.stem}" for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_every_query_file_is_well_formed(path: Path) -> None:
    query = LIBRARY[f"{path.parent.name}/{path.stem}"]
    assert query.title, "a named query needs a # title:"
    parseQuery(query.text)  # as it stands, every file is plain SPARQL
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("# "))
    used = set(re.findall(r"#if\s+!?(\w+)", body))
    for param in query.params:
        assert param.name in used or f"?{param.name}" in body, f"{param.name} is declared, unused"
    declared = {p.name for p in query.params}
    assert used <= declared, f"#if on undeclared parameters {used - declared}"


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_every_variant_of_a_query_file_parses(path: Path) -> None:
    """A library query is not parsed when it runs (rdflib's parser costs more than a warm gap
    question), so every choice of its ``#if`` blocks is parsed here."""
    query = LIBRARY[f"{path.parent.name}/{path.stem}"]
    assert query.packaged
    names = sorted(set(re.findall(r"#if\s+!?(\w+)", query.text)))
    for size in range(len(names) + 1):
        for given in itertools.combinations(names, size):
            check_syntax(query.name, _select(query.text, set(given)))


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[GraphStore, GraphStore]:
    directory = tmp_path_factory.mktemp("oxigraph")
    assert build_store(f"oxigraph:{directory}", SEED).written
    return open_store("memory", SEED), open_store(f"oxigraph:{directory}", SEED)


def _comparable(term: Node | None) -> object:
    value = term.toPython() if isinstance(term, Literal) else None
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return round(Decimal(str(term.toPython())), 6)
    return term


def _rows(result: QueryResult) -> list[tuple[object, ...]]:
    return sorted((tuple(_comparable(v) for v in row) for row in result.rows), key=repr)


CASES = [(name, params) for name in LIBRARY for params in EXAMPLES.get(name, [{}])]


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_memory_and_oxigraph_give_the_same_rows(
    stores: tuple[GraphStore, GraphStore], name: str, params: dict[str, str]
) -> None:
    memory, oxigraph = stores
    expected = run_query(memory, name, params)
    actual = run_query(oxigraph, name, params)
    assert expected.variables == actual.variables
    assert _rows(expected) == _rows(actual)


def test_every_named_query_has_a_differential_example() -> None:
    assert {name for name, _ in CASES} == set(LIBRARY)


def test_parameters_are_bound_by_a_values_block(stores: tuple[GraphStore, GraphStore]) -> None:
    memory, _ = stores
    text = bind(memory, LIBRARY["gaps/no-dedicated-policy"], {"tier": "commercial"})
    assert "VALUES (?level ?tier) { (<https://w3id.org/policygraph/id/level/county> " in text
    assert "#if" not in text and "?divisionType" not in text  # autonomous block dropped


def test_a_query_given_inline_runs(invoke: Invoke) -> None:
    result = invoke(
        "query",
        "-e",
        "PREFIX pg: <https://w3id.org/policygraph/def#>\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?d a pg:PolicyDocument }",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "19"]


def test_query_json_is_sparql_results_json(invoke: Invoke) -> None:
    result = invoke("query", "lookup/indicator", "--param", "indicator=gdp", "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["head"]["vars"][:3] == ["region", "code", "label"]
    gannan = [b for b in payload["results"]["bindings"] if b["code"]["value"] == "623000"]
    assert gannan[0]["value"] == {
        "type": "literal",
        "value": "1660223",
        "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
    }


def test_query_tsv_and_markdown(invoke: Invoke) -> None:
    tsv = invoke("query", "lookup/fiscal-self-sufficiency", "--format", "tsv")
    assert tsv.exit_code == 0, tsv.stderr
    assert tsv.stdout.splitlines()[0].startswith("?region\t?code\t?label")
    md = invoke("query", "lookup/fiscal-self-sufficiency", "--format", "md")
    assert md.stdout.startswith("| region | code | label |")


def test_a_query_file_with_its_own_header(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text(
        "# title: Documents of one region\n# params: region (region, required)\n"
        "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
        "SELECT ?d WHERE { ?d eli:jurisdiction ?region }\n",
        encoding="utf-8",
    )
    result = invoke("query", str(path), "--param", "region=620721", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "sunan-residents-pension-plan" in result.stdout


def test_fiscal_ratio_is_computed_in_sparql(invoke: Invoke) -> None:
    result = invoke(
        "query", "lookup/fiscal-self-sufficiency", "--param", "region=623000", "--format", "csv"
    )
    assert result.exit_code == 0, result.stderr
    header, row = result.stdout.splitlines()[:2]
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert Decimal(values["ratio"]) == round(Decimal(75884) / Decimal(1779931), 4)


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (
            ["lookup/indicator", "--param", "indicator=gdp", "--param", "region=629999"],
            "no such region",
        ),
        (["lookup/indicator", "--param", "indicator=gdp", "--param", "region=62"], "six digits"),
        (
            ["gaps/no-dedicated-policy", "--param", "tier=comercial"],
            "--param tier=comercial: no such tier; use one of assistance, commercial, insurance",
        ),
        (
            ["lookup/indicator", "--param", "indicator=gpd"],
            "--param indicator=gpd: no such indicator; use one of autonomous-townships, ",
        ),
        (["lookup/regions", "--param", "level=town"], "no such level; use one of county, "),
        (["lookup/indicator"], "missing required parameter"),
        (["gaps/no-dedicated-policy", "--param", "colour=red"], "unknown parameter 'colour'"),
        (["gaps/no-dedicated-policy", "--param", "tier"], "is not NAME=VALUE"),
        (["gaps/no-such-query"], "unknown query"),
        (["-e", "SELECT ?x WHERE { ?x ?y }"], "SPARQL syntax error"),
        ([], "give a query NAME"),
    ],
)
def test_bad_queries_and_parameters_are_one_line_and_exit_2(
    invoke: Invoke, args: list[str], expect: str
) -> None:
    result = invoke("query", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error:")
    assert expect in result.stderr


def test_queries_lists_every_named_query(invoke: Invoke) -> None:
    result = invoke("queries")
    assert result.exit_code == 0
    for name, query in LIBRARY.items():
        assert name in result.stdout and query.title in result.stdout
    listed = json.loads(invoke("queries", "--format", "json").stdout)
    assert {q["name"] for q in listed} == set(LIBRARY)


def test_named_query_objects_are_public() -> None:
    assert all(isinstance(q, NamedQuery) for q in LIBRARY.values())


def test_the_table_format_lines_up_chinese_cells(invoke: Invoke) -> None:
    from policygraph.reports.textwidth import width

    result = invoke("query", "lookup/regions", "--param", "within=620900")
    lines = result.stdout.splitlines()[:-1]  # without "(8 rows)"
    assert any("酒泉市" in line for line in lines)
    column = lines[0].index("level")  # the column after the Chinese names
    for line in lines[2:]:
        assert width(line[: line.index("id/level/")]) == column, line
