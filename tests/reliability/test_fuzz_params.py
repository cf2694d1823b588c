"""Fuzzed parameters: any value of ``--param`` or of a command's own option ends in an answer or
in the project's one-line error (exit 2) naming the option as typed, and no control character
reaches a query text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygraph.queries import library
from policygraph.store.base import GraphStore

from .harness import Tally, invoke, judge
from .mutations import ADVERSARIAL, BUNDLED

COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}
#: Control characters that must never be in a query text (line breaks and tabs are layout).
CONTROL_IN_QUERY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
QUERIES = [(q.name, p.name) for q in library().values() for p in q.params]
#: A valid value of each kind, for the required parameters not being fuzzed.
GOOD = {
    "indicator": "gdp",
    "region": "620923",
    "tier": "commercial",
    "level": "county",
    "domain": "pension",
    "year": "2018",
}
#: Values close to valid ones, so that fuzzing also reaches the checks after the syntax.
NEAR = (
    "620923",
    "620923>",
    "<https://w3id.org/policygraph/id/region/620923>",
    "https://w3id.org/policygraph/id/region/620923>",
    'https://w3id.org/policygraph/id/tier/x"y',
    "commercial",
    'x"y',
    "insurance ",
    "2018",
    "true",
    "CN",
    "urn:x",
    "s0",
)
values = st.one_of(
    st.sampled_from(NEAR),
    st.sampled_from(ADVERSARIAL),
    st.text(max_size=60),
    st.tuples(st.sampled_from(NEAR), st.text(max_size=4)).map("".join),
)


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = f"oxigraph:{tmp_path_factory.mktemp('fuzz-params') / 'store'}"
    result, _ = invoke("build", store=store, data=BUNDLED)
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture
def query_texts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SPARQL text any store is asked to run during the test."""
    seen: list[str] = []
    for cls in {*GraphStore.__subclasses__()}:
        original = cls.query

        def spy(self: GraphStore, sparql: str, _original=original) -> object:  # type: ignore[no-untyped-def]
            seen.append(sparql)
            return _original(self, sparql)

        monkeypatch.setattr(cls, "query", spy)
    yield seen


def _check(result_and_time: tuple, option: str, seen: list[str], tally: Tally) -> None:  # type: ignore[type-arg]
    result, seconds = result_and_time
    code = judge(result, seconds, label=option, bad=False, tally=tally)
    assert code in (0, 2), result.output
    if code == 2:
        assert option in result.stderr, f"{result.stderr!r} does not name {option}"
    for text in seen:
        assert not CONTROL_IN_QUERY.search(text), f"control character in a query: {text!r}"


@settings(max_examples=60, derandomize=True, **COMMON)  # type: ignore[arg-type]
@given(pick=st.sampled_from(QUERIES), value=values)
def test_fuzzed_query_parameters(
    spec: str, query_texts: list[str], pick: tuple[str, str], value: str
) -> None:
    name, param = pick
    query_texts.clear()
    others = [
        f"{p.name}={GOOD[p.kind]}" for p in library()[name].params if p.required and p.name != param
    ]
    args = [arg for other in others for arg in ("--param", other)]
    result = invoke("query", name, *args, "--param", f"{param}={value}", store=spec)
    # A refused value is named as typed; unknown names are not possible here (all declared).
    _check(result, f"--param {param}=", query_texts, Tally())
    if result[0].exit_code == 0:
        assert query_texts, "the spy saw no query: the control-character check would be void"


@settings(max_examples=40, derandomize=True, **COMMON)  # type: ignore[arg-type]
@given(option=st.sampled_from(["--tier", "--domain", "--within"]), value=values)
def test_fuzzed_gap_report_options(
    spec: str, query_texts: list[str], option: str, value: str
) -> None:
    query_texts.clear()
    result = invoke("gaps", option, value, store=spec)
    if value.strip() == "":  # an empty option is no filter
        assert result[0].exit_code == 0
        return
    _check(result, option, query_texts, Tally())


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["query", "gaps/no-dedicated-policy", "--param", "within=620923>"], "--param within="),
        (["query", "gaps/no-dedicated-policy", "--param", 'tier=x"y'], "--param tier="),
        (["query", "lookup/regions", "--param", "within=62\x000923"], "--param within="),
        (["gaps", "--tier", 'x"y'], "--tier"),
        (["gaps", "--tier", "commercial\x1b[2J"], "--tier"),
        (["gaps", "--within", "620923>"], "--within"),
        (["gaps", "--domain", "pension\n"], "--domain"),
        (["viz", "--tier", 'x"y', "-o", "/dev/null"], "--tier"),
        (["viz", "--within", "620923>", "-o", "/dev/null"], "--within"),
    ],
)
def test_a_refused_value_names_the_option_typed(
    spec: str, query_texts: list[str], args: list[str], option: str
) -> None:
    """Regression: these raised rdflib's bare Exception (a traceback) or reached the ASK query."""
    result = invoke(*args, store=spec)
    assert result[0].exit_code == 2, result[0].output
    assert result[0].stderr.startswith(f"Error: {option}") or f": {option}" in result[0].stderr
    _check(result, option, query_texts, Tally())


def test_control_characters_in_messages_are_escaped(spec: str, tmp_path: Path) -> None:
    result, _ = invoke("gaps", "--tier", "a\x1b[31mb\nc", store=spec)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and result.stderr.count("\n") == 1
    assert "\\x1b" in result.stderr
