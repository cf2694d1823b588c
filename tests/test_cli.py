"""The command line, through CliRunner: data on stdout, messages on stderr, documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

import policygraph
from policygraph.cli import cli

from .conftest import Invoke

README = Path(__file__).parents[1] / "README.md"


def test_validate_conforms_on_the_bundled_data(invoke: Invoke) -> None:
    result = invoke("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("conforms")


def test_build_prints_counts_per_graph(invoke: Invoke) -> None:
    result = invoke("build", seed=True)
    assert result.exit_code == 0, result.output
    assert re.search(r"read [\d,]+ quads in \d+ graphs", result.stdout)
    assert "graph/s0" in result.stdout and "graph/s1" in result.stdout
    assert "SHACL: conforms" in result.stdout


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt")])
def test_export_union_formats_parse_back(invoke: Invoke, fmt: str, parser: str) -> None:
    result = invoke("export", "--format", fmt, seed=True)
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format=parser)
    assert len(graph) > 1000


@pytest.mark.parametrize(("fmt", "parser"), [("trig", "trig"), ("jsonld", "json-ld")])
def test_export_keeps_one_graph_per_source(invoke: Invoke, fmt: str, parser: str) -> None:
    result = invoke("export", "--format", fmt, seed=True)
    assert result.exit_code == 0, result.stderr
    dataset = Dataset().parse(data=result.stdout, format=parser)
    names = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/policygraph/graph/s0" in names
    assert "https://w3id.org/policygraph/graph/s1" in names


def test_export_to_a_file(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "out.nt"
    result = invoke("export", "--format", "nt", "-o", str(target), seed=True)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").count("\n") > 1000


def test_stats_json_counts_classes_and_graphs(invoke: Invoke) -> None:
    result = invoke("stats", "--format", "json")
    assert result.exit_code == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["by_class"]["pg:PolicyDocument"] == 19
    assert stats["by_class"]["pg:GapClaim"] == 21
    assert stats["by_level"]["pg:Region"]["county"] >= 21
    assert stats["quads"] == sum(stats["by_graph"].values())


def test_stats_count_every_division_and_autonomous_unit_of_china(invoke: Invoke) -> None:
    stats = json.loads(invoke("stats", "--format", "json").stdout)
    assert stats["regions_in_use"] == 3213
    assert stats["former_regions"] == 3610
    units = stats["autonomous"]
    counts = {kind: units[kind]["units"] for kind in units}
    assert counts == {
        "autonomous-region": 5,
        "autonomous-prefecture": 30,
        "autonomous-county": 117,
        "autonomous-banner": 3,
    }
    # Every unit names its titular groups, or a curated note says why not (龙胜各族, 隆林各族).
    assert all(u["units"] == u["with_group"] + u["with_note"] for u in units.values())
    assert units["autonomous-county"]["with_note"] == 2
    text = invoke("stats").stdout
    assert "3,213 regions in use" in text and "autonomous-banner" in text


def test_stats_text_on_the_memory_store(invoke: Invoke) -> None:
    result = invoke("stats", store="memory", seed=True)
    assert result.exit_code == 0, result.stderr
    assert "by source graph" in result.stdout and "pg:PolicyDocument" in result.stdout


@pytest.mark.parametrize("spec", ["nosuch", "oxigraph:", "memory:x"])
def test_a_bad_store_spec_is_one_line(invoke: Invoke, spec: str) -> None:
    result = invoke("stats", store=spec)
    assert result.exit_code == 2  # a usage error, like any other bad input
    assert result.stderr.count("\n") == 1 and "--store" in result.stderr


def test_national_without_a_national_directory_names_both_ways_out(
    data_copy: Path, tmp_path: Path
) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    result = CliRunner().invoke(
        cli, ["--store", store, "--data", str(data_copy), "--national", "build"]
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "national" in result.stderr and "--no-national" in result.stderr
    assert not (tmp_path / "store" / "current").exists()


def test_a_missing_data_directory_is_one_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("build", data=tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:") and "--data" in result.stderr


def test_every_command_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for name in cli.list_commands(click.Context(cli)):
        assert f"policygraph {name}" in readme, f"README does not show `policygraph {name}`"


def test_public_api_is_declared() -> None:
    for name in policygraph.__all__:
        assert hasattr(policygraph, name)


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "nt", "-o"],
        ["viz", "-o"],
        ["site", "-o"],
    ],
)
def test_an_output_path_that_cannot_be_written_is_one_line(
    invoke: Invoke, tmp_path: Path, args: list[str]
) -> None:
    """Regression: an unwritable -o used to end in a FileNotFoundError traceback."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = invoke(*args, str(blocker / "out"), seed=True)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "cannot write" in result.stderr


def test_serve_refuses_a_port_out_of_range_in_one_line(invoke: Invoke) -> None:
    result = invoke("serve", "--port", "99999")
    assert result.exit_code == 2
    assert "Traceback" not in result.output + result.stderr
    assert "0<=x<=65535" in result.stderr
