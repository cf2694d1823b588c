"""The named-query library: well-formed files, parameter binding, errors, every store agrees."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.term import Node

from policygraph import namespaces as ns
from policygraph.pipeline import build_store, open_store
from policygraph.queries import (
    NamedQuery,
    QueryResult,
    bind,
    check_syntax,
    library,
    params_line,
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
    "gaps/coverage-matrix": [{}, {"autonomous": "true", "tier": "commercial"}],
    "gaps/no-dedicated-policy-by-domain": [
        {"domain": "pension", "tier": "commercial"},
        {"domain": "pension"},
    ],
    "gaps/coverage-matrix-by-domain": [{"domain": "pension", "tier": "commercial"}],
    "gaps/coverage-matrix-as-of": [
        {},
        {"as_of": "2013", "within": "620000"},
        {"as_of": "2015", "level": "provincial", "tier": "commercial"},
        {"as_of": "2021", "domain": "medical", "autonomous": "true"},
    ],
    "gaps/provision": [{"autonomous": "true"}, {"within": "622900"}],
    "gaps/provision-as-of": [
        {},
        {"as_of": "2014", "within": "620000"},
        {"as_of": "2015", "level": "provincial", "tier": "commercial"},
        {"as_of": "2021", "autonomous": "true"},
        {"as_of": "2021", "level": "prefectural", "within": "622900"},
    ],
    "gaps/provision-by-domain": [{"domain": "medical", "within": "622900"}],
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
    assert query.packaged
    check_syntax(query.name, query.text)  # as it stands, every file is plain SPARQL
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("# "))
    assert not re.search(r"^\s*#(if|end|values)\b", body, re.MULTILINE), "no macros"
    for param in query.params:
        assert f"?{param.name}" in body, f"{param.name} is declared, unused"


@pytest.mark.parametrize("name", [n for n, q in LIBRARY.items() if q.params], ids=lambda n: str(n))
def test_a_query_with_parameters_holds_them_in_one_values_line(name: str) -> None:
    """The file as stored binds the defaults and leaves the rest UNDEF: it is the question the
    command line asks with no --param."""
    query = LIBRARY[name]
    line = params_line(query)
    assert line is not None, "no line VALUES (?p1 ?p2 …) { (…) } with the declared parameters"
    cells = re.search(r"\{\s*\((.*)\)\s*\}", line.group(0))
    assert cells is not None
    expected = [
        f"<{ns.concept(p.kind, p.default)}>" if p.default is not None else "UNDEF"
        for p in query.params
    ]
    assert cells.group(1).split() == expected


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphStore, ...]]:
    """The seed on rdflib's memory store, on Oxigraph, and behind a real endpoint: `policygraph
    serve` on loopback over that Oxigraph store, read through ``--store sparql:URL``."""
    from policygraph import serve as web
    from policygraph.store.oxigraph import OxigraphStore

    from .servers import running

    directory = tmp_path_factory.mktemp("oxigraph")
    assert build_store(f"oxigraph:{directory}", SEED).written
    oxigraph = open_store(f"oxigraph:{directory}", SEED)
    assert isinstance(oxigraph, OxigraphStore)
    with running(web.Source(oxigraph.location()), workers=1) as served:
        yield open_store("memory", SEED), oxigraph, open_store(f"sparql:{served.url}", SEED)


def _comparable(term: Node | None) -> object:
    value = term.toPython() if isinstance(term, Literal) else None
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return round(Decimal(str(term.toPython())), 6)
    return term


def _rows(result: QueryResult) -> list[tuple[object, ...]]:
    return sorted((tuple(_comparable(v) for v in row) for row in result.rows), key=repr)


CASES = [(name, params) for name in LIBRARY for params in EXAMPLES.get(name, [{}])]


def _strings(result: QueryResult) -> set[tuple[str | None, ...]]:
    return {tuple(None if v is None else str(v) for v in row) for row in result.rows}


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_every_store_gives_the_same_rows(
    stores: tuple[GraphStore, ...], name: str, params: dict[str, str]
) -> None:
    """One answer on every store: rdflib's memory store, Oxigraph, and a SPARQL endpoint, each
    named query with each of its parameter sets; rows as sets of tuples of strings."""
    memory, oxigraph, remote = stores
    expected = run_query(oxigraph, name, params)
    for other in (memory, remote):
        actual = run_query(other, name, params)
        assert actual.variables == expected.variables
        assert _strings(actual) == _strings(expected), type(other).__name__
    assert _rows(run_query(memory, name, params)) == _rows(expected)


def test_every_named_query_has_a_differential_example() -> None:
    assert {name for name, _ in CASES} == set(LIBRARY)


def test_parameters_are_bound_by_a_values_block(stores: tuple[GraphStore, ...]) -> None:
    memory = stores[0]
    query = LIBRARY["gaps/no-dedicated-policy"]
    text = bind(memory, query, {"tier": "commercial"})
    pg = "https://w3id.org/policygraph/"
    line = (
        f"  VALUES (?level ?tier ?within) {{ (<{pg}id/level/county> <{pg}id/tier/commercial> "
        f"<{pg}id/region/CN>) }}"
    )
    assert line in text.splitlines()
    # The rest of the text is the file's: only its parameter line is replaced.
    assert [x for x in text.splitlines() if x != line] == [
        x for x in query.text.splitlines() if not x.startswith("  VALUES (?level")
    ]
    assert bind(memory, query, {}) == query.text


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


def _raw_rows(directory: Path, text: str) -> set[tuple[str | None, ...]]:
    """``text`` run by pyoxigraph itself on a built store, as an endpoint whose default graph is
    the union of its graphs runs it: no policygraph code between the file and the engine."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(directory / "current" / "db"))
    solutions = store.query(text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return {tuple(None if s[n] is None else s[n].value for n in names) for s in solutions}


def _cli_rows(invoke: Invoke, store: str, *args: str) -> set[tuple[str | None, ...]]:
    result = invoke("query", *args, "--format", "json", store=store, seed=True)
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    names = payload["head"]["vars"]
    return {
        tuple(b[n]["value"] if n in b else None for n in names)
        for b in payload["results"]["bindings"]
    }


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("seed-oxigraph")
    assert build_store(f"oxigraph:{directory}", SEED).written
    return directory


#: Queries the command line runs without a --param (a required parameter has no default).
DEFAULT_RUNNABLE = [n for n, q in LIBRARY.items() if not any(p.required for p in q.params)]


@pytest.mark.parametrize("name", DEFAULT_RUNNABLE)
def test_a_query_file_run_as_it_stands_asks_the_default_question(
    invoke: Invoke, seed_store: Path, name: str
) -> None:
    """Regression: the files once kept their defaults in #if macros, so that no-dedicated-policy
    run elsewhere gave 30 rows against the command line's 20, coverage-matrix 90 against 63."""
    path = QUERY_DIR / f"{name}.rq"
    expected = _cli_rows(invoke, f"oxigraph:{seed_store}", name)
    assert _raw_rows(seed_store, path.read_text(encoding="utf-8")) == expected
    if name in ("gaps/no-dedicated-policy", "gaps/coverage-matrix"):
        assert expected, "the seed has rows for these questions"


@pytest.mark.parametrize(
    ("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_print_gives_the_query_that_runs(
    invoke: Invoke, seed_store: Path, name: str, params: dict[str, str]
) -> None:
    options = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
    printed = invoke("query", name, *options, "--print", store=f"oxigraph:{seed_store}", seed=True)
    assert printed.exit_code == 0, printed.stderr
    expected = _cli_rows(invoke, f"oxigraph:{seed_store}", name, *options)
    assert _raw_rows(seed_store, printed.stdout) == expected
