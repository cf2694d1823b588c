"""`query` and `export` output that other tools accept: RDF for CONSTRUCT/DESCRIBE, the project's
prefixes predefined, one-line parse errors, valid N-Triples/N-Quads, compact JSON-LD."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from policygraph.export import export
from policygraph.store.memory import MemoryStore

from .conftest import Invoke

PG = "https://w3id.org/policygraph/"
CONSTRUCT = "CONSTRUCT { ?d dcterms:title ?t } WHERE { ?d a pg:PolicyDocument ; dcterms:title ?t }"


@pytest.mark.parametrize(
    ("fmt", "parser"), [(None, "turtle"), ("nt", "nt"), ("xml", "xml"), ("jsonld", "json-ld")]
)
def test_construct_gives_rdf(invoke: Invoke, fmt: str | None, parser: str) -> None:
    args = ["query", "-e", CONSTRUCT] + (["--format", fmt] if fmt else [])
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format=parser)
    assert len(graph) >= 19
    assert all(str(p) == "http://purl.org/dc/terms/title" for p in graph.predicates())


def test_describe_and_a_table_format_for_a_graph(invoke: Invoke) -> None:
    result = invoke("query", "-e", f"DESCRIBE <{PG}id/region/620923>")
    assert result.exit_code == 0
    assert (URIRef(f"{PG}id/region/620923"), None, None) in Graph().parse(data=result.stdout)
    refused = invoke("query", "-e", CONSTRUCT, "--format", "csv")
    assert refused.exit_code == 2 and "--format ttl" in refused.stderr
    table = invoke("query", "-e", "SELECT * {}", "--format", "ttl")
    assert table.exit_code == 2 and "gives a table" in table.stderr


def test_the_project_prefixes_need_no_declaration(invoke: Invoke) -> None:
    listed = invoke("queries", "--prefixes")
    assert f"<{PG}def#>" in listed.stdout and "PREFIX skos:" in listed.stdout
    result = invoke(
        "query", "-e", "SELECT (COUNT(*) AS ?n) { ?d a pg:PolicyDocument }", "--format", "csv"
    )
    assert result.exit_code == 0 and result.stdout.splitlines() == ["n", "19"]
    # A query's own declaration wins over the predefined one.
    own = "PREFIX pg: <urn:other#> SELECT (COUNT(*) AS ?n) { ?d a pg:PolicyDocument }"
    assert invoke("query", "-e", own, "--format", "csv").stdout.splitlines() == ["n", "0"]


def test_a_parse_error_is_one_readable_line(invoke: Invoke) -> None:
    result = invoke("query", "-e", "SELECT ?x WHERE {\n  ?x a pg:Region .\n  FILTER(\n}")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "line" in lines[0] and "column" in lines[0]
    assert "u{" not in lines[0] and len(lines[0]) < 300


def test_print_shows_the_query_that_runs(invoke: Invoke) -> None:
    result = invoke("query", "gaps/no-dedicated-policy", "--param", "tier=commercial", "--print")
    assert result.exit_code == 0
    assert (
        f"VALUES (?level ?tier ?within) {{ (<{PG}id/level/county> <{PG}id/tier/commercial> "
        f"<{PG}id/region/CN>) }}"
    ) in result.stdout
    Graph().query(result.stdout)  # it is a complete query: rdflib parses and prepares it


@pytest.fixture
def awkward() -> MemoryStore:
    """A store whose literals hold what hand-made N-Triples get wrong."""
    dataset = Dataset()
    graph = dataset.graph(URIRef(f"{PG}graph/s0"))
    subject = URIRef(f"{PG}id/claim/s0/1")
    for text in ["two\nlines", 'a "quote" and \\ a backslash', "tab\there\r", "中文 ü"]:
        graph.add(
            (
                subject,
                URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
                Literal(text, lang="en"),
            )
        )
    graph.add((subject, URIRef(f"{PG}def#locator"), Literal('"""')))
    return MemoryStore(dataset, "fixture")


@pytest.mark.parametrize(("fmt", "parser"), [("nt", "nt"), ("nq", "nquads"), ("ttl", "turtle")])
def test_line_formats_hold_any_literal(awkward: MemoryStore, fmt: str, parser: str) -> None:
    text = export(awkward, fmt)
    if fmt in ("nt", "nq"):
        assert all(line.endswith(" .") for line in text.splitlines())  # one statement a line
        assert '"""' not in text
    parsed = Dataset()
    parsed.parse(data=text, format=parser)
    literals = {str(o) for _, _, o, _ in parsed.quads((None, None, None, None))}
    assert {
        "two\nlines",
        'a "quote" and \\ a backslash',
        "tab\there\r",
        "中文 ü",
        '"""',
    } <= literals
    assert export(awkward, fmt) == text  # deterministic


def test_json_ld_is_compact(awkward: MemoryStore) -> None:
    document = json.loads(export(awkward, "jsonld"))
    assert document["@context"]["pg"] == f"{PG}def#"
    assert "pg:locator" in json.dumps(document)
    parsed = Dataset()
    parsed.parse(data=json.dumps(document), format="json-ld")
    assert len(parsed) == 5


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "nq", "jsonld"])
def test_every_export_is_byte_identical_from_one_process_to_the_next(fmt: str) -> None:
    """Regression: rdflib writes TriG graphs and JSON-LD nodes in set order, so two processes
    (two hash seeds) wrote the same data differently."""
    import os
    import subprocess
    import sys

    def export_with(seed: str) -> bytes:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        args = [sys.executable, "-m", "policygraph", "--store", "memory", "--no-national", "export"]
        done = subprocess.run([*args, "--format", fmt], env=env, capture_output=True, check=True)
        return done.stdout

    first = export_with("1")
    assert len(first) > 100_000
    assert export_with("2") == first
