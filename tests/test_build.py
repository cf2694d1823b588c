"""Building the bundled data: counts, provenance, determinism, both stores agree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset

from policygraph import Inputs, build_dataset
from policygraph.export import export
from policygraph.pipeline import BUILD_CODE, build_store, open_store
from policygraph.stats import graph_stats
from policygraph.store.memory import MemoryStore

from .conftest import SEED, Invoke, append_row, seed_copy

PREFIX = """
PREFIX pg: <https://w3id.org/policygraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
"""
ID = "https://w3id.org/policygraph/id/"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(SEED)


@pytest.fixture(scope="module")
def memory(dataset: Dataset) -> MemoryStore:
    return MemoryStore(dataset)


def rows(store: MemoryStore, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in store.query(PREFIX + query))  # type: ignore[union-attr]


def test_seven_autonomous_counties_with_parents_and_titular_groups(memory: MemoryStore) -> None:
    found = rows(
        memory,
        """SELECT ?code ?parent (GROUP_CONCAT(?g; separator=";") AS ?groups) WHERE {
             ?r pg:divisionType <https://w3id.org/policygraph/id/division-type/autonomous-county> ;
                skos:notation ?code ; skos:broader/skos:notation ?parent ; pg:titularGroup ?tg .
             BIND(STRAFTER(STR(?tg), "ethnic-group/") AS ?g)
           } GROUP BY ?code ?parent""",
    )
    by_code = {code: (parent, set(groups.split(";"))) for code, parent, groups in found}
    assert by_code == {
        "620525": ("620500", {"hui"}),
        "620623": ("620600", {"tibetan"}),
        "620721": ("620700", {"yugur"}),
        "620923": ("620900", {"mongol"}),
        "620924": ("620900", {"kazakh"}),
        "622926": ("622900", {"dongxiang"}),
        "622927": ("622900", {"bonan", "dongxiang", "salar"}),
    }


def test_nineteen_documents_at_four_levels(memory: MemoryStore) -> None:
    found = rows(
        memory,
        """SELECT ?level (COUNT(DISTINCT ?d) AS ?n) WHERE {
             ?d a pg:PolicyDocument ; pg:level ?l . BIND(STRAFTER(STR(?l), "level/") AS ?level)
           } GROUP BY ?level""",
    )
    counts = {level: int(n) for level, n in found}
    assert sum(counts.values()) == 19
    assert set(counts) == {"national", "provincial", "prefectural", "county"}


def test_table_two_has_42_observations_as_printed(memory: MemoryStore) -> None:
    found = rows(
        memory,
        """SELECT ?obs ?mult WHERE {
             ?obs qb:dataSet <https://w3id.org/policygraph/id/dataset/s0-table2> ;
                  <http://purl.org/linked-data/sdmx/2009/attribute#unitMult> ?mult .
           }""",
    )
    assert len(found) == 42
    gannan_gdp = ID + "obs/s0-table2/623000/gdp/2018"
    value = rows(
        memory,
        f"""SELECT ?v ?m WHERE {{
              <{gannan_gdp}> <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?v ;
                 <http://purl.org/linked-data/sdmx/2009/attribute#unitMult> ?m ;
                 pg:qualityNote ?note . }}""",
    )
    assert {(v, m) for v, m in value} == {("1660223", "4")}


def test_g2_keeps_table_one_year_as_a_conflicting_value(memory: MemoryStore) -> None:
    found = rows(
        memory,
        """SELECT ?year ?number ?conflict WHERE {
             ?d eli:id_local "甘政办发〔2018〕162号" ; pg:year ?year ; eli:id_local ?number ;
                pg:conflictingValue ?conflict ; pg:qualityNote ?note . }""",
    )
    assert found and {(y, c) for y, _, c in found} == {("2018", "2017")}


def test_every_resource_carries_source_and_locator(memory: MemoryStore) -> None:
    missing = rows(
        memory,
        """SELECT ?s WHERE {
             VALUES ?class { pg:Region pg:PolicyDocument pg:IssuingBody pg:Programme
                             pg:GapClaim qb:DataSet qb:Observation }
             ?s a ?class .
             OPTIONAL { ?s dcterms:source ?src } OPTIONAL { ?s pg:locator ?loc }
             OPTIONAL { ?s pg:confidence ?conf }
             FILTER(!BOUND(?src) || !BOUND(?loc) || !BOUND(?conf))
           }""",
    )
    assert missing == []


def test_each_seed_is_its_own_named_graph(dataset: Dataset) -> None:
    names = {str(g.identifier) for g in dataset.graphs()}
    for slug in ("s0", "s1", "ontology"):
        assert f"https://w3id.org/policygraph/graph/{slug}" in names


def test_two_builds_give_byte_identical_ntriples() -> None:
    first = export(MemoryStore(build_dataset(SEED)), "nt")
    second = export(MemoryStore(build_dataset(SEED)), "nt")
    assert first == second
    assert len(first.splitlines()) > 1000


def test_memory_and_oxigraph_stores_give_the_same_counts(tmp_path: Path) -> None:
    inputs = SEED
    summary = build_store(f"oxigraph:{tmp_path}", inputs)
    assert summary.written and summary.report.conforms
    with open_store(f"oxigraph:{tmp_path}", inputs) as oxi, open_store("memory", inputs) as mem:
        assert graph_stats(oxi) == graph_stats(mem)
        assert export(oxi, "nt") == export(mem, "nt")


def test_oxigraph_store_is_rebuilt_when_data_changes(invoke: Invoke, data_copy: Path) -> None:
    first = invoke("stats", "--format", "json", data=data_copy)
    assert first.exit_code == 0, first.output
    append_row(
        data_copy / "sources.csv",
        {"id": "extra", "title": "An extra source", "date": "2024", "confidence": "stated"},
    )
    second = invoke("stats", "--format", "json", data=data_copy)
    assert second.exit_code == 0, second.output
    assert "graph/extra" in second.output and "graph/extra" not in first.output


def test_a_rebuild_reuses_the_validation_of_unchanged_units(tmp_path: Path) -> None:
    """Regression: the cache key followed set order, so a new process (another hash seed)
    re-validated everything. Two processes with different seeds must agree on every key."""
    import os
    import subprocess
    import sys

    def build(seed: str, data: Path | None = None) -> str:
        args = [sys.executable, "-m", "policygraph", "--store", f"oxigraph:{tmp_path / 's'}"]
        args += ["--data", str(data)] if data else []
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([*args, "build"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    seed = seed_copy(tmp_path / "seed")
    build("1", seed)
    assert "(5 of 5 units unchanged)" in build("2", seed)  # the ontology and each source's graph
    edited = tmp_path / "data"
    shutil.copytree(seed, edited)
    with (edited / "notes.csv").open("a", encoding="utf-8") as handle:
        handle.write("region:620923,a note added by a test,,s0,test\n")
    # The edit changes graph/s0, and what graph/gbt2260 (which names the region too) can see of
    # it: the ontology's, graph/s1's and graph/editorial's validation is reused.
    assert "(3 of 5 units unchanged)" in build("3", edited)


def test_a_rebuild_keeps_the_gap_cells_when_nothing_they_read_changed(tmp_path: Path) -> None:
    """An edit to the notes keeps the derived graph and gap table of the store (in a new
    process: the key must not follow hash or store order); an edit to a document derives them
    again. Either way the store equals one built from scratch, quad for quad and report for
    report."""
    import os
    import subprocess
    import sys

    from policygraph.gaps import find_gaps
    from policygraph.reports.gapreport import to_json

    store = tmp_path / "store"

    def build(seed: str, data: Path, target: Path = store) -> str:
        args = [sys.executable, "-m", "policygraph", "--store", f"oxigraph:{target}"]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [*args, "--data", str(data), "build"], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def same_as_fresh(data: Path) -> None:
        fresh = tmp_path / f"fresh-{data.name}"
        build("9", data, fresh)
        inputs = Inputs.resolve(data)
        with (
            open_store(f"oxigraph:{store}", inputs) as kept,
            open_store(f"oxigraph:{fresh}", inputs) as anew,
        ):
            assert export(kept, "nt") == export(anew, "nt")
            assert to_json(find_gaps(kept)) == to_json(find_gaps(anew))

    assert "derived" in build("1", seed_copy(tmp_path / "seed"))
    notes = tmp_path / "notes"
    shutil.copytree(tmp_path / "seed", notes)
    append_row(
        notes / "notes.csv",
        {"subject": "region:620923", "note": "added by a test", "source": "s0", "locator": "test"},
    )
    assert "kept the" in build("2", notes)
    same_as_fresh(notes)

    documents = tmp_path / "documents"
    shutil.copytree(notes, documents)
    text = (documents / "documents.csv").read_text(encoding="utf-8")
    (documents / "documents.csv").write_text(
        text.replace(",dedicated,", ",general,", 1), encoding="utf-8"
    )
    assert text != (documents / "documents.csv").read_text(encoding="utf-8")
    output = build("3", documents)
    assert "kept the" not in output and "derived" in output
    same_as_fresh(documents)


def test_a_rebuild_rewrites_the_graphs_whose_content_changed(tmp_path: Path) -> None:
    """Each graph of a store is keyed by its content, not by the files it comes from: an edit
    to notes.csv changes the key of the one graph its row goes to (and the rebuild keeps the
    others), and an edit to documents.csv changes graphs that notes.csv, unchanged, writes
    into (a note names the document, whose IRI holds its year). Either way the rebuilt store
    equals one built from scratch."""
    import json

    from policygraph.gaps import find_gaps
    from policygraph.reports.gapreport import to_json

    store = tmp_path / "store"

    def keys() -> dict[str, str]:
        manifest = json.loads((store / "current" / "manifest.json").read_text(encoding="utf-8"))
        return {name.rsplit("/", 1)[1]: key for name, key in manifest["graphs"].items()}

    def changed(data: Path) -> set[str]:
        before = keys()
        summary = build_store(f"oxigraph:{store}", Inputs.resolve(data))
        assert summary.written
        fresh = tmp_path / f"fresh-{data.name}"
        inputs = Inputs.resolve(data)
        build_store(f"oxigraph:{fresh}", inputs)
        with (
            open_store(f"oxigraph:{store}", inputs) as rebuilt,
            open_store(f"oxigraph:{fresh}", inputs) as anew,
        ):
            assert export(rebuilt, "nt") == export(anew, "nt")
            assert to_json(find_gaps(rebuilt)) == to_json(find_gaps(anew))
        return {name for name, key in keys().items() if before.get(name) != key}

    notes = seed_copy(tmp_path / "notes")
    build_store(f"oxigraph:{store}", Inputs.resolve(notes))
    append_row(
        notes / "notes.csv",
        {"subject": "region:620923", "note": "added by a test", "source": "s0", "locator": "t"},
    )
    assert changed(notes) == {"s0"}

    documents = tmp_path / "documents"
    shutil.copytree(notes, documents)
    text = (documents / "documents.csv").read_text(encoding="utf-8")
    row = "linxia-14th-fyp,Fourteenth"
    start = text.index(row)
    line = text[start : text.index("\n", start)]
    assert ",622900,2021," in line
    (documents / "documents.csv").write_text(
        text.replace(line, line.replace(",622900,2021,", ",622900,2022,")), encoding="utf-8"
    )
    # notes.csv has a note on the document in graph/editorial (its year is editorial knowledge).
    assert "document:linxia-14th-fyp" in (documents / "notes.csv").read_text(encoding="utf-8")
    assert changed(documents) == {"s0", "editorial"}


def test_a_bad_table_is_reported_before_a_bad_rdf_file(tmp_path: Path) -> None:
    """RDF files load while the tables are mapped, but errors keep the reading order: every
    table comes before every RDF file."""
    from policygraph.errors import SourceError

    data = seed_copy(tmp_path / "data")
    (data / "extra.ttl").write_text("this is not turtle\n", encoding="utf-8")
    with pytest.raises(SourceError) as rdf:
        build_dataset(Inputs.resolve(data))
    assert rdf.value.path.name == "extra.ttl"
    with (data / "notes.csv").open("a", encoding="utf-8") as handle:
        handle.write("region:620923,a row with too few cells\n")
    with pytest.raises(SourceError) as table:
        build_dataset(Inputs.resolve(data))
    assert table.value.path.name == "notes.csv"


def test_the_gap_table_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Regression: the claims' rows were written in the order of a set of regions, which Python's
    hash seed decides, so two builds of the same data gave different gaps.sqlite files."""
    import os
    import sqlite3
    import subprocess
    import sys

    tables = []
    for seed in ("1", "2"):
        store = tmp_path / f"store-{seed}"
        command = [sys.executable, "-m", "policygraph", "--no-national"]
        command += ["--store", f"oxigraph:{store}", "build"]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(command, check=True, capture_output=True, env=env, timeout=300)
        connection = sqlite3.connect(store / "current" / "gaps.sqlite")
        try:
            tables.append(connection.execute("SELECT * FROM claim ORDER BY rowid").fetchall())
        finally:
            connection.close()
    assert tables[0] and tables[0] == tables[1]


def test_every_module_that_decides_what_a_build_writes_rebuilds_stores_when_changed() -> None:
    # A store is current while its fingerprint matches, and the fingerprint hashes the code in
    # BUILD_CODE: a module the build runs but the list forgets (the divisions' mapping once) would
    # leave stores built by old code in place after an upgrade.
    # The modules a build runs, in a fresh interpreter (the command line imports them lazily).
    code = """
import pathlib, sys
import policygraph.build, policygraph.derive, policygraph.gaptable.fromgraph, policygraph.pipeline
import policygraph.shacl
package = pathlib.Path(policygraph.__file__).parent
for name, module in sorted(sys.modules.items()):
    if name.startswith("policygraph") and getattr(module, "__file__", None):
        print(pathlib.Path(module.__file__).relative_to(package).as_posix())
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = set(run.stdout.split())
    # What does not change a build's output: errors and their words, progress lines, where the
    # packaged files are, and the reading side of the gap table.
    inert = {
        "__init__.py",
        "errors.py",
        "wording.py",
        "progress.py",
        "resources.py",
        "gaptable/__init__.py",
        "gaptable/reader.py",
        "national/__init__.py",
    }
    assert sorted(imported - set(BUILD_CODE) - inert) == []
