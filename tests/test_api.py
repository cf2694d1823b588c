"""The Python API for notebooks: policygraph.open(), its DataFrames, and the README's example."""

from __future__ import annotations

import contextlib
import functools
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import policygraph
from policygraph import api
from policygraph.frames import PANDAS_MISSING
from policygraph.gaps import COLUMNS

README = Path(__file__).parent.parent / "README.md"


@pytest.fixture(scope="module")
def seed_graph() -> Iterator[policygraph.PolicyGraph]:
    """The seed data alone in a memory store (about 2 s)."""
    with api.open("memory", national=False) as graph:
        yield graph


@pytest.fixture
def national(bundled_store: str) -> Iterator[policygraph.PolicyGraph]:
    """The shared national store, opened read-only."""
    with api.open(bundled_store) as graph:
        yield graph


def test_open_is_the_public_api() -> None:
    assert "open" in policygraph.__all__
    assert "PolicyGraph" in policygraph.__all__
    assert policygraph.open is api.open


def test_gaps_sunan_insurance_is_own(seed_graph: policygraph.PolicyGraph) -> None:
    report = seed_graph.gaps(within="620721", tier="insurance")
    assert [(g.code, g.tier, g.status) for g in report.gaps] == [("620721", "insurance", "own")]
    row = report.dicts()[0]
    assert row["region"] == "Sunan Yugur Autonomous County"
    assert row["region_zh"] == "肃南裕固族自治县"
    assert row["evidence_count"] == len(report.gaps[0].evidence) > 0
    assert row["evidence"] == "; ".join(d.short for d in report.gaps[0].evidence)
    assert report.rows()[0] == tuple(row.values())


def test_gap_report_dataframe_has_one_row_per_cell(seed_graph: policygraph.PolicyGraph) -> None:
    report = seed_graph.gaps(within="620721")
    frame = report.to_dataframe()
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == len(report.gaps) == 3
    insurance = frame[frame["tier"] == "insurance"].iloc[0]
    assert insurance["status"] == "own"
    assert str(frame["population"].dtype) == "Int64"


def test_national_dataframe_has_population(national: policygraph.PolicyGraph) -> None:
    frame = national.gaps(within="620923").to_dataframe()
    assert set(frame["code"]) == {"620923"}
    assert list(frame["population"]) == [15093, 15093, 15093]
    assert set(frame["region_zh"]) == {"肃北蒙古族自治县"}
    assert (frame["fallback_count"] > 0).all()


def test_named_query_dataframe_has_the_query_variables(
    seed_graph: policygraph.PolicyGraph,
) -> None:
    result = seed_graph.query("gaps/no-dedicated-policy", autonomous=True, within="620000")
    frame = result.to_dataframe()
    assert tuple(frame.columns) == result.variables == ("region", "code", "label", "surveyed")
    assert "620923" in set(frame["code"])
    assert frame["surveyed"].dtype == bool
    assert [dict(zip(result.variables, v, strict=True)) for v in result.values()] == frame.to_dict(
        "records"
    )


def test_sparql_text_runs_with_project_prefixes(seed_graph: policygraph.PolicyGraph) -> None:
    result = seed_graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?r a pg:Region }")
    assert result.variables == ("n",)
    (count,) = result.values()[0]
    assert isinstance(count, int)
    assert count > 0


def test_wrong_parameters_raise_the_cli_errors(seed_graph: policygraph.PolicyGraph) -> None:
    with pytest.raises(policygraph.QueryError, match="no such tier"):
        seed_graph.query("gaps/no-dedicated-policy", tier="comercial")
    with pytest.raises(policygraph.QueryError, match="unknown query"):
        seed_graph.query("gaps/no-such-query")


def test_ask_has_no_dataframe(seed_graph: policygraph.PolicyGraph) -> None:
    result = seed_graph.query("ASK { ?r a pg:Region }")
    assert result.boolean is True
    with pytest.raises(policygraph.QueryError, match="only a SELECT"):
        result.to_dataframe()


def test_regions_finds_by_name(national: policygraph.PolicyGraph) -> None:
    assert [r.code for r in national.regions("肃北", limit=1)] == ["620923"]
    assert national.regions("Sunan", limit=1)[0].code == "620721"


def test_without_pandas_to_dataframe_names_the_extra(
    seed_graph: policygraph.PolicyGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # what `import pandas` fails on
    report = seed_graph.gaps(within="620721")
    assert report.dicts()  # rows and dicts need no pandas
    with pytest.raises(ImportError) as caught:
        report.to_dataframe()
    assert str(caught.value) == PANDAS_MISSING
    with pytest.raises(ImportError, match="policygraph\\[notebook\\]"):
        seed_graph.query("SELECT ?r WHERE { ?r a pg:Region } LIMIT 1").to_dataframe()
    assert "pip install 'policygraph[notebook]'" in str(caught.value)


def _readme_example() -> tuple[str, str]:
    section = README.read_text(encoding="utf-8").split("\n## Python API\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```\n\n```\n(.*?)```", section, re.DOTALL)
    assert match, "README's Python API section has a python block followed by its output"
    return match.group(1), match.group(2)


def test_readme_example_runs_as_documented(
    bundled_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's example, run on the shared national store instead of ./.policygraph."""
    code, expected = _readme_example()
    monkeypatch.setattr(policygraph, "open", functools.partial(api.open, bundled_store))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert out.getvalue() == expected
