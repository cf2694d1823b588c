"""Fuzzed builds: every mutation of the data ends in success, SHACL's report, or one line and
exit 2; clearly bad input is never accepted; a failed build leaves the previous store intact.

The fast profile runs in the normal test run; the long one (``-m long``) runs at least 2,000
builds, POLICYGRAPH_FUZZ_BUILDS sets how many (README, "Guarantees").
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .harness import Tally, invoke, judge, store_state
from .mutations import BUNDLED, mutate

LONG_BUILDS = int(os.environ.get("POLICYGRAPH_FUZZ_BUILDS", "2000"))
COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


class Workspace:
    """A store built once from the bundled data, and a scratch data directory per build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.spec = f"oxigraph:{root / 'store'}"
        self.data = root / "data"
        self.tally = Tally()
        result, _ = invoke("build", store=self.spec, data=BUNDLED)
        assert result.exit_code == 0, result.output
        self.state = store_state(self.spec)

    def fresh_data(self) -> Path:
        shutil.rmtree(self.data, ignore_errors=True)
        shutil.copytree(BUNDLED, self.data)
        return self.data

    def run(self, data: st.DataObject) -> None:
        mutation = mutate(data, self.fresh_data())
        result, seconds = invoke("build", store=self.spec, data=self.data)
        code = judge(
            result,
            seconds,
            label=mutation.label,
            bad=mutation.bad,
            tally=self.tally,
            where=mutation.where,
        )
        if sum(self.tally.outcomes.values()) % 250 == 0:  # progress of a long run (-s shows it)
            print(f"\nfuzzed builds so far: {self.tally.summary()}", flush=True)
        if code == 0:
            self.state = store_state(self.spec)
        else:
            assert store_state(self.spec) == self.state, f"{mutation.label}: store changed"
            self.tally.store_checks += 1


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    space = Workspace(tmp_path_factory.mktemp("fuzz-builds"))
    yield space
    # What the run saw (shown with -s; also written where POLICYGRAPH_FUZZ_REPORT says).
    print(f"\nfuzzed builds: {space.tally.summary()}")
    if os.environ.get("POLICYGRAPH_FUZZ_REPORT"):
        Path(os.environ["POLICYGRAPH_FUZZ_REPORT"]).write_text(space.tally.summary() + "\n")


@settings(max_examples=40, derandomize=True, **COMMON)  # type: ignore[arg-type]
@given(data=st.data())
def test_fuzzed_builds_fast(workspace: Workspace, data: st.DataObject) -> None:
    workspace.run(data)


@pytest.mark.long
@settings(max_examples=LONG_BUILDS, **COMMON)  # type: ignore[arg-type]
@given(data=st.data())
def test_fuzzed_builds_long(workspace: Workspace, data: st.DataObject) -> None:
    workspace.run(data)
