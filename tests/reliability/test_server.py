"""`policygraph serve` under a store that is rebuilt while it runs, and against hostile clients."""

from __future__ import annotations

import json
import shutil
import urllib.parse
from pathlib import Path

from policygraph import Inputs
from policygraph import serve as web
from policygraph.pipeline import build_store
from policygraph.store import versions
from policygraph.store.oxigraph import OxigraphStore

from ..servers import http, running
from .mutations import BUNDLED

TITLE = (
    "Implementation Plan of Basic Pension Insurance for Urban and Rural Residents in Sunan Yugur "
    "Autonomous County"
)
#: The title of the one document whose title the second data set changes.
TITLES = f'SELECT ?t WHERE {{ ?d dcterms:title ?t FILTER(STRSTARTS(STR(?t), "{TITLE}")) }}'


def _titles(url: str) -> list[str]:
    reply = http(f"{url}?{urllib.parse.urlencode({'query': TITLES})}")
    assert reply.status == 200, reply.text
    return [row["t"]["value"] for row in json.loads(reply.text)["results"]["bindings"]]


def _revised(tmp_path: Path) -> Path:
    data = tmp_path / "revised"
    shutil.copytree(BUNDLED, data)
    table = data / "documents.csv"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace(TITLE, TITLE + " (revised)", 1), encoding="utf-8")
    return data


def _build(spec: str, data: Path) -> Path:
    assert build_store(spec, Inputs.resolve(data, national=False)).written
    return versions.resolve(Path(spec.removeprefix("oxigraph:")))


def test_serve_answers_from_a_rebuilt_store_without_a_restart(tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'store'}"
    revised = _revised(tmp_path)
    first = _build(spec, BUNDLED)
    store = OxigraphStore(tmp_path / "store")
    with running(web.Source(store.location()), workers=1) as served:
        assert _titles(served.url) == [TITLE]
        second = _build(spec, revised)
        # The worker still has the first version open: the build kept it.
        assert first.is_dir() and second.is_dir()
        assert _titles(served.url) == [TITLE + " (revised)"]
        # The worker moved on, so the next build removes the first version, not the second.
        third = _build(spec, BUNDLED)
        assert not first.exists() and second.is_dir() and third.is_dir()
        assert _titles(served.url) == [TITLE]
    # No worker holds any version now: a build leaves only its own.
    fourth = _build(spec, revised)
    left = [p for p in (tmp_path / "store").iterdir() if p.name.startswith("store-")]
    assert left == [fourth]
